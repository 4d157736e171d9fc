"""The 4 levels of a positionnement (teacher on a fiche, tutor in the PFMP report), in the Cerise Pro colours."""

from __future__ import annotations

NIVEAUX = {1: "À reprendre", 2: "En cours", 3: "Acquis", 4: "Maîtrisé"}
# Red, orange, light green, dark green: the colours teachers know from Cerise Pro.
COULEURS = {1: "#d62728", 2: "#ff9f1c", 3: "#9ad97a", 4: "#1a7f37"}
# Text colour readable on each background.
ENCRES = {1: "#ffffff", 2: "#1f1f1f", 3: "#1f1f1f", 4: "#ffffff"}


def libelle(niveau: int) -> str:
    """« 3 — Acquis »."""
    return f"{niveau} — {NIVEAUX[niveau]}"
