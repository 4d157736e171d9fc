"""Entry point: page config, référentiel check, the signed-in user (session cookie), the pages of their role."""

import streamlit as st

from passeport import referentiel
from passeport.models import Role
from passeport.services import nouveautes, sessions
from passeport.web import COOKIE
from ui.commun import afficher_annonces, bouton_deconnexion, lien_bouton, session
from ui.erreurs import executer, valider_si_possible
from ui.francais import traduire_le_cadre
from ui.style import style_telephone
from ui.garde_texte import garder_le_texte

st.set_page_config(page_title="Passeport professionnel", page_icon=":material/menu_book:", layout="wide")
style_telephone()  # 44 px touch targets, « Enregistrer » kept in reach on a phone
traduire_le_cadre()  # the framework's English texts in French

try:
    referentiel.verifier_tous()
except referentiel.ReferentielInvalide as exc:
    st.error(f"Le fichier du référentiel {exc.chemin.name} est invalide : l'application ne peut pas démarrer.")
    st.code("\n".join(exc.erreurs), language=None)
    st.stop()

# The cookie set by /connexion; tests (AppTest has no cookies) hand a token through the session state instead.
cookie = st.context.cookies.get(COOKIE)
jeton = (cookie if isinstance(cookie, str) else None) or st.session_state.get("jeton")
with session() as s, s.no_autoflush:
    utilisateur = sessions.utilisateur(s, jeton)
    valider_si_possible(s)  # last-seen time; a read-only or full store still lets everyone read
if utilisateur is not None:
    st.session_state["utilisateur_precedent"] = utilisateur  # who this browser session was, once it has ended
st.session_state["utilisateur"] = utilisateur


def titre_nouveautes() -> str:
    """« Nouveautés (3) »: the count on the navigation, recomputed at each rerun."""
    with session() as s:
        if utilisateur.role == Role.ENSEIGNANT:
            nombre = nouveautes.nombre_de_fiches_nouvelles(s, utilisateur)
        else:
            nombre = nouveautes.nombre_pour_l_eleve(s, utilisateur)
    return f"Nouveautés ({nombre})" if nombre else "Nouveautés"


def garder_le_formulaire() -> str | None:
    """The session ended while this browser was writing a fiche: keep what it holds as a draft (never a fiche).

    Return the draft's key, or None when there was no form open or the ended session was not this student's."""
    ancien = st.session_state.get("utilisateur_precedent")
    cle = st.session_state.get("formulaire_charge")
    if ancien is None or ancien.role != Role.ELEVE or not cle or "brouillon_vu" not in st.session_state:
        return None
    from passeport.acces import AccesRefuse
    from passeport.services import brouillons
    from ui.formulaire_fiche import champs_courants

    try:
        with session() as s:
            brouillons.brouillon_apres_fin_de_session(s, ancien, jeton, cle, champs_courants(),
                                                      st.session_state.get("fiche_ouverte"))
            s.commit()
    except (AccesRefuse, brouillons.BrouillonRefuse, brouillons.BrouillonIntrouvable):
        return None
    return cle


def pas_connecte() -> None:
    st.title("Passeport professionnel numérique")
    cle = garder_le_formulaire() if jeton else None
    if cle:
        st.warning("Votre session a pris fin avant l'enregistrement. **Votre texte est gardé dans vos brouillons** : "
                   "reconnectez-vous, il s'ouvrira pour que vous le publiiez.", icon=":material/history_edu:")
        lien_bouton("Se reconnecter", f"/connexion?suite=/eleve_fiche%3Fbrouillon%3D{cle}", principal=True)
        return
    if jeton:
        st.info("Votre session a pris fin (déconnexion ou inactivité) : reconnectez-vous.")
    lien_bouton("Se connecter", "/connexion", principal=True)
    st.html('<a href="/donnees-personnelles" style="font-size:.85rem">Données personnelles</a>')


