"""Attachments (productions): checked by content, limited in size and per-student quota, stored by SHA-256.

Nothing of an uploaded file is decoded before its decoded size is known to be reasonable: image size from the
header, PDF page boxes and count, ZIP directory (Office files) with every entry read by streaming under a hard cap.
"""

from __future__ import annotations

import errno
import io
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport import acces, apercu, stockage
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


# Characters that Markdown, a link or LaTeX would read in a label: replaced, so that a name shows as it is typed
# even where a label is rendered (buttons); every page still shows names as text (affichage.texte_brut).
_MARKDOWN = str.maketrans({c: "_" for c in "*`[]~$"})


def nom_propre(nom: str) -> str:
    """The file name to show: no folders, no control or invisible characters (right-to-left override, zero-width
    joiners…), no Markdown markers, at most 120 characters, extension kept."""
    nom = unicodedata.normalize("NFC", nom.replace("\\", "/"))
    # Format characters (Unicode Cf: bidi overrides and isolates, zero-width, BOM…) are removed: U+202E would
    # show "facture‮fdp.exe" as "facture.pdf"; other separators become plain spaces.
    nom = "".join("" if unicodedata.category(c) == "Cf" else " " if unicodedata.category(c) in ("Zl", "Zp", "Zs")
                  else c for c in nom)
    nom = PurePath(nom).name
    nom = re.sub(r"[\x00-\x1f\x7f-\x9f<>:\"/\\|?*]", "_", nom).translate(_MARKDOWN)
    nom = re.sub(r" {2,}", " ", nom).strip().rstrip(". ")
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


# Office files are ZIP archives: what their directory declares is checked before any entry is read, and the only
# entry ever read (the OpenDocument "mimetype") is read by streaming, never beyond a few bytes.
ENTREES_ZIP_MAX = 5_000
TAILLE_ENTREE_MAX = 100 * 1024 * 1024  # uncompressed, per entry
TAILLE_DECOMPRESSEE_MAX = 200 * 1024 * 1024  # uncompressed, all entries
TAUX_COMPRESSION_MAX = 150  # uncompressed / compressed, for entries above 1 MB once uncompressed
_SEUIL_TAUX = 1024 * 1024
_MIMETYPE_MAX = 200


def _entrees_annoncees(contenu: bytes) -> int | None:
    """The number of entries the end record of a ZIP declares (read before Python builds its directory)."""
    fin = contenu.rfind(b"PK\x05\x06", max(0, len(contenu) - 65_557))
    if fin < 0 or fin + 22 > len(contenu):
        return None
    return struct.unpack_from("<H", contenu, fin + 10)[0]


def controler_zip(contenu: bytes) -> str | None:
    """Why this ZIP would be out of proportion once uncompressed (French, no file name), or None."""
    annoncees = _entrees_annoncees(contenu)
    if annoncees is not None and annoncees > ENTREES_ZIP_MAX:  # 0xFFFF: a ZIP64 with more, refused too
        return f"il contient trop d'éléments ({annoncees} ; {ENTREES_ZIP_MAX} au plus)"
    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            entrees = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error):
        return None  # not a readable ZIP: the type check refuses it
    if len(entrees) > ENTREES_ZIP_MAX:
        return f"il contient trop d'éléments ({len(entrees)} ; {ENTREES_ZIP_MAX} au plus)"
    total = 0
    for entree in entrees:
        total += entree.file_size
        if entree.file_size > TAILLE_ENTREE_MAX:
            return (f"un de ses éléments ferait {taille_lisible(entree.file_size)} une fois décompressé "
                    f"({taille_lisible(TAILLE_ENTREE_MAX)} au plus)")
        if entree.file_size > _SEUIL_TAUX and entree.file_size > TAUX_COMPRESSION_MAX * max(entree.compress_size, 1):
            return (f"un de ses éléments est compressé {entree.file_size // max(entree.compress_size, 1)} fois "
                    f"({TAUX_COMPRESSION_MAX} fois au plus) : c'est la marque d'une « bombe de décompression »")
    if total > TAILLE_DECOMPRESSEE_MAX:
        return (f"il ferait {taille_lisible(total)} une fois décompressé "
                f"({taille_lisible(TAILLE_DECOMPRESSEE_MAX)} au plus)")
    return None


