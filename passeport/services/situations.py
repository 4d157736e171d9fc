"""A student's 55 situations as their teachers read them: statut, fiches, last date, each teacher's latest position.

The teacher's profile of a student shows the same list as the student's home page (one statut definition,
passeport/statut.py), plus, per situation, the latest positionnement of each teacher who positioned one of its
fiches — one line a teacher, never an average — and every fiche of the situation to open."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport import acces
from passeport.models import Compte, Fiche, FicheVersion, Positionnement
from passeport.services.fiches import referentiel_de_l_eleve
from passeport.statut import Statut, statut


@dataclass(frozen=True)
class PositionDUnEnseignant:
    """The latest level a teacher gave to one of the situation's fiches."""

    enseignant: str
    niveau: int
    le: dt.datetime
    fiche_id: int


@dataclass(frozen=True)
class FicheDeLaSituation:
    id: int
    titre: str
    date_debut: dt.date
    lieu: str
    nature: str
    complexite: int
    aleas: int


@dataclass(frozen=True)
class SituationDeLEleve:
    code: str
    titre: str
    pole_code: str
    pole_titre: str
    classe_code: str
    classe_titre: str
    statut: Statut
    fiches: list[FicheDeLaSituation] = field(default_factory=list)  # latest lived first
    positions: list[PositionDUnEnseignant] = field(default_factory=list)  # one a teacher, by teacher's name

    @property
    def nb_fiches(self) -> int:
        return len(self.fiches)

    @property
    def derniere_date(self) -> dt.date | None:
        return self.fiches[0].date_debut if self.fiches else None


def situations_de_l_eleve(session: Session, acteur, eleve_id: int) -> list[SituationDeLEleve]:
    """Every situation of the student's référentiel, in référentiel order (the owner and the teachers of the
    student's division read it; a read by someone else than the student is journaled)."""
    acces.exiger_lecture_passeport(session, acteur, eleve_id)
    ref = referentiel_de_l_eleve(session, eleve_id)
    requete = (
        select(Fiche.id, FicheVersion.situation, FicheVersion.titre, FicheVersion.date_debut, FicheVersion.lieu,
               FicheVersion.nature, FicheVersion.complexite, FicheVersion.aleas)
        .join(FicheVersion, (Fiche.id == FicheVersion.fiche_id) & (FicheVersion.numero == Fiche.version_courante))
        .where(Fiche.eleve_id == eleve_id, Fiche.supprimee_le.is_(None))
    )
    par_situation: dict[str, list[FicheDeLaSituation]] = defaultdict(list)
    situation_de: dict[int, str] = {}
    for fiche_id, code, titre, debut, lieu, nature, complexite, aleas in session.execute(requete):
        par_situation[code].append(FicheDeLaSituation(fiche_id, titre, debut, getattr(lieu, "value", lieu),
                                                      getattr(nature, "value", nature), complexite, aleas))
        situation_de[fiche_id] = code
    positions = _dernieres_positions(session, situation_de)
    resultat = []
    for s in ref.situations.values():
        vecues = sorted(par_situation.get(s.code, []), key=lambda f: (f.date_debut, f.id), reverse=True)
        resultat.append(SituationDeLEleve(
            s.code, s.titre, s.pole_code, ref.poles[s.pole_code].titre, s.classe_code, ref.classes[s.classe_code].titre,
            statut((f.complexite, f.aleas) for f in vecues), vecues, positions.get(s.code, [])))
    return resultat


def _dernieres_positions(session: Session, situation_de: dict[int, str]) -> dict[str, list[PositionDUnEnseignant]]:
    """Per situation, the latest position of each teacher over the situation's fiches (latest by time, then id)."""
    if not situation_de:
        return {}
    requete = (select(Positionnement, Compte).join(Compte, Compte.id == Positionnement.enseignant_id)
               .where(Positionnement.fiche_id.in_(list(situation_de)))
               .order_by(Positionnement.cree_le, Positionnement.id))
    dernieres: dict[tuple[str, int], PositionDUnEnseignant] = {}
    for p, compte in session.execute(requete):  # oldest first: the latest overwrites
        dernieres[(situation_de[p.fiche_id], compte.id)] = PositionDUnEnseignant(
            compte.nom_complet, p.niveau, p.cree_le, p.fiche_id)
    par_situation: dict[str, list[PositionDUnEnseignant]] = defaultdict(list)
    for (code, _), position in dernieres.items():
        par_situation[code].append(position)
    return {code: sorted(liste, key=lambda p: p.enseignant) for code, liste in par_situation.items()}
