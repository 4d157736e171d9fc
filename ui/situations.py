"""The situations of a student's référentiel, grouped by pôle and classe de situations, each with its statut (label,
sign and colour of passeport/libelles.py), its fiches, the last date, and each teacher's latest positionnement.

Used by the teacher's profile of a student (pages/enseignant_eleve.py); written so that the student's home page can
show the same list (``ouvrir`` opens a fiche the way the page's role does)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

import streamlit as st

from passeport.affichage import heure_locale, texte_brut
from passeport.libelles import (
    COULEURS_NIVEAU, COULEURS_STATUT, ENCRES_NIVEAU, ENCRES_STATUT, LIEUX, NIVEAUX, STATUTS, SYMBOLES_NIVEAU,
    SYMBOLES_STATUT,
)
from passeport.services.situations import SituationDeLEleve
from passeport.statut import Statut

STYLE = """
<style>
.sit-boite { container-type: inline-size; }
.sit-ligne { display: grid; grid-template-columns: minmax(0, 1.4fr) 10.5rem 4.2rem 5.8rem minmax(0, 1fr);
  gap: .25rem .75rem; align-items: center; padding: .3rem 0; border-bottom: 1px solid #e6e6e6; font-size: .92rem; }
.sit-titre { overflow-wrap: anywhere; }
.sit-code { font-weight: 700; font-variant-numeric: tabular-nums; }
.sit-badge { display: inline-block; padding: .1rem .55rem; border-radius: 1rem; font-weight: 600; font-size: .85rem;
  white-space: nowrap; }
.sit-discret { color: #555; font-size: .85rem; }
.sit-positions { display: flex; flex-wrap: wrap; gap: .2rem .5rem; }
.sit-position { font-size: .85rem; }
.sit-entete { font-size: .8rem; color: #555; font-weight: 600; border-bottom: 1px solid #bbb; }
/* A narrow column (a 1366 px screen with the menu open): positions go under the title, on the whole width. */
@container (max-width: 820px) {
  .sit-ligne { grid-template-columns: minmax(0, 1fr) 10.5rem 4.2rem 5.8rem; }
  .sit-positions { grid-column: 1 / -1; }
  .sit-nonpos { display: none; }
}
@container (max-width: 520px) {  /* a phone: statut, fiches and date under the title */
  .sit-ligne { grid-template-columns: auto auto minmax(0, 1fr); }
  .sit-titre { grid-column: 1 / -1; }
}
</style>
"""


def badge_statut(statut: Statut) -> str:
    """HTML of a statut: its sign and its label on its colour (the same everywhere)."""
    return (f'<span class="sit-badge" style="background:{COULEURS_STATUT[statut]};color:{ENCRES_STATUT[statut]}">'
            f'{escape(SYMBOLES_STATUT[statut])} {escape(STATUTS[statut])}</span>')


def badge_niveau_html(niveau: int) -> str:
    """HTML of a positionnement level: its sign and its name on its colour (a level, never a mark)."""
    return (f'<span class="sit-badge" style="background:{COULEURS_NIVEAU[niveau]};color:{ENCRES_NIVEAU[niveau]}">'
            f'{escape(SYMBOLES_NIVEAU[niveau])} {escape(NIVEAUX[niveau])}</span>')


def _ligne(s: SituationDeLEleve) -> str:
    if s.nb_fiches:
        fiches = f"{s.nb_fiches} fiche{'s' if s.nb_fiches > 1 else ''}"
        derniere = f"{s.derniere_date:%d/%m/%Y}"
    else:
        fiches, derniere = "0 fiche", ""
    positions = "".join(
        f'<span class="sit-position" title="positionnée le {heure_locale(p.le):%d/%m/%Y}">{escape(p.enseignant)} : '
        f'{badge_niveau_html(p.niveau)}</span>' for p in s.positions)
    nonpos = '<span class="sit-discret sit-nonpos">non positionnée</span>'
    return (f'<div class="sit-boite"><div class="sit-ligne" data-situation="{escape(s.code)}">'
            f'<span class="sit-titre"><span class="sit-code">{escape(s.code)}</span> — {escape(s.titre)}</span>'
            f'<span>{badge_statut(s.statut)}</span><span class="sit-discret">{fiches}</span>'
            f'<span class="sit-discret">{derniere}</span>'
            f'<span class="sit-positions">{positions or nonpos}</span></div></div>')


def legende() -> None:
    """The four statuts in their colours, with their definition (DESIGN.md)."""
    st.html(STYLE + '<div class="sit-positions">' + " ".join(badge_statut(s) for s in Statut) + "</div>")
    st.caption("Évaluable : au moins deux fiches, dont une avec de la complexité ou un aléa · Répétée : deux fiches "
               "ou plus, sans complexité ni aléa · Traversée une fois · Non traversée : aucune fiche. "
               "Positionnements : le dernier de chaque enseignant, jamais une moyenne.")


def vue_situations(situations: Sequence[SituationDeLEleve], ouvrir: Callable[[int], None], cle: str) -> None:
    """All situations by pôle (one expander each) and classe; each fiche opens through ``ouvrir(fiche_id)``."""
    legende()
    poles = list(dict.fromkeys((s.pole_code, s.pole_titre) for s in situations))
    for pole_code, pole_titre in poles:
        du_pole = [s for s in situations if s.pole_code == pole_code]
        faites = sum(1 for s in du_pole if s.statut != Statut.NON_TRAVERSEE)
        evaluables = sum(1 for s in du_pole if s.statut == Statut.EVALUABLE)
        with st.expander(f"Pôle {pole_code} — {pole_titre} · {faites}/{len(du_pole)} traversées · "
                         f"{evaluables} évaluable{'s' if evaluables > 1 else ''}", expanded=True):
            classes = list(dict.fromkeys((s.classe_code, s.classe_titre) for s in du_pole))
            for classe_code, classe_titre in classes:
                de_la_classe = [s for s in du_pole if s.classe_code == classe_code]
                st.markdown(f"**{texte_brut(classe_code)} {texte_brut(classe_titre)}** · "
                            f"{sum(1 for s in de_la_classe if s.statut != Statut.NON_TRAVERSEE)}/{len(de_la_classe)} "
                            "traversées")
                for s in de_la_classe:
                    colonnes = st.columns([7, 1.4], vertical_alignment="center", gap="small")
                    colonnes[0].html(_ligne(s))
                    if s.fiches:
                        with colonnes[1].popover(f"Fiches ({s.nb_fiches})", icon=":material/description:",
                                                 width="stretch"):
                            for f in s.fiches:
                                if st.button(texte_brut(f"{f.date_debut:%d/%m/%Y} · {f.titre}"),
                                             key=f"{cle}_fiche_{f.id}", width="stretch",
                                             help=f"{LIEUX.get(f.lieu, f.lieu)} · complexité {f.complexite} · "
                                                  f"aléas {f.aleas}"):
                                    ouvrir(f.id)
