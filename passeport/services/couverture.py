"""A student's coverage of their référentiel: statut and number of fiches per situation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport import acces
from passeport.models import Eleve, Fiche, FicheVersion
from passeport.services.fiches import referentiel_de_l_eleve
from passeport.statut import Statut, statut


@dataclass(frozen=True)
class LigneSituation:
    code: str
    titre: str
    pole_code: str
    pole_titre: str
    classe_code: str
    classe_titre: str
    statut: Statut
    fiches: int


def couverture_eleve(session: Session, acteur, eleve_id: int) -> list[LigneSituation]:
    """Every situation of the student's référentiel, in référentiel order, with its statut (DESIGN.md)."""
    acces.exiger_lecture_passeport(session, acteur, eleve_id)
    ref = referentiel_de_l_eleve(session, eleve_id)
    requete = (
        select(FicheVersion.situation, FicheVersion.complexite, FicheVersion.aleas)
        .join(Fiche, (Fiche.id == FicheVersion.fiche_id) & (FicheVersion.numero == Fiche.version_courante))
        .where(Fiche.eleve_id == eleve_id, Fiche.supprimee_le.is_(None))
    )
    par_situation: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for situation, complexite, aleas in session.execute(requete):
        par_situation[situation].append((complexite, aleas))
    return [
        LigneSituation(
            s.code, s.titre, s.pole_code, ref.poles[s.pole_code].titre, s.classe_code, ref.classes[s.classe_code].titre,
            statut(par_situation.get(s.code, [])), len(par_situation.get(s.code, [])),
        )
        for s in ref.situations.values()
    ]


@dataclass(frozen=True)
class EnteteEleve:
    nom_complet: str
    division: str
    referentiel: str


def entete_eleve(session: Session, acteur, eleve_id: int) -> EnteteEleve:
    acces.exiger_lecture_passeport(session, acteur, eleve_id)
    eleve = session.get(Eleve, eleve_id)
    return EnteteEleve(eleve.compte.nom_complet, eleve.division.nom, eleve.division.referentiel)
