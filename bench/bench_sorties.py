"""Benchmark of what comes out of the passport (issue 11): the livret, the passport ZIP and its re-import, the
matching of a job offer, the CCF synthesis and dossiers, the printable class grid.

Same schools as bench_cockpit.py: the demo (72 students; the livret and the ZIP of Léa Moreau, the CCF of TGA1 for
E31, the grid of 1GA1) and the generated school of 1,000 students (the livret and the ZIP of the student with the
most fiches, the CCF of TGA01 — 25 students — for E31, the grid of 1GA01). Before measuring, the teacher selects
up to three fiches of pôle 1 per student of the CCF division (outside the measure), as a team preparing the
meeting would: the dossiers then print them in full. SQLite, and PostgreSQL when PASSEPORT_POSTGRES_URL is set (its
public schema is dropped and recreated, twice per school: the re-import into a fresh database is measured last,
in the same database emptied). Each measure is compared with a plain alternative timed in the same run (HTML only,
a plain SELECT dumped as JSON, a substring loop, a SQL GROUP BY). Peak memory is the resident high-water mark
during the operation (reset before it through /proc/self/clear_refs). Results: bench/RESULTS.md.

    .venv/bin/python bench/bench_sorties.py [--repetitions 3] [--sans-postgres]
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import datetime as dt
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import and_, func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench_cockpit import (  # noqa: E402  (bench/ is the script's folder)
    DIVISION_MESUREE, GRAINE, JOUR, NOM_ECOLE, Ecrivain, chrono, construire_demo, construire_grande_ecole, duree_fr,
    pic_memoire_mo,
)
from magasin import base_vide  # noqa: E402
from passeport import correspondance, referentiel  # noqa: E402
from passeport.db import transaction  # noqa: E402
from passeport.documents import ccf as documents_ccf  # noqa: E402
from passeport.documents.gabarits import en_pdf  # noqa: E402
from passeport.documents.grille import html_grille_classe  # noqa: E402
from passeport.documents.livret import html_livret  # noqa: E402
from passeport.epreuves import epreuve as trouver_epreuve  # noqa: E402
from passeport.models import (  # noqa: E402
    Compte, Division, Eleve, Etablissement, Fiche, FicheVersion, Role, SelectionCcf,
)
from passeport.services import archive, ccf, dossier_ccf, grille, livret, reimport  # noqa: E402
from passeport.services.comptes import Utilisateur  # noqa: E402

ENSEIGNANTE = {"demo": "claire.martin", "grande": "enseignant.mesures"}
DIVISION_CCF = {"demo": "TGA1", "grande": "TGA01"}
EPREUVE = "E31"
FICHES_CHOISIES = 3  # per student of the CCF division, among the pôle's fiches (outside the measure)
# A realistic offer (120 words), as a student would paste it from a job site.
OFFRE = (
    "Cabinet d'expertise comptable de 25 salariés recherche un ou une assistante administrative pour son pôle "
    "clients. Vous assurez l'accueil physique et téléphonique, la gestion du courrier entrant et sortant et la "
    "tenue des agendas des associés. Vous préparez les devis, enregistrez les commandes des fournisseurs, "
    "contrôlez les factures et suivez les règlements et les relances des clients. Vous mettez à jour les "
    "tableaux de bord sous tableur, classez et archivez les dossiers numériques et organisez les réunions et les "
    "déplacements de l'équipe. Vous participez à l'accueil des nouveaux salariés et au suivi des congés. "
    "Qualités attendues : rigueur, discrétion, sens du contact et de l'organisation. Maîtrise du traitement de "
    "texte, du tableur et de la messagerie. Poste à temps plein, CDI, à pourvoir en janvier."
)
APPELS_OFFRE = 30  # calls per repetition of the matching (a few milliseconds each)


def _utilisateur(compte: Compte, eleve_id: int | None = None) -> Utilisateur:
    return Utilisateur(compte.id, compte.login, compte.role, compte.nom_complet, compte.etablissement_id, eleve_id)


try:
    _LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    _LIBC.malloc_trim  # glibc only
except (OSError, AttributeError):
    _LIBC = None
PIC_GLOBAL = [0.0]  # the highest peak seen (the process's own high-water mark is reset before each measure)


def _avec_pic(f: Callable[[], object]) -> tuple[float, object, float, float]:
    """(duration, result, resident peak during f, its rise over the resident size before f), in s and MiB.

    Before f, the free memory goes back to the system (gc, then glibc's malloc_trim) and the high-water mark is
    reset (Linux: "5" written to /proc/self/clear_refs), so the rise is f's own and not hidden by the memory a
    previous measure left allocated to the process."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    avant = pic_memoire_mo()
    duree, resultat = chrono(f)
    pic = pic_memoire_mo()
    PIC_GLOBAL[0] = max(PIC_GLOBAL[0], pic)
    return duree, resultat, pic, pic - avant


def _pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        sortie = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True, check=True).stdout
    return int(next(l.split()[-1] for l in sortie.splitlines() if l.startswith("Pages:")))


