"""Previews of attachments: images as they are, the first page of a PDF rendered to PNG, small printed copies."""

from __future__ import annotations

import io


def apercu_png(type_mime: str, donnees: bytes, largeur: int = 800) -> bytes | None:
    """PNG/JPEG bytes to show for an attachment, or None when there is no preview for that type."""
    if type_mime in ("image/png", "image/jpeg"):
        return donnees
    if type_mime == "application/pdf":
        import pypdfium2 as pdfium

        try:
            document = pdfium.PdfDocument(donnees)
            page = document[0]
            echelle = largeur / page.get_width()
            image = page.render(scale=echelle).to_pil()
        except (pdfium.PdfiumError, IndexError):
            return None
        tampon = io.BytesIO()
        image.save(tampon, format="PNG")
        return tampon.getvalue()
    return None


# Printed documents show attached images small: a copy at most this many pixels on its longer side.
COTE_VIGNETTE = 600


def vignette(donnees: bytes, cote: int = COTE_VIGNETTE) -> tuple[str, bytes] | None:
    """A small copy of an image for printing, as (MIME type, bytes), or None when it cannot be read.

    A 12-megapixel photo would otherwise go whole into every livret (tens of MB of PDF, and as much memory for
    WeasyPrint); Pillow refuses decompression bombs, which then print as a plain file name."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(donnees)) as image:
            image.draft("RGB", (cote, cote))  # JPEG: decode at a reduced scale, never the whole photo
            image.thumbnail((cote, cote))
            transparente = image.mode in ("RGBA", "LA", "P")
            copie = image.convert("RGBA" if transparente else "RGB")
            tampon = io.BytesIO()
            copie.save(tampon, format="PNG" if transparente else "JPEG", quality=85)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return ("image/png" if transparente else "image/jpeg"), tampon.getvalue()
