-- The school of a student (through the student's division).
SELECT d.etablissement_id
FROM eleves e
JOIN divisions d ON d.id = e.division_id
WHERE e.id = $eleve
