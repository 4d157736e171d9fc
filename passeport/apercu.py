"""Previews of attachments and the limits that keep them cheap: sizes are read from the file's headers (image
size, PDF page boxes and count) and checked BEFORE anything is decoded or rendered, and what is rendered is bounded
(an 800-pixel-wide image, a PDF page at most 2,000 pixels high). A preview that cannot be made is a French message,
never an exception: the page that shows it stays usable.
"""

from __future__ import annotations

import io
import logging
import struct
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

journal = logging.getLogger(__name__)

# Decoded images: at most 40 million pixels (8,000 × 5,000; a phone takes 12 to 50 MP), 160 MB once decoded in RGBA.
PIXELS_MAX = 40_000_000
# PDF: a side of a page at most 14,400 points (5.08 m, the limit of the PDF standard), at most 2,000 pages.
COTE_PAGE_MAX = 14_400
PAGES_MAX = 2_000
# What a preview may cost: an image at most this wide and this high, in pixels.
LARGEUR_APERCU = 800
HAUTEUR_APERCU_MAX = 2_000
MESSAGE_APERCU = "Aperçu impossible pour ce fichier : il reste téléchargeable et peut être retiré."


class Demesure(ValueError):
    """A file whose decoded size would be out of proportion; ``raison`` says it in French (no file name)."""

    def __init__(self, raison: str):
        self.raison = raison
        super().__init__(raison)


class Illisible(ValueError):
    """The file's headers cannot be read."""


def _nombre(n: float) -> str:
    return f"{round(n):,}".replace(",", " ")


def _pillow():
    from PIL import Image

    # Pillow's own guard (a warning above, an error above twice) agrees with ours.
    Image.MAX_IMAGE_PIXELS = PIXELS_MAX
    return Image


def dimensions_entete(donnees: bytes) -> tuple[int, int] | None:
    """(width, height) as a PNG's IHDR or a JPEG's SOF marker declares them, read from the bytes, or None."""
    if donnees.startswith(b"\x89PNG\r\n\x1a\n") and donnees[12:16] == b"IHDR" and len(donnees) >= 24:
        return struct.unpack(">II", donnees[16:24])
    if donnees.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 <= len(donnees) and donnees[i] == 0xFF:
            marqueur, longueur = donnees[i + 1], struct.unpack(">H", donnees[i + 2:i + 4])[0]
            if 0xC0 <= marqueur <= 0xCF and marqueur not in (0xC4, 0xC8, 0xCC):  # start of frame
                hauteur, largeur = struct.unpack(">HH", donnees[i + 5:i + 9])
                return largeur, hauteur
            i += 2 + longueur
    return None


def controler_image(donnees: bytes) -> tuple[str, int, int]:
    """(format, width, height) of a PNG or JPEG read from its header only; Demesure when it is too big to decode,
    Illisible when it is not an image Pillow can check."""
    Image = _pillow()
    from PIL import UnidentifiedImageError

    entete = dimensions_entete(donnees)
    if entete and entete[0] * entete[1] > PIXELS_MAX:  # before Pillow even opens it
        raise Demesure(_raison_image(*entete))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(donnees)) as image:  # reads the header, decodes nothing
                forme, (largeur, hauteur) = image.format, image.size
                if largeur * hauteur > PIXELS_MAX:
                    raise Demesure(_raison_image(largeur, hauteur))
                image.verify()  # chunks and checksums, still without decoding the pixels
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Demesure("image trop grande une fois décompressée "
                       f"({_nombre(PIXELS_MAX / 1e6)} millions de pixels au plus)") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        if isinstance(exc, Demesure):
            raise
        raise Illisible(str(exc)) from exc
    if forme not in ("PNG", "JPEG") or largeur < 1 or hauteur < 1:
        raise Illisible(forme)
    return forme, largeur, hauteur


def _raison_image(largeur: int, hauteur: int) -> str:
    return (f"image trop grande ({_nombre(largeur)} × {_nombre(hauteur)} pixels, soit "
            f"{_nombre(largeur * hauteur / 1e6)} millions ; {_nombre(PIXELS_MAX / 1e6)} millions au plus)")


