"""The Lettres teacher's view: the raw writing of a division's fiches and simple writing indicators over time.

Reading the fiches' text is a read of each student's passport: it is journaled like any other. Notes to a student
are appréciations of the kind « mise en mots » (services.appreciations), never a change in the student's text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport import acces, ecriture, referentiel
from passeport.models import Compte, Division, Eleve, Fiche, FicheVersion
from passeport.services.audit import journaliser_consultation
from passeport.services.fiches import CHAMPS_CONTENU, ContenuFiche


@dataclass(frozen=True)
class Ecrit:
    fiche_id: int
    eleve_id: int
    eleve: str
    date_debut: dt.date
    contenu: ContenuFiche
    indicateurs: ecriture.Indicateurs


@dataclass
class EcritsDeLaDivision:
    ecrits: list[Ecrit]  # newest first
    par_periode: pd.DataFrame  # ecriture.COLONNES_TABLEAU
    par_eleve: pd.DataFrame  # ecriture.COLONNES_SYNTHESE


def ecrits_de_la_division(session: Session, acteur, division_id: int, periode: str = "M",
                          depuis: dt.date | None = None) -> EcritsDeLaDivision:
    """The current text of every fiche of the division (not in a bin), with its indicators, per student and period."""
    acces.exiger_enseignant_de_division(session, acteur, division_id)
    ref = referentiel.charger(session.get(Division, division_id).referentiel)
    # Columns, not ORM objects: a division holds some 2,000 fiches and building objects cost most of the time.
    requete = (
        select(Fiche.id, Fiche.eleve_id, Compte.prenom, Compte.nom, Compte.login,
               *(getattr(FicheVersion, champ) for champ in CHAMPS_CONTENU))
        .join(FicheVersion, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
        .join(Eleve, Eleve.id == Fiche.eleve_id)
        .join(Compte, Compte.id == Eleve.compte_id)
        .where(Eleve.division_id == division_id, Fiche.supprimee_le.is_(None))
        .order_by(FicheVersion.date_debut.desc(), Fiche.id.desc())
    )
    if depuis is not None:
        requete = requete.where(FicheVersion.date_debut >= depuis)
    vocabulaires: dict[str, frozenset[str]] = {}
    ecrits, lignes = [], []
    for ligne in session.execute(requete):
        fiche_id, eleve_id, prenom, nom, login, *champs = ligne
        contenu = ContenuFiche(**dict(zip(CHAMPS_CONTENU, champs)))
        eleve = f"{prenom} {nom}".strip() or login  # as Compte.nom_complet
        if contenu.situation not in vocabulaires:
            vocabulaires[contenu.situation] = (ecriture.vocabulaire_du_referentiel(ref, contenu.situation)
                                               if contenu.situation in ref.situations else frozenset())
        indicateurs = ecriture.indicateurs(contenu, vocabulaires[contenu.situation])
        ecrits.append(Ecrit(fiche_id, eleve_id, eleve, contenu.date_debut, contenu, indicateurs))
        lignes.append((eleve_id, eleve, contenu.date_debut, indicateurs))
    journaliser_consultation(session, acteur, *session.scalars(select(Eleve.id).where(
        Eleve.division_id == division_id)))
    par_periode = ecriture.tableau_des_indicateurs(lignes, periode)
    return EcritsDeLaDivision(ecrits, par_periode, ecriture.synthese_par_eleve(par_periode))
