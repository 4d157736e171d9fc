"""A student's profile in the cockpit, and the goals of their next PFMP."""

import pandas as pd
import streamlit as st

import analytics
from analytics.synthese import LIBELLES_LIEUX, LIBELLES_NATURES
from passeport import referentiel
from passeport.acces import AccesRefuse
from passeport.affichage import heure_locale, texte_brut
from passeport.libelles import niveau_ou_rien
from passeport.models import Role
from passeport.services import appreciations, cockpit, pfmp, situations
from passeport.services.appreciations import GENRES, LONGUEUR_MAX
from passeport.services.accueil import eleves_de_mes_divisions
from passeport.statut import LIBELLES, Statut
from ui.cockpit import choisir_filtres, entrepot, figure, graphique
from ui.commun import afficher_texte, annoncer, exiger_role, session
from ui.livret import bloc_livret
from ui.objectifs import editeur_objectifs
from ui.situations import vue_situations
from ui.suivi import badge_niveau, carte_appreciation, suivre_fiche

utilisateur = exiger_role(Role.ENSEIGNANT)
st.title("Profil d'un élève")
with session() as s:
    eleves = eleves_de_mes_divisions(s, utilisateur)
if not eleves:
    st.info("Aucun élève dans vos divisions.")
    st.stop()
par_id = {e.eleve_id: e for e in eleves}
if st.session_state.get("cockpit_eleve") not in par_id:
    st.session_state["cockpit_eleve"] = eleves[0].eleve_id
eleve_id = st.selectbox("Élève", list(par_id), key="cockpit_eleve", persist_state="session",
                        format_func=lambda i: f"{par_id[i].division} — {par_id[i].nom_complet}")

with session() as s:
    divisions = {d.nom: d for d in cockpit.mes_divisions(s, utilisateur)}
division = divisions.get(par_id[eleve_id].division) or next(iter(divisions.values()))
filtres = choisir_filtres(division, "profil")
try:
    with session() as s:
        profil = cockpit.profil_de_l_eleve(s, utilisateur, entrepot(), eleve_id, filtres)
        s.commit()  # the read is journaled
except AccesRefuse as exc:
    st.error(exc.message)
    st.stop()

# Besides the student's data, the profile's charts depend on the filters.
cle_profil = (eleve_id, filtres)
cov = profil.couverture
statuts = cov["statut"].value_counts()
colonnes = st.columns(4)
colonnes[0].metric("Fiches", int(cov["nb_fiches"].sum()))
colonnes[1].metric("Situations traversées", f"{int((cov['nb_fiches'] > 0).sum())} / {len(cov)}")
colonnes[2].metric("Évaluables", int(statuts.get("evaluable", 0)))
colonnes[3].metric("Fiches retenues", len(profil.retenues))
bloc_livret(utilisateur, eleve_id, profil.entete.nom_complet,
            dict(zip(cov["pole_code"].astype(str), cov["pole_titre"])), f"livret_{eleve_id}", "Livret de l'élève")

situation = st.session_state.get("cockpit_situation")
if situation and situation in set(cov["situation"]):
    ligne = cov[cov["situation"] == situation].iloc[0]
    with st.container(border=True):
        st.markdown(f"**Situation {situation} — {ligne['titre']}** · {LIBELLES[Statut(ligne['statut'])]}")
        vecues = profil.echelle[profil.echelle["situation"] == situation]
        if vecues.empty:
            st.write("Aucune fiche sur cette situation (avec les filtres choisis).")
        else:
            choix = st.dataframe(pd.DataFrame({
                "Date": vecues["date_debut"].dt.strftime("%d/%m/%Y"), "Titre": vecues["titre"],
                "Lieu": vecues["lieu"].map(LIBELLES_LIEUX), "Nature": vecues["nature"].map(LIBELLES_NATURES),
                "Complexité": vecues["complexite"], "Aléas": vecues["aleas"],
                "Positionnement": vecues["positionnement"].map(niveau_ou_rien)}), hide_index=True, width="stretch",
                on_select="rerun", selection_mode="single-row", key=f"situation_fiches_{eleve_id}_{situation}")
            st.caption("Cliquez sur une ligne pour lire la fiche, la questionner, l'apprécier ou la positionner.")
            if choix.selection.rows:
                suivre_fiche(int(vecues["fiche_id"].iloc[choix.selection.rows[0]]))

