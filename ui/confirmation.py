"""A delete button that asks first: nothing is removed by a single tap on a phone.

The first tap replaces the button, at the same place, by the question with « Oui, … » and « Annuler »; the
caller acts only when ``bouton_confirme`` returns True (then, usually, st.rerun())."""

from __future__ import annotations

import streamlit as st


def _attendre(cle: str, valeur: bool) -> None:
    st.session_state[f"_confirmer_{cle}"] = valeur


def bouton_confirme(libelle: str, cle: str, question: str, oui: str | None = None,
                    icone: str = ":material/delete:", desactive: bool = False) -> bool:
    """True once the student has tapped ``libelle`` then confirmed ``question``.

    ``cle`` is the button's Streamlit key (its container gets the class ``st-key-<cle>``); the confirmation buttons
    are keyed ``<cle>_oui`` and ``<cle>_annuler``. ``oui`` is the confirming label (default « Oui, <libelle> »)."""
    attente = f"_confirmer_{cle}"
    if not st.session_state.get(attente):
        st.button(libelle, key=cle, icon=icone, disabled=desactive, on_click=_attendre, args=(cle, True))
        return False
    with st.container(border=True, key=f"{cle}_question"):
        st.warning(question, icon=":material/help:")
        colonnes = st.columns(2)
        confirme = colonnes[0].button(oui or f"Oui, {libelle[0].lower()}{libelle[1:]}", key=f"{cle}_oui",
                                      type="primary", icon=icone)
        colonnes[1].button("Annuler", key=f"{cle}_annuler", icon=":material/undo:", on_click=_attendre,
                           args=(cle, False))
    if confirme:
        st.session_state.pop(attente, None)
    return confirme
