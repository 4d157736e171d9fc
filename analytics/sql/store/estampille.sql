-- The store's change counter (migration 0014, passeport/changements.py): one row, no scan.
SELECT generation, numero, plancher FROM analytique_compteur WHERE id = 1
