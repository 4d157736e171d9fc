import pandas as pd
import streamlit as st

from passeport.models import Role
from passeport.services.accueil import divisions_enseignant
from ui.commun import exiger_role, session

utilisateur = exiger_role(Role.ENSEIGNANT)
st.title(f"Bonjour {utilisateur.nom_complet}")
st.subheader("Mes divisions")
with session() as s:
    lignes = divisions_enseignant(s, utilisateur)
if not lignes:
    st.info("Aucune division ne vous est encore attribuée : demandez à l'administrateur de l'établissement.")
else:
    st.table(
        pd.DataFrame(
            [(l.division, l.niveau, l.annee_scolaire, l.referentiel, l.eleves, l.fiches) for l in lignes],
            columns=["Division", "Niveau", "Année scolaire", "Référentiel", "Élèves", "Fiches"],
        ).set_index("Division")
    )
    st.page_link("pages/enseignant_nouveautes.py", label="Nouveautés : les fiches écrites ou réécrites depuis votre "
                 "dernière visite", icon=":material/notifications:")
    st.page_link("pages/enseignant_classe.py", label="Tableau de bord de la classe : couverture, synthèse",
                 icon=":material/grid_on:")
    st.page_link("pages/enseignant_eleve.py", label="Profil d'un élève et objectifs de sa prochaine PFMP",
                 icon=":material/person_search:")
    st.page_link("pages/enseignant_ecrits.py", label="Écrits de la division : indicateurs d'écriture, notes aux élèves",
                 icon=":material/edit_document:")
