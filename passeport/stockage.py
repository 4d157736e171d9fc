"""Content-addressed file store for attachments: each content is data/pieces/<sha256>, written once.

The database keeps the metadata (PieceJointe); the name shown to users never reaches the file system.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from passeport.db import dossier_donnees


def dossier_pieces() -> Path:
    return dossier_donnees() / "pieces"


def empreinte(contenu: bytes) -> str:
    return hashlib.sha256(contenu).hexdigest()


def chemin(sha256: str, dossier: Path | None = None) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("empreinte SHA-256 invalide")
    return (dossier or dossier_pieces()) / sha256


def enregistrer(contenu: bytes, dossier: Path | None = None) -> str:
    """Store ``contenu`` (once: same content, same file) and return its SHA-256."""
    sha = empreinte(contenu)
    cible = chemin(sha, dossier)
    if not cible.exists():
        cible.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename: a reader never sees a half-written file.
        with tempfile.NamedTemporaryFile(dir=cible.parent, delete=False) as tmp:
            tmp.write(contenu)
        os.replace(tmp.name, cible)
    return sha


def lire(sha256: str, dossier: Path | None = None) -> bytes:
    return chemin(sha256, dossier).read_bytes()
