-- Insert the fiches of an Arrow batch (registered as "lot"); the caller deleted the rows they replace.
INSERT INTO fiches
SELECT id, eleve_id, situation, titre,
       CAST(date_debut AS DATE), CAST(NULLIF(date_fin, '') AS DATE),
       lieu, nature, organisation, complexite, aleas, retenue = 1, NULLIF(pfmp_id, 0),
       CAST(cree_le AS TIMESTAMP), CAST(modifiee_le AS TIMESTAMP), supprimee = 1
FROM lot;
