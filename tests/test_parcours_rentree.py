"""The rentrée in Chromium: the demo administrator imports SIECLE then STS-web from the « Année scolaire » page,
prints the new accounts' first passwords, and the new teacher signs in with hers and sees her division."""

import re
import shutil

import pypdfium2 as pdfium
import pytest

from tests.fichiers_scolarite import E, division, groupe, individu, siecle, sts
from tests.navigateur import attendre_fin_execution, chromium, se_connecter, serveur_streamlit

pytestmark = pytest.mark.browser

UAI_DEMO = "0359999Z"
# Two new students of a new 2GA2 (one also in a group), one left in « Inactifs »: the demo's year, 2026-2027.
ELEVES = siecle([E("7001", "700000001AB", "GARNIER", "Éloïse", "2GA2", groupes=("2GA2_G1",)),
                 E("7002", "700000002AB", "NGUYEN", "Timothée", "2GA2", nom_usage="NGUYEN-LŒB"),
                 E("7003", "700000003AB", "PERRIN", "Zoé", None, autres_divisions=("Inactifs",))],
                uaj=UAI_DEMO)
# Hélène Lévêque (new) teaches 2GA2; Claire Martin (already in the demo) too, through a group; the principal
# (not a teacher) is left out.
ENSEIGNANTS = sts([individu("501", "LÉVÊQUE", "Hélène"), individu("502", "MARTIN", "Claire"),
                   individu("503", "DUVAL", "Marc", fonction="DIR", discipline="DIRECTION")],
                  [division("2GA2", "501")], [groupe("2GA2_G1", ["2GA2"], "502")], uaj=UAI_DEMO)


def test_the_administrator_runs_the_rentree_and_the_new_teacher_signs_in(demo_db_url, tmp_path):
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), tmp_path / "d.sqlite")
    (tmp_path / "ElevesSansAdresses.xml").write_bytes(ELEVES)
    (tmp_path / f"sts_emp_{UAI_DEMO}_2026.xml").write_bytes(ENSEIGNANTS)
    with serveur_streamlit(f"sqlite:///{tmp_path / 'd.sqlite'}", tmp_path) as app, chromium(tmp_path) as navigateur:
        contexte = navigateur.new_context(accept_downloads=True, viewport={"width": 1366, "height": 768})
        page = contexte.new_page()
        page.set_default_timeout(30_000)
        se_connecter(page, app, "admin")
        page.get_by_role("link", name="Année scolaire").click()
        page.get_by_role("heading", name="Année scolaire", exact=True).wait_for()
        attendre_fin_execution(page)
        entrees = page.locator("[data-testid='stFileUploaderDropzoneInput']")

        # SIECLE: the preview says what will happen, nothing is written before the confirmation.
        entrees.nth(0).set_input_files(tmp_path / "ElevesSansAdresses.xml")
        page.get_by_text("Élèves créés : 2").wait_for()
        attendre_fin_execution(page)
        assert page.get_by_text("Année scolaire du fichier : 2026-2027", exact=False).count() == 1
        page.get_by_text("Laissés de côté : 1 élève(s) sans division (ou « Inactifs »).").wait_for()
        page.get_by_text("Élèves créés : 2").click()  # open the list: the names as the file spells them
        page.get_by_text("Divisions créées : 1").wait_for()
        tableau = page.locator("[data-testid='stExpander']").filter(has_text="Élèves créés : 2")
        tableau.locator("[data-testid='stDataFrame']").wait_for()
        page.get_by_role("button", name="Confirmer l'import").click()
        page.get_by_text("Import enregistré : 2 élèves créés, 1 division créée (année 2026-2027).").wait_for()
        attendre_fin_execution(page)
        # The same file again: nothing to do.
        page.get_by_text("Rien à changer : les 2 élève(s) du fichier sont déjà à jour (année 2026-2027).").wait_for()

        # STS-web: the new teacher and the links.
        entrees.nth(1).set_input_files(tmp_path / f"sts_emp_{UAI_DEMO}_2026.xml")
        page.get_by_text("Comptes d'enseignants créés (sans mot de passe : voir l'étape 4) : 1").wait_for()
        page.get_by_text("Enseignants déjà connus : 1").wait_for()
        attendre_fin_execution(page)
        page.get_by_role("button", name="Confirmer l'import").nth(0).click()
        page.get_by_text(re.compile(r"^Import enregistré : 1 enseignant créé")).wait_for()
        attendre_fin_execution(page)

        # First passwords for the new accounts only: two students and one teacher.
        page.get_by_text("3 compte(s) n'ont encore jamais eu de mot de passe.", exact=False).wait_for()
        page.get_by_role("button", name="Créer leurs mots de passe et la feuille à imprimer").click()
        with page.expect_download() as telechargement:
            page.get_by_role("button", name="Télécharger la feuille des nouveaux comptes (PDF)").click()
        chemin = tmp_path / "feuille.pdf"
        telechargement.value.save_as(chemin)
        document = pdfium.PdfDocument(chemin)
        pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
        document.close()
        assert len(pages) == 2  # one page per group: the 2GA2, then the teachers
        assert "Éloïse GARNIER — 2GA2 (2026-2027)" in pages[0] and "Timothée NGUYEN-LŒB — 2GA2 (2026-2027)" in pages[0]
        login, mot_de_passe = re.search(r"Hélène LÉVÊQUE — Enseignants\s+Identifiant : (\S+)\s+"
                                        r"Mot de passe provisoire : (\S+)", pages[1]).groups()
        assert login == "helene.leveque"
        page.get_by_role("heading", name="Ce qui a été fait").scroll_into_view_if_needed()
        for etape in ("Import SIECLE", "Import STS-web", "Premiers mots de passe des nouveaux comptes"):
            page.get_by_text(etape, exact=True).first.wait_for(state="attached")
        page.get_by_role("button", name="Se déconnecter").click()
        page.get_by_role("button", name="Se connecter").wait_for()

        # The new teacher: her printed password, her own one, then her division.
        se_connecter(page, app, login, mot_de_passe)
        page.get_by_role("heading", name="Choisissez votre mot de passe").wait_for()
        page.get_by_label("Mot de passe reçu").fill(mot_de_passe)
        page.get_by_label("Nouveau mot de passe", exact=True).fill("la rentrée des classes 2026")
        page.get_by_label("Nouveau mot de passe, encore une fois").fill("la rentrée des classes 2026")
        page.get_by_role("button", name="Enregistrer mon mot de passe").click()
        page.get_by_role("heading", name="Bonjour Hélène LÉVÊQUE").wait_for()
        page.get_by_role("cell", name="2GA2").or_(page.get_by_role("rowheader", name="2GA2")).first.wait_for()
        assert page.get_by_text("1GA1", exact=True).count() == 0
        page.screenshot(path=tmp_path / "enseignante.png")
        contexte.close()
