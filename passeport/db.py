"""Engine and sessions: SQLite file in data/ by default (WAL, foreign keys on), PostgreSQL by DATABASE_URL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from passeport.referentiel import RACINE

def dossier_donnees() -> Path:
    """Where the default database and the uploaded files live: PASSEPORT_DONNEES, or data/ in the project."""
    return Path(os.environ.get("PASSEPORT_DONNEES") or RACINE / "data")


def url_par_defaut() -> str:
    return f"sqlite:///{dossier_donnees() / 'passeport.sqlite'}"


def normaliser_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and use the psycopg 3 driver for them."""
    for prefixe in ("postgres://", "postgresql://"):
        if url.startswith(prefixe):
            return "postgresql+psycopg://" + url[len(prefixe):]
    return url


def url_configuree() -> str:
    return normaliser_url(os.environ.get("DATABASE_URL") or url_par_defaut())


def creer_fichier_prive(chemin: Path) -> None:
    """Create the SQLite file (and its folder) readable by the server's user only: 0600, folder 0700.

    SQLite gives its -wal and -shm files the mode of the database file, so they are private too. An existing file
    keeps its mode (the operator may have chosen another one)."""
    if chemin.exists():
        return
    if not chemin.parent.exists():
        chemin.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(chemin, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError:
        pass  # a read-only place: SQLite itself reports it on first use, as before


def _activer_pragmas_sqlite(dbapi_connection, _record) -> None:
    curseur = dbapi_connection.cursor()
    curseur.execute("PRAGMA journal_mode=WAL")
    curseur.execute("PRAGMA foreign_keys=ON")
    curseur.execute("PRAGMA busy_timeout=5000")
    curseur.close()


def creer_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: DATABASE_URL or the SQLite file under data/)."""
    url = normaliser_url(url or url_configuree())
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # A URI filename ("file:…?mode=ro&uri=true": a store opened read-only) names a file that must exist.
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            creer_fichier_prive(Path(parsed.database))
        engine = create_engine(url)
        event.listen(engine, "connect", _activer_pragmas_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True)


def fabrique_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session committed at the end of the block, rolled back on any error."""
    with fabrique_sessions(engine).begin() as session:
        yield session


def schema_present(engine: Engine) -> bool:
    return inspect(engine).has_table("alembic_version")