def _ko(taille: int) -> str:
    return (f"{taille / 1024:.0f} Ko" if taille < 1024 * 1024 else f"{taille / 1024 / 1024:.1f} Mo").replace(".", ",")


def _selectionner(engine, prof_login: str, division_id: int) -> int:
    """Up to FICHES_CHOISIES fiches of the épreuve's pôle per student (distinct situations, most complex first)."""
    with Session(engine) as s:
        prof = _utilisateur(s.scalar(select(Compte).where(Compte.login == prof_login)))
        division = s.get(Division, division_id)
        ep = trouver_epreuve(s, division.etablissement_id, division.referentiel, EPREUVE)
        codes = set(ep.situations(referentiel.charger(division.referentiel)))
        deja = s.scalar(select(func.count()).select_from(SelectionCcf).join(Eleve, Eleve.id == SelectionCcf.eleve_id)
                        .where(Eleve.division_id == division_id, SelectionCcf.epreuve == EPREUVE))
        if deja:
            return deja
        lignes = s.execute(
            select(Fiche.eleve_id, Fiche.id, FicheVersion.situation)
            .join(FicheVersion, and_(FicheVersion.fiche_id == Fiche.id, FicheVersion.numero == Fiche.version_courante))
            .join(Eleve, Eleve.id == Fiche.eleve_id)
            .where(Eleve.division_id == division_id, Fiche.supprimee_le.is_(None), FicheVersion.situation.in_(codes))
            .order_by(Fiche.eleve_id, FicheVersion.complexite.desc(), FicheVersion.aleas.desc(), Fiche.id)).all()
        vues: dict[int, set[str]] = {}
        n = 0
        for eleve_id, fiche_id, situation in lignes:
            situations = vues.setdefault(eleve_id, set())
            if len(situations) < FICHES_CHOISIES and situation not in situations:
                situations.add(situation)
                ccf.selectionner(s, prof, fiche_id, EPREUVE, instant=dt.datetime.combine(JOUR, dt.time(10, 0)))
                n += 1
        s.commit()
    return n


def _base_neuve(url: str, etablissement: dict, division: dict):
    """A fresh store holding only the school and the division that welcome the student (outside the measure)."""
    engine = base_vide(url)
    with transaction(engine) as s:
        etab = Etablissement(**etablissement)
        s.add(etab)
        s.add(Division(etablissement=etab, **division))
    return engine


