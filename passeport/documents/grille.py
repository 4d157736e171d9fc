"""The printable class grid (A4 landscape, one page per pôle): students × situations, statut as a sign."""

from __future__ import annotations

from passeport.documents.gabarits import en_pdf, rendre
from passeport.services.grille import GrilleClasse
from passeport.statut import LEGENDE, SYMBOLES


def html_grille_classe(grille: GrilleClasse) -> str:
    return rendre("grille.html", grille=grille, eleve=f"Division {grille.division}", legende=LEGENDE,
                  symboles=SYMBOLES)


def pdf_grille_classe(grille: GrilleClasse) -> bytes:
    """The class grid as a PDF, A4 landscape, one page per pôle (more if the class is long).

    Each page: the pôle, division, school year, date and the filters used (période, lieux, natures); one row per
    student (full name), one column per situation code, the statut as a sign readable in black and white
    (E évaluable, R répétée, 1 traversée une fois, — non traversée), totals per student (traversées,
    évaluables) and per situation (students who crossed it, for whom it is evaluable), the situations' titles
    in a table beside the grid. ``grille`` comes from passeport.services.grille.grille_de_la_division
    (teachers of the division only; ``poles=["1"]`` keeps the pôle of an épreuve). Usage::

        from passeport.services.grille import grille_de_la_division
        from passeport.documents.grille import pdf_grille_classe
        pdf = pdf_grille_classe(grille_de_la_division(session, enseignant, entrepot, division_id, filtres,
                                                      poles=["1"]))
    """
    return en_pdf(html_grille_classe(grille))
