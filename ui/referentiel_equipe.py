"""The screen of the référentiel completed by the team (teachers' and administrator's pages): per situation, the
données, complexity factors and aléas, the team's lines editable, what students wrote meanwhile, the history, and
the CSV import/export in the format of the official file."""

from __future__ import annotations

import streamlit as st

from passeport import referentiel
from passeport.acces import AccesRefuse
from passeport.affichage import cherchable, heure_locale, texte_brut
from passeport.services import listes_equipe as L
from passeport.services.pieces import TAILLE_MAX_MO
from ui.commun import annoncer, session

LIBELLES_AJOUT = {"donnee": "Ajouter une donnée", "complexite": "Ajouter un facteur de complexité",
                  "alea": "Ajouter un aléa"}


def _appeler(action, *args) -> bool:
    """Run one write of the service; a refusal is shown in French and nothing is written."""
    try:
        with session() as s:
            action(s, *args)
            s.commit()
        return True
    except L.ListeInvalide as exc:
        st.error(texte_brut(exc.message), icon=":material/error:")
    except AccesRefuse as exc:
        st.error(exc.message)
    return False


def _ligne_equipe(utilisateur, ligne: L.LigneAffichee) -> None:
    colonnes = st.columns([6, 1, 1], vertical_alignment="bottom")
    texte = colonnes[0].text_input(f"Ligne de l'équipe ({ligne.auteur})" if ligne.auteur else "Ligne de l'équipe",
                                   value=ligne.libelle, key=f"liste_ligne_{ligne.ligne_id}",
                                   max_chars=L.LONGUEUR_LIBELLE)
    if colonnes[1].button("Enregistrer", key=f"liste_modifier_{ligne.ligne_id}", disabled=texte == ligne.libelle):
        if _appeler(L.modifier, utilisateur, ligne.ligne_id, texte):
            annoncer("Ligne modifiée.")
            st.rerun()
    if colonnes[2].button("Retirer", key=f"liste_retirer_{ligne.ligne_id}", icon=":material/delete:"):
        if _appeler(L.retirer, utilisateur, ligne.ligne_id):
            st.session_state.pop(f"liste_ligne_{ligne.ligne_id}", None)
            annoncer("Ligne retirée (elle reste dans l'historique).")
            st.rerun()


def _type(utilisateur, nom: str, code: str, type_: str, lignes: list[L.LigneAffichee], suggeres: list[str]) -> None:
    st.markdown(f"**{L.LIBELLES_TYPE[type_]}**")
    officielles = [l for l in lignes if l.officielle]
    for l in officielles:
        st.markdown(texte_brut(f"• {l.libelle}") + " — *référentiel officiel*")
    equipe = [l for l in lignes if not l.officielle]
    for l in equipe:
        _ligne_equipe(utilisateur, l)
    if not officielles and not equipe:
        st.caption("Aucune ligne pour l'instant.")
    if suggeres:
        st.caption("En attendant la liste de l'équipe, le formulaire des élèves propose ce que d'autres élèves du lycée "
                   "ont écrit sur cette situation (au moins deux élèves, sans nom) :")
        for i, texte in enumerate(suggeres):
            colonnes = st.columns([6, 2], vertical_alignment="center")
            colonnes[0].markdown(texte_brut(f"• {texte}"))
            if colonnes[1].button("Reprendre dans la liste", key=f"liste_reprendre_{type_}_{code}_{i}"):
                if _appeler(L.ajouter, utilisateur, nom, code, type_, texte):
                    st.rerun()
    with st.form(f"liste_ajout_{type_}_{code}", clear_on_submit=True, border=False):
        colonnes = st.columns([6, 2], vertical_alignment="bottom")
        texte = colonnes[0].text_input(LIBELLES_AJOUT[type_], key=f"liste_nouveau_{type_}_{code}",
                                       max_chars=L.LONGUEUR_LIBELLE)
        if colonnes[1].form_submit_button("Ajouter", icon=":material/add:"):
            if _appeler(L.ajouter, utilisateur, nom, code, type_, texte):
                annoncer("Ligne ajoutée.")
                st.rerun()


