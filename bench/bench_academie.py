"""Benchmark at the scale of an académie (issue 15): generated académies of 1,000, 5,000 and 20,000 students
(``passeport generer``), on SQLite and on PostgreSQL (PASSEPORT_POSTGRES_URL: its public schema is dropped and
recreated), each (size, store) in its own child processes:

- generation of the académie;
- the analytics copy: first build (new Entrepot, no persistent copy; peak memory VmHWM of that process), warm start
  (new process, the persistent copy present), refresh with nothing changed and after 100 changed fiches (a new
  version of each, as the application writes it), a division's heatmap after a change in another class;
- the class dashboard under AppTest (pages/enseignant_classe.py signed in as a teacher): server time of a rerun,
  alone and with 8 teachers at once (8 threads; median per rerun);
- the académie coverage export: in-app (``analytics.export_couverture``, one fiche changed since the last call) and
  ``passeport exporter couverture`` end to end (new process, warm copy; peak memory by /usr/bin/time -v), against a
  plain GROUP BY on the store (bench/sql/couverture_magasin.sql), pandas on the same data, the sqlite3 shell writing
  the same CSV, and the physical floor (DuckDB on a Parquet of the same columns). Results are checked equal.

    .venv/bin/python bench/bench_academie.py [--tailles 1000,5000,20000] [--sans-postgres] [--repetitions 3]
                                             [--ecrire]

``--ecrire`` appends the table and the machine to bench/RESULTS.md under a dated heading. Each measurement that
fails prints « échec : … » and the run goes on.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))
sys.path.insert(0, str(RACINE / "bench"))

from magasin import base_vide  # noqa: E402  (bench/ is the script's folder)

SQL_COUVERTURE = RACINE / "bench" / "sql" / "couverture_magasin.sql"
PASSEPORT = RACINE / ".venv" / "bin" / "passeport"
# measure → target of the issue (20,000 students, medians on a 2-core machine)
CIBLES = {
    "génération de l'académie": "≤ 3 min",
    "première construction de la copie": "≤ 5 s",
    "mémoire de la première construction (VmHWM)": "≤ 1,5 Go",
    "mémoire du processus de construction (enfant)": "≤ 1,5 Go",
    "démarrage à chaud (copie persistante)": "≤ 1 s",
    "actualisation sans changement": "≤ 20 ms",
    "actualisation après 100 fiches modifiées": "≤ 100 ms",
    "carte d'une division après un changement ailleurs": "≤ 50 ms",
    "tableau de bord : réexécution (AppTest)": "≤ 0,3 s",
    "tableau de bord : 8 enseignants à la fois (par réexécution)": "≤ 1 s",
    "export couverture dans l'application (1 fiche changée)": "≥ 10× SQL, ≥ 3× pandas",
    "export couverture : GROUP BY SQL sur le magasin": "",
    "export couverture : pandas": "",
    "export couverture : shell sqlite3 vers CSV": "",
    "export couverture : plancher DuckDB sur Parquet": "",
    "rapport : GROUP BY SQL / application": "≥ 10×",
    "rapport : pandas / application": "≥ 3×",
    "rapport : application / plancher DuckDB": "",
    "passeport exporter couverture (nouveau processus)": "< shell sqlite3",
    "rapport : shell sqlite3 / commande": "> 1×",
    "mémoire de passeport exporter couverture": "≤ 500 Mo",
    "mémoire d'un processus de l'application (VmHWM)": "≤ 1,5 Go",
    "mémoire du processus de mesure (VmHWM)": "",
}


APPLICATION = "export couverture dans l'application (1 fiche changée)"
RAPPORTS = (
    ("rapport : GROUP BY SQL / application", "export couverture : GROUP BY SQL sur le magasin", APPLICATION),
    ("rapport : pandas / application", "export couverture : pandas", APPLICATION),
    ("rapport : application / plancher DuckDB", APPLICATION, "export couverture : plancher DuckDB sur Parquet"),
    ("rapport : shell sqlite3 / commande", "export couverture : shell sqlite3 vers CSV",
     "passeport exporter couverture (nouveau processus)"),
)


# --- small tools ---------------------------------------------------------------------------------------------------
def charge() -> float:
    """The machine's load average over the last minute."""
    return os.getloadavg()[0]


