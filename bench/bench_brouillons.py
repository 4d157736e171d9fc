"""Benchmark of the drafts (issue 12): POST /brouillon while 35 students type at once, on SQLite.

The demo school (72 students) in a fresh SQLite file; the real server (`streamlit run serveur.py`, as the browser
journeys start it); 35 students signed in (their sessions opened through the service, as /connexion does). Each
student posts the draft of one new fiche every ~1.5 s for 60 s, its démarche growing by one sentence (~70
characters) each time, as the page's script does a moment after the typing stops. Measured: the latency of each
save seen by the client (p50, p95, max), the CPU seconds of the server process per save (/proc/<pid>/stat, idle
cost subtracted), the growth of the database file (with its WAL). The plain alternative, in the same run: the same
JSON bodies written by a bare INSERT/UPDATE in a SQLite table, one commit each (what the route cannot go under).
Results appended to bench/RESULTS.md.

    .venv/bin/python bench/bench_brouillons.py [--eleves 35] [--duree 60] [--intervalle 1.5] [--sans-resultats]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import secrets
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench_cockpit import construire_demo, duree_fr  # noqa: E402
from passeport.db import creer_engine, transaction  # noqa: E402
from passeport.models import Brouillon, Compte, Role  # noqa: E402
from passeport.services import sessions  # noqa: E402
from passeport.web import COOKIE  # noqa: E402
from tests.navigateur import serveur_streamlit  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
PHRASES = [
    "J'ai vérifié le bon de livraison ligne par ligne avec la commande. ",
    "La quantité de ramettes ne correspondait pas, j'ai prévenu ma tutrice. ",
    "Nous avons appelé le fournisseur pour signaler l'écart constaté. ",
    "J'ai noté l'anomalie dans le PGI et rédigé un courriel de réclamation. ",
    "Le fournisseur a proposé un avoir que j'ai enregistré le lendemain. ",
]


def _cpu_secondes(pid: int) -> float:
    """User + system CPU time of a process (its own threads), from /proc."""
    champs = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(champs[11]) + int(champs[12])) / os.sysconf("SC_CLK_TCK")


def _taille(fichier: Path) -> tuple[int, int]:
    """Sizes of the database file and of its write-ahead log (SQLite recycles the WAL every 1,000 pages)."""
    return tuple(p.stat().st_size if p.exists() else 0 for p in (fichier, Path(f"{fichier}-wal")))


def _pid_du_serveur() -> int:
    """The `streamlit run serveur.py` process started by this script."""
    import psutil

    for enfant in psutil.Process().children(recursive=True):
        if "streamlit" in " ".join(enfant.cmdline()):
            return enfant.pid
    raise RuntimeError("le serveur Streamlit n'est pas un processus de ce script")


def _ouvrir_sessions(url: str, nombre: int) -> list[str]:
    engine = creer_engine(url)
    with transaction(engine) as s:
        comptes = list(s.scalars(select(Compte.id).where(Compte.role == Role.ELEVE, Compte.actif.is_(True))
                                 .order_by(Compte.id).limit(nombre)))
        if len(comptes) < nombre:
            raise SystemExit(f"la démo n'a que {len(comptes)} élèves actifs")
        jetons = [sessions.ouvrir(s, compte_id) for compte_id in comptes]
    engine.dispose()
    return jetons


def _eleve(base: str, jeton: str, duree: float, intervalle: float, graine: int, mesures: list, corps: list,
           depart: threading.Barrier) -> None:
    """One student typing: a post of the growing draft every ``intervalle`` s (± 20 %), for ``duree`` s."""
    rng = random.Random(graine)
    cle = secrets.token_urlsafe(24)
    demarche = ""
    entetes = {"origin": base, "content-type": "application/json"}
    with httpx.Client(base_url=base, cookies={COOKIE: jeton}, timeout=30) as client:
        depart.wait()
        time.sleep(rng.uniform(0, intervalle))  # the students do not all stop typing at the same instant
        fin = time.monotonic() + duree
        while time.monotonic() < fin:
            demarche += rng.choice(PHRASES)
            contenu = {"cle": cle, "horodatage": int(time.time() * 1000),
                       "champs": {"titre": "Contrôle d'une livraison", "organisation": "BIOMAG",
                                  "contexte": "Assistante du service achats.", "demarche": demarche}}
            texte = json.dumps(contenu, ensure_ascii=False)
            debut = time.perf_counter()
            reponse = client.post("/brouillon", content=texte.encode(), headers=entetes)
            mesures.append((time.perf_counter() - debut, reponse.status_code))
            corps.append(contenu)
            time.sleep(max(0.0, intervalle * rng.uniform(0.8, 1.2)))


def _alternative(corps: list[dict], dossier: Path) -> list[float]:
    """The same JSON written by a bare INSERT … ON CONFLICT UPDATE, one commit each, in the app's SQLite mode."""
    conn = sqlite3.connect(dossier / "alternative.sqlite", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE brouillon (cle TEXT PRIMARY KEY, contenu TEXT NOT NULL, revision INTEGER NOT NULL)")
    durees = []
    for contenu in corps:
        texte = json.dumps(contenu["champs"], ensure_ascii=False)
        debut = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO brouillon VALUES (?, ?, 1) ON CONFLICT (cle) DO UPDATE"
                     " SET contenu = excluded.contenu, revision = revision + 1", (contenu["cle"], texte))
        conn.execute("COMMIT")
        durees.append(time.perf_counter() - debut)
    conn.close()
    return durees


