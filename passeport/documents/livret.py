"""The livret de compétences professionnelles (A4, PDF or HTML) and the short extracts of chosen fiches.

Built from the plain data of passeport.services.livret with the Jinja2 templates of modeles/ (livret.html,
extrait.html, the fiche blocks in _fiche.html). Student text is escaped and printed as written (pre-wrap)."""

from __future__ import annotations

from passeport.documents.gabarits import en_pdf, rendre
from passeport.services.livret import DonneesExtrait, DonneesLivret
from passeport.statut import LEGENDE


def _contenu(livret: DonneesLivret) -> str:
    quoi = "toutes les fiches" if livret.toutes_les_fiches else "la fiche retenue de chaque situation vécue"
    ou = f"pôle {livret.pole}" if livret.pole else "tous les pôles"
    ajouts = [a for a, oui in (("appréciations", livret.avec_appreciations), ("bilans de PFMP", livret.avec_bilans))
              if oui]
    return f"{quoi}, {ou} ({livret.nombre_de_fiches} fiche(s))" + (f" ; avec {' et '.join(ajouts)}" if ajouts else "")


def html_livret(livret: DonneesLivret) -> str:
    """The livret as one HTML page (the same document as the PDF; images embedded)."""
    return rendre("livret.html", livret=livret, eleve=livret.eleve, legende=LEGENDE, contenu=_contenu(livret))


def pdf_livret(livret: DonneesLivret) -> bytes:
    """The livret as an A4 PDF: cover, table of contents, coverage per pôle, the fiches; "page N / M"."""
    return en_pdf(html_livret(livret))


def html_extrait(donnees: DonneesExtrait) -> str:
    """A short extract as HTML: title, student's name, date, then each chosen fiche with every block
    (context, « Je dispose », démarche, productions with small images, lieu, nature, complexity and aléas).
    No appréciations. ``donnees`` comes from passeport.services.livret.donnees_extrait."""
    return rendre("extrait.html", extrait=donnees, eleve=donnees.eleve)


def pdf_extrait(donnees: DonneesExtrait) -> bytes:
    """The same extract as an A4 PDF (running header with the student's name, "page N / M" footer).

    Usage::

        from passeport.services.livret import donnees_extrait
        from passeport.documents.livret import pdf_extrait
        pdf = pdf_extrait(donnees_extrait(session, eleve_id, [12, 15, 31], "Candidature chez BIOMAG"))
    """
    return en_pdf(html_extrait(donnees))
