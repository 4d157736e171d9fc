"""A DuckDB copy of the store, read into Arrow (ADBC for PostgreSQL) and refreshed only when the store changed.

The fiches carry a change stamp (``fiche.modifiee_le``, bumped by every save, deletion, restoration or retenue):
a refresh re-reads only the fiches changed since the last one. The small tables (students, divisions,
positionnements) are read again at each refresh and replaced when their content differs. Results of queries are
memoised per stamp, so a page that runs again without any change in the store costs no query at all.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
from sqlalchemy.engine import make_url

from passeport import referentiel
from passeport.db import normaliser_url, url_configuree

SQL = Path(__file__).resolve().parent / "sql"
PETITES_TABLES = ("eleves", "divisions", "positionnements")
MEMOIRE_MAX = 512  # memoised results kept for the current stamp


@cache
def sql(nom: str) -> str:
    """The text of analytics/sql/<nom>.sql."""
    return (SQL / f"{nom}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Estampille:
    """What identifies a state of the store for the analytics."""

    fiches: int
    derniere_modification: object  # as the store returns it (text for SQLite, datetime for PostgreSQL)
    sommes: tuple[int, int, int]  # versions, deleted, retained: see sql/store/estampille.sql
    petites_tables: int  # hash of the small tables' content

    def __str__(self) -> str:
        return f"{self.fiches}:{self.derniere_modification}:{self.petites_tables:x}"


# A change re-reads the fiches modified since the last stamp minus this margin: a transaction that took its
# timestamp before the last stamp but committed after it is still read (and small clock differences between
# application servers do not lose a change).
MARGE = dt.timedelta(minutes=2)


def _reculer(derniere):
    """``derniere`` minus MARGE, in the store's own type (text for SQLite, datetime for PostgreSQL)."""
    if isinstance(derniere, str):
        instant = dt.datetime.fromisoformat(derniere) - MARGE
        return instant.strftime("%Y-%m-%d %H:%M:%S.%f")
    return derniere - MARGE


class _Magasin:
    """Reads the store into Arrow: ADBC for PostgreSQL; Python's own sqlite3 for SQLite.

    Why not ADBC for SQLite too: its driver carries its own copy of the SQLite library. Two copies in one process
    do not see each other's POSIX locks, so closing one copy's file releases the other's locks; in WAL mode the
    application's next connection then fails with "disk I/O error" (seen here in the test suite; SQLite's
    "How To Corrupt An SQLite Database File", §2.2.1). Python's sqlite3 is the copy SQLAlchemy already uses."""

    def __init__(self, url: str):
        parsed = make_url(normaliser_url(url))
        self.backend = parsed.get_backend_name()
        if self.backend == "sqlite":
            self._cible = parsed.database
        elif self.backend == "postgresql":
            self._cible = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        else:
            raise ValueError(f"Base non prise en charge par les analyses : {self.backend}")

        self._ouverte = None  # PostgreSQL: one connection kept between refreshes (opening one costs ~35 ms)

    def connecter(self):
        if self.backend == "sqlite":
            import sqlite3

            connexion = sqlite3.connect(self._cible, timeout=5)
            connexion.execute("PRAGMA query_only = ON")
            return connexion
        import adbc_driver_postgresql.dbapi as adbc

        if self._ouverte is None:
            self._ouverte = adbc.connect(self._cible, autocommit=True)
        return self._ouverte

    def rendre(self, connexion, en_erreur: bool = False) -> None:
        """Close a SQLite connection (it is cheap to open); keep the PostgreSQL one unless it failed."""
        if self.backend == "sqlite":
            connexion.close()
        elif en_erreur:
            self.fermer()

    def fermer(self) -> None:
        if self._ouverte is not None:
            try:
                self._ouverte.close()
            finally:
                self._ouverte = None

    def lire(self, connexion, requete: str, parametres: tuple = ()) -> pa.Table:
        if self.backend == "sqlite":
            curseur = connexion.execute(requete.replace("$1", "?"), parametres)
            noms = [d[0] for d in curseur.description]
            lignes = curseur.fetchall()
            colonnes = list(zip(*lignes)) if lignes else [()] * len(noms)
            return pa.table({nom: pa.array(valeurs) for nom, valeurs in zip(noms, colonnes)})
        with connexion.cursor() as curseur:
            curseur.execute(requete, parameters=parametres or None)
            return curseur.fetch_arrow_table()


