"""The Jinja2 templates of the printed documents (passeport/documents/modeles/), autoescaped: student text is text."""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

DOSSIER = Path(__file__).resolve().parent / "modeles"


@functools.cache
def environnement() -> jinja2.Environment:
    from passeport.services.fiches import LIBELLES_ALEAS, LIBELLES_COMPLEXITE

    environnement_ = jinja2.Environment(
        loader=jinja2.FileSystemLoader(DOSSIER),
        # Every template is HTML, including the CSS it includes: everything that comes from data is escaped.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environnement_.globals.update(LIBELLES_COMPLEXITE=LIBELLES_COMPLEXITE, LIBELLES_ALEAS=LIBELLES_ALEAS)
    return environnement_


def rendre(modele: str, **donnees) -> str:
    return environnement().get_template(modele).render(**donnees)


def en_pdf(html: str) -> bytes:
    """HTML → PDF (A4 as the template's @page says) through WeasyPrint, imported only when a PDF is asked for."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(DOSSIER)).write_pdf()
