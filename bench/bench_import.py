"""Benchmark: demo school creation, import and export of 1,500 fiches for 70 students (SQLite, and PostgreSQL
when PASSEPORT_POSTGRES_URL is set). Prints one line per measure; results are written down in bench/RESULTS.md.

    .venv/bin/python bench/bench_import.py [--repetitions 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from passeport.acces import OPERATEUR  # noqa: E402
from passeport.db import transaction  # noqa: E402
from passeport.demo import creer_ecole_demo  # noqa: E402
from passeport.models import Etablissement  # noqa: E402
from magasin import base_vide  # noqa: E402  (bench/ is the script's folder)
from passeport.services.exports import exporter_fiches  # noqa: E402
from passeport.services.imports import importer_eleves, importer_fiches  # noqa: E402
from tests import donnees  # noqa: E402


def mesurer(url: str, dossier: Path) -> dict[str, float]:
    eleves = donnees.eleves(70)
    fichier_eleves = donnees.texte_csv(donnees.ENTETE_ELEVES, eleves)
    fichier_fiches = donnees.texte_csv(donnees.ENTETE_FICHES, donnees.fiches(eleves, 1500))
    engine = base_vide(url)
    with transaction(engine) as s:
        s.add(Etablissement(uai="0350001A", nom="Lycée"))
    t = {}
    debut = time.perf_counter()
    with transaction(engine) as s:
        importer_eleves(s, OPERATEUR, fichier_eleves, s.scalar(select(Etablissement)))
    t["import 70 élèves"] = time.perf_counter() - debut
    debut = time.perf_counter()
    with transaction(engine) as s:
        importer_fiches(s, OPERATEUR, fichier_fiches)
    t["import 1 500 fiches"] = time.perf_counter() - debut
    debut = time.perf_counter()
    with Session(engine) as s:
        exporter_fiches(s, dossier / "export.csv")
    t["export 1 500 fiches"] = time.perf_counter() - debut
    assert (dossier / "export.csv").read_bytes() == fichier_fiches
    engine.dispose()
    engine = base_vide(url)
    debut = time.perf_counter()
    with transaction(engine) as s:
        creer_ecole_demo(s, aujourd_hui=dt.date(2026, 11, 29))
    t["école de démonstration (5 420 fiches)"] = time.perf_counter() - debut
    engine.dispose()
    return t


def main() -> None:
    parseur = argparse.ArgumentParser()
    parseur.add_argument("--repetitions", type=int, default=3)
    args = parseur.parse_args()
    with tempfile.TemporaryDirectory() as d:
        dossier = Path(d)
        bases = {"SQLite": f"sqlite:///{dossier / 'bench.sqlite'}"}
        if os.environ.get("PASSEPORT_POSTGRES_URL"):
            bases["PostgreSQL"] = os.environ["PASSEPORT_POSTGRES_URL"]
        for nom, url in bases.items():
            essais = []
            for _ in range(args.repetitions):
                essais.append(mesurer(url, dossier))
            for mesure in essais[0]:
                valeurs = [e[mesure] for e in essais]
                print(f"{nom:<10} {mesure:<40} médiane {statistics.median(valeurs):6.2f} s "
                      f"(min {min(valeurs):.2f}, max {max(valeurs):.2f}, {len(valeurs)} essais)")
    pic = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"mémoire résidente maximale du processus : {pic:.0f} Mo")


if __name__ == "__main__":
    main()
