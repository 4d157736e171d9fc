"""The browser side of drafts: a small script (garde_texte.js) that keeps every keystroke of the fiche form.

Mounted on every page of a signed-in student: on the fiche page it watches the text fields of the draft being
written; elsewhere it only sends what was typed and not yet sent (after a cut, or a new sign-in) and shows the
French message when the connection is lost.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from passeport.services.brouillons import CHAMPS_TEXTE
from passeport.services.comptes import Utilisateur

_COMPOSANT = st.components.v2.component(
    "passeport_garde_texte", js=(Path(__file__).with_name("garde_texte.js")).read_text(encoding="utf-8"),
)
# Streamlit widget key -> draft field (the form's widgets are keyed f_<field>, see ui/formulaire_fiche.py).
CHAMPS_SUIVIS = {f"f_{nom}": nom for nom in CHAMPS_TEXTE}


def garder_le_texte(utilisateur: Utilisateur, cle: str | None = None, fiche_id: int | None = None,
                    chargement: str = "", sur_rechargement=None) -> None:
    """Mount the script. ``cle``: the draft being written on this page (None: nothing to watch here).

    ``chargement`` changes each time the page puts values into the fields, so that the script checks they did
    not miss text typed in this browser before; if they did, it sends that text and calls ``sur_rechargement``
    (the page then loads the draft again)."""
    _COMPOSANT(
        key="garde_texte", height=0,
        data={"compte": utilisateur.compte_id, "cle": cle, "fiche_id": fiche_id,
              "chargement": chargement, "champs": CHAMPS_SUIVIS if cle else {}},
        on_recharger_change=sur_rechargement or (lambda: None),
    )