class Entrepot:
    """The analytics' copy of one store. Thread-safe: refreshes and queries take the same lock."""

    def __init__(self, url: str | None = None):
        self.url = normaliser_url(url or url_configuree())
        self._magasin = _Magasin(self.url)
        self._duck = duckdb.connect()
        self._verrou = threading.RLock()
        self._estampille: Estampille | None = None
        self._empreintes: dict[str, int] = {}
        self._memoire: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
        self.lectures_de_fiches = 0  # fiches read from the store since creation (tests and benchmarks look at it)
        with self._verrou:
            self._duck.execute(sql("schema"))
            self._duck.execute(sql("macros"))
            self._duck.register("lot", _situations())
            self._duck.execute("INSERT INTO situations SELECT * FROM lot")
            self._duck.unregister("lot")

    @property
    def estampille(self) -> Estampille | None:
        return self._estampille

    def actualiser(self) -> Estampille:
        """Bring the copy up to date with the store; cheap when nothing changed. Returns the current stamp."""
        with self._verrou:
            connexion = self._magasin.connecter()
            try:
                ligne = self._magasin.lire(connexion, sql("store/estampille")).to_pylist()[0]
                nombre, derniere = ligne["nombre"], ligne["derniere"]
                sommes = (int(ligne["versions"]), int(ligne["supprimees"]), int(ligne["retenues"]))
                petites = self._actualiser_petites_tables(connexion)
                ancienne = self._estampille
                if ancienne is None or (nombre, derniere, sommes) != (
                        ancienne.fiches, ancienne.derniere_modification, ancienne.sommes):
                    self._actualiser_fiches(connexion, nombre, ancienne)
            except Exception:
                self._magasin.rendre(connexion, en_erreur=True)
                raise
            else:
                self._magasin.rendre(connexion)
            self._estampille = Estampille(nombre, derniere, sommes, petites)
            if ancienne != self._estampille:
                self._memoire.clear()
            return self._estampille

    def _actualiser_petites_tables(self, connexion) -> int:
        for table in PETITES_TABLES:
            lot = self._magasin.lire(connexion, sql(f"store/{table}"))
            empreinte = hash(tuple(map(tuple, lot.sort_by("id").to_pydict().values())))
            if self._empreintes.get(table) != empreinte:
                self._charger(f"charger_{table}", lot)
                self._empreintes[table] = empreinte
        return hash(tuple(self._empreintes[t] for t in PETITES_TABLES)) & 0xFFFFFFFF

    def _actualiser_fiches(self, connexion, nombre: int, ancienne: Estampille | None) -> None:
        if ancienne is not None and ancienne.derniere_modification is not None:
            # Only the fiches changed since the last refresh; ">=" because several changes share a timestamp.
            lot = self._magasin.lire(connexion, sql("store/fiches") + " WHERE f.modifiee_le >= $1",
                                     (_reculer(ancienne.derniere_modification),))
            self._charger("charger_fiches", lot)
            self.lectures_de_fiches += lot.num_rows
            # fetchall, not fetchone: an unfinished result would block the next register() of DuckDB.
            if self._duck.execute("SELECT count(*) FROM fiches").fetchall()[0][0] == nombre:
                return
            # A fiche vanished from the store (never done by the application): read everything again.
        self._duck.execute("DELETE FROM fiches")
        lot = self._magasin.lire(connexion, sql("store/fiches"))
        self._charger("charger_fiches", lot)
        self.lectures_de_fiches += lot.num_rows

    def _charger(self, requete: str, lot: pa.Table) -> None:
        self._duck.register("lot", lot)
        try:
            self._duck.execute(sql(requete))
        finally:
            self._duck.unregister("lot")

    def requete(self, nom: str, **parametres) -> pd.DataFrame:
        """Run analytics/sql/<nom>.sql with its $parameters on the current copy; memoised per stamp."""
        cle = (nom, tuple(sorted((k, _hashable(v)) for k, v in parametres.items())))
        with self._verrou:
            if self._estampille is None:
                self.actualiser()
            if cle in self._memoire:
                self._memoire.move_to_end(cle)
                return self._memoire[cle].copy()
            resultat = self._duck.execute(sql(nom), parametres).df()
            self._memoire[cle] = resultat
            while len(self._memoire) > MEMOIRE_MAX:
                self._memoire.popitem(last=False)
            return resultat.copy()

    def memoiser(self, cle: tuple, calcul: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """Memoise a result computed in Python from queries, for the current stamp."""
        with self._verrou:
            if cle not in self._memoire:
                self._memoire[cle] = calcul()
                while len(self._memoire) > MEMOIRE_MAX:
                    self._memoire.popitem(last=False)
            self._memoire.move_to_end(cle)
            return self._memoire[cle].copy()

    def fermer(self) -> None:
        with self._verrou:
            self._magasin.fermer()
            self._duck.close()


def _hashable(valeur):
    if isinstance(valeur, list):
        return tuple(valeur)
    return valeur


@cache
def _situations() -> pa.Table:
    """Every situation of every shipped référentiel, with its rank in the référentiel's order."""
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


_ENTREPOTS: dict[str, Entrepot] = {}
_VERROU_ENTREPOTS = threading.Lock()


def entrepot(url: str | None = None) -> Entrepot:
    """The process-wide copy of the store at ``url`` (default: DATABASE_URL or the SQLite file under data/)."""
    url = normaliser_url(url or url_configuree())
    with _VERROU_ENTREPOTS:
        if url not in _ENTREPOTS:
            _ENTREPOTS[url] = Entrepot(url)
        return _ENTREPOTS[url]


def aujourd_hui() -> dt.date:
    return dt.date.today()
