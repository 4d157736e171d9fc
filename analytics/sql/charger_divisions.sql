DELETE FROM divisions;
INSERT INTO divisions SELECT id, etablissement_id, nom, niveau, annee_scolaire, referentiel FROM lot;
