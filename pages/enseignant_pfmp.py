"""PFMP of the students of my divisions, and the links for their tutors."""

import streamlit as st

from passeport.models import Role
from passeport.services.accueil import eleves_de_mes_divisions
from ui.commun import exiger_role, session
from ui.pfmp import gerer_pfmp

utilisateur = exiger_role(Role.ENSEIGNANT)
st.title("PFMP des élèves")
with session() as s:
    eleves = eleves_de_mes_divisions(s, utilisateur)
if not eleves:
    st.info("Aucun élève dans vos divisions.")
    st.stop()
eleve = st.selectbox("Élève", eleves, format_func=lambda e: f"{e.division} — {e.nom_complet}", key="eleve_pfmp")
gerer_pfmp(utilisateur, eleve.eleve_id)
