"""The year change in one place: divisions of the year, SIECLE, STS-web, first passwords, what was done."""

import pandas as pd
import streamlit as st

from passeport import annee
from passeport.affichage import heure_locale
from passeport.documents.identifiants import pdf_feuille
from passeport.models import Role
from passeport.services import administration, annee_scolaire
from passeport.services.accueil import resume_etablissement
from ui.commun import adresse_de_connexion, exiger_role, session
from ui.import_scolarite import bloc_siecle, bloc_sts

utilisateur = exiger_role(Role.ADMIN)
with session() as s:
    annees = annee_scolaire.annees_connues(s, utilisateur)
    etablissement = resume_etablissement(s, utilisateur)
adresse = adresse_de_connexion()

st.title("Année scolaire")
st.write("La rentrée en quatre étapes, dans l'ordre : les divisions de l'année, les élèves (SIECLE), les enseignants "
         "(STS-web), puis les premiers mots de passe des nouveaux comptes. Chaque import montre d'abord ce qu'il va "
         "faire ; rien n'est enregistré avant votre confirmation. Les divisions des années passées restent lisibles, "
         "avec leurs élèves et leurs passeports.")
choisie = st.selectbox("Année de la rentrée", annees, index=annees.index(annee.annee_de_la_rentree()),
                       key="annee_rentree")

st.header("1. Divisions de l'année", divider="gray")
with session() as s:
    divisions = [d for d in administration.divisions(s, utilisateur) if d.annee_scolaire == choisie]
    precedentes = [d for d in administration.divisions(s, utilisateur)
                   if d.annee_scolaire == annee.precedente(choisie)]
if divisions:
    st.dataframe(pd.DataFrame([(d.nom, d.niveau, d.referentiel, d.eleves) for d in divisions],
                              columns=["Division", "Niveau", "Référentiel", "Élèves actifs"]), hide_index=True)
else:
    st.info(f"Aucune division en {choisie} pour l'instant.")
manquantes = sorted({d.nom for d in precedentes} - {d.nom for d in divisions})
if manquantes:
    st.write(f"Divisions de {annee.precedente(choisie)} absentes de {choisie} : {', '.join(manquantes)}.")
    if st.button(f"Reprendre ces divisions en {choisie} (même nom, niveau et référentiel)", key="reconduire"):
        with session() as s:
            annee_scolaire.reconduire_divisions(s, utilisateur, annee.precedente(choisie), choisie)
            s.commit()
        st.rerun()
st.page_link("pages/admin_equipe.py", label="Créer une autre division (page Équipe et divisions)",
             icon=":material/add:")
st.caption("L'import SIECLE crée aussi les divisions de ses élèves quand leur nom dit le niveau (2GA1, 1GA1, TGA1).")

st.header("2. Élèves : fichier SIECLE", divider="gray")
st.write("Dans SIECLE (Base élèves établissement) : **Exploitation > Exports XML génériques > Élèves sans adresses**. "
         "Déposez le fichier ElevesSansAdresses.xml, ou directement le fichier .zip téléchargé.")
bloc_siecle(utilisateur)

st.header("3. Enseignants : fichier STS-web", divider="gray")
st.write("Dans STS-web : **Mise à jour > Exports > Emplois du temps**. Déposez le fichier sts_emp_UAI_année.xml. "
         "Seuls les enseignants des divisions du passeport reçoivent un compte.")
bloc_sts(utilisateur)

st.header("4. Premiers mots de passe des nouveaux comptes", divider="gray")
with session() as s:
    nouveaux = administration.nouveaux_comptes(s, utilisateur)
if nouveaux:
    total = sum(n for _, n in nouveaux)
    st.write(f"{total} compte(s) n'ont encore jamais eu de mot de passe. La feuille ne concerne qu'eux : les comptes "
             "déjà utilisés gardent leur mot de passe.")
    st.dataframe(pd.DataFrame(nouveaux, columns=["Groupe", "Nouveaux comptes"]), hide_index=True)
    if st.button("Créer leurs mots de passe et la feuille à imprimer", type="primary", key="feuille_nouveaux"):
        with session() as s:
            groupes = administration.premiers_mots_de_passe_des_nouveaux(s, utilisateur)
            s.commit()
        st.session_state["feuille_nouveaux_pdf"] = (
            pdf_feuille(etablissement.nom, adresse, groupes), sum(len(i) for _, i in groupes))
        st.rerun()
elif "feuille_nouveaux_pdf" not in st.session_state:
    st.info("Tous les comptes ont déjà un mot de passe : aucune feuille à imprimer.")
if "feuille_nouveaux_pdf" in st.session_state:
    pdf, n = st.session_state["feuille_nouveaux_pdf"]
    st.success(f"{n} mot(s) de passe créé(s). Téléchargez la feuille maintenant : elle ne pourra pas être refaite "
               "sans créer de nouveaux mots de passe.")
    st.download_button("Télécharger la feuille des nouveaux comptes (PDF)", pdf, file_name="premiers-mots-de-passe.pdf",
                       mime="application/pdf", icon=":material/download:", key="telecharger_feuille_nouveaux")

st.header("Ce qui a été fait", divider="gray")
with session() as s:
    fait = annee_scolaire.journal_de_la_rentree(s, utilisateur)
if fait:
    st.dataframe(pd.DataFrame([(f"{heure_locale(e.quand):%d/%m/%Y %H:%M}", e.etape, e.details) for e in fait],
                              columns=["Quand", "Étape", "Détail"]), hide_index=True)
else:
    st.caption("Aucune étape de rentrée enregistrée pour l'instant.")

st.header("Divisions des années passées", divider="gray")
passees = [a for a in annees if a < choisie]
if not passees:
    st.caption("Aucune année passée.")
else:
    revue = st.selectbox("Année", passees, key="annee_passee")
    with session() as s:
        anciennes = annee_scolaire.divisions_de_l_annee(s, utilisateur, revue)
    for d in anciennes:
        with st.expander(f"{d.nom} ({d.niveau}) — {len(d.eleves)} élève(s) en {d.annee_scolaire}"):
            st.dataframe(pd.DataFrame([(e.nom_complet, e.identifiant, e.aujourd_hui) for e in d.eleves],
                                      columns=["Élève", "Identifiant", "Aujourd'hui"]), hide_index=True)
    st.caption("Le passeport d'un élève le suit d'une année à l'autre : pour le lire, page « Consulter un passeport ».")
