-- The coverage export of DESIGN.md as numbers only: one row per student in scope × situation of the student's
-- référentiel. Texts travel apart (export_couverture_eleves.sql, situations_index.sql) so that no text is
-- repeated per cell. Order of the format: division name, identifiant, référentiel order; the names are ranked on
-- the small student table and the wide rows are sorted by that integer rank and the situation's rank, never by
-- text. statut is its rank in (non_traversee, une_fois, repetee, evaluable) (analytics.couverture.ORDRE_STATUTS).
-- $divisions (a list of division ids) chooses the students; $debut, $fin, $lieux, $natures filter the fiches.
-- The rows come grouped by division (analytics/couverture.py keeps each division's part with its stamp and puts
-- the students in the format's order).
WITH choisis AS (
    SELECT eleve_id, referentiel, division_id,
           row_number() OVER (ORDER BY division_id, identifiant, nom, prenom, eleve_id) AS rang
    FROM eleves_choisis(NULL, NULL, NULL)
    WHERE list_contains($divisions, division_id)
),
index_situations AS (
    SELECT referentiel, code, ordre, row_number() OVER (ORDER BY referentiel, ordre) - 1 AS situation
    FROM situations
),
figures AS (
    SELECT f.eleve_id, f.situation,
           count(*) AS nb_fiches,
           count(*) FILTER (WHERE f.nature = 'reelle') AS nb_reelles,
           max(f.complexite) AS max_complexite,
           max(f.aleas) AS max_aleas
    FROM fiches_filtrees($debut, $fin, $lieux, $natures) f
    SEMI JOIN choisis c ON c.eleve_id = f.eleve_id
    GROUP BY f.eleve_id, f.situation
)
-- Compact types (17 bytes a row): the académie's 1.1 M rows are kept in memory per division. -1: no fiche.
SELECT CAST(c.division_id AS INTEGER) AS division_id, CAST(c.eleve_id AS INTEGER) AS eleve_id,
       CAST(s.situation AS SMALLINT) AS situation,
       CAST(COALESCE(fg.nb_fiches, 0) AS INTEGER) AS nb_fiches,
       CAST(COALESCE(fg.nb_reelles, 0) AS INTEGER) AS nb_reelles,
       CAST(COALESCE(fg.max_complexite, -1) AS TINYINT) AS max_complexite,
       CAST(COALESCE(fg.max_aleas, -1) AS TINYINT) AS max_aleas,
       CAST(list_position(['non_traversee', 'une_fois', 'repetee', 'evaluable'],
                          statut(COALESCE(fg.nb_fiches, 0), fg.max_complexite, fg.max_aleas)) - 1 AS TINYINT) AS statut
FROM choisis c
JOIN index_situations s ON s.referentiel = c.referentiel
LEFT JOIN figures fg ON fg.eleve_id = c.eleve_id AND fg.situation = s.code
ORDER BY c.rang, s.ordre
