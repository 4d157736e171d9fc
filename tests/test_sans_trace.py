"""Never a traceback: concurrent saves of one fiche, hostile characters and lengths, injected storage faults
(disk full, read-only database, IntegrityError) on every page of every role and on our HTTP routes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from passeport.db import creer_engine
from passeport.models import EvenementAudit, Fiche, FicheVersion, Lieu, Nature
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


def _sans_lecture_recente(engine) -> None:
    """No reading journaled in the last 15 minutes: a teacher opening a fiche then writes to the journal (the write
    that the fault must hit), whatever other tests did with the demo school before."""
    with Session(engine) as s:
        s.execute(delete(EvenementAudit).where(EvenementAudit.action == "consultation"))
        s.commit()


@pytest.mark.parametrize("genre", list(PANNES))
@pytest.mark.parametrize("role", list(COMPTE_PAR_PREFIXE))
def test_every_page_under_a_storage_fault_shows_no_traceback(demo_app, caplog, role, genre):
    login = COMPTE_PAR_PREFIXE[role]
    fiche_id = _une_fiche(demo_app, login)
    at = _connecte(login)
    _sans_lecture_recente(demo_app)
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


@pytest.mark.parametrize("role", list(COMPTE_PAR_PREFIXE))
def test_every_page_on_a_really_read_only_store_shows_no_traceback(demo_app, caplog, monkeypatch, role):
    """No injection here: the demo school's SQLite file opened with mode=ro, as a read-only mount would be."""
    login = COMPTE_PAR_PREFIXE[role]
    fiche_id = _une_fiche(demo_app, login)
    at = _connecte(login)  # signed in before the store became read-only
    _sans_lecture_recente(demo_app)
    at.session_state["fiche_ouverte"] = fiche_id if role == "eleve" else None
    at.session_state["fiche_suivie"] = fiche_id if role == "enseignant" else None
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///file:{demo_app.url.database}?mode=ro&uri=true")
    st.cache_resource.clear()
    caplog.set_level(logging.INFO, logger="passeport.erreurs")
    montrees = {}
    at.run()
    _sans_trace(at, caplog.text)
    for page in [p for p in PAGES if p.startswith(role + "_") and p != "tuteur_lien"]:
        at.switch_page(f"pages/{page}.py")
        at.run()
        montrees[page] = _sans_trace(at, caplog.text)
        assert at.title, page
    if role == "enseignant":
        assert montrees["enseignant_fiche"], montrees
    if role == "eleve":  # the student writes on: French message, the text stays in the form
        at.switch_page("pages/eleve_fiche.py")
        at.run()
        at.text_area(key="f_demarche").input("Écrit pendant que la base est en lecture seule.")
        at.button(key="enregistrer").click()
        at.run()
        assert _sans_trace(at, caplog.text)
        assert at.text_area(key="f_demarche").value == "Écrit pendant que la base est en lecture seule."
    st.cache_resource.clear()


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


# --- our HTTP routes: a French page with a reference, never a bare « Internal Server Error » ---------------------

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from passeport import web
from passeport.db import transaction
from passeport.models import Compte as CompteEnBase
from passeport.services.comptes import hacher


def _casse(_requete):
    raise RuntimeError("détail interne : /srv/passeport/data/passeport.sqlite")


@pytest.fixture
def client_web(fresh_db, empty_db_url, monkeypatch):
    """Our routes as serveur.py mounts them: same middleware, same exception handlers."""
    import serveur

    assert serveur.app._exception_handlers == web.ERREURS_DES_ROUTES
    monkeypatch.setenv("DATABASE_URL", empty_db_url)
    web.reinitialiser_pour_les_tests()
    with transaction(fresh_db) as s:
        s.add(CompteEnBase(login="camille.roux", role="enseignant", prenom="Camille", nom="Roux",
                           mot_de_passe_hash=hacher("une phrase secrète")))
    app = Starlette(routes=[*web.ROUTES, Route("/casse", _casse)], middleware=web.MIDDLEWARE,
                    exception_handlers=web.ERREURS_DES_ROUTES)
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False, raise_server_exceptions=False) as c:
        yield c
    web.reinitialiser_pour_les_tests()


