"""All French in Chromium, at 1366×768 (the usual school PC): what the browser itself draws and AppTest cannot see.

On a cockpit page, the month names of Plotly's date axes and the multiselect's "Select all" are French; the
Nouveautés list shows a dozen items per screen; the date picker's calendar speaks French; the student's home and a
teacher's positionnement badges are photographed (tests/artefacts/francais_*.png) to be looked at."""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.db import creer_engine
from passeport.models import Compte, Positionnement
from tests.navigateur import attendre_fin_execution, nouvelle_page, se_connecter, serveur_streamlit

pytestmark = pytest.mark.browser

ARTEFACTS = __import__("pathlib").Path(__file__).parent / "artefacts"
ANGLAIS = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December|"
                     r"Jan|Feb|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
                     r"Sunday)\b|Select all|dd/mm/yyyy")


@pytest.fixture(scope="module")
def app_url(demo_privee):
    with serveur_streamlit(demo_privee[0], demo_privee[1]) as url:
        yield url


# The page's visible text, the axes' tick labels and Plotly's locale, read in one evaluation (Plotly redraws between
# reads).
LIRE_TEXTES = """() => ({
        texte: document.body.innerText,
        graduations: [...document.querySelectorAll('.xtick text, .ytick text')].map(t => t.textContent),
        plotly: [...document.querySelectorAll('.js-plotly-plot')].map(g => [g._context.locale, g._fullLayout.separators]),
    })"""


def test_a_cockpit_page_has_no_english_month_nor_select_all(app_url, navigateur):
    # A browser installed in English: the page still speaks French (ui/francais.js).
    prof = navigateur.new_page(viewport={"width": 1366, "height": 768}, locale="en-US")
    prof.set_default_timeout(30_000)
    se_connecter(prof, app_url, "claire.martin")
    prof.get_by_role("heading", name="Bonjour Claire Martin").wait_for()
    prof.goto(f"{app_url}/enseignant_ecrits")
    prof.get_by_role("heading", name="Écrits de la division").wait_for()
    prof.locator(".js-plotly-plot .xtick text").first.wait_for()
    # The French script installed in this tab: it tells the widgets the page is French ("languagechange"), which
    # redraws them; a list opened before that could be closed by the redraw (seen once in CI under load).
    prof.wait_for_function("() => window.__passeportFrancais === true")
    attendre_fin_execution(prof)
    # The students' multiselect opened: its "Select all" is in French. The list is read in the same evaluation that
    # sees it open: under load a redraw may close it again right after (seen in CI), so each try opens and reads.
    champ = prof.locator(".st-key-ecrits_eleves input").first
    vus = None
    for essai in range(4):  # as a person would: click, and if the list did not open, open it from the keyboard
        attendre_fin_execution(prof)
        champ.click() if essai % 2 == 0 else champ.press("ArrowDown")
        try:
            vus = prof.wait_for_function(f"() => document.querySelector('[role=option]') ? ({LIRE_TEXTES})() : null",
                                         timeout=8_000).json_value()
            break
        except PlaywrightTimeout:
            prof.keyboard.press("Escape")
    assert vus is not None, "la liste des élèves ne s'est pas ouverte"
    prof.screenshot(path=str(ARTEFACTS / "francais_ecrits_1366.png"))
    prof.keyboard.press("Escape")
    prof.locator("[data-testid='stDataFrame']").first.scroll_into_view_if_needed()
    prof.screenshot(path=str(ARTEFACTS / "francais_ecrits_tableau_1366.png"))
    assert any(re.search(r"\d{4}", t) for t in vus["graduations"]), vus["graduations"]  # a time axis is drawn
    assert [t for t in vus["graduations"] if ANGLAIS.search(t)] == []
    assert ANGLAIS.findall(vus["texte"]) == []
    assert "Tout sélectionner" in vus["texte"]
    # Plotly got its French locale: decimal comma and thin space for thousands in hovers and ticks.
    assert vus["plotly"] and all(v[0] == "fr" and v[1].startswith(",") for v in vus["plotly"]), vus["plotly"]


