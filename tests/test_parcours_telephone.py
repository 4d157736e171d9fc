"""The demo student on a phone (Chromium, 390×844, touch): uploads refused before they are sent, the framework's
texts in French, 44 px touch targets, « Enregistrer » in reach while typing, a fiche opened by tapping its row, the
bin's message where the student looks, deletes that ask first, situation search without accents."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.db import creer_engine
from passeport.models import Compte, ContexteReutilisable, Eleve, Fiche, FicheVersion, maintenant
from tests import fichiers
from tests.navigateur import attendre_fin_execution, cliquer, se_connecter, serveur_streamlit

pytestmark = pytest.mark.browser

ARTEFACTS = Path(__file__).parent / "artefacts"
TELEPHONE = {"width": 390, "height": 844}
ENVOI = "/_stcore/upload_file/"
# English that Streamlit's widgets would show the student, and that ui/francais.js replaces.
ANGLAIS = ["Drag and drop", "Browse files", "per file", "Upload", "File must be", "No results", "Press Enter",
           "Choose an option", "MB", "Error"]


@pytest.fixture(scope="module")
def app_url(demo_privee):
    with serveur_streamlit(demo_privee[0], demo_privee[1]) as url:
        yield url


@pytest.fixture(scope="module")
def lea(demo_privee):
    """The demo student's fiches in the store: (engine, eleve_id)."""
    engine = creer_engine(demo_privee[0])
    with Session(engine) as s:
        eleve_id = s.scalar(select(Eleve.id).join(Compte, Compte.id == Eleve.compte_id)
                            .where(Compte.login == "lea.moreau"))
    yield engine, eleve_id
    engine.dispose()


@pytest.fixture
def telephone(navigateur, app_url):
    """A signed-in phone tab (touch, mobile viewport) of the demo student, on « Mon passeport »."""
    contexte = navigateur.new_context(viewport=TELEPHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                                      locale="fr-FR")  # a French phone: its date fields read jj/mm/aaaa
    page = contexte.new_page()
    page.set_default_timeout(30_000)
    page.on("dialog", lambda d: pytest.fail(f"une boîte de dialogue s'est ouverte : {d.message}"))
    se_connecter(page, app_url, "lea.moreau")
    page.get_by_role("heading", name="Mon passeport").wait_for()
    attendre_fin_execution(page)
    yield page
    contexte.close()


def _nouvelle_fiche(page):
    cliquer(page, page.get_by_role("button", name="Nouvelle fiche"), page.get_by_test_id("stFileUploader"))


def _texte_visible(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def _titre(session, fiche_id: int) -> str:
    fiche = session.get(Fiche, fiche_id)
    return session.scalar(select(FicheVersion.titre).where(FicheVersion.fiche_id == fiche_id,
                                                           FicheVersion.numero == fiche.version_courante))


CIBLES = {
    "boutons": "[data-testid='stMain'] [data-testid^='stBaseButton']",
    "choix": "[data-testid='stButtonGroup'] button",
    "radios": "[data-testid='stRadio'] [role='radiogroup'] label",
    "cases": "[data-testid='stCheckbox'] label",
    "listes": "[data-testid='stMain'] :is([data-testid='stSelectbox'], [data-testid='stMultiSelect']) [role='group']",
    "dates": "[data-testid='stDateInputField']",
}


def _cibles(page) -> dict[str, list[float]]:
    """The height of every visible touch target of the page, by kind; each one is at least 44 px."""
    mesures = {}
    for nom, selecteur in CIBLES.items():
        mesures[nom] = [b["height"] for b in (e.bounding_box() for e in page.locator(selecteur).all()) if b]
        assert all(h >= 44 for h in mesures[nom]), (nom, mesures[nom])
    return mesures


def _hauteur(locator) -> float:
    boite = locator.bounding_box()
    assert boite is not None, locator
    return boite["height"]


def test_un_fichier_trop_gros_est_refuse_avant_tout_envoi_et_en_francais(telephone, tmp_path):
    page = telephone
    _nouvelle_fiche(page)
    envois = []
    page.on("request", lambda r: envois.append(r.url) if ENVOI in r.url else None)
    uploader = page.get_by_test_id("stFileUploader")
    uploader.get_by_text("10 Mo au plus par fichier", exact=True).wait_for()
    uploader.get_by_text("Choisir un fichier", exact=True).wait_for()

    gros = tmp_path / "scan.pdf"
    gros.write_bytes(b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024))  # 11 Mio, "11.5MB" for Streamlit (1000-based)
    uploader.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(gros)
    raison = uploader.get_by_text("Fichier trop gros : 10 Mo au plus, il n'a pas été envoyé.")
    raison.wait_for()
    assert raison.bounding_box()["height"] >= 12 and raison.bounding_box()["width"] >= 100  # written, not hidden
    uploader.get_by_text("11,5 Mo", exact=True).wait_for()
    assert envois == []  # refused in the phone: not one byte sent
    assert uploader.get_by_role("button", name="Retirer scan.pdf").count() == 1
    uploader.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTEFACTS / "telephone_envoi_refuse.png"))
    texte = uploader.inner_text()
    assert [mot for mot in ANGLAIS if mot in texte] == [], texte

    # The watch does see uploads: a small real PDF goes to the server at once.
    petit = tmp_path / "bon.pdf"
    petit.write_bytes(fichiers.pdf())
    with page.expect_request(lambda r: ENVOI in r.url):
        uploader.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(petit)
    assert len(envois) == 1