def centile(valeurs: list[float], p: float) -> float:
    ordonnees = sorted(valeurs)
    return ordonnees[min(len(ordonnees) - 1, int(round(p / 100 * (len(ordonnees) - 1))))]


def _machine() -> str:
    modele = next((ligne.split(":", 1)[1].strip() for ligne in Path("/proc/cpuinfo").read_text().splitlines()
                   if ligne.startswith("model name")), platform.processor())
    memoire = next(int(ligne.split()[1]) for ligne in Path("/proc/meminfo").read_text().splitlines()
                   if ligne.startswith("MemTotal"))
    import streamlit

    return (f"{os.cpu_count()} cœurs {modele}, {memoire / 1024 ** 2:.0f} Gio, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, Streamlit {streamlit.__version__}, httpx {httpx.__version__}")


def mesurer(eleves: int, duree: float, intervalle: float) -> dict:
    with tempfile.TemporaryDirectory() as temporaire:
        dossier = Path(temporaire)
        fichier = dossier / "demo.sqlite"
        url = f"sqlite:///{fichier}"
        demo = construire_demo(url)
        jetons = _ouvrir_sessions(url, eleves)
        with serveur_streamlit(url, dossier) as base:
            pid = _pid_du_serveur()
            httpx.get(f"{base}/connexion")  # the routes' first request (imports, engine) outside the measure
            repos_debut, t0 = _cpu_secondes(pid), time.monotonic()
            time.sleep(5)
            repos = (_cpu_secondes(pid) - repos_debut) / (time.monotonic() - t0)  # CPU s per s, nobody typing
            taille_avant = _taille(fichier)
            charge_avant = os.getloadavg()[0]
            mesures: list = []
            corps: list = []
            depart = threading.Barrier(eleves + 1)
            fils = [threading.Thread(target=_eleve, args=(base, jeton, duree, intervalle, i, mesures, corps, depart))
                    for i, jeton in enumerate(jetons)]
            for f in fils:
                f.start()
            depart.wait()
            cpu_debut, debut = _cpu_secondes(pid), time.monotonic()
            for f in fils:
                f.join()
            cpu, ecoule = _cpu_secondes(pid) - cpu_debut, time.monotonic() - debut
            charge_apres = os.getloadavg()[0]
        taille_apres = _taille(fichier)
        engine = creer_engine(url)
        with engine.connect() as conn:
            brouillons = conn.scalar(select(func.count()).select_from(Brouillon))
            octets_json = conn.scalar(select(func.sum(func.length(Brouillon.contenu))))
            revisions = conn.scalar(select(func.sum(Brouillon.revision)))
        engine.dispose()
        alternative = _alternative(corps, dossier)
    durees = [d for d, statut in mesures if statut == 200]
    statuts: dict[int, int] = {}
    for _, statut in mesures:
        statuts[statut] = statuts.get(statut, 0) + 1
    return {
        "eleves": eleves, "duree": duree, "intervalle": intervalle, "demo": demo, "envois": len(mesures),
        "statuts": statuts, "debit": len(mesures) / ecoule, "p50": centile(durees, 50), "p95": centile(durees, 95),
        "max": max(durees), "cpu": cpu, "repos": repos, "cpu_par_envoi": (cpu - repos * ecoule) / len(mesures),
        "ecoule": ecoule, "taille_avant": taille_avant, "taille_apres": taille_apres, "brouillons": brouillons,
        "octets_json": octets_json, "revisions": revisions, "alt_p50": centile(alternative, 50),
        "alt_p95": centile(alternative, 95), "charge": (charge_avant, charge_apres),
        "demarche_finale": max(len(c["champs"]["demarche"]) for c in corps),
    }


