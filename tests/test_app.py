"""The Streamlit app under AppTest: sign-in, role homes, every page without exception."""

import os
import re
import shutil

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from passeport import referentiel
from sqlalchemy.orm import Session
from tests.conftest import RACINE, jeton_de_session

MOT_DE_PASSE = "passeport-demo"


@pytest.fixture(autouse=True)
def app_sur_demo(demo_db_url, tmp_path, monkeypatch):
    # A private copy: the pages write (sessions, journal of readings), and the demo file is shared by other tests.
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), tmp_path / "demo_app.sqlite")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'demo_app.sqlite'}")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def _app() -> AppTest:
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=30)
    at.run()
    return at


def _se_connecter(at: AppTest, login: str, mot_de_passe: str = MOT_DE_PASSE) -> AppTest:
    """Sign in as /connexion would (the cookie's token, handed through the session state) and rerun."""
    at.session_state["jeton"] = jeton_de_session(os.environ["DATABASE_URL"], login, mot_de_passe)
    at.run()
    return at


def test_without_a_session_the_app_sends_to_the_sign_in_page():
    at = _app()
    assert not at.exception
    assert at.title[0].value == "Passeport professionnel numérique"
    assert 'href="/connexion"' in at.get("html")[0].proto.body
    assert len(at.text_input) == 0  # no password is ever typed into Streamlit


def test_an_unknown_or_closed_session_says_so():
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=30)
    at.session_state["jeton"] = "jeton-inconnu"
    at.run()
    assert at.info[0].value == "Votre session a pris fin (déconnexion ou inactivité) : reconnectez-vous."


def test_a_broken_referentiel_stops_the_app(tmp_path, monkeypatch):
    (tmp_path / "referentiels").mkdir()
    lignes = (referentiel.RACINE / "referentiel.csv").read_text(encoding="utf-8").splitlines()
    lignes[2] = lignes[2].replace("1.1.2;", "2.1.2;", 1)
    (tmp_path / "referentiel.csv").write_text("\n".join(lignes) + "\n", encoding="utf-8")
    monkeypatch.setattr(referentiel, "RACINE", tmp_path)
    referentiel.charger.cache_clear()
    try:
        at = _app()
    finally:
        referentiel.charger.cache_clear()
    assert at.error[0].value == "Le fichier du référentiel referentiel.csv est invalide : l'application ne peut pas démarrer."
    assert at.code[0].value == "ligne 3 : la situation 2.1.2 ne commence pas par le code de sa classe 1.1"
    assert len(at.text_input) == 0


@pytest.mark.parametrize(
    ("login", "titre", "texte"),
    [
        ("claire.martin", "Bonjour Claire Martin", "Mes divisions"),
        ("lea.moreau", "Mon passeport", "Léa Moreau · division 1GA1 · référentiel ga\\-2012"),  # escaped markdown
        ("julien.garnier", "Bonjour Julien Garnier", "Les élèves que vous accueillez en PFMP"),
        ("admin", "Administration de l'établissement", "Lycée professionnel Jean Moulin (UAI 0359999Z)"),
    ],
)
def test_each_demo_login_reaches_its_home(login, titre, texte):
    at = _se_connecter(_app(), login)
    assert not at.exception
    assert at.title[0].value == titre
    textes = [m.value for m in at.markdown] + [s.value for s in at.subheader]
    assert texte in textes


def test_teacher_home_lists_the_three_divisions():
    at = _se_connecter(_app(), "claire.martin")
    tableau = at.table[0].value
    assert list(tableau.index) == ["1GA1", "2GA1", "TGA1"]
    assert list(tableau["Élèves"]) == [24, 24, 24]


def test_a_teacher_sees_only_her_divisions():
    at = _se_connecter(_app(), "paul.bernard")
    assert list(at.table[0].value.index) == ["1GA1", "TGA1"]
    at.switch_page("pages/enseignant_pfmp.py")
    at.run()
    divisions = {o.split(" — ")[0] for o in at.selectbox(key="eleve_pfmp").options}
    assert divisions == {"1GA1", "TGA1"}


