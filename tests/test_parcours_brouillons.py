"""Nothing a student types is lost, on a 390×844 phone in Chromium: tab closed, network cut for three minutes,
session ended before "Enregistrer", "Nouvelle fiche" tapped, page reloaded. Each journey ends with the text
found again, word for word.

The network cut (b) starts first and lasts while the other journeys run, so the three minutes cost the suite
little: the module's last test ends it.
"""

import hashlib
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from passeport.db import creer_engine
from passeport.models import Brouillon, Fiche, SessionUtilisateur
from passeport.web import COOKIE
from tests.navigateur import attendre_fin_execution, se_connecter, serveur_streamlit

pytestmark = pytest.mark.browser

ARTEFACTS = __import__("pathlib").Path(__file__).parent / "artefacts"
COUPURE_S = 180
HORS_LIGNE = "Connexion perdue : votre texte est gardé sur ce téléphone, il sera envoyé dès le retour du réseau."
DEMARCHE_A = ("J'ai d'abord relu la liste des commandes en attente dans le PGI, puis j'ai appelé le fournisseur "
              "BIOMAG pour connaître la date de livraison des ramettes. Ensuite j'ai prévenu le service "
              "comptabilité que la facture arriverait en retard et j'ai noté l'échange dans le dossier partagé.")


@pytest.fixture(scope="module")
def app_url(demo_privee):
    with serveur_streamlit(demo_privee[0], demo_privee[1]) as url:
        yield url


def _telephone(navigateur):
    contexte = navigateur.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    return contexte, page


def _nouvelle_fiche(page, app_url):
    se_connecter(page, app_url, "lea.moreau")
    page.get_by_role("heading", name="Mon passeport").first.wait_for()
    page.goto(f"{app_url}/eleve_fiche")
    page.get_by_role("heading", name="Nouvelle fiche").wait_for()
    attendre_fin_execution(page)


def _taper_demarche(page, texte):
    """Type into the démarche without leaving it (Streamlit has not received a single character of it)."""
    page.get_by_role("textbox", name="Démarche").click()
    page.keyboard.press("End")
    page.keyboard.type(texte, delay=4)


def _champ_demarche(page):
    """The démarche as the student sees it (expect() waits for the page to finish drawing it)."""
    return page.get_by_role("textbox", name="Démarche")


def _brouillons(url) -> dict[str, str]:
    """Each draft's démarche, as stored."""
    import json

    engine = creer_engine(url)
    with Session(engine) as s:
        resultat = {b.cle: json.loads(b.contenu).get("demarche", "") for b in s.scalars(select(Brouillon))}
    engine.dispose()
    return resultat


def _rouvrir_depuis_la_liste(page, app_url, debut):
    """Sign in on a fresh page and reopen, from "Brouillons", the draft whose text starts with ``debut``."""
    se_connecter(page, app_url, "lea.moreau")
    page.get_by_role("heading", name="Brouillons").wait_for()
    page.get_by_role("button").filter(has_text=debut[:40]).first.click()
    page.get_by_role("heading", name="Nouvelle fiche").wait_for()
    attendre_fin_execution(page)


@pytest.fixture(scope="module")
def coupure(app_url, navigateur):
    """Journey (b), first half: some text, then the network cut (websocket closed and refused, browser offline)."""
    contexte, page = _telephone(navigateur)
    coupee = {"oui": False, "relais": []}

    def relayer(ws):
        if coupee["oui"]:
            ws.close()
            return
        ws.connect_to_server()
        coupee["relais"].append(ws)

    page.route_web_socket("**/_stcore/stream", relayer)
    _nouvelle_fiche(page, app_url)
    _taper_demarche(page, "Avant la coupure : j'ai ouvert le dossier du client.")
    page.wait_for_timeout(500)
    coupee["oui"] = True
    contexte.set_offline(True)
    for ws in coupee["relais"]:
        ws.close()
    debut = time.monotonic()
    page.get_by_text(HORS_LIGNE).wait_for()
    _taper_demarche(page, " Pendant la coupure : j'ai classé les pièces par date.")
    page.screenshot(path=str(ARTEFACTS / "brouillons_hors_ligne.png"))
    yield contexte, page, coupee, debut
    contexte.close()


def test_a_closed_tab_keeps_what_was_typed(app_url, navigateur, coupure, demo_privee):
    contexte, page = _telephone(navigateur)
    _nouvelle_fiche(page, app_url)
    _taper_demarche(page, DEMARCHE_A)
    page.wait_for_timeout(6000)  # the journey's own figure: 6 s after the last key, without leaving the field
    contexte.close()  # the tab and its cookie are gone

    contexte, page = _telephone(navigateur)
    _rouvrir_depuis_la_liste(page, app_url, DEMARCHE_A)
    expect(_champ_demarche(page)).to_have_value(DEMARCHE_A)
    page.screenshot(path=str(ARTEFACTS / "brouillons_repris.png"), full_page=True)
    contexte.close()