def test_textes_du_cadre_en_francais_dans_le_formulaire(telephone):
    page = telephone
    _nouvelle_fiche(page)
    # A search that finds nothing.
    page.get_by_label("Situation du référentiel", exact=True).first.click()
    page.keyboard.type("zzzz")
    page.get_by_text("Aucun résultat", exact=True).wait_for()
    assert page.get_by_text("No results").count() == 0
    page.keyboard.press("Escape")
    # The hint under a text field being typed in.
    titre = page.get_by_label("Titre de la fiche", exact=True)
    titre.click()
    page.keyboard.type("Commande")
    page.get_by_text("Entrée pour valider", exact=True).wait_for()
    # The empty date field's segments (Streamlit shows dd/mm/yyyy whatever the phone's language).
    assert page.get_by_test_id("stDateInputField").nth(1).inner_text().split() == ["jj", "/", "mm", "/", "aaaa"]
    assert page.get_by_text(re.compile("Press Enter")).count() == 0
    # The keyboard shrinks the page rather than covering « Enregistrer » (Chrome on Android).
    assert "interactive-widget=resizes-content" in page.locator("meta[name='viewport']").get_attribute("content")
    texte = _texte_visible(page)
    assert [mot for mot in ANGLAIS if mot in texte] == [], texte
    # What a screen reader says: help buttons and date fields.
    assert page.locator("[aria-label='Aide : Démarche']").count() == 1
    assert page.locator("[aria-label='jour, Date de début']").count() == 1
    assert page.locator("[aria-label^='Help for'], [aria-label^='day, '], [aria-label='Choose date']").count() == 0


@pytest.mark.parametrize("tape, attendues", [
    ("reglement", ["1.1.5", "1.2.5"]),
    ("REGLEMENT", ["1.1.5", "1.2.5"]),
    ("règlement", ["1.1.5", "1.2.5"]),
    ("salarie", ["2.1.1"]),
    ("salarié", ["2.1.1"]),
])
def test_recherche_de_situation_sans_accents_ni_majuscules(telephone, tape, attendues):
    page = telephone
    _nouvelle_fiche(page)
    page.get_by_label("Situation du référentiel", exact=True).first.click()
    page.keyboard.type(tape)
    options = page.get_by_role("option")
    options.first.wait_for()
    trouvees = [re.match(r"\d\.\d\.\d", t).group() for t in options.all_inner_texts()]
    assert trouvees[:len(attendues)] == attendues or set(attendues) <= set(trouvees[:3]), trouvees
    # The label is shown once, with its accents (decomposed letters look the same).
    premiere = options.first.inner_text()
    assert "\u0300" in premiere or "\u0301" in premiere
    options.filter(has_text=attendues[0]).first.click()
    attendre_fin_execution(page)
    choisie = page.get_by_test_id("stSelectbox").first
    assert attendues[0] in choisie.inner_text() + choisie.locator("input").first.input_value()


