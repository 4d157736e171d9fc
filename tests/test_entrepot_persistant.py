"""The persistent analytics copy (analytics/entrepot.py): refreshed from the store's change log, rebuilt when
missing, damaged or stale, memoised per division, refreshed once per page run.

Every kind of write the analytics read is done through the application's services where one exists, and must move
the stamp; the refreshed copy must then hold exactly what a copy built from scratch holds. Store tests: they run on
SQLite, and on PostgreSQL in CI (PASSEPORT_TEST_BACKEND=postgresql).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import duckdb
import pandas as pd
import pytest
from sqlalchemy import select

import analytics
from analytics.construction import TABLES
from analytics.entrepot import Entrepot
from passeport import changements
from passeport.db import transaction
from passeport.models import Compte, Division, Eleve, Lieu, Nature
from passeport.services import administration, fiches, suivi
from passeport.services.fiches import ContenuFiche
from tests.conftest import RACINE, jeton_de_session
from tests.ecole import creer_ecole

pytestmark = pytest.mark.store


def contenu(situation="1.1.2", titre="Commande", complexite=1, aleas=0) -> ContenuFiche:
    return ContenuFiche(situation=situation, titre=titre, date_debut=dt.date(2026, 10, 5), lieu=Lieu.PFMP,
                        nature=Nature.REELLE, complexite=complexite, aleas=aleas, organisation="BIOMAG")


@pytest.fixture
def magasin(fresh_db, tmp_path):
    """The tiny school: Léa in 1GA1 with two fiches (one positioned), Noé in 2AG1 with one, an empty 1GA2."""
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        f1 = fiches.nouvelle_fiche(s, ecole.lea, contenu("1.1.2")).id
        f2 = fiches.nouvelle_fiche(s, ecole.lea, contenu("2.1.1", complexite=2)).id
        f3 = fiches.nouvelle_fiche(s, ecole.noe, ContenuFiche(
            situation="1.1.1", titre="Accueil", date_debut=dt.date(2026, 10, 6), lieu=Lieu.ETABLISSEMENT,
            nature=Nature.SIMULEE, complexite=1, aleas=0)).id
        suivi.positionner(s, ecole.martin, f1, 2)
        d1 = s.scalar(select(Eleve.division_id).where(Eleve.id == ecole.lea.eleve_id))
        d2 = s.scalar(select(Eleve.division_id).where(Eleve.id == ecole.noe.eleve_id))
        d3 = administration.creer_division(s, ecole.admin, "1GA2", "1re", "2026-2027", "ga-2012").id
    url = fresh_db.url.render_as_string(hide_password=False)
    return {"engine": fresh_db, "url": url, "ecole": ecole, "f1": f1, "f2": f2, "f3": f3,
            "d1": d1, "d2": d2, "d3": d3, "dossier": tmp_path / "analytique"}


def neuve(m, tmp_path, nom="neuve") -> Entrepot:
    """A copy built from scratch in its own folder."""
    e = Entrepot(m["url"], dossier=tmp_path / nom)
    e.actualiser()
    assert e.constructions == 1
    return e


def memes_copies(a: Entrepot, b: Entrepot) -> None:
    """Same tables, row for row, and the same coverage of every division."""
    for table in (*TABLES, "situations"):
        pd.testing.assert_frame_equal(a.table(table), b.table(table), check_dtype=False, obj=table)
    for division in a.table("divisions")["id"]:
        pd.testing.assert_frame_equal(analytics.couverture(a, division_id=int(division)),
                                      analytics.couverture(b, division_id=int(division)))


def _nouvelle_fiche(m, s):
    fiches.nouvelle_fiche(s, m["ecole"].lea, contenu("3.1.1", aleas=1))


def _nouvelle_version(m, s):
    fiches.enregistrer(s, m["ecole"].lea, m["f1"], contenu("1.1.2", titre="Commande réécrite", complexite=3))


def _suppression(m, s):
    fiches.supprimer(s, m["ecole"].lea, m["f2"])


def _restauration(m, s):
    fiches.restaurer(s, m["ecole"].lea, m["f2"])


def _retenue(m, s):
    fiches.retenir(s, m["ecole"].lea, m["f2"])


def _positionnement(m, s):
    suivi.positionner(s, m["ecole"].martin, m["f2"], 4)


def _renommage_eleve(m, s):  # no service renames an account: an import or an administrator's fix does it
    s.get(Compte, m["ecole"].lea.compte_id).nom = "Moreau-Durand"


def _desactivation(m, s):
    s.get(Compte, m["ecole"].noe.compte_id).actif = False


def _changement_de_division(m, s):
    administration.changer_de_division(s, m["ecole"].admin, m["ecole"].lea.eleve_id, m["d3"])


def _renommage_division(m, s):
    s.get(Division, m["d2"]).nom = "2AG1 bis"


ECRITURES = {  # name → (a write done before it (None: none), the write)
    "nouvelle fiche": (None, _nouvelle_fiche),
    "nouvelle version": (None, _nouvelle_version),
    "suppression": (None, _suppression),
    "restauration": (_suppression, _restauration),
    "retenue": (None, _retenue),
    "positionnement": (None, _positionnement),
    "élève renommé": (None, _renommage_eleve),
    "élève désactivé": (None, _desactivation),
    "élève changé de division": (None, _changement_de_division),
    "division renommée": (None, _renommage_division),
}


@pytest.mark.parametrize("nom", list(ECRITURES))
def test_each_write_moves_the_stamp_and_a_refresh_equals_a_rebuild(magasin, tmp_path, nom):
    avant, ecriture = ECRITURES[nom]
    e = Entrepot(magasin["url"], dossier=magasin["dossier"])
    try:
        if avant is not None:
            with transaction(magasin["engine"]) as s:
                avant(magasin, s)
        depart = e.actualiser()
        lus = e.lectures_de_fiches
        assert e.actualiser() == depart and e.lectures_de_fiches == lus  # nothing changed: nothing read
        with transaction(magasin["engine"]) as s:
            ecriture(magasin, s)
        apres = e.actualiser()
        assert apres.numero > depart.numero
        assert e.constructions == 1  # the refresh applied the changes, it did not rebuild
        assert e.lectures_de_fiches - lus <= 2  # at most the fiches the write touched
        reference = neuve(magasin, tmp_path)
        try:
            memes_copies(e, reference)
        finally:
            reference.fermer()
    finally:
        e.fermer()


def test_the_refresh_sees_each_write_in_the_results(magasin):
    e = Entrepot(magasin["url"], dossier=magasin["dossier"])
    try:
        lea, d1 = magasin["ecole"].lea.eleve_id, magasin["d1"]
        cov = analytics.couverture(e, division_id=d1).set_index("situation")
        assert cov.loc["1.1.2", "max_complexite"] == 1 and cov.loc["1.1.2", "positionnement"] == 2
        with transaction(magasin["engine"]) as s:
            _nouvelle_version(magasin, s)
            _positionnement(magasin, s)
        e.actualiser()
        cov = analytics.couverture(e, division_id=d1).set_index("situation")
        assert cov.loc["1.1.2", "max_complexite"] == 3 and cov.loc["2.1.1", "positionnement"] == 4
        with transaction(magasin["engine"]) as s:
            _changement_de_division(magasin, s)
        e.actualiser()
        assert analytics.couverture(e, division_id=d1).empty
        assert set(analytics.couverture(e, division_id=magasin["d3"])["eleve_id"]) == {lea}
    finally:
        e.fermer()


def test_a_change_in_one_class_leaves_the_other_classes_results_warm(magasin):
    e = Entrepot(magasin["url"], dossier=magasin["dossier"])
    try:
        d1, d2, noe = magasin["d1"], magasin["d2"], magasin["ecole"].noe.eleve_id
        analytics.couverture(e, division_id=d1)
        analytics.couverture(e, division_id=d2)
        analytics.couverture(e, eleve_id=noe)
        with transaction(magasin["engine"]) as s:
            _nouvelle_version(magasin, s)  # a fiche of Léa, in 1GA1
        e.actualiser()
        cles = {"division": None, "eleve": None, "etablissement": None, "debut": None, "fin": None,
                "lieux": None, "natures": None}
        assert e.en_memoire("couverture", **{**cles, "division": d2})  # 2AG1 untouched: still memoised
        assert e.en_memoire("couverture", **{**cles, "eleve": noe})  # Noé is in 2AG1
        assert not e.en_memoire("couverture", **{**cles, "division": d1})  # 1GA1 changed
        # memoiser(): keyed the same way when told what it reads.
        appels = []
        e.memoiser(("essai",), lambda: appels.append(1) or pd.DataFrame(), division_id=d2)
        with transaction(magasin["engine"]) as s:
            _nouvelle_fiche(magasin, s)
        e.actualiser()
        e.memoiser(("essai",), lambda: appels.append(1) or pd.DataFrame(), division_id=d2)
        e.memoiser(("global",), lambda: appels.append(1) or pd.DataFrame())
        assert appels == [1, 1]
    finally:
        e.fermer()


def test_the_filters_key_a_query_of_one_division(magasin):
    e = Entrepot(magasin["url"], dossier=magasin["dossier"])
    try:
        tout = analytics.couverture(e, division_id=magasin["d1"])
        reelles = analytics.couverture(e, division_id=magasin["d1"], filtres=analytics.Filtres(natures=["simulee"]))
        assert tout["nb_fiches"].sum() == 2 and reelles["nb_fiches"].sum() == 0
    finally:
        e.fermer()


# --- Persistence --------------------------------------------------------------------------------------------------

def test_a_restart_is_warm_and_applies_only_what_changed(magasin, tmp_path):
    e = Entrepot(magasin["url"], dossier=magasin["dossier"])
    e.actualiser()
    fichier = e.fichier
    e.fermer()
    with transaction(magasin["engine"]) as s:
        _nouvelle_version(magasin, s)
    e = Entrepot(magasin["url"], dossier=magasin["dossier"])
    try:
        assert e.fichier == fichier and e.slot == 1
        e.actualiser()
        assert e.constructions == 0 and e.lectures_de_fiches == 1
        reference = neuve(magasin, tmp_path)
        memes_copies(e, reference)
        reference.fermer()
    finally:
        e.fermer()


def _fermee(magasin) -> Entrepot:
    e = Entrepot(magasin["url"], dossier=magasin["dossier"])
    e.actualiser()
    e.fermer()
    return e


def _abimer(fichier):
    fichier.write_bytes(b"ceci n'est pas une base DuckDB" * 1000)


def _vieux_format(fichier):
    with duckdb.connect(str(fichier)) as duck:
        duck.execute("UPDATE meta SET format = 'ancien'")
        duck.execute("ALTER TABLE fiches ADD COLUMN ancienne INTEGER")  # an older shape of the copy


def _autre_generation(fichier, magasin):
    with transaction(magasin["engine"]) as s:
        changements.repartir(s.connection())


def _journal_elague(fichier, magasin):
    with transaction(magasin["engine"]) as s:
        _nouvelle_fiche(magasin, s)
    with transaction(magasin["engine"]) as s:
        assert changements.elaguer(s, dt.datetime(2100, 1, 1)) > 0


PERIMEES = {
    "fichier abîmé": lambda f, m: _abimer(f),
    "format ancien": lambda f, m: _vieux_format(f),
    "autre génération": _autre_generation,
    "journal élagué": _journal_elague,
    "fichier absent": lambda f, m: f.unlink(),
}


@pytest.mark.parametrize("nom", list(PERIMEES))
def test_a_damaged_or_stale_copy_is_rebuilt(magasin, tmp_path, nom):
    fichier = _fermee(magasin).fichier
    PERIMEES[nom](fichier, magasin)
    e = Entrepot(magasin["url"], dossier=magasin["dossier"])
    try:
        e.actualiser()
        assert e.constructions == 1
        reference = neuve(magasin, tmp_path)
        memes_copies(e, reference)
        reference.fermer()
    finally:
        e.fermer()


@pytest.mark.parametrize("separee", [False, True], ids=["ici", "processus enfant"])
def test_a_new_generation_while_running_rebuilds_without_closing_the_copy(magasin, tmp_path, monkeypatch, separee):
    if separee:
        monkeypatch.setattr(Entrepot, "SEUIL_CONSTRUCTION_SEPAREE", -1)
    e = Entrepot(magasin["url"], dossier=magasin["dossier"])
    try:
        e.actualiser()
        avant = analytics.couverture(e, division_id=magasin["d1"])
        with transaction(magasin["engine"]) as s:
            _nouvelle_fiche(magasin, s)
            changements.repartir(s.connection())
        e.actualiser()
        assert e.constructions == 2
        apres = analytics.couverture(e, division_id=magasin["d1"])
        assert apres["nb_fiches"].sum() == avant["nb_fiches"].sum() + 1
        reference = neuve(magasin, tmp_path)
        memes_copies(e, reference)
        reference.fermer()
    finally:
        e.fermer()


def test_the_child_process_builds_the_same_copy(magasin, tmp_path, monkeypatch):
    ici = neuve(magasin, tmp_path, "ici")
    monkeypatch.setattr(Entrepot, "SEUIL_CONSTRUCTION_SEPAREE", -1)
    enfant = neuve(magasin, tmp_path, "enfant")
    try:
        memes_copies(ici, enfant)
    finally:
        ici.fermer()
        enfant.fermer()


def test_each_instance_takes_its_own_slot(magasin):
    a = Entrepot(magasin["url"], dossier=magasin["dossier"])
    b = Entrepot(magasin["url"], dossier=magasin["dossier"])
    try:
        assert (a.slot, b.slot) == (1, 2) and a.fichier != b.fichier
        a.actualiser()
        b.actualiser()
        memes_copies(a, b)
    finally:
        a.fermer()
        b.fermer()
    c = Entrepot(magasin["url"], dossier=magasin["dossier"])  # the slots were given back
    assert c.slot == 1
    c.fermer()


def test_a_file_locked_by_another_process_sends_to_the_next_slot(magasin):
    e = Entrepot(magasin["url"], dossier=magasin["dossier"])
    fichier = e.fichier
    e.fermer()
    # Another process holds the DuckDB file itself (without the slot's lock file).
    autre = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                              "print('ouvert', flush=True); time.sleep(60)", str(fichier)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert autre.stdout.readline().strip() == "ouvert"
        e = Entrepot(magasin["url"], dossier=magasin["dossier"])
        try:
            assert e.slot == 2
            e.actualiser()
            assert not analytics.couverture(e, division_id=magasin["d1"]).empty
        finally:
            e.fermer()
    finally:
        autre.kill()
        autre.wait()


def test_the_password_is_not_in_the_file_name(magasin):
    e = Entrepot(magasin["url"], dossier=magasin["dossier"])
    try:
        assert "passeport-ci" not in e.fichier.name and e.fichier.parent == magasin["dossier"]
    finally:
        e.fermer()


def test_the_analytics_url_may_name_another_store(magasin, monkeypatch, tmp_path):
    monkeypatch.setenv("PASSEPORT_ANALYTIQUE_URL", magasin["url"])
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'autre.sqlite'}")
    monkeypatch.setenv("PASSEPORT_ANALYTIQUE_DOSSIER", str(tmp_path / "copies"))
    e = analytics.entrepot()
    try:
        assert e.url == Entrepot(magasin["url"], dossier=tmp_path / "x").url
        assert e.fichier.parent == tmp_path / "copies"
    finally:
        e.fermer()


# --- One refresh per page run -------------------------------------------------------------------------------------

def tableau_de_bord_de_claire(base):
    """claire.martin on the class dashboard of the demo school under AppTest, after its first run."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=60)
    at.session_state["jeton"] = jeton_de_session(str(base.url.render_as_string(hide_password=False)),
                                                 "claire.martin")
    at.run()
    at.switch_page("pages/enseignant_classe.py")
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_page_run_refreshes_the_copy_once(base, monkeypatch, demo_db_url):
    appels = []
    vraie = Entrepot.actualiser

    def comptee(self):
        appels.append(1)
        return vraie(self)

    monkeypatch.setattr(Entrepot, "actualiser", comptee)
    at = tableau_de_bord_de_claire(base)
    appels.clear()
    at.run()  # one rerun of the class dashboard (heatmap, synthèse, export…)
    assert not at.exception, at.exception
    assert len(appels) == 1