def mesurer(url: str, url_reimport: str, ecole: str, repetitions: int, dossier: Path, pdf: bool = True) -> dict:
    """The measures of one store; ``pdf=False`` leaves out the PDF renderings, which do not depend on the store."""
    ecrivain = Ecrivain(url, GRAINE)
    engine = ecrivain.engine
    ccf_id = ecrivain.division(DIVISION_CCF[ecole])
    grille_id = ecrivain.division(DIVISION_MESUREE[ecole])
    temps: dict[str, list[float]] = {}
    infos: dict[str, object] = {}
    pics: dict[str, tuple[float, float]] = {}

    def noter(mesure: str, f: Callable[[], object], memoire: str | None = None):
        duree, resultat, pic, hausse = _avec_pic(f)
        temps.setdefault(mesure, []).append(duree)
        if memoire:
            ancien = pics.get(memoire, (0.0, 0.0))
            pics[memoire] = (max(ancien[0], pic), max(ancien[1], hausse))
        return resultat

    with Session(engine) as s:
        prof = _utilisateur(s.scalar(select(Compte).where(Compte.login == ENSEIGNANTE[ecole])))
        if ecole == "demo":
            compte = s.scalar(select(Compte).where(Compte.login == "lea.moreau"))
            eleve = s.scalar(select(Eleve).where(Eleve.compte_id == compte.id))
        else:  # the student with the most fiches (the longest livret)
            eleve_id = s.scalar(select(Fiche.eleve_id).where(Fiche.supprimee_le.is_(None)).group_by(Fiche.eleve_id)
                                .order_by(func.count().desc(), Fiche.eleve_id).limit(1))
            eleve = s.get(Eleve, eleve_id)
            compte = s.get(Compte, eleve.compte_id)
        lui = _utilisateur(compte, eleve.id)
        assert lui.role == Role.ELEVE
        eleve_id = eleve.id
        nombre = s.scalar(select(func.count()).select_from(Fiche)
                          .where(Fiche.eleve_id == eleve_id, Fiche.supprimee_le.is_(None)))
        infos["élève du livret et du ZIP"] = f"{compte.login}, {eleve.division.nom}, {nombre} fiches"
        source_etab = {"uai": "0999999Z", "nom": "Lycée d'accueil"}
        source_div = {"nom": eleve.division.nom, "niveau": eleve.division.niveau,
                      "annee_scolaire": eleve.division.annee_scolaire, "referentiel": eleve.division.referentiel}
        division = s.get(Division, ccf_id)
        codes = sorted(trouver_epreuve(s, division.etablissement_id, division.referentiel, EPREUVE)
                       .situations(referentiel.charger(division.referentiel)))
    infos["fiches choisies pour E31 (hors mesure)"] = _selectionner(engine, ENSEIGNANTE[ecole], ccf_id)

    from analytics import Entrepot

    entrepot = Entrepot(engine.url.render_as_string(hide_password=False))
    entrepot.actualiser()  # the first load (bench_cockpit.py) is not this benchmark's subject
    zip_eleve = dossier / f"passeport-{ecole}.zip"
    for _ in range(repetitions):
        with Session(engine) as s:
            # 1. The livret of one student: data, HTML, PDF from that HTML.
            donnees = noter("livret : données (services.livret)", lambda: livret.donnees_livret(s, lui, eleve_id))
            html = noter("livret : HTML (Jinja2)", lambda: html_livret(donnees))
            infos["livret : fiches imprimées"] = donnees.nombre_de_fiches
            if pdf:
                livret_pdf = noter("livret : PDF (WeasyPrint, depuis le HTML)", lambda: en_pdf(html), "le livret PDF")
                infos["livret : pages, taille du PDF (du HTML)"] = (
                    f"{_pages(livret_pdf)} p., {_ko(len(livret_pdf))} ({_ko(len(html))})")

            # 2. The passport ZIP, and the plain alternative: the student's versions by one SELECT, as JSON.
            contenu = noter("passeport ZIP : export (services.archive)",
                            lambda: archive.archive_de_l_eleve(s, lui, eleve_id), "l'export ZIP")
            zip_eleve.write_bytes(contenu)

            def versions_en_json() -> str:
                lignes = s.execute(select(FicheVersion.__table__).join(Fiche, Fiche.id == FicheVersion.fiche_id)
                                   .where(Fiche.eleve_id == eleve_id).order_by(FicheVersion.id)).mappings().all()
                return json.dumps([dict(l) for l in lignes], ensure_ascii=False, default=str)

            brut = noter("alternative : SELECT des versions de l'élève + json.dumps", versions_en_json)
            infos["passeport ZIP : taille (JSON des versions seul)"] = f"{_ko(len(contenu))} ({_ko(len(brut))})"

            # 4. CCF: the synthesis, a plain GROUP BY over the same students and situations, the dossiers' ZIP.
            synthese = noter("CCF E31 : synthese_division",
                             lambda: dossier_ccf.synthese_division(s, prof, ccf_id, EPREUVE))

            def group_by() -> list:
                return s.execute(
                    select(Fiche.eleve_id, FicheVersion.situation, func.count(), func.max(FicheVersion.complexite),
                           func.max(FicheVersion.aleas))
                    .join(FicheVersion, and_(FicheVersion.fiche_id == Fiche.id,
                                             FicheVersion.numero == Fiche.version_courante))
                    .join(Eleve, Eleve.id == Fiche.eleve_id)
                    .where(Eleve.division_id == ccf_id, Fiche.supprimee_le.is_(None),
                           FicheVersion.situation.in_(codes))
                    .group_by(Fiche.eleve_id, FicheVersion.situation)).all()

            groupes = noter("alternative : GROUP BY élève × situation (SQL)", group_by)
            infos["CCF : élèves × situations (cases non vides)"] = (
                f"{len(synthese.eleves)} × {len(synthese.situations)} ({len(groupes)})")
            synthese_, dossiers = noter("CCF E31 : données des dossiers (dossiers_division)",
                                        lambda: dossier_ccf.dossiers_division(s, prof, ccf_id, EPREUVE))
            if pdf:
                z = noter("CCF E31 : ZIP des dossiers (PDF par élève, synthèse PDF et xlsx)",
                          lambda: documents_ccf.zip_dossiers_division(synthese_, dossiers, JOUR), "le ZIP CCF")
                donnees_puis_zip = (temps["CCF E31 : données des dossiers (dossiers_division)"][-1]
                                    + temps["CCF E31 : ZIP des dossiers (PDF par élève, synthèse PDF et xlsx)"][-1])
                temps.setdefault("CCF E31 : ZIP, par élève (données comprises)", []).append(
                    donnees_puis_zip / len(dossiers))
                infos["CCF : taille du ZIP"] = f"{_ko(len(z))} ({len(dossiers)} dossiers)"

            # 5. The class grid (the copy of the store is loaded; the page keeps it between reruns).
            g = noter("grille de la classe : données (grille_de_la_division)",
                      lambda: grille.grille_de_la_division(s, prof, entrepot, grille_id, jour=JOUR))
            html_g = noter("grille de la classe : HTML (Jinja2)", lambda: html_grille_classe(g))
            infos["grille : élèves"] = len(g.poles[0].lignes)
            if pdf:
                pdf_g = noter("grille de la classe : PDF (WeasyPrint, depuis le HTML)", lambda: en_pdf(html_g),
                              "la grille PDF")
                infos["grille : pages, taille du PDF"] = f"{_pages(pdf_g)} p., {_ko(len(pdf_g))}"
            s.rollback()  # the reads are journaled, the export too: nothing to keep
    entrepot.fermer()
    ecrivain.fermer()

    # 2 (end). Re-import into a fresh store (on PostgreSQL, the same database emptied: the school is not needed
    # any more).
    for _ in range(repetitions):
        cible = _base_neuve(url_reimport, source_etab, source_div)

        def reimporter():
            with transaction(cible) as s:
                return reimport.importer_passeport(s, zip_eleve)

        bilan = noter("passeport ZIP : réimport dans une base neuve (services.reimport)", reimporter, "le réimport")
        infos["passeport ZIP : fiches, versions réimportées"] = f"{bilan.fiches}, {bilan.versions}"
        cible.dispose()
    for memoire, (pic, hausse) in pics.items():
        infos[f"mémoire : hausse pendant {memoire} (pic du processus)"] = f"+{hausse:.0f} Mo ({pic:.0f} Mo)"
    return {"temps": temps, "infos": infos}


