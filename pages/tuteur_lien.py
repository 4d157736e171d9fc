"""The tutor's page, opened by the link received from the school: no account, one student's PFMP."""

import json

import streamlit as st

from passeport.affichage import heure_locale, texte_brut
from passeport.acces import AccesRefuse
from passeport.limites import adresse_du_client
from passeport.positionnement import NIVEAUX as NIVEAUX_POSITIONNEMENT, libelle
from passeport.services import objectifs, pfmp, pieces
from passeport.services.appreciations import AppreciationInvalide
from passeport.services.fiches import LIBELLES_LIEU
from ui.commun import afficher_texte, annoncer, session, utilisateur_courant
from ui.pfmp import afficher_objectifs
from ui.pieces import lien_telechargement

# One message for a wrong, expired or revoked link: no hint which.
MESSAGE_NEUTRE = ("Ce lien ne permet pas d'accéder à un passeport. Demandez un nouveau lien à l'élève ou à "
                  "son établissement.")
NIVEAUX = {n: libelle(n) for n in NIVEAUX_POSITIONNEMENT}

st.title("Passeport professionnel — espace tuteur")
st.html('<a href="/donnees-personnelles" style="font-size:.85rem">Données personnelles</a>')
adresse = adresse_du_client(st.context.ip_address, st.context.headers)
jeton = st.query_params.get("lien", "")
with session() as s:
    acces_tuteur = pfmp.ouvrir(s, jeton, adresse=adresse)  # counts the failures of this link (never per address)
    s.commit()
if acces_tuteur is None:
    st.warning(MESSAGE_NEUTRE)
    st.stop()

st.markdown(texte_brut(f"PFMP de {acces_tuteur.eleve} chez {acces_tuteur.organisation}, du "
                       f"{acces_tuteur.date_debut:%d/%m/%Y} au {acces_tuteur.date_fin:%d/%m/%Y}."))
if not acces_tuteur.nom_tuteur:
    st.write("Bienvenue. Pour commencer, indiquez votre nom et votre fonction : ils signeront vos commentaires.")
    with st.form("presentation"):
        nom = st.text_input("Votre nom et votre fonction", placeholder="Julien Garnier, responsable des achats")
        if st.form_submit_button("Continuer", type="primary"):
            with session() as s:
                try:
                    pfmp.se_presenter(s, acces_tuteur, nom)
                    s.commit()
                except pfmp.PfmpInvalide as exc:
                    st.error(str(exc))
                else:
                    st.rerun()
    st.stop()

# The account signed in on this browser (session cookie, read by app.py), if any: the student's own session may
# read but never write the tutor's comments or report (the service refuses it).
connecte = utilisateur_courant()
if connecte is not None and connecte.eleve_id == acces_tuteur.eleve_id:
    st.warning(pfmp.ECRIT_PAR_L_ELEVE)
st.caption(texte_brut(f"Vous êtes {acces_tuteur.nom_tuteur}. Vous pouvez lire les fiches de cette PFMP, les "
                      "commenter et remplir le bilan ; vous ne pouvez pas modifier le texte de l'élève."))
with session() as s:
    versions = pfmp.fiches_du_tuteur(s, acces_tuteur)
    buts = objectifs.objectifs_pour_le_tuteur(s, acces_tuteur)
    mes_commentaires = pfmp.commentaires_du_lien(s, acces_tuteur)
    jointes = pieces.pieces_pour_tuteur(s, acces_tuteur)
    s.commit()  # the read is journaled: the student sees it
afficher_objectifs(buts)
if not versions:
    st.info("L'élève n'a pas encore écrit de fiche pour cette PFMP.")
