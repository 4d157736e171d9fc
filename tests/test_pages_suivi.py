"""The follow-up pages under AppTest, on a private copy of the demo school: a bad form changes nothing, a good
one writes what it says."""

import os
import shutil

import pytest
import streamlit as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from passeport.db import creer_engine
from passeport.models import (
    Appreciation, Compte, Eleve, Fiche, FicheVersion, ObjectifPfmp, Pfmp, Questionnement,
)
from passeport.services import nouveautes
from passeport.services.comptes import authentifier
from tests.conftest import RACINE, jeton_de_session


@pytest.fixture
def base(demo_db_url, tmp_path, monkeypatch):
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), tmp_path / "demo.sqlite")
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_resource.clear()
    engine = creer_engine(url)
    yield engine
    engine.dispose()
    st.cache_resource.clear()


def _app(login: str, page: str, **etat) -> AppTest:
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=30)
    at.session_state["jeton"] = jeton_de_session(os.environ["DATABASE_URL"], login)
    for cle, valeur in etat.items():
        at.session_state[cle] = valeur
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def _nb(engine, modele, *conditions) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(modele).where(*conditions))


def _fiche_de_lea(engine) -> tuple[int, int, int]:
    """(fiche id, its version, Léa's student id) of Léa's latest fiche."""
    with Session(engine) as s:
        eleve = s.scalar(select(Eleve).join(Compte).where(Compte.login == "lea.moreau"))
        fiche = s.scalar(select(Fiche).where(Fiche.eleve_id == eleve.id, Fiche.supprimee_le.is_(None))
                         .order_by(Fiche.id.desc()))
        return fiche.id, fiche.version_courante, eleve.id


def test_an_empty_appreciation_is_refused_then_one_on_the_whole_passport_is_sent(base):
    fiche_id, _, eleve_id = _fiche_de_lea(base)
    avant = _nb(base, Appreciation)
    at = _app("claire.martin", "pages/enseignant_fiche.py", fiche_suivie=fiche_id)
    at.button(key=f"envoyer_{fiche_id}").click().run()
    assert "L'appréciation est vide." in [e.value for e in at.error]
    assert _nb(base, Appreciation) == avant
    at.text_area(key=f"texte_appreciation_{fiche_id}_0").input("Ton passeport progresse : continue ainsi.")
    at.radio(key=f"portee_{fiche_id}").set_value("passeport")
    at.button(key=f"envoyer_{fiche_id}").click().run()
    with Session(base) as s:
        nouvelle = s.scalar(select(Appreciation).order_by(Appreciation.id.desc()))
        assert (nouvelle.eleve_id, nouvelle.fiche_id, nouvelle.texte, nouvelle.origine, len(nouvelle.versions)) == (
            eleve_id, None, "Ton passeport progresse : continue ainsi.", "enseignant", 1)


def test_the_guide_records_the_ticked_questions_only(base):
    fiche_id, version, _ = _fiche_de_lea(base)
    at = _app("claire.martin", "pages/enseignant_fiche.py", fiche_suivie=fiche_id)
    at.button(key=f"guide_{fiche_id}_v{version}_0_noter").click().run()
    assert "Cochez au moins une question posée, ou notez ce que l'élève a ajouté." in [e.value for e in at.error]
    assert _nb(base, Questionnement) == 0
    cases = [c for c in at.checkbox if c.key.startswith(f"guide_{fiche_id}_v{version}_0_")]
    cases[0].check()
    at.text_area(key=f"guide_{fiche_id}_v{version}_0_ajout").input("Il a cité le devis refusé.")
    at.button(key=f"guide_{fiche_id}_v{version}_0_noter").click().run()
    with Session(base) as s:
        note = s.scalar(select(Questionnement))
        assert (note.fiche_id, note.version, note.questions, note.ajout) == (
            fiche_id, version, cases[0].key.rsplit("_0_", 1)[1], "Il a cité le devis refusé.")


def test_the_fiche_view_shows_the_students_text_as_text(base):
    fiche_id, version, _ = _fiche_de_lea(base)
    with Session(base) as s:
        s.scalar(select(FicheVersion).where(FicheVersion.fiche_id == fiche_id, FicheVersion.numero == version)) \
            .contexte = "**gras** <b>balise</b> [lien](https://exemple.fr)"
        s.commit()
    at = _app("claire.martin", "pages/enseignant_fiche.py", fiche_suivie=fiche_id)
    contexte = next(m.value for m in at.markdown if "gras" in m.value)
    assert contexte.startswith(r"\*\*gras\*\* \<b\>balise\</b\> \[lien\]\(https\:")