def test_a_class_figure_is_built_once_per_state_of_that_class(base, monkeypatch):
    """The heatmap is kept across reruns and teachers; a fiche written in another class leaves it ready, a fiche
    written in this class rebuilds it."""
    from sqlalchemy import update

    import analytics.charts
    import ui.cockpit
    from passeport.models import Fiche

    ui.cockpit._FIGURES.clear()
    construites = []
    vraie = analytics.charts.carte_de_chaleur

    def comptee(*arguments):
        construites.append(arguments)
        return vraie(*arguments)

    monkeypatch.setattr(analytics.charts, "carte_de_chaleur", comptee)
    at = tableau_de_bord_de_claire(base)
    assert len(construites) == 1
    at.run()
    assert len(construites) == 1  # a rerun without change: the same figure

    montree = at.session_state["cockpit_division"]

    def toucher_une_fiche(dans_la_division: bool) -> None:
        with transaction(base) as s:
            condition = Eleve.division_id == montree if dans_la_division else Eleve.division_id != montree
            fiche_id = s.scalar(select(Fiche.id).join(Eleve, Eleve.id == Fiche.eleve_id).where(condition).limit(1))
            s.execute(update(Fiche).where(Fiche.id == fiche_id).values(retenue=~Fiche.retenue))

    toucher_une_fiche(dans_la_division=False)
    at.run()
    assert not at.exception, at.exception
    assert len(construites) == 1  # another class changed: this one's figure is still right
    toucher_une_fiche(dans_la_division=True)
    at.run()
    assert not at.exception, at.exception
    assert len(construites) == 2


def test_queries_do_not_wait_for_a_refresh_in_progress(magasin):
    """A refresh holds the copy's lock while it applies changes (or swaps a rebuilt file); a teacher's query from
    another thread is answered meanwhile, from the state before the refresh."""
    import threading

    e = Entrepot(magasin["url"], dossier=magasin["dossier"])
    try:
        e.actualiser()
        reponses = []

        def interroger():
            reponses.append(int(analytics.couverture(e, division_id=magasin["d1"])["nb_fiches"].sum()))

        with e._verrou:  # a refresh in progress
            fil = threading.Thread(target=interroger)
            fil.start()
            fil.join(timeout=20)
            assert not fil.is_alive(), "la requête a attendu la fin de l'actualisation"
        assert reponses == [2]  # Léa's two fiches
    finally:
        e.fermer()