def _poster_connexion(client):
    csrf = client.get("/connexion").cookies.get(web.COOKIE_CSRF)
    client.cookies.set(web.COOKIE_CSRF, csrf)
    return client.post("/connexion", data={"login": "camille.roux", "mot_de_passe": "une phrase secrète", "suite": "/",
                                           "csrf": csrf})


@pytest.mark.parametrize("genre", ["disque_plein", "lecture_seule"])
def test_sign_in_on_a_store_that_cannot_be_written_is_a_french_503(client_web, caplog, genre):
    caplog.set_level(logging.INFO, logger="passeport.erreurs")
    with panne(genre):
        r = _poster_connexion(client_web)
    assert r.status_code == 503
    assert "Internal Server Error" not in r.text and "Traceback" not in r.text and "sqlite" not in r.text
    ref = _REFERENCE.search(r.text).group(1)
    assert (f"La connexion est impossible pour le moment : le serveur ne peut pas enregistrer (espace disque plein "
            f"ou base en lecture seule). Rien de ce qui était enregistré n&#x27;est perdu. Réessayez plus tard ; si "
            f"cela dure, donnez la référence {ref} à l&#x27;administrateur.") in r.text
    assert f"Erreur {ref} (connexion)" in caplog.text
    assert web.COOKIE not in r.cookies
    # The store is back: the same sign-in works (nothing was half-written).
    assert _poster_connexion(client_web).status_code == 303


def test_an_unexpected_error_in_a_route_is_a_french_page_with_its_reference(client_web, caplog):
    caplog.set_level(logging.INFO, logger="passeport.erreurs")
    client_web.cookies.set(web.COOKIE, "un-jeton")
    r = client_web.get("/casse", headers={"accept": "text/html"})
    assert r.status_code == 500
    assert "Internal Server Error" not in r.text and "détail interne" not in r.text and "RuntimeError" not in r.text
    ref = _REFERENCE.search(r.text).group(1)
    assert f"Une erreur est survenue (référence {ref}). Réessayez dans un moment" in r.text
    assert f"Erreur {ref} (route GET /casse) : RuntimeError" in caplog.text
    assert "détail interne" in caplog.text  # the whole traceback is in the log, for the administrator


# --- hostile characters and lengths: the same French answer on SQLite and PostgreSQL (store tests: CI reruns
# them with PASSEPORT_TEST_BACKEND=postgresql, where fresh_db is PostgreSQL) ---------------------------------------

from passeport.acces import AccesRefuse  # noqa: E402
from passeport.services import brouillons, contextes  # noqa: E402
from passeport.services.brouillons import BrouillonRefuse  # noqa: E402
from passeport.services.fiches import FicheInvalide  # noqa: E402

HOSTILES = ["\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\ud800"]


@pytest.mark.store
@pytest.mark.parametrize("caractere", HOSTILES)
def test_control_characters_are_refused_in_fiches_drafts_and_contexts(fresh_db, caractere):
    ecole = creer_ecole(fresh_db)
    with Session(fresh_db) as s:
        fiche_id = fiches.nouvelle_fiche(s, ecole.lea, LIVRAISON).id
        s.commit()
    texte = f"J'ai vérifié{caractere} le bon"
    with Session(fresh_db) as s:
        with pytest.raises(FicheInvalide) as exc:
            fiches.enregistrer(s, ecole.lea, fiche_id, dataclasses.replace(LIVRAISON, demarche=texte))
        assert exc.value.problemes == {"demarche": (
            "Le champ « Démarche » contient un caractère interdit (caractère de contrôle invisible, par exemple un "
            "caractère nul, souvent venu d'un copier-coller) : retirez-le.")}
        with pytest.raises(FicheInvalide) as exc:
            fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(LIVRAISON, titre=f"Titre{caractere}"))
        assert list(exc.value.problemes) == ["titre"]
        with pytest.raises(BrouillonRefuse, match="Le champ « contexte » du brouillon contient un caractère interdit"):
            brouillons.enregistrer(s, ecole.lea, "cle-de-lea-0000000001", {"contexte": texte})
        with pytest.raises(contextes.ContexteInvalide, match="Le nom du contexte contient un caractère interdit"):
            contextes.enregistrer(s, ecole.lea, contextes.Contexte(nom=f"PF{caractere}MP"))
        s.commit()
    with Session(fresh_db) as s:  # nothing was written
        assert [v.numero for v in s.get(Fiche, fiche_id).versions] == [1]
        assert s.scalar(select(func.count()).select_from(Brouillon)) == 0