def pic_memoire_mo() -> float:
    """Peak resident memory of this process (VmHWM, MiB)."""
    for ligne in Path("/proc/self/status").read_text().splitlines():
        if ligne.startswith("VmHWM:"):
            return int(ligne.split()[1]) / 1024
    return 0.0


def chrono(f: Callable[[], object]) -> tuple[float, object]:
    debut = time.perf_counter()
    resultat = f()
    return time.perf_counter() - debut, resultat


def enfant(*arguments: str, env: dict | None = None, delai: float = 3600) -> dict:
    """Run this script with ``arguments`` in a new process; its last stdout line is JSON."""
    sortie = subprocess.run([sys.executable, __file__, *arguments], capture_output=True, text=True, check=False,
                            env={**os.environ, **(env or {})}, timeout=delai)
    if sortie.returncode:
        raise RuntimeError(f"processus enfant en erreur ({' '.join(arguments[:1])}) : "
                           f"{sortie.stderr.strip().splitlines()[-1] if sortie.stderr.strip() else sortie.returncode}")
    return json.loads(sortie.stdout.strip().splitlines()[-1])


def requete_couverture() -> str:
    from passeport import referentiel

    codes = list(referentiel.charger("ga-2012").situations)
    return SQL_COUVERTURE.read_text().replace("/*SITUATIONS*/", ", ".join(f"('{c}')" for c in codes))


def normaliser(lignes) -> list[tuple]:
    """Rows (eleve, division, situation, nb_fiches, nb_reelles, max_complexite, max_aleas, statut) as sorted text."""
    def texte(v) -> str:
        if v is None or (isinstance(v, float) and v != v) or str(v) in ("<NA>", "nan", "None"):
            return ""
        return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
    return sorted(tuple(texte(v) for v in ligne) for ligne in lignes)


def lignes_df(df) -> list[tuple]:
    colonnes = ["eleve", "division", "situation", "nb_fiches", "nb_reelles", "max_complexite", "max_aleas", "statut"]
    return normaliser(df[colonnes].astype(object).itertuples(index=False, name=None))


def lire_csv(chemin: Path, entete: bool) -> list[tuple]:
    texte = chemin.read_text(encoding="utf-8-sig")
    separateur = ";" if ";" in texte.splitlines()[0] else ","
    lignes = list(csv.reader(texte.splitlines(), delimiter=separateur))
    return normaliser(lignes[1:] if entete else lignes)


# --- child: generation and measures ---------------------------------------------------------------------------------
def generer(url: str, eleves: int) -> dict:
    from passeport.generateur import generer_academie

    engine = base_vide(url)
    duree, bilan = chrono(lambda: generer_academie(engine, eleves))
    engine.dispose()
    return {"duree": duree, "fiches": bilan.fiches, "versions": bilan.versions, "divisions": bilan.divisions,
            "enseignant": bilan.comptes.get("enseignant"), "memoire_mo": pic_memoire_mo()}


def premiere_construction(url: str, dossier: str) -> dict:
    """A new Entrepot with no persistent copy in ``dossier``: time to its first refreshed state, peak memory."""
    import analytics

    shutil.rmtree(dossier, ignore_errors=True)
    debut = time.perf_counter()
    e = analytics.Entrepot(url, dossier=dossier)
    e.actualiser()
    duree = time.perf_counter() - debut
    e.fermer()
    import resource

    # A large store is built by a child process (analytics/construction.py): its peak counts too.
    enfant_mo = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"duree": duree, "memoire_mo": pic_memoire_mo(), "memoire_enfant_mo": enfant_mo}


def demarrage(url: str, dossier: str) -> dict:
    """A new process whose persistent copy exists: time to a refreshed Entrepot (imports excluded)."""
    import analytics

    debut = time.perf_counter()
    e = analytics.Entrepot(url, dossier=dossier)
    e.actualiser()
    duree = time.perf_counter() - debut
    e.fermer()
    return {"duree": duree, "memoire_mo": pic_memoire_mo()}


