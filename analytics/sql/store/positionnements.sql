SELECT id, fiche_id, niveau, CAST(cree_le AS TEXT) AS cree_le FROM positionnement
