"""Accounts: first passwords of a division (PDF sheet to hand out), reset of one account."""

import streamlit as st

from passeport.affichage import texte_brut
from passeport.documents.identifiants import pdf_identifiants
from passeport.models import Role
from passeport.services import administration
from passeport.services.accueil import resume_etablissement
from ui.commun import adresse_de_connexion, exiger_role, session

utilisateur = exiger_role(Role.ADMIN)
with session() as s:
    divisions = administration.divisions(s, utilisateur)
    etablissement = resume_etablissement(s, utilisateur)
adresse = adresse_de_connexion()

st.title("Comptes")
st.subheader("Premiers mots de passe d'une division")
st.write("Chaque élève actif de la division reçoit un mot de passe provisoire, imprimé sur une feuille à découper. "
         "À sa première connexion, l'élève choisit le sien. Les mots de passe ne sont jamais conservés en clair : "
         "gardez la feuille jusqu'à la distribution, puis détruisez-la.")
if not divisions:
    st.info("Aucune division : importez d'abord les élèves.")
else:
    division = st.selectbox("Division", divisions, key="division_mdp",
                            format_func=lambda d: f"{d.nom} ({d.annee_scolaire}) — {d.eleves} élève(s)")
    confirme = st.checkbox("Je comprends que les mots de passe actuels des élèves de cette division seront remplacés.",
                           key="confirme_mdp")
    if st.button("Créer les mots de passe et la feuille à imprimer", type="primary", disabled=not confirme,
                 key="creer_mdp"):
        with session() as s:
            identifiants = administration.premiers_mots_de_passe(s, utilisateur, division.id)
            s.commit()
        st.session_state["feuille_mdp"] = (
            f"mots-de-passe-{division.nom}.pdf",
            pdf_identifiants(etablissement.nom, division.nom, adresse, identifiants), len(identifiants),
        )
    if "feuille_mdp" in st.session_state:
        nom, pdf, n = st.session_state["feuille_mdp"]
        st.success(f"{n} mot(s) de passe créé(s). Téléchargez la feuille maintenant : elle ne pourra pas être "
                   "refaite sans créer de nouveaux mots de passe.")
        st.download_button("Télécharger la feuille (PDF)", pdf, file_name=nom, mime="application/pdf",
                           icon=":material/download:", key="telecharger_mdp")

st.subheader("Réinitialiser le mot de passe d'un compte")
texte = st.text_input("Identifiant ou nom", key="recherche_compte", placeholder="lea.moreau")
if texte.strip():
    with session() as s:
        trouves = administration.chercher_comptes(s, utilisateur, texte)
    if not trouves:
        st.caption("Aucun compte ne correspond.")
    for compte in trouves:
        ligne = st.columns([3, 1])
        ligne[0].markdown(texte_brut(f"{compte.login} — {compte.prenom} {compte.nom} ({compte.role.value})"))
        if ligne[1].button("Nouveau mot de passe", key=f"reinitialiser_{compte.id}"):
            with session() as s:
                nouveaux = administration.reinitialiser_mot_de_passe(s, utilisateur, compte.id)
                s.commit()
            st.info(f"Mot de passe provisoire de {nouveaux.login} : {nouveaux.mot_de_passe} — à changer à la "
                    "prochaine connexion. Il ne sera plus affiché.")