def _type_zip(contenu: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            noms = set(archive.namelist())
            if "mimetype" in noms:  # OpenDocument: the first entry names the type
                with archive.open("mimetype") as flux:  # streamed: a lying size cannot make it read more
                    return flux.read(_MIMETYPE_MAX).decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, RuntimeError, NotImplementedError,
            struct.error, zlib.error):
        return None
    return next((mime for mime, marque in _MARQUES_ZIP.items() if marque in noms), "application/zip")


def _image_lisible(contenu: bytes) -> bool:
    try:
        apercu.controler_image(contenu)
    except apercu.Illisible:
        return False
    except apercu.Demesure:
        return True  # a real image, refused for its size by verifier_fichier with its own message
    return True


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


def _message_taille(nom: str, raison: str) -> str:
    return f"« {nom} » est refusé : {raison}. Réduisez-le ou enregistrez-le autrement avant de le joindre."


def verifier_fichier(nom: str, contenu: bytes) -> str:
    """The MIME type of an acceptable file; PieceRefusee with a French message otherwise.

    Order matters: cheap checks first, and the decoded size of images, PDF pages and ZIP entries is checked from
    their headers before anything is decompressed."""
    propre = nom_propre(nom)
    extension = propre.rpartition(".")[2].lower() if "." in propre else ""
    if extension not in TYPES_ACCEPTES:
        raise PieceRefusee(
            f"« {propre} » : ce type de fichier n'est pas accepté. Formats possibles : "
            "PDF, PNG, JPG, ODT, ODS, DOCX, XLSX, TXT."
        )
    if len(contenu) > TAILLE_MAX:
        raise PieceRefusee(
            f"« {propre} » est trop gros ({taille_lisible(len(contenu))}) : "
            f"{TAILLE_MAX_MO} Mo au maximum par fichier."
        )
    attendu = TYPES_ACCEPTES[extension]
    if not contenu.strip():
        raise PieceRefusee(f"« {propre} » est vide : ce n'est pas un vrai fichier {extension.upper()}. "
                           "Enregistrez-le à nouveau depuis le logiciel qui l'a créé.")
    if contenu.startswith(b"PK") and (raison := controler_zip(contenu)):
        raise PieceRefusee(_message_taille(propre, raison))
    if type_du_contenu(contenu) != attendu:
        raise PieceRefusee(
            f"« {propre} » n'est pas un vrai fichier {extension.upper()} : son contenu ne correspond pas "
            "à son nom. Enregistrez-le à nouveau depuis le logiciel qui l'a créé."
        )
    try:
        if attendu in ("image/png", "image/jpeg"):
            apercu.controler_image(contenu)
        elif attendu == "application/pdf":
            apercu.controler_pdf(contenu)
    except apercu.Demesure as exc:
        raise PieceRefusee(_message_taille(propre, exc.raison)) from None
    except apercu.Illisible:
        pass  # a PDF that PDFium cannot open is still a PDF by its signature: kept, shown without preview
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


class PieceNonEnregistree(PieceRefusee):
    """The file was accepted but could not be written on the server's disk; nothing was recorded."""


_RAISONS_DISQUE = {errno.ENOSPC: "le disque du serveur est plein", errno.EDQUOT: "le disque du serveur est plein",
                   errno.EROFS: "le disque du serveur est en lecture seule", errno.EACCES: "le dossier des pièces "
                   "jointes n'est pas accessible en écriture"}


def ajouter(session: Session, acteur, fiche_id: int, nom: str, contenu: bytes) -> PieceJointe:
    """Attach a file to the student's own fiche.

    The bytes are on the disk (fsync'd, renamed) before the row is added: the caller's commit comes after. A write
    that fails leaves no temporary file and raises PieceNonEnregistree with a French message."""
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
    try:
        sha = stockage.enregistrer(contenu)
    except OSError as exc:
        raison = _RAISONS_DISQUE.get(exc.errno, "erreur d'écriture sur le serveur")
        raise PieceNonEnregistree(f"« {nom_propre(nom)} » n'a pas pu être enregistré : {raison}. Réessayez plus "
                                  "tard ou prévenez l'administrateur de l'établissement.") from exc
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


