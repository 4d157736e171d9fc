"""The one definition of a situation's statut for a student (DESIGN.md), used everywhere."""

from __future__ import annotations

import enum
from collections.abc import Iterable


class Statut(enum.StrEnum):
    NON_TRAVERSEE = "non_traversee"
    UNE_FOIS = "une_fois"
    REPETEE = "repetee"
    EVALUABLE = "evaluable"


LIBELLES = {
    Statut.NON_TRAVERSEE: "Non traversée",
    Statut.UNE_FOIS: "Traversée une fois",
    Statut.REPETEE: "Répétée",
    Statut.EVALUABLE: "Évaluable",
}
# One sign a statut, readable in black and white: printed documents and the CCF grid, always with their legend.
SYMBOLES = {Statut.EVALUABLE: "E", Statut.REPETEE: "R", Statut.UNE_FOIS: "1", Statut.NON_TRAVERSEE: "—"}
LEGENDE = [(SYMBOLES[s], LIBELLES[s]) for s in (Statut.EVALUABLE, Statut.REPETEE, Statut.UNE_FOIS, Statut.NON_TRAVERSEE)]


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
