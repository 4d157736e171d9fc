"""Who may do what. Every service calls these checks: hiding a page is only comfort.

The signed-in user (services.comptes.Utilisateur) is the actor. A forbidden call raises AccesRefuse before
anything is written.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.journal import journaliser_consultation
from passeport.models import Division, Eleve, Enseignant, Role, enseignant_division

if TYPE_CHECKING:
    from passeport.services.comptes import Utilisateur


class AccesRefuse(PermissionError):
    """The actor may not do this; the message is safe to show."""

    def __init__(self, message: str = "Vous n'avez pas accès à cette action."):
        self.message = message
        super().__init__(message)


LECTURE_SEULE = ("Votre passeport est en lecture seule depuis votre départ de l'établissement : "
                 "vous pouvez le télécharger.")


def exiger_eleve(acteur: Utilisateur, lecture: bool = False) -> int:
    """The student id of ``acteur``; only a student writes fiches.

    A student who left the school (``lecture_seule``) is refused unless the caller only reads (``lecture=True``):
    writing is the default, so that a new write service is closed to former students without thinking of it."""
    if acteur.role != Role.ELEVE or acteur.eleve_id is None:
        raise AccesRefuse("Seul l'élève auteur peut écrire ou modifier ses fiches.")
    if not lecture and getattr(acteur, "lecture_seule", False):
        raise AccesRefuse(LECTURE_SEULE)
    return acteur.eleve_id


def exiger_proprietaire(acteur: Utilisateur, eleve_id: int) -> None:
    """Only the owner student may change the text of their passport (rule 1 of DESIGN.md); never after leaving."""
    if exiger_eleve(acteur) != eleve_id:
        raise AccesRefuse("Seul l'élève auteur peut écrire ou modifier ses fiches.")


# An administrator reads a passport only after opening an explicit consultation (with a reason), for this long.
DUREE_CONSULTATION_ADMIN = dt.timedelta(minutes=30)


def peut_lire_passeport(session: Session, acteur: Utilisateur, eleve_id: int) -> bool:
    """The owner, the teachers of the student's division, and an administrator with an open consultation."""
    if acteur.role == Role.ELEVE:
        return acteur.eleve_id == eleve_id
    if acteur.role == Role.ADMIN:
        from passeport.models import EvenementAudit, maintenant

        return session.scalar(select(EvenementAudit.id).where(
            EvenementAudit.action == "consultation_admin", EvenementAudit.compte_id == acteur.compte_id,
            EvenementAudit.eleve_id == eleve_id,
            EvenementAudit.cree_le > maintenant() - DUREE_CONSULTATION_ADMIN).limit(1)) is not None
    if acteur.role == Role.ENSEIGNANT:
        requete = (
            select(Eleve.id)
            .join(Division, Division.id == Eleve.division_id)
            .join(enseignant_division, enseignant_division.c.division_id == Division.id)
            .join(Enseignant, Enseignant.id == enseignant_division.c.enseignant_id)
            .where(Eleve.id == eleve_id, Enseignant.compte_id == acteur.compte_id)
        )
        return session.scalar(requete) is not None
    return False


def exiger_lecture_passeport(session: Session, acteur: Utilisateur, eleve_id: int) -> None:
    """Refuse a reader who may not read this passport; journal every read by someone else than its owner."""
    if not peut_lire_passeport(session, acteur, eleve_id):
        raise AccesRefuse("Ce passeport n'est pas accessible avec votre compte.")
    if acteur.eleve_id != eleve_id:
        journaliser_consultation(session, acteur, eleve_id)


def exiger_enseignant(acteur: Utilisateur, message: str = "Réservé aux enseignants.") -> None:
    """Teachers only (their inbox, their library of formulations)."""
    if acteur.role != Role.ENSEIGNANT:
        raise AccesRefuse(message)


def exiger_admin(acteur: Utilisateur) -> int:
    """The school of an administrator; anyone else is refused."""
    if acteur.role != Role.ADMIN or acteur.etablissement_id is None:
        raise AccesRefuse("Réservé à l'administrateur de l'établissement.")
    return acteur.etablissement_id


def exiger_equipe_etablissement(acteur, etablissement_id: int | None) -> None:
    """The school's shared settings (the team's lists of the référentiel): its teachers, its administrator, or the
    CLI's operator."""
    if est_operateur(acteur):
        if etablissement_id is None:
            raise AccesRefuse("Précisez l'établissement.")
        return
    if (acteur.role not in (Role.ENSEIGNANT, Role.ADMIN) or acteur.etablissement_id is None
            or acteur.etablissement_id != etablissement_id):
        raise AccesRefuse("Réservé aux enseignants et à l'administrateur de l'établissement.")


