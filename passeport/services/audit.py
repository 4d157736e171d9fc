"""The audit journal: who did or read what, and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.models import Compte, EvenementAudit, maintenant


def journaliser(
    session: Session, action: str, compte_id: int | None = None, role: str = "", objet_type: str = "",
    objet_id: int | None = None, eleve_id: int | None = None, details: str = "",
) -> EvenementAudit:
    """Append one event (in the caller's transaction). Never put a password or a token in ``details``."""
    evenement = EvenementAudit(
        action=action, compte_id=compte_id, role=role, objet_type=objet_type, objet_id=objet_id,
        eleve_id=eleve_id, details=details, cree_le=maintenant(),
    )
    session.add(evenement)
    return evenement


# A teacher clicking around a passport reruns the page many times: one journal line per quarter of an hour.
INTERVALLE_CONSULTATIONS = dt.timedelta(minutes=15)


def journaliser_consultation(session: Session, acteur, *eleve_ids: int) -> None:
    """Note that ``acteur`` read these passports (one, or a whole class at once: one query, then the missing
    lines); the caller commits."""
    instant = maintenant()
    recentes = set(session.scalars(
        select(EvenementAudit.eleve_id).where(
            EvenementAudit.action == "consultation", EvenementAudit.compte_id == acteur.compte_id,
            EvenementAudit.eleve_id.in_(eleve_ids), EvenementAudit.cree_le > instant - INTERVALLE_CONSULTATIONS,
        )
    ))
    for eleve_id in dict.fromkeys(eleve_ids):
        if eleve_id not in recentes:
            journaliser(session, "consultation", acteur.compte_id, acteur.role.value, "passeport", eleve_id, eleve_id)


@dataclass(frozen=True)
class Consultation:
    quand: dt.datetime
    qui: str
    role: str


def consultations_de_mon_passeport(session: Session, acteur) -> list[Consultation]:
    """Who read the student's passport, newest first (the student's own reads are not listed)."""
    from passeport import acces

    eleve_id = acces.exiger_eleve(acteur, lecture=True)
    from passeport.models import Extrait

    # An opening of a share link (passeport.services.extraits) has no account: it is named by the extract's title.
    lignes = session.execute(
        select(EvenementAudit.cree_le, Compte.prenom, Compte.nom, EvenementAudit.role, Extrait.titre)
        .outerjoin(Compte, Compte.id == EvenementAudit.compte_id)
        .outerjoin(Extrait, (EvenementAudit.objet_type == "extrait") & (Extrait.id == EvenementAudit.objet_id))
        .where(EvenementAudit.action.in_(("consultation", "consultation_admin", "consultation_extrait")),
               EvenementAudit.eleve_id == eleve_id)
        .order_by(EvenementAudit.cree_le.desc(), EvenementAudit.id.desc())
    )
    return [Consultation(quand, f"Lien de partage « {titre} »" if titre is not None else f"{prenom} {nom}".strip(),
                         ROLES.get(role, role)) for quand, prenom, nom, role, titre in lignes]


ROLES = {"enseignant": "enseignant·e", "tuteur": "tuteur ou tutrice", "admin": "administration", "eleve": "élève",
         "lien": "personne ayant le lien"}
COLONNES_JOURNAL = ["date", "compte", "role", "action", "objet", "objet_id", "eleve", "details"]


def journal_csv(session: Session, acteur) -> bytes:
    """The school's journal (events of the administrator's school's accounts) as a CSV file."""
    from passeport import acces
    from passeport.csvio import csv_octets
    from passeport.models import Eleve

    etablissement_id = acces.exiger_admin(acteur)
    requete = (
        select(EvenementAudit, Compte.login, Eleve.identifiant)
        .join(Compte, Compte.id == EvenementAudit.compte_id)
        .outerjoin(Eleve, Eleve.id == EvenementAudit.eleve_id)
        .where(Compte.etablissement_id == etablissement_id)
        .order_by(EvenementAudit.id)
    )
    lignes = (
        [e.cree_le.isoformat(sep=" ", timespec="seconds"), login, e.role, e.action, e.objet_type,
         "" if e.objet_id is None else str(e.objet_id), identifiant or "", e.details]
        for e, login, identifiant in session.execute(requete)
    )
    journaliser(session, "export_journal", acteur.compte_id, acteur.role.value)
    return csv_octets(COLONNES_JOURNAL, lignes)
