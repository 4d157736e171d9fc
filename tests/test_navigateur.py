"""Journeys in the real browser (Debian's Chromium): the first one signs the demo teacher in."""

import pytest

from tests.navigateur import chromium, serveur_streamlit

pytestmark = pytest.mark.browser

ARTEFACTS = __import__("pathlib").Path(__file__).parent / "artefacts"


@pytest.fixture(scope="module")
def app_url(demo_db_url, tmp_path_factory):
    with serveur_streamlit(demo_db_url, tmp_path_factory.mktemp("serveur")) as url:
        yield url


@pytest.fixture(scope="module")
def navigateur(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium")) as n:
        yield n


def _se_connecter(page, url, login, mot_de_passe="passeport-demo"):
    page.goto(url)
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()


def test_teacher_signs_in_and_sees_her_divisions(app_url, navigateur):
    page = navigateur.new_page(viewport={"width": 1366, "height": 768})
    _se_connecter(page, app_url, "claire.martin")
    page.get_by_role("heading", name="Bonjour Claire Martin").wait_for(timeout=30_000)
    page.get_by_text("Mes divisions").first.wait_for()
    for division in ("2GA1", "1GA1", "TGA1"):
        page.get_by_role("cell", name=division).or_(page.get_by_role("rowheader", name=division)).wait_for()
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTEFACTS / "enseignant_accueil.png")
    assert "Identifiant ou mot de passe incorrect" not in page.content()
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("button", name="Se connecter").wait_for(timeout=30_000)
    page.close()


def test_wrong_password_shows_the_neutral_message(app_url, navigateur):
    page = navigateur.new_page()
    _se_connecter(page, app_url, "claire.martin", "mauvais-mot-de-passe")
    page.get_by_text("Identifiant ou mot de passe incorrect.").wait_for(timeout=30_000)
    assert page.get_by_role("heading", name="Bonjour Claire Martin").count() == 0
    page.close()
