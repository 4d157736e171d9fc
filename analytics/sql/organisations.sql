-- Where the students of a school wrote real fiches on each situation: one row per situation × organisation ×
-- student, read once per school (analytics/objectifs.py counts the students per organisation, leaving the student
-- whose goals are shown out of the count). Workplaces only (PFMP and jobs outside training): the school's own
-- services are not a place to send a student. Former students count too (their workplaces are still good places
-- to learn).
SELECT DISTINCT f.situation, trim(f.organisation) AS organisation, f.eleve_id
FROM fiches f
JOIN eleves e ON e.id = f.eleve_id
JOIN divisions d ON d.id = e.division_id
WHERE NOT f.supprimee
  AND f.nature = 'reelle'
  AND f.lieu IN ('pfmp', 'hors_formation')
  AND trim(f.organisation) <> ''
  AND d.etablissement_id = $etablissement
