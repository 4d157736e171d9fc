"""Content-addressed file store for attachments: each content is data/pieces/<sha256> (or PASSEPORT_PIECES/<sha256>),
written once.

The database keeps the metadata (PieceJointe); the name shown to users never reaches the file system.
A content is written to a temporary file of the same folder, flushed to the disk (fsync), then renamed: the
database row that names it is committed only after that, so a row never points to a half-written file. A failed
write (full disk) leaves no temporary file behind. `inventaire` lists what the disk and the database disagree on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from passeport.db import dossier_donnees

# Temporary files of a write in progress start with this prefix (never a SHA-256: those are 64 hex digits).
PREFIXE_TEMPORAIRE = ".ecriture-"
_SHA = re.compile(r"[0-9a-f]{64}")


def dossier_pieces() -> Path:
    """The attachments folder: PASSEPORT_PIECES (a folder shared by every app instance, NFS for instance), or
    the data folder's pieces/."""
    return Path(os.environ.get("PASSEPORT_PIECES") or dossier_donnees() / "pieces")


def empreinte(contenu: bytes) -> str:
    return hashlib.sha256(contenu).hexdigest()


def chemin(sha256: str, dossier: Path | None = None) -> Path:
    if not _SHA.fullmatch(sha256):
        raise ValueError("empreinte SHA-256 invalide")
    return (dossier or dossier_pieces()) / sha256


def _ecrire_tout(descripteur: int, contenu: bytes) -> None:
    vue = memoryview(contenu)
    while vue:
        ecrits = os.write(descripteur, vue)
        vue = vue[ecrits:]


def _synchroniser_dossier(dossier: Path) -> None:
    """Make the rename itself durable (the directory entry), where the system allows it."""
    with contextlib.suppress(OSError):
        descripteur = os.open(dossier, os.O_RDONLY)
        try:
            os.fsync(descripteur)
        finally:
            os.close(descripteur)


def enregistrer(contenu: bytes, dossier: Path | None = None) -> str:
    """Store ``contenu`` (once: same content, same file) durably and return its SHA-256.

    OSError (full disk, read-only disk…) goes to the caller, and then no temporary file is left."""
    sha = empreinte(contenu)
    cible = chemin(sha, dossier)
    if cible.exists():
        return sha
    cible.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # private: the server's user only
    descripteur, temporaire = tempfile.mkstemp(dir=cible.parent, prefix=PREFIXE_TEMPORAIRE)
    try:
        try:
            _ecrire_tout(descripteur, contenu)
            os.fsync(descripteur)
        finally:
            os.close(descripteur)
        os.replace(temporaire, cible)  # a reader never sees a half-written file
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporaire)
        raise
    _synchroniser_dossier(cible.parent)
    return sha


def lire(sha256: str, dossier: Path | None = None) -> bytes:
    return chemin(sha256, dossier).read_bytes()


# A file younger than this may belong to a save in progress (written, row not yet committed): never removed.
AGE_MINIMUM_ORPHELIN = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Inventaire:
    """Where the attachments folder and the database disagree."""

    orphelins: list[Path]  # files on disk that no row names (and leftover temporary files)
    recents: list[Path]  # orphans younger than AGE_MINIMUM_ORPHELIN: perhaps a save in progress, kept
    manquants: list[str]  # SHA-256 named by rows whose file is not on disk
    fichiers: int  # files looked at


def inventaire(connus: set[str], dossier: Path | None = None, maintenant: float | None = None) -> Inventaire:
    """Compare the files of the folder with the SHA-256 the database names (``connus``)."""
    dossier = dossier or dossier_pieces()
    maintenant = time.time() if maintenant is None else maintenant
    presents, orphelins, recents = set(), [], []
    fichiers = sorted(p for p in dossier.iterdir() if p.is_file()) if dossier.is_dir() else []
    for fichier in fichiers:
        if _SHA.fullmatch(fichier.name) and fichier.name in connus:
            presents.add(fichier.name)
            continue
        jeune = maintenant - fichier.stat().st_mtime < AGE_MINIMUM_ORPHELIN.total_seconds()
        (recents if jeune else orphelins).append(fichier)
    return Inventaire(orphelins, recents, sorted(connus - presents), len(fichiers))


def supprimer(fichiers: list[Path]) -> int:
    """Remove these orphan files; the number removed."""
    retires = 0
    for fichier in fichiers:
        with contextlib.suppress(FileNotFoundError):
            fichier.unlink()
            retires += 1
    return retires
