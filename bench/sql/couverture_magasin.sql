-- The académie coverage export as one plain GROUP BY on the store (SQLite and PostgreSQL alike): one row per
-- active student × situation of the référentiel, the same table as analytics.export_couverture (eleve;division;
-- situation;nb_fiches;nb_reelles;max_complexite;max_aleas;statut). The situations' VALUES list replaces the marker
-- below (bench/bench_academie.py writes it from the référentiel); counted fiches: current version, not in the bin.
WITH situations(code) AS (VALUES /*SITUATIONS*/),
figures AS (
    SELECT f.eleve_id, v.situation,
           count(*) AS nb_fiches,
           sum(CASE WHEN v.nature = 'reelle' THEN 1 ELSE 0 END) AS nb_reelles,
           max(v.complexite) AS max_complexite,
           max(v.aleas) AS max_aleas
    FROM fiche f
    JOIN fiche_version v ON v.fiche_id = f.id AND v.numero = f.version_courante
    WHERE f.supprimee_le IS NULL
    GROUP BY f.eleve_id, v.situation
)
SELECT e.identifiant AS eleve, d.nom AS division, s.code AS situation,
       COALESCE(g.nb_fiches, 0) AS nb_fiches, COALESCE(g.nb_reelles, 0) AS nb_reelles,
       g.max_complexite, g.max_aleas,
       CASE WHEN g.nb_fiches IS NULL THEN 'non_traversee'
            WHEN g.nb_fiches = 1 THEN 'une_fois'
            WHEN g.max_complexite >= 2 OR g.max_aleas >= 1 THEN 'evaluable'
            ELSE 'repetee' END AS statut
FROM eleve e
JOIN compte c ON c.id = e.compte_id AND c.actif
JOIN division d ON d.id = e.division_id
CROSS JOIN situations s
LEFT JOIN figures g ON g.eleve_id = e.id AND g.situation = s.code;