onglet_situations, *onglets, onglet_objectifs = st.tabs([
    "Situations", "Couverture", "Complexité et aléas", "Chronologie", "Appréciations", "Bilans de PFMP",
    "Objectifs de PFMP"])

with onglet_situations:
    try:
        with session() as s:
            situations_eleve = situations.situations_de_l_eleve(s, utilisateur, eleve_id)
            s.commit()  # the read is journaled
    except AccesRefuse as exc:
        st.error(exc.message)
    else:
        st.caption("Les situations du référentiel de l'élève, comme il les voit sur son accueil (toutes ses fiches, "
                   "sans les filtres ci-dessus) ; « Fiches » ouvre chacune pour la lire, la questionner, l'apprécier "
                   "ou la positionner.")
        vue_situations(situations_eleve, suivre_fiche, f"situations_{eleve_id}")

with onglets[0]:
    graphique(figure(analytics.charts.barres_poles, profil.par_pole, eleve_id=eleve_id, cle=cle_profil), f"poles-{eleve_id}")
    st.dataframe(pd.DataFrame({
        "Pôle": profil.par_classe["pole_code"], "Classe de situations": profil.par_classe["classe_code"] + " "
        + profil.par_classe["classe_titre"], "Situations": profil.par_classe["situations"],
        "Non traversées": profil.par_classe["non_traversee"], "Une fois": profil.par_classe["une_fois"],
        "Répétées": profil.par_classe["repetee"], "Évaluables": profil.par_classe["evaluable"]}),
        hide_index=True, width="stretch")

with onglets[1]:
    if profil.echelle.empty:
        st.info("Aucune fiche avec les filtres choisis.")
    else:
        graphique(figure(analytics.charts.echelle_complexite, profil.echelle, eleve_id=eleve_id, cle=cle_profil), f"echelle-{eleve_id}")
        graphique(figure(analytics.charts.courbe_tendance, profil.tendance, eleve_id=eleve_id, cle=cle_profil), f"tendance-{eleve_id}")
        prog = profil.progression
        if not prog.empty:
            comptes = prog["tendance"].value_counts()
            st.markdown(f"Sur les {len(prog)} situations vécues plusieurs fois, la dernière fiche est plus exigeante "
                        f"que la première pour **{comptes.get('monte', 0)}**, aussi exigeante pour "
                        f"**{comptes.get('stable', 0)}**, moins pour **{comptes.get('baisse', 0)}** "
                        "(complexité + aléas).")
            st.dataframe(pd.DataFrame({
                "Situation": prog["situation"] + " " + prog["situation_titre"], "Fiches": prog["fiches"],
                "Première (compl./aléas)": prog["complexite_premiere"].astype(str) + " / " + prog["aleas_premiere"].astype(str),
                "Dernière (compl./aléas)": prog["complexite_derniere"].astype(str) + " / " + prog["aleas_derniere"].astype(str),
                "Tendance": prog["tendance"].map({"monte": "↗ plus exigeante", "stable": "→ stable",
                                                  "baisse": "↘ moins exigeante"})}), hide_index=True, width="stretch")

