-- The change log after the copy's number: what to re-read, and which division's results it can alter.
SELECT numero, genre, cle, division_id FROM analytique_changement WHERE numero > $1 ORDER BY numero
