-- Replace the fiches of an Arrow batch (registered as "lot"): changed fiches are deleted then inserted again.
DELETE FROM fiches WHERE id IN (SELECT id FROM lot);
INSERT INTO fiches
SELECT id, eleve_id, situation, titre,
       CAST(date_debut AS DATE), CAST(NULLIF(date_fin, '') AS DATE),
       lieu, nature, organisation, complexite, aleas, retenue = 1, NULLIF(pfmp_id, 0),
       CAST(cree_le AS TIMESTAMP), CAST(modifiee_le AS TIMESTAMP), supprimee = 1
FROM lot;
