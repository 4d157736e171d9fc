"""Blocks shared by the follow-up pages: positionnement badges, appréciation cards, opening a fiche to follow."""

from __future__ import annotations

import datetime as dt
from html import escape

import streamlit as st

from passeport.affichage import heure_locale, texte_brut
from passeport.models import maintenant
from passeport.libelles import COULEURS_NIVEAU, COULEURS_STATUT, ENCRES_NIVEAU, ENCRES_STATUT, STATUTS
from passeport.libelles import niveau as niveau_en_mots, statut_signe
from passeport.statut import Statut
from passeport.services.appreciations import GENRES
from ui.commun import afficher_texte


def html_badge(niveau: int, suite: str = "") -> str:
    """The HTML of a level's badge: its sign and name on its colour (never the colour alone); ``suite`` (a name, a
    date) is escaped and written after it in grey."""
    badge = (f'<span class="badge-niveau" style="display:inline-block;padding:.15rem .6rem;border-radius:1rem;'
             f'background:{COULEURS_NIVEAU[niveau]};color:{ENCRES_NIVEAU[niveau]};font-weight:600;font-size:.9rem">'
             f'{escape(niveau_en_mots(niveau))}</span>')
    return badge + (f'<span style="font-size:.85rem;color:#555"> {escape(suite)}</span>' if suite else "")


def badge_niveau(niveau: int, suite: str = "") -> None:
    """A positionnement level as a badge (see html_badge)."""
    st.html(html_badge(niveau, suite))


_STATUT_DU_TEXTE = {statut_signe(s): s for s in Statut} | {STATUTS[s]: s for s in Statut}


def style_statut(texte: str) -> str:
    """The CSS of a table cell showing a statut (« E · Évaluable » or « Évaluable »): the one statut palette of
    passeport/libelles.py, with its ink; nothing for any other text."""
    s = _STATUT_DU_TEXTE.get(texte)
    return f"background-color: {COULEURS_STATUT[s]}; color: {ENCRES_STATUT[s]}" if s else ""


def _entete_appreciation(a) -> str:
    origine = "depuis l'entreprise (tuteur)" if a.du_tuteur else "enseignant·e"
    sujet = f"sur la fiche « {a.fiche_titre} »" if a.fiche_id else "sur l'ensemble du passeport"
    entete = f"{heure_locale(a.cree_le):%d/%m/%Y %H:%M} · {a.auteur} · {origine} · {sujet}"
    if a.genre:
        entete += f" · {GENRES[a.genre]}"
    if a.versions > 1:
        entete += f" · corrigée ({a.versions} versions)"
    if a.suite_de_id:
        entete += " · suite d'une appréciation précédente"
    return entete


def carte_appreciation(a, nouvelle: bool = False) -> None:
    """One appréciation as the student and the teachers read it: author, where from, kind, text shown as text."""
    with st.container(border=True):
        if nouvelle:
            st.markdown("**:red[Nouveau]**")
        st.caption(texte_brut(_entete_appreciation(a)))
        afficher_texte(a.texte)


def ligne_appreciation(a, ouvrir: bool = False) -> bool:
    """A new appréciation as one compact row of a list (the Nouveautés): « Nouveau », who, when, on what, then the
    text, and a small « Ouvrir la fiche » button when ``ouvrir``. True when that button was clicked."""
    clique = False
    with st.container(key=f"nouveaute_a{a.id}", gap=None):
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.markdown(f"**:red[Nouveau]** · :gray[{texte_brut(_entete_appreciation(a))}]", width="stretch")
            if ouvrir and a.fiche_id:
                clique = st.button("Ouvrir la fiche", key=f"ouvrir_{a.id}", icon=":material/open_in_new:",
                                   type="tertiary")
        afficher_texte(a.texte)
    return clique


def lue_au_passage_precedent(cle: str) -> dt.datetime:
    """When the previous run of this page read its inbox: « mark as read » marks what was on screen, not what
    arrived since (the click's rerun reads the inbox again before its button acts)."""
    precedent = st.session_state.get(cle) or maintenant()
    st.session_state[cle] = maintenant()
    return precedent


def suivre_fiche(fiche_id: int, depuis: int | None = None) -> None:
    """Open the teacher's reading view of a fiche, comparing with version ``depuis`` when given."""
    st.session_state["fiche_suivie"] = fiche_id
    st.session_state["fiche_suivie_depuis"] = depuis
    st.switch_page("pages/enseignant_fiche.py", query_params={"fiche": str(fiche_id)})
