"""The tutor's link in Chromium: made by the teacher (warned before replacing a live one), opened in a fresh
browser, refused for writing from the student's own session, seen by the student without the link, revoked,
expired."""

import datetime as dt
import re
import shutil

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from passeport.db import creer_engine
from passeport.models import Appreciation, Compte, Eleve, LienTuteur, Organisation, Pfmp
from tests.navigateur import attendre_fin_execution, chromium, cliquer, se_connecter, serveur_streamlit

pytestmark = pytest.mark.browser
NEUTRE = "Ce lien ne permet pas d'accéder à un passeport."


def _garage(url: str) -> int:
    """Léa's current PFMP in the demo (Garage Martin Automobiles), whose fiches the tutor reads."""
    engine = creer_engine(url)
    with Session(engine) as s:
        pfmp_id = s.scalar(select(Pfmp.id).join(Pfmp.organisation).join(Pfmp.eleve).join(Eleve.compte).where(
            Compte.login == "lea.moreau", Organisation.nom == "Garage Martin Automobiles"))
    engine.dispose()
    return pfmp_id


def _creer_lien(page, app, pfmp_id):
    page.goto(f"{app}/enseignant_pfmp")
    page.get_by_role("heading", name="PFMP des élèves").wait_for()
    page.get_by_label("Élève", exact=True).click()
    page.keyboard.type("Léa Moreau")
    page.get_by_role("option").filter(has_text="1GA1 — Léa Moreau").click()
    page.get_by_text("tuteur :").first.wait_for()
    page.get_by_role("button", name="Enregistrer la PFMP").wait_for()  # the whole page is drawn
    code = page.locator("[data-testid='stCode']").first
    for essai in range(3):  # a click that lands during a rerun is dropped by Streamlit: click again
        attendre_fin_execution(page)
        page.locator(f".st-key-lien_{pfmp_id} button").click()
        try:
            code.wait_for(timeout=10_000)
            break
        except Exception:
            if essai == 2:
                raise
    lien = re.search(r"https?://\S+/\?lien=[\w-]+", code.inner_text()).group(0)
    page.get_by_role("img", name="QR code du lien").or_(page.get_by_text("QR code du lien")).first.wait_for()
    return lien


def test_tutor_link_journey(demo_db_url, tmp_path):
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), tmp_path / "d.sqlite")
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    garage = _garage(url)
    with serveur_streamlit(url, tmp_path) as app, chromium(tmp_path) as navigateur:
        enseignante = navigateur.new_context().new_page()
        enseignante.set_default_timeout(30_000)
        se_connecter(enseignante, app, "claire.martin")
        enseignante.get_by_role("heading", name="Bonjour Claire Martin").wait_for()
        lien = _creer_lien(enseignante, app, garage)
        # A live link exists: a new one would revoke the printed one, so the teacher is asked first.
        cliquer(enseignante, enseignante.locator(f".st-key-lien_{garage} button"),
                enseignante.get_by_text("Un lien est déjà actif pour cette PFMP").first)
        cliquer(enseignante, enseignante.get_by_role("button", name="Garder le lien actuel"),
                enseignante.get_by_text("Lien du tuteur actif depuis").first)
        # "Lien du tuteur actif depuis" was already on the page before the click: the question's going is what
        # tells that the click was taken (expect waits for it; a count read at once could see the page mid-run).
        expect(enseignante.get_by_text("Un lien est déjà actif pour cette PFMP")).to_have_count(0)

        tuteur = navigateur.new_context().new_page()  # a fresh browser: no cookie, no account
        tuteur.set_default_timeout(30_000)
        tuteur.goto(lien)
        tuteur.get_by_text("PFMP de Léa Moreau chez").wait_for()
        assert tuteur.get_by_text("Page not found").count() == 0
        tuteur.get_by_label("Votre nom et votre fonction").fill("Julien Garnier, responsable des achats")
        tuteur.get_by_role("button", name="Continuer").click()
        tuteur.get_by_text("Vous êtes Julien Garnier").wait_for()
        # Opened when the script is idle: a click during the run that draws the expanders is lost with the redraw
        # (seen under a loaded make test: the comment box stayed hidden).
        cliquer(tuteur, tuteur.locator("[data-testid='stExpander'] summary").first,
                tuteur.get_by_label("Votre commentaire").first)
        tuteur.get_by_label("Votre commentaire").first.fill("Très bon travail, rigoureuse.")
        tuteur.get_by_role("button", name="Envoyer le commentaire").first.click()
        tuteur.get_by_text("Commentaire envoyé").wait_for()

        # The student sees that a link exists and for whom, never the link; her own session cannot write as tutor.
        eleve = navigateur.new_context().new_page()
        eleve.set_default_timeout(30_000)
        se_connecter(eleve, app, "lea.moreau")
        eleve.get_by_role("heading", name="Mon passeport").first.wait_for()
        eleve.goto(f"{app}/eleve_pfmp")
        eleve.get_by_text("ouvert par Julien Garnier, responsable des achats").first.wait_for()
        attendre_fin_execution(eleve)
        assert eleve.get_by_role("button", name="Créer un lien pour le tuteur").count() == 0
        assert eleve.locator("[data-testid='stCode']").count() == 0 and "?lien=" not in eleve.content()
        eleve.goto(lien)
        eleve.get_by_text("connecté au compte de l'élève").first.wait_for()
        eleve.get_by_label("Appréciation générale").fill("Je suis excellente.")
        cliquer(eleve, eleve.get_by_role("button", name="Enregistrer le bilan"),
                eleve.locator("[data-testid='stAlertContentError']").filter(has_text="connecté au compte").first)

        enseignante.locator(f".st-key-revoquer_{garage} button").click()
        enseignante.get_by_text("Lien révoqué").wait_for()
        tuteur.goto(lien)
        tuteur.get_by_text(NEUTRE).wait_for()

        second = _creer_lien(enseignante, app, garage)
        tuteur.goto(second)
        tuteur.get_by_text("PFMP de Léa Moreau chez").wait_for()
        engine = creer_engine(url)
        with Session(engine) as s:  # the clock moves past the end of the PFMP + 30 days
            s.execute(update(LienTuteur).values(expire_le=dt.datetime(2020, 1, 1)))
            s.commit()
        tuteur.goto(second)
        tuteur.get_by_text(NEUTRE).wait_for()
        tuteur.goto(f"{app}/?lien=nimporte-quoi")
        tuteur.get_by_text(NEUTRE).wait_for()
        with Session(engine) as s:
            auteurs = s.scalars(select(Appreciation.auteur_nom).where(Appreciation.texte == "Très bon travail, rigoureuse.")).all()
        engine.dispose()
        assert auteurs == ["Julien Garnier, responsable des achats (tuteur de PFMP)"]
