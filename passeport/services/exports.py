"""CSV exports in the interchange formats of DESIGN.md."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.csvio import ecrire_csv
from passeport.models import Eleve, Fiche, FicheVersion
from passeport.services.imports import COLONNES_FICHES


def _lignes_fiches(session: Session) -> Iterator[list[str]]:
    # Byte order of identifiants whatever the database's locale: the same file from SQLite and PostgreSQL.
    identifiant = Eleve.identifiant.collate("C") if session.get_bind().dialect.name == "postgresql" else Eleve.identifiant
    requete = (
        select(Eleve.identifiant, Fiche.retenue, FicheVersion)
        .join(Fiche, Fiche.eleve_id == Eleve.id)
        .join(FicheVersion, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
        .where(Fiche.supprimee_le.is_(None))
        .order_by(identifiant, Fiche.id)
        .execution_options(yield_per=1000)
    )
    for identifiant, retenue, v in session.execute(requete):
        yield [
            identifiant, v.situation, v.titre, v.date_debut.isoformat(),
            v.date_fin.isoformat() if v.date_fin else "", v.lieu.value, v.nature.value, v.organisation,
            v.contexte, v.conditions, v.demarche, v.productions, str(v.complexite), v.complexite_details,
            str(v.aleas), v.aleas_details, "1" if retenue else "0",
        ]


def exporter_fiches(session: Session, sortie: Path | str) -> int:
    """Write the current version of every non-deleted fiche to ``sortie``; return the number of fiches."""
    return ecrire_csv(sortie, COLONNES_FICHES, _lignes_fiches(session))
