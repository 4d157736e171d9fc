DELETE FROM positionnements;
INSERT INTO positionnements SELECT id, fiche_id, niveau, CAST(cree_le AS TIMESTAMP) FROM lot;
