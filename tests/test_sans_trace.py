"""Never a traceback: concurrent saves of one fiche, hostile characters and lengths, injected storage faults
(disk full, read-only database, IntegrityError) on every page of every role and on our HTTP routes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.db import creer_engine
from passeport.models import Fiche, FicheVersion, Lieu, Nature
from passeport.schema import initialiser
from passeport.services import fiches
from passeport.services.fiches import ContenuFiche
from tests.ecole import creer_ecole

LIVRAISON = ContenuFiche(
    situation="1.1.3", titre="Contrôle d'une livraison", date_debut=dt.date(2026, 10, 5), lieu=Lieu.PFMP,
    nature=Nature.REELLE, complexite=1, aleas=0, organisation="BIOMAG",
    contexte="Je suis assistante du chef de service dans l'entreprise BIOMAG.",
)
ECRIVAINS = 35


# --- 35 saves of one fiche at once ------------------------------------------------------------------------------


def _sauvegardes_concurrentes(url: str) -> None:
    engine = creer_engine(url)
    initialiser(engine)
    ecole = creer_ecole(engine)
    with Session(engine) as s:
        fiche_id = fiches.nouvelle_fiche(s, ecole.lea, LIVRAISON).id
        s.commit()
    engine.dispose()
    # A fresh engine whose pool lets every writer hold its own connection (two tabs, 35 tabs: one each).
    engine = creer_engine(url)
    engine.pool._pool.maxsize = ECRIVAINS + 5  # QueuePool: no writer waits for a connection from the pool
    depart = threading.Barrier(ECRIVAINS)
    acquittes: dict[int, int] = {}  # writer → the version number its save returned (after its commit)
    erreurs: list[BaseException] = []

    def ecrire(i: int) -> None:
        try:
            depart.wait()
            with Session(engine) as s:
                version = fiches.enregistrer(s, ecole.lea, fiche_id, dataclasses.replace(LIVRAISON, titre=f"Onglet {i}"))
                numero = version.numero
                s.commit()
            acquittes[i] = numero
        except BaseException as exc:  # noqa: BLE001 — any escape is the failure this test looks for
            erreurs.append(exc)

    fils = [threading.Thread(target=ecrire, args=(i,)) for i in range(ECRIVAINS)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(120)
    assert erreurs == []
    assert len(acquittes) == ECRIVAINS
    with Session(engine) as s:
        versions = {v.numero: v.titre for v in s.scalars(select(FicheVersion).where(FicheVersion.fiche_id == fiche_id))}
        fiche = s.get(Fiche, fiche_id)
        assert fiche.version_courante == ECRIVAINS + 1
    engine.dispose()
    # Numbers 1..36 without a gap; every acknowledged save is the version whose number it was told.
    assert sorted(versions) == list(range(1, ECRIVAINS + 2))
    assert versions[1] == "Contrôle d'une livraison"
    assert {versions[numero] for numero in acquittes.values()} == {f"Onglet {i}" for i in range(ECRIVAINS)}
    assert sorted(acquittes.values()) == list(range(2, ECRIVAINS + 2))


@pytest.mark.store
def test_35_concurrent_saves_of_one_fiche_on_sqlite(tmp_path):
    _sauvegardes_concurrentes(f"sqlite:///{tmp_path / 'passeport.sqlite'}")


@pytest.mark.store
def test_35_concurrent_saves_of_one_fiche_on_postgresql(pg_url):
    _sauvegardes_concurrentes(pg_url)


# --- injected storage faults under AppTest: every page of every role ---------------------------------------------

import logging
import os
import re
import sqlite3
from contextlib import contextmanager

import streamlit as st
from sqlalchemy import event, func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from passeport import erreurs
from passeport.models import Brouillon, Compte, Eleve
from tests.conftest import RACINE
from tests.test_app import COMPTE_PAR_PREFIXE, PAGES

PANNES = {
    # what SQLite says; the injection point is where the real fault strikes
    "disque_plein": sqlite3.OperationalError("database or disk is full"),  # at COMMIT
    "lecture_seule": sqlite3.OperationalError("attempt to write a readonly database"),  # at the first write
    "integrite": sqlite3.IntegrityError("UNIQUE constraint failed: fiche_version.fiche_id, fiche_version.numero"),
}
_ECRITURES = ("INSERT", "UPDATE", "DELETE")
_REFERENCE = re.compile(r"référence ([A-Z2-9]{6})")


@contextmanager
def panne(genre: str):
    """Every engine of the process fails its writes as ``genre`` would (SQLAlchemy wraps the driver's error as
    it does for a real one). Reads still work, as they do on a full disk or a read-only file."""
    def instruction(_conn, _curseur, requete, _parametres, _contexte, _plusieurs):
        if genre != "disque_plein" and requete.lstrip().upper().startswith(_ECRITURES):
            raise PANNES[genre]

    def validation(_conn):
        if genre == "disque_plein":  # raised where the driver's COMMIT would fail, wrapped as SQLAlchemy does
            raise OperationalError("COMMIT", None, PANNES[genre])

    event.listen(Engine, "before_cursor_execute", instruction)
    event.listen(Engine, "commit", validation)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", instruction)
        event.remove(Engine, "commit", validation)


def _textes_affiches(at: AppTest) -> list[str]:
    """Every text an element shows (messages, markdown, code, captions…)."""
    textes = []
    for genre in ("error", "warning", "info", "success", "markdown", "code", "caption", "title", "exception"):
        textes += [str(getattr(e, "value", "")) for e in at.get(genre)]
    return textes


def _sans_trace(at: AppTest, journal: str) -> list[str]:
    """Assert no traceback or exception box is shown; return the references shown (each one in the log)."""
    assert not at.exception, [e.value for e in at.exception]
    textes = _textes_affiches(at)
    for texte in textes:
        assert "Traceback" not in texte and "Error" not in texte and "sqlite3" not in texte, texte
    references = [r for t in (e.value for e in at.error) for r in _REFERENCE.findall(t)]
    for ref in references:
        assert f"Erreur {ref} " in journal, ref
    return references


@pytest.fixture
def demo_app(base, monkeypatch):
    """The app on a private copy of the demo school (fixture ``base``), caches cleared, with serveur.py's
    ``on_script_error`` handler: AppTest runs a page file by itself after the first run (not through app.py's
    ``executer``), as a server runs what escapes app.py: through st.App's handler."""
    import serveur
    from streamlit.runtime.scriptrunner import script_runner

    gestionnaire = serveur.app._on_script_error
    assert gestionnaire is not None
    initialiser_runner = script_runner.ScriptRunner.__init__

    def avec_gestionnaire(self, *args, **kwargs):
        kwargs.setdefault("on_script_error", gestionnaire)
        initialiser_runner(self, *args, **kwargs)

    monkeypatch.setattr(script_runner.ScriptRunner, "__init__", avec_gestionnaire)
    st.cache_data.clear()
    yield base
    st.cache_data.clear()