def test_student_home_counts_situations():
    at = _se_connecter(_app(), "lea.moreau")
    resume = next(m.value for m in at.markdown if "évaluables" in m.value)
    nombres = [int(n) for n in re.findall(r"\*\*(\d+)\*\*", resume)]
    # Léa crosses nearly every situation: the four statuts add up to the 55 situations.
    assert sum(nombres[1:]) == 55
    assert nombres[4] <= 2
    assert at.get("progress")[0].proto.text == f"{55 - nombres[4]} situations traversées sur 55"


PAGES = sorted(p.stem for p in (RACINE / "pages").glob("*.py")
               if p.stem != "__init__")
COMPTE_PAR_PREFIXE = {"eleve": "lea.moreau", "enseignant": "claire.martin", "tuteur": "julien.garnier",
                      "admin": "admin"}


@pytest.mark.parametrize("page", [p for p in PAGES if p.split("_")[0] in COMPTE_PAR_PREFIXE and p != "tuteur_lien"])
def test_every_page_runs_for_its_role(page):
    at = _se_connecter(_app(), COMPTE_PAR_PREFIXE[page.split("_")[0]])
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value


def test_every_page_is_classified():
    assert set(PAGES) - {p for p in PAGES if p.split("_")[0] in COMPTE_PAR_PREFIXE} == {"mot_de_passe"}


def test_a_wrong_tutor_link_shows_one_neutral_message():
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=30)
    at.query_params["lien"] = "faux-lien"
    at.run()
    assert not at.exception
    assert at.warning[0].value.startswith("Ce lien ne permet pas d'accéder à un passeport.")


@pytest.mark.parametrize("page", [p for p in PAGES if p != "tuteur_lien"])
def test_every_page_refuses_a_signed_out_visitor(page):
    at = AppTest.from_file(str(RACINE / "pages" / f"{page}.py"), default_timeout=30)
    at.run()
    assert not at.exception
    assert at.error[0].value == "Cette page n'est pas accessible avec votre compte."


def test_admin_sets_the_attachment_quota(tmp_path, demo_db_url, monkeypatch):
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), tmp_path / "d.sqlite")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'd.sqlite'}")
    st.cache_resource.clear()
    at = _se_connecter(_app(), "admin")
    assert at.number_input[0].value == 200
    at.number_input[0].set_value(350)
    next(b for b in at.button if b.label == "Enregistrer le quota").click()
    at.run()
    assert at.success[0].value == "Quota enregistré : 350 Mo par élève."
    at = _se_connecter(_app(), "admin")
    assert at.number_input[0].value == 350


def test_first_sign_in_asks_for_a_new_password_before_anything_else(tmp_path, demo_db_url, monkeypatch):
    import shutil

    from sqlalchemy import select

    from passeport.db import creer_engine, transaction
    from passeport.models import Compte

    shutil.copy(demo_db_url.removeprefix("sqlite:///"), tmp_path / "d.sqlite")
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()
    engine = creer_engine(url)
    with transaction(engine) as s:
        s.scalar(select(Compte).where(Compte.login == "lea.moreau")).doit_changer_mot_de_passe = True
    at = _se_connecter(_app(), "lea.moreau")
    assert at.title[0].value == "Choisissez votre mot de passe"
    assert len(at.sidebar.get("html")) == 0  # no other page is reachable yet
    champs = at.text_input
    champs[0].input("passeport-demo")
    champs[1].input("court")
    champs[2].input("court")
    at.button[0].click()
    at.run()
    assert at.error[0].value.startswith("Le mot de passe doit compter au moins 10 caractères.")
    at.text_input[0].input("passeport-demo")
    at.text_input[1].input("mon chat aime la pluie")
    at.text_input[2].input("mon chat aime la pluie")
    at.button[0].click()
    at.run()
    assert [e.value for e in at.error] == []
    with transaction(engine) as s:
        assert s.scalar(select(Compte).where(Compte.login == "lea.moreau")).doit_changer_mot_de_passe is False
    # AppTest stays on the page file it ran; the browser falls back to the role's home (see test_navigateur).
    at.switch_page("pages/eleve_accueil.py")
    at.run()
    assert at.title[0].value == "Mon passeport"
    engine.dispose()


