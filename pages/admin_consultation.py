"""An administrator reads a passport only through an explicit consultation, with its reason, journaled."""

import pandas as pd
import streamlit as st

from passeport.acces import AccesRefuse
from passeport.affichage import texte_brut
from passeport.libelles import statut_signe
from passeport.models import Role
from passeport.services import administration, couverture, fiches
from ui.commun import exiger_role, session
from ui.suivi import style_statut

utilisateur = exiger_role(Role.ADMIN)
st.title("Consulter un passeport")
st.write("L'administration ne lit un passeport que pour un motif précis. Le motif est inscrit au journal et "
         "l'élève voit la consultation. L'accès dure 30 minutes.")
recherche = st.text_input("Nom ou identifiant de l'élève", key="consultation_recherche")
if recherche.strip():
    with session() as s:
        trouves = administration.chercher_eleves(s, utilisateur, recherche)
    if not trouves:
        st.caption("Aucun élève ne correspond.")
    else:
        eleve = st.selectbox("Élève", trouves, key="consultation_eleve",
                             format_func=lambda e: f"{e.nom_complet} ({e.identifiant}) — {e.division}")
        motif = st.text_input("Motif de la consultation", key="consultation_motif",
                              placeholder="Demande de la famille, préparation du conseil de classe…")
        if st.button("Ouvrir la consultation (inscrite au journal)", key="consultation_ouvrir"):
            with session() as s:
                try:
                    administration.ouvrir_consultation(s, utilisateur, eleve.eleve_id, motif)
                    s.commit()
                except administration.ReglageRefuse as exc:
                    st.error(str(exc))
        try:
            with session() as s:
                lignes = couverture.couverture_eleve(s, utilisateur, eleve.eleve_id)
                liste = fiches.fiches_de_l_eleve(s, utilisateur, eleve.eleve_id)
                s.commit()  # the reads are journaled
        except AccesRefuse:
            st.info("Indiquez un motif et ouvrez la consultation pour lire ce passeport.")
        else:
            st.markdown(texte_brut(f"Passeport de {eleve.nom_complet} : {len(liste)} fiche(s)."))
            st.dataframe(pd.DataFrame([(l.code, statut_signe(l.statut), l.fiches, l.titre) for l in lignes],
                                      columns=["Code", "Statut", "Fiches", "Situation"])
                         .style.map(style_statut, subset=["Statut"]), hide_index=True)
            st.dataframe(pd.DataFrame([(f.date_debut.strftime("%d/%m/%Y"), f.situation, f.titre) for f in liste],
                                      columns=["Date", "Situation", "Titre"]), hide_index=True)