def test_the_nouveautes_list_shows_a_dozen_items_on_a_school_screen(app_url, navigateur):
    prof = nouvelle_page(navigateur, 1366, 768)
    se_connecter(prof, app_url, "claire.martin")
    prof.get_by_role("heading", name="Bonjour Claire Martin").wait_for()
    prof.goto(f"{app_url}/enseignant_nouveautes")
    prof.get_by_role("heading", name="Nouveautés").wait_for()
    lignes = prof.locator(".st-key-nouveautes_liste [class*='st-key-nouveaute_']")
    lignes.first.wait_for()
    attendre_fin_execution(prof)
    prof.mouse.wheel(0, 300)  # the list under the filters: one screen of it
    attendre_fin_execution(prof)
    prof.get_by_role("button", name="Lire la fiche").first.wait_for()
    hauteurs = prof.evaluate("""() => [...document.querySelectorAll(".st-key-nouveautes_liste [class*='st-key-nouveaute_']")]
        .slice(0, 12).map(e => e.getBoundingClientRect().height)""")
    prof.screenshot(path=str(ARTEFACTS / "francais_nouveautes_1366.png"))
    assert len(hauteurs) == 12 and max(hauteurs) <= 64, hauteurs  # 12 rows in 768 px


def test_screens_with_colours_for_a_look(app_url, demo_privee, navigateur):
    engine = creer_engine(demo_privee[0])
    with Session(engine) as s:
        claire = s.scalar(select(Compte.id).where(Compte.login == "claire.martin"))
        fiche = s.scalar(select(Positionnement.fiche_id).where(Positionnement.enseignant_id == claire)
                         .order_by(Positionnement.id))
    engine.dispose()
    eleve = nouvelle_page(navigateur, 1366, 768)
    se_connecter(eleve, app_url, "lea.moreau")
    eleve.get_by_role("heading", name="Mon passeport").wait_for()
    eleve.locator("[data-testid='stDataFrame']").first.wait_for()
    attendre_fin_execution(eleve)
    eleve.screenshot(path=str(ARTEFACTS / "francais_eleve_accueil_1366.png"))
    # The date picker of « Mes fiches »: its placeholder, month and days in French.
    eleve.get_by_role("tab", name=re.compile(r"^Mes fiches")).click()
    jour = eleve.locator(".st-key-filtre_periode [role=spinbutton]").first
    jour.wait_for()
    attendre_fin_execution(eleve)
    jour.click()
    eleve.keyboard.press("Alt+ArrowDown")  # opens the calendar
    calendrier = eleve.locator("[data-testid='stDateInputCalendar']")
    calendrier.wait_for()
    eleve.get_by_role("button", name=re.compile(r"^(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) ")).first \
        .wait_for()
    texte = calendrier.inner_text()
    assert calendrier.locator("th").all_inner_texts() == ["L", "M", "M", "J", "V", "S", "D"]  # weeks from Monday
    eleve.screenshot(path=str(ARTEFACTS / "francais_calendrier_1366.png"))
    assert ANGLAIS.findall(texte) == [] and not re.search(r"\b(Su|Mo|Tu|We|Th|Fr|Sa)\b", texte), texte
    assert re.search(r"(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}",
                     texte), texte
    eleve.keyboard.press("Escape")

    prof = nouvelle_page(navigateur, 1366, 768)
    se_connecter(prof, app_url, "claire.martin")
    prof.get_by_role("heading", name="Bonjour Claire Martin").wait_for()
    prof.goto(f"{app_url}/enseignant_fiche?fiche={fiche}")
    prof.get_by_role("heading", name="Suivi d'une fiche").wait_for()
    badge = prof.locator(".badge-niveau").first
    badge.wait_for()
    badge.scroll_into_view_if_needed()
    attendre_fin_execution(prof)
    assert re.fullmatch(r"(AR|EC|AC|MA) · .+", badge.inner_text())
    prof.screenshot(path=str(ARTEFACTS / "francais_badges_1366.png"))
