"""The "livret" download block shared by the student's home and the teacher's student profile (UI only)."""

from __future__ import annotations

import re
import unicodedata

import streamlit as st
from sqlalchemy.orm import Session

from passeport.documents.livret import pdf_livret
from passeport.services import livret
from ui.commun import engine


def _nom_de_fichier(nom: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", nom).encode("ascii", "ignore").decode()
    return "livret-" + (re.sub(r"[^A-Za-z0-9]+", "-", ascii_).strip("-").lower() or "eleve") + ".pdf"


def bloc_livret(utilisateur, eleve_id: int, nom_eleve: str, poles: dict[str, str], cle: str,
                titre: str = "Mon livret") -> None:
    """Options (pôle, all fiches, with appréciations) and a button that builds the PDF when clicked."""
    with st.expander(titre, icon=":material/menu_book:"):
        st.caption("Le livret de compétences professionnelles : une couverture, le tableau de couverture par pôle, "
                   "puis la fiche retenue de chaque situation vécue (sinon la plus récente). À imprimer ou à "
                   "joindre à un dossier.")
        colonnes = st.columns(3)
        pole = colonnes[0].selectbox("Pôle", [None, *poles], key=f"{cle}_pole",
                                     format_func=lambda p: "Tous les pôles" if p is None else f"Pôle {p} — {poles[p]}")
        toutes = colonnes[1].checkbox("Toutes les fiches", key=f"{cle}_toutes",
                                      help="Toutes les fiches de chaque situation, pas seulement la fiche retenue.")
        avec = colonnes[2].checkbox("Avec les appréciations", key=f"{cle}_appreciations",
                                    help="Les appréciations des enseignants et des tuteurs, et les bilans de PFMP.")
        moteur = engine()

        def construire() -> bytes:
            # Built only when the button is clicked (a few seconds for a whole passport), not at every rerun.
            with Session(moteur, expire_on_commit=False) as s:
                donnees = livret.donnees_livret(s, utilisateur, eleve_id, pole, toutes, avec, avec)
                s.commit()  # a teacher's read is journaled
            return pdf_livret(donnees)

        st.download_button("Télécharger le livret (PDF)", data=construire, file_name=_nom_de_fichier(nom_eleve),
                           mime="application/pdf", icon=":material/download:", on_click="ignore",
                           key=f"{cle}_telecharger")


def bouton_grille(utilisateur, division_id: int, nom_division: str, filtres, cle: str = "grille",
                  poles: list[str] | None = None) -> None:
    """A button that prints the class grid (PDF, A4 landscape, one page per pôle) with the filters given."""
    from ui.cockpit import entrepot_partage
    from passeport.documents.grille import pdf_grille_classe
    from passeport.services.grille import grille_de_la_division

    moteur, copie = engine(), entrepot_partage()  # built at the click: refreshed then, not pinned to this run

    def construire() -> bytes:
        with Session(moteur, expire_on_commit=False) as s:
            grille = grille_de_la_division(s, utilisateur, copie, division_id, filtres, poles)
        return pdf_grille_classe(grille)

    st.download_button("Grille de la classe (PDF)", data=construire, file_name=f"grille-{nom_division}.pdf",
                       mime="application/pdf", icon=":material/print:", on_click="ignore", key=f"{cle}_telecharger",
                       help="Élèves × situations, un pôle par page (A4 paysage), avec les filtres choisis.")
