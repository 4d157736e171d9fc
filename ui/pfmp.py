"""The PFMP block shared by the student's and the teacher's pages: list, new PFMP, tutor link with QR code (teachers
only create it; the student sees that it exists), and the student's choice of the PFMP tutor a fiche is shared with."""

from __future__ import annotations

import datetime as dt
import io

import segno
import streamlit as st

from passeport.acces import AccesRefuse
from passeport.affichage import texte_brut
from passeport.models import Role
from passeport.services import fiches, objectifs, pfmp
from ui.commun import annoncer, session


def _adresse_lien(jeton: str) -> str:
    base = (st.context.url or "").split("?")[0].rstrip("/")
    racine = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
    return f"{racine}/?lien={jeton}"


def qr_png(texte: str) -> bytes:
    tampon = io.BytesIO()
    segno.make(texte, error="m").save(tampon, kind="png", scale=6, border=2)
    return tampon.getvalue()


def afficher_objectifs(buts: list[objectifs.Objectif]) -> None:
    """The goals of a PFMP as the student and the tutor read them."""
    if not buts:
        return
    st.markdown(f"**Objectifs de cette PFMP** ({len(buts)}), fixés par l'équipe pédagogique :")
    for o in buts:
        ligne = f"{o.rang}. {o.situation} — {o.titre}"
        if o.consigne:
            ligne += f" : {o.consigne}"
        st.markdown(texte_brut(ligne))


def _etat_du_lien(actif: pfmp.LienActif | None) -> str:
    if actif is None:
        return "Aucun lien actif pour le tuteur."
    qui = f"ouvert par {actif.nom_tuteur}" if actif.nom_tuteur else \
        f"prévu pour {actif.tuteur_prevu or 'le tuteur'}, pas encore ouvert"
    return (f"Lien du tuteur actif depuis le {actif.cree_le:%d/%m/%Y} ({qui}), valable jusqu'au "
            f"{actif.expire_le:%d/%m/%Y}.")


def _creer_lien(utilisateur, pfmp_id: int) -> None:
    try:
        with session() as s:
            jeton = pfmp.creer_lien(s, utilisateur, pfmp_id)
            s.commit()
    except (pfmp.PfmpInvalide, AccesRefuse) as exc:
        st.session_state[f"lien_refuse_{pfmp_id}"] = str(exc)
        st.session_state.pop(f"lien_cree_{pfmp_id}", None)
    else:
        st.session_state[f"lien_cree_{pfmp_id}"] = _adresse_lien(jeton)
        st.session_state.pop(f"lien_refuse_{pfmp_id}", None)
    st.session_state.pop(f"confirmer_lien_{pfmp_id}", None)


def _bloc_lien(utilisateur, pfmp_id: int, actif: pfmp.LienActif | None) -> None:
    """The tutor's link of one PFMP: teachers create (and print) it, after a warning when it replaces a live one;
    the student only sees that it exists, for whom and until when. Both may revoke it."""
    enseignant = utilisateur.role == Role.ENSEIGNANT
    st.caption(texte_brut(_etat_du_lien(actif)))
    colonnes = st.columns(2)
    if enseignant and colonnes[0].button("Créer un lien pour le tuteur", key=f"lien_{pfmp_id}",
                                         icon=":material/link:"):
        if actif is None:
            _creer_lien(utilisateur, pfmp_id)
            st.rerun()
        else:
            st.session_state[f"confirmer_lien_{pfmp_id}"] = True
    if actif is not None and colonnes[1].button("Révoquer le lien", key=f"revoquer_{pfmp_id}",
                                                icon=":material/link_off:"):
        with session() as s:
            n = pfmp.revoquer_lien(s, utilisateur, pfmp_id)
            s.commit()
        st.session_state.pop(f"lien_cree_{pfmp_id}", None)
        annoncer("Lien révoqué : il n'ouvre plus rien." if n else "Aucun lien actif pour cette PFMP.")
        st.rerun()
    if enseignant and st.session_state.get(f"confirmer_lien_{pfmp_id}"):
        st.warning("Un lien est déjà actif pour cette PFMP : en créer un nouveau le révoque. Le lien ou le QR code "
                   "déjà imprimé (sur la convention par exemple) n'ouvrira plus rien ; il faudra donner le nouveau "
                   "au tuteur.")
        confirmer = st.columns(2)
        if confirmer[0].button("Créer un nouveau lien et révoquer l'ancien", key=f"confirmer_{pfmp_id}",
                               type="primary"):
            _creer_lien(utilisateur, pfmp_id)
            st.rerun()
        if confirmer[1].button("Garder le lien actuel", key=f"garder_{pfmp_id}"):
            st.session_state.pop(f"confirmer_lien_{pfmp_id}", None)
            st.rerun()
    if refus := st.session_state.get(f"lien_refuse_{pfmp_id}"):
        st.error(refus)
    lien = st.session_state.get(f"lien_cree_{pfmp_id}") if enseignant else None
    if lien:
        st.success("Lien créé. Il ne sera plus affiché : copiez-le ou imprimez le QR code maintenant "
                   "(sur la convention de stage par exemple). Un nouveau lien remplace l'ancien.")
        st.code(lien, language=None)
        st.image(qr_png(lien), caption="QR code du lien", width=180)


