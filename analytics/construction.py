"""The full build of the analytics copy: the store read as Arrow record batches, written into a new DuckDB file.

Run in a child process by analytics/entrepot.py (``python analytics/construction.py <url> <fichier>`` with the
project on PYTHONPATH, or ``python -m analytics.construction …``; the URL may be ``-`` to read it from
PASSEPORT_CONSTRUCTION_URL so that a password never shows in the process list). Why a child:
- SQLite: the ADBC SQLite driver carries its own copy of the SQLite library, which must never run in the
  application's process (see ``_Magasin`` in analytics/entrepot.py); in a child it is harmless;
- both stores: the batches' memory is given back to the system when the child ends, so the application's process
  keeps only the DuckDB copy.

No row goes through Python: ADBC streams record batches that DuckDB scans as they come.
The copy records what it holds in its ``meta`` table: the format version (a hash of the SQL that shapes it and of
the référentiels' situations), the store's generation and the last change number applied.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import time
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa
from sqlalchemy.engine import make_url

SQL = Path(__file__).resolve().parent / "sql"
FORMAT = 2  # bump when the copy's shape changes in a way the SQL files below do not show
TABLES = ("divisions", "eleves", "fiches", "positionnements")
LIGNES_PAR_LOT = 65_536  # rows per Arrow batch read from SQLite
PARALLELE = min(4, os.cpu_count() or 1)  # fiches read in that many id ranges at once


@cache
def sql(nom: str) -> str:
    """The text of analytics/sql/<nom>.sql."""
    return (SQL / f"{nom}.sql").read_text(encoding="utf-8")


@cache
def situations() -> pa.Table:
    """Every situation of every shipped référentiel, with its rank in the référentiel's order."""
    from passeport import referentiel

    lignes = []
    for ref in referentiel.verifier_tous():
        for ordre, s in enumerate(ref.situations.values()):
            lignes.append({
                "referentiel": ref.nom, "code": s.code, "titre": s.titre,
                "pole_code": s.pole_code, "pole_titre": ref.poles[s.pole_code].titre,
                "classe_code": s.classe_code, "classe_titre": ref.classes[s.classe_code].titre,
                "ordre": ordre,
            })
    return pa.Table.from_pylist(lignes)


@cache
def version_du_format() -> str:
    """What a copy must have been built with to be reused: changes with the schema, the loading SQL and the
    situations of the référentiels (a copy of another version is rebuilt)."""
    empreinte = hashlib.sha256(f"format {FORMAT}\n".encode())
    fichiers = ["schema.sql", "macros.sql", *sorted(p.name for p in SQL.glob("charger_*.sql"))]
    fichiers += [f"store/{p.name}" for p in sorted((SQL / "store").glob("*.sql"))]
    for nom in fichiers:
        empreinte.update(nom.encode() + b"\0" + (SQL / nom).read_bytes() + b"\0")
    empreinte.update(json.dumps(situations().to_pylist(), sort_keys=True).encode())
    return empreinte.hexdigest()[:24]


def creer(duck: duckdb.DuckDBPyConnection) -> None:
    """The empty copy: tables, macros, situations (meta is written when the data is in)."""
    duck.execute(sql("schema"))
    duck.execute(sql("macros"))
    duck.register("lot", situations())
    try:
        duck.execute("INSERT INTO situations SELECT * FROM lot")
    finally:
        duck.unregister("lot")


def charger(duck: duckdb.DuckDBPyConnection, table: str, lot) -> None:
    """Insert an Arrow table or RecordBatchReader (scanned once) into the copy's ``table``."""
    duck.register("lot", lot)
    try:
        duck.execute(sql(f"charger_{table}"))
    finally:
        duck.unregister("lot")


def ecrire_meta(duck: duckdb.DuckDBPyConnection, generation: str, numero: int) -> None:
    duck.execute("DELETE FROM meta")
    duck.execute("INSERT INTO meta VALUES (?, ?, ?, now())", [version_du_format(), generation, numero])


