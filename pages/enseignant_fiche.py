"""A teacher follows one fiche: the student's text (never editable here), what changed, the guide de questionnement,
appréciations written from the library, the positionnement and its history, the tutor's levels."""

import re

import streamlit as st

from passeport import referentiel
from passeport.acces import AccesRefuse
from passeport.affichage import heure_locale, texte_brut
from passeport.models import Role
from passeport.positionnement import NIVEAUX, libelle
from passeport.services import appreciations, fiches, formulations, nouveautes, pieces, suivi
from passeport.services.accueil import eleves_de_mes_divisions
from passeport.services.fiches import LIBELLES_LIEU, LIBELLES_NATURE, FicheIntrouvable
from ui.commun import afficher_texte, annoncer, exiger_role, session
from ui.pieces import lien_telechargement
from ui.suivi import badge_niveau, carte_appreciation

utilisateur = exiger_role(Role.ENSEIGNANT)
st.title("Suivi d'une fiche")
st.page_link("pages/enseignant_nouveautes.py", label="Retour aux nouveautés", icon=":material/arrow_back:")

fiche_id = st.session_state.get("fiche_suivie")
if fiche_id is None and re.fullmatch(r"[0-9]{1,9}", st.query_params.get("fiche", "")):
    fiche_id = int(st.query_params["fiche"])  # a reload keeps the open fiche


def choisir_une_fiche() -> int | None:
    """A student of my divisions, then one of their fiches; None until both are chosen."""
    with session() as s:
        eleves = eleves_de_mes_divisions(s, utilisateur)
    if not eleves:
        st.info("Aucun élève dans vos divisions.")
        return None
    # No student by default: listing a student's fiches is a reading of their passport, journaled (and shown to
    # them in « Qui a vu mon passeport ») — only once the teacher has chosen that student.
    eleve = st.selectbox("Élève", eleves, format_func=lambda e: f"{e.division} — {e.nom_complet}", key="suivi_eleve",
                         index=None, placeholder="Choisissez un élève")
    if eleve is None:
        return None
    with session() as s:
        liste = fiches.fiches_de_l_eleve(s, utilisateur, eleve.eleve_id)
        s.commit()
    if not liste:
        st.info("Cet élève n'a pas encore de fiche.")
        return None
    choix = st.selectbox("Fiche", liste, index=None, placeholder="Choisissez une fiche", key="suivi_choix",
                         format_func=lambda f: f"{f.date_debut:%d/%m/%Y} · {f.situation} · {f.titre}")
    return None if choix is None else choix.id


if fiche_id is None:
    fiche_id = choisir_une_fiche()
    if fiche_id is None:
        st.stop()
else:
    with st.expander("Ouvrir une autre fiche", icon=":material/search:"):
        autre = choisir_une_fiche()
    if autre is not None and autre != fiche_id:
        st.session_state.pop("suivi_choix", None)
        st.session_state["fiche_suivie"], st.session_state["fiche_suivie_depuis"] = autre, None
        st.query_params["fiche"] = str(autre)
        st.rerun()

try:
    with session() as s:
        vue = suivi.fiche_suivie(s, utilisateur, fiche_id)
        s.commit()  # the read is journaled
except (AccesRefuse, FicheIntrouvable) as exc:
    st.error(getattr(exc, "message", "Cette fiche n'est pas accessible avec votre compte."))
    st.stop()
st.query_params["fiche"] = str(fiche_id)
c = vue.contenu
ref = referentiel.charger(vue.referentiel)

st.markdown(texte_brut(f"{vue.eleve} · {vue.division} · situation {c.situation} — "
                       f"{ref.situations[c.situation].titre if c.situation in ref.situations else ''}"))
st.subheader(texte_brut(c.titre) or "Sans titre")
details = [f"{c.date_debut:%d/%m/%Y}" + (f" au {c.date_fin:%d/%m/%Y}" if c.date_fin else ""),
           LIBELLES_LIEU[c.lieu], LIBELLES_NATURE[c.nature], f"complexité {c.complexite}", f"aléas {c.aleas}",
           f"version {vue.version}"]
if vue.pfmp:
    details.append(f"PFMP {vue.pfmp}")
if vue.retenue:
    details.append("fiche retenue pour la situation")
st.caption(texte_brut(" · ".join(details)))
if vue.a_la_corbeille:
    st.warning("L'élève a mis cette fiche à la corbeille.")

