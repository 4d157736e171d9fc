"""The 4 levels of a positionnement (teacher on a fiche, tutor in the PFMP report, the team's CCF decision).

Their words, signs and colours live in passeport/libelles.py (the one vocabulary); the names below are kept for the
modules that import them from here."""

from __future__ import annotations

from passeport.libelles import COULEURS_NIVEAU as COULEURS, ENCRES_NIVEAU as ENCRES, NIVEAUX, SYMBOLES_NIVEAU
from passeport.libelles import niveau as libelle

__all__ = ["COULEURS", "ENCRES", "NIVEAUX", "SYMBOLES_NIVEAU", "libelle"]
