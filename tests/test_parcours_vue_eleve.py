"""The teacher's view of one student and the PFMP goals editor in Chromium, at 1366×768 (the usual school PC) and
1920×1080: the 55 situations listed with their titles, the goal boxes reading « code — titre ». Screenshots are
written under tests/artefacts/ (looked at by a person)."""

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport import referentiel
from passeport.db import creer_engine, transaction
from passeport.models import Compte, Eleve, Pfmp
from passeport.services import pfmp
from passeport.services.comptes import authentifier
from tests.navigateur import apres_execution, attendre_fin_execution, nouvelle_page, se_connecter, serveur_streamlit

pytestmark = pytest.mark.browser

ARTEFACTS = Path(__file__).parent / "artefacts"
TAILLES = [(1366, 768), (1920, 1080)]


@pytest.fixture(scope="module")
def demo_avec_pfmp(demo_privee):
    """The private demo copy, where Léa has a PFMP to come (created through the service when the demo has none)."""
    engine = creer_engine(demo_privee[0])
    with transaction(engine) as s:
        lea = s.scalar(select(Eleve).join(Compte).where(Compte.login == "lea.moreau"))
        if s.scalar(select(Pfmp.id).where(Pfmp.eleve_id == lea.id, Pfmp.date_fin >= dt.date.today())) is None:
            martin = authentifier(s, "claire.martin", "passeport-demo")
            debut = dt.date.today() + dt.timedelta(days=30)
            pfmp.enregistrer_pfmp(s, martin, lea.id, "Mairie de Rennes", debut, debut + dt.timedelta(days=25),
                                  "Mme Roux")
    engine.dispose()
    return demo_privee


@pytest.fixture(scope="module")
def app_url(demo_avec_pfmp):
    with serveur_streamlit(demo_avec_pfmp[0], demo_avec_pfmp[1]) as url:
        yield url


def _ouvrir_le_profil_de_lea(page, url: str) -> None:
    se_connecter(page, url, "claire.martin")
    page.get_by_role("heading", name="Bonjour Claire Martin").wait_for()
    page.goto(f"{url}/enseignant_eleve")
    page.get_by_role("heading", name="Profil d'un élève").wait_for()
    attendre_fin_execution(page)
    page.locator("[data-testid='stSelectbox']").first.locator("input").click()
    page.get_by_role("listbox").first.wait_for()
    page.keyboard.type("Moreau")
    # Léa's profile, not the one shown before the choice (seen in CI: lines read while the page changed student).
    apres_execution(page, page.get_by_role("option").filter(has_text="1GA1").filter(has_text="Moreau").first.click)


@pytest.mark.parametrize("largeur,hauteur", TAILLES)
def test_per_student_view_and_goals_editor(app_url, navigateur, largeur, hauteur):
    ARTEFACTS.mkdir(exist_ok=True)
    titres = {code: s.titre for code, s in referentiel.charger("ga-2012").situations.items()}
    page = nouvelle_page(navigateur, largeur, hauteur)
    _ouvrir_le_profil_de_lea(page, app_url)

    # « Situations », the first tab: the 55 situations, each as « code — titre », read in one go from the DOM.
    page.locator(".sit-ligne").nth(54).wait_for(state="attached")
    lignes = page.evaluate("() => Array.from(document.querySelectorAll('.sit-ligne'))"
                           ".map(l => [l.dataset.situation, l.querySelector('.sit-titre').textContent])")
    assert [code for code, _ in lignes] == list(titres)
    assert all(texte == f"{code} — {titres[code]}" for code, texte in lignes)
    # Nothing cut on the right: every line (with its « Fiches » button) fits in the window.
    droite = page.evaluate("() => Math.max(...Array.from(document.querySelectorAll('.sit-ligne, "
                           "[data-testid=stPopover]')).map(e => e.getBoundingClientRect().right))")
    assert droite <= largeur
    # The page scrolls inside Streamlit's main block (a full-page shot would stay at the window's height): shots of
    # the window at the first pôle and at pôle 3.
    page.locator(".sit-ligne").first.evaluate("e => (e.closest('[data-testid=stExpander]') || e).scrollIntoView()")
    page.screenshot(path=ARTEFACTS / f"vue_eleve_situations_{largeur}.png")
    page.locator(".sit-ligne[data-situation='3.1.1']").evaluate("e => e.scrollIntoView()")
    page.screenshot(path=ARTEFACTS / f"vue_eleve_situations_{largeur}_pole3.png")

    # The goals editor: suggestions with their reason in words, boxes « code — titre » grouped by pôle and classe.
    page.get_by_role("tab", name="Objectifs de PFMP", exact=True).click()
    attendre_fin_execution(page)
    page.get_by_text("Suggestions, dans l'ordre des règles du passeport").wait_for()
    cases = page.evaluate(
        "() => Array.from(document.querySelectorAll('[class*=\"st-key-objectifs_choix_\"]'))"
        ".map(c => c.textContent)")
    assert len(cases) == 55
    assert all(texte.startswith(f"{code} — {titres[code]}") for code, texte in zip(titres, cases))
    suggestions = page.evaluate(
        "() => Array.from(document.querySelectorAll('[class*=\"st-key-objectifs_sugg_\"]')).map(c => c.textContent)")
    assert len(suggestions) == 8 and suggestions[0].startswith("1. ")
    page.get_by_text("Jamais traversée : la vivre une première fois").first.wait_for()
    # Every advice box is inside the window (never cut at the right edge).
    droite = page.evaluate("() => Math.max(...Array.from(document.querySelectorAll("
                           "'[class*=\"st-key-objectifs_\"]')).map(e => e.getBoundingClientRect().right))")
    assert droite <= largeur
    page.get_by_text("Suggestions, dans l'ordre des règles du passeport").evaluate("e => e.scrollIntoView()")
    page.screenshot(path=ARTEFACTS / f"objectifs_pfmp_{largeur}.png")
    page.locator("[data-testid=stExpander] summary:visible").filter(has_text="Pôle 1 — ").filter(
        has_text="suggérée").click()  # open a pôle's boxes
    attendre_fin_execution(page)
    page.get_by_text("Objectifs retenus (5 sur 15 au plus)").evaluate("e => e.scrollIntoView()")
    page.screenshot(path=ARTEFACTS / f"objectifs_pfmp_{largeur}_liste.png")
    page.close()