# What changed: from the inbox, against the version read before; otherwise any two versions.
depuis = st.session_state.get("fiche_suivie_depuis") if st.session_state.get("fiche_suivie") == fiche_id else None
numeros = [n for n, _ in vue.versions]
if len(numeros) > 1:
    quand = dict(vue.versions)
    with st.expander(f"Ce qui a changé ({len(numeros)} versions)", expanded=depuis is not None):
        anciennes = numeros[1:]
        ancienne = st.selectbox("Comparer la version", anciennes, key=f"suivi_avant_{fiche_id}",
                                index=anciennes.index(depuis) if depuis in anciennes else 0,
                                format_func=lambda n: f"Version {n} — {heure_locale(quand[n]):%d/%m/%Y %H:%M}")
        st.caption(f"avec la version actuelle ({vue.version}). En rouge barré : ce que l'élève a enlevé ; en vert "
                   "souligné : ce qu'il a ajouté.")
        with session() as s:
            ecarts = suivi.difference_entre(s, utilisateur, fiche_id, ancienne)
        for ecart in ecarts:
            st.markdown(f"**{ecart.libelle}**")
            st.html(ecart.html())
        if not ecarts:
            st.caption("Ces deux versions ont le même texte.")

texte, colonne_suivi = st.columns([3, 2], gap="large")

