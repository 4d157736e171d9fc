"""Benchmark of the follow-up (issue « suivi »): what each page view of a teacher or a student costs in the store.

The navigation count of Nouveautés is computed at every rerun of every page, so it must stay cheap; the inbox,
the reading view of a fiche and the Lettres view of a division are computed when their page is shown.

Same schools as bench_cockpit.py: the demo (72 students, Claire Martin's last visit a week ago, 3 divisions) and
the generated school of 1,000 students, whose only teacher steers all 40 divisions and never visited (her inbox
covers the last 14 days). SQLite, and PostgreSQL
when PASSEPORT_POSTGRES_URL is set (its public schema is dropped and recreated). Results: bench/RESULTS.md.

    .venv/bin/python bench/bench_suivi.py [--repetitions 5] [--sans-postgres]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench_cockpit import (  # noqa: E402  (bench/ is the script's folder)
    DIVISION_MESUREE, NOM_ECOLE, Ecrivain, chrono, construire_demo, construire_grande_ecole, duree_fr,
    pic_memoire_mo,
)
from passeport.models import Compte, Eleve, Fiche, Role  # noqa: E402
from passeport.services import ecrits, nouveautes, suivi  # noqa: E402
from passeport.services.comptes import Utilisateur  # noqa: E402

ENSEIGNANTE = {"demo": "claire.martin", "grande": "enseignant.mesures"}


def _utilisateur(compte: Compte, eleve_id: int | None = None) -> Utilisateur:
    return Utilisateur(compte.id, compte.login, compte.role, compte.nom_complet, compte.etablissement_id, eleve_id)


def mesurer(url: str, ecole: str, repetitions: int) -> tuple[dict[str, list[float]], dict[str, object]]:
    ecrivain = Ecrivain(url, 2026)
    division_id = ecrivain.division(DIVISION_MESUREE[ecole])
    temps: dict[str, list[float]] = {}
    infos: dict[str, object] = {}

    def noter(mesure: str, f):
        duree, resultat = chrono(f)
        temps.setdefault(mesure, []).append(duree)
        return resultat

    with Session(ecrivain.engine) as s:
        prof = _utilisateur(s.scalar(select(Compte).where(Compte.login == ENSEIGNANTE[ecole])))
        eleve = s.scalar(select(Eleve).where(Eleve.division_id == division_id).order_by(Eleve.id))
        lui = _utilisateur(s.get(Compte, eleve.compte_id), eleve.id)
        assert lui.role == Role.ELEVE
        fiche_id = s.scalar(select(Fiche.id).where(Fiche.eleve_id == eleve.id).order_by(Fiche.id.desc()))
    for _ in range(repetitions):
        with Session(ecrivain.engine) as s:
            infos["fiches dans les nouveautés"] = noter("compteur des nouveautés (menu, enseignant)",
                                                        lambda: nouveautes.nombre_de_fiches_nouvelles(s, prof))
            noter("liste des nouveautés (enseignant)", lambda: nouveautes.fiches_nouvelles(s, prof))
            noter("compteur des nouveautés (menu, élève)", lambda: nouveautes.nombre_pour_l_eleve(s, lui))
            noter("suivi d'une fiche", lambda: suivi.fiche_suivie(s, prof, fiche_id))
            vue = noter("écrits de la division", lambda: ecrits.ecrits_de_la_division(s, prof, division_id))
            infos["fiches lues par les écrits"] = len(vue.ecrits)
            s.rollback()  # the reads are journaled: nothing to keep
    # A visit at the store's latest change, then 100 fiches rewritten anywhere in the school (just after it, as the
    # Ecrivain dates them): the inbox holds the teacher's share of them.
    with Session(ecrivain.engine) as s:
        nouveautes.tout_marquer_lu(s, prof, s.scalar(select(func.max(Fiche.modifiee_le))))
        s.commit()
    ecrivain.nouvelles_versions(100)
    for _ in range(repetitions):
        with Session(ecrivain.engine) as s:
            infos["nouveautés après une visite et 100 fiches réécrites"] = noter(
                "compteur après une visite et 100 fiches réécrites",
                lambda: nouveautes.nombre_de_fiches_nouvelles(s, prof))
    ecrivain.fermer()
    return temps, infos


def main() -> None:
    parseur = argparse.ArgumentParser()
    parseur.add_argument("--repetitions", type=int, default=5)
    parseur.add_argument("--sans-postgres", action="store_true")
    args = parseur.parse_args()
    debut = time.perf_counter()
    resultats = {}
    with tempfile.TemporaryDirectory() as dossier:
        bases = {"SQLite": lambda ecole: f"sqlite:///{Path(dossier) / f'suivi-{ecole}.sqlite'}"}
        if os.environ.get("PASSEPORT_POSTGRES_URL") and not args.sans_postgres:
            bases["PostgreSQL"] = lambda ecole: os.environ["PASSEPORT_POSTGRES_URL"]
        for base, url_de in bases.items():
            for ecole, construire in (("demo", construire_demo), ("grande", construire_grande_ecole)):
                url = url_de(ecole)
                construire(url)
                resultats[f"{base}, {NOM_ECOLE[ecole]}"] = mesurer(url, ecole, args.repetitions)
                print(f"{base} {NOM_ECOLE[ecole]} mesurée", flush=True)
    colonnes = list(resultats)
    print("\n| mesure (médiane) | " + " | ".join(colonnes) + " |")
    print("|---" * (len(colonnes) + 1) + "|")
    premier_temps, premier_infos = next(iter(resultats.values()))
    for mesure in premier_temps:
        print(f"| {mesure} | " + " | ".join(duree_fr(statistics.median(t[mesure])) for t, _ in resultats.values())
              + " |")
    for info in premier_infos:
        print(f"| {info} | " + " | ".join(str(i[info]) for _, i in resultats.values()) + " |")
    print(f"\n{args.repetitions} essais par mesure ; durée totale {time.perf_counter() - debut:.0f} s ; mémoire "
          f"maximale {pic_memoire_mo():.0f} Mo (écoles construites comprises)")


if __name__ == "__main__":
    main()
