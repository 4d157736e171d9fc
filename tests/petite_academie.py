"""A tiny académie for the académie-wide outputs (coverage export, home counts): tests/ecole.py's school plus
students whose identifiants and divisions a spreadsheet would read as formulas, and a second établissement.

- 1GA1 (GA 2012, Lycée test): Léa INE1 (1.1.1 twice, one with an aléa, one real; 1.1.2 once, real; one deleted
  fiche on 4.1.1), « INE0 » (created after Léa, first by identifiant: 1.1.3 twice, simulées, complexity 1, no
  aléa → répétée), an inactive student INE7 (one real fiche at « Mairie » on 1.1.1: never in the coverage, but
  a former student whose workplace the PFMP goals still suggest).
- 2AG1 (AGORA 2020, Lycée test): Noé INE2 (1.1.1 once, real, complexity 3).
- « -2GA;B » (GA 2012, Lycée test): « =1+1 » (2.1.1 once, simulée).
- « "B" 1GA » (GA 2012, Autre lycée): « @E5 » (nothing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from passeport.db import transaction
from passeport.models import (
    Compte, Division, Eleve, Enseignant, Etablissement, Fiche, FicheVersion, Lieu, Nature, Niveau, Role,
)
from tests.ecole import Ecole, creer_ecole

J = dt.date(2026, 10, 1)


@dataclass(frozen=True)
class PetiteAcademie:
    ecole: Ecole
    divisions: dict[str, int]   # name → id
    eleves: dict[str, int]      # identifiant → eleve id
    etablissements: dict[str, int]  # uai → id


def _fiche(eleve_id: int, situation: str, complexite: int, aleas: int, nature=Nature.REELLE, lieu=Lieu.PFMP,
           organisation: str = "", supprimee: bool = False) -> Fiche:
    cree = dt.datetime.combine(J, dt.time(10))
    return Fiche(eleve_id=eleve_id, situation=situation, cree_le=cree, modifiee_le=cree,
                 supprimee_le=cree if supprimee else None,
                 versions=[FicheVersion(numero=1, situation=situation, titre=f"Fiche {situation}", date_debut=J,
                                        lieu=lieu, nature=nature, organisation=organisation, complexite=complexite,
                                        aleas=aleas, cree_le=cree)])


def creer_petite_academie(engine) -> PetiteAcademie:
    ecole = creer_ecole(engine)
    with transaction(engine) as s:
        etab = s.query(Etablissement).filter_by(uai="0350001A").one()
        autre = Etablissement(uai="0350002B", nom="Autre lycée")
        d1 = s.query(Division).filter_by(nom="1GA1").one()
        d2 = s.query(Division).filter_by(nom="2AG1").one()
        d3 = Division(etablissement=etab, nom="-2GA;B", niveau=Niveau.SECONDE, annee_scolaire="2026-2027")
        d4 = Division(etablissement=autre, nom='"B" 1GA', niveau=Niveau.PREMIERE, annee_scolaire="2026-2027")

        def eleve(ident, prenom, nom, division, etablissement, actif=True):
            return Eleve(identifiant=ident, division=division,
                         compte=Compte(login=f"eleve.{len(ident)}.{nom.lower()}", role=Role.ELEVE, prenom=prenom,
                                       nom=nom, actif=actif, etablissement=etablissement))

        ine0 = eleve("INE0", "Zoé", "Abel", d1, etab)
        ine7 = eleve("INE7", "Tom", "Parti", d1, etab, actif=False)
        formule = eleve("=1+1", "Eve", "Formule", d3, etab)
        arobase = eleve("@E5", "Ugo", "Ailleurs", d4, autre)
        prof = Enseignant(compte=Compte(login="prof.ailleurs", role=Role.ENSEIGNANT, etablissement=autre),
                          divisions=[d4])
        s.add_all([ine0, ine7, formule, arobase, prof])
        s.flush()
        lea, noe = ecole.lea.eleve_id, ecole.noe.eleve_id
        s.add_all([
            _fiche(lea, "1.1.1", 1, 0, Nature.SIMULEE, Lieu.ETABLISSEMENT),
            _fiche(lea, "1.1.1", 1, 1, organisation="BIOMAG"),
            _fiche(lea, "1.1.2", 2, 0, organisation="BIOMAG"),
            _fiche(lea, "4.1.1", 3, 2, supprimee=True),
            _fiche(ine0.id, "1.1.3", 1, 0, Nature.SIMULEE, Lieu.ETABLISSEMENT),
            _fiche(ine0.id, "1.1.3", 1, 0, Nature.SIMULEE, Lieu.ETABLISSEMENT),
            _fiche(ine7.id, "1.1.1", 2, 2, organisation=" Mairie "),
            _fiche(noe, "1.1.1", 3, 0, organisation="Mairie"),
            _fiche(formule.id, "2.1.1", 1, 0, Nature.SIMULEE, Lieu.ETABLISSEMENT),
        ])
        return PetiteAcademie(
            ecole, {d.nom: d.id for d in (d1, d2, d3, d4)},
            {e.identifiant: e.id for e in (ine0, ine7, formule, arobase)} | {"INE1": lea, "INE2": noe},
            {"0350001A": etab.id, "0350002B": autre.id})
