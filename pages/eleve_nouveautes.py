"""The student's inbox: new appréciations (from teachers and tutors) and new PFMP goals."""

import streamlit as st

from passeport.affichage import texte_brut
from passeport.models import Role
from passeport.services import nouveautes
from ui.commun import annoncer, exiger_role, ouvrir_fiche, session
from ui.pfmp import afficher_objectifs
from ui.suivi import carte_appreciation, lue_au_passage_precedent

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
    for a in boite.appreciations:
        carte_appreciation(a, nouvelle=True)
        if a.fiche_id and st.button("Ouvrir la fiche", key=f"ouvrir_{a.id}", icon=":material/open_in_new:"):
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