def _connecte(login: str) -> AppTest:
    """The app for ``login`` (the token the sign-in cookie would carry, handed through the session state)."""
    from passeport.services import sessions
    from passeport.services.comptes import authentifier

    engine = creer_engine(os.environ["DATABASE_URL"])
    with Session(engine) as s:
        jeton = sessions.ouvrir(s, authentifier(s, login, "passeport-demo").compte_id)
        s.commit()
    engine.dispose()
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=60)
    at.session_state["jeton"] = jeton
    return at


def _une_fiche(engine, login: str) -> int:
    """A fiche of ``login`` (a student), or of a student of ``login``'s first division (a teacher)."""
    with Session(engine) as s:
        if login == "lea.moreau":
            eleve = s.scalar(select(Eleve).join(Compte, Eleve.compte_id == Compte.id).where(Compte.login == login))
        else:
            eleve = s.scalar(select(Eleve).join(Compte, Eleve.compte_id == Compte.id).where(Compte.login == "lea.moreau"))
        return s.scalar(select(Fiche.id).where(Fiche.eleve_id == eleve.id, Fiche.supprimee_le.is_(None)).limit(1))


@pytest.mark.parametrize("genre", list(PANNES))
@pytest.mark.parametrize("role", list(COMPTE_PAR_PREFIXE))
def test_every_page_under_a_storage_fault_shows_no_traceback(demo_app, caplog, role, genre):
    login = COMPTE_PAR_PREFIXE[role]
    fiche_id = _une_fiche(demo_app, login)
    at = _connecte(login)
    at.session_state["fiche_ouverte"] = fiche_id if role == "eleve" else None
    at.session_state["fiche_suivie"] = fiche_id if role == "enseignant" else None
    montrees = {}
    caplog.set_level(logging.INFO, logger="passeport.erreurs")
    with panne(genre):
        at.run()
        _sans_trace(at, caplog.text)
        for page in [p for p in PAGES if p.startswith(role + "_") and p != "tuteur_lien"]:
            at.switch_page(f"pages/{page}.py")
            at.run()
            montrees[page] = _sans_trace(at, caplog.text)
            assert at.title, page  # the page itself was drawn (or its French message)
    # Where a page writes while it is read (a teacher's reading is journaled), the fault shows as the message.
    if role == "enseignant":
        assert montrees["enseignant_fiche"], montrees


