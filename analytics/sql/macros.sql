-- The fiches a cockpit view counts: not deleted, of active students, within the filters (NULL = no filter).
CREATE MACRO fiches_filtrees(debut, fin, lieux, natures) AS TABLE
SELECT f.*
FROM fiches f
JOIN eleves e ON e.id = f.eleve_id AND e.actif
WHERE NOT f.supprimee
  AND (debut IS NULL OR f.date_debut >= debut)
  AND (fin IS NULL OR f.date_debut <= fin)
  AND (lieux IS NULL OR list_contains(lieux, f.lieu))
  AND (natures IS NULL OR list_contains(natures, f.nature));

-- The students in scope: one division, one student, or a whole school (NULL = not this criterion).
CREATE MACRO eleves_choisis(division, eleve, etablissement) AS TABLE
SELECT e.id AS eleve_id, e.identifiant, e.nom, e.prenom, d.id AS division_id, d.nom AS division, d.referentiel
FROM eleves e
JOIN divisions d ON d.id = e.division_id
WHERE e.actif
  AND (division IS NULL OR d.id = division)
  AND (eleve IS NULL OR e.id = eleve)
  AND (etablissement IS NULL OR d.etablissement_id = etablissement);

-- The one definition of a statut (DESIGN.md), same as passeport/statut.py.
CREATE MACRO statut(nb_fiches, max_complexite, max_aleas) AS
CASE WHEN nb_fiches = 0 THEN 'non_traversee'
     WHEN nb_fiches = 1 THEN 'une_fois'
     WHEN max_complexite >= 2 OR max_aleas >= 1 THEN 'evaluable'
     ELSE 'repetee' END;
