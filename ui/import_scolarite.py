"""The SIECLE and STS-web imports as the « Année scolaire » page shows them: file, preview, confirmation.

The preview is computed again at each run from the uploaded bytes (the services write nothing for it); the
confirmation applies only the plan whose fingerprint was shown. No rule here: the services decide.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from passeport import referentiel
from passeport.acces import AccesRefuse
from passeport.affichage import texte_brut
from passeport.csvio import FichierInvalide
from passeport.services import rentree
from ui.commun import session

# Behind the rectorat's nginx an upload is capped at 11 Mo (deploy/nginx.conf); SIECLE's ZIP is far smaller.
TAILLE_MAX_MO = 10


def _refus(exc: FichierInvalide) -> None:
    st.error("Ce fichier ne peut pas être importé : rien n'a été enregistré.")
    st.code("\n".join(exc.erreurs), language=None)


def _tableau(lignes, colonnes: dict[str, str]) -> None:
    """A read-only table of plan lines (names are data, never markup)."""
    st.dataframe(pd.DataFrame([[getattr(l, a) for a in colonnes] for l in lignes], columns=list(colonnes.values())),
                 hide_index=True, use_container_width=True)


def _resultat(cle: str) -> None:
    fait = st.session_state.pop(f"{cle}_fait", None)
    if fait:
        st.success(texte_brut(f"Import enregistré : {fait}"), icon=":material/task_alt:")


def _confirmer(cle: str, plan, appliquer) -> None:
    """The « Confirmer l'import » button: applies the plan shown (``appliquer(session)``), then says what was done."""
    if not st.button("Confirmer l'import", type="primary", disabled=bool(plan.problemes), key=f"{cle}_confirmer"):
        return
    try:
        with session() as s:
            fait = appliquer(s)
            s.commit()
    except rentree.ApercuPerime as exc:
        st.warning(exc.message)
    except FichierInvalide as exc:
        _refus(exc)
    except AccesRefuse as exc:
        st.error(exc.message)
    else:
        st.session_state[f"{cle}_fait"] = fait.resume()
        st.rerun()


def bloc_siecle(utilisateur, cle: str = "siecle") -> None:
    """Upload of ElevesSansAdresses.xml (or its ZIP), preview of what it does, confirmation."""
    from passeport.services.rentree_siecle import appliquer_siecle, prevoir_siecle

    _resultat(cle)
    fichier = st.file_uploader("Fichier SIECLE : ElevesSansAdresses.xml (ou le fichier .zip de SIECLE)",
                               type=["xml", "zip"], key=f"{cle}_fichier", max_upload_size=TAILLE_MAX_MO)
    if fichier is None:
        return
    contenu = fichier.getvalue()
    refs = referentiel.noms_disponibles()
    choix = f"{cle}_divisions_{fichier.file_id}"  # another file, other divisions: a fresh choice
    options = {"divisions_choisies": st.session_state.get(choix),
               "referentiel_nouvelles": st.session_state.get(f"{cle}_referentiel", refs[0])}
    if options["divisions_choisies"] is not None:
        options["divisions_choisies"] = set(options["divisions_choisies"])
    try:
        with session() as s:
            plan = prevoir_siecle(s, utilisateur, contenu, utilisateur.etablissement_id, **options)
    except FichierInvalide as exc:
        _refus(exc)
        return
    st.markdown(f"**Aperçu** — année scolaire du fichier : **{plan.annee_scolaire}**. Rien n'est enregistré tant que "
                "vous n'avez pas confirmé.")
    noms = [nom for nom, _ in plan.divisions_du_fichier]
    effectifs = dict(plan.divisions_du_fichier)
    colonnes = st.columns([3, 1])
    colonnes[0].multiselect("Divisions à importer (les autres classes du lycée sont laissées de côté)", noms,
                            default=noms, key=choix,
                            format_func=lambda n: f"{n} ({effectifs[n]} élève{'s' if effectifs[n] > 1 else ''})")
    colonnes[1].selectbox("Référentiel des nouvelles divisions", refs, key=f"{cle}_referentiel",
                          help="Une division nouvelle où arrivent des élèves déjà inscrits prend leur référentiel.")
    if plan.problemes:
        st.error(f"{len(plan.problemes)} problème(s) empêchent l'import : corrigez-les dans SIECLE (ou créez la "
                 "division manquante), puis reprenez le fichier. Rien n'a été enregistré.")
        st.code("\n".join(plan.problemes), language=None)
    chiffres = st.columns(5)
    for colonne, (libelle, n) in zip(chiffres, (
            ("Élèves créés", len(plan.crees)), ("Élèves déplacés", len(plan.deplaces)),
            ("Mis à jour", len(plan.mis_a_jour)), ("Sortis", len(plan.sortis)),
            ("Divisions créées", len(plan.divisions_creees)))):
        colonne.metric(libelle, n)
    eleve = {"identifiant": "Identifiant (INE)", "nom": "Nom", "prenom": "Prénom", "division": "Division",
             "detail": "Changement"}
    for titre, lignes in (("Élèves créés", plan.crees), ("Élèves déplacés (leur passeport les suit)", plan.deplaces),
                          ("Élèves mis à jour", plan.mis_a_jour),
                          ("Élèves sortis de l'établissement (compte en lecture seule, passeport conservé)",
                           plan.sortis)):
        if lignes:
            with st.expander(f"{titre} : {len(lignes)}"):
                _tableau(lignes, eleve)
    if plan.divisions_creees:
        with st.expander(f"Divisions créées : {len(plan.divisions_creees)}", expanded=True):
            _tableau(plan.divisions_creees, {"nom": "Division", "niveau": "Niveau", "referentiel": "Référentiel"})
    for raison in plan.ignores:
        st.caption(f"Laissés de côté : {raison}.")
    if plan.inchanges:
        st.caption(f"Déjà à jour : {plan.inchanges} élève(s).")
    if plan.rien_a_faire and not plan.problemes:
        st.info(plan.resume())
        return
    _confirmer(cle, plan, lambda s: appliquer_siecle(s, utilisateur, contenu, utilisateur.etablissement_id,
                                                     plan.empreinte, **options))


