"""The demo teacher's cockpit in Chromium: heatmap, metric, a student opened from the heatmap, PFMP goals saved,
then the demo student reads them."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from analytics.couverture import cle_alphabetique
from passeport.db import creer_engine
from passeport.models import Compte, Eleve, ObjectifPfmp, Pfmp
from tests.navigateur import (
    attendre_fin_execution, choix_segmente, cliquer, nouvelle_page, se_connecter, serveur_streamlit,
)

pytestmark = pytest.mark.browser

ARTEFACTS = __import__("pathlib").Path(__file__).parent / "artefacts"


@pytest.fixture(scope="module")
def app_url(demo_privee):
    with serveur_streamlit(demo_privee[0], demo_privee[1]) as url:
        yield url


def _lea(url: str) -> tuple[int, str]:
    engine = creer_engine(url)
    with Session(engine) as s:
        eleve = s.scalar(select(Eleve).join(Compte).where(Compte.login == "lea.moreau"))
        resultat = eleve.id, f"{eleve.compte.nom.upper()} {eleve.compte.prenom}"
    engine.dispose()
    return resultat


def _etiquettes(page) -> list[str]:
    """The students' labels of the heatmap's y axis, top to bottom as drawn (the totals' axes hold numbers)."""
    # Read in one go in the page: label by label, a label could be redrawn (detached) between two reads.
    lignes = page.locator(".js-plotly-plot").first.evaluate(
        "p => Array.from(p.querySelectorAll('.yaxislayer-above text'))"
        ".map(t => [t.getBoundingClientRect().y, t.textContent])")
    return [texte for _, texte in sorted(lignes) if not texte.replace(".", "").isdigit()]


def _cliquer_cellule(page, eleve: str, colonne: int, colonnes: int) -> None:
    """Click the cell of a student (row found by its label) and a situation (column), as a teacher would."""
    etiquette = page.locator(".js-plotly-plot").first.locator(".yaxislayer-above text").filter(has_text=eleve).first
    etiquette.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    boites = [b for b in (z.bounding_box() for z in page.locator(".js-plotly-plot").first.locator(".nsewdrag").all()) if b]
    zone = max(boites, key=lambda b: b["width"] * b["height"])  # the heatmap, not the totals' bars
    ligne = etiquette.bounding_box()
    x = zone["x"] + (colonne + 0.5) * zone["width"] / colonnes
    y = ligne["y"] + ligne["height"] / 2
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    assert eleve in page.locator(".hoverlayer").first.text_content()  # the hover names the student
    page.mouse.click(x, y)


def test_teacher_cockpit_journey(app_url, navigateur, demo_privee):
    lea_id, lea_libelle = _lea(demo_privee[0])
    ARTEFACTS.mkdir(exist_ok=True)
    page = nouvelle_page(navigateur)
    se_connecter(page, app_url, "claire.martin")
    page.get_by_role("heading", name="Bonjour Claire Martin").wait_for()

    # The heatmap of 1GA1 (Léa's division), students sorted by name so that her row is known.
    page.get_by_role("link", name="Tableau de bord").first.click()
    page.get_by_role("heading", name="Tableau de bord de la classe").wait_for()
    attendre_fin_execution(page)
    page.get_by_label("Division").first.click()
    page.get_by_role("option", name="1GA1").first.click()
    attendre_fin_execution(page)
    page.get_by_text("24 élèves × 55 situations").wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    choix_segmente(page, "Nom").click()
    attendre_fin_execution(page)
    # Sorted by name, accents and case ignored, as in a class list.
    for _ in range(20):
        eleves = _etiquettes(page)
        if eleves == sorted(eleves, key=cle_alphabetique):
            break
        page.wait_for_timeout(500)
    assert len(eleves) == 24 and eleves == sorted(eleves, key=cle_alphabetique)
    page.screenshot(path=ARTEFACTS / "cockpit_carte_statut.png", full_page=True)

    # Another metric: the colour bar changes to the maxima of complexité.
    choix_segmente(page, "Complexité maximale").click()
    attendre_fin_execution(page)
    page.get_by_text("1GA1 — Complexité maximale").wait_for()
    page.screenshot(path=ARTEFACTS / "cockpit_carte_complexite.png", full_page=True)
    choix_segmente(page, "Statut").click()
    attendre_fin_execution(page)
    page.get_by_text("1GA1 — Statut").wait_for()

    # A click on Léa's cell of situation 1.1.1 (first column) opens her profile on that situation.
    _cliquer_cellule(page, lea_libelle, 0, 55)
    page.get_by_role("heading", name="Profil d'un élève").wait_for()
    attendre_fin_execution(page)
    page.get_by_text("Situation 1.1.1 —").first.wait_for()
    choisi = page.locator("[data-testid='stSelectbox']").first.evaluate(
        "e => e.innerText + ' ' + Array.from(e.querySelectorAll('input')).map(i => i.value).join(' ')")
    assert "1GA1 — Léa Moreau" in choisi
    page.screenshot(path=ARTEFACTS / "cockpit_profil.png", full_page=True)

    # The goals of her next PFMP: the first suggestions start chosen, one more picked from the référentiel by its
    # « code — titre » box, a word of advice on the first goal, saved.
    cliquer(page, page.get_by_role("tab", name="Objectifs de PFMP", exact=True),
            page.get_by_text("Suggestions, dans l'ordre des règles du passeport"))
    page.get_by_text("Objectifs retenus (5 sur 15 au plus)").wait_for()
    # Pôle 2 holds no suggestion of the demo's Léa here: its first situation, 2.1.1, is picked by the teacher.
    page.locator("[data-testid=stExpander] summary:visible").filter(has_text="Pôle 2 — ").filter(
        has_text="choisie").click()
    case = page.locator("[class*='st-key-objectifs_choix_'][class*='_2-1-1'], "
                        "[class*='st-key-objectifs_choix_'][class*='_2.1.1']").first
    case.get_by_text("2.1.1 — ").wait_for()
    case.locator("label").click()
    attendre_fin_execution(page)
    page.get_by_text("Objectifs retenus (6 sur 15 au plus)").wait_for()
    # The advice box of the first goal of the list (its label names its code, shown to screen readers).
    conseil = page.locator("[class*='st-key-objectifs_consigne_'] input").first
    conseil.fill("Demander à participer au classement des factures")
    conseil.press("Enter")
    attendre_fin_execution(page)
    page.get_by_role("button", name="Enregistrer les objectifs de cette PFMP", exact=True).click()
    attendre_fin_execution(page)
    page.get_by_text("objectif(s) enregistré(s) pour cette PFMP").wait_for()
    expect(page.locator("[class*='st-key-objectifs_consigne_'] input").first).to_have_value(
        "Demander à participer au classement des factures")
    page.screenshot(path=ARTEFACTS / "cockpit_objectifs.png", full_page=True)

    engine = creer_engine(demo_privee[0])
    with Session(engine) as s:
        objectifs = list(s.scalars(select(ObjectifPfmp).join(Pfmp).where(Pfmp.eleve_id == lea_id)
                                   .order_by(ObjectifPfmp.rang)))
        assert len(objectifs) == 6
        assert objectifs[0].consigne == "Demander à participer au classement des factures"
        assert objectifs[5].situation == "2.1.1"  # picked by the teacher from the référentiel
        premiere = objectifs[0].situation
    engine.dispose()

    # The demo student sees them on "Mes PFMP".
    eleve = navigateur.new_page(viewport={"width": 390, "height": 844})
    eleve.set_default_timeout(30_000)
    se_connecter(eleve, app_url, "lea.moreau")
    eleve.get_by_role("heading", name="Mon passeport").first.wait_for()
    eleve.goto(f"{app_url}/eleve_pfmp")  # on a phone the page list is folded away
    eleve.get_by_text("Objectifs de cette PFMP").first.wait_for()
    eleve.get_by_text(f"1. {premiere}").first.wait_for()
    eleve.get_by_text("Demander à participer au classement des factures").first.wait_for()
    eleve.screenshot(path=ARTEFACTS / "cockpit_objectifs_eleve.png", full_page=True)
