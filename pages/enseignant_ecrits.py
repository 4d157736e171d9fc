"""The Lettres teacher's view: the raw writing of a division, writing indicators per student over time, and notes
to a student (appréciations « mise en mots »), never a correction inside the student's text."""

import pandas as pd
import streamlit as st

import analytics
from passeport import ecriture, referentiel
from passeport.acces import AccesRefuse
from passeport.affichage import texte_brut
from passeport.libelles import nombre, pourcentage
from passeport.models import Role
from passeport.services import appreciations, ecrits, formulations
from passeport.services.fiches import LIBELLES_LIEU
from ui.cockpit import choisir_division, ecran_large, graphique
from ui.commun import afficher_texte, annoncer, exiger_role, session

utilisateur = exiger_role(Role.ENSEIGNANT)
ecran_large()
st.title("Écrits de la division")
st.caption("Pour préparer les ateliers d'écriture : le texte brut des fiches et quelques indicateurs simples. Les "
           "notes à l'élève sont des appréciations « mise en mots » ; le texte de l'élève n'est jamais modifié.")
division = choisir_division(utilisateur)
periode = st.segmented_control("Regrouper par", ["M", "Q"], default="M", required=True, key="ecrits_periode",
                               format_func={"M": "Mois", "Q": "Trimestre"}.get)
try:
    with session() as s:
        vue = ecrits.ecrits_de_la_division(s, utilisateur, division.id, periode)
        s.commit()  # the reads are journaled
except AccesRefuse as exc:
    st.error(exc.message)
    st.stop()
if not vue.ecrits:
    st.info("Aucune fiche dans cette division pour l'instant.")
    st.stop()

onglet_classe, onglet_eleve = st.tabs(["Indicateurs de la classe", "Écrits d'un élève"])

with onglet_classe:
    synthese = vue.par_eleve
    # Numbers rounded, written by the browser in the reader's language ("localized": "14,5" in French).
    francais = st.column_config.NumberColumn(format="localized")
    st.dataframe(pd.DataFrame({
        "Élève": synthese["eleve"], "Fiches": synthese["fiches"], "Mots par fiche": synthese["mots_moyen"].round(0),
        "Évolution (mots)": synthese["evolution_mots"].round(0), "Phrases par fiche": synthese["phrases_moyen"].round(1),
        "Mots par phrase": synthese["mots_par_phrase"].round(1),
        "Première personne (%)": (synthese["part_premiere_personne"] * 100).round(0),
        "Rubriques remplies (sur 4)": synthese["sections_remplies_moyen"].round(1),
        "Vocabulaire du référentiel (%)": (synthese["part_vocabulaire"] * 100).round(0)}),
        hide_index=True, width="stretch",
        column_config={"Mots par fiche": francais, "Phrases par fiche": francais, "Mots par phrase": francais,
                       "Première personne (%)": st.column_config.NumberColumn(
                           format="localized", help="Part des phrases où l'élève parle de lui-même (je, j', me, m', "
                                                    "moi, nous, on)"),
                       "Rubriques remplies (sur 4)": francais,
                       "Vocabulaire du référentiel (%)": francais,
                       "Évolution (mots)": st.column_config.NumberColumn(
                           format="localized", help="Mots par fiche de la dernière période moins ceux de la première")})
    st.caption("Mots et phrases comptés dans le contexte, les conditions, la démarche et les productions. Rubrique "
               "remplie : 3 mots au moins. Première personne : part des phrases où l'élève parle de lui-même "
               "(je, j', me, m', moi, nous, on). Vocabulaire : part des mots du référentiel de la situation (titre, "
               "compétence, critère, listes) que la fiche emploie.")
    mesure = st.selectbox("Indicateur", list(analytics.charts.MESURES_ECRITURE),
                          format_func=analytics.charts.MESURES_ECRITURE.get, key="ecrits_mesure")
    noms = dict(zip(synthese["eleve_id"], synthese["eleve"]))
    choisis = st.multiselect("Élèves", list(noms), format_func=noms.get, placeholder="Toute la classe",
                             key="ecrits_eleves")
    graphique(analytics.charts.courbes_ecriture(vue.par_periode, mesure, choisis),
              f"ecrits-{division.nom}-{mesure}")