@pytest.mark.parametrize("genre", list(PANNES))
def test_signed_out_and_tutor_link_pages_under_a_storage_fault(demo_app, caplog, genre):
    caplog.set_level(logging.INFO, logger="passeport.erreurs")
    with panne(genre):
        at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=60)
        at.run()
        _sans_trace(at, caplog.text)
        at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=60)
        at.query_params["lien"] = "faux-lien"
        at.run()
        _sans_trace(at, caplog.text)


def _nb(engine, modele, *conditions) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(modele).where(*conditions))


@pytest.mark.parametrize("genre", list(PANNES))
def test_a_save_that_fails_keeps_the_text_and_everything_saved(demo_app, caplog, genre):
    """The student saves while the store fails: French message with a reference found in the log, the text still
    in the form, the saved versions untouched; once the store is back, « Enregistrer » saves that very text."""
    caplog.set_level(logging.INFO, logger="passeport.erreurs")
    fiche_id = _une_fiche(demo_app, "lea.moreau")
    with Session(demo_app) as s:
        avant = [(v.numero, v.demarche) for v in s.get(Fiche, fiche_id).versions]
    at = _connecte("lea.moreau")
    at.session_state["fiche_ouverte"] = fiche_id
    at.run()
    at.switch_page("pages/eleve_fiche.py")
    at.run()
    texte = "Ma démarche réécrite pendant la panne : je ne veux pas la perdre."
    with panne(genre):
        at.text_area(key="f_demarche").input(texte)
        at.button(key="enregistrer").click()
        at.run()
        references = _sans_trace(at, caplog.text)
    assert references, [e.value for e in at.error]
    message = next(e.value for e in at.error if references[-1] in e.value)
    assert message.startswith(f"Une erreur est survenue (référence {references[-1]}).")
    assert "votre texte est gardé" in message.lower()
    assert at.text_area(key="f_demarche").value == texte
    with Session(demo_app) as s:
        assert [(v.numero, v.demarche) for v in s.get(Fiche, fiche_id).versions] == avant
    # The store is back: the same click saves the kept text as the next version.
    at.button(key="enregistrer").click()
    at.run()
    assert not at.exception
    with Session(demo_app) as s:
        versions = [(v.numero, v.demarche) for v in s.get(Fiche, fiche_id).versions]
    assert versions == avant + [(len(avant) + 1, texte)]


def test_the_error_message_never_quotes_the_exception():
    exc = ValueError("secret interne : /srv/passeport/data")
    message = erreurs.message("ABC234", exc)
    assert message == ("Une erreur est survenue (référence ABC234). Votre texte est gardé dans le formulaire et ce "
                       "qui était déjà enregistré est intact. Réessayez ; si cela recommence, donnez cette référence à "
                       "l'administrateur.")
    assert re.fullmatch(r"[A-Z2-9]{6}", erreurs.reference())
