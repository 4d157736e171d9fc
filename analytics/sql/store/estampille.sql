-- The change stamp of the fiches. Every save, deletion, restoration or retenue bumps fiche.modifiee_le; the sums
-- also catch a change whose transaction committed after a later-stamped one (its modifiee_le is then not the max).
SELECT count(*) AS nombre,
       max(modifiee_le) AS derniere,
       COALESCE(sum(version_courante), 0) AS versions,
       count(supprimee_le) AS supprimees,
       COALESCE(sum(CASE WHEN retenue THEN 1 ELSE 0 END), 0) AS retenues
FROM fiche