with texte:
    for libelle_section, valeur in (("Organisation", c.organisation), ("Contexte", c.contexte),
                                    ("Conditions de réalisation", c.conditions), ("Démarche", c.demarche),
                                    ("Productions", c.productions)):
        st.markdown(f"**{libelle_section}**")
        afficher_texte(valeur)
    for libelle_section, valeur in (("Facteurs de complexité", c.complexite_details),
                                    ("Aléas rencontrés", c.aleas_details)):
        items = fiches.details(valeur)
        st.markdown(f"**{libelle_section}**")
        afficher_texte("\n".join(f"• {i}" for i in items))
    with session() as s:
        jointes = [(p.id, p.nom, p.type_mime, p.taille) for p in pieces.lister(s, utilisateur, fiche_id)]
    st.markdown(f"**Productions jointes** ({len(jointes)})")
    if not jointes:
        st.caption("Aucune pièce jointe.")
    for piece_id, nom, type_mime, taille in jointes:
        # Served by /piece/<id> when the teacher clicks: the access is checked (and journaled) again then.
        lien_telechargement(piece_id, nom, taille)

    st.subheader(f"Appréciations ({len(vue.appreciations)})")
    for a in vue.appreciations:
        carte_appreciation(a)
        if a.versions > 1:
            with st.expander(f"Les {a.versions} versions de cette appréciation"):
                with session() as s:
                    textes = appreciations.versions(s, utilisateur, a.id)
                for v in textes:
                    st.caption(f"Version {v.numero} — {heure_locale(v.cree_le):%d/%m/%Y %H:%M}")
                    afficher_texte(v.texte)
        if a.modifiable_par(utilisateur.compte_id):
            with st.expander("Corriger ou retirer (pendant 15 minutes)"):
                correction = st.text_area("Texte corrigé", value=a.texte, key=f"corriger_{a.id}")
                boutons = st.columns(2)
                if boutons[0].button("Enregistrer la correction", key=f"ok_corriger_{a.id}"):
                    try:
                        with session() as s:
                            appreciations.corriger(s, utilisateur, a.id, correction)
                            s.commit()
                    except (appreciations.AppreciationInvalide, AccesRefuse) as exc:
                        st.error(str(exc))
                    else:
                        annoncer("Appréciation corrigée : l'ancienne version est gardée.")
                        st.rerun()
                if boutons[1].button("Retirer l'appréciation", key=f"retirer_{a.id}"):
                    try:
                        with session() as s:
                            appreciations.retirer(s, utilisateur, a.id)
                            s.commit()
                    except (appreciations.AppreciationInvalide, AccesRefuse) as exc:
                        st.error(str(exc))
                    else:
                        annoncer("Appréciation retirée : l'élève ne la voit plus.")
                        st.rerun()
        elif a.auteur_id is not None and a.auteur_id == utilisateur.compte_id:
            if st.button("Ajouter une suite", key=f"suite_{a.id}", icon=":material/reply:"):
                st.session_state[f"suite_de_{fiche_id}"] = a.id

    st.markdown("**Écrire une appréciation**")
    suite_de = st.session_state.get(f"suite_de_{fiche_id}")
    if suite_de:
        st.caption("Cette appréciation sera la suite de la précédente (qui reste telle quelle).")
    genres = list(appreciations.GENRES)
    genre = st.segmented_control("Elle guide vers", genres, format_func=appreciations.GENRES.get, default="",
                                 key=f"genre_{fiche_id}", required=True)
    # Widget keys carry a counter bumped after each save: popping a key does not empty what the browser shows.
    tour_appreciation = st.session_state.get(f"tour_appreciation_{fiche_id}", 0)
    cle_texte = f"texte_appreciation_{fiche_id}_{tour_appreciation}"
    cle_bibliotheque = f"bibliotheque_{fiche_id}_{tour_appreciation}"
    if genre in formulations.GENRES_BIBLIOTHEQUE:
        with session() as s:
            propositions = formulations.bibliotheque(s, utilisateur, ref, c.situation, genre)

        def _reprendre(cle_choix: str, cle_redaction: str, cle_formulation: str) -> None:
            choisie = st.session_state.get(cle_choix)
            if choisie is not None:
                st.session_state[cle_redaction] = choisie.texte
                st.session_state[cle_formulation] = (choisie.formulation_id, choisie.texte)

        st.selectbox("Reprendre une formulation de la bibliothèque", propositions, index=None, key=cle_bibliotheque,
                     format_func=lambda p: ("★ " if p.personnelle else "") + p.texte,
                     placeholder="Choisissez une formulation (★ : les vôtres)", on_change=_reprendre,
                     args=(cle_bibliotheque, cle_texte, f"formulation_{fiche_id}"))
    portee = st.radio("Sur", ["fiche", "passeport"], horizontal=True, key=f"portee_{fiche_id}",
                      format_func={"fiche": "cette fiche", "passeport": "tout le passeport"}.get,
                      disabled=bool(suite_de))
    redaction = st.text_area("Appréciation", key=cle_texte, max_chars=appreciations.LONGUEUR_MAX,
                             placeholder="Ce qui est réussi, puis ce qu'il faut chercher la prochaine fois.")
    garder = st.checkbox("Ajouter ce texte à ma bibliothèque pour cette situation",
                         disabled=genre not in formulations.GENRES_BIBLIOTHEQUE,
                         key=f"garder_{fiche_id}_{tour_appreciation}")
    if st.button("Envoyer l'appréciation", type="primary", icon=":material/send:", key=f"envoyer_{fiche_id}"):
        try:
            with session() as s:
                # A library sentence counts as used only when sent as it was chosen.
                formulation_id, texte_choisi = st.session_state.get(f"formulation_{fiche_id}") or (None, "")
                appreciations.ecrire(s, utilisateur, vue.eleve_id, redaction,
                                     fiche_id if portee == "fiche" else None, genre=genre, suite_de_id=suite_de,
                                     formulation_id=formulation_id if redaction.strip() == texte_choisi.strip() else None)
                if garder and genre in formulations.GENRES_BIBLIOTHEQUE:
                    formulations.ajouter(s, utilisateur, redaction, genre, c.situation)
                s.commit()
        except (appreciations.AppreciationInvalide, formulations.FormulationInvalide) as exc:
            st.error(str(exc))
        else:
            for cle in (f"formulation_{fiche_id}", f"suite_de_{fiche_id}"):
                st.session_state.pop(cle, None)
            st.session_state[f"tour_appreciation_{fiche_id}"] = tour_appreciation + 1
            annoncer("Appréciation envoyée : l'élève la voit dans ses nouveautés. Vous pouvez la corriger "
                     "pendant 15 minutes.")
            st.rerun()
    if genre in formulations.GENRES_BIBLIOTHEQUE and any(p.personnelle for p in propositions):
        with st.expander("Gérer mes formulations"):
            for p in (p for p in propositions if p.personnelle):
                ligne = st.columns([5, 1])
                portee_formulation = f"situation {p.situation}" if p.situation else "toutes les situations"
                ligne[0].markdown(texte_brut(f"{p.texte} ({portee_formulation}, utilisée {p.utilisations} fois)"))
                if ligne[1].button("Retirer", key=f"retirer_formulation_{p.formulation_id}"):
                    with session() as s:
                        formulations.retirer(s, utilisateur, p.formulation_id)
                        s.commit()
                    annoncer("Formulation retirée de votre bibliothèque.")
                    st.rerun()

