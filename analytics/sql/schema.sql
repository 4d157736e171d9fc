-- The DuckDB copy of the store (see analytics/entrepot.py and analytics/construction.py). No primary keys: rows are
-- replaced by id (delete then insert, in one transaction), and the copy is read by scans.
CREATE TABLE fiches (
    id BIGINT, eleve_id BIGINT, situation VARCHAR, titre VARCHAR,
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
-- What the copy holds: format version (analytics/construction.version_du_format), the store's generation and the
-- last change number applied (analytique_compteur / analytique_changement in the store).
CREATE TABLE meta (format VARCHAR, generation VARCHAR, numero BIGINT, construite_le TIMESTAMP);
