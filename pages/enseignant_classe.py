"""The class cockpit: heatmap students × situations, and the class synthesis."""

import datetime as dt

import pandas as pd
import streamlit as st

import analytics
from analytics.couverture import du_pole
from passeport.acces import AccesRefuse
from passeport.libelles import pourcentage
from passeport.models import Role
from passeport.services import cockpit
from passeport.statut import LIBELLES, Statut
from ui.cockpit import choisir_division, choisir_filtres, ecran_large, entrepot, figure, graphique, ouvrir_profil
from ui.commun import exiger_role, session
from ui.livret import bouton_grille

utilisateur = exiger_role(Role.ENSEIGNANT)
ecran_large()
st.title("Tableau de bord de la classe")
division = choisir_division(utilisateur)
filtres = choisir_filtres(division, "classe")


def _clic_sur_la_carte() -> None:
    # Called once per new click (the selection stays in the widget state, the callback does not fire again).
    points = st.session_state["carte_classe"].selection.get("points", [])
    if points and points[0].get("customdata"):
        eleve_id, situation = points[0]["customdata"][:2]
        st.session_state["cockpit_ouvrir"] = (int(eleve_id), situation)


if ouvrir := st.session_state.pop("cockpit_ouvrir", None):
    ouvrir_profil(*ouvrir)

onglet_carte, onglet_synthese = st.tabs(["Carte de la classe", "Synthèse"])

