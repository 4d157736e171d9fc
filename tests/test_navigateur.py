"""Journeys in the real browser (Debian's Chromium): the first one signs the demo teacher in."""

import shutil

import pytest

from tests.navigateur import se_connecter, serveur_streamlit

pytestmark = pytest.mark.browser

ARTEFACTS = __import__("pathlib").Path(__file__).parent / "artefacts"


@pytest.fixture(scope="module")
def app_url(demo_db_url, tmp_path_factory):
    dossier = tmp_path_factory.mktemp("serveur")
    # A private copy: the journeys write (sessions, journal of readings), and the demo file is shared by other tests.
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), dossier / "demo.sqlite")
    with serveur_streamlit(f"sqlite:///{dossier / 'demo.sqlite'}", dossier) as url:
        yield url


def test_teacher_signs_in_and_sees_her_divisions(app_url, navigateur):
    contexte = navigateur.new_context(viewport={"width": 1366, "height": 768})
    page = contexte.new_page()
    refus_csp = []  # what the Content-Security-Policy would block in Streamlit's page: nothing
    page.on("console", lambda m: refus_csp.append(m.text) if "Content Security Policy" in m.text else None)
    se_connecter(page, app_url, "claire.martin")
    page.get_by_role("heading", name="Bonjour Claire Martin").wait_for(timeout=30_000)
    assert "frame-ancestors 'self'" in page.request.get(app_url).headers["content-security-policy"]
    page.get_by_text("Mes divisions").first.wait_for()
    for division in ("2GA1", "1GA1", "TGA1"):
        page.get_by_role("cell", name=division).or_(page.get_by_role("rowheader", name=division)).wait_for()
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTEFACTS / "enseignant_accueil.png")
    assert "Identifiant ou mot de passe incorrect" not in page.content()
    # A reload, then a second tab: still signed in (the session lives on the server, the cookie says which).
    page.reload()
    page.get_by_role("heading", name="Bonjour Claire Martin").wait_for(timeout=30_000)
    second = page.context.new_page()
    second.goto(app_url)
    second.get_by_role("heading", name="Bonjour Claire Martin").wait_for(timeout=30_000)
    cookie = next(c for c in page.context.cookies() if c["name"] == "passeport_session")
    assert (cookie["httpOnly"], cookie["sameSite"]) == (True, "Lax")
    # The cockpit (Plotly charts, the grid) under the same policy.
    page.get_by_role("link", name="Tableau de bord", exact=True).click()
    page.get_by_role("heading", name="Tableau de bord").first.wait_for(timeout=30_000)
    page.locator(".js-plotly-plot, [data-testid='stDataFrame']").first.wait_for(timeout=30_000)
    page.screenshot(path=ARTEFACTS / "enseignant_tableau_csp.png")
    page.get_by_role("button", name="Se déconnecter").click()  # a POST form (a GET signs nobody out)
    page.get_by_role("button", name="Se connecter").wait_for(timeout=30_000)
    second.reload()  # the other tab is signed out too
    second.get_by_role("button", name="Se connecter").wait_for(timeout=30_000)
    # Only Streamlit's favicon taken from Google's font site is refused, on purpose: no request from a student's
    # browser to another site (and none would succeed on a school network without Internet).
    assert [m for m in refus_csp if "https://fonts.gstatic.com/" not in m] == []
    contexte.close()


def test_wrong_password_shows_the_neutral_message(app_url, navigateur):
    page = navigateur.new_page()
    se_connecter(page, app_url, "claire.martin", "mauvais-mot-de-passe")
    page.get_by_text("Identifiant ou mot de passe incorrect.").wait_for(timeout=30_000)
    assert page.get_by_role("heading", name="Bonjour Claire Martin").count() == 0
    page.close()


def test_first_password_must_be_changed(demo_db_url, tmp_path, navigateur):
    import shutil

    from sqlalchemy import select

    from passeport.db import creer_engine, transaction
    from passeport.models import Compte

    shutil.copy(demo_db_url.removeprefix("sqlite:///"), tmp_path / "d.sqlite")
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    engine = creer_engine(url)
    with transaction(engine) as s:
        s.scalar(select(Compte).where(Compte.login == "lea.moreau")).doit_changer_mot_de_passe = True
    engine.dispose()
    with serveur_streamlit(url, tmp_path) as app:
        page = navigateur.new_page()
        se_connecter(page, app, "lea.moreau")
        page.get_by_role("heading", name="Choisissez votre mot de passe").wait_for(timeout=30_000)
        page.get_by_label("Mot de passe reçu").fill("passeport-demo")
        page.get_by_label("Nouveau mot de passe", exact=True).fill("mon chat aime la pluie")
        page.get_by_label("Nouveau mot de passe, encore une fois").fill("mon chat aime la pluie")
        page.get_by_role("button", name="Enregistrer mon mot de passe").click()
        page.get_by_role("heading", name="Mon passeport").wait_for(timeout=30_000)
        page.get_by_role("button", name="Se déconnecter").click()
        page.get_by_role("button", name="Se connecter").wait_for(timeout=30_000)  # the POST went through
        se_connecter(page, app, "lea.moreau", "mon chat aime la pluie")
        page.get_by_role("heading", name="Mon passeport").wait_for(timeout=30_000)
        page.close()


def test_a_teacher_sees_only_her_divisions(app_url, navigateur):
    contexte = navigateur.new_context()
    page = contexte.new_page()
    se_connecter(page, app_url, "paul.bernard")
    page.get_by_role("heading", name="Bonjour Paul Bernard").wait_for(timeout=30_000)
    for division in ("1GA1", "TGA1"):
        page.get_by_role("cell", name=division).or_(page.get_by_role("rowheader", name=division)).wait_for()
    assert page.get_by_text("2GA1", exact=True).count() == 0
    contexte.close()
