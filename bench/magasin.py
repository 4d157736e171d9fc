"""What both benchmarks need: an empty store at the latest migration."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, text

from passeport.db import creer_engine
from passeport.schema import initialiser


def base_vide(url: str) -> Engine:
    """An engine on an empty store at the latest migration (SQLite file deleted, PostgreSQL schema recreated)."""
    if url.startswith("sqlite:///"):
        chemin = Path(url.removeprefix("sqlite:///"))
        for f in chemin.parent.glob(chemin.name + "*"):
            f.unlink()
    engine = creer_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    initialiser(engine)
    return engine