def test_recherche_sans_accents_sur_le_poste_de_travail(telephone):
    """The poste de travail's multiselect: same labels (passeport.affichage.cherchable), same search."""
    page = telephone
    page.goto(page.url.split("?")[0].rstrip("/") + "/eleve_poste")
    page.get_by_label("Situations vécues sur ce poste", exact=True).first.click()
    page.keyboard.type("reglement")
    options = page.get_by_role("option")
    options.filter(has_text="1.1.5").first.wait_for()
    assert options.all_inner_texts()[0] == "Choisir les 2 résultats"
    assert sorted(t[:5] for t in options.all_inner_texts()[1:]) == ["1.1.5", "1.2.5"]


def test_cibles_de_44_px_et_enregistrer_a_portee_pendant_la_frappe(telephone):
    page = telephone
    # « Mon passeport »: the main button, the tabs, the list's filters.
    assert _hauteur(page.get_by_role("button", name="Nouvelle fiche")) >= 44
    for onglet in page.get_by_role("tab").all():
        assert _hauteur(onglet) >= 44
    cliquer(page, page.get_by_role("tab", name=re.compile("Mes fiches")), page.get_by_text(re.compile("touchez une ligne")))
    for boite in page.get_by_test_id("stSelectbox").all():
        if boite.is_visible():
            assert _hauteur(boite.locator(".react-aria-ComboBox [role='group']").first) >= 44
    # The sidebar's navigation.
    page.get_by_test_id("stExpandSidebarButton").click()
    liens = page.get_by_test_id("stSidebarNavLink")
    liens.first.wait_for()
    assert liens.count() >= 8
    for lien in liens.all():
        assert _hauteur(lien) >= 44
    page.screenshot(path=str(ARTEFACTS / "telephone_navigation.png"))
    cliquer(page, liens.filter(has_text="Fiche en cours"), page.get_by_test_id("stFileUploader"))
    if page.get_by_test_id("stSidebar").is_visible() and page.get_by_test_id("stSidebarCollapseButton").count():
        page.get_by_test_id("stSidebarCollapseButton").locator("button").click()

    # The new fiche's form: buttons, segmented choices, radio choices, select boxes, dates.
    mesures = _cibles(page)
    assert [len(mesures[n]) >= 1 for n in ("boutons", "choix", "radios", "listes", "dates")] == [True] * 5, mesures

    # A long démarche typed without leaving the field: « Enregistrer » stays on the screen.
    demarche = page.get_by_label(re.compile("^Démarche")).first
    demarche.click()
    page.keyboard.type("J'ai vérifié la commande ligne par ligne avec le bon de livraison. " * 12)
    enregistrer = page.locator(".st-key-enregistrer button")
    boite = enregistrer.bounding_box()
    assert boite["height"] >= 44
    assert 0 <= boite["y"] and boite["y"] + boite["height"] <= TELEPHONE["height"], boite
    champ = demarche.bounding_box()
    assert champ["y"] < TELEPHONE["height"]  # the field being typed in is on the screen too
    page.screenshot(path=str(ARTEFACTS / "telephone_enregistrer_colle.png"))


def test_cibles_de_44_px_sur_une_fiche_existante(telephone, lea):
    """An existing fiche adds toggles (retenue, partage), the versions' select box and download buttons."""
    page = telephone
    engine, eleve_id = lea
    with Session(engine) as s:
        fiche_id = s.scalar(select(Fiche.id).where(Fiche.eleve_id == eleve_id, Fiche.supprimee_le.is_(None))
                            .order_by(Fiche.version_courante.desc(), Fiche.id))
    page.goto(page.url.split("?")[0].rstrip("/") + f"/eleve_fiche?fiche={fiche_id}")
    page.get_by_test_id("stFileUploader").wait_for()
    attendre_fin_execution(page)
    mesures = _cibles(page)
    assert len(mesures["cases"]) >= 1 and len(mesures["boutons"]) >= 3, mesures
    page.screenshot(path=str(ARTEFACTS / "telephone_fiche_existante.png"), full_page=True)


def test_grand_ecran_sans_regle_du_telephone(navigateur, app_url):
    page = navigateur.new_page(viewport={"width": 1366, "height": 768}, locale="fr-FR")
    page.set_default_timeout(30_000)
    se_connecter(page, app_url, "lea.moreau")
    page.get_by_text("Emporter mon passeport (ZIP)").wait_for()
    page.get_by_role("button", name="Nouvelle fiche").wait_for()
    attendre_fin_execution(page)
    page.screenshot(path=str(ARTEFACTS / "grand_ecran_passeport.png"))
    _nouvelle_fiche(page)
    enregistrer = page.locator(".st-key-enregistrer")
    assert enregistrer.evaluate("e => getComputedStyle(e).position") != "sticky"
    assert _hauteur(enregistrer.locator("button")) < 44  # Streamlit's own size: the phone rules do not apply
    page.screenshot(path=str(ARTEFACTS / "grand_ecran_fiche.png"), full_page=True)
    page.close()


