-- The filtered fiches of the students in scope, one row each (timelines, ladders, lieux, activity), with the
-- latest positionnement of each fiche and how many were given.
WITH dernier AS (
    SELECT fiche_id, arg_max(niveau, (cree_le, id)) AS positionnement, count(*) AS positionnements
    FROM positionnements GROUP BY fiche_id
)
SELECT f.id AS fiche_id, f.eleve_id, c.nom, c.prenom, c.division, f.situation, s.titre AS situation_titre,
       s.pole_code, s.classe_code, s.ordre, f.titre, f.date_debut, f.date_fin, f.lieu, f.nature,
       f.organisation, f.complexite, f.aleas, f.retenue, f.cree_le, f.modifiee_le,
       d.positionnement, COALESCE(d.positionnements, 0) AS positionnements
FROM fiches_filtrees($debut, $fin, $lieux, $natures) f
JOIN eleves_choisis($division, $eleve, $etablissement) c ON c.eleve_id = f.eleve_id
LEFT JOIN situations s ON s.referentiel = c.referentiel AND s.code = f.situation
LEFT JOIN dernier d ON d.fiche_id = f.id
ORDER BY f.date_debut, f.id
