"""My PFMP: record them and give my tutor a link to read and comment on my fiches."""

import streamlit as st

from passeport.models import Role
from ui.commun import exiger_role
from ui.pfmp import gerer_pfmp

utilisateur = exiger_role(Role.ELEVE)
st.title("Mes PFMP")
st.write("Votre tuteur lit et commente, par un lien, les fiches de sa PFMP et celles que vous partagez avec lui "
         "(depuis la fiche). Ce lien, votre professeur le crée et l'imprime pour le tuteur : vous voyez ici s'il "
         "existe, pour qui et jusqu'à quand, et vous pouvez le révoquer.")
gerer_pfmp(utilisateur, utilisateur.eleve_id)
