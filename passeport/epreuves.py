"""The CCF épreuves and the pôles they cover.

The official ones are data: ``referentiels/epreuves.csv`` (GA 2012: E31 → pôle 1, E32 → pôle 3, E33 → pôle 4 in
CCF; E2 → pôle 2, a written test). AGORA's are entered by a school's team (``EpreuveLocale`` rows, see
passeport.services.ccf), and read here beside the official ones.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.models import EpreuveLocale
from passeport.referentiel import RACINE, Referentiel

CHEMIN_EPREUVES = RACINE / "referentiels" / "epreuves.csv"
COLONNES = ("referentiel", "epreuve", "unite", "titre", "pole_code", "coefficient", "mode")


class EpreuveInconnue(LookupError):
    """No such épreuve for this référentiel (and school); the message is safe to show."""

    def __init__(self, code: str, referentiel: str):
        self.message = f"Épreuve « {code} » inconnue pour le référentiel {referentiel}."
        super().__init__(self.message)


@dataclass(frozen=True)
class Epreuve:
    referentiel: str
    code: str  # "E31"
    titre: str
    poles: tuple[str, ...]  # pôle (bloc) codes covered
    mode: str  # "CCF", "ponctuel écrit 3 h"…
    unite: str = ""
    coefficient: int | None = None
    officielle: bool = True  # False: entered by the school's team

    @property
    def en_ccf(self) -> bool:
        return self.mode.upper().startswith("CCF")

    @property
    def libelle(self) -> str:
        """« E31 — Gestion administrative des relations externes (pôle 1) »."""
        poles = ", ".join(self.poles)
        return f"{self.code} — {self.titre} (pôle{'s' if len(self.poles) > 1 else ''} {poles})"

    def situations(self, referentiel: Referentiel) -> list[str]:
        """The codes of the référentiel's situations that belong to this épreuve's pôles, in référentiel order."""
        return [code for code, s in referentiel.situations.items() if s.pole_code in self.poles]


@functools.cache
def officielles() -> tuple[Epreuve, ...]:
    """Every épreuve of referentiels/epreuves.csv, in file order (read once per process)."""
    with CHEMIN_EPREUVES.open(encoding="utf-8-sig", newline="") as f:
        lignes = list(csv.DictReader(f, delimiter=";"))
    return tuple(
        Epreuve(referentiel=l["referentiel"], code=l["epreuve"], titre=l["titre"], poles=tuple(l["pole_code"].split("|")),
                mode=l["mode"], unite=l["unite"], coefficient=int(l["coefficient"]) if l["coefficient"] else None)
        for l in lignes
    )


def epreuves(session: Session, etablissement_id: int | None, referentiel: str) -> list[Epreuve]:
    """The épreuves of a référentiel for a school: the official ones, then those its team entered (not withdrawn)."""
    liste = [e for e in officielles() if e.referentiel == referentiel]
    if etablissement_id is not None:
        locales = session.scalars(
            select(EpreuveLocale).where(EpreuveLocale.etablissement_id == etablissement_id,
                                        EpreuveLocale.referentiel == referentiel, EpreuveLocale.retiree_le.is_(None))
            .order_by(EpreuveLocale.code)
        )
        liste += [Epreuve(referentiel=e.referentiel, code=e.code, titre=e.titre, poles=tuple(e.poles.split("|")),
                          mode=e.mode, officielle=False) for e in locales]
    return liste


def epreuve(session: Session, etablissement_id: int | None, referentiel: str, code: str) -> Epreuve:
    """One épreuve by its code (« E31 »), or EpreuveInconnue."""
    code = code.strip().upper()
    for e in epreuves(session, etablissement_id, referentiel):
        if e.code.upper() == code:
            return e
    raise EpreuveInconnue(code, referentiel)
