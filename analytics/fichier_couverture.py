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

from analytics.couverture import COLONNES_EXPORT as COLONNES
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


def _en_champs(colonne: pa.ChunkedArray) -> pa.Array:
    """A column as the CSV fields of its cells, for the whole table at once: a categorical text column stays a
    dictionary array whose few distinct words are made into fields once (never per packet, never per cell);
    missing values are empty fields."""
    colonne = colonne.combine_chunks()
    if pa.types.is_dictionary(colonne.type):
        mots = pa.array([_champ_csv(t) for t in colonne.dictionary.to_pylist()], pa.string())
        return pa.DictionaryArray.from_arrays(colonne.indices, mots)
    if pa.types.is_string(colonne.type) or pa.types.is_large_string(colonne.type):
        return pa.array([None if t is None else _champ_csv(t) for t in colonne.to_pylist()], pa.string())
    return pc.cast(colonne, pa.string())


def _texte(champs: pa.Array) -> pa.Array:
    """A packet of fields as plain text (dictionary decoded), missing values empty."""
    if pa.types.is_dictionary(champs.type):
        champs = champs.dictionary_decode()
    return pc.fill_null(champs, "")


def ecrire_csv(df: pd.DataFrame, sortie) -> int:
    """Write the export as the interchange CSV to a path or a binary stream; return the number of rows."""
    table = en_arrow(df)
    entete = ";".join(_champ_csv(c) for c in table.column_names) + "\r\n"
    if isinstance(sortie, (str, Path)):
        with Path(sortie).open("wb") as f:
            return _ecrire_csv(table, entete, f)
    return _ecrire_csv(table, entete, sortie)


def _ecrire_csv(table: pa.Table, entete: str | None, f) -> int:
    if entete is not None:
        f.write(("\ufeff" + entete).encode("utf-8"))
    colonnes = [_en_champs(c) for c in table.columns]
    for debut in range(0, table.num_rows, _PAQUET):
        lignes = pc.binary_join_element_wise(*[_texte(c.slice(debut, _PAQUET)) for c in colonnes], ";")
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

    table = _texte_simple(en_arrow(df))
    pq.write_table(table, sortie)
    return table.num_rows


def _texte_simple(table: pa.Table) -> pa.Table:
    """Categorical texts as plain strings (Parquet readers get texts, the same schema for every lot)."""
    for i, nom in enumerate(table.column_names):
        if pa.types.is_dictionary(table.schema.field(i).type):
            table = table.set_column(i, nom, pc.cast(table.column(i), pa.string()))
    return table


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


def ecrire_par_lots(lots, sortie, format: str = "csv") -> tuple[int, int]:
    """Write the export given lot by lot (DataFrames in the file's order, analytics.couverture.lots_d_eleves) as
    ``format``: the same bytes as ``ecrire`` of the whole table, the memory of one lot. Returns (rows, students)."""
    import pyarrow.parquet as pq

    lignes = eleves = 0
    with Path(sortie).open("wb") as f:
        ecrivain = None
        for df in lots:
            if format == "csv":
                table = en_arrow(df)
                entete = ";".join(_champ_csv(c) for c in table.column_names) + "\r\n" if lignes == 0 else None
                _ecrire_csv(table, entete, f)
            elif format == "parquet":
                table = _texte_simple(en_arrow(df))
                ecrivain = ecrivain or pq.ParquetWriter(f, table.schema)
                ecrivain.write_table(table)
            else:
                raise ValueError(f"Format inconnu : {format} (csv ou parquet).")
            lignes += len(df)
            eleves += df["eleve"].nunique()
        if format == "csv" and lignes == 0:
            f.write(("\ufeff" + ";".join(_champ_csv(c) for c in COLONNES) + "\r\n").encode("utf-8"))
        if ecrivain is not None:
            ecrivain.close()
    return lignes, eleves


def ecrire(df: pd.DataFrame, sortie, format: str = "csv") -> int:
    """Write the export as ``format`` (csv or parquet); return the number of rows."""
    if format == "csv":
        return ecrire_csv(df, sortie)
    if format == "parquet":
        return ecrire_parquet(df, sortie)
    raise ValueError(f"Format inconnu : {format} (csv ou parquet).")
