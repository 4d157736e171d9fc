-- How many fiches the copy holds (benchmarks).
SELECT count(*) AS nombre FROM fiches
