"""Attachments (productions): checked by content, limited in size and per-student quota, stored by SHA-256."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport import acces, stockage
from passeport.affichage import taille_lisible
from passeport.models import Eleve, Fiche, PieceJointe, maintenant
from passeport.services.fiches import FicheIntrouvable, lire_fiche

# The one size limit of an attached file, in Mo (1 Mo = 1024 × 1024 octets). Streamlit's server setting
# (.streamlit/config.toml server.maxUploadSize) and every st.file_uploader(max_upload_size=...) use the same number,
# so that a phone refuses a bigger file before sending it (tests/test_telephone.py checks that they agree).
TAILLE_MAX_MO = 10
TAILLE_MAX = TAILLE_MAX_MO * 1024 * 1024
# extension → MIME type expected from the content
TYPES_ACCEPTES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain",
}


class PieceRefusee(ValueError):
    """The file is not accepted; the message says why, in French."""


def nom_propre(nom: str) -> str:
    """The file name to show: no folders, no control characters, at most 120 characters, extension kept."""
    nom = unicodedata.normalize("NFC", PurePath(nom.replace("\\", "/")).name)
    nom = re.sub(r"[\x00-\x1f\x7f<>:\"/\\|?*]", "_", nom).strip().rstrip(". ")
    base, point, ext = nom.rpartition(".")
    if not point:
        base, ext = nom, ""
    base = base[: 120 - len(ext) - 1] or "fichier"
    return f"{base}.{ext}" if ext else base


# Office documents are ZIP files: what tells them apart is inside.
_MARQUES_ZIP = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/document.xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xl/workbook.xml",
}


def _type_zip(contenu: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            noms = set(archive.namelist())
            if "mimetype" in noms:  # OpenDocument: the first entry names the type
                return archive.read("mimetype").decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return next((mime for mime, marque in _MARQUES_ZIP.items() if marque in noms), "application/zip")


def _image_lisible(contenu: bytes) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(contenu)) as image:
            image.verify()
        return True
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False


def _texte_lisible(contenu: bytes) -> bool:
    if not contenu.strip() or b"\x00" in contenu:
        return False
    for encodage in ("utf-8", "cp1252"):  # Windows' Notepad may still save in « ANSI »
        try:
            texte = contenu.decode(encodage)
        except UnicodeDecodeError:
            continue
        return not any(ord(c) < 32 and c not in "\t\r\n\f" for c in texte)
    return False


def type_du_contenu(contenu: bytes) -> str | None:
    """The MIME type read from the bytes themselves, or None when they are not an accepted kind of file."""
    genre = filetype.guess(contenu)
    mime = genre.mime if genre is not None else None
    if mime in ("application/zip", *_MARQUES_ZIP, "application/vnd.oasis.opendocument.text",
                "application/vnd.oasis.opendocument.spreadsheet"):
        mime = _type_zip(contenu)
    if mime in ("image/png", "image/jpeg") and not _image_lisible(contenu):
        return None
    if mime is None and _texte_lisible(contenu):
        return "text/plain"
    return mime


def verifier_fichier(nom: str, contenu: bytes) -> str:
    """The MIME type of an acceptable file; PieceRefusee with a French message otherwise."""
    extension = nom.rpartition(".")[2].lower() if "." in nom else ""
    if extension not in TYPES_ACCEPTES:
        raise PieceRefusee(
            f"« {nom_propre(nom)} » : ce type de fichier n'est pas accepté. Formats possibles : "
            "PDF, PNG, JPG, ODT, ODS, DOCX, XLSX, TXT."
        )
    if len(contenu) > TAILLE_MAX:
        raise PieceRefusee(
            f"« {nom_propre(nom)} » est trop gros ({taille_lisible(len(contenu))}) : "
            f"{TAILLE_MAX_MO} Mo au maximum par fichier."
        )
    attendu = TYPES_ACCEPTES[extension]
    if type_du_contenu(contenu) != attendu:
        raise PieceRefusee(
            f"« {nom_propre(nom)} » n'est pas un vrai fichier {extension.upper()} : son contenu ne correspond pas "
            "à son nom. Enregistrez-le à nouveau depuis le logiciel qui l'a créé."
        )
    return attendu


def espace_utilise(session: Session, eleve_id: int) -> int:
    return session.scalar(
        select(func.coalesce(func.sum(PieceJointe.taille), 0))
        .join(Fiche, Fiche.id == PieceJointe.fiche_id)
        .where(Fiche.eleve_id == eleve_id, PieceJointe.supprimee_le.is_(None))
    )


def quota(session: Session, eleve_id: int) -> int:
    """The student's attachment quota in bytes, set per school by the administrator (default 200 MB)."""
    return session.get(Eleve, eleve_id).division.etablissement.quota_pieces_jointes_mo * 1024 * 1024


def ajouter(session: Session, acteur, fiche_id: int, nom: str, contenu: bytes) -> PieceJointe:
    """Attach a file to the student's own fiche."""
    fiche = session.get(Fiche, fiche_id)
    if fiche is None:
        raise FicheIntrouvable()
    acces.exiger_proprietaire(acteur, fiche.eleve_id)
    if fiche.supprimee_le is not None:
        raise PieceRefusee("Cette fiche est dans la corbeille : restaurez-la d'abord pour y joindre un fichier.")
    type_mime = verifier_fichier(nom, contenu)
    utilise, limite = espace_utilise(session, fiche.eleve_id), quota(session, fiche.eleve_id)
    if utilise + len(contenu) > limite:
        raise PieceRefusee(
            f"Votre espace pour les pièces jointes est plein ({taille_lisible(utilise)} utilisés sur "
            f"{taille_lisible(limite)}). Retirez d'anciennes pièces jointes ou demandez à l'administrateur."
        )
    sha = stockage.enregistrer(contenu)
    piece = PieceJointe(fiche_id=fiche.id, nom=nom_propre(nom), type_mime=type_mime, taille=len(contenu), sha256=sha,
                        cree_le=maintenant())
    session.add(piece)
    session.flush()
    return piece


def lister(session: Session, acteur, fiche_id: int) -> list[PieceJointe]:
    lire_fiche(session, acteur, fiche_id)
    return list(session.scalars(
        select(PieceJointe).where(PieceJointe.fiche_id == fiche_id, PieceJointe.supprimee_le.is_(None))
        .order_by(PieceJointe.id)
    ))


@dataclass(frozen=True)
class Contenu:
    nom: str
    type_mime: str
    donnees: bytes


def lire(session: Session, acteur, piece_id: int) -> Contenu:
    piece = session.get(PieceJointe, piece_id)
    if piece is None:
        raise FicheIntrouvable()
    lire_fiche(session, acteur, piece.fiche_id)
    return Contenu(piece.nom, piece.type_mime, stockage.lire(piece.sha256))


def retirer(session: Session, acteur, piece_id: int) -> None:
    """Detach a file (kept on disk and in the database, marked removed: nothing is erased)."""
    piece = session.get(PieceJointe, piece_id)
    if piece is None:
        raise FicheIntrouvable()
    acces.exiger_proprietaire(acteur, session.get(Fiche, piece.fiche_id).eleve_id)
    piece.supprimee_le = maintenant()
