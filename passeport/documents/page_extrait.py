"""The page a share link opens (/extrait/<jeton>): plain HTML readable on a phone, and the extract's short PDF.

Every piece of student text goes through html.escape and keeps its line breaks (pre-wrap): it is never HTML.
The page shows the student's name, the extract's title and the chosen fiches, nothing else of the student.
"""

from __future__ import annotations

import dataclasses
import html

from sqlalchemy.orm import Session

from passeport.affichage import heure_locale
from passeport.services.extraits import MESSAGE_NEUTRE, ExtraitPartage
from passeport.services.fiches import LIBELLES_ALEAS as NIVEAUX_ALEAS, LIBELLES_COMPLEXITE as NIVEAUX_COMPLEXITE
from passeport.services.livret import FicheImprimee

_STYLE = """
*{box-sizing:border-box} body{font-family:system-ui,-apple-system,"DejaVu Sans",sans-serif;margin:0;background:#f6f7f9;
color:#1d1f23;line-height:1.45;font-size:1rem} main{max-width:46rem;margin:0 auto;padding:1rem}
header{background:#fff;border-radius:10px;padding:1rem;margin-bottom:1rem;box-shadow:0 1px 3px #0002}
h1{font-size:1.35rem;margin:0 0 .3rem 0;overflow-wrap:anywhere} .qui{font-weight:600}
.petit{color:#555;font-size:.85rem} article{background:#fff;border-radius:10px;padding:1rem;margin-bottom:1rem;
box-shadow:0 1px 3px #0002} article h2{font-size:1.1rem;margin:.2rem 0 .4rem 0;overflow-wrap:anywhere}
.situation{font-size:.85rem;color:#1f5fa8;font-weight:600} .meta{font-size:.85rem;color:#444;margin:.2rem 0 .6rem 0}
h3{font-size:.9rem;margin:.8rem 0 .2rem 0;color:#333} p.texte{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}
ul{margin:.2rem 0 0 1.2rem;padding:0} a.pdf{display:inline-block;margin-top:.6rem;padding:.5rem .9rem;border-radius:6px;
background:#1f5fa8;color:#fff;text-decoration:none} .neutre{background:#fff;border-radius:10px;padding:1.2rem}
"""
ENTETES = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


def _e(texte) -> str:
    """Text for an element's content (attributes use html.escape with quotes)."""
    return html.escape(str(texte or ""), quote=False)


def _document(titre: str, corps: str) -> str:
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer">
<title>{_e(titre)}</title><style>{_STYLE}</style></head><body><main>{corps}</main></body></html>"""


def _bloc(titre: str, texte: str) -> str:
    return f'<h3>{_e(titre)}</h3><p class="texte">{_e(texte)}</p>' if (texte or "").strip() else ""


def _liste(titre: str, elements: list[str]) -> str:
    if not elements:
        return ""
    return f"<h3>{_e(titre)}</h3><ul>" + "".join(f"<li>{_e(e)}</li>" for e in elements) + "</ul>"


def _fiche(f: FicheImprimee) -> str:
    dates = (f"du {f.date_debut:%d/%m/%Y} au {f.date_fin:%d/%m/%Y}" if f.date_fin and f.date_fin != f.date_debut
             else f"le {f.date_debut:%d/%m/%Y}")
    lieu = f"{f.lieu}" + (f" — {f.organisation}" if f.organisation.strip() else "")
    return (
        '<article class="fiche">'
        f'<div class="situation">{_e(f.situation)} — {_e(f.situation_titre)}</div>'
        f"<h2>{_e(f.titre)}</h2>"
        f'<div class="meta">{_e(dates)} · {_e(lieu)} · situation {_e(f.nature.lower())}</div>'
        + _bloc("Contexte", f.contexte)
        + _bloc("Je dispose", f.conditions)
        + _bloc("Ma démarche", f.demarche)
        + _bloc("Mes productions", f.productions)
        + f"<h3>Complexité</h3><p class=\"texte\">{_e(NIVEAUX_COMPLEXITE.get(f.complexite, f.complexite))}</p>"
        + _liste("Facteurs de complexité", f.complexite_details)
        + f"<h3>Aléas</h3><p class=\"texte\">{_e(NIVEAUX_ALEAS.get(f.aleas, f.aleas))}</p>"
        + _liste("Aléas rencontrés", f.aleas_details)
        + "</article>"
    )


def html_page(partage: ExtraitPartage, lien_pdf: str = "") -> str:
    """The shared page: the student's name, the extract's title, the chosen fiches."""
    bouton = f'<a class="pdf" href="{html.escape(lien_pdf, quote=True)}">Télécharger en PDF</a>' if lien_pdf else ""
    entete = (
        f"<header><h1>{_e(partage.titre)}</h1><div class=\"qui\">{_e(partage.eleve)}</div>"
        f'<div class="petit">Extrait du passeport professionnel · {len(partage.fiches)} fiche(s) écrites par '
        f"l'élève · lien valable jusqu'au {heure_locale(partage.expire_le):%d/%m/%Y}</div>{bouton}</header>"
    )
    fiches = "".join(_fiche(f) for f in partage.fiches) or '<p class="neutre">Aucune fiche dans cet extrait.</p>'
    return _document(f"{partage.titre} — {partage.eleve}", entete + fiches)


def html_neutre() -> str:
    """The one answer to a wrong, expired or revoked link."""
    return _document("Passeport professionnel", f'<p class="neutre" role="alert">{_e(MESSAGE_NEUTRE)}</p>')


def pdf(session: Session, partage: ExtraitPartage) -> bytes:
    """The short PDF of the extract, laid out by the livret's templates (passeport.documents.livret)."""
    from passeport.documents.livret import pdf_extrait
    from passeport.services.livret import donnees_extrait

    donnees = donnees_extrait(session, partage.eleve_id, partage.fiche_ids, partage.titre)
    return pdf_extrait(dataclasses.replace(donnees, division=""))  # the link shows nothing of the class
