"""The filters of the cockpit: dates (or a school year), lieux, natures of the fiches counted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from passeport.libelles import LIEUX, NATURES
from passeport.models import Lieu, Nature


@dataclass(frozen=True)
class Filtres:
    """Which fiches count. Empty = no filter. Dates apply to the day the situation was lived (date_debut)."""

    debut: dt.date | None = None
    fin: dt.date | None = None
    lieux: tuple[str, ...] = ()
    natures: tuple[str, ...] = ()

    def __post_init__(self):
        inconnus = [x for x in self.lieux if x not in set(Lieu)] + [x for x in self.natures if x not in set(Nature)]
        if inconnus:
            raise ValueError(f"Filtre inconnu : {', '.join(inconnus)}")
        if self.debut and self.fin and self.fin < self.debut:
            raise ValueError("La date de fin du filtre précède sa date de début.")

    @classmethod
    def annee_scolaire(cls, annee: str, **autres) -> Filtres:
        """The school year "2025-2026": from 1 September 2025 to 31 August 2026."""
        premiere = int(annee[:4])
        return cls(debut=dt.date(premiere, 9, 1), fin=dt.date(premiere + 1, 8, 31), **autres)

    def en_mots(self) -> tuple[str, str, str]:
        """(période, lieux, natures) as a teacher reads them, for the titles of exports and printed grids."""
        if self.debut and self.fin:
            periode = f"du {self.debut:%d/%m/%Y} au {self.fin:%d/%m/%Y}"
        elif self.debut:
            periode = f"à partir du {self.debut:%d/%m/%Y}"
        elif self.fin:
            periode = f"jusqu'au {self.fin:%d/%m/%Y}"
        else:
            periode = "tout le passeport"
        lieux = ", ".join(LIEUX[x] for x in LIEUX if x in self.lieux) or "tous"
        natures = ", ".join(NATURES[x] for x in NATURES if x in self.natures) or "réelles et simulées"
        return periode, lieux, natures

    def parametres(self) -> dict:
        """The $debut, $fin, $lieux, $natures of the SQL files (NULL = no filter)."""
        return {
            "debut": self.debut,
            "fin": self.fin,
            "lieux": list(self.lieux) or None,
            "natures": list(self.natures) or None,
        }


TOUT = Filtres()
