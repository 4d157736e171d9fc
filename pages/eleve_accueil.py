import streamlit as st

from pages.commun import exiger_role, session
from passeport.models import Role
from passeport.services.accueil import resume_passeport
from passeport.statut import LIBELLES, Statut

utilisateur = exiger_role(Role.ELEVE)
st.title("Mon passeport")
with session() as s:
    resume = resume_passeport(s, utilisateur.compte_id)
st.write(f"{utilisateur.nom_complet} · division {resume.division} · référentiel {resume.referentiel}")
colonnes = st.columns(5)
colonnes[0].metric("Fiches", resume.fiches)
for colonne, code in zip(colonnes[1:], [Statut.EVALUABLE, Statut.REPETEE, Statut.UNE_FOIS, Statut.NON_TRAVERSEE]):
    colonne.metric(LIBELLES[code], f"{resume.par_statut[code]} / {resume.situations}")
