"""The CCF team meeting for a division and an épreuve: the meeting (date, teachers present), students × situations
of the pôle, per student the fiches to select and the team's decisions (never overwritten), the publication to the
students, and the printed documents."""

import datetime as dt

import pandas as pd
import streamlit as st

from passeport import referentiel
from passeport.acces import AccesRefuse
from passeport.documents import ccf as documents_ccf
from passeport.documents.grille import pdf_grille_classe
from passeport.affichage import heure_locale, texte_brut
from passeport.models import Role
from passeport.positionnement import COULEURS, ENCRES, NIVEAUX, libelle
from passeport.services import ccf, cockpit, dossier_ccf, grille
from passeport.services.fiches import LIBELLES_LIEU, LIBELLES_NATURE
from passeport.statut import LEGENDE, SYMBOLES
from ui.cockpit import entrepot
from ui.commun import annoncer, exiger_role, session
from ui.suivi import badge_niveau, suivre_fiche

utilisateur = exiger_role(Role.ENSEIGNANT)
st.title("Réunion d'équipe CCF")

# --- division and épreuve ------------------------------------------------------------------------------------------

with session() as s:
    divisions = cockpit.mes_divisions(s, utilisateur)
if not divisions:
    st.info("Aucune division ne vous est encore attribuée : demandez à l'administrateur de l'établissement.")
    st.stop()
par_id = {d.id: d for d in divisions}
if st.session_state.get("ccf_division") not in par_id:
    st.session_state["ccf_division"] = next((d.id for d in divisions if d.nom == "TGA1"), divisions[0].id)
haut = st.columns([1, 2])
division = par_id[haut[0].selectbox("Division", list(par_id), key="ccf_division",
                                    format_func=lambda i: f"{par_id[i].nom} · {par_id[i].annee_scolaire}")]
ref = referentiel.charger(division.referentiel)
with session() as s:
    liste_epreuves = ccf.epreuves_de_la_division(s, utilisateur, division.id)
    saisies = (ccf.epreuves_saisies(s, utilisateur, division.referentiel)
               if ccf.referentiel_sans_epreuves_officielles(division.referentiel) else None)


def _ajouter_epreuve() -> None:
    try:
        with session() as s:
            nouvelle = ccf.ajouter_epreuve(s, utilisateur, division.referentiel, st.session_state["ccf_ep_code"],
                                           st.session_state["ccf_ep_titre"], st.session_state["ccf_ep_poles"],
                                           st.session_state["ccf_ep_mode"])
            s.commit()
    except ccf.CcfInvalide as exc:
        st.session_state["ccf_erreur_epreuve"] = exc.message
    else:
        annoncer(f"Épreuve {nouvelle.code} enregistrée pour le référentiel {division.referentiel}.")
        for cle in ("ccf_ep_code", "ccf_ep_titre", "ccf_ep_poles"):
            st.session_state.pop(cle, None)


if saisies is not None:  # AGORA: the team enters its épreuves
    with st.expander(f"Épreuves du référentiel {division.referentiel} (saisies par l'équipe)",
                     expanded=not saisies, icon=":material/edit_calendar:"):
        st.caption("Ce référentiel n'a pas d'épreuves officielles dans l'application : l'équipe les saisit ici "
                   "(code, titre, blocs couverts). Une épreuve retirée garde ses choix de fiches et ses décisions.")
        for e in saisies:
            ligne = st.columns([5, 1])
            ligne[0].markdown(texte_brut(f"{e.code} — {e.titre} (blocs {', '.join(e.poles)}, {e.mode}) · saisie par "
                                         f"{e.cree_par}"))
            if ligne[1].button("Retirer", key=f"ccf_retirer_epreuve_{e.id}"):
                with session() as s:
                    ccf.retirer_epreuve(s, utilisateur, e.id)
                    s.commit()
                annoncer(f"Épreuve {e.code} retirée.")
                st.rerun()
        colonnes = st.columns([1, 3, 2, 1])
        colonnes[0].text_input("Code", key="ccf_ep_code", max_chars=20, placeholder="E1")
        colonnes[1].text_input("Titre", key="ccf_ep_titre", max_chars=200)
        colonnes[2].multiselect("Blocs (pôles)", list(ref.poles), key="ccf_ep_poles",
                                format_func=lambda p: f"{p} — {ref.poles[p].titre}")
        colonnes[3].text_input("Modalité", value="CCF", key="ccf_ep_mode", max_chars=60)
        st.button("Ajouter l'épreuve", on_click=_ajouter_epreuve, icon=":material/add:", key="ccf_ajouter_epreuve")
        if erreur := st.session_state.pop("ccf_erreur_epreuve", None):
            st.error(erreur)

