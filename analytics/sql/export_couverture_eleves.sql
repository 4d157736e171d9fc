-- The students of the coverage export (export_couverture.sql) in the format's order: division name, identifiant.
SELECT eleve_id, division_id, identifiant, division
FROM eleves_choisis($division, NULL, $etablissement)
ORDER BY division, identifiant, nom, prenom, eleve_id