for v in versions:
    with st.expander(texte_brut(f"{v.situation} — {v.titre}")):
        st.caption(texte_brut(f"{v.date_debut:%d/%m/%Y} · {LIBELLES_LIEU[v.lieu]} · complexité {v.complexite} · "
                              f"aléas {v.aleas}"))
        for rubrique, texte in (("Contexte", v.contexte), ("Conditions", v.conditions), ("Démarche", v.demarche),
                               ("Productions", v.productions)):
            st.markdown(f"**{rubrique}**")
            afficher_texte(texte)
        if jointes.get(v.fiche_id):
            st.markdown("**Productions jointes**")
            for p in jointes[v.fiche_id]:  # served by /piece/<id>?lien=… : only the fiches this link opens
                lien_telechargement(p.id, p.nom, p.taille, lien=jeton)
        for c in (c for c in mes_commentaires if c.fiche_id == v.fiche_id):
            with st.container(border=True):
                st.caption(f"Votre commentaire du {heure_locale(c.cree_le):%d/%m/%Y à %H:%M}"
                           + (f" (corrigé, {c.versions} versions gardées)" if c.versions > 1 else ""))
                afficher_texte(c.texte)
                if c.modifiable():
                    correction = st.text_area("Corriger (pendant 15 minutes)", value=c.texte, key=f"corriger_{c.id}")
                    if st.button("Enregistrer la correction", key=f"ok_corriger_{c.id}"):
                        try:
                            with session() as s:
                                pfmp.corriger_commentaire(s, acces_tuteur, c.id, correction)
                                s.commit()
                        except (pfmp.PfmpInvalide, AppreciationInvalide, AccesRefuse) as exc:
                            st.error(str(exc))
                        else:
                            annoncer("Commentaire corrigé : l'élève voit le nouveau texte.")
                            st.rerun()
        tour = st.session_state.get(f"tour_commentaire_{v.fiche_id}", 0)  # a fresh, empty box after sending
        commentaire = st.text_area("Votre commentaire", key=f"commentaire_{v.fiche_id}_{tour}")
        if st.button("Envoyer le commentaire", key=f"envoyer_{v.fiche_id}"):
            with session() as s:
                try:
                    pfmp.commenter(s, acces_tuteur, v.fiche_id, commentaire, connecte=connecte)
                    s.commit()
                except (pfmp.PfmpInvalide, AccesRefuse) as exc:
                    st.error(str(exc))
                else:
                    st.session_state[f"tour_commentaire_{v.fiche_id}"] = tour + 1
                    annoncer("Commentaire envoyé : l'élève le verra dans son passeport. Vous pouvez le corriger "
                             "pendant 15 minutes.")
                    st.rerun()

st.subheader("Bilan de la PFMP")
with session() as s:
    a_positionner = pfmp.situations_du_bilan(s, acces_tuteur)
    periode = s.get(pfmp.Pfmp, acces_tuteur.pfmp_id)
    deja, commentaire_deja = json.loads(periode.bilan_situations or "{}"), periode.bilan_tuteur
    rempli_le = periode.bilan_le
if rempli_le:
    st.success(f"Bilan enregistré le {heure_locale(rempli_le):%d/%m/%Y} : vous pouvez le modifier jusqu'à la fin de "
               "validité du lien.")
if not a_positionner:
    st.info("Aucune situation à positionner pour l'instant : ni fiche écrite pendant cette PFMP, ni objectif fixé. "
            "Vous pouvez déjà écrire votre appréciation générale.")
st.caption("Pour chaque situation vécue pendant la PFMP ou fixée comme objectif, indiquez où en est l'élève. "
           "Ce n'est pas une note : l'équipe pédagogique s'en sert pour préparer la suite de la formation.")
with st.form("bilan"):
    positions = {}
    for situation in a_positionner:
        origine = ", ".join(filter(None, [f"{situation.fiches} fiche(s)" if situation.fiches else "",
                                          "objectif de la PFMP" if situation.objectif else ""]))
        positions[situation.code] = st.segmented_control(
            texte_brut(f"{situation.code} — {situation.titre} ({origine})"), list(NIVEAUX), format_func=NIVEAUX.get,
            default=deja.get(situation.code), key=f"bilan_{situation.code}")
    texte = st.text_area("Appréciation générale", value=commentaire_deja, max_chars=4000)
    if st.form_submit_button("Enregistrer le bilan", type="primary"):
        with session() as s:
            try:
                pfmp.enregistrer_bilan(s, acces_tuteur, {c: n for c, n in positions.items() if n}, texte,
                                       connecte=connecte)
                s.commit()
            except (pfmp.PfmpInvalide, AccesRefuse) as exc:
                st.error(str(exc))
            else:
                st.success("Bilan enregistré. Merci ! L'équipe pédagogique le voit à côté des fiches de l'élève.")
