"""A persistent DuckDB copy of the store, refreshed from the store's change log in O(changes).

- The copy is a DuckDB file under the analytics folder (PASSEPORT_ANALYTIQUE_DOSSIER, default
  ``<data>/analytique``), one per server instance: its name comes from a hash of the store's URL (without password)
  and a slot number; a slot is held by a lock file for the life of the Entrepot, so a second process (or a second
  Entrepot in the same process) takes slot 2, 3…
- Its ``meta`` table says what it holds: format version, store generation, last change number applied. A missing,
  damaged or stale copy (other format, other generation, or older than the log's ``plancher``) is rebuilt fully, in
  a child process through Arrow batches (analytics/construction.py), or in process for a small store; otherwise
  the copy starts warm and applies only the changes since its number.
- A refresh reads the stamp (one row); when it moved, the log rows after the copy's number, and re-reads only the
  fiches (with their positionnements), students and divisions they name, by joins on the log (one query each
  whatever the number of changes); it applies them in one DuckDB transaction.
- Readers never wait for each other: each thread queries through its own cursor of the one DuckDB connection; a
  refresh writes in a transaction, readers keep the previous state until it commits.
- Results are memoised by what they read: a query over one division (or one of its students) is keyed by that
  division's stamp (the last change touching it), a query over a school or the académie by the global number. A
  change in one class leaves the other classes' results warm.
"""

from __future__ import annotations

import copy
import datetime as dt
import fcntl
import hashlib
import os
import subprocess
import sys
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy.engine import make_url

from analytics import construction
from analytics.construction import TABLES, sql
from passeport.changements import Estampille
from passeport.db import dossier_donnees, normaliser_url, url_configuree

PARTS_MAX = 4  # par_division keys kept (e.g. the académie export with and without filters)
MEMOIRE_MAX = 512  # memoised results kept (least recently used dropped first)
RACINE = Path(__file__).resolve().parent.parent

# Queries whose result depends only on the division given (or the given student's division): keyed by its stamp.
# Any other query (a school, the académie, or an unknown scope) is keyed by the global change number.
PAR_DIVISION = {"couverture", "fiches_eleves", "derniere_ecriture"}

__all__ = ["Entrepot", "Estampille", "entrepot", "sql", "url_analytique", "dossier_analytique"]


def url_analytique() -> str:
    """The store the analytics read: PASSEPORT_ANALYTIQUE_URL (e.g. a PostgreSQL streaming replica), else the
    application's store (DATABASE_URL or the SQLite file under the data folder)."""
    return normaliser_url(os.environ.get("PASSEPORT_ANALYTIQUE_URL") or url_configuree())


def dossier_analytique() -> Path:
    """Where the persistent copies live: PASSEPORT_ANALYTIQUE_DOSSIER, else ``<data>/analytique``."""
    return Path(os.environ.get("PASSEPORT_ANALYTIQUE_DOSSIER") or dossier_donnees() / "analytique")


class _Magasin:
    """Reads the store into Arrow in the application's process: ADBC for PostgreSQL; Python's own sqlite3 for SQLite
    (only small reads here: a refresh's changed rows, or a small store's full build).

    Why not ADBC for SQLite too: its driver carries its own copy of the SQLite library. Two copies in one process
    do not see each other's POSIX locks, so closing one copy's file releases the other's locks; in WAL mode the
    application's next connection then fails with "disk I/O error" (seen here in the test suite; SQLite's
    "How To Corrupt An SQLite Database File", §2.2.1). Python's sqlite3 is the copy SQLAlchemy already uses. Large
    SQLite reads go through ADBC in a child process (analytics/construction.py)."""

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

    def taille(self, connexion) -> int:
        """An upper bound of the number of fiches, read from the primary key's index (no scan)."""
        valeur = self.lire(connexion, "SELECT COALESCE(max(id), 0) AS n FROM fiche").column(0)[0].as_py()
        return int(valeur or 0)


# Re-reads of what the log names after a number: one query each, joined on the log (no list of ids to send).
def _relire(table: str, genre: str, colonne: str) -> str:
    return (sql(f"store/{table}") + f" WHERE {colonne} IN "
            f"(SELECT cle FROM analytique_changement WHERE numero > $1 AND genre = '{genre}')")


