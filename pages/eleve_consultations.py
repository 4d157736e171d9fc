"""Who read my passport: every read by someone other than the student is journaled and shown here."""

import pandas as pd
import streamlit as st

from passeport.affichage import heure_locale
from passeport.models import Role
from passeport.services.audit import consultations_de_mon_passeport
from ui.commun import exiger_role, session

utilisateur = exiger_role(Role.ELEVE)
st.title("Qui a vu mon passeport")
st.write("Chaque fois qu'une autre personne que vous (enseignant, tuteur, administration) ouvre votre passeport, "
         "qu'un tuteur lit vos fiches ou remplit le bilan de PFMP par son lien, ou qu'un de vos liens de partage "
         "d'extrait est ouvert, c'est noté ici. Une question ? Parlez-en à votre "
         "professeur principal.")
with session() as s:
    consultations = consultations_de_mon_passeport(s, utilisateur)
if not consultations:
    st.info("Personne d'autre que vous n'a encore consulté votre passeport.")
else:
    st.dataframe(pd.DataFrame([(heure_locale(c.quand).strftime("%d/%m/%Y %H:%M"), c.qui, c.role, c.quoi)
                               for c in consultations], columns=["Quand", "Qui", "Rôle", "Quoi"]), hide_index=True)