def correspondances(repetitions: int) -> dict[str, list[float]]:
    """The offer against GA 2012: the module's matching, its vocabulary alone, and a naive substring loop."""
    ref = referentiel.charger("ga-2012")
    # The naive loop's word lists (the same texts as the matching, split on spaces), made once.
    mots_ref = {code: sorted({m.strip(".,;:()«»'’").lower()
                              for textes in correspondance._textes_de(ref, code).values()
                              for t in textes for m in t.split() if len(m) > 3})
                for code in ref.situations}

    def naive() -> list[tuple[str, int]]:
        offre = OFFRE.lower()
        scores = [(code, sum(1 for m in mots if m in offre)) for code, mots in mots_ref.items()]
        return sorted((c for c in scores if c[1]), key=lambda c: -c[1])

    temps: dict[str, list[float]] = {}
    infos: dict[str, object] = {"mots de l'offre": len(OFFRE.split())}
    for _ in range(max(repetitions, 1) * APPELS_OFFRE):
        for mesure, f in (("correspondance d'une offre (situations_de_l_offre)",
                           lambda: correspondance.situations_de_l_offre(OFFRE, ref)),
                          ("dont le vocabulaire du référentiel, recalculé à chaque appel",
                           lambda: correspondance.vocabulaire(ref)),
                          ("alternative : boucle naïve, chaque mot du référentiel cherché dans l'offre", naive)):
            duree, resultat = chrono(f)
            temps.setdefault(mesure, []).append(duree)
            if mesure.startswith("correspondance"):
                infos["situations trouvées (les 3 premières)"] = (
                    f"{len(resultat)} ({', '.join(c.code for c in resultat[:3])})")
            elif mesure.startswith("alternative"):
                infos["situations trouvées par la boucle naïve"] = len(resultat)
    infos["mots du référentiel testés par la boucle naïve"] = sum(len(m) for m in mots_ref.values())
    return {"temps": temps, "infos": infos}


