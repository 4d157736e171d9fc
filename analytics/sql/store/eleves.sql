SELECT e.id, e.identifiant, e.division_id, c.nom, c.prenom,
       CASE WHEN c.actif THEN 1 ELSE 0 END AS actif
FROM eleve e
JOIN compte c ON c.id = e.compte_id