with onglets[2]:
    graphique(figure(analytics.charts.barres_lieux_natures, profil.lieux_natures, eleve_id=eleve_id, cle=cle_profil),
              f"lieux-{eleve_id}")
    chrono = profil.echelle.sort_values("date_debut", ascending=False)
    st.caption("Cliquez sur une ligne pour suivre la fiche : texte, guide de questionnement, appréciation, "
               "positionnement." if not chrono.empty else "Aucune fiche avec les filtres choisis.")
    choix = None if chrono.empty else st.dataframe(pd.DataFrame({
        "Date": chrono["date_debut"].dt.strftime("%d/%m/%Y"), "Situation": chrono["situation"],
        "Titre": chrono["titre"], "Lieu": chrono["lieu"].map(LIBELLES_LIEUX),
        "Nature": chrono["nature"].map(LIBELLES_NATURES), "Complexité": chrono["complexite"],
        "Aléas": chrono["aleas"], "Retenue": chrono["retenue"],
        "Positionnement": chrono["positionnement"].map(niveau_ou_rien), "Positionnée (fois)": chrono["positionnements"]}),
        hide_index=True, width="stretch", height=360, on_select="rerun", selection_mode="single-row",
        key=f"chronologie_{eleve_id}")
    if choix is not None and choix.selection.rows:
        suivre_fiche(int(chrono["fiche_id"].iloc[choix.selection.rows[0]]))
    st.markdown("**Fiches retenues**")
    if profil.retenues.empty:
        st.write("Aucune fiche retenue.")
    for r in profil.retenues.itertuples():
        st.markdown(texte_brut(f"{r.date_debut:%d/%m/%Y} · {r.situation} · {r.titre}"))

with onglets[3]:
    with st.expander("Écrire une appréciation sur tout le passeport", icon=":material/edit:"):
        tour = st.session_state.get(f"tour_passeport_{eleve_id}", 0)  # a fresh, empty form after sending
        genre = st.segmented_control("Elle guide vers", list(GENRES), format_func=GENRES.get, default="",
                                     required=True, key=f"passeport_genre_{eleve_id}_{tour}")
        texte_general = st.text_area("Appréciation", key=f"passeport_texte_{eleve_id}_{tour}",
                                     max_chars=LONGUEUR_MAX, placeholder="Où en est l'élève, ce qu'il peut chercher "
                                     "maintenant (pour une fiche précise, ouvrez-la depuis la chronologie).")
        if st.button("Envoyer l'appréciation", type="primary", icon=":material/send:", key=f"passeport_{eleve_id}"):
            try:
                with session() as s:
                    appreciations.ecrire(s, utilisateur, eleve_id, texte_general, None, genre=genre)
                    s.commit()
            except appreciations.AppreciationInvalide as exc:
                st.error(str(exc))
            else:
                st.session_state[f"tour_passeport_{eleve_id}"] = tour + 1
                annoncer("Appréciation envoyée : l'élève la voit dans ses nouveautés.")
                st.rerun()
    if not profil.appreciations:
        st.write("Aucune appréciation pour le moment.")
    for a in profil.appreciations:
        carte_appreciation(a)

with onglets[4]:
    with session() as s:
        bilans = pfmp.bilans_de_l_eleve(s, utilisateur, eleve_id)
        s.commit()
    if not bilans:
        st.write("Aucun tuteur n'a encore rempli de bilan de PFMP.")
    titres_situations = {code: sit.titre for code, sit in referentiel.charger(profil.entete.referentiel).situations.items()}
    for b in bilans:
        with st.container(border=True):
            st.markdown(texte_brut(f"{b.organisation} — du {b.date_debut:%d/%m/%Y} au {b.date_fin:%d/%m/%Y}"))
            st.caption(texte_brut(f"Bilan de {b.tuteur}, le {heure_locale(b.rempli_le):%d/%m/%Y}"))
            for code, niveau in b.positions.items():
                badge_niveau(niveau, f"{code} {titres_situations.get(code, '')}")
            if b.texte:
                st.markdown("**Appréciation générale du tuteur**")
                afficher_texte(b.texte)

with onglet_objectifs:
    editeur_objectifs(utilisateur, eleve_id, profil.entete)