def test_une_fiche_s_ouvre_en_touchant_sa_ligne(telephone, lea):
    page = telephone
    cliquer(page, page.get_by_role("tab", name=re.compile("Mes fiches")), page.get_by_text(re.compile("touchez une ligne")))
    tableau = page.get_by_test_id("stDataFrame").filter(has=page.locator("canvas")).last
    tableau.scroll_into_view_if_needed()
    attendre_fin_execution(page)
    boite = tableau.bounding_box()
    # The second row, in the "Titre" column (far from the row's small selection box): header and rows are 35 px.
    page.touchscreen.tap(boite["x"] + 250, boite["y"] + 35 + 35 + 17)
    page.wait_for_url(re.compile(r"eleve_fiche\?fiche=\d+"))
    attendre_fin_execution(page)
    fiche_id = int(re.search(r"fiche=(\d+)", page.url).group(1))
    engine, eleve_id = lea
    with Session(engine) as s:
        assert s.get(Fiche, fiche_id).eleve_id == eleve_id
        titre = _titre(s, fiche_id)
    assert page.get_by_label("Titre de la fiche", exact=True).input_value() == titre


def test_restauration_annoncee_dans_la_corbeille(telephone, lea):
    page = telephone
    engine, eleve_id = lea
    with Session(engine) as s:  # one of Léa's fiches goes to the bin
        fiche = s.scalars(select(Fiche).where(Fiche.eleve_id == eleve_id, Fiche.supprimee_le.is_(None))
                          .order_by(Fiche.id)).first()
        fiche.supprimee_le = maintenant()
        fiche_id, titre = fiche.id, _titre(s, fiche.id)
        s.commit()
    page.reload()
    onglet = page.get_by_role("tab", name=re.compile("Corbeille"))
    bouton = page.locator(f".st-key-restaurer_{fiche_id} button")
    cliquer(page, onglet, bouton)
    bouton.scroll_into_view_if_needed()
    message = page.get_by_text(f"Fiche « {titre} » restaurée : elle est de nouveau dans « Mes fiches ».")
    cliquer(page, bouton, message)
    boite = message.bounding_box()
    assert 0 <= boite["y"] <= TELEPHONE["height"] - boite["height"], boite  # on the screen, without scrolling
    assert onglet.get_attribute("aria-selected") == "true"  # the bin is still the open tab
    page.screenshot(path=str(ARTEFACTS / "telephone_corbeille_restauree.png"))


def test_supprimer_un_contexte_demande_confirmation(telephone, lea):
    page = telephone
    engine, eleve_id = lea
    with Session(engine) as s:
        s.add(ContexteReutilisable(eleve_id=eleve_id, nom="Stage à effacer", organisation="BIOMAG", service="",
                                   poste="", contexte="", conditions=""))
        s.commit()
        contexte_id = s.scalar(select(ContexteReutilisable.id).where(ContexteReutilisable.nom == "Stage à effacer"))
    page.goto(page.url.split("?")[0].rstrip("/") + "/eleve_contextes")
    page.get_by_text("Stage à effacer").wait_for()
    cle = f"supprimer_contexte_{contexte_id}"
    cliquer(page, page.locator(f".st-key-{cle} button"), page.get_by_text("Supprimer ce contexte ?"))
    cliquer(page, page.locator(f".st-key-{cle}_annuler button"), page.locator(f".st-key-{cle} button"))
    page.get_by_text("Stage à effacer").wait_for()
    cliquer(page, page.locator(f".st-key-{cle} button"), page.locator(f".st-key-{cle}_oui button"))
    assert _hauteur(page.locator(f".st-key-{cle}_oui button")) >= 44
    page.locator(f".st-key-{cle}_oui button").click()
    page.get_by_text("Stage à effacer").wait_for(state="detached")
    with Session(engine) as s:
        assert s.get(ContexteReutilisable, contexte_id).supprime_le is not None
