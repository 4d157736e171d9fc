"""Benchmark: the rentrée of a 3,000-student lycée from its SIECLE export (SQLite, and PostgreSQL when
PASSEPORT_POSTGRES_URL is set). Prints one line per measure (median of the repetitions); results are written down
in bench/RESULTS.md.

The plain alternative, measured in the same run: the same students given as a CSV to the existing import
(``importer_eleves``), which has no preview, matches by identifiant only and writes at once.

    .venv/bin/python bench/bench_rentree.py [--eleves 3000] [--repetitions 3]
"""

from __future__ import annotations

import argparse
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

from magasin import base_vide  # noqa: E402  (bench/ is the script's folder)
from passeport.acces import OPERATEUR  # noqa: E402
from passeport.db import transaction  # noqa: E402
from passeport.models import Etablissement  # noqa: E402
from passeport.services.imports import importer_eleves  # noqa: E402
from passeport.services.rentree_siecle import appliquer_siecle, prevoir_siecle  # noqa: E402
from tests.fichiers_scolarite import E, siecle  # noqa: E402

_SUIVANT = {"2": "1", "1": "T", "T": "T"}


def _eleves(n: int) -> list[E]:
    """``n`` students in classes of 25 over the three levels, names with accents."""
    return [E(str(100000 + i), f"{i:09d}AB", f"LÉVÊQUE{i}", f"Éloïse{i}", f"{'21T'[i % 3]}GA{i // 75 + 1}",
              groupes=(f"G{i % 7}",)) for i in range(n)]


def _chrono(faire) -> float:
    debut = time.perf_counter()
    faire()
    return time.perf_counter() - debut


def mesurer(url: str, n: int) -> dict[str, float]:
    eleves = _eleves(n)
    rentree = siecle(eleves)
    suivante = siecle([E(e.eleve_id, e.ine, e.nom, e.prenom, _SUIVANT[e.division[0]] + e.division[1:])
                       for e in eleves], annee="2027")
    csv = ("identifiant;nom;prenom;division;niveau;annee_scolaire\n" + "".join(
        f"{e.ine};{e.nom};{e.prenom};{e.division};;2026-2027\n" for e in eleves)).encode()
    t: dict[str, float] = {}
    engine = base_vide(url)
    with transaction(engine) as s:
        s.add(Etablissement(uai="0350001A", nom="Lycée"))
    with Session(engine) as s:
        etab = s.scalar(select(Etablissement.id))
    plans = {}

    def prevoir(cle, contenu):
        with Session(engine) as s:
            plans[cle] = prevoir_siecle(s, OPERATEUR, contenu, etab)

    def appliquer(cle, contenu):
        with transaction(engine) as s:
            appliquer_siecle(s, OPERATEUR, contenu, etab, plans[cle].empreinte)

    t["aperçu, établissement vide"] = _chrono(lambda: prevoir("rentree", rentree))
    t["application (élèves et divisions créés)"] = _chrono(lambda: appliquer("rentree", rentree))
    t["aperçu du même fichier (rien à faire)"] = _chrono(lambda: prevoir("encore", rentree))
    assert plans["encore"].rien_a_faire
    t["aperçu de l'année suivante (tous déplacés)"] = _chrono(lambda: prevoir("suivante", suivante))
    assert len(plans["suivante"].deplaces) == n and plans["suivante"].problemes == ()  # new year: all move
    t["application de l'année suivante"] = _chrono(lambda: appliquer("suivante", suivante))
    engine.dispose()
    engine = base_vide(url)
    with transaction(engine) as s:
        s.add(Etablissement(uai="0350001A", nom="Lycée"))

    def importer_csv():
        with transaction(engine) as s:
            importer_eleves(s, OPERATEUR, csv, s.scalar(select(Etablissement)))

    t["import CSV des mêmes élèves (sans aperçu)"] = _chrono(importer_csv)
    engine.dispose()
    return t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--eleves", type=int, default=3000)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    print(f"{args.eleves} élèves, fichier SIECLE de {len(siecle(_eleves(args.eleves))) // 1024} Ko, "
          f"{os.cpu_count()} cœurs, charge {os.getloadavg()[0]:.2f}")
    bases = {"SQLite": f"sqlite:///{Path(tempfile.mkdtemp()) / 'rentree.sqlite'}"}
    if os.environ.get("PASSEPORT_POSTGRES_URL"):
        bases["PostgreSQL"] = os.environ["PASSEPORT_POSTGRES_URL"]
    for nom, url in bases.items():
        series = [mesurer(url, args.eleves) for _ in range(args.repetitions)]
        medianes = {cle: statistics.median(s[cle] for s in series) for cle in series[0]}
        for cle, valeur in medianes.items():
            print(f"{nom:<10} {cle:<45} {valeur * 1000:8.0f} ms")
        rapport = medianes["application (élèves et divisions créés)"] + medianes["aperçu, établissement vide"]
        print(f"{nom:<10} aperçu + application / import CSV : "
              f"{rapport / medianes['import CSV des mêmes élèves (sans aperçu)']:.2f}")
    print(f"mémoire maximale du processus : {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} Mo")


if __name__ == "__main__":
    main()
