"""Blocks shared by the follow-up pages: positionnement badges, appréciation cards, opening a fiche to follow."""

from __future__ import annotations

import datetime as dt
from html import escape

import streamlit as st

from passeport.affichage import heure_locale, texte_brut
from passeport.models import maintenant
from passeport.positionnement import COULEURS, ENCRES, NIVEAUX
from passeport.services.appreciations import GENRES
from ui.commun import afficher_texte


def badge_niveau(niveau: int, suite: str = "") -> None:
    """A level in its Cerise Pro colour; ``suite`` (a name, a date) is escaped."""
    st.html(f'<span style="display:inline-block;padding:.15rem .6rem;border-radius:1rem;background:{COULEURS[niveau]};'
            f'color:{ENCRES[niveau]};font-weight:600;font-size:.9rem">{niveau} — {NIVEAUX[niveau]}</span>'
            f'<span style="font-size:.85rem;color:#555"> {escape(suite)}</span>')


def carte_appreciation(a, nouvelle: bool = False) -> None:
    """One appréciation as the student and the teachers read it: author, where from, kind, text shown as text."""
    with st.container(border=True):
        origine = "depuis l'entreprise (tuteur)" if a.du_tuteur else "enseignant·e"
        sujet = f"sur la fiche « {a.fiche_titre} »" if a.fiche_id else "sur l'ensemble du passeport"
        entete = f"{heure_locale(a.cree_le):%d/%m/%Y %H:%M} · {a.auteur} · {origine} · {sujet}"
        if a.genre:
            entete += f" · {GENRES[a.genre]}"
        if a.versions > 1:
            entete += f" · corrigée ({a.versions} versions)"
        if a.suite_de_id:
            entete += " · suite d'une appréciation précédente"
        if nouvelle:
            st.markdown("**:red[Nouveau]**")
        st.caption(texte_brut(entete))
        afficher_texte(a.texte)


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
