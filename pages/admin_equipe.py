"""Teachers and divisions: accounts, who teaches which division, next year's divisions, moving students, leavers."""

import streamlit as st

from passeport import annee, referentiel
from passeport.affichage import texte_brut
from passeport.models import Role
from passeport.services import administration
from ui.commun import exiger_role, session

utilisateur = exiger_role(Role.ADMIN)
with session() as s:
    divisions = administration.divisions(s, utilisateur)
    equipe = administration.enseignants(s, utilisateur)
noms_divisions = {d.id: f"{d.nom} ({d.annee_scolaire})" for d in divisions}

st.title("Équipe et divisions")
st.subheader("Enseignants")
for e in equipe:
    with st.container(border=True):
        st.markdown(texte_brut(f"{e.nom_complet} — {e.login} — {e.discipline or 'discipline non précisée'}"))
        choix = st.multiselect("Divisions", list(noms_divisions), default=list(e.division_ids),
                               format_func=noms_divisions.get, key=f"divisions_{e.compte_id}")
        if sorted(choix) != sorted(e.division_ids) and st.button("Enregistrer", key=f"lier_{e.compte_id}"):
            with session() as s:
                administration.lier_enseignant(s, utilisateur, e.compte_id, choix)
                s.commit()
            st.rerun()

with st.form("nouvel_enseignant", clear_on_submit=True):
    st.markdown("**Nouvel enseignant**")
    colonnes = st.columns(2)
    prenom = colonnes[0].text_input("Prénom")
    nom = colonnes[1].text_input("Nom")
    email = colonnes[0].text_input("Adresse électronique")
    discipline = colonnes[1].text_input("Discipline", placeholder="Économie-gestion, Lettres-histoire…")
    if st.form_submit_button("Créer le compte", type="primary"):
        with session() as s:
            try:
                ident = administration.creer_enseignant(s, utilisateur, prenom, nom, email, discipline)
                s.commit()
            except administration.ReglageRefuse as exc:
                st.error(str(exc))
            else:
                st.info(f"Compte créé : identifiant {ident.login}, mot de passe provisoire {ident.mot_de_passe} "
                        "(à changer à la première connexion ; il ne sera plus affiché).")

st.subheader("Divisions")
for d in divisions:
    ligne = st.columns([2, 2, 2, 1])
    ligne[0].write(f"{d.nom} — {d.niveau} — {d.eleves} élève(s)")
    annee_d = ligne[1].text_input("Année scolaire", value=d.annee_scolaire, key=f"annee_{d.id}")
    refs = referentiel.noms_disponibles()
    ref_d = ligne[2].selectbox("Référentiel", refs, index=refs.index(d.referentiel), key=f"ref_{d.id}")
    if (annee_d, ref_d) != (d.annee_scolaire, d.referentiel) and ligne[3].button("Enregistrer", key=f"regler_{d.id}"):
        with session() as s:
            try:
                administration.regler_division(s, utilisateur, d.id, annee_d, ref_d)
                s.commit()
            except administration.ReglageRefuse as exc:
                st.error(str(exc))
            else:
                st.rerun()

st.subheader("Nouvelle division")
with st.form("nouvelle_division", clear_on_submit=True):
    colonnes = st.columns(4)
    nom_division = colonnes[0].text_input("Nom", placeholder="1GA1")
    niveau = colonnes[1].selectbox("Niveau", ["2nde", "1re", "Tle"])
    annee_division = colonnes[2].text_input("Année scolaire", value=annee.annee_scolaire())
    nom_ref = colonnes[3].selectbox("Référentiel", referentiel.noms_disponibles())
    if st.form_submit_button("Créer la division"):
        with session() as s:
            try:
                administration.creer_division(s, utilisateur, nom_division, niveau, annee_division, nom_ref)
                s.commit()
            except administration.ReglageRefuse as exc:
                st.error(str(exc))
            else:
                st.rerun()

st.subheader("Changer un élève de division")
st.write("Pour le passage dans la division de l'année suivante : le passeport suit l'élève, rien n'est perdu.")
recherche = st.text_input("Nom ou identifiant de l'élève", key="recherche_eleve")
if recherche.strip():
    with session() as s:
        trouves = administration.chercher_eleves(s, utilisateur, recherche)
    if not trouves:
        st.caption("Aucun élève ne correspond.")
    for e in trouves:
        ligne = st.columns([3, 2, 1])
        ligne[0].markdown(texte_brut(f"{e.nom_complet} ({e.identifiant}) — {e.division}"))
        cible = ligne[1].selectbox("Nouvelle division", list(noms_divisions), format_func=noms_divisions.get,
                                   key=f"cible_{e.eleve_id}", label_visibility="collapsed")
        if ligne[2].button("Déplacer", key=f"deplacer_{e.eleve_id}"):
            with session() as s:
                try:
                    administration.changer_de_division(s, utilisateur, e.eleve_id, cible)
                    s.commit()
                except administration.ReglageRefuse as exc:
                    st.error(str(exc))
                else:
                    st.rerun()

st.subheader("Élève sorti de l'établissement")
st.write("Un élève qui quitte le lycée garde son compte en lecture seule : il se connecte, relit son passeport et "
         "le télécharge (ZIP), sans pouvoir rien y écrire.")
recherche_sortie = st.text_input("Nom ou identifiant de l'élève", key="recherche_sortie")
if recherche_sortie.strip():
    with session() as s:
        trouves_sortie = administration.chercher_eleves(s, utilisateur, recherche_sortie)
    if not trouves_sortie:
        st.caption("Aucun élève ne correspond.")
    for e in trouves_sortie:
        ligne = st.columns([3, 2, 1])
        etat = f" — sorti le {e.sorti_le:%d/%m/%Y}" if e.sorti_le else ""
        ligne[0].markdown(texte_brut(f"{e.nom_complet} ({e.identifiant}) — {e.division}{etat}"))
        if e.sorti_le is None:
            jour = ligne[1].date_input("Date de départ", format="DD/MM/YYYY", key=f"sortie_{e.eleve_id}",
                                       label_visibility="collapsed")
            faire, libelle = (lambda s, e=e, jour=jour: administration.enregistrer_sortie(
                s, utilisateur, e.eleve_id, jour)), "Marquer sorti"
        else:
            faire, libelle = (lambda s, e=e: administration.enregistrer_sortie(
                s, utilisateur, e.eleve_id, None)), "Annuler la sortie"
        if ligne[2].button(libelle, key=f"sortir_{e.eleve_id}"):
            with session() as s:
                try:
                    faire(s)
                    s.commit()
                except administration.ReglageRefuse as exc:
                    st.error(str(exc))
                else:
                    st.rerun()
