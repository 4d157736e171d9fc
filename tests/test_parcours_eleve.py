"""The demo student's journey in Chromium: write, duplicate, poste de travail, versions, bin, attachments."""

import json
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.db import creer_engine
from passeport.models import Brouillon, Compte, Eleve, Fiche, PieceJointe
from tests import fichiers
from tests.navigateur import attendre_fin_execution, cliquer, se_connecter, serveur_streamlit

pytestmark = pytest.mark.browser

ARTEFACTS = __import__("pathlib").Path(__file__).parent / "artefacts"
TITRE_PIEGE = "Contrôle <script>alert(1)</script> **gras** [lien](javascript:alert(1))"


@pytest.fixture(scope="module")
def app_url(demo_privee):
    with serveur_streamlit(demo_privee[0], demo_privee[1]) as url:
        yield url


def _page(navigateur, largeur, hauteur):
    page = navigateur.new_page(viewport={"width": largeur, "height": hauteur})
    page.on("dialog", lambda d: pytest.fail(f"une boîte de dialogue s'est ouverte : {d.message}"))
    page.set_default_timeout(30_000)
    return page


def _se_connecter(page, url):
    se_connecter(page, url, "lea.moreau")
    page.get_by_role("heading", name="Mon passeport").wait_for()


def _choisir(page, libelle, texte, plusieurs=False):
    """Pick an option in a Streamlit selectbox (or multiselect) by typing part of it."""
    boite = page.get_by_label(libelle, exact=True).first
    boite.click()
    page.keyboard.type(texte)
    page.get_by_role("option").filter(has_text=texte).first.click()
    if plusieurs:
        page.keyboard.press("Escape")  # a multiselect stays open and would hide the next fields


def _enregistrer(page, attendu):
    """Save, then wait for the message and for the script to finish (the form is redrawn with fresh widgets)."""
    cliquer(page, page.get_by_role("button", name="Enregistrer"), page.get_by_text(attendu).first)


def _deposer(page, chemins, deja_joint: str | None = None):
    """Drop files in the form's uploader once the script is idle. After a save the form draws a fresh, empty
    uploader; until the script has finished, the previous one (still listing ``deja_joint``) may stay on the page."""
    attendre_fin_execution(page)
    uploader = page.get_by_test_id("stFileUploader")
    if deja_joint:
        uploader = uploader.filter(has_not_text=deja_joint)
    uploader.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(chemins)


def _texte(page, nom):
    return page.get_by_role("textbox", name=nom, exact=True)


def _fiches_de_lea(url):
    engine = creer_engine(url)
    with Session(engine) as s:
        eleve_id = s.scalar(select(Eleve.id).join(Compte).where(Compte.login == "lea.moreau"))
        fiches = s.scalars(select(Fiche).where(Fiche.eleve_id == eleve_id).order_by(Fiche.id)).all()
        resultat = [(f.id, f.courante.situation, f.courante.titre, f.version_courante, f.supprimee_le is not None,
                     len([p for p in s.scalars(select(PieceJointe).where(PieceJointe.fiche_id == f.id))]))
                    for f in fiches]
    engine.dispose()
    return resultat


def test_screenshots_phone_and_desktop(app_url, navigateur):
    ARTEFACTS.mkdir(exist_ok=True)
    for nom, (largeur, hauteur) in {"telephone": (390, 844), "ordinateur": (1366, 768)}.items():
        page = _page(navigateur, largeur, hauteur)
        _se_connecter(page, app_url)
        page.get_by_text("Pôle 1 — Gestion administrative des relations externes").wait_for()
        page.get_by_text("situations traversées sur 55").wait_for()
        page.wait_for_timeout(500)
        page.screenshot(path=ARTEFACTS / f"eleve_accueil_{nom}.png")
        page.get_by_role("button", name="Nouvelle fiche").click()
        page.get_by_role("heading", name="Nouvelle fiche").wait_for()
        page.get_by_role("radio", name="Réelle").wait_for()
        _texte(page, "Démarche").wait_for()
        page.wait_for_timeout(500)
        page.screenshot(path=ARTEFACTS / f"eleve_formulaire_{nom}.png")
        page.close()
    assert (ARTEFACTS / "eleve_formulaire_telephone.png").stat().st_size > 10_000


def test_student_journey(app_url, navigateur, demo_privee, tmp_path):
    avant = _fiches_de_lea(demo_privee[0])
    page = _page(navigateur, 1366, 900)
    try:
        _parcours(page, app_url, tmp_path)
    except Exception:
        ARTEFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTEFACTS / "echec_parcours_eleve.png", full_page=True)
        (ARTEFACTS / "echec_parcours_eleve.txt").write_text(page.locator("section.main, [data-testid='stMain']").first.inner_text())
        raise

    nouvelles = [f for f in _fiches_de_lea(demo_privee[0]) if f not in avant]
    assert [(situation, titre, version, supprimee, pj) for _, situation, titre, version, supprimee, pj in nouvelles] == [
        ("1.1.3", TITRE_PIEGE, 1, False, 0),
        ("1.1.2", "Commande de fournitures", 1, False, 0),
        ("1.1.2", "Traitement des ordres d'achat, des commandes", 4, False, 1),
    ]
    # The other three situations of the poste de travail wait as drafts: not fiches, not counted.
    engine = creer_engine(demo_privee[0])
    with Session(engine) as s:
        attente = [json.loads(b.contenu)["situation"] for b in s.scalars(
            select(Brouillon).where(Brouillon.ferme_le.is_(None)).order_by(Brouillon.id))]
    engine.dispose()
    assert attente == ["1.1.3", "1.1.4", "1.1.5"]
    page.close()


