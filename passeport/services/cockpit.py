"""The teacher's cockpit: access checks, then the analytics (DuckDB over a copy of the store).

The pages call these functions, never ``analytics`` directly: a teacher sees only their divisions, and reading a
student's profile is journaled like any read of a passport."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

import analytics
from analytics import Entrepot, Filtres
from passeport import acces
from passeport.models import Division, Enseignant
from passeport.services import appreciations
from passeport.services.couverture import EnteteEleve, entete_eleve


@dataclass(frozen=True)
class DivisionDuCockpit:
    id: int
    nom: str
    niveau: str
    annee_scolaire: str
    referentiel: str


def mes_divisions(session: Session, acteur) -> list[DivisionDuCockpit]:
    """The divisions a teacher steers, latest school year first."""
    if acteur.role != "enseignant":
        raise acces.AccesRefuse("Le tableau de bord est réservé aux enseignants.")
    requete = (select(Division).join(Division.enseignants).where(Enseignant.compte_id == acteur.compte_id)
               .order_by(Division.annee_scolaire.desc(), Division.nom))
    return [DivisionDuCockpit(d.id, d.nom, d.niveau.value, d.annee_scolaire, d.referentiel)
            for d in session.scalars(requete)]


def carte_de_la_division(session: Session, acteur, entrepot: Entrepot, division_id: int, metrique: str = "statut",
                         filtres: Filtres = analytics.TOUT, tri: str = "couverture") -> analytics.Carte:
    acces.exiger_enseignant_de_division(session, acteur, division_id)
    entrepot.actualiser()
    return analytics.carte(entrepot, division_id, metrique, filtres, tri)


@dataclass
class Synthese:
    situations: pd.DataFrame      # per situation: traversee_par, evaluable_pour, peu_traversee, seulement_simulee …
    eleves: int
    pole_2: dict
    silencieux: pd.DataFrame
    par_semaine: pd.DataFrame
    lieux: pd.DataFrame


def synthese_de_la_division(session: Session, acteur, entrepot: Entrepot, division_id: int,
                            filtres: Filtres = analytics.TOUT, semaines_silence: int = 3, seuil_peu: int = 3,
                            aujourd_hui: dt.date | None = None) -> Synthese:
    acces.exiger_enseignant_de_division(session, acteur, division_id)
    entrepot.actualiser()
    aujourd_hui = aujourd_hui or dt.date.today()

    def calculer() -> Synthese:
        situations = analytics.situations_de_la_classe(entrepot, division_id, filtres, seuil_peu)
        return Synthese(
            situations=situations,
            eleves=int(situations["eleves"].max()) if not situations.empty else 0,
            pole_2=analytics.pole_signale(entrepot, division_id, filtres),
            silencieux=analytics.eleves_silencieux(entrepot, division_id, semaines_silence, aujourd_hui),
            par_semaine=analytics.fiches_par_semaine(entrepot, division_id, filtres),
            lieux=analytics.lieux_par_eleve(entrepot, division_id, filtres),
        )

    # The pandas work on top of the queries is most of a rerun: kept with the division's stamp.
    return entrepot.memoiser(("synthese", division_id, filtres, semaines_silence, seuil_peu, aujourd_hui), calculer,
                             division_id=division_id)


@dataclass
class Profil:
    entete: EnteteEleve
    par_pole: pd.DataFrame
    par_classe: pd.DataFrame
    couverture: pd.DataFrame
    echelle: pd.DataFrame
    progression: pd.DataFrame
    tendance: pd.DataFrame
    lieux_natures: pd.DataFrame
    retenues: pd.DataFrame
    appreciations: list


def profil_de_l_eleve(session: Session, acteur, entrepot: Entrepot, eleve_id: int,
                      filtres: Filtres = analytics.TOUT) -> Profil:
    """Everything the student profile shows; the read is journaled (the student sees who read their passport)."""
    acces.exiger_enseignant_de_l_eleve(session, acteur, eleve_id)
    entete = entete_eleve(session, acteur, eleve_id)  # journals the read
    entrepot.actualiser()
    return Profil(
        entete=entete,
        par_pole=analytics.profil.couverture_par_pole(entrepot, eleve_id, filtres),
        par_classe=analytics.couverture_par_classe(entrepot, eleve_id, filtres),
        couverture=analytics.couverture(entrepot, eleve_id=eleve_id, filtres=filtres),
        echelle=analytics.echelle(entrepot, eleve_id, filtres),
        progression=analytics.progression_par_situation(entrepot, eleve_id, filtres),
        tendance=analytics.tendance_mensuelle(entrepot, eleve_id, filtres),
        lieux_natures=analytics.lieux_et_natures(entrepot, eleve_id, filtres),
        retenues=analytics.fiches_retenues(entrepot, eleve_id),
        appreciations=appreciations.pour_l_eleve(session, acteur, eleve_id),
    )


def objectifs_suggeres(session: Session, acteur, entrepot: Entrepot, eleve_id: int,
                       nombre: int | None = None) -> pd.DataFrame:
    """The suggested PFMP goals of a student (DESIGN.md rules), best first."""
    acces.exiger_enseignant_de_l_eleve(session, acteur, eleve_id)
    entrepot.actualiser()
    return analytics.objectifs(entrepot, eleve_id, nombre)


def export_de_la_division(session: Session, acteur, entrepot: Entrepot, division_id: int,
                          filtres: Filtres = analytics.TOUT) -> pd.DataFrame:
    """The coverage of one of the teacher's divisions for a meeting, with the cockpit's filters: one row per
    student × situation, names and identifiants, French headers (analytics.exports.tableau_couverture)."""
    acces.exiger_enseignant_de_division(session, acteur, division_id)
    entrepot.actualiser()
    return entrepot.memoiser(("export_de_la_division", division_id, filtres), lambda: analytics.exports.tableau_couverture(
        analytics.couverture(entrepot, division_id=division_id, filtres=filtres)), division_id=division_id)