class Ecrivain:
    """Writes to the store as the application's services do (UPDATE of the fiche, INSERT of a new version)."""

    def __init__(self, url: str):
        import random

        from passeport.db import creer_engine

        self.engine = creer_engine(url)
        self.rng = random.Random(15)

    def fiches(self, division_id: int | None = None, exclue: int | None = None) -> list[int]:
        from sqlalchemy import text

        conditions = "".join([" AND e.division_id = :d" if division_id is not None else "",
                              " AND e.division_id <> :x" if exclue is not None else ""])
        with self.engine.connect() as conn:
            return list(conn.scalars(text(
                "SELECT f.id FROM fiche f JOIN eleve e ON e.id = f.eleve_id WHERE f.supprimee_le IS NULL"
                + conditions + " ORDER BY f.id LIMIT 5000"), {"d": division_id, "x": exclue}))

    def nouvelles_versions(self, ids: list[int], neutre: bool = False) -> None:
        """A new version of each fiche; ``neutre``: same figures (only the démarche grows), so that the coverage
        export stays the same."""
        from sqlalchemy import text

        figures = "complexite, complexite_details, aleas" if neutre else \
            "complexite % 3 + 1, complexite_details, (aleas + 1) % 3"

        maintenant = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with self.engine.begin() as conn:
            for fiche_id in ids:
                numero = conn.scalar(text("SELECT version_courante FROM fiche WHERE id = :id"), {"id": fiche_id})
                conn.execute(text(
                    "INSERT INTO fiche_version (fiche_id, numero, situation, titre, date_debut, date_fin, lieu, "
                    "nature, organisation, contexte, conditions, demarche, productions, complexite, "
                    "complexite_details, aleas, aleas_details, auteur_id, cree_le) "
                    "SELECT fiche_id, numero + 1, situation, titre, date_debut, date_fin, lieu, nature, organisation, "
                    "contexte, conditions, demarche || ' Complété après relecture.', productions, "
                    f"{figures}, aleas_details, auteur_id, :t "
                    "FROM fiche_version WHERE fiche_id = :id AND numero = :n"), {"id": fiche_id, "n": numero,
                                                                                  "t": maintenant})
                conn.execute(text("UPDATE fiche SET version_courante = :n, modifiee_le = :t WHERE id = :id"),
                             {"id": fiche_id, "n": numero + 1, "t": maintenant})

    def fermer(self) -> None:
        self.engine.dispose()


def division_et_enseignants(url: str) -> tuple[int, int, list[str]]:
    """The first division, another one, and up to 8 teacher logins (the first one teaches the first division)."""
    from sqlalchemy import text

    from passeport.db import creer_engine

    engine = creer_engine(url)
    with engine.connect() as conn:
        divisions = list(conn.scalars(text("SELECT id FROM division ORDER BY id LIMIT 2")))
        logins = list(conn.scalars(text(
            "SELECT c.login FROM enseignant n JOIN compte c ON c.id = n.compte_id JOIN enseignant_division ed "
            "ON ed.enseignant_id = n.id GROUP BY c.login, n.id ORDER BY min(ed.division_id), n.id LIMIT 8")))
    engine.dispose()
    return divisions[0], divisions[-1], logins


def tableau_de_bord(url: str, logins: list[str], repetitions: int) -> tuple[list[float], list[float]]:
    """Reruns of pages/enseignant_classe.py under AppTest: one teacher, then 8 at once (one thread each).

    AppTest makes a new ScriptCache at every run (streamlit/testing/v1/app_test.py), so it parses, rewrites (magic)
    and compiles app.py and the page each time: ≈ 35 ms a run that the server, whose Runtime keeps one ScriptCache,
    pays once. One cache is shared here so that the measure is the server's time for a rerun."""
    import streamlit.testing.v1.app_test as module_app_test
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import AppTest

    cache_partage = ScriptCache()
    module_app_test.ScriptCache = lambda: cache_partage

    from passeport.db import creer_engine, transaction
    from passeport.generateur import MOT_DE_PASSE
    from passeport.services import sessions
    from passeport.services.comptes import authentifier

    def connecte(login: str) -> AppTest:
        engine = creer_engine(url)
        with transaction(engine) as s:
            jeton = sessions.ouvrir(s, authentifier(s, login, MOT_DE_PASSE).compte_id)
        engine.dispose()
        at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=600)
        at.session_state["jeton"] = jeton
        at.run()
        at.switch_page("pages/enseignant_classe.py")
        at.run()
        if at.exception:
            raise RuntimeError(f"exception dans la page : {at.exception[0].message}")
        return at

    seul = []
    at = connecte(logins[0])
    for _ in range(repetitions):
        seul.append(chrono(at.run)[0])
    apps = [connecte(login) for login in logins[:8]]
    paralleles: list[float] = []
    erreurs: list[str] = []

    def courir(a: AppTest) -> None:
        try:
            for _ in range(repetitions):
                paralleles.append(chrono(a.run)[0])
        except Exception as exc:  # noqa: BLE001
            erreurs.append(str(exc))

    fils = [threading.Thread(target=courir, args=(a,)) for a in apps]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    if erreurs:
        raise RuntimeError(erreurs[0])
    return seul, paralleles