def _cellule(valeurs: list[float]) -> str:
    """The median and, in brackets, the fastest and slowest runs."""
    if len(valeurs) == 1:
        return duree_fr(valeurs[0])
    return f"{duree_fr(statistics.median(valeurs))} ({duree_fr(min(valeurs))} – {duree_fr(max(valeurs))})"


RAPPORTS = [
    ("rapport PDF / HTML du livret", "livret : PDF (WeasyPrint, depuis le HTML)", "livret : HTML (Jinja2)"),
    ("rapport export ZIP / SELECT + json.dumps", "passeport ZIP : export (services.archive)",
     "alternative : SELECT des versions de l'élève + json.dumps"),
    ("rapport synthese_division / GROUP BY", "CCF E31 : synthese_division",
     "alternative : GROUP BY élève × situation (SQL)"),
    ("rapport PDF / HTML de la grille", "grille de la classe : PDF (WeasyPrint, depuis le HTML)",
     "grille de la classe : HTML (Jinja2)"),
    ("rapport correspondance / boucle naïve", "correspondance d'une offre (situations_de_l_offre)",
     "alternative : boucle naïve, chaque mot du référentiel cherché dans l'offre"),
]


def _rapport(temps: dict[str, list[float]], a: str, b: str) -> str:
    if a not in temps or b not in temps:
        return "–"
    return f"× {statistics.median(temps[a]) / statistics.median(temps[b]):.0f}".replace(".", ",")


