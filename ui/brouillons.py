"""The student's "Brouillons" list: fiches being written and not yet published, each reopened by a tap."""

from __future__ import annotations

import streamlit as st

from passeport.affichage import heure_locale, texte_brut
from passeport.services import brouillons
from passeport.services.comptes import Utilisateur
from ui.commun import ouvrir_fiche, session


def liste_des_brouillons(utilisateur: Utilisateur) -> None:
    """Draw the drafts (nothing when there is none); a tap on one reopens it exactly as it was left."""
    with session() as s:
        mes_brouillons = brouillons.lister(s, utilisateur)
    if not mes_brouillons:
        return
    st.subheader(f"Brouillons ({len(mes_brouillons)})")
    st.caption("Gardés automatiquement pendant que vous écrivez, visibles de vous seul·e. Une fiche compte dans "
               "votre passeport quand vous l'enregistrez.")
    for b in mes_brouillons:
        quoi = " — ".join(p for p in (b.situation, b.titre.strip() or "Sans titre") if p)
        quand = f"modifié le {heure_locale(b.modifie_le):%d/%m/%Y à %H:%M}"
        debut = f" · {b.debut_du_texte[:70]}…" if len(b.debut_du_texte) > 70 else \
            f" · {b.debut_du_texte}" if b.debut_du_texte else ""
        # A button's label is markdown: the student's words are escaped to be shown as written.
        libelle = f"{quoi} ({'modification d’une fiche, ' if b.fiche_id else ''}{quand}){debut}"
        if st.button(texte_brut(libelle),
                     key=f"brouillon_{b.cle}", icon=":material/edit_note:", width="stretch"):
            ouvrir_fiche(b.fiche_id, b.cle)