with colonne_suivi:
    with st.container(border=True, key="positionnement"):
        tour_positionnement = st.session_state.get(f"tour_positionnement_{fiche_id}", 0)
        st.markdown("**Positionnement** (facultatif, jamais une note)")
        if vue.positionnements:
            dernier = vue.positionnements[0]
            badge_niveau(dernier.niveau, f"par {dernier.enseignant}, le {heure_locale(dernier.cree_le):%d/%m/%Y}")
        else:
            st.caption("Pas encore positionnée.")
        niveau = st.segmented_control("Niveau", list(NIVEAUX), format_func=libelle,
                                      key=f"niveau_{fiche_id}_{tour_positionnement}")
        commentaire = st.text_input("Commentaire (facultatif)", max_chars=1000,
                                    key=f"commentaire_niveau_{fiche_id}_{tour_positionnement}")
        if st.button("Positionner la fiche", key=f"positionner_{fiche_id}", disabled=niveau is None,
                     icon=":material/flag:"):
            try:
                with session() as s:
                    suivi.positionner(s, utilisateur, fiche_id, niveau, commentaire)
                    s.commit()
            except suivi.SuiviInvalide as exc:
                st.error(str(exc))
            else:
                st.session_state[f"tour_positionnement_{fiche_id}"] = tour_positionnement + 1
                annoncer(f"Fiche positionnée : {libelle(niveau)}.")
                st.rerun()
        if len(vue.positionnements) > 1:
            with st.expander(f"Historique ({len(vue.positionnements)} positionnements)"):
                for p in vue.positionnements:
                    badge_niveau(p.niveau, f"{p.enseignant}, le {heure_locale(p.cree_le):%d/%m/%Y %H:%M}"
                                 + (f" — {p.commentaire}" if p.commentaire else ""))
        for pfmp_tuteur, niveau_tuteur in vue.niveaux_tuteur:
            st.caption(texte_brut(f"Bilan du tuteur, {pfmp_tuteur}, sur cette situation :"))
            badge_niveau(niveau_tuteur)

    with st.container(border=True, key="guide_questionnement"):
        tour_guide = st.session_state.get(f"tour_guide_{fiche_id}", 0)
        st.markdown("**Guide de questionnement** pour l'explicitation orale")
        manques = {q.manque for q in vue.questions} - {"approfondir"}
        if manques:
            from passeport.guide import MANQUES

            st.caption(texte_brut("Ce qui manque à la fiche : " + ", ".join(
                MANQUES[m].lower() for m in MANQUES if m in manques) + "."))
        cle_guide = f"guide_{fiche_id}_v{vue.version}_{tour_guide}"
        posees = [q.code for q in vue.questions if st.checkbox(q.texte, key=f"{cle_guide}_{q.code}")]
        ajout = st.text_area("Ce que l'élève a ajouté à l'oral", key=f"{cle_guide}_ajout",
                             placeholder="Ses réponses, en quelques mots.")
        if st.button("Noter les questions posées", key=f"{cle_guide}_noter", icon=":material/record_voice_over:"):
            try:
                with session() as s:
                    suivi.noter_questionnement(s, utilisateur, fiche_id, posees, ajout)
                    s.commit()
            except suivi.SuiviInvalide as exc:
                st.error(str(exc))
            else:
                st.session_state[f"tour_guide_{fiche_id}"] = tour_guide + 1
                annoncer(f"{len(posees)} question(s) notée(s).")
                st.rerun()
        for q in vue.questionnements:
            with st.expander(texte_brut(f"Entretien du {heure_locale(q.cree_le):%d/%m/%Y} ({q.enseignant}, "
                                        f"version {q.version})")):
                for texte_question in q.questions:
                    st.markdown(texte_brut(f"• {texte_question}"))
                if q.ajout:
                    st.markdown("**Ce que l'élève a ajouté à l'oral**")
                    afficher_texte(q.ajout)
                if q.ajouts_depuis:
                    st.markdown("**Ce qu'il a réécrit dans la fiche depuis**")
                    for ecart in q.ajouts_depuis:
                        st.markdown(f"*{ecart.libelle}*")
                        st.html(ecart.html())

    if st.button("Marquer comme lue", key=f"lue_{fiche_id}", icon=":material/done_all:",
                 help="La fiche quitte vos nouveautés jusqu'à sa prochaine réécriture."):
        with session() as s:
            nouveautes.marquer_lue(s, utilisateur, fiche_id)
            s.commit()
        annoncer("Fiche marquée comme lue.")
        st.switch_page("pages/enseignant_nouveautes.py")
