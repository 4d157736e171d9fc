-- Insert the positionnements of an Arrow batch (registered as "lot"); the caller deleted the rows they replace.
INSERT INTO positionnements SELECT id, fiche_id, niveau, CAST(cree_le AS TIMESTAMP) FROM lot;
