"""The one-page printable goals of a PFMP: for the student's folder and the tutor's desk."""

from __future__ import annotations

import datetime as dt
from html import escape

from passeport.libelles import MOTIFS
from passeport.services.objectifs import Objectif

# The words of passeport/libelles.py (the one vocabulary), inside a sentence.
MOTIFS_EN_MOTS = {code: mot[0].lower() + mot[1:] for code, mot in MOTIFS.items()}

_STYLE = """
@page { size: A4; margin: 14mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; }
h1 { font-size: 14pt; margin: 0 0 2mm 0; }
.sous-titre { color: #333; margin-bottom: 5mm; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 1px solid #999; padding: 2mm; vertical-align: top; text-align: left; }
th { background: #eef2f7; }
.code { white-space: nowrap; font-weight: bold; }
.petit { font-size: 8pt; color: #444; }
.pied { margin-top: 6mm; font-size: 8pt; color: #444; }
"""


def html_objectifs(eleve: str, division: str, organisation: str, debut: dt.date, fin: dt.date,
                   objectifs: list[Objectif], jour: dt.date | None = None) -> str:
    jour = jour or dt.date.today()
    lignes = "".join(
        f"""<tr><td>{o.rang}</td><td><span class="code">{escape(o.situation)}</span> {escape(o.titre)}
<div class="petit">{escape(MOTIFS_EN_MOTS.get(o.motif, o.motif))}</div></td>
<td>{escape(o.consigne)}</td><td class="petit">{escape(", ".join(o.organisations[:5]))}</td></tr>"""
        for o in objectifs
    )
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><style>{_STYLE}</style></head><body>
<h1>Objectifs de PFMP — {escape(eleve)} ({escape(division)})</h1>
<div class="sous-titre">{escape(organisation)}, du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}</div>
<table><thead><tr><th>#</th><th>Situation à vivre</th><th>Conseil de l'équipe</th>
<th>Déjà vécue par d'autres élèves chez</th></tr></thead><tbody>{lignes}</tbody></table>
<p class="pied">Situations choisies par l'équipe pédagogique à partir du passeport professionnel, le {jour:%d/%m/%Y}.
Chaque situation vécue donne lieu à une fiche dans le passeport : ce qui a été fait, avec quelle complexité,
quels aléas.</p></body></html>"""


def pdf_objectifs(eleve: str, division: str, organisation: str, debut: dt.date, fin: dt.date,
                  objectifs: list[Objectif], jour: dt.date | None = None) -> bytes:
    """The goals as one A4 page (PDF)."""
    from weasyprint import HTML  # heavy import, only when a sheet is asked for

    return HTML(string=html_objectifs(eleve, division, organisation, debut, fin, objectifs, jour)).write_pdf()