def test_a_writing_note_reaches_the_student_as_mise_en_mots(base):
    at = _app("sophie.leroy", "pages/enseignant_ecrits.py")
    eleve_id = at.selectbox(key="ecrits_eleve").value
    at.button(key=f"ecrits_envoyer_{eleve_id}").click().run()
    assert "L'appréciation est vide." in [e.value for e in at.error]
    at.text_area(key=f"ecrits_note_{eleve_id}").input("Essaie une phrase par étape de ta démarche.")
    at.button(key=f"ecrits_envoyer_{eleve_id}").click().run()
    with Session(base) as s:
        note = s.scalar(select(Appreciation).order_by(Appreciation.id.desc()))
        assert (note.eleve_id, note.fiche_id, note.genre, note.auteur_nom, note.lue_le) == (
            eleve_id, None, "mise_en_mots", "Sophie Leroy", None)


def test_the_student_marks_her_news_as_read(base):
    _, _, eleve_id = _fiche_de_lea(base)
    with Session(base) as s:
        non_lues = s.scalar(select(func.count()).select_from(Appreciation).where(
            Appreciation.eleve_id == eleve_id, Appreciation.lue_le.is_(None)))
    assert non_lues > 0
    at = _app("lea.moreau", "pages/eleve_nouveautes.py")
    assert at.subheader[0].value == f"Nouvelles appréciations ({non_lues})"
    at.button(key="nouveautes_lues").click().run()
    assert _nb(base, Appreciation, Appreciation.eleve_id == eleve_id, Appreciation.lue_le.is_(None)) == 0
    pfmp_ids = select(Pfmp.id).where(Pfmp.eleve_id == eleve_id)
    assert _nb(base, ObjectifPfmp, ObjectifPfmp.pfmp_id.in_(pfmp_ids), ObjectifPfmp.vu_le.is_(None)) == 0


def test_the_teacher_marks_everything_read_and_her_inbox_empties(base):
    with Session(base) as s:
        martin = authentifier(s, "claire.martin", "passeport-demo")
        assert nouveautes.nombre_de_fiches_nouvelles(s, martin) > 0
    at = _app("claire.martin", "pages/enseignant_nouveautes.py")
    at.button(key="tout_lu").click().run()
    with Session(base) as s:
        assert nouveautes.nombre_de_fiches_nouvelles(s, martin) == 0


def test_a_teacher_writes_on_the_whole_passport_from_the_profile(base):
    _, _, eleve_id = _fiche_de_lea(base)
    avant = _nb(base, Appreciation)
    at = _app("claire.martin", "pages/enseignant_eleve.py", cockpit_eleve=eleve_id)
    at.button(key=f"passeport_{eleve_id}").click().run()
    assert "L'appréciation est vide." in [e.value for e in at.error]
    assert _nb(base, Appreciation) == avant
    at.text_area(key=f"passeport_texte_{eleve_id}_0").input("Cherche maintenant des situations du pôle 2.")
    at.button(key=f"passeport_{eleve_id}").click().run()
    with Session(base) as s:
        nouvelle = s.scalar(select(Appreciation).order_by(Appreciation.id.desc()))
        assert (nouvelle.eleve_id, nouvelle.fiche_id, nouvelle.texte, nouvelle.genre) == (
            eleve_id, None, "Cherche maintenant des situations du pôle 2.", "")


def test_the_teacher_sees_the_productions_attached_to_the_fiche(base, tmp_path, monkeypatch):
    from passeport.services import pieces
    from tests import fichiers

    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "donnees"))
    fiche_id, _, _ = _fiche_de_lea(base)
    with Session(base) as s:
        lea = authentifier(s, "lea.moreau", "passeport-demo")
        pieces.ajouter(s, lea, fiche_id, "bon-de-commande.pdf", fichiers.pdf(3))
        s.commit()
    at = _app("claire.martin", "pages/enseignant_fiche.py", fiche_suivie=fiche_id)
    # A link to /piece/<id> (access checked again by the route), never the file's bytes in Streamlit's /media/.
    liens = [h.proto.body for h in at.get("html") if "/piece/" in h.proto.body]
    assert len(liens) == 1 and '>⬇ bon-de-commande.pdf · ' in liens[0] and 'download="bon-de-commande.pdf"' in liens[0]
    assert not at.get("download_button")
