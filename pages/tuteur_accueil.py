import pandas as pd
import streamlit as st

from passeport.models import Role
from passeport.services.accueil import pfmp_du_tuteur
from ui.commun import exiger_role, session

utilisateur = exiger_role(Role.TUTEUR)
st.title(f"Bonjour {utilisateur.nom_complet}")
st.subheader("Les élèves que vous accueillez en PFMP")
with session() as s:
    lignes = pfmp_du_tuteur(s, utilisateur)
if not lignes:
    st.info("Aucune PFMP ne vous est associée pour le moment.")
else:
    st.table(
        pd.DataFrame([(l.eleve, l.organisation, l.date_debut, l.date_fin) for l in lignes],
                     columns=["Élève", "Organisation", "Début", "Fin"]).set_index("Élève")
    )