def test_admin_imports_a_class_then_creates_its_passwords_sheet(tmp_path, demo_db_url, monkeypatch):
    import shutil

    from tests.donnees import ENTETE_ELEVES, texte_csv

    shutil.copy(demo_db_url.removeprefix("sqlite:///"), tmp_path / "d.sqlite")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'd.sqlite'}")
    st.cache_resource.clear()
    at = _se_connecter(_app(), "admin")
    at.switch_page("pages/admin_eleves.py")
    at.run()
    mauvais = texte_csv(ENTETE_ELEVES, [["N1", "Roux", "Lou", "2GA2", "2nde", "2026-2027", "", ""],
                                        ["N2", "", "Tom", "2GA2", "", "", "", ""]])
    # AppTest cannot upload: the page's import is exercised through its service with the same bytes.
    from passeport.db import creer_engine, transaction
    from passeport.models import Etablissement
    from passeport.acces import OPERATEUR
    from passeport.services.imports import ImportInvalide, importer_eleves

    engine = creer_engine(os.environ["DATABASE_URL"])
    with pytest.raises(ImportInvalide) as exc, transaction(engine) as s:
        importer_eleves(s, OPERATEUR, mauvais, s.get(Etablissement, 1))
    assert exc.value.erreurs == ["ligne 3 : nom vide"]
    bon = "NOM;PRENOM;DIVISION;INE\nRoux;Lou;2GA2;N1\nBlanc;Tom;2GA2;N2\n".encode()
    with transaction(engine) as s:
        assert importer_eleves(s, OPERATEUR, bon, s.get(Etablissement, 1)).crees == 2
    engine.dispose()
    at.switch_page("pages/admin_comptes.py")
    at.run()
    at.selectbox(key="division_mdp").select_index(
        next(i for i, o in enumerate(at.selectbox(key="division_mdp").options) if o.startswith("2GA2")))
    at.checkbox(key="confirme_mdp").check()
    at.run()
    at.button(key="creer_mdp").click()
    at.run()
    assert not at.exception
    assert at.success[0].value.startswith("2 mot(s) de passe créé(s).")
    assert at.get("download_button")[0].proto.label == "Télécharger la feuille (PDF)"


def test_admin_moves_a_student_to_next_years_division(tmp_path, demo_db_url, monkeypatch):
    import shutil

    from sqlalchemy import select

    from passeport.db import creer_engine
    from passeport.models import Eleve

    shutil.copy(demo_db_url.removeprefix("sqlite:///"), tmp_path / "d.sqlite")
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()
    at = _se_connecter(_app(), "admin")
    at.switch_page("pages/admin_equipe.py")
    at.run()
    at.text_input(key="recherche_eleve").input("Moreau")
    at.run()
    lea = next(b.key for b in at.button if b.key and b.key.startswith("deplacer_"))
    eleve_id = int(lea.split("_")[1])
    from passeport.models import Division

    engine = creer_engine(url)
    with Session(engine) as s:
        tga1 = s.scalar(select(Division.id).where(Division.nom == "TGA1"))
    engine.dispose()
    at.selectbox(key=f"cible_{eleve_id}").set_value(tga1)
    at.button(key=lea).click()
    at.run()
    assert not at.exception
    engine = creer_engine(url)
    with Session(engine) as s:
        assert s.get(Eleve, eleve_id).division.nom == "TGA1"
    engine.dispose()