def _ouvrir_pdf(donnees: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(donnees)  # reads the cross-reference table, renders nothing
    except pdfium.PdfiumError as exc:
        raise Illisible(str(exc)) from exc


def _controler_pages(document, toutes: bool = True) -> int:
    pages = len(document)
    if pages < 1:
        raise Illisible("aucune page")
    if pages > PAGES_MAX:
        raise Demesure(f"trop de pages ({_nombre(pages)} ; {_nombre(PAGES_MAX)} au plus)")
    for index in range(pages if toutes else 1):
        largeur, hauteur = document.get_page_size(index)  # from the page's boxes, nothing drawn
        if not (1 <= largeur <= COTE_PAGE_MAX and 1 <= hauteur <= COTE_PAGE_MAX):
            raise Demesure(f"page {index + 1} démesurée ({_nombre(largeur / 72 * 25.4)} × "
                           f"{_nombre(hauteur / 72 * 25.4)} mm ; 5 080 mm au plus de côté)")
    return pages


def controler_pdf(donnees: bytes) -> int:
    """The number of pages of a PDF whose pages all have a sensible size; Demesure or Illisible otherwise."""
    document = _ouvrir_pdf(donnees)
    try:
        return _controler_pages(document)
    finally:
        document.close()


def _png(image) -> bytes:
    tampon = io.BytesIO()
    image.save(tampon, format="PNG")
    return tampon.getvalue()


def _apercu_pdf(donnees: bytes, largeur: int) -> tuple[str, bytes]:
    document = _ouvrir_pdf(donnees)
    try:
        _controler_pages(document, toutes=False)
        largeur_pt, hauteur_pt = document.get_page_size(0)
        echelle = min(largeur / largeur_pt, HAUTEUR_APERCU_MAX / hauteur_pt)  # bounded both ways
        page = document[0]
        try:
            image = page.render(scale=echelle, may_draw_forms=False).to_pil()
        finally:
            page.close()
    finally:
        document.close()
    return "image/png", _png(image)


def _apercu_image(donnees: bytes, largeur: int) -> tuple[str, bytes]:
    forme, l, h = controler_image(donnees)
    if l <= largeur and h <= HAUTEUR_APERCU_MAX:
        return ("image/png" if forme == "PNG" else "image/jpeg"), donnees  # small enough: shown as it is
    copie = vignette(donnees, max(largeur, 1))
    if copie is None:
        raise Illisible("vignette")
    return copie


@dataclass(frozen=True)
class Apercu:
    """What to show for an attachment: an image (PNG or JPEG bytes), or a French message, or nothing (a type
    without preview)."""

    image: bytes | None = None
    type_image: str | None = None
    message: str | None = None


def preparer(type_mime: str, donnees: bytes, largeur: int = LARGEUR_APERCU) -> Apercu:
    """The preview of an attachment; never raises (a failure is a French message)."""
    try:
        if type_mime in ("image/png", "image/jpeg"):
            return Apercu(*_apercu_image(donnees, largeur)[::-1])
        if type_mime == "application/pdf":
            return Apercu(*_apercu_pdf(donnees, largeur)[::-1])
    except Demesure as exc:
        return Apercu(message=f"Pas d'aperçu : {exc.raison}. Le fichier reste téléchargeable et peut être retiré.")
    except Illisible:
        return Apercu(message=MESSAGE_APERCU)
    except Exception:  # MemoryError, a bug of a decoder…: logged, never shown as a traceback
        journal.exception("aperçu impossible (%s, %d octets)", type_mime, len(donnees))
        return Apercu(message=MESSAGE_APERCU)
    return Apercu()


def apercu_png(type_mime: str, donnees: bytes, largeur: int = LARGEUR_APERCU) -> bytes | None:
    """PNG/JPEG bytes to show for an attachment, or None when there is none (no preview for the type, or failed)."""
    return preparer(type_mime, donnees, largeur).image


# Previews already made, by content (SHA-256): the page and the /piece/<id>/apercu route share them.
_CACHE: OrderedDict[tuple[str, str, int], Apercu] = OrderedDict()
_VERROU = threading.Lock()
TAILLE_CACHE = 64


def apercu_en_cache(sha256: str, type_mime: str, lire: Callable[[], bytes], largeur: int = LARGEUR_APERCU) -> Apercu:
    """The preview of the content ``sha256`` (read by ``lire`` only when it is not already made)."""
    cle = (sha256, type_mime, largeur)
    with _VERROU:
        if cle in _CACHE:
            _CACHE.move_to_end(cle)
            return _CACHE[cle]
    if type_mime not in ("image/png", "image/jpeg", "application/pdf"):
        return Apercu()
    apercu = preparer(type_mime, lire(), largeur)
    with _VERROU:
        _CACHE[cle] = apercu
        while len(_CACHE) > TAILLE_CACHE:
            _CACHE.popitem(last=False)
    return apercu


# Printed documents show attached images small: a copy at most this many pixels on its longer side.
COTE_VIGNETTE = 600


def vignette(donnees: bytes, cote: int = COTE_VIGNETTE) -> tuple[str, bytes] | None:
    """A small copy of an image for printing, as (MIME type, bytes), or None when it cannot be read.

    A 12-megapixel photo would otherwise go whole into every livret (tens of MB of PDF, and as much memory for
    WeasyPrint); an image above PIXELS_MAX is never decoded and prints as a plain file name."""
    Image = _pillow()
    from PIL import UnidentifiedImageError

    try:
        controler_image(donnees)
        with Image.open(io.BytesIO(donnees)) as image:
            image.draft("RGB", (cote, cote))  # JPEG: decode at a reduced scale, never the whole photo
            image.thumbnail((cote, cote))
            transparente = image.mode in ("RGBA", "LA", "P")
            copie = image.convert("RGBA" if transparente else "RGB")
            tampon = io.BytesIO()
            copie.save(tampon, format="PNG" if transparente else "JPEG", quality=85)
    except (Demesure, Illisible, UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return ("image/png" if transparente else "image/jpeg"), tampon.getvalue()