def gerer_pfmp(utilisateur, eleve_id: int) -> None:
    with session() as s:
        periodes = [(p.id, p.organisation.nom, p.date_debut, p.date_fin, p.tuteur.nom if p.tuteur else "")
                    for p in pfmp.pfmp_de_l_eleve(s, utilisateur, eleve_id)]
        buts_par_pfmp = {p[0]: objectifs.objectifs_de_la_pfmp(s, utilisateur, p[0]) for p in periodes}
        liens = {p[0]: pfmp.lien_actif(s, utilisateur, p[0]) for p in periodes}
        s.commit()  # a teacher's read is journaled
    if not periodes:
        st.info("Aucune PFMP enregistrée.")
    for pfmp_id, organisation, debut, fin, tuteur in periodes:
        with st.container(border=True):
            st.markdown(texte_brut(f"{organisation} — du {debut:%d/%m/%Y} au {fin:%d/%m/%Y} — tuteur : {tuteur}"))
            afficher_objectifs(buts_par_pfmp[pfmp_id])
            _bloc_lien(utilisateur, pfmp_id, liens[pfmp_id])

    st.subheader("Nouvelle PFMP")
    with st.form(f"nouvelle_pfmp_{eleve_id}", clear_on_submit=True):
        organisation = st.text_input("Organisation d'accueil")
        colonnes = st.columns(2)
        debut = colonnes[0].date_input("Début", value=dt.date.today(), format="DD/MM/YYYY")
        fin = colonnes[1].date_input("Fin", value=dt.date.today() + dt.timedelta(days=25), format="DD/MM/YYYY")
        tuteur = st.text_input("Tuteur ou tutrice (nom)")
        email = st.text_input("Adresse électronique du tuteur (facultative)")
        if st.form_submit_button("Enregistrer la PFMP", type="primary"):
            with session() as s:
                try:
                    pfmp.enregistrer_pfmp(s, utilisateur, eleve_id, organisation, debut, fin, tuteur, email)
                    s.commit()
                except pfmp.PfmpInvalide as exc:
                    st.error(str(exc))
                else:
                    st.rerun()


PAS_DE_PARTAGE = 0  # the selectbox's "not shared" choice (PFMP ids start at 1)


def partage_tuteur(utilisateur, fiche_id: int, desactive: bool = False) -> None:
    """The student chooses the ONE PFMP whose tutor may also read this fiche (or none); saved at once.

    The tutor of a PFMP already reads the fiches lived there: sharing is for the others (a fiche written in class
    that the tutor should see)."""
    with session() as s:
        periodes = [(p.id, f"{p.organisation.nom} (du {p.date_debut:%d/%m/%Y} au {p.date_fin:%d/%m/%Y})")
                    for p in pfmp.pfmp_de_l_eleve(s, utilisateur, utilisateur.eleve_id)]
        actuelle = fiches.lire_fiche(s, utilisateur, fiche_id).partagee_pfmp_id or PAS_DE_PARTAGE
    if not periodes:
        st.caption("Partage avec un tuteur : enregistrez d'abord une PFMP (page « Mes PFMP »).")
        return
    libelles = {PAS_DE_PARTAGE: "Personne (non partagée)", **dict(periodes)}
    if actuelle not in libelles:
        actuelle = PAS_DE_PARTAGE
    choix = st.selectbox(
        "Partager avec le tuteur de la PFMP", list(libelles), index=list(libelles).index(actuelle),
        format_func=libelles.get, key=f"partage-{fiche_id}", disabled=desactive,
        help="Le tuteur d'une PFMP lit déjà les fiches vécues pendant cette PFMP ; partagez-lui aussi celle-ci. "
             "Les tuteurs de vos autres PFMP ne la voient pas.")
    if choix != actuelle:
        with session() as s:
            fiches.partager_avec_tuteur(s, utilisateur, fiche_id, None if choix == PAS_DE_PARTAGE else choix)
            s.commit()
        annoncer("Fiche partagée avec le tuteur de cette PFMP." if choix != PAS_DE_PARTAGE
                 else "Fiche plus partagée avec aucun tuteur.")
        st.rerun()
