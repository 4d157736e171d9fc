-- The students of the coverage export (export_couverture.sql): their identifiant and division name.
SELECT eleve_id, identifiant, division
FROM eleves_choisis($division, NULL, $etablissement)
