-- One row per student in scope × situation of the student's référentiel, with the figures of the heatmap.
-- $division, $eleve, $etablissement choose the students; $debut, $fin, $lieux, $natures filter the fiches.
WITH choisis AS (
    SELECT * FROM eleves_choisis($division, $eleve, $etablissement)
),
fiches_vues AS (
    SELECT f.* FROM fiches_filtrees($debut, $fin, $lieux, $natures) f
    WHERE f.eleve_id IN (SELECT eleve_id FROM choisis)
),
dernier_positionnement AS (
    -- The latest positionnement of each fiche, then the latest over the student's fiches of a situation.
    SELECT f.eleve_id, f.situation, arg_max(p.niveau, (p.cree_le, p.id)) AS positionnement
    FROM fiches_vues f JOIN positionnements p ON p.fiche_id = f.id
    GROUP BY f.eleve_id, f.situation
),
figures AS (
    SELECT eleve_id, situation,
           count(*) AS nb_fiches,
           count(*) FILTER (WHERE nature = 'reelle') AS nb_reelles,
           max(complexite) AS max_complexite,
           max(aleas) AS max_aleas,
           max(date_debut) AS derniere_date
    FROM fiches_vues
    GROUP BY eleve_id, situation
)
SELECT c.eleve_id, c.identifiant, c.nom, c.prenom, c.division_id, c.division, c.referentiel,
       s.code AS situation, s.titre, s.pole_code, s.pole_titre, s.classe_code, s.classe_titre, s.ordre,
       COALESCE(fg.nb_fiches, 0) AS nb_fiches,
       COALESCE(fg.nb_reelles, 0) AS nb_reelles,
       fg.max_complexite, fg.max_aleas,
       statut(COALESCE(fg.nb_fiches, 0), fg.max_complexite, fg.max_aleas) AS statut,
       dp.positionnement,
       CASE WHEN fg.nb_fiches > 0 THEN fg.nb_reelles / fg.nb_fiches END AS part_reelles,
       fg.derniere_date
FROM choisis c
JOIN situations s ON s.referentiel = c.referentiel
LEFT JOIN figures fg ON fg.eleve_id = c.eleve_id AND fg.situation = s.code
LEFT JOIN dernier_positionnement dp ON dp.eleve_id = c.eleve_id AND dp.situation = s.code
ORDER BY c.nom, c.prenom, c.eleve_id, s.ordre
