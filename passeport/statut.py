"""The one definition of a situation's statut for a student (DESIGN.md), used everywhere."""

from __future__ import annotations

import enum
from collections.abc import Iterable


class Statut(enum.StrEnum):
    NON_TRAVERSEE = "non_traversee"
    UNE_FOIS = "une_fois"
    REPETEE = "repetee"
    EVALUABLE = "evaluable"


def __getattr__(nom: str):
    """LIBELLES, SYMBOLES and LEGENDE, for the modules that import them from here: the words and signs live in
    passeport/libelles.py (the one vocabulary), which imports Statut from this module."""
    from passeport import libelles
    ordre = (Statut.EVALUABLE, Statut.REPETEE, Statut.UNE_FOIS, Statut.NON_TRAVERSEE)
    valeurs = {"LIBELLES": libelles.STATUTS, "SYMBOLES": libelles.SYMBOLES_STATUT,
               "LEGENDE": [(libelles.SYMBOLES_STATUT[s], libelles.STATUTS[s]) for s in ordre]}
    if nom not in valeurs:
        raise AttributeError(f"module {__name__!r} has no attribute {nom!r}")
    return valeurs[nom]


def statut(fiches: Iterable[tuple[int, int]]) -> Statut:
    """Statut from the (complexite, aleas) pairs of the student's non-deleted fiches on one situation."""
    paires = list(fiches)
    if not paires:
        return Statut.NON_TRAVERSEE
    if len(paires) == 1:
        return Statut.UNE_FOIS
    if any(complexite >= 2 or aleas >= 1 for complexite, aleas in paires):
        return Statut.EVALUABLE
    return Statut.REPETEE