if not liste_epreuves:
    st.info("Aucune épreuve pour ce référentiel : saisissez-en une ci-dessus.")
    st.stop()
codes = [e.code for e in liste_epreuves]
if st.session_state.get("ccf_epreuve") not in codes:
    st.session_state["ccf_epreuve"] = "E31" if "E31" in codes else next((e.code for e in liste_epreuves if e.en_ccf),
                                                                         codes[0])
par_code = {e.code: e for e in liste_epreuves}
epreuve = par_code[haut[1].selectbox("Épreuve", codes, key="ccf_epreuve", format_func=lambda c: par_code[c].libelle
                                     + ("" if par_code[c].en_ccf else f" — {par_code[c].mode}"))]
if not epreuve.en_ccf:
    st.caption(f"L'épreuve {epreuve.code} n'est pas en CCF ({epreuve.mode}) : ses situations comptent dans le passeport, "
               "la réunion peut tout de même les passer en revue.")

# --- the meeting ---------------------------------------------------------------------------------------------------

with session() as s:
    equipe = ccf.equipe_de_la_division(s, utilisateur, division.id)
    liste_reunions = ccf.reunions(s, utilisateur, division.id, epreuve.code)
    publication = ccf.derniere_publication(s, utilisateur, division.id, epreuve.code)
noms_equipe = {m.compte_id: m.nom_complet + (f" ({m.discipline})" if m.discipline else "") for m in equipe}

st.subheader("La réunion")
reunion = None
if liste_reunions:
    par_reunion = {r.id: r for r in liste_reunions}
    cle_reunion = f"ccf_reunion_{division.id}_{epreuve.code}"
    if st.session_state.get(cle_reunion) not in par_reunion:
        st.session_state[cle_reunion] = liste_reunions[0].id
    reunion = par_reunion[st.selectbox(
        "Réunion en cours", list(par_reunion), key=cle_reunion,
        format_func=lambda i: f"{par_reunion[i].date_reunion:%d/%m/%Y} — présents : {', '.join(par_reunion[i].presents)}"
        f" · {par_reunion[i].decisions} décision(s)")]
    if reunion.notes:
        st.caption(texte_brut(f"Notes : {reunion.notes}"))
else:
    st.info("Aucune réunion enregistrée pour cette épreuve : enregistrez-la (date, enseignants présents) pour prendre "
            "des décisions.")

with st.expander("Enregistrer une réunion", expanded=not liste_reunions, icon=":material/event:"):
    with st.form("ccf_nouvelle_reunion", border=False):
        colonnes = st.columns([1, 3])
        date_reunion = colonnes[0].date_input("Date", value=dt.date.today(), format="DD/MM/YYYY", key="ccf_date")
        presents = colonnes[1].multiselect("Enseignants présents", list(noms_equipe), default=[utilisateur.compte_id]
                                           if utilisateur.compte_id in noms_equipe else [],
                                           format_func=noms_equipe.get, key="ccf_presents")
        notes = st.text_area("Notes (facultatif)", max_chars=ccf.LONGUEUR_NOTES, key="ccf_notes", height=80)
        if st.form_submit_button("Enregistrer la réunion", type="primary", icon=":material/groups:"):
            try:
                with session() as s:
                    nouvelle = ccf.enregistrer_reunion(s, utilisateur, division.id, epreuve.code, date_reunion,
                                                       presents, notes)
                    s.commit()
            except ccf.CcfInvalide as exc:
                st.error(exc.message)
            else:
                st.session_state[f"ccf_reunion_{division.id}_{epreuve.code}"] = nouvelle.id
                annoncer(f"Réunion du {nouvelle.date_reunion:%d/%m/%Y} enregistrée.")
                st.rerun()

