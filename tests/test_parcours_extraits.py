"""Targeted extract in Chromium: the demo student pastes a job offer, gets the matching situations, builds an extract
of three fiches, downloads its PDF, shares a link that a fresh browser opens (exactly those three fiches, on a
phone-sized screen), revokes it (the link then gets the neutral message) and sees the opening in « Qui a vu mon
passeport ». Then she downloads her livret and her whole passport (ZIP) from « Mon passeport »."""

import json
import re
import zipfile
from pathlib import Path

import pytest

from passeport.services.extraits import MESSAGE_NEUTRE
from tests.navigateur import attendre_fin_execution, cliquer, nouvelle_page, se_connecter, serveur_streamlit
from tests.pdf import page_png, texte_pdf

pytestmark = pytest.mark.browser

ARTEFACTS = Path(__file__).parent / "artefacts"
OFFRE = ("Offre de PFMP : PME de négoce recherche un(e) assistant(e) de gestion. Missions : établir les devis, "
         "saisir les bons de commande, contrôler les factures fournisseurs, assurer l'accueil téléphonique.")
TITRES = ["Établissement d'un devis", "Commande de fournitures", "Contrôle d'une livraison et de sa facture"]
TITRE = "Candidature PME de négoce"


@pytest.fixture(scope="module")
def app_url(demo_privee):
    with serveur_streamlit(demo_privee[0], demo_privee[1]) as url:
        yield url


def test_student_extract_from_an_offer_shared_then_revoked(app_url, navigateur, tmp_path):
    page = nouvelle_page(navigateur, 1280, 1000)
    se_connecter(page, app_url, "lea.moreau")
    page.get_by_role("heading", name="Mon passeport").wait_for()
    page.get_by_role("link", name="Mes extraits").click()
    page.get_by_role("heading", name="Mes extraits").first.wait_for()

    # Paste the offer: the matching situations come with the words found.
    cliquer(page, page.get_by_text("À partir d'une offre"), page.get_by_label("Texte de l'offre (emploi ou PFMP)"))
    page.get_by_label("Texte de l'offre (emploi ou PFMP)").fill(OFFRE)
    cliquer(page, page.get_by_role("button", name="Trouver les situations"),
             page.get_by_text("1.2.3 — Traitement des devis, des commandes"))
    page.get_by_text("1.1.3 — Traitement des livraisons, des factures et suivi des anomalies").wait_for()
    page.get_by_text("3.2.3 — Gestion des flux d'appels téléphoniques").wait_for()
    page.get_by_text("Mots de l'offre : devis, commande", exact=True).wait_for()

    # Three fiches of those situations, a title, the extract.
    for n, titre in enumerate(TITRES, start=1):
        cliquer(page, page.locator("[data-testid='stCheckbox']").filter(has_text=titre).first,
                 page.get_by_text(f"{n} fiche(s) choisie(s).", exact=True))
    page.get_by_label("Titre de l'extrait").fill(TITRE)
    page.get_by_label("Titre de l'extrait").press("Enter")
    attendre_fin_execution(page)
    cliquer(page, page.get_by_role("button", name="Créer l'extrait"), page.get_by_text("Pas de lien de partage"))
    page.get_by_role("button", name="Télécharger le PDF").wait_for()

    # Its PDF: the three titles.
    attendre_fin_execution(page)
    with page.expect_download(timeout=60_000) as telechargement:
        page.get_by_role("button", name="Télécharger le PDF").click()
    chemin = tmp_path / "extrait.pdf"
    telechargement.value.save_as(chemin)
    assert chemin.read_bytes().startswith(b"%PDF")
    texte = texte_pdf(chemin)
    texte = re.sub(r"\s+", " ", texte.replace("’", "'"))
    for titre in TITRES:
        assert titre in texte
    assert TITRE in texte and "Léa Moreau" in texte
    page_png(chemin, 1, ARTEFACTS / "extrait_pdf-1.png", resolution=60)

    # A share link (30 days by default), shown once.
    code = page.locator("[data-testid='stCode']").first
    cliquer(page, page.get_by_role("button", name="Créer un lien de partage"), code)
    lien = re.search(r"https?://\S+/extrait/[\w-]{43}", code.inner_text()).group(0)
    page.get_by_text("Lien actif jusqu'au").wait_for()

    # A fresh browser, phone-sized, no cookie: exactly the three fiches, nothing to sign in to.
    contexte = navigateur.new_context(viewport={"width": 390, "height": 844})
    visiteur = contexte.new_page()
    visiteur.set_default_timeout(30_000)
    reponse = visiteur.goto(lien)
    assert reponse.status == 200
    assert reponse.headers["x-robots-tag"] == "noindex, nofollow"
    visiteur.get_by_role("heading", name=TITRE).wait_for()
    assert visiteur.locator("article.fiche").count() == 3
    assert sorted(visiteur.locator("article.fiche h2").all_inner_texts()) == sorted(TITRES)
    assert visiteur.get_by_text("Léa Moreau").count() == 1 and visiteur.get_by_text("1GA1").count() == 0
    largeur = visiteur.evaluate("document.documentElement.scrollWidth")
    assert largeur <= 390  # nothing runs off a phone's screen
    visiteur.screenshot(path=str(ARTEFACTS / "extrait_partage_390.png"))

    # Revoked: the same link now gets the neutral message.
    cliquer(page, page.get_by_role("button", name="Révoquer le lien"), page.get_by_text("Lien révoqué le"))
    reponse = visiteur.goto(lien)
    assert reponse.status == 404
    visiteur.get_by_text(MESSAGE_NEUTRE).wait_for()
    assert visiteur.locator("article.fiche").count() == 0
    contexte.close()

    # The opening is in « Qui a vu mon passeport ».
    page.get_by_role("link", name="Qui a vu mon passeport").click()
    page.get_by_role("heading", name="Qui a vu mon passeport").wait_for()
    # The table is drawn on a canvas; its cells are also in the page for screen readers.
    cellules = page.locator("[role='gridcell']").filter(has_text=f"Lien de partage « {TITRE} »")
    cellules.first.wait_for(state="attached")
    assert cellules.count() == 1  # one opening: the refused one is not an opening


