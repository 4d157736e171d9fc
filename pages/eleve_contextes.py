"""Mes contextes: organisation, service, post, context and conditions saved once, reused in new fiches."""

import streamlit as st

from passeport.affichage import texte_brut
from passeport.models import Role
from passeport.services import contextes
from passeport.services.contextes import Contexte, ContexteInvalide
from ui.commun import annoncer, afficher_texte, exiger_role, session
from ui.confirmation import bouton_confirme

utilisateur = exiger_role(Role.ELEVE)
st.title("Mes contextes")
st.write("Enregistrez une fois le contexte d'un lieu où vous travaillez souvent (PFMP, service du lycée, emploi "
         "d'été) : vous le choisirez ensuite pour remplir une nouvelle fiche sans tout réécrire.")

with session() as s:
    mes_contextes = contextes.lister(s, utilisateur)
for c in mes_contextes:
    with st.container(border=True):
        st.markdown("**" + texte_brut(c.nom) + "**")
        st.caption(texte_brut(" · ".join(p for p in (c.organisation, c.service, c.poste) if p)))
        afficher_texte(contextes.texte_contexte(c))
        afficher_texte(c.conditions)
        if bouton_confirme("Supprimer", f"supprimer_contexte_{c.id}",
                           "Supprimer ce contexte ? Les fiches déjà écrites avec lui ne changent pas."):
            with session() as s:
                contextes.supprimer(s, utilisateur, c.id)
                s.commit()
            st.rerun()

st.subheader("Nouveau contexte")
with st.form("nouveau_contexte"):
    nom = st.text_input("Nom du contexte", placeholder="PFMP BIOMAG – achats")
    colonnes = st.columns(3)
    organisation = colonnes[0].text_input("Organisation", placeholder="BIOMAG, SARL de 16 salariés")
    service = colonnes[1].text_input("Service", placeholder="achats")
    poste = colonnes[2].text_input("Poste", placeholder="assistante du chef de service")
    texte = st.text_area("Contexte", placeholder="Je suis assistante du chef de service dans l'entreprise …")
    conditions = st.text_area("Conditions", placeholder="Je dispose : d'un poste informatique, du logiciel …")
    envoye = st.form_submit_button("Enregistrer ce contexte", type="primary")
if envoye:
    with session() as s:
        try:
            contextes.enregistrer(s, utilisateur, Contexte(nom, organisation, service, poste, texte, conditions))
            s.commit()
        except ContexteInvalide as exc:
            st.error(texte_brut(str(exc)))
        else:
            annoncer("Contexte enregistré.")
            st.rerun()