with onglet_eleve:
    noms = {e.eleve_id: e.eleve for e in vue.ecrits}
    eleve_id = st.selectbox("Élève", sorted(noms, key=lambda i: noms[i]), format_func=noms.get, key="ecrits_eleve")
    siens = [e for e in vue.ecrits if e.eleve_id == eleve_id]
    ligne = vue.par_eleve[vue.par_eleve["eleve_id"] == eleve_id].iloc[0]
    st.markdown(f"**{len(siens)}** fiches · **{nombre(ligne['mots_moyen'], 0)}** mots par fiche · "
                f"**{nombre(ligne['mots_par_phrase'])}** mots par phrase · première personne "
                f"**{pourcentage(ligne['part_premiere_personne'])}** · rubriques remplies "
                f"**{nombre(ligne['sections_remplies_moyen'])}** sur 4")
    for e in siens[:60]:
        i = e.indicateurs
        with st.expander(texte_brut(f"{e.date_debut:%d/%m/%Y} · {e.contenu.situation} · {e.contenu.titre} — "
                                    f"{i.mots} mots, {i.phrases} phrases")):
            st.caption(texte_brut(f"{LIBELLES_LIEU[e.contenu.lieu]} · rubriques remplies {i.sections_remplies}/4 · "
                                  f"première personne {pourcentage(i.part_premiere_personne)} · vocabulaire du référentiel "
                                  f"{i.mots_du_referentiel}/{i.vocabulaire}"))
            for section in ecriture.SECTIONS:
                st.markdown(f"**{section.capitalize().replace('Demarche', 'Démarche')}**")
                afficher_texte(getattr(e.contenu, section))
    if len(siens) > 60:
        st.caption(f"Les 60 fiches les plus récentes sont affichées sur {len(siens)}.")

    st.subheader("Note à l'élève sur son écriture")
    cible = st.selectbox("Sur", [None] + [e.fiche_id for e in siens], key=f"ecrits_cible_{eleve_id}",
                         format_func=lambda f: "tout le passeport" if f is None else next(
                             f"la fiche « {e.contenu.titre} » ({e.date_debut:%d/%m/%Y})" for e in siens
                             if e.fiche_id == f))
    ref = referentiel.charger(division.referentiel)
    situation = next((e.contenu.situation for e in siens if e.fiche_id == cible), "")
    with session() as s:
        propositions = formulations.bibliotheque(s, utilisateur, ref, situation, "mise_en_mots")
    cle_texte = f"ecrits_note_{eleve_id}"

    def _reprendre(cle_choix: str, cle_note: str) -> None:
        choisie = st.session_state.get(cle_choix)
        if choisie is not None:
            st.session_state[cle_note] = choisie.texte

    st.selectbox("Reprendre une formulation", propositions, index=None, key=f"ecrits_biblio_{eleve_id}",
                 format_func=lambda p: ("★ " if p.personnelle else "") + p.texte, on_change=_reprendre,
                 args=(f"ecrits_biblio_{eleve_id}", cle_texte), placeholder="Choisissez une formulation (★ : les vôtres)")
    note = st.text_area("Note", key=cle_texte, max_chars=appreciations.LONGUEUR_MAX,
                        placeholder="Un conseil d'écriture : ce qui est réussi, ce qu'il faut essayer.")
    if st.button("Envoyer la note", type="primary", icon=":material/send:", key=f"ecrits_envoyer_{eleve_id}"):
        try:
            with session() as s:
                appreciations.ecrire(s, utilisateur, eleve_id, note, cible, genre="mise_en_mots")
                s.commit()
        except appreciations.AppreciationInvalide as exc:
            st.error(str(exc))
        else:
            st.session_state.pop(cle_texte, None)
            annoncer("Note envoyée : l'élève la voit dans ses nouveautés.")
            st.rerun()