def exiger_membre_etablissement(acteur, etablissement_id: int | None) -> None:
    """What the school shows in its forms (the lists of the référentiel): its students, teachers, administrator."""
    if (acteur.role not in (Role.ELEVE, Role.ENSEIGNANT, Role.ADMIN) or acteur.etablissement_id is None
            or acteur.etablissement_id != etablissement_id):
        raise AccesRefuse("Cette information n'est pas accessible avec votre compte.")


def est_enseignant_de_division(session: Session, acteur: Utilisateur, division_id: int) -> bool:
    if acteur.role != Role.ENSEIGNANT:
        return False
    requete = (
        select(enseignant_division.c.division_id)
        .join(Enseignant, Enseignant.id == enseignant_division.c.enseignant_id)
        .where(enseignant_division.c.division_id == division_id, Enseignant.compte_id == acteur.compte_id)
    )
    return session.scalar(requete) is not None


def exiger_enseignant_de_division(session: Session, acteur: Utilisateur, division_id: int) -> None:
    """The class views of the cockpit: only the teachers of that division."""
    if not est_enseignant_de_division(session, acteur, division_id):
        raise AccesRefuse("Cette division n'est pas l'une des vôtres.")


def exiger_enseignant_de_l_eleve(session: Session, acteur: Utilisateur, eleve_id: int) -> None:
    """Goals and the student's profile in the cockpit: only the teachers of the student's division."""
    if acteur.role != Role.ENSEIGNANT or not peut_lire_passeport(session, acteur, eleve_id):
        raise AccesRefuse("Seuls les enseignants de la division de l'élève peuvent faire cela.")


def exiger_tuteur(acteur: Utilisateur) -> None:
    """A tutor signed in with an account (tutors coming through a link: ``exiger_lien_tuteur``)."""
    if acteur.role != Role.TUTEUR:
        raise AccesRefuse("Réservé aux tuteurs.")


LIEN_TUTEUR_INVALIDE = "Ce lien n'est plus valable : demandez-en un nouveau à l'enseignant de l'élève."


def exiger_lien_tuteur(session: Session, acces_tuteur, instant: dt.datetime | None = None) -> None:
    """A tutor coming through a link (services.pfmp.AccesTuteur, the actor of the tutor's pages): checked again in
    the database on every call, so that a link revoked or expired while the page is open, or a student who has left
    the school, ends the access at once."""
    from passeport.models import LienTuteur, maintenant

    instant = instant or maintenant()
    lien = session.get(LienTuteur, acces_tuteur.lien_id)
    if (lien is None or lien.pfmp_id != acces_tuteur.pfmp_id or lien.revoque_le is not None
            or lien.expire_le < instant or lien.pfmp.eleve_id != acces_tuteur.eleve_id):
        raise AccesRefuse(LIEN_TUTEUR_INVALIDE)
    sorti_le = session.get(Eleve, acces_tuteur.eleve_id).sorti_le
    if sorti_le is not None and sorti_le <= instant.date():
        raise AccesRefuse(LIEN_TUTEUR_INVALIDE)


class Operateur:
    """Whoever runs the ``passeport`` command on the server: they already hold the database and its files, so the
    CLI's services accept them (``exiger_operateur_ou_admin``). No account, no school: every other check refuses
    them (an administrator without a school), so an operator never slips through a page's check by mistake."""

    compte_id = None
    login = "operateur"
    role = Role.ADMIN
    nom_complet = "Exploitation (ligne de commande)"
    etablissement_id = None
    eleve_id = None
    lecture_seule = False
    doit_changer_mot_de_passe = False

    def __repr__(self) -> str:
        return "OPERATEUR"


OPERATEUR = Operateur()


def est_operateur(acteur) -> bool:
    return isinstance(acteur, Operateur)


def exiger_operateur_ou_admin(acteur, etablissement_id: int | None = None) -> None:
    """The CLI's operator, or the administrator of ``etablissement_id`` (None: an operator only)."""
    if est_operateur(acteur):
        return
    if etablissement_id is None or exiger_admin(acteur) != etablissement_id:
        raise AccesRefuse("Réservé à l'administrateur de l'établissement.")
