-- The current version of every fiche. Portable SQL (SQLite and PostgreSQL): dates travel as text so that
-- ADBC infers the same Arrow types from both stores; DuckDB casts them back.
SELECT f.id, f.eleve_id, v.situation, v.titre,
       CAST(v.date_debut AS TEXT) AS date_debut, COALESCE(CAST(v.date_fin AS TEXT), '') AS date_fin,
       v.lieu, v.nature, v.organisation, v.complexite, v.aleas,
       CASE WHEN f.retenue THEN 1 ELSE 0 END AS retenue,
       COALESCE(f.pfmp_id, 0) AS pfmp_id,
       CAST(f.cree_le AS TEXT) AS cree_le, CAST(f.modifiee_le AS TEXT) AS modifiee_le,
       CASE WHEN f.supprimee_le IS NULL THEN 0 ELSE 1 END AS supprimee
FROM fiche f
JOIN fiche_version v ON v.fiche_id = f.id AND v.numero = f.version_courante