RELECTURES = {  # table of the copy → (genre in the log, query on the store, column of the copy to delete by)
    "fiches": ("fiche", lambda: _relire("fiches", "fiche", "f.id"), "id"),
    "positionnements": ("fiche", lambda: _relire("positionnements", "fiche", "fiche_id"), "fiche_id"),
    "eleves": ("eleve", lambda: _relire("eleves", "eleve", "e.id"), "id"),
    "divisions": ("division", lambda: _relire("divisions", "division", "id"), "id"),
}


def _cle_du_magasin(url: str) -> str:
    """A file name part for the store (no password in it)."""
    sans_secret = make_url(normaliser_url(url)).render_as_string(hide_password=True)
    return hashlib.sha256(sans_secret.encode()).hexdigest()[:16]


def _reserver(dossier: Path, cle: str, depuis: int = 1):
    """The first free slot from ``depuis``: (slot, its DuckDB file, the open lock file held while we use it).

    flock() locks belong to an open file: a second Entrepot of the same store, in this process or another, finds
    the slot taken and goes on to the next one."""
    dossier.mkdir(parents=True, exist_ok=True)
    for slot in range(depuis, depuis + 1000):
        verrou = open(dossier / f"{cle}-{slot}.verrou", "a+")  # noqa: SIM115 (held for the Entrepot's life)
        try:
            fcntl.flock(verrou, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            verrou.close()
            continue
        return slot, dossier / f"{cle}-{slot}.duckdb", verrou
    raise RuntimeError(f"Aucun emplacement libre pour la copie d'analyse dans {dossier}")


def _supprimer(fichier: Path) -> None:
    for chemin in (fichier, Path(f"{fichier}.wal")):
        chemin.unlink(missing_ok=True)


def _liberer(duck, verrou) -> None:
    """Close the DuckDB connection and give the slot back (also run when an Entrepot is garbage-collected)."""
    try:
        duck.close()
    except Exception:  # noqa: BLE001 (closing twice, or after a failed open)
        pass
    try:
        fcntl.flock(verrou, fcntl.LOCK_UN)
    finally:
        verrou.close()


class _Boite:
    """Holds the current DuckDB connection so that the finalizer closes the right one."""

    duck = None


class Entrepot:
    """The analytics' persistent copy of one store. Thread-safe; queries never wait for each other."""

    # Stores with more fiches than this are built in a child process (Arrow batches through ADBC); smaller ones in
    # process (a child costs about half a second to start). Tests set it to 0 to exercise the child.
    SEUIL_CONSTRUCTION_SEPAREE = 30_000

    def __init__(self, url: str | None = None, *, dossier: Path | str | None = None):
        self.url = normaliser_url(url or url_analytique())
        self._magasin = _Magasin(self.url)
        self.dossier = Path(dossier) if dossier else dossier_analytique()
        self._verrou = threading.Lock()  # the refresh (and a rebuild's swap) only
        self._verrou_memoire = threading.Lock()
        self._local = threading.local()
        self._memoire: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
        self._parts: dict[tuple, dict[int, tuple]] = {}  # par_division: key → {division: (stamp, result)}
        self._estampille: Estampille | None = None
        self._meta: tuple[str, str, int] | None = None  # (format, generation, numero) of the file as opened
        self._base = 0  # stamp of every division not changed since the copy was opened or rebuilt
        self._tampons: dict[int, int] = {}  # division id → last change number touching it
        self._division_de: dict[int, int | None] = {}  # student id → division id
        # Counters for tests and benchmarks.
        self.actualisations = 0  # refreshes that asked the store
        self.lectures_de_fiches = 0  # fiches read from the store
        self.constructions = 0  # full builds
        self._boite = _Boite()
        self.slot, self.fichier, verrou = self._ouvrir()
        self._finaliseur = weakref.finalize(self, lambda b, v: _liberer(b.duck, v), self._boite, verrou)

    # --- The file ---------------------------------------------------------------------------------------------

    @property
    def _duck(self) -> duckdb.DuckDBPyConnection:
        return self._boite.duck

    def _ouvrir(self):
        """Take a slot and open its file; read its meta (None when missing, damaged or of another format)."""
        cle = _cle_du_magasin(self.url)
        depuis = 1
        while True:
            slot, fichier, verrou = _reserver(self.dossier, cle, depuis)
            try:
                self._boite.duck, self._meta = _ouvrir_fichier(fichier)
            except duckdb.IOException as erreur:
                if "lock" not in str(erreur).lower():
                    raise
                # Held by a process that does not use the slot's lock file: take the next slot.
                fcntl.flock(verrou, fcntl.LOCK_UN)
                verrou.close()
                depuis = slot + 1
                continue
            return slot, fichier, verrou

    @property
    def estampille(self) -> Estampille | None:
        """(generation, last change number applied, the log's plancher when last read); None before the first
        refresh."""
        return self._estampille

    # --- Refresh ----------------------------------------------------------------------------------------------

    def actualiser(self) -> Estampille:
        """Bring the copy up to date with the store: one row read when nothing changed. Returns the stamp."""
        with self._verrou:
            self.actualisations += 1
            connexion = self._magasin.connecter()
            try:
                ligne = self._magasin.lire(connexion, sql("store/estampille")).to_pylist()[0]
                magasin = Estampille(str(ligne["generation"]), int(ligne["numero"]), int(ligne["plancher"]))
                self._mettre_a_jour(connexion, magasin)
            except Exception:
                self._magasin.rendre(connexion, en_erreur=True)
                raise
            self._magasin.rendre(connexion)
            return self._estampille

    def _mettre_a_jour(self, connexion, magasin: Estampille) -> None:
        meta = self._meta
        if meta is None or meta[0] != construction.version_du_format() or meta[1] != magasin.generation \
                or meta[2] < magasin.plancher:
            self._reconstruire(connexion)
        elif self._estampille is None:
            self._demarrer(meta)
        if self._meta[2] != magasin.numero:
            self._appliquer(connexion, self._meta[2])
        self._estampille = Estampille(self._meta[1], self._meta[2], magasin.plancher)

    def _demarrer(self, meta) -> None:
        """A warm start: the copy's stamps start at its number, the students' divisions come from the copy."""
        self._base = meta[2]
        self._tampons = {}
        self._division_de = dict(self._duck.execute("SELECT id, division_id FROM eleves").fetchall())
        with self._verrou_memoire:
            self._memoire.clear()
            self._parts = {}

    def _reconstruire(self, connexion) -> None:
        """A full build: in a child process for a large store, in this process for a small one."""
        self.constructions += 1
        separee = self._magasin.taille(connexion) > self.SEUIL_CONSTRUCTION_SEPAREE
        if separee:
            neuf = self.fichier.with_name(f"{self.fichier.stem}.construction-{os.getpid()}.duckdb")
            _construire_a_part(self.url, neuf)
            if self._estampille is None:
                # Nobody reads this copy yet: swap the files.
                _liberer_connexion(self._boite)
                _supprimer(self.fichier)
                os.replace(neuf, self.fichier)
                self._boite.duck, self._meta = _ouvrir_fichier(self.fichier)
            else:
                self._copier_depuis(neuf)
                _supprimer(neuf)
        else:
            self._construire_ici(connexion)
        if self._meta is None:
            raise RuntimeError(f"La copie d'analyse {self.fichier} n'a pas pu être construite.")
        self._demarrer(self._meta)

    def _construire_ici(self, connexion) -> None:
        """Read every table (small store) and replace the copy's content in one transaction."""
        if self._meta is None or self._meta[0] != construction.version_du_format() or not _a_le_schema(self._duck):
            # A new file: the old one may have another shape (only at start: the format never changes while running).
            _liberer_connexion(self._boite)
            _supprimer(self.fichier)
            self._boite.duck = duckdb.connect(str(self.fichier))
            construction.creer(self._duck)
        ligne = self._magasin.lire(connexion, sql("store/estampille")).to_pylist()[0]
        lots = {t: self._magasin.lire(connexion, sql(f"store/{t}")) for t in TABLES}
        duck = self._duck
        duck.begin()
        try:
            for table in TABLES:
                duck.execute(f"DELETE FROM {table}")
                construction.charger(duck, table, lots[table])
            construction.ecrire_meta(duck, str(ligne["generation"]), int(ligne["numero"]))
            duck.commit()
        except Exception:
            duck.rollback()
            raise
        self.lectures_de_fiches += lots["fiches"].num_rows
        self._meta = _lire_meta(duck)

    def _copier_depuis(self, neuf: Path) -> None:
        """Replace the live copy's content by a new file's, in one transaction (readers keep the old state)."""
        duck = self._duck
        duck.execute(f"ATTACH '{neuf}' AS nouveau (READ_ONLY)")
        try:
            duck.begin()
            try:
                for table in (*TABLES, "meta"):
                    duck.execute(f"DELETE FROM {table}")
                    duck.execute(f"INSERT INTO {table} SELECT * FROM nouveau.{table}")
                duck.commit()
            except Exception:
                duck.rollback()
                raise
        finally:
            duck.execute("DETACH nouveau")
        self._meta = _lire_meta(duck)

    def _appliquer(self, connexion, depuis: int) -> None:
        """Apply the changes logged after ``depuis``: re-read what they name, replace it in one transaction."""
        journal = self._magasin.lire(connexion, sql("store/changements"), (depuis,))
        if journal.num_rows == 0:
            return
        genres = set(journal.column("genre").to_pylist())
        lots = {table: self._magasin.lire(connexion, requete(), (depuis,))
                for table, (genre, requete, _colonne) in RELECTURES.items() if genre in genres}
        numero = max(journal.column("numero").to_pylist())
        duck = self._duck
        duck.register("journal", journal)
        try:
            duck.begin()
            try:
                for table, lot in lots.items():
                    genre, _requete, colonne = RELECTURES[table]
                    duck.execute(f"DELETE FROM {table} WHERE {colonne} IN "
                                 f"(SELECT cle FROM journal WHERE genre = '{genre}')")
                    construction.charger(duck, table, lot)
                duck.execute("UPDATE meta SET numero = ?", [numero])
                duck.commit()
            except Exception:
                duck.rollback()
                raise
        finally:
            duck.unregister("journal")
        if "fiches" in lots:
            self.lectures_de_fiches += lots["fiches"].num_rows
        # After the commit only: a result keyed by a new stamp is always computed on the new data. A new dict,
        # swapped in whole: a pinned view holds the one it saw (VueEpinglee), never a dict being changed.
        tampons, base = dict(self._tampons), self._base
        for numero_, genre, cle, division in zip(*(journal.column(c).to_pylist()
                                                   for c in ("numero", "genre", "cle", "division_id"))):
            if division is not None:
                tampons[division] = max(tampons.get(division, 0), numero_)
            if genre == "division":
                tampons[cle] = max(tampons.get(cle, 0), numero_)
            elif division is None:  # a change whose class is unknown (a student without division): every class
                base = max(base, numero_)
        self._tampons, self._base = tampons, base
        if "eleves" in lots:
            for cle, division in zip(lots["eleves"].column("id").to_pylist(),
                                     lots["eleves"].column("division_id").to_pylist()):
                self._division_de[cle] = division
        self._meta = (self._meta[0], self._meta[1], numero)

    # --- Queries ----------------------------------------------------------------------------------------------

    def _curseur(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the copy (a cursor is not shared between threads)."""
        local = self._local
        if getattr(local, "duck", None) is not self._duck:
            local.duck, local.curseur = self._duck, self._duck.cursor()
        return local.curseur

    def tampon(self, *, division_id: int | None = None, eleve_id: int | None = None) -> tuple:
        """What a result over a division (or a student, through their division) depends on; the global number
        when neither is given."""
        if self._estampille is None:
            self.actualiser()
        if division_id is None and eleve_id is not None:
            division_id = self._division_de.get(int(eleve_id))
        if division_id is None:
            return ("global", self._estampille.numero)
        return ("division", int(division_id), max(self._base, self._tampons.get(int(division_id), 0)))

    def _tampon_de_requete(self, nom: str, parametres: dict) -> tuple:
        if nom in PAR_DIVISION and parametres.get("etablissement") is None:
            if parametres.get("division") is not None:
                return self.tampon(division_id=parametres["division"])
            if parametres.get("eleve") is not None:
                return self.tampon(eleve_id=parametres["eleve"])
        return self.tampon()

    def requete(self, nom: str, **parametres) -> pd.DataFrame:
        """Run analytics/sql/<nom>.sql with its $parameters on the copy; memoised by the stamp of what it reads."""
        cle = (nom, tuple(sorted((k, _hashable(v)) for k, v in parametres.items())),
               self._tampon_de_requete(nom, parametres))
        with self._verrou_memoire:
            if cle in self._memoire:
                self._memoire.move_to_end(cle)
                return self._memoire[cle].copy()
        resultat = self._curseur().execute(sql(nom), parametres).df()
        self._retenir(cle, resultat)
        return resultat.copy()

    def requete_numpy(self, nom: str, **parametres) -> dict[str, np.ndarray]:
        """Run analytics/sql/<nom>.sql without memo, as numpy columns (NULL → masked): for large results that the
        caller keeps in its own form (Entrepot.par_division), never copied into a DataFrame first."""
        return self._curseur().execute(sql(nom), parametres).fetchnumpy()

    def memoiser(self, cle: tuple, calcul: Callable[[], pd.DataFrame], *, division_id: int | None = None,
                 eleve_id: int | None = None) -> pd.DataFrame:
        """Memoise a result computed in Python from queries: keyed by the division's stamp when it reads one
        division (or one student, ``eleve_id``), else by the global number. A DataFrame is handed out as a copy,
        any other result (a Carte…) as a deep copy: callers may change what they get."""
        cle = (cle, self.tampon(division_id=division_id, eleve_id=eleve_id))
        with self._verrou_memoire:
            if cle in self._memoire:
                self._memoire.move_to_end(cle)
                return _copie(self._memoire[cle])
        resultat = calcul()
        self._retenir(cle, resultat)
        return _copie(resultat)

    def par_division(self, cle: tuple, divisions: list[int],
                     calcul: Callable[[list[int]], dict[int, object]]) -> dict[int, object]:
        """Results made one per division and kept with each division's stamp: ``calcul(a_faire)`` is called only
        for the divisions changed since (all of them the first time, in one call: one GROUP BY, not one per class)
        and returns {division id: result}. Results are shared, not copied: callers must not change them."""
        tampons = {d: self.tampon(division_id=d) for d in divisions}  # before computing: never newer than the data
        with self._verrou_memoire:
            parts = self._parts.pop(cle, {})
            self._parts[cle] = parts  # most recently used last
            while len(self._parts) > PARTS_MAX:
                self._parts.pop(next(iter(self._parts)))
            prets = {d: parts[d][1] for d in divisions if d in parts and parts[d][0] == tampons[d]}
        a_faire = [d for d in divisions if d not in prets]
        if a_faire:
            nouveaux = calcul(a_faire)
            with self._verrou_memoire:
                for d in a_faire:
                    parts[d] = (tampons[d], nouveaux[d])
                    prets[d] = nouveaux[d]
        return prets

    def _retenir(self, cle: tuple, resultat: pd.DataFrame) -> None:
        with self._verrou_memoire:
            self._memoire[cle] = resultat
            while len(self._memoire) > MEMOIRE_MAX:
                self._memoire.popitem(last=False)

    def en_memoire(self, nom: str, **parametres) -> bool:
        """Whether ``requete(nom, **parametres)`` would be answered from memory (tests and benchmarks)."""
        cle = (nom, tuple(sorted((k, _hashable(v)) for k, v in parametres.items())),
               self._tampon_de_requete(nom, parametres))
        with self._verrou_memoire:
            return cle in self._memoire

    def table(self, nom: str) -> pd.DataFrame:
        """A whole table of the copy, sorted on every column (tests compare copies with it)."""
        curseur = self._curseur()
        colonnes = [c[0] for c in curseur.execute(f"SELECT * FROM {nom} LIMIT 0").description]
        return curseur.execute(f"SELECT * FROM {nom} ORDER BY {', '.join(colonnes)}").df()

    def fermer(self) -> None:
        """Close the copy and give its slot back (the file stays for the next start)."""
        with self._verrou:
            self._magasin.fermer()
            self._finaliseur()

    @property
    def ferme(self) -> bool:
        return not self._finaliseur.alive


class VueEpinglee:
    """An Entrepot seen at one stamp for one page run: ``actualiser()`` returns that stamp without asking the store
    (the page's services call it several times); everything else is the Entrepot's."""

    def __init__(self, source: Entrepot, estampille: Estampille):
        self.source = source
        self._estampille = estampille
        # The divisions' stamps as they were when the run began: a key made from them is never newer than the
        # data the run then reads (a figure is never kept under a stamp newer than what it draws).
        self._tampons, self._base = source._tampons, source._base

    def tampon(self, *, division_id: int | None = None, eleve_id: int | None = None) -> tuple:
        """Entrepot.tampon, as of the start of the run."""
        if division_id is None and eleve_id is not None:
            division_id = self.source._division_de.get(int(eleve_id))
        if division_id is None:
            return ("global", self._estampille.numero)
        return ("division", int(division_id), max(self._base, self._tampons.get(int(division_id), 0)))

    def actualiser(self) -> Estampille:
        return self._estampille

    @property
    def estampille(self) -> Estampille:
        return self._estampille

    def __getattr__(self, nom):
        return getattr(self.source, nom)


def _ouvrir_fichier(fichier: Path):
    """Open the copy's file: (connection, meta or None). A damaged or foreign file is deleted (then rebuilt)."""
    try:
        duck = duckdb.connect(str(fichier))
    except duckdb.IOException as erreur:
        if "lock" in str(erreur).lower():
            raise
        _supprimer(fichier)
        return duckdb.connect(str(fichier)), None
    except Exception:  # noqa: BLE001 (any damage: the copy is rebuilt from the store)
        _supprimer(fichier)
        return duckdb.connect(str(fichier)), None
    try:
        return duck, _lire_meta(duck)
    except Exception:  # noqa: BLE001
        return duck, None


def _lire_meta(duck) -> tuple[str, str, int] | None:
    lignes = duck.execute("SELECT format, generation, numero FROM meta").fetchall()
    if len(lignes) != 1 or not _a_le_schema(duck):
        return None
    format_, generation, numero = lignes[0]
    return str(format_), str(generation), int(numero)


def _a_le_schema(duck) -> bool:
    try:
        noms = {r[0] for r in duck.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    except Exception:  # noqa: BLE001
        return False
    return {*TABLES, "situations", "meta"} <= noms


def _liberer_connexion(boite: _Boite) -> None:
    if boite.duck is not None:
        try:
            boite.duck.close()
        finally:
            boite.duck = None


def _construire_a_part(url: str, fichier: Path) -> None:
    """Run analytics/construction.py in a child process (the URL goes through the environment, not argv)."""
    _supprimer(fichier)
    # Run as a script, not "-m analytics.construction": importing the analytics package (plotly, pandas…) would
    # cost the child about half a second.
    chemin = os.pathsep.join(p for p in (str(RACINE), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PASSEPORT_CONSTRUCTION_URL": url, "PYTHONPATH": chemin}
    fini = subprocess.run([sys.executable, construction.__file__, "-", str(fichier)], env=env, cwd=RACINE,
                          capture_output=True, text=True, check=False)
    if fini.returncode != 0:
        _supprimer(fichier)
        raise RuntimeError(f"La construction de la copie d'analyse a échoué : {fini.stderr.strip()[-2000:]}")


def _copie(resultat):
    if isinstance(resultat, pd.DataFrame):
        return resultat.copy()
    return copy.deepcopy(resultat)


def _hashable(valeur):
    if isinstance(valeur, list):
        return tuple(valeur)
    return valeur


_ENTREPOTS: dict[str, Entrepot] = {}
_VERROU_ENTREPOTS = threading.Lock()


def entrepot(url: str | None = None) -> Entrepot:
    """The process-wide copy of the store at ``url`` (default: PASSEPORT_ANALYTIQUE_URL, else DATABASE_URL or the
    SQLite file under the data folder)."""
    url = normaliser_url(url or url_analytique())
    with _VERROU_ENTREPOTS:
        if url not in _ENTREPOTS or _ENTREPOTS[url].ferme:
            _ENTREPOTS[url] = Entrepot(url)
        return _ENTREPOTS[url]


def aujourd_hui() -> dt.date:
    return dt.date.today()
