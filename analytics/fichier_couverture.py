"""The coverage export (analytics.couverture.export_couverture) written to a file straight from Arrow.

CSV: the interchange format of DESIGN.md, byte for byte what passeport.csvio writes (UTF-8 with BOM, `;`, CRLF,
csv.writer's minimal quoting, texts neutralised against formula injection). Each line is joined by Arrow's compute
kernels; only the few distinct texts (identifiants, divisions, situation codes, statuts) go through Python, once
each, never a cell. Parquet: the same columns, typed (texts as they are: a Parquet file runs no formula). xlsx: a
division only, through analytics.exports (an académie's million rows do not fit in a sheet).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from passeport.csvio import neutraliser

FORMATS = ("csv", "parquet", "xlsx")
LIGNES_XLSX_MAX = 1_048_576 - 10  # Excel's rows per sheet, minus the title lines
_PAQUET = 200_000  # rows joined at once: the memory of a CSV stays that of a packet


def en_arrow(df: pd.DataFrame) -> pa.Table:
    """The export as an Arrow table: categorical texts become dictionary arrays (no copy of the texts)."""
    return pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(None)


def _champ_csv(texte: str) -> str:
    """One text field exactly as passeport.csvio writes it: neutralised, then quoted as csv.writer quotes."""
    if texte == "":
        return ""
    tampon = io.StringIO(newline="")
    csv.writer(tampon, delimiter=";").writerow([neutraliser(texte)])
    return tampon.getvalue()[:-2]  # without the "\r\n"


def _en_texte(colonne: pa.ChunkedArray) -> pa.Array:
    """A column as the CSV fields of its cells; missing values are empty fields."""
    colonne = colonne.combine_chunks()
    if pa.types.is_dictionary(colonne.type):
        mots = pa.array([_champ_csv(t) for t in colonne.dictionary.to_pylist()], pa.string())
        texte = pa.DictionaryArray.from_arrays(colonne.indices, mots).dictionary_decode()
    elif pa.types.is_string(colonne.type) or pa.types.is_large_string(colonne.type):
        texte = pa.array([None if t is None else _champ_csv(t) for t in colonne.to_pylist()], pa.string())
    else:
        texte = pc.cast(colonne, pa.string())
    return pc.fill_null(texte, "")


def ecrire_csv(df: pd.DataFrame, sortie) -> int:
    """Write the export as the interchange CSV to a path or a binary stream; return the number of rows."""
    table = en_arrow(df)
    entete = ";".join(_champ_csv(c) for c in table.column_names) + "\r\n"
    if isinstance(sortie, (str, Path)):
        with Path(sortie).open("wb") as f:
            return _ecrire_csv(table, entete, f)
    return _ecrire_csv(table, entete, sortie)


def _ecrire_csv(table: pa.Table, entete: str, f) -> int:
    f.write(("\ufeff" + entete).encode("utf-8"))
    for debut in range(0, table.num_rows, _PAQUET):
        paquet = table.slice(debut, _PAQUET)
        lignes = pc.binary_join_element_wise(*[_en_texte(c) for c in paquet.columns], ";")
        tout = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(lignes)], pa.int32()), lignes), "\r\n")
        f.write(tout[0].as_buffer())
        f.write(b"\r\n")
    return table.num_rows


def octets_csv(df: pd.DataFrame) -> bytes:
    """The same CSV in memory."""
    tampon = io.BytesIO()
    ecrire_csv(df, tampon)
    return tampon.getvalue()


def ecrire_parquet(df: pd.DataFrame, sortie) -> int:
    """Write the export as Parquet (texts as plain strings, max_* nullable integers); return the number of rows."""
    import pyarrow.parquet as pq

    table = en_arrow(df)
    for i, nom in enumerate(table.column_names):
        if pa.types.is_dictionary(table.schema.field(i).type):
            table = table.set_column(i, nom, pc.cast(table.column(i), pa.string()))
    pq.write_table(table, sortie)
    return table.num_rows


def ecrire_xlsx(df: pd.DataFrame, sortie, division: str, annee_scolaire: str | None = None,
                jour: dt.date | None = None) -> int:
    """Write a division's export as a workbook through analytics.exports (title lines, frozen header, legend)."""
    from analytics.exports import _entete_division, classeur, feuille_depuis, feuille_legende

    if len(df) > LIGNES_XLSX_MAX:
        raise ValueError("trop de lignes pour une feuille de calcul")
    jour = jour or dt.date.today()
    feuille = feuille_depuis(df.astype(object), "Couverture", f"Couverture du référentiel — division {division}",
                             [_entete_division(division, annee_scolaire, jour)], colonnes_figees=3)
    Path(sortie).write_bytes(classeur([feuille, feuille_legende(niveaux=False)]))
    return len(df)


def ecrire(df: pd.DataFrame, sortie, format: str = "csv") -> int:
    """Write the export as ``format`` (csv or parquet); return the number of rows."""
    if format == "csv":
        return ecrire_csv(df, sortie)
    if format == "parquet":
        return ecrire_parquet(df, sortie)
    raise ValueError(f"Format inconnu : {format} (csv ou parquet).")