# --- students × situations ------------------------------------------------------------------------------------------

with session() as s:
    synthese = dossier_ccf.synthese_division(s, utilisateur, division.id, epreuve.code)
    s.commit()  # the reads are journaled
if not synthese.eleves:
    st.info("Aucun élève dans cette division.")
    st.stop()

st.subheader(f"Élèves × situations de l'épreuve {epreuve.code}")
vue = st.segmented_control(
    "Afficher", ["statut", "niveaux", "positions", "decisions"], default="statut", required=True, key="ccf_vue",
    format_func={"statut": "Statut", "niveaux": "Complexité et aléas", "positions": "Positionnements",
                 "decisions": "Décisions de l'équipe"}.get)


def _case(case) -> str:
    if vue == "statut":
        return SYMBOLES[case.statut] + (" ✓" * case.selectionnees)
    if vue == "niveaux":
        return "" if not case.fiches else f"C{case.max_complexite} A{case.max_aleas}"
    if vue == "positions":
        return " ".join(str(p.niveau) for p in case.positions)
    return NIVEAUX[case.decision.niveau] if case.decision and case.decision.niveau else ""


codes_situations = [sit.code for sit in synthese.situations]
tableau = pd.DataFrame([[_case(l.cases[c]) for c in codes_situations] for l in synthese.eleves],
                       index=[f"{l.nom} {l.prenom}" for l in synthese.eleves], columns=codes_situations)
tableau.insert(0, "Avis", [NIVEAUX[l.avis.niveau] if l.avis and l.avis.niveau else ("avis écrit" if l.avis else "")
                           for l in synthese.eleves])
if vue == "decisions":
    inverse = {v: k for k, v in NIVEAUX.items()}
    styles = tableau.style.map(lambda v: f"background-color:{COULEURS[inverse[v]]};color:{ENCRES[inverse[v]]}"
                               if v in inverse else "")
    st.dataframe(styles, width="stretch", height=min(38 + 35 * len(tableau), 460))
else:
    st.dataframe(tableau, width="stretch", height=min(38 + 35 * len(tableau), 460))
st.caption({
    "statut": " · ".join(f"{signe} {libelle.lower()}" for signe, libelle in LEGENDE)
              + " · ✓ une fiche choisie pour l'épreuve.",
    "niveaux": "C : complexité la plus haute atteinte (1 à 3) · A : aléas (0 à 2).",
    "positions": "Le dernier positionnement de chaque enseignant sur les fiches de la situation (1 à reprendre · "
                 "2 en cours · 3 acquis · 4 maîtrisé).",
    "decisions": "La décision actuelle de l'équipe pour chaque situation, et l'avis sur l'épreuve.",
}[vue])

# --- one student ----------------------------------------------------------------------------------------------------

par_eleve = {l.eleve_id: l for l in synthese.eleves}
st.subheader("Le dossier d'un élève")
eleve_id = st.selectbox("Élève", list(par_eleve), key=f"ccf_eleve_{division.id}",
                        format_func=lambda i: f"{par_eleve[i].nom} {par_eleve[i].prenom}")
ligne = par_eleve[eleve_id]
with session() as s:
    fiches_pole = ccf.fiches_pour_l_epreuve(s, utilisateur, eleve_id, epreuve.code)
    s.commit()  # the read is journaled
titres = {sit.code: sit.titre for sit in synthese.situations}


def _message(cle: str, texte: str, erreur: bool = True) -> None:
    st.session_state[cle] = (texte, erreur)


