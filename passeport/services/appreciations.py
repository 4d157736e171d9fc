"""Appréciations as the student reads them: newest first, with the unread ones marked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from passeport import acces
from passeport.models import Appreciation, Compte, FicheVersion, Fiche, maintenant


@dataclass(frozen=True)
class LigneAppreciation:
    id: int
    fiche_id: int | None
    fiche_titre: str
    auteur: str
    texte: str
    cree_le: dt.datetime
    nouvelle: bool


def pour_l_eleve(session: Session, acteur, eleve_id: int, fiche_id: int | None = None) -> list[LigneAppreciation]:
    """Appréciations on the passport (fiche_id None: all of them, on fiches or the whole passport) or one fiche."""
    acces.exiger_lecture_passeport(session, acteur, eleve_id)
    requete = (
        select(Appreciation, Compte.prenom, Compte.nom, FicheVersion.titre)
        .outerjoin(Compte, Compte.id == Appreciation.auteur_id)
        .outerjoin(Fiche, Fiche.id == Appreciation.fiche_id)
        .outerjoin(FicheVersion, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
        .where(Appreciation.eleve_id == eleve_id)
        .order_by(Appreciation.cree_le.desc(), Appreciation.id.desc())
    )
    if fiche_id is not None:
        requete = requete.where(Appreciation.fiche_id == fiche_id)
    return [
        LigneAppreciation(a.id, a.fiche_id, titre or "", a.auteur_nom or f"{prenom or ''} {nom or ''}".strip(), a.texte,
                          a.cree_le, a.lue_le is None)
        for a, prenom, nom, titre in session.execute(requete)
    ]


def non_lues(session: Session, acteur, eleve_id: int) -> int:
    return sum(1 for a in pour_l_eleve(session, acteur, eleve_id) if a.nouvelle)


def marquer_lues(session: Session, acteur, ids: list[int]) -> None:
    """The student has seen these appréciations (only the owner's reading counts)."""
    eleve_id = acces.exiger_eleve(acteur)
    if ids:
        session.execute(
            update(Appreciation)
            .where(Appreciation.id.in_(ids), Appreciation.eleve_id == eleve_id, Appreciation.lue_le.is_(None))
            .values(lue_le=maintenant())
        )
