"""Import of the students from the school's information system (CSV), all or nothing."""

import pandas as pd
import streamlit as st

from passeport.affichage import texte_brut
from passeport.csvio import FichierInvalide
from passeport.models import Etablissement, Role
from passeport.services import administration
from passeport.services.imports import importer_eleves
from passeport.services.pieces import TAILLE_MAX_MO
from ui.commun import exiger_role, session

utilisateur = exiger_role(Role.ADMIN)
st.title("Élèves")
st.page_link("pages/admin_annee.py", icon=":material/event_repeat:",
             label="À la rentrée, importez plutôt les fichiers XML de SIECLE et de STS-web : page Année scolaire")
st.write("Importez la liste des élèves exportée du logiciel de scolarité, au format CSV (UTF-8, séparateur « ; » "
         "ou « , »). Colonnes : `identifiant;nom;prenom;division`, et si vous les avez `niveau;annee_scolaire;"
         "referentiel;email`. Les en-têtes NOM, PRENOM, DIVISION, INE d'un export CSV sont reconnus.")
fichier = st.file_uploader("Fichier des élèves (CSV)", key="fichier_eleves", max_upload_size=TAILLE_MAX_MO)
desactiver = st.checkbox(
    "Désactiver les élèves des divisions du fichier qui n'y figurent plus (départs). Ils ne sont jamais supprimés : "
    "leur passeport est conservé.", key="desactiver_absents")
if fichier is not None:
    st.caption(texte_brut(f"Fichier prêt à importer : {fichier.name}"))
if fichier is not None and st.button("Importer", type="primary", key="importer_eleves"):
    with session() as s:
        try:
            etablissement = s.get(Etablissement, utilisateur.etablissement_id)
            administration.exiger_admin_de(utilisateur, etablissement.id)
            bilan = importer_eleves(s, utilisateur, fichier.getvalue(), etablissement, desactiver_absents=desactiver)
            s.commit()
        except FichierInvalide as exc:
            s.rollback()
            st.error(f"Import refusé : rien n'a été enregistré. {len(exc.erreurs)} problème(s) à corriger dans le "
                     "fichier :")
            st.code("\n".join(exc.erreurs), language=None)
        else:
            st.success(texte_brut(bilan.resume("élève")))

with session() as s:
    divisions = administration.divisions(s, utilisateur)
if divisions:
    st.subheader("Divisions")
    st.dataframe(pd.DataFrame([(d.nom, d.niveau, d.annee_scolaire, d.referentiel, d.eleves) for d in divisions],
                              columns=["Division", "Niveau", "Année scolaire", "Référentiel", "Élèves actifs"]),
                 hide_index=True)