def application(url: str, dossier: str, repetitions: int) -> dict:
    """An app process: the class dashboard under AppTest (one teacher, then 8 at once) and the académie export
    through the page's copy of the store; its peak memory."""
    os.environ["PASSEPORT_ANALYTIQUE_DOSSIER"] = dossier
    os.environ["DATABASE_URL"] = url
    import analytics
    from ui.cockpit import entrepot_partage

    _division, _autre, logins = division_et_enseignants(url)
    seul, paralleles = tableau_de_bord(url, logins, repetitions)
    analytics.export_couverture(entrepot_partage())
    return {"temps": {"tableau de bord : réexécution (AppTest)": seul,
                      "tableau de bord : 8 enseignants à la fois (par réexécution)": paralleles,
                      "mémoire d'un processus de l'application (VmHWM)": [pic_memoire_mo()]}}


def mesurer(url: str, dossier: str, repetitions: int) -> dict:
    """Every measure but the first build and the warm start (their own processes); run with the copy present."""
    os.environ["PASSEPORT_ANALYTIQUE_DOSSIER"] = dossier
    os.environ["DATABASE_URL"] = url
    import duckdb
    import pandas as pd
    from sqlalchemy import text

    import analytics
    from passeport.db import creer_engine

    temps: dict[str, list[float]] = {}
    infos: dict[str, str] = {}
    postgres = url.startswith("postgresql")

    def noter(mesure: str, valeur: float) -> None:
        temps.setdefault(mesure, []).append(valeur)

    def essayer(mesure: str, f: Callable[[], None]) -> None:
        try:
            f()
        except Exception as exc:  # noqa: BLE001
            infos[mesure] = f"échec : {type(exc).__name__}: {exc}"[:300]
            print(f"échec : {mesure} : {exc}", file=sys.stderr)
            traceback.print_exc(file=sys.stderr)

    ecrivain = Ecrivain(url)
    division, autre, logins = division_et_enseignants(url)
    e = analytics.Entrepot(url, dossier=dossier)
    e.actualiser()

    def actualisations() -> None:
        candidates = ecrivain.fiches()
        for _ in range(repetitions):
            noter("actualisation sans changement", chrono(e.actualiser)[0])
            ecrivain.nouvelles_versions(ecrivain.rng.sample(candidates, 100))
            noter("actualisation après 100 fiches modifiées", chrono(e.actualiser)[0])

    def carte_apres_changement() -> None:
        ailleurs = ecrivain.fiches(exclue=division)
        analytics.carte(e, division, "statut")
        for _ in range(repetitions):
            ecrivain.nouvelles_versions([ecrivain.rng.choice(ailleurs)])
            e.actualiser()
            noter("carte d'une division après un changement ailleurs",
                  chrono(lambda: analytics.carte(e, division, "statut"))[0])

    essayer("actualisation sans changement", actualisations)
    essayer("carte d'une division après un changement ailleurs", carte_apres_changement)

    # The coverage export, five ways, checked equal.
    sql = requete_couverture()
    engine = creer_engine(url)
    reference: dict[str, list[tuple]] = {}

    def export_app() -> None:
        analytics.export_couverture(e)  # "since the last call": the first call computes every class
        for _ in range(repetitions):
            ecrivain.nouvelles_versions([ecrivain.rng.choice(ecrivain.fiches())], neutre=True)
            e.actualiser()
            duree, df = chrono(lambda: analytics.export_couverture(e))
            noter("export couverture dans l'application (1 fiche changée)", duree)
        infos["lignes de l'export"] = str(len(df))
        reference["application"] = lignes_df(df)

    def export_sql() -> None:
        for _ in range(repetitions):
            with engine.connect() as conn:
                duree, lignes = chrono(lambda: conn.exec_driver_sql(sql).fetchall())
            noter("export couverture : GROUP BY SQL sur le magasin", duree)
        reference["SQL"] = normaliser(lignes)

    colonnes = ("SELECT e.identifiant AS eleve, d.nom AS division, v.situation, v.nature, v.complexite, v.aleas "
                "FROM fiche f JOIN fiche_version v ON v.fiche_id = f.id AND v.numero = f.version_courante "
                "JOIN eleve e ON e.id = f.eleve_id JOIN compte c ON c.id = e.compte_id AND c.actif "
                "JOIN division d ON d.id = e.division_id WHERE f.supprimee_le IS NULL")
    eleves_sql = ("SELECT e.identifiant AS eleve, d.nom AS division FROM eleve e JOIN compte c ON c.id = e.compte_id "
                  "AND c.actif JOIN division d ON d.id = e.division_id")
    from passeport import referentiel

    codes = list(referentiel.charger("ga-2012").situations)

    def pandas_couverture(fiches: pd.DataFrame, eleves: pd.DataFrame) -> pd.DataFrame:
        fiches = fiches.assign(reelle=(fiches["nature"] == "reelle").astype("int64"))
        g = fiches.groupby(["eleve", "division", "situation"], sort=False).agg(
            nb_fiches=("reelle", "size"), nb_reelles=("reelle", "sum"), max_complexite=("complexite", "max"),
            max_aleas=("aleas", "max")).reset_index()
        tout = eleves.merge(pd.DataFrame({"situation": codes}), how="cross").merge(
            g, on=["eleve", "division", "situation"], how="left")
        tout[["nb_fiches", "nb_reelles"]] = tout[["nb_fiches", "nb_reelles"]].fillna(0).astype("int64")
        tout["max_complexite"] = tout["max_complexite"].astype("Int64")
        tout["max_aleas"] = tout["max_aleas"].astype("Int64")
        tout["statut"] = "repetee"
        tout.loc[(tout["max_complexite"].fillna(0) >= 2) | (tout["max_aleas"].fillna(0) >= 1), "statut"] = "evaluable"
        tout.loc[tout["nb_fiches"] == 1, "statut"] = "une_fois"
        tout.loc[tout["nb_fiches"] == 0, "statut"] = "non_traversee"
        return tout

    def export_pandas() -> None:
        for _ in range(repetitions):
            def calcul():
                with engine.connect() as conn:
                    return pandas_couverture(pd.read_sql(text(colonnes), conn), pd.read_sql(text(eleves_sql), conn))
            duree, df = chrono(calcul)
            noter("export couverture : pandas", duree)
        reference["pandas"] = lignes_df(df)

    travail = Path(dossier).parent / "travail"
    travail.mkdir(exist_ok=True)

    def export_shell() -> None:
        if postgres:
            infos["export couverture : shell sqlite3 vers CSV"] = "– (SQLite seulement)"
            return
        fichier_sql = travail / "couverture.sql"
        fichier_sql.write_text(sql)
        base = url.removeprefix("sqlite:///")
        sortie = travail / "shell.csv"
        for _ in range(repetitions):
            def shell():
                with open(fichier_sql) as entree, open(sortie, "w") as out:
                    subprocess.run(["sqlite3", "-csv", base], stdin=entree, stdout=out, check=True)
            noter("export couverture : shell sqlite3 vers CSV", chrono(shell)[0])
        reference["shell sqlite3"] = lire_csv(sortie, entete=False)

    def export_cli() -> None:
        # The command takes the copy's file as a server's next start would: this process lets it go first (else
        # the command would take a second slot and build a copy of its own, a first build, not a warm start).
        if not e.ferme:
            e.fermer()
        sortie = travail / "cli.csv"
        for _ in range(repetitions):
            ecrivain.nouvelles_versions([ecrivain.rng.choice(ecrivain.fiches())], neutre=True)
            processus = subprocess.run(
                ["/usr/bin/time", "-v", str(PASSEPORT), "exporter", "couverture", "--sortie", str(sortie)],
                capture_output=True, text=True, check=False,
                env={**os.environ, "DATABASE_URL": url, "PASSEPORT_ANALYTIQUE_DOSSIER": dossier})
            if processus.returncode:
                raise RuntimeError(processus.stderr.strip().splitlines()[-1])
            horloge = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", processus.stderr)
            h, m, s = horloge.groups()
            noter("passeport exporter couverture (nouveau processus)", int(h or 0) * 3600 + int(m) * 60 + float(s))
            memoire = re.search(r"Maximum resident set size \(kbytes\): (\d+)", processus.stderr)
            noter("mémoire de passeport exporter couverture", int(memoire.group(1)) / 1024)
        reference["passeport exporter couverture"] = lire_csv(sortie, entete=True)

    def plancher() -> None:
        with engine.connect() as conn:
            pd.read_sql(text(colonnes), conn).to_parquet(travail / "fiches.parquet")
            pd.read_sql(text(eleves_sql), conn).to_parquet(travail / "eleves.parquet")
        duck = duckdb.connect()
        duck.execute("CREATE TABLE situations AS SELECT unnest($codes) AS code", {"codes": codes})
        requete = f"""
            WITH figures AS (
                SELECT eleve, situation, count(*) AS nb_fiches, count(*) FILTER (WHERE nature = 'reelle') AS nb_reelles,
                       max(complexite) AS max_complexite, max(aleas) AS max_aleas
                FROM read_parquet('{travail / "fiches.parquet"}') GROUP BY eleve, situation)
            SELECT e.eleve, e.division, s.code, COALESCE(nb_fiches, 0), COALESCE(nb_reelles, 0), max_complexite,
                   max_aleas,
                   CASE WHEN nb_fiches IS NULL THEN 'non_traversee' WHEN nb_fiches = 1 THEN 'une_fois'
                        WHEN max_complexite >= 2 OR max_aleas >= 1 THEN 'evaluable' ELSE 'repetee' END
            FROM read_parquet('{travail / "eleves.parquet"}') e CROSS JOIN situations s
            LEFT JOIN figures g ON g.eleve = e.eleve AND g.situation = s.code"""
        for _ in range(repetitions):
            duree, table = chrono(lambda: duck.execute(requete).df())
            noter("export couverture : plancher DuckDB sur Parquet", duree)
        reference["plancher DuckDB"] = normaliser(table.astype(object).itertuples(index=False, name=None))
        duck.close()

    for mesure, f in (("export couverture dans l'application (1 fiche changée)", export_app),
                      ("export couverture : GROUP BY SQL sur le magasin", export_sql),
                      ("export couverture : pandas", export_pandas),
                      ("export couverture : shell sqlite3 vers CSV", export_shell),
                      ("passeport exporter couverture (nouveau processus)", export_cli),
                      ("export couverture : plancher DuckDB sur Parquet", plancher)):
        essayer(mesure, f)
    if reference:
        premier, lignes = next(iter(reference.items()))
        differents = [nom for nom, autres in reference.items() if autres != lignes]
        infos["résultats de l'export identiques"] = (
            f"oui ({len(reference)} façons, {len(lignes)} lignes)" if not differents
            else f"NON : {', '.join(differents)} diffère(nt) de « {premier} »")

    def bord() -> None:
        # A process of its own, like an app server: its peak memory is that of an app process holding the académie.
        r = enfant("--application", url, "--dossier", dossier, "--repetitions", str(repetitions))
        temps.update(r["temps"])
        infos["enseignants à la fois"] = str(min(8, len(logins)))

    if not e.ferme:
        e.fermer()
    essayer("tableau de bord : réexécution (AppTest)", bord)
    engine.dispose()
    ecrivain.fermer()
    temps["mémoire du processus de mesure (VmHWM)"] = [pic_memoire_mo()]
    return {"temps": temps, "infos": infos}


