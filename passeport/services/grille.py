"""The printable class grid (à la SACoche): students × situations of each pôle, statut as a sign, totals.

Plain data for passeport/documents/grille.py, taken from the same analytics as the dashboard's class map (statut
measure, same filters), for the teachers of the division only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

import analytics
from analytics import Entrepot, Filtres
from analytics.couverture import ORDRE_STATUTS
from passeport import acces
from passeport.models import Division
from passeport.services.livret import NOMS_DES_POLES
from passeport.statut import SYMBOLES
from passeport.statut import Statut


@dataclass(frozen=True)
class LigneGrille:
    eleve: str                 # "MOREAU Léa" (the identifiant added when two students share a name)
    statuts: list[Statut]      # one per situation of the pôle, in référentiel order
    traversees: int
    evaluables: int

    @property
    def symboles(self) -> list[str]:
        return [SYMBOLES[s] for s in self.statuts]


@dataclass(frozen=True)
class PoleGrille:
    code: str
    titre: str
    situations: list[tuple[str, str]]      # (code, title)
    lignes: list[LigneGrille]
    traversee_par: list[int]               # per situation: students who crossed it
    evaluable_pour: list[int]              # per situation: students for whom it is evaluable


@dataclass(frozen=True)
class GrilleClasse:
    division: str
    annee_scolaire: str
    etablissement: str
    date: dt.date
    filtres: list[str]                     # the filters used, in words ("Période : tout le passeport", …)
    poles: list[PoleGrille]
    nom_pole: str = "Pôle"                 # "Bloc" for AGORA


def filtres_en_mots(filtres: Filtres) -> list[str]:
    """The dashboard's filters as printed under the grid's title."""
    periode, lieux, natures = filtres.en_mots()
    return [f"Période : {periode}", f"Lieux : {lieux}", f"Natures : {natures}"]


def grille_depuis(carte: analytics.Carte, division: str, annee: str, etablissement: str, filtres: Filtres,
                  poles: list[str] | None = None, jour: dt.date | None = None,
                  nom_pole: str = "Pôle") -> GrilleClasse:
    """The grid built from a class map of the statut measure (pure: no database)."""
    if carte.metrique != "statut":
        raise ValueError("La grille se construit sur la mesure « statut ».")
    sit = carte.situations
    resultat = []
    for (code, titre), groupe in sit.groupby(["pole_code", "pole_titre"], sort=False):
        if poles is not None and code not in poles:
            continue
        codes = list(groupe["code"])
        valeurs = carte.valeurs.reindex(columns=codes).fillna(0).astype(int)
        lignes = []
        for eleve_id, libelle in zip(carte.eleves["eleve_id"], carte.eleves["libelle"]):
            statuts = [ORDRE_STATUTS[int(v)] for v in valeurs.loc[eleve_id]]
            lignes.append(LigneGrille(libelle, statuts, sum(s != Statut.NON_TRAVERSEE for s in statuts),
                                      sum(s == Statut.EVALUABLE for s in statuts)))
        resultat.append(PoleGrille(
            str(code), str(titre), list(zip(codes, groupe["titre"])), lignes,
            [int((valeurs[c] > 0).sum()) for c in codes],
            [int((valeurs[c] == ORDRE_STATUTS.index(Statut.EVALUABLE)).sum()) for c in codes]))
    return GrilleClasse(division, annee, etablissement, jour or dt.date.today(), filtres_en_mots(filtres), resultat,
                        nom_pole)


def grille_de_la_division(session: Session, acteur, entrepot: Entrepot, division_id: int,
                          filtres: Filtres = analytics.TOUT, poles: list[str] | None = None,
                          jour: dt.date | None = None) -> GrilleClasse:
    """The class grid of one of the teacher's divisions (students by name), with the dashboard's filters;
    ``poles`` keeps some pôles only (for instance the pôle of a CCF épreuve)."""
    acces.exiger_enseignant_de_division(session, acteur, division_id)
    division = session.get(Division, division_id)
    entrepot.actualiser()
    carte = analytics.carte(entrepot, division_id, "statut", filtres, "nom")
    return grille_depuis(carte, division.nom, division.annee_scolaire, division.etablissement.nom, filtres, poles,
                         jour, NOMS_DES_POLES.get(division.referentiel, "Pôle"))
