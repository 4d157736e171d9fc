"""Real small files of each accepted type, built by code (no binary fixtures in the repository)."""

from __future__ import annotations

import io
import zipfile


def pdf(texte_pages: int = 1) -> bytes:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for _ in range(texte_pages):
        document.new_page(595, 842)
    tampon = io.BytesIO()
    document.save(tampon)
    return tampon.getvalue()


def png(largeur: int = 4, hauteur: int = 3) -> bytes:
    from PIL import Image

    tampon = io.BytesIO()
    Image.new("RGB", (largeur, hauteur), (200, 30, 30)).save(tampon, format="PNG")
    return tampon.getvalue()


def jpg() -> bytes:
    from PIL import Image

    tampon = io.BytesIO()
    Image.new("RGB", (4, 3), (30, 30, 200)).save(tampon, format="JPEG")
    return tampon.getvalue()


def _zip(entrees: dict[str, str]) -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w") as z:
        for nom, contenu in entrees.items():
            z.writestr(nom, contenu, compress_type=zipfile.ZIP_STORED if nom == "mimetype" else zipfile.ZIP_DEFLATED)
    return tampon.getvalue()


def odt() -> bytes:
    return _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office:document-content/>"})


def ods() -> bytes:
    return _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"})


def docx() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>", "word/document.xml": "<w:document/>"})


def xlsx() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>", "xl/workbook.xml": "<workbook/>"})


def exe() -> bytes:
    """The start of a Windows executable."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 512
