"""Spreadsheet exports of the cockpit (xlsx through openpyxl)."""

from __future__ import annotations

import io

import pandas as pd

from analytics.couverture import ORDRE_STATUTS, Carte
from analytics.synthese import LIBELLES_LIEUX
from passeport.statut import LIBELLES


def carte_en_tableau(carte: Carte) -> pd.DataFrame:
    """The heatmap as a table: one row per student, one column per situation, totals in the last row and column."""
    valeurs = carte.valeurs.copy()
    if carte.metrique == "statut":
        # Words, not ranks, in a spreadsheet.
        valeurs = valeurs.apply(lambda col: col.map(lambda v: LIBELLES[ORDRE_STATUTS[int(v)]]))
    valeurs.index = list(carte.eleves["libelle"])
    valeurs.index.name = "Élève"
    valeurs[carte.libelle_total] = carte.total_eleve.to_numpy()
    total = pd.DataFrame([list(carte.total_situation.to_numpy()) + [None]], columns=valeurs.columns,
                         index=[carte.libelle_total])
    return pd.concat([valeurs, total])


def lignes_csv(df: pd.DataFrame) -> list[list]:
    """The rows of a DataFrame for the CSV writer: missing values become empty fields."""
    return [[None if pd.isna(v) else v for v in ligne] for ligne in df.itertuples(index=False)]


def classeur(feuilles: dict[str, pd.DataFrame]) -> bytes:
    """An xlsx workbook with one sheet per DataFrame (sheet names cut to Excel's 31 characters)."""
    tampon = io.BytesIO()
    with pd.ExcelWriter(tampon, engine="openpyxl") as ecrivain:
        for nom, df in feuilles.items():
            df.to_excel(ecrivain, sheet_name=nom[:31], index=not isinstance(df.index, pd.RangeIndex))
    return tampon.getvalue()


def en_tete_lieux(df: pd.DataFrame) -> pd.DataFrame:
    """Lieux columns named in words for a spreadsheet."""
    return df.rename(columns={**LIBELLES_LIEUX, "nom": "Nom", "prenom": "Prénom"})
