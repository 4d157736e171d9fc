"""« Emporter mon passeport (ZIP) »: the student's full export, built on click, then downloaded."""

import streamlit as st

from passeport.acces import AccesRefuse
from passeport.affichage import taille_lisible
from passeport.services import archive
from ui.commun import session


def bloc_emporter(utilisateur) -> None:
    """A small block: build the ZIP of the student's own passport on click, then offer it for download."""
    with st.container(border=True):
        st.markdown("**Emporter mon passeport (ZIP)**")
        st.caption("Tout votre passeport : chaque version de vos fiches, les appréciations, les PFMP et vos "
                   "pièces jointes. Un autre établissement peut le réimporter.")
        cle = f"archive_{utilisateur.eleve_id}"
        if st.button("Préparer le fichier", icon=":material/folder_zip:", key="preparer_archive"):
            try:
                with session() as s:
                    contenu = archive.archive_de_l_eleve(s, utilisateur, utilisateur.eleve_id)
                    nom = archive.nom_de_l_archive(s, utilisateur.eleve_id)
                    s.commit()  # the journal line
            except AccesRefuse as exc:
                st.error(exc.message)
            else:
                st.session_state[cle] = (nom, contenu)
        if cle in st.session_state:
            nom, contenu = st.session_state[cle]
            st.download_button(f"Télécharger {nom} ({taille_lisible(len(contenu))})", contenu, file_name=nom,
                               mime="application/zip", icon=":material/download:", key="telecharger_archive")
