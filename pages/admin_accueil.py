import streamlit as st

from pages.commun import exiger_role, session
from passeport.models import Role
from passeport.services.accueil import resume_etablissement

utilisateur = exiger_role(Role.ADMIN)
st.title("Administration de l'établissement")
with session() as s:
    resume = resume_etablissement(s, utilisateur.etablissement_id)
st.write(f"{resume.nom} (UAI {resume.uai})")
colonnes = st.columns(4)
colonnes[0].metric("Divisions", resume.divisions)
for colonne, (role, libelle) in zip(colonnes[1:], [("eleve", "Élèves"), ("enseignant", "Enseignants"),
                                                   ("admin", "Administrateurs")]):
    colonne.metric(libelle, resume.comptes_par_role.get(role, 0))