class PieceManquante(FicheIntrouvable):
    """The row exists but its file is not on the disk (see `passeport verifier-pieces`)."""

    def __init__(self):
        super().__init__()
        self.message = ("Le fichier de cette pièce jointe est introuvable sur le serveur : vous pouvez la retirer "
                        "de la fiche et prévenir l'administrateur.")


def _piece_lisible(session: Session, acteur, piece_id: int) -> PieceJointe:
    piece = session.get(PieceJointe, piece_id)
    if piece is None:
        raise FicheIntrouvable()
    lire_fiche(session, acteur, piece.fiche_id)
    return piece


def _octets(piece: PieceJointe) -> bytes:
    try:
        return stockage.lire(piece.sha256)
    except FileNotFoundError:
        raise PieceManquante() from None


def lire(session: Session, acteur, piece_id: int) -> Contenu:
    piece = _piece_lisible(session, acteur, piece_id)
    return Contenu(piece.nom, piece.type_mime, _octets(piece))


def apercu_de_la_piece(session: Session, acteur, piece_id: int) -> apercu.Apercu:
    """The preview of an attachment for someone who may read it: an image, a French message, or nothing.

    Never raises for a hostile or broken file (only for access); the same preview serves the page and the
    /piece/<id>/apercu route (made once per content)."""
    piece = _piece_lisible(session, acteur, piece_id)
    if not stockage.chemin(piece.sha256).is_file():
        return apercu.Apercu(message=PieceManquante().message)
    return apercu.apercu_en_cache(piece.sha256, piece.type_mime, lambda: _octets(piece))


@dataclass(frozen=True)
class PieceVue:
    """An attachment as a page lists it."""

    id: int
    fiche_id: int
    nom: str
    type_mime: str
    taille: int


def _piece_du_lien(session: Session, acces_tuteur, piece_id: int) -> PieceJointe:
    from passeport.services import pfmp

    piece = session.get(PieceJointe, piece_id)
    visibles = {v.fiche_id for v in pfmp.fiches_du_tuteur(session, acces_tuteur)}  # journaled for the student
    if piece is None or piece.supprimee_le is not None or piece.fiche_id not in visibles:
        raise FicheIntrouvable()
    return piece


def pieces_pour_tuteur(session: Session, acces_tuteur) -> dict[int, list[PieceVue]]:
    """The attachments of the fiches a tutor's link opens, by fiche."""
    from passeport.services import pfmp

    visibles = {v.fiche_id for v in pfmp.fiches_du_tuteur(session, acces_tuteur)}
    par_fiche: dict[int, list[PieceVue]] = {}
    for p in session.scalars(select(PieceJointe).where(PieceJointe.fiche_id.in_(visibles),
                                                       PieceJointe.supprimee_le.is_(None)).order_by(PieceJointe.id)):
        par_fiche.setdefault(p.fiche_id, []).append(PieceVue(p.id, p.fiche_id, p.nom, p.type_mime, p.taille))
    return par_fiche


def lire_pour_tuteur(session: Session, acces_tuteur, piece_id: int) -> Contenu:
    """An attachment of a fiche the tutor's link opens (FicheIntrouvable for any other)."""
    piece = _piece_du_lien(session, acces_tuteur, piece_id)
    return Contenu(piece.nom, piece.type_mime, _octets(piece))


def apercu_pour_tuteur(session: Session, acces_tuteur, piece_id: int) -> apercu.Apercu:
    piece = _piece_du_lien(session, acces_tuteur, piece_id)
    if not stockage.chemin(piece.sha256).is_file():
        return apercu.Apercu(message=PieceManquante().message)
    return apercu.apercu_en_cache(piece.sha256, piece.type_mime, lambda: _octets(piece))


def retirer(session: Session, acteur, piece_id: int) -> None:
    """Detach a file (kept on disk and in the database, marked removed: nothing is erased)."""
    piece = session.get(PieceJointe, piece_id)
    if piece is None:
        raise FicheIntrouvable()
    acces.exiger_proprietaire(acteur, session.get(Fiche, piece.fiche_id).eleve_id)
    piece.supprimee_le = maintenant()
