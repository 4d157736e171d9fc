-- The DuckDB copy of the store, rebuilt from Arrow batches (see analytics/entrepot.py).
CREATE TABLE fiches (
    id BIGINT PRIMARY KEY, eleve_id BIGINT, situation VARCHAR, titre VARCHAR,
    date_debut DATE, date_fin DATE, lieu VARCHAR, nature VARCHAR, organisation VARCHAR,
    complexite INTEGER, aleas INTEGER, retenue BOOLEAN, pfmp_id BIGINT,
    cree_le TIMESTAMP, modifiee_le TIMESTAMP, supprimee BOOLEAN
);
CREATE TABLE eleves (id BIGINT, identifiant VARCHAR, division_id BIGINT, nom VARCHAR, prenom VARCHAR, actif BOOLEAN);
CREATE TABLE divisions (id BIGINT, etablissement_id BIGINT, nom VARCHAR, niveau VARCHAR, annee_scolaire VARCHAR,
                        referentiel VARCHAR);
CREATE TABLE positionnements (id BIGINT, fiche_id BIGINT, niveau INTEGER, cree_le TIMESTAMP);
CREATE TABLE situations (referentiel VARCHAR, code VARCHAR, titre VARCHAR, pole_code VARCHAR, pole_titre VARCHAR,
                         classe_code VARCHAR, classe_titre VARCHAR, ordre INTEGER);