# --- orchestration ----------------------------------------------------------------------------------------------------
def mo_fr(valeur: float) -> str:
    return f"{valeur / 1024:.2f} Go".replace(".", ",") if valeur >= 1024 else f"{valeur:.0f} Mo"


def duree_fr(secondes: float) -> str:
    if secondes >= 1:
        return f"{secondes:.2f} s".replace(".", ",")
    ms = secondes * 1000
    return (f"{ms:.2f} ms" if ms < 1 else f"{ms:.1f} ms" if ms < 10 else f"{ms:.0f} ms").replace(".", ",")


def cellule(mesure: str, valeurs: list[float]) -> str:
    """The median, with min–max when there are several runs."""
    fmt = mo_fr if mesure.startswith("mémoire") else duree_fr
    mediane = statistics.median(valeurs)
    if len(valeurs) > 1:
        return f"{fmt(mediane)} ({fmt(min(valeurs))}–{fmt(max(valeurs))})"
    return fmt(mediane)


def une_colonne(url: str, eleves: int, repetitions: int, dossier: Path) -> dict:
    temps: dict[str, list[float]] = {}
    infos: dict[str, str] = {}

    def essayer(mesure: str, f: Callable[[], None]) -> bool:
        try:
            f()
            return True
        except Exception as exc:  # noqa: BLE001
            infos[mesure] = f"échec : {exc}"[:300]
            print(f"  échec : {mesure} : {exc}", flush=True)
            return False

    def generation() -> None:
        r = enfant("--generer", url, "--eleves", str(eleves))
        temps["génération de l'académie"] = [r["duree"]]
        infos["fiches (versions)"] = f"{r['fiches']} ({r['versions']})"
        infos["divisions"] = str(r["divisions"])

    if not essayer("génération de l'académie", generation):
        return {"temps": temps, "infos": infos}
    generee = temps["génération de l'académie"][0]
    print(f"  académie générée en {duree_fr(generee)}", flush=True)
    copie = str(dossier / "analytique")

    def premiere() -> None:
        for _ in range(repetitions):
            r = enfant("--premiere", url, "--dossier", copie)
            temps.setdefault("première construction de la copie", []).append(r["duree"])
            temps.setdefault("mémoire de la première construction (VmHWM)", []).append(r["memoire_mo"])
            temps.setdefault("mémoire du processus de construction (enfant)", []).append(r["memoire_enfant_mo"])

    def chaud() -> None:
        for _ in range(repetitions):
            r = enfant("--demarrage", url, "--dossier", copie)
            temps.setdefault("démarrage à chaud (copie persistante)", []).append(r["duree"])

    essayer("première construction de la copie", premiere)
    essayer("démarrage à chaud (copie persistante)", chaud)
    print("  copie construite, mesures…", flush=True)

    def reste() -> None:
        r = enfant("--mesurer", url, "--dossier", copie, "--repetitions", str(repetitions))
        temps.update(r["temps"])
        infos.update(r["infos"])

    essayer("mesures", reste)
    # Ratios of medians measured in the same run (how many times faster than the plain alternative).
    for nom, lent, rapide in RAPPORTS:
        if lent in temps and rapide in temps:
            rapport = statistics.median(temps[lent]) / statistics.median(temps[rapide])
            infos[nom] = f"{rapport:.1f}×".replace(".", ",")
    return {"temps": temps, "infos": infos}