@pytest.mark.store
def test_tab_newline_and_carriage_return_are_kept(fresh_db):
    ecole = creer_ecole(fresh_db)
    texte = "Étape 1\tcommande\r\nÉtape 2 : livraison\n— « fin »"
    with Session(fresh_db) as s:
        fiche_id = fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(LIVRAISON, demarche=texte)).id
        s.commit()
    with Session(fresh_db) as s:
        assert s.get(Fiche, fiche_id).courante.demarche == texte


@pytest.mark.store
def test_each_fiche_field_has_its_length_limit(fresh_db):
    ecole = creer_ecole(fresh_db)
    with Session(fresh_db) as s:
        with pytest.raises(FicheInvalide) as exc:
            fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(
                LIVRAISON, titre="t" * 201, organisation="o" * 201, demarche="d" * 10_000_000,
                contexte="c" * 10_001, aleas_details="a" * 2_001))
        assert exc.value.problemes == {
            "titre": "Le champ « Titre » dépasse 200 caractères.",
            "organisation": "Le champ « Organisation » dépasse 200 caractères.",
            "contexte": "Le champ « Contexte » dépasse 10000 caractères.",
            "demarche": "Le champ « Démarche » dépasse 10000 caractères.",
            "aleas_details": "Le champ « Aléas rencontrés » dépasse 2000 caractères.",
        }
        # Exactly at the limits: saved.
        fiche = fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(
            LIVRAISON, titre="t" * 200, organisation="o" * 200, demarche="d" * 10_000, aleas_details="a" * 2_000))
        s.commit()
        assert len(fiche.courante.demarche) == 10_000


def test_the_form_states_each_limit(demo_app):
    at = _connecte("lea.moreau")
    at.run()
    at.switch_page("pages/eleve_fiche.py")
    at.run()
    limites = {cle: at.get("text_area" if cle not in ("f_titre", "f_organisation") else "text_input")
               for cle in ("f_titre", "f_organisation", "f_contexte", "f_conditions", "f_demarche", "f_productions",
                           "f_facteurs_libres", "f_aleas_libres")}
    trouvees = {}
    for cle, elements in limites.items():
        trouvees[cle] = next(e.proto.max_chars for e in elements if e.key == cle)
    assert trouvees == {"f_titre": 200, "f_organisation": 200, "f_contexte": 10_000, "f_conditions": 10_000,
                        "f_demarche": 10_000, "f_productions": 10_000, "f_facteurs_libres": 2_000,
                        "f_aleas_libres": 2_000}


def test_a_nul_sent_to_the_draft_route_is_a_french_422(client_web, fresh_db):
    from passeport.services import sessions

    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        client_web.cookies.set(web.COOKIE, sessions.ouvrir(s, ecole.lea.compte_id))
    r = client_web.post("/brouillon", json={"cle": "cle-de-lea-0000000001", "champs": {"demarche": "a\u0000b"}},
                        headers={"origin": "http://127.0.0.1"})
    assert r.status_code == 422, r.text
    assert r.json()["message"].startswith("Le champ « demarche » du brouillon contient un caractère interdit")


# --- the real server on a really read-only store (SQLite opened with mode=ro): what a browser shows --------------


