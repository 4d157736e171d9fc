DELETE FROM eleves;
INSERT INTO eleves SELECT id, identifiant, division_id, nom, prenom, actif = 1 FROM lot;