def _choisir(fiche_id: int, choisir: bool) -> None:
    try:
        with session() as s:
            if choisir:
                ccf.selectionner(s, utilisateur, fiche_id, epreuve.code)
            else:
                ccf.retirer_selection(s, utilisateur, fiche_id, epreuve.code)
            s.commit()
    except (ccf.CcfInvalide, AccesRefuse) as exc:
        _message("ccf_message", exc.message)
    else:
        annoncer("Fiche choisie pour l'épreuve." if choisir else "Fiche retirée du choix (le retrait est gardé).")


def _decider(situation: str, vue_id: int | None, base: str, cle: str) -> None:
    """Called with the id of the decision shown when the form was drawn: a colleague's newer decision is refused."""
    niveau = st.session_state.get(f"{cle}_niveau")
    commentaire = st.session_state.get(f"{cle}_commentaire", "")
    try:
        with session() as s:
            ccf.decider(s, utilisateur, eleve_id, epreuve.code, situation, niveau, commentaire, vue_id,
                        reunion.id if reunion else None)
            s.commit()
    except (ccf.CcfInvalide, AccesRefuse) as exc:
        _message(f"{base}_message", exc.message)
    else:
        st.session_state[f"{base}_tour"] = st.session_state.get(f"{base}_tour", 0) + 1
        annoncer("Décision de l'équipe enregistrée." if situation else "Avis sur l'épreuve enregistré.")


def formulaire_decision(situation: str, courante) -> None:
    """The current decision, the form to record the next one, and the history."""
    base = f"ccf_dec_{eleve_id}_{epreuve.code}_{situation or 'avis'}"
    cle = f"{base}_{st.session_state.get(f'{base}_tour', 0)}"
    if courante is not None:
        if courante.niveau:
            badge_niveau(courante.niveau, f"par {courante.auteur}, le {heure_locale(courante.le):%d/%m/%Y %H:%M}")
        else:
            st.caption(texte_brut(f"Avis de {courante.auteur}, le {heure_locale(courante.le):%d/%m/%Y %H:%M}"))
        if courante.commentaire:
            st.markdown(texte_brut(courante.commentaire))
    else:
        st.caption("Pas encore de décision de l'équipe." if situation else "Pas encore d'avis de l'équipe.")
    st.segmented_control("Niveau retenu par l'équipe" + ("" if situation else " (facultatif)"), list(NIVEAUX),
                         format_func=libelle, key=f"{cle}_niveau")
    colonnes = st.columns([4, 1], vertical_alignment="bottom")
    colonnes[0].text_input("Commentaire (500 caractères au plus)", max_chars=ccf.LONGUEUR_COMMENTAIRE,
                           key=f"{cle}_commentaire")
    colonnes[1].button("Remplacer" if courante else "Enregistrer", key=f"{base}_ok", on_click=_decider,
                       args=(situation, courante.id if courante else None, base, cle), disabled=reunion is None,
                       icon=":material/gavel:", width="stretch",
                       help="Enregistrez d'abord la réunion." if reunion is None else
                       "La décision précédente reste dans l'historique." if courante else None)
    if message := st.session_state.pop(f"{base}_message", None):
        st.error(message[0])
    if courante is not None and courante.remplace_id is not None:
        with st.expander("Historique des décisions"):
            with session() as s:
                for d in ccf.historique(s, utilisateur, eleve_id, epreuve.code, situation):
                    niveau = NIVEAUX[d.niveau] if d.niveau else "sans niveau"
                    reunion_de = f" (réunion du {d.date_reunion:%d/%m/%Y})" if d.date_reunion else ""
                    st.markdown(texte_brut(f"{heure_locale(d.cree_le):%d/%m/%Y %H:%M} · {d.auteur}{reunion_de} · "
                                           f"{niveau}" + (f" — {d.commentaire}" if d.commentaire else "")))


if message := st.session_state.pop("ccf_message", None):
    st.error(message[0])
choisies = [f for f in fiches_pole if f.selectionnee]
with st.container(border=True, key="ccf_avis"):
    st.markdown(f"**Avis de l'équipe sur l'épreuve {epreuve.code}** pour {texte_brut(ligne.prenom)} "
                f"{texte_brut(ligne.nom)} · {len(choisies)} fiche(s) choisie(s)")
    for f in choisies:
        st.markdown(texte_brut(f"✓ {f.situation} · {f.titre} ({f.date_debut:%d/%m/%Y})"
                               + (" — à la corbeille de l'élève" if f.a_la_corbeille else "")))
    formulaire_decision(ccf.AVIS_GLOBAL, ligne.avis)

