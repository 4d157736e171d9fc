"""The one vocabulary of the interface: labels, colours and signs of lieux, natures, statuts, motifs and levels.

Every page, chart and export takes its words and colours from here, so that a teacher and a student read the same
thing for the same fact. The colours are chosen for everyone: tests/test_couleurs.py simulates deuteranopia,
protanopia and tritanopia on the colours the pages actually draw and checks that any two levels stay far apart
(ΔE 2000) and that the ink on each background is readable (WCAG contrast 4.5:1 at least). A level is never shown by
its colour alone: each one carries its sign (SYMBOLES_STATUT, SYMBOLES_NIVEAU) or its name."""

from __future__ import annotations

import datetime as dt

from passeport.models import Lieu, Nature
from passeport.statut import Statut

LIEUX: dict[str, str] = {
    Lieu.ETABLISSEMENT.value: "Établissement (espace professionnel, classe)",
    Lieu.SERVICES_EPLE.value: "Services de l'établissement",
    Lieu.PROJET.value: "Projet",
    Lieu.PFMP.value: "PFMP",
    Lieu.HORS_FORMATION.value: "Hors formation (emploi, association…)",
}
NATURES: dict[str, str] = {Nature.REELLE.value: "Réelle", Nature.SIMULEE.value: "Simulée"}
# The levels in words (glossary of DESIGN.md): never "2 / 3", which reads like a mark.
COMPLEXITES: dict[int, str] = {1: "situation courante", 2: "un facteur de complexité",
                               3: "plusieurs facteurs de complexité"}
ALEAS: dict[int, str] = {0: "aucun aléa", 1: "un aléa rencontré et traité", 2: "plusieurs aléas"}

STATUTS: dict[Statut, str] = {
    Statut.NON_TRAVERSEE: "Non traversée",
    Statut.UNE_FOIS: "Traversée une fois",
    Statut.REPETEE: "Répétée",
    Statut.EVALUABLE: "Évaluable",
}
# One sign a statut, readable in black and white: printed documents, the CCF grid and the statut cells of the
# pages, always with their legend. Kept as they were (the printed grids already use them).
SYMBOLES_STATUT: dict[Statut, str] = {Statut.EVALUABLE: "E", Statut.REPETEE: "R", Statut.UNE_FOIS: "1",
                                      Statut.NON_TRAVERSEE: "—"}
# One blue, from "nothing yet" (almost white) to "ready for evaluation" (night blue): ordered by lightness, so that
# the order reads the same under any colour-vision deficiency and in grey. Teacher and student pages alike.
COULEURS_STATUT: dict[Statut, str] = {Statut.NON_TRAVERSEE: "#f3f5f8", Statut.UNE_FOIS: "#8ab4ea",
                                      Statut.REPETEE: "#4570a8", Statut.EVALUABLE: "#062d59"}
ENCRES_STATUT: dict[Statut, str] = {Statut.NON_TRAVERSEE: "#1f1f1f", Statut.UNE_FOIS: "#1f1f1f",
                                    Statut.REPETEE: "#ffffff", Statut.EVALUABLE: "#ffffff"}

# Positionnement levels 1–4 (teacher on a fiche, tutor in the PFMP report, the team's CCF decision): shown by their
# name (and sign), never as "2/4" nor averaged.
NIVEAUX: dict[int, str] = {1: "À reprendre", 2: "En cours", 3: "Acquis", 4: "Maîtrisé"}
# Orange (still to work on) to purple (mastered), after ColorBrewer's PuOr (its light purple darkened, to stay apart
# from an empty cell under tritanopia): distinct from the statut blues and safe for the three common colour-vision
# deficiencies (Cerise Pro's red/green were not: "À reprendre" and "Maîtrisé" became one olive under deuteranopia).
COULEURS_NIVEAU: dict[int, str] = {1: "#b35806", 2: "#fdb863", 3: "#9c84c7", 4: "#542788"}
ENCRES_NIVEAU: dict[int, str] = {1: "#ffffff", 2: "#1f1f1f", 3: "#1f1f1f", 4: "#ffffff"}
# The codes of the printed CCF documents: a level still reads in black and white and for those who see no colour.
SYMBOLES_NIVEAU: dict[int, str] = {1: "AR", 2: "EC", 3: "AC", 4: "MA"}

# Why a situation is suggested as a PFMP goal, in priority order (DESIGN.md); "" is a goal the team chose itself.
MOTIFS: dict[str, str] = {
    "jamais_traversee": "Jamais traversée",
    "une_seule_fois": "Traversée une seule fois",
    "sans_complexite_ni_alea": "Répétée, mais sans facteur de complexité ni aléa",
    "seulement_simulee": "Évaluable, mais seulement en situation simulée",
    "": "Choisie par l'équipe",
}

VIDE = "—"  # what a page shows for a missing value, never "None" or "nan"
MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre")
JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def niveau(n: int) -> str:
    """A positionnement level as pickers and messages show it: « AC · Acquis »."""
    return f"{SYMBOLES_NIVEAU[n]} · {NIVEAUX[n]}"


def niveau_ou_rien(n) -> str:
    """A positionnement level in a table cell: « AC · Acquis », or « — » when the fiche has none (NaN, None)."""
    try:
        return niveau(int(n))
    except (TypeError, ValueError):  # None, NaN, pandas' NA
        return VIDE


def statut_signe(s: Statut | str) -> str:
    """A statut with its sign, as the statut cells show it: « E · Évaluable »."""
    s = Statut(s)
    return f"{SYMBOLES_STATUT[s]} · {STATUTS[s]}"


def nombre(x: float | int | None, decimales: int = 1) -> str:
    """A number the French way: decimal comma, narrow no-break space between thousands, « — » when missing.
    ``nombre(2.5)`` → « 2,5 », ``nombre(1234)`` → « 1 234 », ``nombre(3.0)`` → « 3 »."""
    if x is None or x != x:  # NaN is the only value not equal to itself
        return VIDE
    texte = f"{x:,.{decimales}f}"
    if "." in texte:
        texte = texte.rstrip("0").rstrip(".")
    if texte in ("-0", "0"):
        texte = "0"
    return texte.replace(",", "\u202f").replace(".", ",")


def pourcentage(x: float | None, decimales: int = 0) -> str:
    """A share (0–1) as « 37 % » (no-break space before %), « — » when missing."""
    if x is None or x != x:
        return VIDE
    return f"{nombre(round(x * 100, decimales), decimales)}\u00a0%"


def date_longue(jour: dt.date | None) -> str:
    """« 5 décembre 2026 » (« — » when missing)."""
    if jour is None:
        return VIDE
    return f"{jour.day} {MOIS[jour.month - 1]} {jour.year}"
