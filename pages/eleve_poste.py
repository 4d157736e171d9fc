"""Poste de travail: one workstation assignment, several fiches created at once, each completed later."""

import datetime as dt

import streamlit as st

from passeport.affichage import cherchable, texte_brut
from passeport.models import Lieu, Nature, Role
from passeport.services import brouillons, contextes, fiches
from passeport.services.contextes import texte_contexte
from passeport.services.fiches import LIBELLES_LIEU, LIBELLES_NATURE
from ui.commun import exiger_role, ouvrir_fiche, session

utilisateur = exiger_role(Role.ELEVE)
with session() as s:
    ref = fiches.referentiel_de_l_eleve(s, utilisateur.eleve_id)
    mes_contextes = contextes.lister(s, utilisateur)

st.title("Poste de travail")
st.write("Sur un même poste (par exemple gestionnaire des achats), vous vivez plusieurs situations. Décrivez le "
         "poste une fois : un brouillon de fiche est commencé pour chaque situation choisie, avec ce contexte. Vous compléterez "
         "ensuite chaque fiche (démarche, complexité, aléas).")

if mes_contextes:
    choix = st.selectbox("Partir d'un de mes contextes", [None, *mes_contextes], key="poste_contexte", persist_state="session",
                         format_func=lambda c: "—" if c is None else c.nom)
    if choix is not None and st.button("Remplir avec ce contexte", key="poste_appliquer"):
        st.session_state["poste_organisation"] = " – ".join(p for p in (choix.organisation, choix.service) if p)
        st.session_state["poste_texte"] = texte_contexte(choix)
        st.session_state["poste_conditions"] = choix.conditions
        st.rerun()

if st.session_state.pop("_vider_poste", False):
    st.session_state["poste_situations"] = []
situations = st.multiselect(
    "Situations vécues sur ce poste", list(ref.situations), key="poste_situations", persist_state="session",
    format_func=lambda c: cherchable(f"{c} — {ref.situations[c].titre}"), placeholder="Choisissez une ou plusieurs situations",
)
colonnes = st.columns(3)
debut = colonnes[0].date_input("Date de début", value=dt.date.today(), key="poste_debut", persist_state="session", format="DD/MM/YYYY")
lieu = colonnes[1].selectbox("Lieu", list(Lieu), index=list(Lieu).index(Lieu.PFMP), key="poste_lieu", persist_state="session",
                             format_func=LIBELLES_LIEU.get)
nature = colonnes[2].radio("Nature", list(Nature), key="poste_nature", persist_state="session", format_func=LIBELLES_NATURE.get,
                           horizontal=True)
organisation = st.text_input("Organisation et service", key="poste_organisation", persist_state="session")
texte = st.text_area("Contexte commun", key="poste_texte", persist_state="session", placeholder="Je suis gestionnaire des achats dans …")
conditions = st.text_area("Conditions communes", key="poste_conditions", persist_state="session", placeholder="Je dispose : …")

if st.button("Commencer les fiches", type="primary", icon=":material/library_add:", key="creer_poste"):
    if debut is None:
        st.error("Indiquez la date de début.")
        st.stop()
    commun = {"date_debut": debut.isoformat(), "lieu": Lieu(lieu).value, "nature": Nature(nature).value,
              "organisation": organisation, "contexte": texte, "conditions": conditions}
    with session() as s:
        try:
            creees = brouillons.creer_depuis_poste(s, utilisateur, commun, situations, ref)
            s.commit()
        except brouillons.BrouillonRefuse as exc:
            st.error("Rien n'a été créé : " + exc.message)
        else:
            st.session_state["poste_creees"] = [(b.cle, b.situation, b.titre) for b in creees]
            st.session_state["_vider_poste"] = True  # a widget's value can only be reset before it is drawn
            st.rerun()

creees = st.session_state.get("poste_creees", [])
if creees:
    st.success(f"{len(creees)} brouillon(s) de fiche commencé(s), avec ce contexte. Complétez-les un par un : une "
               "fiche compte dans votre passeport quand vous l'enregistrez. Vous les retrouvez aussi dans "
               "« Brouillons » sur « Mon passeport ».")
    for cle, code, titre in creees:
        ligne = st.columns([4, 1])
        ligne[0].markdown(texte_brut(f"{code} — {titre}"))
        if ligne[1].button("Compléter", key=f"completer_{cle}", icon=":material/edit:"):
            ouvrir_fiche(None, cle)