def tableau(resultats: dict[str, dict]) -> str:
    colonnes = list(resultats)
    lignes = ["| mesure (médiane, min–max) | cible (20 000 élèves) | " + " | ".join(colonnes) + " |",
              "|---" * (len(colonnes) + 2) + "|"]
    for mesure, cible in CIBLES.items():
        cellules = []
        for r in resultats.values():
            if mesure in r["temps"]:
                cellules.append(cellule(mesure, r["temps"][mesure]))
            else:
                cellules.append(r["infos"].get(mesure, "–"))
        lignes.append(f"| {mesure} | {cible} | " + " | ".join(cellules) + " |")
    autres = sorted({i for r in resultats.values() for i in r["infos"]} - set(CIBLES))
    for info in autres:
        lignes.append(f"| {info} | | " + " | ".join(r["infos"].get(info, "–") for r in resultats.values()) + " |")
    return "\n".join(lignes)


def machine() -> str:
    import duckdb
    import sqlalchemy

    info = Path("/proc/cpuinfo").read_text()
    modele = re.search(r"model name\s*:\s*(.*)", info)
    memoire = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
    lignes = [f"- processeur : {modele.group(1) if modele else platform.processor()}, {os.cpu_count()} cœurs",
              f"- mémoire : {int(memoire.group(1)) / 1024 / 1024:.1f} Go" if memoire else "- mémoire : ?",
              f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, DuckDB {duckdb.__version__}, "
              f"SQLAlchemy {sqlalchemy.__version__}"]
    url = os.environ.get("PASSEPORT_POSTGRES_URL")
    if url:
        try:
            from sqlalchemy import text

            from passeport.db import creer_engine

            engine = creer_engine(url)
            with engine.connect() as conn:
                lignes.append(f"- {conn.scalar(text('SELECT version()')).split(' on ')[0]}")
            engine.dispose()
        except Exception as exc:  # noqa: BLE001
            lignes.append(f"- PostgreSQL : échec : {exc}")
    return "\n".join(lignes)