def bloc_sts(utilisateur, cle: str = "sts") -> None:
    """Upload of sts_emp_<UAI>_<année>.xml, preview of the teachers and links it adds, confirmation."""
    from passeport.services.rentree_sts import appliquer_sts, prevoir_sts

    _resultat(cle)
    fichier = st.file_uploader("Fichier STS-web : sts_emp_UAI_année.xml", type=["xml", "zip"], key=f"{cle}_fichier",
                               max_upload_size=TAILLE_MAX_MO)
    if fichier is None:
        return
    contenu = fichier.getvalue()
    try:
        with session() as s:
            plan = prevoir_sts(s, utilisateur, contenu, utilisateur.etablissement_id)
    except FichierInvalide as exc:
        _refus(exc)
        return
    st.markdown(f"**Aperçu** — année scolaire du fichier : **{plan.annee_scolaire}**. Rien n'est enregistré tant que "
                "vous n'avez pas confirmé.")
    if plan.problemes:
        st.error(f"{len(plan.problemes)} problème(s) empêchent l'import. Rien n'a été enregistré.")
        st.code("\n".join(plan.problemes), language=None)
    chiffres = st.columns(3)
    for colonne, (libelle, n) in zip(chiffres, (
            ("Enseignants créés", len(plan.enseignants_crees)), ("Enseignants retrouvés", len(plan.enseignants_retrouves)),
            ("Liens avec des divisions ajoutés", plan.liens_ajoutes))):
        colonne.metric(libelle, n)
    if plan.enseignants_crees:
        with st.expander(f"Comptes d'enseignants créés (sans mot de passe : voir l'étape 4) : "
                         f"{len(plan.enseignants_crees)}", expanded=True):
            st.dataframe(pd.DataFrame([(e.nom, e.prenom, e.login, e.discipline, ", ".join(e.divisions))
                                       for e in plan.enseignants_crees],
                                      columns=["Nom", "Prénom", "Identifiant", "Discipline", "Divisions"]),
                         hide_index=True, use_container_width=True)
    if plan.enseignants_retrouves:
        with st.expander(f"Enseignants déjà connus : {len(plan.enseignants_retrouves)}", expanded=True):
            st.dataframe(pd.DataFrame([(e.nom, e.prenom, e.login, ", ".join(e.divisions_ajoutees),
                                        "par le nom" if e.par_le_nom else "par le numéro STS-web")
                                       for e in plan.enseignants_retrouves],
                                      columns=["Nom", "Prénom", "Identifiant", "Divisions ajoutées", "Retrouvé"]),
                         hide_index=True, use_container_width=True)
    if plan.deja_a_jour:
        st.caption(f"Déjà à jour : {plan.deja_a_jour} enseignant(s).")
    if plan.ignores:
        exemples = f" (par exemple {', '.join(plan.ignores_exemples)})" if plan.ignores_exemples else ""
        st.caption(f"Laissés de côté : {plan.ignores} enseignant(s) d'aucune division du passeport{exemples}.")
    if plan.divisions_du_fichier_absentes:
        st.caption("Divisions du fichier qui ne sont pas dans le passeport cette année (laissées de côté) : "
                   + ", ".join(plan.divisions_du_fichier_absentes) + ".")
    if plan.rien_a_faire and not plan.problemes:
        st.info(plan.resume())
        return
    _confirmer(cle, plan, lambda s: appliquer_sts(s, utilisateur, contenu, utilisateur.etablissement_id,
                                                  plan.empreinte))
