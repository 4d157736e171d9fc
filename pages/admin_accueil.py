import streamlit as st

from passeport.models import Role
from passeport.services import audit, etablissement
from passeport.services.accueil import resume_etablissement
from ui.commun import exiger_role, session

utilisateur = exiger_role(Role.ADMIN)
st.title("Administration de l'établissement")
with session() as s:
    resume = resume_etablissement(s, utilisateur.etablissement_id)
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