def _import_export(utilisateur, nom: str) -> None:
    with st.expander("Importer ou exporter les listes (CSV)", icon=":material/swap_vert:"):
        st.caption("Même format que le fichier officiel : `situation_code;type;libelle`, un type parmi `donnee`, "
                   "`complexite`, `alea`. L'import ajoute ce qui manque (tout ou rien) ; importer deux fois le même "
                   "fichier ne change rien.")
        def exporter() -> bytes:  # built when the button is clicked, not at every run of the page
            with session() as s:
                return L.exporter_csv(s, utilisateur, nom)

        st.download_button("Exporter les listes", exporter, file_name=f"{nom}-complexite-aleas.csv",
                           mime="text/csv", icon=":material/download:", key="liste_exporter", on_click="ignore")
        fichier = st.file_uploader("Fichier à importer", type=["csv"], key="liste_fichier",
                                   max_upload_size=TAILLE_MAX_MO)
        if fichier is not None and st.button("Importer", type="primary", key="liste_importer"):
            try:
                with session() as s:
                    bilan = L.importer_csv(s, utilisateur, nom, fichier.getvalue())
                    s.commit()
            except L.ListeInvalide as exc:
                st.error("Rien n'a été importé :\n\n" + "\n".join(f"- {texte_brut(e)}" for e in exc.erreurs))
            else:
                annoncer(f"{bilan.ajoutees} ligne(s) ajoutée(s), {bilan.deja_presentes} déjà présente(s).")
                st.rerun()


def _historique(utilisateur, nom: str) -> None:
    with session() as s:
        lignes = L.historique(s, utilisateur, nom)
    with st.expander(f"Historique des modifications ({len(lignes)})", icon=":material/history:"):
        if not lignes:
            st.caption("Aucune modification pour l'instant.")
            return
        st.dataframe(
            [{"Date": f"{heure_locale(h.quand):%d/%m/%Y %H:%M}", "Par": h.auteur, "Situation": h.situation,
              "Liste": L.LIBELLES_TYPE[h.type], "Action": L.LIBELLES_ACTION[h.action], "Avant": h.ancien,
              "Après": h.nouveau} for h in lignes],
            hide_index=True, width="stretch")


def afficher(utilisateur) -> None:
    """The whole screen for ``utilisateur`` (a teacher or the administrator of the school)."""
    st.title("Référentiel de l'équipe")
    st.caption("Le référentiel officiel ne détaille les données, facteurs de complexité et aléas que de la situation "
               "1.1.1. L'équipe complète ici les autres situations : les élèves les retrouvent dans leur formulaire "
               "de fiche, et le guide de questionnement les cite.")
    noms = referentiel.noms_disponibles()
    nom = st.selectbox("Référentiel", noms, key="liste_referentiel") if len(noms) > 1 else noms[0]
    ref = referentiel.charger(nom)
    try:
        with session() as s:
            lignes = L.lister(s, utilisateur, nom)
    except AccesRefuse as exc:
        st.error(exc.message)
        st.stop()
    par_situation: dict[str, int] = {}
    for l in lignes:
        if not l.officielle:
            par_situation[l.situation] = par_situation.get(l.situation, 0) + 1
    st.caption(f"Situations complétées par l'équipe : **{len(par_situation)}** sur {len(ref.situations)}.")
    # Fixed labels: a label that changed with the counts would make Streamlit forget the chosen situation.
    code = st.selectbox("Situation", list(ref.situations), key="liste_situation",
                        format_func=lambda c: cherchable(f"{c} — {ref.situations[c].titre}"))
    st.caption(f"Cette situation : {par_situation[code]} ligne(s) ajoutée(s) par l'équipe." if code in par_situation
               else "L'équipe n'a encore rien ajouté à cette situation.")
    with session() as s:
        propositions = L.propositions(s, utilisateur, nom, code) if utilisateur.etablissement_id else None
    suggeres = {"complexite": propositions.facteurs_suggeres if propositions else [],
                "alea": propositions.aleas_suggeres if propositions else [], "donnee": []}
    for type_ in L.LIBELLES_TYPE:
        with st.container(border=True):
            _type(utilisateur, nom, code, type_, [l for l in lignes if l.situation == code and l.type == type_],
                  suggeres[type_])
    _import_export(utilisateur, nom)
    _historique(utilisateur, nom)
