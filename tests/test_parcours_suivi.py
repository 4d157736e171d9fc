"""Following a student in Chromium: the demo teacher opens her Nouveautés, reads a rewritten fiche with its changes,
asks two questions of the guide, writes an appréciation from the library and positions the fiche; the demo student
sees the new appréciation flagged; a tutor's link fills the PFMP report and the teacher reads it."""

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.db import creer_engine
from passeport.models import Appreciation, Compte, Eleve, Pfmp, Positionnement, Questionnement
from passeport.services import cockpit, ecrits, nouveautes
from passeport.services.comptes import Utilisateur
from tests.conftest import JOUR_DEMO
from tests.navigateur import (
    attendre_fin_execution, choix_segmente, cliquer, nouvelle_page, se_connecter, serveur_streamlit,
)

pytestmark = pytest.mark.browser

ARTEFACTS = __import__("pathlib").Path(__file__).parent / "artefacts"


@pytest.fixture(scope="module")
def app_url(demo_privee):
    with serveur_streamlit(demo_privee[0], demo_privee[1]) as url:
        yield url




def _donnees(url: str):
    """Léa's rewritten fiche in Claire Martin's inbox, and Léa's PFMP going on today."""
    engine = creer_engine(url)
    with Session(engine) as s:
        compte = s.scalar(select(Compte).where(Compte.login == "claire.martin"))
        martin = Utilisateur(compte.id, compte.login, compte.role, compte.nom_complet, compte.etablissement_id)
        boite = nouveautes.fiches_nouvelles(s, martin)
        fiche = next(n for n in boite if n.eleve == "Léa Moreau" and n.reecrite)
        eleve = s.scalar(select(Eleve).join(Compte).where(Compte.login == "lea.moreau"))
        periode = s.scalar(select(Pfmp).where(Pfmp.eleve_id == eleve.id, Pfmp.date_debut <= JOUR_DEMO,
                                              Pfmp.date_fin >= JOUR_DEMO))
        resultat = len(boite), fiche, periode.id
    engine.dispose()
    return resultat


