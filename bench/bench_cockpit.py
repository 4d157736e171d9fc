"""Benchmark of the teacher cockpit (analytics/): the DuckDB copy of the store and the queries of the pages, on the
demo school (72 students, about 5,400 fiches) and on a generated school of 1,000 students (about 72,000 fiches,
passeport/generateur.py),
on SQLite, and on PostgreSQL when PASSEPORT_POSTGRES_URL is set (its public schema is dropped and recreated).

Each school is measured in its own child process, so that the peak memory reported is the one of the analytics
(imports included) and not the one of building the school (see ``pic_memoire_mo``). Results are written down in
bench/RESULTS.md.

    .venv/bin/python bench/bench_cockpit.py [--repetitions 3] [--sans-postgres]

"Froid" means right after a change of the store (a fiche saved, then ``actualiser()``: the memoised results are
dropped), "chaud" means the same call again with nothing changed (memoised per change stamp).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import bindparam, func, insert, select, update  # noqa: E402

from passeport.db import creer_engine, transaction  # noqa: E402
from passeport.models import Division, Fiche, FicheVersion  # noqa: E402
from magasin import base_vide  # noqa: E402  (bench/ is the script's folder)

JOUR = dt.date(2026, 11, 29)  # the day both schools are built for (as tests/conftest.py JOUR_DEMO)
GRAINE = 2026
DIVISION_MESUREE = {"demo": "1GA1", "grande": "1GA01"}
NOM_ECOLE = {"demo": "démo (72 élèves)", "grande": "1 000 élèves"}



# --- the stores ------------------------------------------------------------------------------------------------
def construire_demo(url: str) -> dict:
    from passeport.demo import creer_ecole_demo

    engine = base_vide(url)
    with transaction(engine) as s:
        bilan = creer_ecole_demo(s, graine=GRAINE, aujourd_hui=JOUR)
    engine.dispose()
    return {"eleves": bilan.eleves, "fiches": bilan.fiches}


def construire_grande_ecole(url: str, graine: int = GRAINE) -> dict:
    """1,000 students in GA divisions of 25 with about 72 fiches each: the generated académie (passeport generer)."""
    from passeport.generateur import generer_academie

    engine = base_vide(url)
    bilan = generer_academie(engine, 1000, fiches_par_eleve=72, etablissements=1, graine=graine, aujourd_hui=JOUR)
    engine.dispose()
    return {"eleves": bilan.eleves, "fiches": bilan.fiches, "divisions": bilan.divisions,
            "positionnements": bilan.positionnements}


class Ecrivain:
    """Changes to the store as the application makes them: a new version of a fiche, its modifiee_le bumped.

    The new modifiee_le is the store's latest plus a few microseconds, so that the change is seen whatever the
    clock of the machine."""

    def __init__(self, url: str, graine: int):
        self.engine = creer_engine(url)
        self.rng = random.Random(graine)
        fiche = Fiche.__table__
        with self.engine.connect() as conn:
            self.ids = list(conn.scalars(select(fiche.c.id).where(fiche.c.supprimee_le.is_(None))))

    def nouvelles_versions(self, nombre: int) -> None:
        fiche, version = Fiche.__table__, FicheVersion.__table__
        ids = self.rng.sample(self.ids, nombre)
        with self.engine.begin() as conn:
            derniere = conn.scalar(select(func.max(fiche.c.modifiee_le)))
            courantes = conn.execute(
                select(version).join(fiche, (version.c.fiche_id == fiche.c.id)
                                     & (version.c.numero == fiche.c.version_courante))
                .where(fiche.c.id.in_(ids))).mappings().all()
            nouvelles, changements = [], []
            for k, v in enumerate(courantes):
                instant = derniere + dt.timedelta(microseconds=k + 1)
                ligne = {c: v[c] for c in v if c != "id"}
                ligne.update(numero=v["numero"] + 1, complexite=v["complexite"] % 3 + 1, aleas=(v["aleas"] + 1) % 3,
                             cree_le=instant, demarche=v["demarche"] + " Complété après relecture.")
                nouvelles.append(ligne)
                changements.append(dict(b_id=v["fiche_id"], b_numero=v["numero"] + 1, b_instant=instant))
            conn.execute(insert(version), nouvelles)
            conn.execute(update(fiche).where(fiche.c.id == bindparam("b_id"))
                         .values(version_courante=bindparam("b_numero"), modifiee_le=bindparam("b_instant")),
                         changements)

    def toucher(self) -> None:
        """One fiche changed (no longer retained): a new change stamp, hence cold memoised results."""
        fiche = Fiche.__table__
        with self.engine.begin() as conn:
            derniere = conn.scalar(select(func.max(fiche.c.modifiee_le)))
            conn.execute(update(fiche).where(fiche.c.id == self.rng.choice(self.ids))
                         .values(retenue=False, modifiee_le=derniere + dt.timedelta(microseconds=1)))

    def division(self, nom: str) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(select(Division.__table__.c.id).where(Division.__table__.c.nom == nom))

    def fermer(self) -> None:
        self.engine.dispose()


# --- the measures (in a child process) -------------------------------------------------------------------------
def pic_memoire_mo() -> float:
    """Peak resident memory of this process, in MiB.

    VmHWM (Linux) rather than ru_maxrss: Linux keeps ru_maxrss through execve, so a child process started by the
    orchestrator would report at least the orchestrator's own peak (the generated school built in memory).
    ru_maxrss elsewhere."""
    try:
        for ligne in Path("/proc/self/status").read_text().splitlines():
            if ligne.startswith("VmHWM:"):
                return int(ligne.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def chrono(f: Callable[[], object]) -> tuple[float, object]:
    debut = time.perf_counter()
    resultat = f()
    return time.perf_counter() - debut, resultat


def actualiser(e) -> tuple[float, object]:
    """``e.actualiser()`` timed.

    Workaround, outside the measure: an incremental refresh ends on ``execute("SELECT count(*) …").fetchone()``
    (analytics/entrepot.py), which leaves an unfinished result on the DuckDB 2 connection; the next refresh that
    has something to load then fails in ``register()`` with ResourceInUseException. Reading a result to its end
    frees the connection. Harmless once analytics fetches that count completely."""
    duree, estampille = chrono(e.actualiser)
    duck = getattr(e, "_duck", None)
    if duck is not None:
        duck.execute("SELECT 1").fetchall()
    return duree, estampille


def mesurer(url: str, nom_division: str, repetitions: int) -> dict:
    import analytics
    from analytics import charts, profil

    memoire_imports = pic_memoire_mo()
    ecrivain = Ecrivain(url, GRAINE)
    division_id = ecrivain.division(nom_division)
    if division_id is None:
        raise SystemExit(f"Division introuvable : {nom_division}")
    temps: dict[str, list[float]] = {}
    infos: dict[str, object] = {}

    def noter(mesure: str, duree: float) -> None:
        temps.setdefault(mesure, []).append(duree)

    for _ in range(repetitions):
        # A new folder: the first load is a full build, not a warm start from a previous repetition's copy.
        e = analytics.Entrepot(url, dossier=tempfile.mkdtemp(prefix="bench-cockpit-"))
        duree, _estampille = actualiser(e)
        noter("premier chargement", duree)
        infos["fiches"] = int(e.requete_numpy("nombre_de_fiches")["nombre"][0])
        noter("actualisation sans changement", actualiser(e)[0])
        ecrivain.nouvelles_versions(100)
        avant = e.lectures_de_fiches
        noter("actualisation après 100 fiches modifiées", actualiser(e)[0])
        infos.setdefault("fiches relues après 100 modifiées (par essai)", []).append(e.lectures_de_fiches - avant)

        def nouvelle_estampille() -> None:
            ecrivain.toucher()
            noter("actualisation après 1 fiche modifiée", actualiser(e)[0])

        def froid_chaud(mesure: str, f: Callable[[], object]) -> object:
            nouvelle_estampille()
            duree, resultat = chrono(f)
            noter(f"{mesure} (froid)", duree)
            noter(f"{mesure} (chaud)", chrono(f)[0])
            return resultat

        for metrique in analytics.METRIQUES:
            carte = froid_chaud(f"carte {metrique}", lambda: analytics.carte(e, division_id, metrique))
        infos["carte"] = f"{len(carte.eleves)} élèves × {len(carte.situations)} situations"
        froid_chaud("situations_de_la_classe", lambda: analytics.situations_de_la_classe(e, division_id))
        froid_chaud("eleves_silencieux", lambda: analytics.eleves_silencieux(e, division_id, 3, JOUR))
        froid_chaud("fiches_par_semaine", lambda: analytics.fiches_par_semaine(e, division_id))
        froid_chaud("lieux_par_eleve", lambda: analytics.lieux_par_eleve(e, division_id))
        eleve_id = int(carte.eleves["eleve_id"].iloc[len(carte.eleves) // 2])

        def profil_complet() -> None:
            # What the student profile page computes, in its order (passeport/services/cockpit.py).
            profil.couverture_par_pole(e, eleve_id)
            analytics.couverture_par_classe(e, eleve_id)
            analytics.couverture(e, eleve_id=eleve_id)
            analytics.echelle(e, eleve_id)
            analytics.progression_par_situation(e, eleve_id)
            analytics.tendance_mensuelle(e, eleve_id)
            analytics.lieux_et_natures(e, eleve_id)
            analytics.fiches_retenues(e, eleve_id)

        froid_chaud("profil d'un élève (8 fonctions)", profil_complet)
        froid_chaud("objectifs d'un élève", lambda: analytics.objectifs(e, eleve_id))
        export = froid_chaud("export_couverture de l'établissement", lambda: analytics.export_couverture(e))
        infos["lignes de l'export"] = len(export)
        carte = analytics.carte(e, division_id, "statut")
        noter("figure carte_de_chaleur (statut)", chrono(lambda: charts.carte_de_chaleur(carte))[0])
        e.fermer()
    ecrivain.fermer()
    infos["mémoire résidente après les imports"] = f"{memoire_imports:.0f} Mo"
    return {"temps": temps, "infos": infos, "memoire_mo": pic_memoire_mo(),
            "ru_maxrss_mo": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


# --- orchestration ---------------------------------------------------------------------------------------------
def en_enfant(url: str, ecole: str, repetitions: int) -> dict:
    sortie = subprocess.run([sys.executable, __file__, "--mesurer", url, "--division", DIVISION_MESUREE[ecole],
                             "--repetitions", str(repetitions)], capture_output=True, text=True, check=False)
    if sortie.returncode:
        sys.stderr.write(sortie.stderr)
        raise SystemExit(f"La mesure de {ecole} sur {url} a échoué.")
    return json.loads(sortie.stdout.strip().splitlines()[-1])


def duree_fr(secondes: float) -> str:
    if secondes >= 1:
        return f"{secondes:.2f} s".replace(".", ",")
    ms = secondes * 1000
    return (f"{ms:.2f} ms" if ms < 1 else f"{ms:.1f} ms" if ms < 10 else f"{ms:.0f} ms").replace(".", ",")


def _cellule(valeurs: list[float]) -> str:
    """The median, and the range when the runs disagree by more than half of it."""
    mediane = statistics.median(valeurs)
    if len(valeurs) > 1 and max(valeurs) - min(valeurs) > mediane / 2:
        return f"{duree_fr(mediane)} ({duree_fr(min(valeurs))} – {duree_fr(max(valeurs))})"
    return duree_fr(mediane)


def _texte(valeur) -> str:
    return " / ".join(map(str, valeur)) if isinstance(valeur, list) else str(valeur)


def tableau(resultats: dict[str, dict]) -> str:
    colonnes = list(resultats)
    lignes = ["| mesure (médiane) | " + " | ".join(colonnes) + " |", "|---" * (len(colonnes) + 1) + "|"]
    premier = next(iter(resultats.values()))
    for mesure in premier["temps"]:
        cellules = []
        for r in resultats.values():
            valeurs = r["temps"].get(mesure, [])
            cellules.append(_cellule(valeurs) if valeurs else "–")
        lignes.append(f"| {mesure} | " + " | ".join(cellules) + " |")
    for info in premier["infos"]:
        valeurs = [_texte(r["infos"].get(info, "–")) for r in resultats.values()]
        lignes.append(f"| {info} | " + " | ".join(valeurs) + " |")
    lignes.append("| mémoire résidente maximale du processus de mesure (VmHWM) | "
                  + " | ".join(f"{r['memoire_mo']:.0f} Mo" for r in resultats.values()) + " |")
    lignes.append("| même chose selon ru_maxrss (hérite du pic du processus parent) | "
                  + " | ".join(f"{r['ru_maxrss_mo']:.0f} Mo" for r in resultats.values()) + " |")
    return "\n".join(lignes)


def main() -> None:
    parseur = argparse.ArgumentParser()
    parseur.add_argument("--repetitions", type=int, default=3)
    parseur.add_argument("--sans-postgres", action="store_true")
    parseur.add_argument("--mesurer", help=argparse.SUPPRESS)  # child process: measure this store
    parseur.add_argument("--division", help=argparse.SUPPRESS)
    args = parseur.parse_args()
    if args.mesurer:
        print(json.dumps(mesurer(args.mesurer, args.division, args.repetitions)))
        return
    debut = time.perf_counter()
    resultats: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as dossier:
        bases = {"SQLite": lambda ecole: f"sqlite:///{Path(dossier) / f'cockpit-{ecole}.sqlite'}"}
        if os.environ.get("PASSEPORT_POSTGRES_URL") and not args.sans_postgres:
            bases["PostgreSQL"] = lambda ecole: os.environ["PASSEPORT_POSTGRES_URL"]
        for base, url_de in bases.items():
            for ecole, construire in (("demo", construire_demo), ("grande", construire_grande_ecole)):
                url = url_de(ecole)
                duree, bilan = chrono(lambda: construire(url))
                print(f"{base:<10} école {NOM_ECOLE[ecole]} construite en {duree:.1f} s : {bilan['eleves']} élèves, "
                      f"{bilan['fiches']} fiches", flush=True)
                duree, r = chrono(lambda: en_enfant(url, ecole, args.repetitions))
                print(f"{base:<10} école {NOM_ECOLE[ecole]} mesurée en {duree:.1f} s", flush=True)
                resultats[f"{base}, {NOM_ECOLE[ecole]}"] = r
    print()
    print(tableau(resultats))
    print()
    print(f"{args.repetitions} essais par mesure, durée totale {time.perf_counter() - debut:.0f} s ; mémoire "
          f"maximale de l'orchestrateur (construction des écoles) : "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} Mo")


if __name__ == "__main__":
    main()