resume = pd.DataFrame([{
    "Situation": f"{sit.code} — {sit.titre_court}", "Statut": SYMBOLES[ligne.cases[sit.code].statut],
    "Fiches": ligne.cases[sit.code].fiches, "Choisies": ligne.cases[sit.code].selectionnees,
    "Complexité": ligne.cases[sit.code].max_complexite, "Aléas": ligne.cases[sit.code].max_aleas,
    "Positionnements": " · ".join(f"{p.enseignant} : {NIVEAUX[p.niveau]}" for p in ligne.cases[sit.code].positions),
    "Décision": NIVEAUX[ligne.cases[sit.code].decision.niveau] if ligne.cases[sit.code].decision
    and ligne.cases[sit.code].decision.niveau else "",
} for sit in synthese.situations])
st.dataframe(resume, hide_index=True, width="stretch", height=38 + 35 * len(resume), key=f"ccf_resume_{eleve_id}")
st.caption("Ouvrez une situation pour choisir des fiches et enregistrer la décision de l'équipe.")

for sit in synthese.situations:
    case = ligne.cases[sit.code]
    fiches_sit = [f for f in fiches_pole if f.situation == sit.code]
    # A label that the team's actions do not change: the panel's identity (and so its open state) depends on it.
    entete = f"{sit.code} — {sit.titre_court} · {SYMBOLES[case.statut]} · {case.fiches} fiche(s)"
    # Keyed and tracked: it stays open across reruns, and a closed one draws nothing (14 situations × 24 students).
    panneau = st.expander(entete, key=f"ccf_sit_{eleve_id}_{epreuve.code}_{sit.code}", on_change="rerun")
    if not panneau.open:
        continue
    with panneau:
        gauche, droite = st.columns([3, 2], gap="medium")
        with gauche:
            st.markdown(f"**Fiches de l'élève** — {texte_brut(sit.titre)}")
            if not fiches_sit:
                st.caption("Aucune fiche sur cette situation.")
            for f in fiches_sit:
                ligne_fiche = st.columns([4, 1.3, 1])
                ligne_fiche[0].markdown(
                    texte_brut(("✓ " if f.selectionnee else "") + f.titre)
                    + "  \n" + texte_brut(f"{f.date_debut:%d/%m/%Y} · {LIBELLES_LIEU[f.lieu]} · "
                                          f"{LIBELLES_NATURE[f.nature]} · complexité {f.complexite} · aléas {f.aleas}"
                                          + (f" · choisie par {f.choisie_par}" if f.selectionnee else "")
                                          + (" · à la corbeille" if f.a_la_corbeille else "")))
                ligne_fiche[1].button("Retirer du choix" if f.selectionnee else "Choisir", key=f"ccf_choix_{f.fiche_id}",
                                      on_click=_choisir, args=(f.fiche_id, not f.selectionnee),
                                      type="secondary" if f.selectionnee else "primary")
                if ligne_fiche[2].button("Suivi", key=f"ccf_suivi_{f.fiche_id}", icon=":material/open_in_new:"):
                    suivre_fiche(f.fiche_id)
        with droite:
            positions = " · ".join(f"{p.enseignant} : {NIVEAUX[p.niveau]}" for p in case.positions)
            tuteurs = " · ".join(f"{t.tuteur} ({t.organisation}) : {NIVEAUX[t.niveau]}" for t in case.tuteurs)
            if positions:
                st.caption(texte_brut(f"Positionnements : {positions}"))
            if tuteurs:
                st.caption(texte_brut(f"Tuteurs : {tuteurs}"))
            st.markdown("**Décision de l'équipe**")
            formulaire_decision(sit.code, case.decision)

# --- publication and documents --------------------------------------------------------------------------------------