def _parcours(page, app_url, tmp_path):
    _se_connecter(page, app_url)

    # 1. A new fiche; its title is full of markup that must stay text.
    page.get_by_role("button", name="Nouvelle fiche").click()
    page.get_by_role("heading", name="Nouvelle fiche").wait_for()
    page.get_by_role("button", name="Enregistrer").wait_for()  # the whole form is drawn
    _choisir(page, "Situation du référentiel", "1.1.3")
    _texte(page, "Titre de la fiche").fill(TITRE_PIEGE)
    _texte(page, "Démarche").fill("J'ai comparé le bon de livraison et la commande.\n<img src=x onerror=alert(1)>")
    _enregistrer(page, "Fiche enregistrée.")
    page.get_by_text(re.compile(r"1\.1\.3 — Contrôle <script>alert\(1\)</script> \*\*gras\*\*")).wait_for()
    assert page.locator("script:text('alert(1)')").count() == 0
    assert page.locator("img[src='x']").count() == 0

    # 2. Start again from it for another situation, change only the title.
    _choisir(page, "Repartir de cette fiche pour la situation", "1.1.2 —")
    cliquer(page, page.get_by_role("button", name="Repartir de cette fiche", exact=True),
            page.get_by_role("heading", name="Nouvelle fiche"))
    assert _texte(page, "Démarche").input_value().startswith("J'ai comparé le bon de livraison")
    _texte(page, "Titre de la fiche").fill("Commande de fournitures")
    _enregistrer(page, "Fiche enregistrée.")

    # 3. Poste de travail: four drafts at once (a situation counts once its fiche is published).
    page.get_by_role("link", name="Poste de travail").click()
    page.get_by_role("heading", name="Poste de travail").wait_for()
    for code in ("1.1.2", "1.1.3", "1.1.4", "1.1.5"):
        _choisir(page, "Situations vécues sur ce poste", f"{code} —", plusieurs=True)
    _texte(page, "Organisation et service").fill("BIOMAG – achats")
    _texte(page, "Contexte commun").fill("Je suis gestionnaire des achats dans l'entreprise BIOMAG.")
    page.get_by_role("button", name="Commencer les fiches").click()
    page.get_by_text("4 brouillon(s) de fiche commencé(s)").wait_for()

    # 4. Publish one of them, edit it twice, then see three versions and what changed.
    page.get_by_role("button", name="Compléter").first.click()
    page.get_by_role("heading", name="Nouvelle fiche").wait_for()
    expect(_texte(page, "Contexte")).to_have_value("Je suis gestionnaire des achats dans l'entreprise BIOMAG.")
    _enregistrer(page, "Fiche enregistrée.")
    _texte(page, "Démarche").fill("J'ai saisi la commande dans le PGI.")
    _enregistrer(page, "Version 2 enregistrée.")
    _texte(page, "Démarche").fill("J'ai saisi la commande dans le PGI.\nPuis je l'ai fait valider.")
    _enregistrer(page, "Version 3 enregistrée.")
    page.get_by_role("heading", name="Historique (3 versions)").wait_for()
    page.locator("ins").filter(has_text="Puis je l'ai fait valider.").first.wait_for()

    # 5. Attach a real PDF; then a fake PDF is refused by the server and a 30 MB file by the browser, before
    # sending it; the text is still saved.
    (tmp_path / "bon.pdf").write_bytes(fichiers.pdf())
    _deposer(page, tmp_path / "bon.pdf")
    page.get_by_text("bon.pdf").first.wait_for()
    page.get_by_text("1 fichier(s) prêt(s) à joindre").wait_for()
    _enregistrer(page, "« bon.pdf » joint.")
    page.get_by_role("link", name="Télécharger bon.pdf").wait_for()  # served by /piece/<id>, access checked
    (tmp_path / "virus.pdf").write_bytes(fichiers.exe())
    (tmp_path / "enorme.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * (30 * 1024 * 1024))
    _texte(page, "Productions").fill("Bon de commande validé")
    _deposer(page, [tmp_path / "virus.pdf", tmp_path / "enorme.pdf"], deja_joint="bon.pdf")
    page.get_by_text("enorme.pdf").first.wait_for()
    page.get_by_text("Fichier trop gros : 10 Mo au plus, il n'a pas été envoyé.").first.wait_for()
    page.get_by_text("1 fichier(s) prêt(s) à joindre").wait_for()  # the server has only the small one
    _enregistrer(page, "Version 4 enregistrée.")
    page.get_by_text("« virus.pdf » n'est pas un vrai fichier PDF").wait_for()
    assert page.get_by_text("Le texte de la fiche est bien enregistré.").count() == 1
    assert _texte(page, "Productions").input_value() == "Bon de commande validé"

    # 6. To the bin and back.
    fiche_id = re.search(r"fiche=(\d+)", page.url).group(1)
    page.get_by_role("button", name="Mettre à la corbeille").click()
    page.get_by_role("button", name="Oui, mettre à la corbeille").click()
    page.get_by_role("heading", name="Mon passeport").wait_for()
    page.get_by_role("tab", name=re.compile("Corbeille")).click()
    page.locator(f".st-key-restaurer_{fiche_id} button").click()
    page.get_by_text(re.compile(r"^Fiche « .+ » restaurée : elle est de nouveau dans « Mes fiches »\.$")).wait_for()
