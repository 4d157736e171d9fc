"""Previews of attachments: images as they are, the first page of a PDF rendered to PNG."""

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
