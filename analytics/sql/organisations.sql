-- Where other students of the school wrote real fiches on each situation: organisation names, most students first.
-- Workplaces only (PFMP and jobs outside training): the school's own services are not a place to send a student.
-- Former students count too (their workplaces are still good places to learn).
SELECT f.situation, trim(f.organisation) AS organisation, count(DISTINCT f.eleve_id) AS eleves
FROM fiches f
JOIN eleves e ON e.id = f.eleve_id
JOIN divisions d ON d.id = e.division_id
WHERE NOT f.supprimee
  AND f.nature = 'reelle'
  AND f.lieu IN ('pfmp', 'hors_formation')
  AND trim(f.organisation) <> ''
  AND f.eleve_id <> $eleve
  AND d.etablissement_id = (SELECT d2.etablissement_id FROM eleves e2 JOIN divisions d2 ON d2.id = e2.division_id
                            WHERE e2.id = $eleve)
GROUP BY f.situation, trim(f.organisation)
ORDER BY f.situation, eleves DESC, organisation