st.subheader("Publier et imprimer")
bas = st.columns(2, gap="large")
with bas[0]:
    if publication:
        st.caption(texte_brut(f"Dernière publication : le {heure_locale(publication.publiee_le):%d/%m/%Y à %H:%M} "
                              f"par {publication.publiee_par}. Les décisions prises depuis ne sont pas visibles des "
                              "élèves avant la prochaine publication."))
    else:
        st.caption("Les décisions ne sont pas encore publiées : les élèves voient seulement les fiches choisies.")
    if not st.session_state.get("ccf_confirmer_publication"):
        if st.button("Publier les décisions aux élèves", icon=":material/campaign:", key="ccf_publier"):
            st.session_state["ccf_confirmer_publication"] = True
            st.rerun()
    else:
        st.warning(f"Les élèves de {division.nom} verront les décisions de l'épreuve {epreuve.code} telles qu'elles "
                   "sont maintenant. Confirmer ?")
        boutons = st.columns(2)
        if boutons[0].button("Confirmer la publication", type="primary", key="ccf_publier_confirme"):
            with session() as s:
                ccf.publier(s, utilisateur, division.id, epreuve.code)
                s.commit()
            st.session_state["ccf_confirmer_publication"] = False
            annoncer(f"Décisions de l'épreuve {epreuve.code} publiées aux élèves de {division.nom}.")
            st.rerun()
        if boutons[1].button("Annuler", key="ccf_publier_annule"):
            st.session_state["ccf_confirmer_publication"] = False
            st.rerun()


def _compte_rendu_pdf(reunion_id: int) -> bytes:
    with session() as s:
        cr = dossier_ccf.compte_rendu(s, utilisateur, reunion_id)
        s.commit()
    return documents_ccf.pdf_compte_rendu(cr)


def _grille_pdf() -> bytes:
    with session() as s:
        donnees = grille.grille_de_la_division(s, utilisateur, entrepot(), division.id, poles=list(epreuve.poles))
    return pdf_grille_classe(donnees)


def _synthese(format_: str) -> bytes:
    with session() as s:
        donnees = dossier_ccf.synthese_division(s, utilisateur, division.id, epreuve.code)
        s.commit()
    return documents_ccf.xlsx_synthese(donnees) if format_ == "xlsx" else documents_ccf.pdf_synthese(donnees)


def _dossiers_zip() -> bytes:
    with session() as s:
        synthese_, dossiers = dossier_ccf.dossiers_division(s, utilisateur, division.id, epreuve.code)
        s.commit()
    return documents_ccf.zip_dossiers_division(synthese_, dossiers)


# The files are built only when a button is clicked, not at every rerun.
with bas[1]:
    nom = f"{division.nom}-{epreuve.code}"
    if reunion is not None:
        st.download_button("Compte rendu de la réunion (PDF)", lambda: _compte_rendu_pdf(reunion.id),
                           file_name=f"compte-rendu-{nom}-{reunion.date_reunion:%Y-%m-%d}.pdf", mime="application/pdf",
                           icon=":material/description:", on_click="ignore", key="ccf_pdf_compte_rendu")
    st.download_button("Grille de la classe (PDF)", _grille_pdf, file_name=f"grille-{nom}.pdf", mime="application/pdf",
                       icon=":material/grid_on:", on_click="ignore", key="ccf_pdf_grille")
    st.download_button("Synthèse de la classe (xlsx)", lambda: _synthese("xlsx"), file_name=f"synthese-{nom}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/table:", on_click="ignore", key="ccf_xlsx_synthese")
    st.download_button("Synthèse de la classe (PDF)", lambda: _synthese("pdf"), file_name=f"synthese-{nom}.pdf",
                       mime="application/pdf", icon=":material/summarize:", on_click="ignore", key="ccf_pdf_synthese")
    st.download_button("Dossiers CCF de la division (ZIP)", _dossiers_zip, file_name=f"dossiers-ccf-{nom}.zip",
                       mime="application/zip", icon=":material/folder_zip:", on_click="ignore", key="ccf_zip_dossiers")