def _jeton(url: str, login: str) -> str:
    from passeport.services import sessions
    from passeport.services.comptes import authentifier

    engine = creer_engine(url)
    with Session(engine) as s:
        jeton = sessions.ouvrir(s, authentifier(s, login, "passeport-demo").compte_id)
        s.commit()
    engine.dispose()
    return jeton


@pytest.mark.browser
def test_a_read_only_store_in_the_browser_shows_french_messages_with_references(demo_db_url, tmp_path, navigateur):
    import shutil

    from tests.navigateur import attendre_fin_execution, nouvelle_page, se_connecter, serveur_streamlit

    chemin = tmp_path / "demo.sqlite"
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), chemin)
    url_ecriture = f"sqlite:///{chemin}"
    jeton = _jeton(url_ecriture, "claire.martin")  # signed in before the store became read-only
    engine = creer_engine(url_ecriture)
    fiche_id = _une_fiche(engine, "claire.martin")
    with Session(engine) as s:
        versions_avant = s.scalar(select(func.count()).select_from(FicheVersion))
    engine.dispose()
    with serveur_streamlit(f"sqlite:///file:{chemin}?mode=ro&uri=true", tmp_path) as url:
        # Sign-in needs to write (the try is counted, the session opened): a French page, 503, never a bare 500.
        page = nouvelle_page(navigateur)
        se_connecter(page, f"{url}/connexion", "lea.moreau")
        alerte = page.get_by_role("alert")
        alerte.wait_for()
        assert alerte.inner_text().startswith("La connexion est impossible pour le moment")
        ref_connexion = _REFERENCE.search(alerte.inner_text()).group(1)
        # A teacher already signed in reads the list of her divisions (reading works) …
        page.context.add_cookies([{"name": web.COOKIE, "value": jeton, "url": url}])
        page.goto(url)
        attendre_fin_execution(page)
        page.get_by_text("Mes divisions").first.wait_for()
        # … then opens a fiche: a reading by a teacher must be journaled, which the store refuses.
        page.goto(f"{url}/enseignant_fiche?fiche={fiche_id}")
        attendre_fin_execution(page)
        message = page.get_by_text("Une erreur est survenue (référence")
        message.wait_for()
        texte = message.inner_text()
        contenu = page.content()
        page.close()
    journal = (tmp_path / "streamlit.log").read_text()
    ref = _REFERENCE.search(texte).group(1)
    assert "espace disque plein ou base en lecture seule" in texte
    assert "Traceback" not in contenu and "OperationalError" not in contenu and "readonly" not in contenu
    assert f"Erreur {ref_connexion} (connexion) : OperationalError" in journal
    assert f"Erreur {ref} (page enseignant_fiche) : OperationalError" in journal
    engine = creer_engine(url_ecriture)
    with Session(engine) as s:  # nothing was lost
        assert s.scalar(select(func.count()).select_from(FicheVersion)) == versions_avant
    engine.dispose()


@pytest.mark.store
def test_control_characters_are_refused_in_names(fresh_db):
    from passeport.services import administration, pfmp

    ecole = creer_ecole(fresh_db)
    with Session(fresh_db) as s:
        with pytest.raises(pfmp.PfmpInvalide) as exc:
            pfmp.enregistrer_pfmp(s, ecole.martin, ecole.lea.eleve_id, "BIO\x00MAG", dt.date(2026, 11, 2),
                                  dt.date(2026, 11, 27), "Julien Garnier")
        assert str(exc.value) == ("L'organisation, le nom ou l'adresse du tuteur contient un caractère interdit "
                                  "(caractère de contrôle invisible) : retirez-le.")
        with pytest.raises(administration.ReglageRefuse, match="contient un caractère interdit"):
            administration.creer_enseignant(s, ecole.admin, "Paul\x1b", "Bernard")
        with pytest.raises(administration.ReglageRefuse, match="contient un caractère interdit"):
            administration.creer_division(s, ecole.admin, "2GA\x002", "2nde", "2026-2027", "ga-2012")
        s.rollback()
    with Session(fresh_db) as s:
        assert s.scalar(select(func.count()).select_from(CompteEnBase)) == 5  # the tiny school's accounts only