def _connecter_adbc(url: str):
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        import adbc_driver_sqlite.dbapi as adbc_sqlite

        return adbc_sqlite.connect(parsed.database), "sqlite"
    import adbc_driver_postgresql.dbapi as adbc_pg

    cible = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    return adbc_pg.connect(cible), "postgresql"


def _lire(curseur, genre: str, requete: str) -> None:
    if genre == "sqlite":
        curseur.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(LIGNES_PAR_LOT)})
    curseur.execute(requete)


def _charger_fiches_en_parallele(url: str, connexion, genre: str, duck: duckdb.DuckDBPyConnection) -> None:
    """The fiches in id ranges read at the same time, one store connection and one DuckDB cursor each: the store's
    join of each fiche with its current version is what bounds the build (one core per range)."""
    with connexion.cursor() as curseur:
        curseur.execute("SELECT COALESCE(min(id), 0), COALESCE(max(id), 0) FROM fiche")
        bas, haut = (int(v) for v in curseur.fetchone())
    parts = max(1, min(PARALLELE, (haut - bas) // 50_000 + 1))
    pas = (haut - bas) // parts + 1
    bornes = [(bas + k * pas, min(haut, bas + (k + 1) * pas - 1)) for k in range(parts)]
    erreurs: list[BaseException] = []

    def une_part(debut: int, fin: int) -> None:
        try:
            autre, _ = (connexion, genre) if parts == 1 else _connecter_adbc(url)
            curseur_duck = duck if parts == 1 else duck.cursor()
            try:
                with autre.cursor() as curseur:
                    _lire(curseur, genre, sql("store/fiches") + f" WHERE f.id BETWEEN {int(debut)} AND {int(fin)}")
                    charger(curseur_duck, "fiches", curseur.fetch_record_batch())
            finally:
                if parts > 1:
                    curseur_duck.close()
                    autre.close()
        except BaseException as erreur:  # noqa: BLE001 (raised again in the main thread)
            erreurs.append(erreur)

    if parts == 1:
        une_part(*bornes[0])
    else:
        fils = [threading.Thread(target=une_part, args=b) for b in bornes]
        for f in fils:
            f.start()
        for f in fils:
            f.join()
    if erreurs:
        raise erreurs[0]


def construire(url: str, fichier: Path) -> dict:
    """Build a complete copy of the store at ``url`` into the new DuckDB file ``fichier``; returns a summary."""
    debut = time.perf_counter()
    fichier = Path(fichier)
    for chemin in (fichier, Path(f"{fichier}.wal")):
        chemin.unlink(missing_ok=True)
    connexion, genre = _connecter_adbc(url)
    duck = duckdb.connect(str(fichier))
    try:
        creer(duck)
        # The stamp first: every change committed after it is in the log and is applied again at the next refresh
        # (applying a change twice gives the same copy).
        with connexion.cursor() as curseur:
            curseur.execute(sql("store/estampille"))
            generation, numero, _plancher = curseur.fetchone()
        lignes = {}
        for table in TABLES:
            if table == "fiches":
                _charger_fiches_en_parallele(url, connexion, genre, duck)
            else:
                with connexion.cursor() as curseur:
                    _lire(curseur, genre, sql(f"store/{table}"))
                    charger(duck, table, curseur.fetch_record_batch())
            lignes[table] = duck.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        ecrire_meta(duck, str(generation), int(numero))
        duck.execute("CHECKPOINT")
    finally:
        duck.close()
        connexion.close()
    return {"numero": int(numero), "generation": str(generation), "lignes": lignes,
            "secondes": round(time.perf_counter() - debut, 3)}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage : python -m analytics.construction <url-du-magasin|-> <fichier-duckdb>", file=sys.stderr)
        return 2
    url = os.environ["PASSEPORT_CONSTRUCTION_URL"] if argv[0] == "-" else argv[0]
    print(json.dumps(construire(url, Path(argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