def pages_du_role(role: Role) -> list:
    """The navigation of a role; the Nouveautés entry carries its count."""
    if role == Role.ELEVE and utilisateur.lecture_seule:  # a former student: read and take away, nothing else
        return [
            st.Page("pages/eleve_accueil.py", title="Mon passeport", icon=":material/menu_book:", default=True),
            st.Page("pages/eleve_extraits.py", title="Mes extraits", icon=":material/ios_share:"),
            st.Page("pages/eleve_consultations.py", title="Qui a vu mon passeport", icon=":material/visibility:"),
        ]
    if role == Role.ELEVE:
        return [
            st.Page("pages/eleve_accueil.py", title="Mon passeport", icon=":material/menu_book:", default=True),
            st.Page("pages/eleve_extraits.py", title="Mes extraits", icon=":material/ios_share:"),
            st.Page("pages/eleve_nouveautes.py", title=titre_nouveautes(), icon=":material/notifications:"),
            st.Page("pages/eleve_fiche.py", title="Fiche en cours", icon=":material/edit_note:"),
            st.Page("pages/eleve_poste.py", title="Poste de travail", icon=":material/work:"),
            st.Page("pages/eleve_contextes.py", title="Mes contextes", icon=":material/bookmarks:"),
            st.Page("pages/eleve_pfmp.py", title="Mes PFMP", icon=":material/apartment:"),
            st.Page("pages/eleve_ccf.py", title="Mon CCF", icon=":material/workspace_premium:"),
            st.Page("pages/eleve_consultations.py", title="Qui a vu mon passeport", icon=":material/visibility:"),
        ]
    if role == Role.ENSEIGNANT:
        return [
            st.Page("pages/enseignant_accueil.py", title="Mes divisions", icon=":material/groups:", default=True),
            st.Page("pages/enseignant_nouveautes.py", title=titre_nouveautes(), icon=":material/notifications:"),
            st.Page("pages/enseignant_classe.py", title="Tableau de bord", icon=":material/grid_on:"),
            st.Page("pages/enseignant_eleve.py", title="Profil d'un élève", icon=":material/person_search:"),
            st.Page("pages/enseignant_fiche.py", title="Suivi d'une fiche", icon=":material/rate_review:"),
            st.Page("pages/enseignant_ecrits.py", title="Écrits de la division", icon=":material/edit_document:"),
            st.Page("pages/enseignant_pfmp.py", title="PFMP", icon=":material/apartment:"),
            st.Page("pages/enseignant_ccf.py", title="Réunion CCF", icon=":material/gavel:"),
            st.Page("pages/enseignant_referentiel.py", title="Référentiel de l'équipe", icon=":material/checklist:"),
        ]
    if role == Role.TUTEUR:
        return [st.Page("pages/tuteur_accueil.py", title="Mes stagiaires", icon=":material/handshake:", default=True)]
    return [
        st.Page("pages/admin_accueil.py", title="Établissement", icon=":material/settings:", default=True),
        st.Page("pages/admin_eleves.py", title="Élèves", icon=":material/upload_file:"),
        st.Page("pages/admin_annee.py", title="Année scolaire", icon=":material/event_repeat:"),
        st.Page("pages/admin_equipe.py", title="Équipe et divisions", icon=":material/diversity_3:"),
        st.Page("pages/admin_comptes.py", title="Comptes", icon=":material/key:"),
        st.Page("pages/admin_consultation.py", title="Consulter un passeport", icon=":material/policy:"),
        st.Page("pages/admin_referentiel.py", title="Référentiel de l'équipe", icon=":material/checklist:"),
    ]


if "lien" in st.query_params:  # a tutor's link: no account needed, nothing else reachable
    navigation = st.navigation([st.Page("pages/tuteur_lien.py", title="Espace tuteur")], position="hidden")
elif utilisateur is None:
    navigation = st.navigation([st.Page(pas_connecte, title="Connexion", icon=":material/login:")], position="hidden")
elif utilisateur.doit_changer_mot_de_passe:
    navigation = st.navigation([st.Page("pages/mot_de_passe.py", title="Mot de passe", icon=":material/key:")],
                               position="hidden")
else:
    with st.sidebar:
        st.caption(f"Connecté·e : {utilisateur.nom_complet}")
        bouton_deconnexion()  # a POST form: a GET of /deconnexion signs nobody out
        st.html('<a href="/donnees-personnelles" style="font-size:.85rem">Données personnelles</a>')
    navigation = st.navigation(pages_du_role(utilisateur.role))
    if utilisateur.role == Role.ELEVE and not utilisateur.lecture_seule and navigation.url_path != "eleve_fiche":
        garder_le_texte(utilisateur)  # sends what was typed and not yet sent; the fiche page mounts its own
afficher_annonces()
executer(navigation)  # an unexpected error: a French message with a reference, never a traceback
