"""Reading printed documents as a person would: poppler-utils' pdftotext (the words), pdfinfo, pdfimages, and
pdftoppm (images of the pages, looked at under tests/artefacts/). Missing on a developer's laptop, the test is
skipped with a message; in CI it fails (.ci/run installs poppler-utils)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import exiger_ou_sauter


def poppler(commande: str, *arguments) -> str:
    """Run one poppler-utils command and return what it prints."""
    if shutil.which(commande) is None:
        exiger_ou_sauter(f"{commande} absent : installez le paquet Debian poppler-utils pour relire les PDF")
    return subprocess.run([commande, *map(str, arguments)], check=True, capture_output=True, text=True).stdout


def texte_pdf(chemin: Path | str) -> str:
    """The PDF's text, laid out as on the page (pages separated by form feeds)."""
    return poppler("pdftotext", "-layout", chemin, "-")


def page_png(chemin: Path | str, page: int, sortie: Path, resolution: int = 70) -> Path:
    """Page ``page`` of the PDF as ``sortie`` (a .png path)."""
    sortie.parent.mkdir(parents=True, exist_ok=True)
    poppler("pdftoppm", "-png", "-r", resolution, "-f", page, "-l", page, "-singlefile", chemin, sortie.with_suffix(""))
    return sortie