def test_student_downloads_her_livret_and_takes_her_passport_away(app_url, navigateur, tmp_path):
    """The two downloads of « Mon passeport », clicked in a real browser: the livret (built on click) and the ZIP."""
    page = nouvelle_page(navigateur, 1280, 1000)
    se_connecter(page, app_url, "lea.moreau")
    page.get_by_role("heading", name="Mon passeport").wait_for()
    cliquer(page, page.get_by_text("Mon livret"), page.get_by_role("button", name="Télécharger le livret (PDF)"))
    with page.expect_download(timeout=90_000) as telechargement:
        page.get_by_role("button", name="Télécharger le livret (PDF)").click()
    chemin = tmp_path / telechargement.value.suggested_filename
    telechargement.value.save_as(chemin)
    assert chemin.name == "livret-lea-moreau.pdf"
    texte = re.sub(r"\s+", " ", texte_pdf(chemin))
    assert "Livret de compétences professionnelles" in texte and "Léa Moreau" in texte
    nombre = int(re.search(r"page 1 / (\d+)", texte).group(1))
    assert nombre > 10 and f"page {nombre} / {nombre}" in texte

    cliquer(page, page.get_by_role("button", name="Préparer le fichier"),
            page.get_by_role("button", name=re.compile(r"Télécharger passeport-.*\.zip")))
    with page.expect_download(timeout=60_000) as telechargement:
        page.get_by_role("button", name=re.compile(r"Télécharger passeport-.*\.zip")).click()
    archive = tmp_path / telechargement.value.suggested_filename
    telechargement.value.save_as(archive)
    with zipfile.ZipFile(archive) as zip_:
        document = json.loads(zip_.read("passeport.json"))
        assert {"passeport.json", "manifeste.json"} <= set(zip_.namelist())
    assert document["format"] == "passeport-professionnel" and document["eleve"]["prenom"] == "Léa"
    assert len(document["fiches"]) > 50
