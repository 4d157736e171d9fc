"""The PFMP block shared by the student's and the teacher's pages: list, new PFMP, tutor link with QR code."""

from __future__ import annotations

import datetime as dt
import io

import segno
import streamlit as st

from passeport.affichage import texte_brut
from passeport.services import objectifs, pfmp
from ui.commun import session


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


def gerer_pfmp(utilisateur, eleve_id: int) -> None:
    with session() as s:
        periodes = [(p.id, p.organisation.nom, p.date_debut, p.date_fin, p.tuteur.nom if p.tuteur else "")
                    for p in pfmp.pfmp_de_l_eleve(s, utilisateur, eleve_id)]
        buts_par_pfmp = {p[0]: objectifs.objectifs_de_la_pfmp(s, utilisateur, p[0]) for p in periodes}
        s.commit()  # a teacher's read is journaled
    if not periodes:
        st.info("Aucune PFMP enregistrée.")
    for pfmp_id, organisation, debut, fin, tuteur in periodes:
        with st.container(border=True):
            st.markdown(texte_brut(f"{organisation} — du {debut:%d/%m/%Y} au {fin:%d/%m/%Y} — tuteur : {tuteur}"))
            afficher_objectifs(buts_par_pfmp[pfmp_id])
            colonnes = st.columns(2)
            if colonnes[0].button("Créer un lien pour le tuteur", key=f"lien_{pfmp_id}", icon=":material/link:"):
                with session() as s:
                    jeton = pfmp.creer_lien(s, utilisateur, pfmp_id)
                    s.commit()
                st.session_state[f"lien_cree_{pfmp_id}"] = _adresse_lien(jeton)
            if colonnes[1].button("Révoquer le lien", key=f"revoquer_{pfmp_id}", icon=":material/link_off:"):
                with session() as s:
                    n = pfmp.revoquer_lien(s, utilisateur, pfmp_id)
                    s.commit()
                st.session_state.pop(f"lien_cree_{pfmp_id}", None)
                st.success("Lien révoqué : il n'ouvre plus rien." if n else "Aucun lien actif pour cette PFMP.")
            lien = st.session_state.get(f"lien_cree_{pfmp_id}")
            if lien:
                st.success("Lien créé. Il ne sera plus affiché : copiez-le ou imprimez le QR code maintenant "
                           "(sur la convention de stage par exemple). Un nouveau lien remplace l'ancien.")
                st.code(lien, language=None)
                st.image(qr_png(lien), caption="QR code du lien", width=180)

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
