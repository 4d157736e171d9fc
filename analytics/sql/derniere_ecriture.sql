-- When each student in scope last wrote (created or rewrote) a fiche; NULL when never.
SELECT c.eleve_id, c.identifiant, c.nom, c.prenom, max(f.modifiee_le) AS derniere_ecriture, count(f.id) AS nb_fiches
FROM eleves_choisis($division, $eleve, $etablissement) c
LEFT JOIN fiches f ON f.eleve_id = c.eleve_id AND NOT f.supprimee
GROUP BY c.eleve_id, c.identifiant, c.nom, c.prenom
ORDER BY derniere_ecriture NULLS FIRST, c.nom, c.prenom
