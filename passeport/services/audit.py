"""The audit journal: who did or read what, and when."""

from __future__ import annotations

from sqlalchemy.orm import Session

from passeport.models import EvenementAudit, maintenant


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
