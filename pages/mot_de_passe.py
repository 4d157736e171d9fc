"""Choosing a new password: required at first sign-in, before anything else."""

import streamlit as st

from passeport.services.comptes import LONGUEUR_MIN, MotDePasseRefuse, changer_mot_de_passe
from passeport.web import COOKIE
from ui.commun import annoncer, exiger_connexion, session

utilisateur = exiger_connexion()
st.title("Choisissez votre mot de passe")
st.write(f"Bienvenue {utilisateur.nom_complet}. Le mot de passe reçu de l'établissement ne sert qu'une fois : "
         f"choisissez le vôtre, d'au moins {LONGUEUR_MIN} caractères. Une petite phrase de quelques mots "
         "(par exemple « mon chat aime la pluie ») est facile à retenir et difficile à deviner.")
# The fields are emptied after each try: no password stays on screen or in the page state.
with st.form("mot_de_passe", clear_on_submit=True):
    actuel = st.text_input("Mot de passe reçu", type="password")
    nouveau = st.text_input("Nouveau mot de passe", type="password")
    confirmation = st.text_input("Nouveau mot de passe, encore une fois", type="password")
    envoye = st.form_submit_button("Enregistrer mon mot de passe", type="primary")
if envoye:
    with session() as s:
        try:
            # Every other session of the account ends; this browser's (cookie, or the tests' token) stays open.
            cookie = st.context.cookies.get(COOKIE)
            jeton = (cookie if isinstance(cookie, str) else None) or st.session_state.get("jeton")
            changer_mot_de_passe(s, utilisateur, actuel, nouveau, confirmation, jeton_garde=jeton)
            s.commit()
        except MotDePasseRefuse as exc:
            st.error(str(exc))
        else:
            annoncer("Mot de passe enregistré.")
            st.rerun()