def test_teacher_follows_a_rewritten_fiche_student_and_tutor_see_the_follow_up(app_url, demo_privee, navigateur):
    url = demo_privee[0]
    nombre, fiche, pfmp_id = _donnees(url)

    # The teacher: the count on the navigation, then the inbox.
    prof = nouvelle_page(navigateur)
    se_connecter(prof, app_url, "claire.martin")
    prof.get_by_role("heading", name="Bonjour Claire Martin").wait_for()
    prof.get_by_text(f"Nouveautés ({nombre})").first.wait_for()
    prof.goto(f"{app_url}/enseignant_nouveautes")
    prof.get_by_role("heading", name="Nouveautés").wait_for()
    # Only the rewritten ones: the list is short enough to show them all.
    cliquer(prof, choix_segmente(prof, "Réécrites"), prof.locator(f".st-key-lire_{fiche.fiche_id} button"))
    prof.screenshot(path=str(ARTEFACTS / "suivi_nouveautes.png"), full_page=True)
    cliquer(prof, prof.locator(f".st-key-lire_{fiche.fiche_id} button"),
             prof.get_by_role("heading", name="Suivi d'une fiche"))

    # The changes since the version read before: the added words are underlined in green.
    prof.get_by_text(f"Ce qui a changé ({fiche.version} versions)").wait_for()
    ajout = prof.locator("ins").first
    ajout.wait_for()
    assert any(mot in ajout.text_content() for mot in ("relecture", "complété", "Correction"))
    prof.screenshot(path=str(ARTEFACTS / "suivi_fiche_changements.png"), full_page=True)

    # Two questions of the guide, and what the student added at the oral.
    guide = prof.locator(".st-key-guide_questionnement [data-testid='stCheckbox']")
    questions = [guide.nth(0).inner_text(), guide.nth(1).inner_text()]
    for k in (0, 1):
        for _ in range(3):  # a click landing during a rerun may be dropped: check the box is ticked
            attendre_fin_execution(prof)
            if guide.nth(k).locator("input").is_checked():
                break
            guide.nth(k).locator("label").click()
            prof.wait_for_timeout(500)
        assert guide.nth(k).locator("input").is_checked()
    prof.get_by_label("Ce que l'élève a ajouté à l'oral").fill("Elle a dû relancer le fournisseur deux fois.")
    attendre_fin_execution(prof)
    cliquer(prof, prof.get_by_role("button", name="Noter les questions posées"),
             prof.get_by_text(re.compile(r"^Entretien du \d\d/\d\d/\d{4} \(Claire Martin")))

    # An appréciation from the library (a sentence of the référentiel's general list).
    cliquer(prof, choix_segmente(prof, "Mise en mots"), prof.get_by_text("Reprendre une formulation de la bibliothèque"))
    prof.get_by_text("Reprendre une formulation de la bibliothèque").click()
    prof.locator("[data-testid='stSelectbox']").filter(has_text="Reprendre une formulation").click()
    prof.get_by_role("option").filter(has_text="Décris les étapes dans l'ordre").click()
    texte = prof.get_by_label("Appréciation", exact=True)
    prof.wait_for_function("() => [...document.querySelectorAll('textarea')].some(t => t.value.startsWith('Décris'))")
    assert texte.input_value() == "Décris les étapes dans l'ordre où tu les as faites, une phrase par étape."
    cliquer(prof, prof.get_by_role("button", name="Envoyer l'appréciation"),
             prof.get_by_text("Corriger ou retirer (pendant 15 minutes)"))

    # The positionnement, in the Cerise Pro colours.
    cliquer(prof, choix_segmente(prof, "AC · Acquis"), prof.get_by_role("button", name="Positionner la fiche"))
    cliquer(prof, prof.get_by_role("button", name="Positionner la fiche"), prof.get_by_text("par Claire Martin"))
    prof.screenshot(path=str(ARTEFACTS / "suivi_fiche_apres.png"), full_page=True)

    engine = creer_engine(url)
    with Session(engine) as s:
        appreciation = s.scalar(select(Appreciation).where(Appreciation.fiche_id == fiche.fiche_id)
                                .order_by(Appreciation.id.desc()))
        assert (appreciation.texte, appreciation.genre, appreciation.lue_le) == (
            "Décris les étapes dans l'ordre où tu les as faites, une phrase par étape.", "mise_en_mots", None)
        position = s.scalar(select(Positionnement).where(Positionnement.fiche_id == fiche.fiche_id)
                            .order_by(Positionnement.id.desc()))
        assert position.niveau == 3
        entretien = s.scalar(select(Questionnement).where(Questionnement.fiche_id == fiche.fiche_id))
        assert len(entretien.questions.split("|")) == 2
        assert entretien.ajout == "Elle a dû relancer le fournisseur deux fois."
    assert questions[0] and questions[1]

    # The student: the count on her navigation, the new appréciation flagged.
    eleve = nouvelle_page(navigateur, 420)
    se_connecter(eleve, app_url, "lea.moreau")
    eleve.get_by_role("heading", name="Mon passeport").wait_for()
    eleve.goto(f"{app_url}/eleve_nouveautes")
    eleve.get_by_role("heading", name="Mes nouveautés").wait_for()
    carte = eleve.locator("[data-testid='stVerticalBlockBorderWrapper'], [data-testid='stVerticalBlock']").filter(
        has_text="Décris les étapes dans l'ordre").last
    carte.wait_for()
    assert "Nouveau" in carte.inner_text() and "Mise en mots" in carte.inner_text()
    eleve.screenshot(path=str(ARTEFACTS / "suivi_eleve_nouveautes.png"), full_page=True)

    # The tutor's link for the PFMP going on: the report on the situations lived, then the teacher reads it.
    prof.goto(f"{app_url}/enseignant_pfmp")
    prof.get_by_role("heading", name="PFMP des élèves").wait_for()
    prof.get_by_label("Élève", exact=True).click()
    prof.keyboard.type("Léa Moreau")
    prof.get_by_role("option").filter(has_text="1GA1 — Léa Moreau").click()
    code = prof.locator("[data-testid='stCode']").first
    cliquer(prof, prof.locator(f".st-key-lien_{pfmp_id} button"), code)
    lien = re.search(r"https?://\S+/\?lien=[\w-]+", code.inner_text()).group(0)

    tuteur = nouvelle_page(navigateur, 1000)
    tuteur.goto(lien)
    tuteur.get_by_label("Votre nom et votre fonction").fill("Julien Garnier, responsable des achats")
    tuteur.get_by_role("button", name="Continuer").click()
    tuteur.get_by_role("heading", name="Bilan de la PFMP").wait_for()
    premiere = tuteur.locator("[data-testid='stForm'] [data-testid='stButtonGroup']").first
    premiere.locator("button").filter(has_text="MA · Maîtrisé").click()
    tuteur.get_by_label("Appréciation générale").fill("Stagiaire rigoureuse, à l'aise au téléphone.")
    tuteur.get_by_role("button", name="Enregistrer le bilan").click()
    tuteur.get_by_text("Bilan enregistré. Merci !").wait_for()
    tuteur.screenshot(path=str(ARTEFACTS / "suivi_tuteur_bilan.png"), full_page=True)

    prof.goto(f"{app_url}/enseignant_eleve")
    prof.get_by_role("heading", name="Profil d'un élève").wait_for()
    prof.get_by_label("Élève", exact=True).click()
    prof.keyboard.type("Léa Moreau")
    prof.get_by_role("option").filter(has_text="1GA1 — Léa Moreau").click()
    attendre_fin_execution(prof)
    cliquer(prof, prof.get_by_role("tab", name="Bilans de PFMP"),
             prof.get_by_text("Stagiaire rigoureuse, à l'aise au téléphone."))
    prof.get_by_text("Bilan de Julien Garnier, responsable des achats").wait_for()
    assert prof.get_by_text("MA · Maîtrisé").count() >= 1
    prof.screenshot(path=str(ARTEFACTS / "suivi_profil_bilan.png"), full_page=True)


