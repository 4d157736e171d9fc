"""The student's inbox: new appréciations (from teachers and tutors) and new PFMP goals."""

import streamlit as st

from passeport.affichage import texte_brut
from passeport.models import Role
from passeport.services import nouveautes
from ui.commun import annoncer, exiger_role, ouvrir_fiche, session
from ui.pfmp import afficher_objectifs
from ui.suivi import ligne_appreciation, lue_au_passage_precedent

utilisateur = exiger_role(Role.ELEVE)
st.title("Mes nouveautés")
vue_le = lue_au_passage_precedent("nouveautes_eleve_lues_le")
with session() as s:
    boite = nouveautes.pour_l_eleve(s, utilisateur)

if not boite.nombre:
    st.success("Rien de nouveau : vous avez tout lu.")
    st.page_link("pages/eleve_accueil.py", label="Toutes mes appréciations sont dans « Mon passeport »",
                 icon=":material/menu_book:")
    st.stop()

if boite.appreciations:
    st.subheader(f"Nouvelles appréciations ({len(boite.appreciations)})")
    # One compact row an appréciation (who, when, on what, then the text): many fit on a screen.
    with st.container(key="nouveautes_eleve", gap=None):
        for a in boite.appreciations:
            if ligne_appreciation(a, ouvrir=True):
                ouvrir_fiche(a.fiche_id)

for periode, buts in boite.objectifs:
    st.subheader("Nouveaux objectifs de PFMP")
    st.markdown(texte_brut(periode))
    afficher_objectifs(buts)

if st.button("Marquer tout comme lu", type="primary", icon=":material/done_all:", key="nouveautes_lues"):
    with session() as s:
        nouveautes.marquer_vues(s, utilisateur, vue_le)
        s.commit()
    annoncer("C'est noté : ces nouveautés restent dans votre passeport.")
    st.rerun()
