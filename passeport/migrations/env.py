"""Alembic environment: the connection comes from passeport.schema (config.attributes) or DATABASE_URL."""

from alembic import context

from passeport.db import creer_engine
from passeport.models import Base

config = context.config
cible = Base.metadata


def _migrer(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=cible,
        render_as_batch=True,  # SQLite cannot ALTER most things: batch mode rebuilds tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _migrer(connection)
else:
    with creer_engine(config.get_main_option("sqlalchemy.url") or None).begin() as conn:
        _migrer(conn)
