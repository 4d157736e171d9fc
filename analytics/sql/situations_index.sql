-- Every situation of every référentiel with the index export_couverture.sql gives it.
SELECT row_number() OVER (ORDER BY referentiel, ordre) - 1 AS situation, code
FROM situations
ORDER BY situation
