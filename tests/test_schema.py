"""Migrations: from an empty database to the models, twice, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from passeport.db import creer_engine
from passeport.models import Base
from passeport.schema import config_alembic, initialiser, revision_actuelle, revision_cible

pytestmark = pytest.mark.store

TABLES = {
    "alembic_version", "appreciation", "appreciation_version", "formulation", "lecture_fiche", "questionnement", "compte", "contexte_reutilisable", "division", "session_utilisateur", "eleve", "enseignant", "enseignant_division",
    "etablissement", "evenement_audit", "fiche", "fiche_version", "lien_tuteur", "objectif_pfmp", "organisation", "pfmp", "piece_jointe",
    "positionnement", "tuteur",
}


def _verifier_initialiser_deux_fois(url):
    engine = creer_engine(url)
    assert revision_actuelle(engine) is None
    assert initialiser(engine) is True
    assert set(inspect(engine).get_table_names()) == TABLES
    assert revision_actuelle(engine) == revision_cible()
    assert initialiser(engine) is False
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
        # The migrated schema is exactly the models' schema: nothing left for autogenerate to add.
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    engine.dispose()


def test_initialiser_twice_on_empty_database(empty_db_url):
    _verifier_initialiser_deux_fois(empty_db_url)


def test_initialiser_twice_on_postgresql(pg_url):
    _verifier_initialiser_deux_fois(pg_url)


def test_migrations_form_one_linear_chain():
    script = ScriptDirectory.from_config(config_alembic())
    revisions = list(script.walk_revisions())
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1
    for revision in revisions:
        assert revision.down_revision is None or isinstance(revision.down_revision, str)


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path):
    engine = creer_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    engine.dispose()


def test_database_url_spellings(monkeypatch):
    from passeport.db import normaliser_url, url_configuree

    assert normaliser_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normaliser_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert url_configuree().endswith("data/passeport.sqlite")