def main() -> None:
    parseur = argparse.ArgumentParser(description="Mesures à l'échelle d'une académie (issue 15).")
    parseur.add_argument("--tailles", default="1000,5000,20000", help="nombres d'élèves, séparés par des virgules")
    parseur.add_argument("--repetitions", type=int, default=3)
    parseur.add_argument("--sans-postgres", action="store_true")
    parseur.add_argument("--ecrire", action="store_true", help="ajoute le tableau à bench/RESULTS.md")
    # child processes
    parseur.add_argument("--generer", help=argparse.SUPPRESS)
    parseur.add_argument("--eleves", type=int, help=argparse.SUPPRESS)
    parseur.add_argument("--premiere", help=argparse.SUPPRESS)
    parseur.add_argument("--demarrage", help=argparse.SUPPRESS)
    parseur.add_argument("--mesurer", help=argparse.SUPPRESS)
    parseur.add_argument("--application", help=argparse.SUPPRESS)
    parseur.add_argument("--dossier", help=argparse.SUPPRESS)
    args = parseur.parse_args()
    if args.generer:
        print(json.dumps(generer(args.generer, args.eleves)))
        return
    if args.premiere:
        print(json.dumps(premiere_construction(args.premiere, args.dossier)))
        return
    if args.demarrage:
        print(json.dumps(demarrage(args.demarrage, args.dossier)))
        return
    if args.application:
        print(json.dumps(application(args.application, args.dossier, args.repetitions)))
        return
    if args.mesurer:
        print(json.dumps(mesurer(args.mesurer, args.dossier, args.repetitions)))
        return
    tailles = [int(t) for t in args.tailles.split(",") if t.strip()]
    charge_debut = f"{charge():.1f}"
    debut = time.perf_counter()
    resultats: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-academie-") as racine:
        for taille in tailles:
            bases = {"SQLite": f"sqlite:///{Path(racine) / f'academie-{taille}.sqlite'}"}
            if os.environ.get("PASSEPORT_POSTGRES_URL") and not args.sans_postgres:
                bases["PostgreSQL"] = os.environ["PASSEPORT_POSTGRES_URL"]
            for nom, url in bases.items():
                colonne = f"{taille:,} élèves, {nom}".replace(",", " ")
                print(f"{colonne} :", flush=True)
                dossier = Path(racine) / f"{nom}-{taille}"
                dossier.mkdir()
                resultats[colonne] = une_colonne(url, taille, args.repetitions, dossier)
                shutil.rmtree(dossier, ignore_errors=True)
                if url.startswith("sqlite:///"):
                    for f in Path(racine).glob(f"academie-{taille}.sqlite*"):
                        f.unlink()
    texte = tableau(resultats)
    print()
    print(texte)
    print()
    print(f"{args.repetitions} essais par mesure, durée totale {time.perf_counter() - debut:.0f} s.")
    if args.ecrire:
        with open(RACINE / "bench" / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write(f"\n## Académie (bench_academie.py), {dt.date.today():%d/%m/%Y}\n\n{machine()}\n\n"
                    f"Commande : `make bench-academie` (tailles {args.tailles}, {args.repetitions} essais). Charge "
                    f"moyenne de la machine au début et à la fin : {charge_debut} et {charge():.1f} (2 cœurs : "
                    f"au-delà de 2, d'autres travaux ralentissaient les mesures).\n\n{texte}\n")


if __name__ == "__main__":
    main()