def tableau(resultats: dict[str, dict]) -> str:
    colonnes = list(resultats)
    lignes = ["| mesure (médiane, min – max) | " + " | ".join(colonnes) + " |", "|---" * (len(colonnes) + 1) + "|"]
    mesures = list(dict.fromkeys(m for r in resultats.values() for m in r["temps"]))
    for mesure in mesures:
        lignes.append(f"| {mesure} | " + " | ".join(
            _cellule(r["temps"][mesure]) if mesure in r["temps"] else "–" for r in resultats.values()) + " |")
    for nom, a, b in RAPPORTS:
        if a in mesures:
            lignes.append(f"| {nom} | " + " | ".join(_rapport(r["temps"], a, b) for r in resultats.values()) + " |")
    for info in dict.fromkeys(i for r in resultats.values() for i in r["infos"]):
        lignes.append(f"| {info} | " + " | ".join(str(r["infos"].get(info, "–")) for r in resultats.values()) + " |")
    return "\n".join(lignes)


def main() -> None:
    parseur = argparse.ArgumentParser()
    parseur.add_argument("--repetitions", type=int, default=3)
    parseur.add_argument("--sans-postgres", action="store_true")
    args = parseur.parse_args()
    debut = time.perf_counter()
    resultats: dict[str, dict] = {}
    # WeasyPrint is imported by the first PDF of a process (passeport.documents.gabarits.en_pdf): once, here, so
    # that every PDF measured is one of a running server.
    import_weasyprint, _ = chrono(lambda: __import__("weasyprint"))
    with tempfile.TemporaryDirectory() as d:
        dossier = Path(d)
        os.environ["PASSEPORT_DONNEES"] = str(dossier / "donnees")  # attachments re-imported land here
        bases = {"SQLite": (lambda ecole: f"sqlite:///{dossier / f'sorties-{ecole}.sqlite'}",
                            lambda ecole: f"sqlite:///{dossier / f'reimport-{ecole}.sqlite'}")}
        if os.environ.get("PASSEPORT_POSTGRES_URL") and not args.sans_postgres:
            pg = os.environ["PASSEPORT_POSTGRES_URL"]
            bases["PostgreSQL"] = (lambda ecole: pg, lambda ecole: pg)
        for base, (url_de, reimport_de) in bases.items():
            for ecole, construire in (("demo", construire_demo), ("grande", construire_grande_ecole)):
                url = url_de(ecole)
                duree, bilan = chrono(lambda: construire(url))
                print(f"{base:<10} école {NOM_ECOLE[ecole]} construite en {duree:.1f} s : {bilan['eleves']} élèves, "
                      f"{bilan['fiches']} fiches", flush=True)
                # The PDFs do not depend on the store: rendered on the first base only (time budget).
                duree, r = chrono(lambda: mesurer(url, reimport_de(ecole), ecole, args.repetitions, dossier,
                                                  pdf=base == "SQLite"))
                print(f"{base:<10} école {NOM_ECOLE[ecole]} mesurée en {duree:.1f} s", flush=True)
                resultats[f"{base}, {NOM_ECOLE[ecole]}"] = r
        offre = correspondances(args.repetitions)
    print()
    print(tableau(resultats))
    print()
    print(f"| correspondance d'une offre (médiane de {max(args.repetitions, 1) * APPELS_OFFRE} appels, min – max) "
          "| GA 2012, sans base |")
    print("|---|---|")
    for mesure, valeurs in offre["temps"].items():
        print(f"| {mesure} | {_cellule(valeurs)} |")
    nom, a, b = RAPPORTS[-1]
    print(f"| {nom} | {_rapport(offre['temps'], a, b)} |")
    for info, valeur in offre["infos"].items():
        print(f"| {info} | {valeur} |")
    print(f"\nImport de WeasyPrint (au premier PDF d'un processus, hors mesures) : {duree_fr(import_weasyprint)}.")
    print(f"{args.repetitions} essais par mesure ; durée totale {time.perf_counter() - debut:.0f} s ; mémoire "
          f"maximale pendant les mesures {PIC_GLOBAL[0]:.0f} Mo")


if __name__ == "__main__":
    main()
