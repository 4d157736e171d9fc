"""The administrator's journey in Chromium: import a class, print its first passwords, a student uses one."""

import re
import shutil

import pypdfium2 as pdfium
import pytest

from tests.navigateur import chromium, se_connecter, serveur_streamlit

pytestmark = pytest.mark.browser


def test_import_a_class_print_the_sheet_and_sign_in_with_it(demo_db_url, tmp_path):
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), tmp_path / "d.sqlite")
    (tmp_path / "classe.csv").write_text("NOM;PRENOM;DIVISION;INE\r\nRoux;Lou;2GA2;N0001\r\nBlanc;Tom;2GA2;N0002\r\n",
                                         encoding="utf-8")
    (tmp_path / "fausse.csv").write_text("NOM;PRENOM;DIVISION;INE\r\nRoux;;2GA2;N0001\r\n", encoding="utf-8")
    with serveur_streamlit(f"sqlite:///{tmp_path / 'd.sqlite'}", tmp_path) as app, chromium(tmp_path) as navigateur:
        contexte = navigateur.new_context(accept_downloads=True)
        page = contexte.new_page()
        page.set_default_timeout(30_000)
        se_connecter(page, app, "admin")
        page.get_by_role("link", name="Élèves").click()
        page.get_by_role("heading", name="Élèves", exact=True).wait_for()

        entree = page.locator("[data-testid='stFileUploaderDropzoneInput']")
        entree.set_input_files(tmp_path / "fausse.csv")
        page.get_by_text("Fichier prêt à importer : fausse.csv").wait_for()
        page.get_by_role("button", name="Importer").click()
        page.get_by_text("Import refusé : rien n'a été enregistré.").wait_for()
        page.get_by_text("ligne 2 : prenom vide").wait_for()

        entree.set_input_files(tmp_path / "classe.csv")
        page.get_by_text("Fichier prêt à importer : classe.csv").wait_for()
        page.get_by_role("button", name="Importer").click()
        page.get_by_text("2 élèves importés, 1 division créée.").wait_for()

        page.get_by_role("link", name="Comptes").click()
        page.get_by_role("heading", name="Premiers mots de passe d'une division").wait_for()
        page.get_by_label("Division", exact=True).click()
        page.get_by_role("option").filter(has_text="2GA2").click()
        page.get_by_text("Je comprends que les mots de passe actuels").click()
        page.get_by_role("button", name="Créer les mots de passe et la feuille à imprimer").click()
        with page.expect_download() as telechargement:
            page.get_by_role("button", name="Télécharger la feuille (PDF)").click()
        chemin = tmp_path / "feuille.pdf"
        telechargement.value.save_as(chemin)
        document = pdfium.PdfDocument(chemin)
        texte = document[0].get_textpage().get_text_range()
        assert "Lou Roux — 2GA2" in texte and "Tom Blanc — 2GA2" in texte
        # Logins are numbered when the name is taken (the demo school may have its own Lou Roux).
        login, mot_de_passe = re.search(
            r"Lou Roux — 2GA2\s+Identifiant : (lou\.roux\d*)\s+Mot de passe provisoire : (\S+)", texte).groups()
        document.close()
        page.get_by_role("button", name="Se déconnecter").click()
        page.get_by_role("button", name="Se connecter").wait_for(timeout=30_000)  # the POST went through

        se_connecter(page, app, login, mot_de_passe)
        page.get_by_role("heading", name="Choisissez votre mot de passe").wait_for()
        jetons = [c["value"] for c in contexte.cookies() if c["name"] == "passeport_session"]
        contexte.close()
    # Neither the password nor the session token is written in the server's log.
    journal = (tmp_path / "streamlit.log").read_text(encoding="utf-8", errors="replace")
    assert jetons and all(secret not in journal for secret in [mot_de_passe, *jetons])