with onglet_carte:
    # The metric on a row of its own: its six choices fit in the width of a 1366 px screen with the sidebar open.
    metrique = st.segmented_control("Mesure", list(analytics.METRIQUES), format_func=analytics.METRIQUES.get,
                                    default="statut", key="cockpit_metrique", required=True)
    colonnes = st.columns([3, 1.3, 2], vertical_alignment="bottom")
    tri = colonnes[1].segmented_control("Élèves triés par", list(analytics.TRIS), default="couverture",
                                        format_func=lambda t: {"couverture": "Couverture", "nom": "Nom"}[t],
                                        key="cockpit_tri", required=True)
    intitules = colonnes[2].toggle("Afficher les intitulés des situations", key="cockpit_intitules")
    try:
        with session() as s:
            carte = cockpit.carte_de_la_division(s, utilisateur, entrepot(), division.id, metrique, filtres, tri)
            s.commit()
    except AccesRefuse as exc:
        st.error(exc.message)
        st.stop()
    if carte.eleves.empty:
        st.info("Aucun élève dans cette division.")
        st.stop()
    poles = list(dict.fromkeys(carte.situations["pole_code"].astype(str)))
    if st.session_state.get("cockpit_pole") not in ["tous"] + poles:  # another référentiel's pôles
        st.session_state["cockpit_pole"] = "tous"
    pole = colonnes[0].segmented_control(
        "Situations", ["tous"] + poles, default="tous", required=True, key="cockpit_pole",
        format_func=lambda p: "Tous les pôles" if p == "tous" else f"Pôle {p}")
    if pole != "tous":
        carte = du_pole(carte, pole)
    st.caption(f"{len(carte.eleves)} élèves × {len(carte.situations)} situations. Survolez une case pour le détail ; "
               "cliquez dessus pour ouvrir le profil de l'élève sur cette situation.")
    if intitules:
        st.dataframe(pd.DataFrame({"Situation": carte.situations["code"], "Intitulé": carte.situations["titre"],
                                   "Pôle": carte.situations["pole_code"].astype(str)}),
                     hide_index=True, width="stretch", height=min(38 + 35 * len(carte.situations), 300))
    titre = f"{division.nom} — {analytics.METRIQUES[metrique]}" + ("" if pole == "tous" else f" — pôle {pole}")
    fig = figure(analytics.charts.carte_de_chaleur, carte, titre, division_id=division.id,
                 cle=(metrique, filtres, tri, pole, titre))
    graphique(fig, f"carte-{division.nom}-{metrique}", key="carte_classe", on_select=_clic_sur_la_carte,
              selection_mode="points")

    colonnes = st.columns([3, 1])
    choix = colonnes[0].selectbox("Ouvrir le profil de", list(carte.eleves["eleve_id"]), index=None,
                                  format_func=dict(zip(carte.eleves["eleve_id"], carte.eleves["libelle"])).get,
                                  placeholder="Choisissez un élève", key="cockpit_choix_eleve")
    if colonnes[1].button("Ouvrir le profil", disabled=choix is None, icon=":material/person:"):
        ouvrir_profil(int(choix))

    with session() as s:
        export = cockpit.export_de_la_division(s, utilisateur, entrepot(), division.id, filtres)
    # The files are built only when a button is clicked, not at every rerun.
    colonnes = st.columns(2)
    colonnes[0].download_button(
        "Exporter la carte (xlsx)",
        lambda: analytics.exports.xlsx_carte(carte, analytics.METRIQUES[metrique], division.nom,
                                             division.annee_scolaire, filtres),
        file_name=f"carte-{division.nom}-{metrique}.xlsx", icon=":material/download:", on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    colonnes[1].download_button(
        "Exporter la couverture (CSV)",
        lambda: analytics.exports.csv_couverture(export, division.nom, division.annee_scolaire, filtres),
        file_name=f"couverture-{division.nom}.csv", mime="text/csv", icon=":material/download:", on_click="ignore")
    bouton_grille(utilisateur, division.id, division.nom, filtres)

with onglet_synthese:
    colonnes = st.columns(2)
    semaines = colonnes[0].number_input("Élèves sans nouvelle fiche depuis (semaines)", 1, 52, 3, key="cockpit_semaines")
    seuil = colonnes[1].number_input("« Peu traversée » : par au plus (élèves)", 0, 50, 3, key="cockpit_seuil")
    with session() as s:
        synthese = cockpit.synthese_de_la_division(s, utilisateur, entrepot(), division.id, filtres, int(semaines),
                                                   int(seuil), dt.date.today())
    sit = synthese.situations
    peu = sit[sit["peu_traversee"]]
    simulees = sit[sit["seulement_simulee"]]
    metriques = st.columns(4)
    metriques[0].metric("Situations jamais traversées", int((sit["traversee_par"] == 0).sum()))
    metriques[1].metric(f"Traversées par {int(seuil)} élèves ou moins", len(peu))
    metriques[2].metric("Seulement en simulation", len(simulees))
    metriques[3].metric(f"Élèves silencieux ({int(semaines)} sem.)", len(synthese.silencieux))

    if synthese.pole_2:
        p2 = synthese.pole_2
        texte = (f"**Pôle 2 — {p2['titre']}** : en moyenne {pourcentage(p2['part_traversees'])} de ses "
                 f"{p2['situations']} situations traversées par élève, {pourcentage(p2['part_evaluables'])} évaluables")
        if p2["part_traversees_autres_poles"] is not None:
            texte += f" (autres pôles : {pourcentage(p2['part_traversees_autres_poles'])} traversées)"
        texte += f". {p2['eleves_sans_rien']} élève(s) sans aucune fiche dans ce pôle."
        (st.warning if p2["eleves_sans_rien"] or p2["part_traversees"] < 0.5 else st.info)(texte)

    # Besides the class's data, the synthesis charts depend on the filters, the two numbers above and the day.
    cle_synthese = (filtres, int(semaines), int(seuil), dt.date.today())
    graphique(figure(analytics.charts.barres_situations, sit, synthese.eleves, division_id=division.id,
                     cle=cle_synthese),
              f"situations-{division.nom}")
    colonnes = st.columns(2)
    with colonnes[0]:
        st.markdown("**Situations que personne ou peu ont traversées**")
        if peu.empty:
            st.success(f"Chaque situation a été traversée par plus de {int(seuil)} élèves.")
        else:
            st.dataframe(peu[["situation", "titre", "traversee_par", "evaluable_pour"]].rename(columns={
                "situation": "Situation", "titre": "Intitulé", "traversee_par": "Élèves",
                "evaluable_pour": "Évaluable"}), hide_index=True, width="stretch")
    with colonnes[1]:
        st.markdown("**Situations traversées seulement en simulation**")
        if simulees.empty:
            st.success("Aucune situation traversée seulement en simulation.")
        else:
            st.dataframe(simulees[["situation", "titre", "traversee_par", "nb_simulees"]].rename(columns={
                "situation": "Situation", "titre": "Intitulé", "traversee_par": "Élèves", "nb_simulees": "Fiches"}),
                hide_index=True, width="stretch")

    st.markdown(f"**Élèves sans nouvelle fiche depuis {int(semaines)} semaines ou plus**")
    if synthese.silencieux.empty:
        st.success("Tous les élèves ont écrit récemment.")
    else:
        silence = synthese.silencieux
        st.dataframe(pd.DataFrame({
            "Élève": silence["nom"].str.upper() + " " + silence["prenom"],
            "Dernière fiche écrite": silence["derniere_ecriture"].dt.strftime("%d/%m/%Y").fillna("jamais"),
            "Semaines": silence["semaines_sans_ecrire"], "Fiches": silence["nb_fiches"]}),
            hide_index=True, width="stretch")
    graphique(figure(analytics.charts.courbe_semaines, synthese.par_semaine, division_id=division.id,
                     cle=cle_synthese),
              f"fiches-par-semaine-{division.nom}")
    graphique(figure(analytics.charts.barres_lieux, synthese.lieux, division_id=division.id,
                     cle=cle_synthese), f"lieux-{division.nom}")

    st.download_button(
        "Exporter la synthèse (xlsx)", icon=":material/download:", on_click="ignore",
        data=lambda: analytics.exports.xlsx_synthese(synthese, division.nom, division.annee_scolaire, filtres,
                                                     int(semaines), int(seuil)),
        file_name=f"synthese-{division.nom}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.caption("Légende des statuts : " + " · ".join(LIBELLES[s] for s in Statut) + ". Chaque graphique s'enregistre "
               "en PNG avec l'icône d'appareil photo de sa barre d'outils.")
