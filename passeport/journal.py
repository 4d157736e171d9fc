"""The journal's two writers, shared by passeport.acces (every read of a passport by someone else than its owner is
journaled) and the services: a module of its own so that acces never imports the services (no import cycle)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.models import EvenementAudit, maintenant


def journaliser(
    session: Session, action: str, compte_id: int | None = None, role: str = "", objet_type: str = "",
    objet_id: int | None = None, eleve_id: int | None = None, details: str = "", adresse: str | None = None,
) -> EvenementAudit:
    """Append one event (in the caller's transaction). Never put a password or a token in ``details``.
    ``adresse``: the client's address, for sign-ins and openings of a shared link."""
    evenement = EvenementAudit(
        action=action, compte_id=compte_id, role=role, objet_type=objet_type, objet_id=objet_id,
        eleve_id=eleve_id, details=details, cree_le=maintenant(), adresse=adresse[:64] if adresse else None,
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