def test_the_lettres_teacher_reads_the_writing_of_a_division(app_url, demo_privee, navigateur):
    # What the page must show for the first student (by name) of Sophie Leroy's first division, from the service.
    engine = creer_engine(demo_privee[0])
    with Session(engine) as s:
        compte = s.scalar(select(Compte).where(Compte.login == "sophie.leroy"))
        leroy = Utilisateur(compte.id, compte.login, compte.role, compte.nom_complet, compte.etablissement_id)
        division = cockpit.mes_divisions(s, leroy)[0]
        vue = ecrits.ecrits_de_la_division(s, leroy, division.id)
        s.rollback()
    engine.dispose()
    premier = vue.par_eleve.sort_values("eleve").iloc[0]

    page = nouvelle_page(navigateur)
    se_connecter(page, app_url, "sophie.leroy")
    page.get_by_role("heading", name="Bonjour Sophie Leroy").wait_for()
    page.goto(f"{app_url}/enseignant_ecrits")
    page.get_by_role("heading", name="Écrits de la division").wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    assert page.locator(".js-plotly-plot").first.locator(".scatterlayer .trace").count() == len(vue.par_eleve)
    page.screenshot(path=str(ARTEFACTS / "suivi_ecrits_classe.png"))
    page.get_by_role("tab", name="Écrits d'un élève").click()
    page.get_by_text(f"{int(premier['fiches'])} fiches · {premier['mots_moyen']:.0f} mots par fiche").wait_for()
    page.get_by_text("Note à l'élève sur son écriture").wait_for()
    page.screenshot(path=str(ARTEFACTS / "suivi_ecrits_eleve.png"))