def test_c_an_ended_session_keeps_the_text_and_publishes_it_after_sign_in(app_url, navigateur, coupure, demo_privee):
    contexte, page = _telephone(navigateur)
    _nouvelle_fiche(page, app_url)
    page.get_by_role("combobox", name="Situation du référentiel").click()
    page.keyboard.type("1.1.2")
    page.get_by_role("option").filter(has_text="1.1.2").first.click()
    attendre_fin_execution(page)
    page.get_by_role("textbox", name="Titre de la fiche").fill("Relance d'un fournisseur")
    texte = "J'ai relancé le fournisseur par téléphone puis confirmé la date par courriel."
    _taper_demarche(page, texte)

    # The session ends in the store (2 h without activity) before the student presses "Enregistrer".
    jeton = next(c["value"] for c in contexte.cookies() if c["name"] == COOKIE)
    engine = creer_engine(demo_privee[0])
    with Session(engine) as s:
        ligne = s.scalar(select(SessionUtilisateur).where(
            SessionUtilisateur.jeton_sha256 == hashlib.sha256(jeton.encode()).hexdigest()))
        s.execute(update(SessionUtilisateur).where(SessionUtilisateur.id == ligne.id)
                  .values(vue_le=ligne.vue_le.replace(year=ligne.vue_le.year - 1)))
        s.commit()
        fiches_avant = s.query(Fiche).count()
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Votre texte est gardé dans vos brouillons").wait_for()
    page.screenshot(path=str(ARTEFACTS / "brouillons_session_finie.png"), full_page=True)
    page.get_by_role("link", name="Se reconnecter").first.click()
    page.get_by_label("Identifiant").fill("lea.moreau")
    page.get_by_label("Mot de passe").fill("passeport-demo")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Brouillon enregistré automatiquement").wait_for()
    attendre_fin_execution(page)
    expect(_champ_demarche(page)).to_have_value(texte)
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Fiche enregistrée.").wait_for()
    with Session(engine) as s:
        assert s.query(Fiche).count() == fiches_avant + 1
        publiee = s.scalars(select(Fiche).order_by(Fiche.id.desc())).first()
        assert (publiee.courante.titre, publiee.courante.demarche) == ("Relance d'un fournisseur", texte)
    engine.dispose()
    contexte.close()


def test_d_new_fiche_keeps_the_one_being_written(app_url, navigateur, coupure):
    contexte, page = _telephone(navigateur)
    _nouvelle_fiche(page, app_url)
    texte = "J'ai préparé le bon de commande des fournitures et je l'ai fait signer par la cheffe de service."
    _taper_demarche(page, texte)
    page.get_by_role("button", name="Nouvelle fiche").click()
    attendre_fin_execution(page)
    expect(_champ_demarche(page)).to_have_value("")  # a blank form…
    page.get_by_test_id("stMainBlockContainer").get_by_role("link", name="Mon passeport").click()
    page.get_by_role("heading", name="Brouillons").wait_for()
    page.screenshot(path=str(ARTEFACTS / "brouillons_liste.png"), full_page=True)
    page.get_by_role("button").filter(has_text=texte[:40]).first.click()  # …and the other one, kept
    page.get_by_role("heading", name="Nouvelle fiche").wait_for()
    attendre_fin_execution(page)
    expect(_champ_demarche(page)).to_have_value(texte)
    contexte.close()


def test_e_a_reload_while_typing_keeps_the_text(app_url, navigateur, coupure):
    contexte, page = _telephone(navigateur)
    _nouvelle_fiche(page, app_url)
    texte = "J'ai saisi les heures de présence de l'équipe dans le tableur et vérifié les totaux de la semaine."
    _taper_demarche(page, texte)
    page.reload()  # at once: the last keys never had their pause
    page.get_by_role("heading", name="Nouvelle fiche").wait_for()
    # The page may first show the server's copy, then the text kept in this browser once it is sent.
    expect(_champ_demarche(page)).to_have_value(texte, timeout=30_000)
    contexte.close()


def test_b_three_minutes_offline_lose_nothing(coupure, demo_privee):
    contexte, page, coupee, debut = coupure
    avant = "Avant la coupure : j'ai ouvert le dossier du client. Pendant la coupure : j'ai classé les pièces par date."
    expect(_champ_demarche(page)).to_have_value(avant)
    attente = COUPURE_S - (time.monotonic() - debut) - 20
    if attente > 0:
        page.wait_for_timeout(attente * 1000)
    _taper_demarche(page, " Toujours sans réseau : j'ai rédigé le courriel de relance.")
    page.wait_for_timeout(max(0.0, COUPURE_S - (time.monotonic() - debut)) * 1000)
    assert time.monotonic() - debut >= COUPURE_S
    assert page.get_by_text(HORS_LIGNE).is_visible()
    assert not page.get_by_text("Connection error").is_visible()

    coupee["oui"] = False
    contexte.set_offline(False)
    page.get_by_text("Connexion rétablie : votre texte est enregistré.").wait_for(timeout=60_000)
    attendre_fin_execution(page)
    complet = avant + " Toujours sans réseau : j'ai rédigé le courriel de relance."
    expect(_champ_demarche(page)).to_have_value(complet)
    assert complet in _brouillons(demo_privee[0]).values()
    page.reload()
    page.get_by_role("heading", name="Nouvelle fiche").wait_for()
    attendre_fin_execution(page)
    expect(_champ_demarche(page)).to_have_value(complet)
