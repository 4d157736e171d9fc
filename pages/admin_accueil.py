import streamlit as st

from passeport.models import Role
from passeport.services import audit, conservation, etablissement
from passeport.services.accueil import resume_etablissement
from ui.commun import exiger_role, session

utilisateur = exiger_role(Role.ADMIN)
st.title("Administration de l'établissement")
with session() as s:
    resume = resume_etablissement(s, utilisateur)
st.write(f"{resume.nom} (UAI {resume.uai})")
colonnes = st.columns(4)
colonnes[0].metric("Divisions", resume.divisions)
for colonne, (role, libelle) in zip(colonnes[1:], [("eleve", "Élèves"), ("enseignant", "Enseignants"),
                                                   ("admin", "Administrateurs")]):
    colonne.metric(libelle, resume.comptes_par_role.get(role, 0))

st.subheader("Pièces jointes des élèves")
with st.form("quota"):
    quota = st.number_input("Espace par élève (Mo)", min_value=1, max_value=etablissement.QUOTA_MAX_MO,
                            value=resume.quota_pieces_jointes_mo, step=50)
    if st.form_submit_button("Enregistrer le quota"):
        with session() as s:
            try:
                etablissement.definir_quota(s, utilisateur, int(quota))
                s.commit()
            except etablissement.ReglageInvalide as exc:
                st.error(str(exc))
            else:
                st.success(f"Quota enregistré : {int(quota)} Mo par élève.")

st.subheader("Conservation des données des anciens élèves")
with session() as s:
    etat_conservation = conservation.etat_conservation(s, utilisateur)
st.write("Un élève sorti de l'établissement garde son compte en lecture seule pour lire et exporter son passeport "
         "pendant la durée ci-dessous, comptée depuis sa date de sortie ; ensuite la purge du serveur efface son compte "
         "et tout son passeport, pièces jointes comprises.")
with st.form("conservation"):
    mois = st.number_input("Durée de conservation après le départ (mois)", min_value=conservation.CONSERVATION_MIN_MOIS,
                           max_value=conservation.CONSERVATION_MAX_MOIS, value=etat_conservation.mois, step=1)
    if st.form_submit_button("Enregistrer la durée"):
        with session() as s:
            try:
                conservation.definir_conservation(s, utilisateur, int(mois))
                s.commit()
            except conservation.ConservationInvalide as exc:
                st.error(str(exc))
            else:
                st.success(f"Durée de conservation enregistrée : {int(mois)} mois après le départ.")
                etat_conservation = conservation.etat_conservation(s, utilisateur)
if etat_conservation.anciens:
    st.dataframe([{"Ancien élève": a.nom_complet, "Division": a.division, "Sorti le": f"{a.sorti_le:%d/%m/%Y}",
                   "Effacé après le": f"{a.conserve_jusqu_au:%d/%m/%Y}"} for a in etat_conservation.anciens],
                 hide_index=True)
else:
    st.caption("Aucun ancien élève : aucune date de sortie n'est enregistrée.")

st.subheader("Journal des accès")
st.write("Connexions, consultations de passeports, changements de mots de passe : tout est noté. "
         "L'export est lui-même inscrit au journal.")
if st.button("Préparer l'export du journal (CSV)", key="preparer_journal"):
    with session() as s:
        st.session_state["journal_csv"] = audit.journal_csv(s, utilisateur)
        s.commit()
if "journal_csv" in st.session_state:
    st.download_button("Télécharger le journal", st.session_state["journal_csv"], file_name="journal-des-acces.csv",
                       mime="text/csv", key="telecharger_journal", icon=":material/download:")
