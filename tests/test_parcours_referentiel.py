"""The référentiel completed by the team, in Chromium: the demo teacher adds a complexity factor to situation 3.1.1
and corrects it; the demo student, writing a fiche on 3.1.1, is then offered the corrected factor."""

from pathlib import Path

import pytest

from tests.navigateur import apres_execution, attendre_fin_execution, cliquer, nouvelle_page, se_connecter, serveur_streamlit

pytestmark = pytest.mark.browser

ARTEFACTS = Path(__file__).parent / "artefacts"
FACTEUR = "Sources d'information contradictoires"
CORRIGE = "Sources d'information contradictoires ou incomplètes"


@pytest.fixture(scope="module")
def app_url(demo_privee):
    with serveur_streamlit(demo_privee[0], demo_privee[1]) as url:
        yield url


def _choisir(page, libelle, texte):
    """Pick an option in a Streamlit selectbox by typing part of it."""
    attendre_fin_execution(page)
    page.get_by_label(libelle, exact=True).first.click()
    page.keyboard.type(texte)
    # The run this choice causes, not the state read before it (seen in CI: both situations' fields at once).
    apres_execution(page, page.get_by_role("option").filter(has_text=texte).first.click)


def test_a_teacher_edits_a_factor_and_the_student_form_offers_it(app_url, navigateur):
    prof = nouvelle_page(navigateur, 1366, 768)
    se_connecter(prof, app_url, "claire.martin")
    prof.get_by_role("heading", name="Bonjour Claire Martin").wait_for()
    prof.goto(f"{app_url}/enseignant_referentiel")
    prof.get_by_role("heading", name="Référentiel de l'équipe", exact=True).wait_for()
    _choisir(prof, "Situation", "3.1.1")
    champ = prof.get_by_label("Ajouter un facteur de complexité", exact=True)
    champ.fill(FACTEUR)
    ligne = prof.get_by_label("Ligne de l'équipe (Claire Martin)", exact=True)
    champ.press("Enter")  # submits the small form of this list
    ligne.wait_for()
    assert ligne.input_value() == FACTEUR
    # The teacher corrects it: Enter sends the text, then « Enregistrer » writes it.
    ligne.fill(CORRIGE)
    ligne.press("Enter")
    attendre_fin_execution(prof)
    cliquer(prof, prof.get_by_role("button", name="Enregistrer", exact=True),
            prof.get_by_text("Ligne modifiée.").first)
    assert prof.get_by_label("Ligne de l'équipe (Claire Martin)", exact=True).input_value() == CORRIGE
    prof.get_by_text("Historique des modifications (33)").first.click()  # the demo's 31 lines, then ours
    prof.locator("[data-testid='stDataFrame']").first.wait_for()
    ARTEFACTS.mkdir(exist_ok=True)
    prof.screenshot(path=str(ARTEFACTS / "referentiel_equipe_1366.png"), full_page=True)

    eleve = nouvelle_page(navigateur)
    se_connecter(eleve, app_url, "lea.moreau")
    eleve.get_by_role("heading", name="Mon passeport").first.wait_for()
    eleve.goto(f"{app_url}/eleve_fiche")
    eleve.get_by_role("heading", name="Nouvelle fiche").wait_for()
    _choisir(eleve, "Situation du référentiel", "3.1.1")
    eleve.get_by_label("Facteurs de complexité du référentiel", exact=True).first.click()
    eleve.keyboard.type("contradictoires")
    eleve.get_by_role("option").filter(has_text=CORRIGE).first.wait_for()
    assert eleve.get_by_role("option").filter(has_text=FACTEUR).count() == 1  # only the corrected one
    eleve.keyboard.press("Escape")
