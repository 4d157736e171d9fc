-- Insert the students of an Arrow batch (registered as "lot"); the caller deleted the rows they replace.
INSERT INTO eleves SELECT id, identifiant, division_id, nom, prenom, actif = 1 FROM lot;
