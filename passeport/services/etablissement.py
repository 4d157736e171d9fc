"""Settings of a school, changed by its administrator."""

from __future__ import annotations

from sqlalchemy.orm import Session

from passeport import acces
from passeport.models import Etablissement, Role
from passeport.services.audit import journaliser

QUOTA_MAX_MO = 5000


class ReglageInvalide(ValueError):
    pass


def definir_quota(session: Session, acteur, quota_mo: int) -> None:
    """Set the per-student attachment quota (in MB) of the administrator's school."""
    if acteur.role != Role.ADMIN or acteur.etablissement_id is None:
        raise acces.AccesRefuse("Seul l'administrateur de l'établissement règle le quota des pièces jointes.")
    if not 1 <= quota_mo <= QUOTA_MAX_MO:
        raise ReglageInvalide(f"Le quota doit être compris entre 1 et {QUOTA_MAX_MO} Mo.")
    etab = session.get(Etablissement, acteur.etablissement_id)
    journaliser(session, "quota_pieces_jointes", acteur.compte_id, acteur.role.value, "etablissement", etab.id,
                details=f"{etab.quota_pieces_jointes_mo} → {quota_mo} Mo")
    etab.quota_pieces_jointes_mo = quota_mo
