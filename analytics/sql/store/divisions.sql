SELECT id, etablissement_id, nom, niveau, annee_scolaire, referentiel FROM division
