-- The change stamp of the fiches: any new version, deletion, restoration or retenue bumps fiche.modifiee_le.
SELECT (SELECT count(*) FROM fiche) AS nombre, (SELECT max(modifiee_le) FROM fiche) AS derniere
