"""Create or upgrade the schema with Alembic; shared by the CLI, `make run` and the tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

DOSSIER_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def config_alembic(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(DOSSIER_MIGRATIONS))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def revision_cible() -> str:
    return ScriptDirectory.from_config(config_alembic()).get_current_head()


def revision_actuelle(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def initialiser(engine: Engine) -> bool:
    """Bring the schema to the latest revision; return True when something was done."""
    if revision_actuelle(engine) == revision_cible():
        return False
    config = config_alembic(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return True
