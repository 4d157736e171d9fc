"""Benchmark of the teacher cockpit (analytics/): the DuckDB copy of the store and the queries of the pages, on the
demo school (72 students, about 5,400 fiches) and on a generated school of 1,000 students (about 72,000 fiches),
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

from sqlalchemy import bindparam, func, insert, select, text, update  # noqa: E402

from passeport import demo_textes as T  # noqa: E402
from passeport import referentiel  # noqa: E402
from passeport.db import creer_engine, transaction  # noqa: E402
from passeport.models import (  # noqa: E402
    Compte, Division, Eleve, Enseignant, Etablissement, Fiche, FicheVersion, Positionnement, enseignant_division,
)
from magasin import base_vide  # noqa: E402  (bench/ is the script's folder)

JOUR = dt.date(2026, 11, 29)  # the day both schools are built for (as tests/conftest.py JOUR_DEMO)
GRAINE = 2026
DIVISION_MESUREE = {"demo": "1GA1", "grande": "1GA01"}
NOM_ECOLE = {"demo": "démo (72 élèves)", "grande": "1 000 élèves"}

# Generated school: 40 divisions of 25 students, about 72 fiches per student.
ELEVES_PAR_DIVISION = 25
DIVISIONS_PAR_NIVEAU = {"2nde": ("2", 14), "1re": ("1", 13), "Tle": ("T", 13)}
ANNEES_FAITES = {"2nde": 0, "1re": 1, "Tle": 2}
FICHES_PAR_NIVEAU = {"2nde": (25, 45), "1re": (55, 95), "Tle": (90, 130)}
SITUATIONS_PAR_NIVEAU = {"2nde": (12, 22), "1re": (24, 40), "Tle": (34, 50)}
LIEUX = ["etablissement", "services_eple", "projet", "pfmp", "hors_formation"]
POIDS_LIEUX = [45, 15, 10, 25, 5]


# --- the stores ------------------------------------------------------------------------------------------------
def construire_demo(url: str) -> dict:
    from passeport.demo import creer_ecole_demo

    engine = base_vide(url)
    with transaction(engine) as s:
        bilan = creer_ecole_demo(s, graine=GRAINE, aujourd_hui=JOUR)
    engine.dispose()
    return {"eleves": bilan.eleves, "fiches": bilan.fiches}


def _inserer(conn, table, lignes: list[dict]) -> None:
    """Bulk insert: COPY on PostgreSQL (much faster than executemany), executemany on SQLite."""
    if not lignes:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), lignes)
        return
    colonnes = list(lignes[0])
    curseur = conn.connection.driver_connection.cursor()
    with curseur, curseur.copy(f"COPY {table.name} ({', '.join(colonnes)}) FROM STDIN") as copie:
        for ligne in lignes:
            copie.write_row([ligne[c] for c in colonnes])


def construire_grande_ecole(url: str, graine: int = GRAINE) -> dict:
    """1,000 students in 40 GA divisions with about 72 fiches each (one version per fiche), by bulk inserts."""
    rng = random.Random(graine)
    ref = referentiel.charger("ga-2012")
    codes = list(ref.situations)
    titres = {c: T.SITUATIONS_GA[c][0] if c in T.SITUATIONS_GA else s.titre for c, s in ref.situations.items()}
    engine = base_vide(url)
    annee = f"{JOUR.year}-{JOUR.year + 1}" if JOUR.month >= 9 else f"{JOUR.year - 1}-{JOUR.year}"
    debut_annee = int(annee[:4])
    fin_ecriture = dt.datetime.combine(JOUR, dt.time(8, 0))
    entreprises = [o[0] for o in T.ORGANISATIONS] + [f"Entreprise {k:02d}" for k in range(1, 31)]
    cree = dt.datetime.combine(dt.date(debut_annee, 9, 1), dt.time(8, 0))

    comptes = [dict(id=1, login="enseignant.mesures", mot_de_passe_hash=None, role="enseignant", etablissement_id=1,
                    nom="Mesures", prenom="Enseignante", email="", actif=True, doit_changer_mot_de_passe=False,
                    echecs_connexion=0, bloque_jusqua=None, cree_le=cree)]
    divisions, eleves, fiches, versions, positionnements = [], [], [], [], []
    for niveau, (prefixe, nombre) in DIVISIONS_PAR_NIVEAU.items():
        for k in range(1, nombre + 1):
            divisions.append(dict(id=len(divisions) + 1, etablissement_id=1, nom=f"{prefixe}GA{k:02d}", niveau=niveau,
                                  annee_scolaire=annee, referentiel="ga-2012"))
    retenues: set[tuple[int, str]] = set()
    for division in divisions:
        niveau = division["niveau"]
        entree = dt.date(debut_annee - ANNEES_FAITES[niveau], 9, 8)
        jours = (JOUR - dt.timedelta(days=1) - entree).days
        for _ in range(ELEVES_PAR_DIVISION):
            n = len(eleves) + 1
            feminin = rng.random() < 0.6
            compte_id = n + 1
            comptes.append(dict(id=compte_id, login=f"eleve.{n:04d}", mot_de_passe_hash=None, role="eleve",
                                etablissement_id=1, nom=rng.choice(T.NOMS),
                                prenom=rng.choice(T.PRENOMS_F if feminin else T.PRENOMS_M), email="", actif=True,
                                doit_changer_mot_de_passe=False, echecs_connexion=0, bloque_jusqua=None, cree_le=cree))
            eleves.append(dict(id=n, compte_id=compte_id, identifiant=f"BENCH{n:05d}", division_id=division["id"]))
            # A few silent students (stopped writing early), pôle 2 less lived, as in the demo school.
            silencieux = rng.random() < 0.08
            fin = entree + dt.timedelta(days=jours // 3 if silencieux else jours)
            poids = [rng.random() * (0.4 if c[0] == "2" else 1.0) + 0.05 for c in codes]
            m = rng.randint(*SITUATIONS_PAR_NIVEAU[niveau])
            choisies: list[str] = []
            while len(choisies) < m:
                c = rng.choices(codes, weights=poids)[0]
                if c not in choisies:
                    choisies.append(c)
            nb = rng.randint(*FICHES_PAR_NIVEAU[niveau])
            for code in choisies + rng.choices(choisies, k=max(0, nb - len(choisies))):
                jour = entree + dt.timedelta(days=rng.randint(0, max(0, (fin - entree).days)))
                t = min(1.0, (jour - entree).days / (3 * 365))
                lieu = "projet" if code[0] == "4" and rng.random() < 0.8 else rng.choices(LIEUX, POIDS_LIEUX)[0]
                nature = "simulee" if lieu == "etablissement" and rng.random() < 0.85 else "reelle"
                organisation = {"pfmp": rng.choice(entreprises), "hors_formation": rng.choice(entreprises),
                                "services_eple": f"{T.LYCEE} – intendance"}.get(lieu, T.LYCEE)
                r = rng.random()
                complexite = 3 if r < max(0.0, 0.55 * t - 0.05) else 2 if r < 0.15 + 0.75 * t else 1
                r = rng.random()
                aleas = 2 if r < max(0.0, 0.4 * t - 0.05) else 1 if r < 0.1 + 0.6 * t else 0
                date_fin = rng.choice([None, jour, jour + dt.timedelta(days=1), jour + dt.timedelta(days=3)])
                # Written in the evening, a few days later at most, and before this morning (without ties: the
                # incremental refresh re-reads every fiche sharing the latest stamp).
                ecrite = min(dt.datetime.combine(date_fin or jour, dt.time(17, 30)) + dt.timedelta(
                    days=rng.randint(0, 6), seconds=rng.randint(0, 36000)),
                    fin_ecriture - dt.timedelta(seconds=rng.randint(0, 36000)))
                fiche_id = len(fiches) + 1
                retenue = rng.random() < 0.03
                supprimee = ecrite + dt.timedelta(hours=1) if rng.random() < 0.01 else None
                # One retained fiche per student and situation, never in the bin (the database's unique index).
                retenue = retenue and supprimee is None and (n, code) not in retenues
                retenues.update({(n, code)} if retenue else set())
                fiches.append(dict(id=fiche_id, eleve_id=n, version_courante=1, situation=code, retenue=retenue,
                                   pfmp_id=None, partagee_pfmp_id=None, cree_le=ecrite, modifiee_le=ecrite,
                                   supprimee_le=supprimee))
                versions.append(dict(
                    id=fiche_id, fiche_id=fiche_id, numero=1, situation=code, titre=titres[code], date_debut=jour,
                    date_fin=date_fin, lieu=lieu, nature=nature, organisation=organisation,
                    contexte="Contexte de la situation vécue.", conditions="Un poste informatique et les consignes.",
                    demarche="J'ai suivi la démarche demandée.", productions="Un document.", complexite=complexite,
                    complexite_details="", aleas=aleas, aleas_details="", auteur_id=compte_id, cree_le=ecrite))
                if niveau != "2nde" and rng.random() < 0.1:
                    positionnements.append(dict(
                        id=len(positionnements) + 1, fiche_id=fiche_id, enseignant_id=1,
                        niveau=min(4, max(1, complexite + (1 if aleas else 0) + rng.choice([-1, 0, 0, 1]))),
                        commentaire="", cree_le=ecrite + dt.timedelta(days=5)))
    with engine.begin() as conn:
        _inserer(conn, Etablissement.__table__, [dict(id=1, uai="0350002B", nom="Lycée des mesures",
                                                      quota_pieces_jointes_mo=200)])
        _inserer(conn, Compte.__table__, comptes)
        _inserer(conn, Division.__table__, divisions)
        _inserer(conn, Eleve.__table__, eleves)
        _inserer(conn, Enseignant.__table__, [dict(id=1, compte_id=1, discipline="Économie-gestion")])
        _inserer(conn, enseignant_division, [dict(enseignant_id=1, division_id=d["id"]) for d in divisions])
        _inserer(conn, Fiche.__table__, fiches)
        _inserer(conn, FicheVersion.__table__, versions)
        _inserer(conn, Positionnement.__table__, positionnements)
        if conn.dialect.name == "postgresql":
            # Explicit ids were inserted: move the sequences past them for later inserts.
            for table in ("etablissement", "compte", "division", "eleve", "enseignant", "fiche", "fiche_version",
                          "positionnement"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
            conn.execute(text("ANALYZE"))
    engine.dispose()
    return {"eleves": len(eleves), "fiches": len(fiches), "divisions": len(divisions),
            "positionnements": len(positionnements)}


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
        e = analytics.Entrepot(url)
        duree, estampille = actualiser(e)
        noter("premier chargement", duree)
        infos["fiches"] = estampille.fiches
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
