"""The sheets of first passwords: one slip per person (student or teacher), to cut and hand out."""

from __future__ import annotations

import datetime as dt
from html import escape

from passeport.services.administration import Identifiants

_STYLE = """
@page { size: A4; margin: 12mm; @bottom-center { content: "Page " counter(page) " / " counter(pages);
  font-size: 8pt; color: #666; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; }
h1 { font-size: 13pt; margin: 0 0 4mm 0; }
.avertissement { font-size: 8.5pt; color: #444; margin-bottom: 5mm; }
.coupon { border: 1px dashed #888; padding: 4mm 5mm; margin-bottom: 3mm; page-break-inside: avoid; }
.nom { font-weight: bold; font-size: 11pt; }
.valeur { font-family: "DejaVu Sans Mono", monospace; font-size: 12pt; }
.aide { font-size: 8pt; color: #444; margin-top: 1.5mm; }
"""


def _coupons(groupe: str, identifiants: list[Identifiants], adresse: str) -> str:
    return "".join(
        f"""<div class="coupon"><div class="nom">{escape(i.prenom)} {escape(i.nom)} — {escape(groupe)}</div>
<div>Identifiant : <span class="valeur">{escape(i.login)}</span></div>
<div>Mot de passe provisoire : <span class="valeur">{escape(i.mot_de_passe)}</span></div>
<div class="aide">Connectez-vous sur {escape(adresse)} : vous choisirez alors votre propre mot de passe
(au moins 10 caractères). Ne donnez jamais votre mot de passe à quelqu'un d'autre.</div></div>"""
        for i in identifiants
    )


def html_feuille(etablissement: str, adresse: str, groupes: list[tuple[str, list[Identifiants]]],
                 jour: dt.date | None = None) -> str:
    """One section per group (a division, « Enseignants »), each starting on a new page."""
    jour = jour or dt.date.today()
    sections = "".join(
        f"""<section style="{'page-break-before: always' if n else ''}">
<h1>Passeport professionnel — premiers mots de passe — {escape(groupe)}</h1>
<p class="avertissement">{escape(etablissement)} · feuille produite le {jour:%d/%m/%Y}. Document confidentiel :
découpez les coupons et remettez chacun à la personne nommée, puis détruisez le reste. Ces mots de passe ne
servent qu'une fois.</p>{_coupons(groupe, identifiants, adresse)}</section>"""
        for n, (groupe, identifiants) in enumerate(groupes)
    )
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><style>{_STYLE}</style></head><body>
{sections}</body></html>"""


def html_identifiants(etablissement: str, division: str, adresse: str, identifiants: list[Identifiants],
                      jour: dt.date | None = None) -> str:
    return html_feuille(etablissement, adresse, [(division, identifiants)], jour)


def pdf_identifiants(etablissement: str, division: str, adresse: str, identifiants: list[Identifiants],
                     jour: dt.date | None = None) -> bytes:
    """The PDF sheet (A4) of first passwords."""
    return pdf_feuille(etablissement, adresse, [(division, identifiants)], jour)


def pdf_feuille(etablissement: str, adresse: str, groupes: list[tuple[str, list[Identifiants]]],
                jour: dt.date | None = None) -> bytes:
    """The PDF sheets (A4) of first passwords, one section per group."""
    from weasyprint import HTML  # heavy import, only when a sheet is asked for

    return HTML(string=html_feuille(etablissement, adresse, groupes, jour)).write_pdf()
