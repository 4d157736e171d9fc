"""The team's référentiel page under AppTest, and what a student's fiche form then offers."""

import os
import shutil

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import RACINE, jeton_de_session


@pytest.fixture(autouse=True)
def app_sur_demo(demo_db_url, tmp_path, monkeypatch):
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), tmp_path / "demo_app.sqlite")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo_app.sqlite'}")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def _connecte(login: str, page: str) -> AppTest:
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=30)
    at.session_state["jeton"] = jeton_de_session(os.environ["DATABASE_URL"], login)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def _options_du_formulaire(code: str) -> list[str]:
    at = _connecte("lea.moreau", "pages/eleve_fiche.py")
    at.selectbox(key="f_situation").set_value(code).run()
    assert not at.exception, at.exception
    return at, at.multiselect(key=f"f_facteurs_{code}").options


def test_a_teacher_adds_a_factor_and_the_student_form_offers_it():
    at = _connecte("claire.martin", "pages/enseignant_referentiel.py")
    assert at.title[0].value == "Référentiel de l'équipe"
    assert any("Situations complétées par l'équipe : **4** sur 55" in c.value for c in at.caption)
    at.selectbox(key="liste_situation").set_value("3.1.1").run()
    at.text_input(key="liste_nouveau_complexite_3.1.1").input("Sources d'information contradictoires")
    [b for b in at.button if b.label == "Ajouter"][1].click().run()  # données, complexité, aléas: the second one
    assert not at.exception, at.exception
    lignes = [t for t in at.text_input if t.label.startswith("Ligne de l'équipe")]
    assert [(t.label, t.value) for t in lignes] == [
        ("Ligne de l'équipe (Claire Martin)", "Sources d'information contradictoires")]
    historique = at.dataframe[0].value
    assert list(historique.iloc[0][["Par", "Situation", "Action", "Après"]]) == [
        "Claire Martin", "3.1.1", "ajout", "Sources d'information contradictoires"]

    _, options = _options_du_formulaire("3.1.1")
    assert options == ["Sources d'information contradictoires"]


def test_the_student_form_suggests_what_other_students_wrote():
    at, options = _options_du_formulaire("1.2.1")
    assert set(options) == {"Client étranger", "Remises en cascade", "Client également fournisseur"}
    assert any("viennent de fiches d'autres élèves du lycée" in c.value for c in at.caption)
    # A situation the team filled: its list, no student's words.
    _, options = _options_du_formulaire("1.2.3")
    assert options[0] == "Demande de devis incomplète ou imprécise" and "Client étranger" not in options


def test_the_administrator_has_the_same_screen():
    at = _connecte("admin", "pages/admin_referentiel.py")
    assert at.title[0].value == "Référentiel de l'équipe"
