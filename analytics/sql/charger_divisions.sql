-- Insert the divisions of an Arrow batch (registered as "lot"); the caller deleted the rows they replace.
INSERT INTO divisions SELECT id, etablissement_id, nom, niveau, annee_scolaire, referentiel FROM lot;
