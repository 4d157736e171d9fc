"""Nouveautés: what changed since one last looked.

A teacher's inbox lists the fiches of their divisions created or rewritten (a new version) since their last visit,
that is since they last marked everything as read, minus the fiches they marked as read at their current version.
Before a first visit, the inbox covers the last 14 days (not the whole year since the account was imported). Each entry says which version to compare with: the one the teacher
marked as read, else the last one saved before the visit; none for a fiche created since.

A student's inbox lists the appréciations they have not read and the PFMP goals they have not seen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, aliased

from passeport import acces
from passeport.models import (
    Appreciation, Compte, Division, Eleve, Enseignant, Fiche, FicheVersion, LectureFiche, ObjectifPfmp, Pfmp,
    enseignant_division, maintenant,
)
from passeport.services import appreciations, objectifs


def _exiger_enseignant(acteur) -> None:
    acces.exiger_enseignant(acteur, "Les nouveautés des divisions sont réservées aux enseignants.")


PREMIERE_VISITE = dt.timedelta(days=14)


def derniere_visite(session: Session, acteur) -> dt.datetime:
    """When the teacher last marked everything as read; before that, 14 days ago (or the account's creation)."""
    _exiger_enseignant(acteur)
    compte = session.get(Compte, acteur.compte_id)
    return compte.nouveautes_vues_le or max(compte.cree_le, maintenant() - PREMIERE_VISITE)


def _requete(acteur, depuis: dt.datetime):
    courante = aliased(FicheVersion)
    lecture = aliased(LectureFiche)
    return (
        select(Fiche.id, Fiche.eleve_id, Fiche.version_courante, courante.situation, courante.titre, courante.cree_le,
               Compte.prenom, Compte.nom, Compte.login, Division.nom.label("division"), lecture.version_lue)
        .join(courante, (courante.fiche_id == Fiche.id) & (courante.numero == Fiche.version_courante))
        .join(Eleve, Eleve.id == Fiche.eleve_id)
        .join(Compte, Compte.id == Eleve.compte_id)
        .join(Division, Division.id == Eleve.division_id)
        .join(enseignant_division, enseignant_division.c.division_id == Division.id)
        .join(Enseignant, Enseignant.id == enseignant_division.c.enseignant_id)
        .outerjoin(lecture, (lecture.fiche_id == Fiche.id) & (lecture.compte_id == acteur.compte_id))
        .where(Enseignant.compte_id == acteur.compte_id, Fiche.supprimee_le.is_(None),
               Fiche.modifiee_le > depuis, courante.cree_le > depuis,
               (lecture.version_lue.is_(None)) | (lecture.version_lue < Fiche.version_courante))
    )


@dataclass(frozen=True)
class FicheNouvelle:
    fiche_id: int
    eleve_id: int
    eleve: str
    division: str
    situation: str
    titre: str
    version: int
    enregistree_le: dt.datetime
    version_precedente: int | None  # the version to compare with; None: a fiche created since the last visit

    @property
    def reecrite(self) -> bool:
        return self.version_precedente is not None


def fiches_nouvelles(session: Session, acteur) -> list[FicheNouvelle]:
    """The teacher's inbox, latest first."""
    depuis = derniere_visite(session, acteur)
    lignes = session.execute(_requete(acteur, depuis)).all()
    ids = [ligne.id for ligne in lignes]
    avant_visite = dict(session.execute(
        select(FicheVersion.fiche_id, func.max(FicheVersion.numero))
        .where(FicheVersion.fiche_id.in_(ids), FicheVersion.cree_le <= depuis)
        .group_by(FicheVersion.fiche_id)).all()) if ids else {}
    nouvelles = [
        FicheNouvelle(l.id, l.eleve_id, f"{l.prenom} {l.nom}".strip() or l.login, l.division, l.situation, l.titre,
                      l.version_courante, l.cree_le,
                      l.version_lue if l.version_lue is not None else avant_visite.get(l.id))
        for l in lignes
    ]
    return sorted(nouvelles, key=lambda n: (n.enregistree_le, n.fiche_id), reverse=True)


def nombre_de_fiches_nouvelles(session: Session, acteur) -> int:
    """The count shown on the navigation."""
    depuis = derniere_visite(session, acteur)
    return session.scalar(select(func.count()).select_from(_requete(acteur, depuis).subquery()))


def marquer_lue(session: Session, acteur, fiche_id: int) -> None:
    """The teacher has read this fiche at its current version: it leaves the inbox until it is rewritten."""
    marquer_lues(session, acteur, [fiche_id])


def marquer_lues(session: Session, acteur, fiche_ids: list[int]) -> None:
    """Several fiches read at once (the ones a filtered inbox shows); all or nothing."""
    _exiger_enseignant(acteur)
    # Three queries whatever the number of fiches: the fiches, one access check per student, the marks.
    fiches = {f.id: f for f in session.scalars(select(Fiche).where(Fiche.id.in_(fiche_ids)))}
    if len(fiches) != len(set(fiche_ids)):
        raise acces.AccesRefuse("Cette fiche n'existe pas.")
    for eleve_id in {f.eleve_id for f in fiches.values()}:
        acces.exiger_enseignant_de_l_eleve(session, acteur, eleve_id)
    lectures = {l.fiche_id: l for l in session.scalars(select(LectureFiche).where(
        LectureFiche.compte_id == acteur.compte_id, LectureFiche.fiche_id.in_(fiches)))}
    instant = maintenant()
    for fiche in fiches.values():
        lecture = lectures.get(fiche.id)
        if lecture is None:
            session.add(LectureFiche(compte_id=acteur.compte_id, fiche_id=fiche.id,
                                     version_lue=fiche.version_courante, lue_le=instant))
        else:
            lecture.version_lue, lecture.lue_le = fiche.version_courante, instant
    session.flush()


def tout_marquer_lu(session: Session, acteur, instant: dt.datetime | None = None) -> None:
    """The teacher's visit: everything saved until ``instant`` is read (the page passes the time it read the
    inbox, so that a fiche saved meanwhile stays in it)."""
    _exiger_enseignant(acteur)
    session.get(Compte, acteur.compte_id).nouveautes_vues_le = instant or maintenant()
    # The per-fiche marks are older than the visit: the visit says more.
    session.execute(delete(LectureFiche).where(LectureFiche.compte_id == acteur.compte_id))


# --- the student's side ------------------------------------------------------------------------------------------


@dataclass
class NouveautesEleve:
    appreciations: list[appreciations.LigneAppreciation]
    objectifs: list[tuple[str, list[objectifs.Objectif]]]  # (PFMP "organisation, dates", its goals)

    @property
    def nombre(self) -> int:
        return len(self.appreciations) + sum(len(buts) for _, buts in self.objectifs)


def _objectifs_non_vus(session: Session, eleve_id: int):
    return (select(ObjectifPfmp, Pfmp).join(Pfmp, Pfmp.id == ObjectifPfmp.pfmp_id)
            .where(Pfmp.eleve_id == eleve_id, ObjectifPfmp.vu_le.is_(None))
            .order_by(Pfmp.date_debut.desc(), ObjectifPfmp.rang))


def pour_l_eleve(session: Session, acteur) -> NouveautesEleve:
    """The student's new appréciations (unread) and goals (unseen)."""
    eleve_id = acces.exiger_eleve(acteur, lecture=True)
    nouvelles = [a for a in appreciations.pour_l_eleve(session, acteur, eleve_id) if a.nouvelle]
    periodes = dict.fromkeys(p for _, p in session.execute(_objectifs_non_vus(session, eleve_id)))
    buts = [(f"{p.organisation.nom}, du {p.date_debut:%d/%m/%Y} au {p.date_fin:%d/%m/%Y}",
             objectifs.objectifs_de_la_pfmp(session, acteur, p.id)) for p in periodes]
    return NouveautesEleve(nouvelles, buts)


def nombre_pour_l_eleve(session: Session, acteur) -> int:
    eleve_id = acces.exiger_eleve(acteur, lecture=True)
    appreciations_non_lues = session.scalar(
        select(func.count()).select_from(Appreciation)
        .where(Appreciation.eleve_id == eleve_id, Appreciation.lue_le.is_(None), Appreciation.retiree_le.is_(None)))
    buts = session.scalar(select(func.count()).select_from(_objectifs_non_vus(session, eleve_id).subquery()))
    return appreciations_non_lues + buts


def marquer_vues(session: Session, acteur, jusqua: dt.datetime | None = None) -> None:
    """The student has seen their inbox as it was at ``jusqua`` (the time the page read it): what arrived since
    stays new."""
    eleve_id = acces.exiger_eleve(acteur)
    jusqua = jusqua or maintenant()
    session.execute(update(Appreciation).where(
        Appreciation.eleve_id == eleve_id, Appreciation.lue_le.is_(None), Appreciation.retiree_le.is_(None),
        func.coalesce(Appreciation.modifiee_le, Appreciation.cree_le) <= jusqua).values(lue_le=maintenant()))
    pfmp_ids = select(Pfmp.id).where(Pfmp.eleve_id == eleve_id)
    session.execute(update(ObjectifPfmp).where(ObjectifPfmp.pfmp_id.in_(pfmp_ids), ObjectifPfmp.vu_le.is_(None),
                                               ObjectifPfmp.cree_le <= jusqua)
                    .values(vu_le=maintenant()))
