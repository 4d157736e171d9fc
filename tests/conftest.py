"""Shared fixtures: fresh databases (SQLite, or PostgreSQL when asked), the demo school, CI strictness."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from passeport.db import creer_engine, transaction
from passeport.demo import creer_ecole_demo
from passeport.schema import initialiser

RACINE = Path(__file__).resolve().parent.parent
# The demo school is built for a fixed day so that every figure below is reproducible.
JOUR_DEMO = dt.date(2026, 11, 29)


def exiger_ou_sauter(raison: str) -> None:
    """Skip on a developer's laptop; fail in CI, where browser and PostgreSQL tests must run."""
    if os.environ.get("CI") or os.environ.get("PASSEPORT_EXIGER_TOUT"):
        pytest.fail(f"{raison} (obligatoire en CI)")
    pytest.skip(raison)


def url_postgres() -> str:
    url = os.environ.get("PASSEPORT_POSTGRES_URL")
    if not url:
        exiger_ou_sauter("PostgreSQL absent : définissez PASSEPORT_POSTGRES_URL pour ces tests")
    return url


def vider_postgres(url: str) -> None:
    engine = creer_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@contextmanager
def postgres_a_soi(url: str):
    """The PostgreSQL test database for this test alone: `make test` runs two pytest processes (pytest-xdist), and
    a test of one must never empty the database under a test of the other. A lock file taken for the whole test."""
    with open(Path(tempfile.gettempdir()) / "passeport-tests-postgresql.lock", "w") as verrou:
        fcntl.flock(verrou, fcntl.LOCK_EX)
        try:
            vider_postgres(url)
            yield url
        finally:
            fcntl.flock(verrou, fcntl.LOCK_UN)


@pytest.fixture(scope="session", autouse=True)
def copies_d_analyse(tmp_path_factory):
    """The persistent analytics copies (analytics/entrepot.py) of the tests' stores go to a temporary folder of the
    session, never to the project's data/ folder."""
    dossier = tmp_path_factory.mktemp("analytique")
    with pytest.MonkeyPatch.context() as mp:
        if not os.environ.get("PASSEPORT_ANALYTIQUE_DOSSIER"):
            mp.setenv("PASSEPORT_ANALYTIQUE_DOSSIER", str(dossier))
        yield dossier


@pytest.fixture
def pg_url():
    """An empty PostgreSQL database (its schema dropped and recreated), for this test alone."""
    with postgres_a_soi(url_postgres()) as url:
        yield url


@pytest.fixture
def empty_db_url(tmp_path):
    """The URL of an empty database: SQLite in tmp_path, or PostgreSQL when PASSEPORT_TEST_BACKEND=postgresql."""
    if os.environ.get("PASSEPORT_TEST_BACKEND") == "postgresql":
        with postgres_a_soi(url_postgres()) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'passeport.sqlite'}"


@pytest.fixture(scope="session")
def schema_sqlite(tmp_path_factory) -> Path:
    """A SQLite file migrated once per session: each fresh_db on SQLite starts from a copy of it (running the
    fifteen migrations costs ~0.35 s, paid by hundreds of tests otherwise)."""
    chemin = tmp_path_factory.mktemp("schema") / "schema.sqlite"
    engine = creer_engine(f"sqlite:///{chemin}")
    initialiser(engine)
    engine.dispose()  # the last connection closed: the WAL is checkpointed into the file, nothing beside it
    return chemin


@pytest.fixture
def fresh_db(empty_db_url, request) -> Engine:
    """An engine on an empty database whose schema is at the latest migration."""
    if empty_db_url.startswith("sqlite:///"):
        shutil.copyfile(request.getfixturevalue("schema_sqlite"), empty_db_url.removeprefix("sqlite:///"))
        engine = creer_engine(empty_db_url)
        with engine.begin() as conn:  # a store of its own, as a fresh migration would give it
            conn.execute(text("UPDATE analytique_compteur SET generation = :g"), {"g": str(uuid.uuid4())})
    else:
        engine = creer_engine(empty_db_url)
        initialiser(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db_env(empty_db_url, monkeypatch) -> str:
    """DATABASE_URL points at an empty database (for the CLI and the app)."""
    monkeypatch.setenv("DATABASE_URL", empty_db_url)
    return empty_db_url


@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory) -> str:
    """A SQLite file holding the demo school (seed 2026, built for JOUR_DEMO); read-only for tests."""
    chemin = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    engine = creer_engine(f"sqlite:///{chemin}")
    initialiser(engine)
    with transaction(engine) as session:
        creer_ecole_demo(session, graine=2026, aujourd_hui=JOUR_DEMO)
    engine.dispose()
    return f"sqlite:///{chemin}"



def jeton_de_session(url: str, login: str, mot_de_passe: str = "passeport-demo") -> str:
    """Sign ``login`` in through the services and return the session token the cookie would carry."""
    from passeport.services import sessions
    from passeport.services.comptes import authentifier

    engine = creer_engine(url)
    with transaction(engine) as s:
        jeton = sessions.ouvrir(s, authentifier(s, login, mot_de_passe).compte_id)
    engine.dispose()
    return jeton


@pytest.fixture(scope="module")
def demo_privee(demo_db_url, tmp_path_factory) -> tuple[str, Path]:
    """A private copy of the demo school for a module whose journey writes: (URL, its folder)."""
    dossier = tmp_path_factory.mktemp("demo_privee")
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), dossier / "demo.sqlite")
    return f"sqlite:///{dossier / 'demo.sqlite'}", dossier


@pytest.fixture
def base(demo_db_url, tmp_path, monkeypatch) -> Engine:
    """A private copy of the demo school that the app (AppTest) uses through DATABASE_URL; yields its engine.

    Attachments go to tmp_path/donnees; Streamlit's cached engine is dropped before and after."""
    import streamlit as st

    shutil.copy(demo_db_url.removeprefix("sqlite:///"), tmp_path / "demo.sqlite")
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "donnees"))
    st.cache_resource.clear()
    engine = creer_engine(url)
    yield engine
    engine.dispose()
    st.cache_resource.clear()


@pytest.fixture(scope="module")
def navigateur(tmp_path_factory):
    """A headless Chromium for the journeys of a module (skipped, or failed in CI, when missing)."""
    from tests.navigateur import chromium

    with chromium(tmp_path_factory.mktemp("chromium")) as n:
        yield n