def _mo(octets: float) -> str:
    return f"{octets / 1024 ** 2:.1f} Mo".replace(".", ",") if octets >= 1024 ** 2 else f"{octets / 1024:.0f} Ko"


def tableau(r: dict) -> str:
    statuts = ", ".join(f"{n} × {statut}" for statut, n in sorted(r["statuts"].items()))
    (fichier_avant, wal_avant), (fichier_apres, wal_apres) = r["taille_avant"], r["taille_apres"]
    return "\n".join([
        f"| brouillons : {r['eleves']} élèves tapent en même temps, {r['duree']:.0f} s | SQLite |",
        "|---|---|",
        f"| envois de brouillon (réponses) | {r['envois']} ({statuts}), "
        f"{r['debit']:.1f} par seconde |".replace(".", ","),
        f"| latence d'un envoi POST /brouillon, p50 | {duree_fr(r['p50'])} |",
        f"| latence d'un envoi POST /brouillon, p95 (max) | {duree_fr(r['p95'])} ({duree_fr(r['max'])}) |",
        f"| alternative : INSERT/UPDATE nu du même JSON dans SQLite, p50 / p95 | {duree_fr(r['alt_p50'])} / "
        f"{duree_fr(r['alt_p95'])} |",
        f"| rapport POST /brouillon / INSERT nu (p50) | × {r['p50'] / r['alt_p50']:.0f} |",
        f"| CPU du serveur pendant la charge | {r['cpu']:.1f} s en {r['ecoule']:.0f} s (au repos : "
        f"{r['repos'] * 1000:.0f} ms/s) |".replace(".", ","),
        f"| CPU du serveur par envoi (repos déduit) | {duree_fr(r['cpu_par_envoi'])} |",
        f"| fichier SQLite avant → après (croissance) | {_mo(fichier_avant)} → {_mo(fichier_apres)} "
        f"(+{_mo(fichier_apres - fichier_avant)}) |",
        f"| journal WAL avant → après (recyclé à 1 000 pages, ~4 Mo) | {_mo(wal_avant)} → {_mo(wal_apres)} |",
        f"| brouillons en base, révisions cumulées, JSON gardé | {r['brouillons']}, {r['revisions']}, "
        f"{_mo(r['octets_json'] or 0)} (démarche finale : {r['demarche_finale']} caractères au plus) |",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eleves", type=int, default=35)
    parser.add_argument("--duree", type=float, default=60)
    parser.add_argument("--intervalle", type=float, default=1.5)
    parser.add_argument("--sans-resultats", action="store_true", help="afficher sans écrire bench/RESULTS.md")
    args = parser.parse_args()
    r = mesurer(args.eleves, args.duree, args.intervalle)
    texte = tableau(r)
    print(texte)
    if not args.sans_resultats:
        charge = f"{r['charge'][0]:.1f} avant, {r['charge'][1]:.1f} après".replace(".", ",")
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write(f"\n## {dt.date.today().isoformat()} — brouillons (issue 12) : enregistrement pendant la frappe "
                    f"(`bench/bench_brouillons.py`)\n\n"
                    f"Machine : {_machine()}. Charge moyenne de la machine (1 min) : {charge}. École de démo "
                    f"({r['demo']['eleves']} élèves, {r['demo']['fiches']} fiches) dans un fichier SQLite, "
                    f"serveur réel "
                    f"(`streamlit run serveur.py`), {r['eleves']} élèves connectés qui envoient chacun le brouillon "
                    f"d'une nouvelle fiche toutes les {str(r['intervalle']).replace('.', ',')} s environ (± 20 %) "
                    f"pendant "
                    f"{r['duree']:.0f} s, la démarche grandissant d'une phrase (~70 caractères) à chaque envoi ; "
                    f"clients httpx, un fil par élève, sur la même machine que le serveur.\n\n{texte}\n")


if __name__ == "__main__":
    main()
