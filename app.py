"""Entry point: page config, référentiel check, sign-in, then the pages of the account's role."""

import streamlit as st

from pages.commun import afficher_annonces, session, utilisateur_courant
from passeport import referentiel
from passeport.models import Role
from passeport.services.comptes import ConnexionRefusee, authentifier

st.set_page_config(page_title="Passeport professionnel", page_icon=":material/menu_book:", layout="wide")

try:
    referentiel.verifier_tous()
except referentiel.ReferentielInvalide as exc:
    st.error(f"Le fichier du référentiel {exc.chemin.name} est invalide : l'application ne peut pas démarrer.")
    st.code("\n".join(exc.erreurs), language=None)
    st.stop()


def connexion() -> None:
    st.title("Passeport professionnel numérique")
    st.write("Connectez-vous avec l'identifiant et le mot de passe donnés par votre établissement.")
    with st.form("connexion"):
        login = st.text_input("Identifiant", key="login")
        mot_de_passe = st.text_input("Mot de passe", type="password")
        envoye = st.form_submit_button("Se connecter", type="primary")
    if envoye:
        with session() as s:
            try:
                utilisateur = authentifier(s, login, mot_de_passe)
            except ConnexionRefusee as exc:
                utilisateur = None
                st.error(exc.message)
            s.commit()  # the journal keeps refused attempts too
        if utilisateur is not None:
            st.session_state["utilisateur"] = utilisateur
            st.rerun()


PAGES_PAR_ROLE = {
    Role.ELEVE: [
        st.Page("pages/eleve_accueil.py", title="Mon passeport", icon=":material/menu_book:", default=True),
        st.Page("pages/eleve_fiche.py", title="Fiche en cours", icon=":material/edit_note:"),
        st.Page("pages/eleve_poste.py", title="Poste de travail", icon=":material/work:"),
        st.Page("pages/eleve_contextes.py", title="Mes contextes", icon=":material/bookmarks:"),
    ],
    Role.ENSEIGNANT: [st.Page("pages/enseignant_accueil.py", title="Mes divisions", icon=":material/groups:", default=True)],
    Role.TUTEUR: [st.Page("pages/tuteur_accueil.py", title="Mes stagiaires", icon=":material/handshake:", default=True)],
    Role.ADMIN: [st.Page("pages/admin_accueil.py", title="Établissement", icon=":material/settings:", default=True)],
}

utilisateur = utilisateur_courant()
if utilisateur is None:
    navigation = st.navigation([st.Page(connexion, title="Connexion", icon=":material/login:")], position="hidden")
else:
    with st.sidebar:
        st.caption(f"Connecté·e : {utilisateur.nom_complet}")
        if st.button("Se déconnecter", key="deconnexion", icon=":material/logout:"):
            st.session_state.clear()
            st.rerun()
    navigation = st.navigation(PAGES_PAR_ROLE[utilisateur.role])
afficher_annonces()
navigation.run()
