"""The one vocabulary of the interface: labels, colours and signs of lieux, natures, statuts, motifs and levels.

Every page, chart and export takes its words and colours from here, so that a teacher and a student read the same
thing for the same fact. (Skeleton made by the lead at the start of issue 14: the "couleurs" work owns this file
and sets the final colour-blind-safe values; the names below are the interface the other parts import.)"""

from __future__ import annotations

from passeport.models import Lieu, Nature
from passeport.positionnement import COULEURS as _COULEURS_NIVEAU, ENCRES as _ENCRES_NIVEAU, NIVEAUX as _NIVEAUX
from passeport.statut import LIBELLES as _LIBELLES_STATUT, SYMBOLES as _SYMBOLES_STATUT, Statut

LIEUX: dict[str, str] = {
    Lieu.ETABLISSEMENT.value: "Établissement (espace professionnel, classe)",
    Lieu.SERVICES_EPLE.value: "Services de l'établissement",
    Lieu.PROJET.value: "Projet",
    Lieu.PFMP.value: "PFMP",
    Lieu.HORS_FORMATION.value: "Hors formation (emploi, association…)",
}
NATURES: dict[str, str] = {Nature.REELLE.value: "Réelle", Nature.SIMULEE.value: "Simulée"}

STATUTS: dict[Statut, str] = dict(_LIBELLES_STATUT)
SYMBOLES_STATUT: dict[Statut, str] = dict(_SYMBOLES_STATUT)
# From "nothing yet" to "ready for evaluation"; text colour readable on each background.
COULEURS_STATUT: dict[Statut, str] = {Statut.NON_TRAVERSEE: "#e9ecef", Statut.UNE_FOIS: "#a6cee3",
                                      Statut.REPETEE: "#4f94c4", Statut.EVALUABLE: "#08306b"}
ENCRES_STATUT: dict[Statut, str] = {Statut.NON_TRAVERSEE: "#1f1f1f", Statut.UNE_FOIS: "#1f1f1f",
                                    Statut.REPETEE: "#ffffff", Statut.EVALUABLE: "#ffffff"}

NIVEAUX: dict[int, str] = dict(_NIVEAUX)  # positionnement levels 1–4, shown by name, never averaged
COULEURS_NIVEAU: dict[int, str] = dict(_COULEURS_NIVEAU)
ENCRES_NIVEAU: dict[int, str] = dict(_ENCRES_NIVEAU)
SYMBOLES_NIVEAU: dict[int, str] = {1: "1", 2: "2", 3: "3", 4: "4"}

MOTIFS: dict[str, str] = {
    "jamais_traversee": "Jamais traversée",
    "une_seule_fois": "Traversée une seule fois",
    "sans_complexite_ni_alea": "Répétée, mais sans facteur de complexité ni aléa",
    "seulement_simulee": "Évaluable, mais seulement en situation simulée",
    "": "Choisie par l'équipe",
}
