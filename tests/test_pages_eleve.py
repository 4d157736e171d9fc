"""The student's pages under AppTest: every form path, on a private copy of the demo school."""

import datetime as dt
import os
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from passeport.db import transaction
from passeport.models import Brouillon, Compte, ContexteReutilisable, Eleve, Fiche, FicheVersion
from passeport.services import brouillons, fiches
from passeport.services.comptes import authentifier
from tests.conftest import RACINE, jeton_de_session


@pytest.fixture
def lea(base):
    with Session(base) as s:
        return authentifier(s, "lea.moreau", "passeport-demo")


def _app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=30)
    at.session_state["jeton"] = jeton_de_session(os.environ["DATABASE_URL"], "lea.moreau")
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def _nb(engine, modele, *conditions):
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(modele).where(*conditions))


def _textes(at):
    """Success and error messages as the student reads them (markdown escapes removed)."""
    return [re.sub(r"\\(.)", r"\1", e.value) for e in [*at.success, *at.error]]


def test_valid_new_fiche(base, lea):
    avant = _nb(base, Fiche)
    at = _app("pages/eleve_fiche.py")
    at.selectbox(key="f_situation").select("1.1.3")
    at.run()
    at.text_input(key="f_titre").input("Livraison de papier")
    at.text_area(key="f_demarche").input("J'ai compté les ramettes.")
    at.text_area(key="f_aleas_libres").input("Deux cartons manquaient")
    at.run()
    assert at.segmented_control(key="f_aleas").value == 1  # proposed from the one aléa written
    at.button(key="enregistrer").click()
    at.run()
    assert not at.exception
    assert "Fiche enregistrée." in _textes(at)
    assert _nb(base, Fiche) == avant + 1
    with Session(base) as s:
        v = s.scalar(select(FicheVersion).order_by(FicheVersion.id.desc()))
        assert (v.situation, v.titre, v.demarche, v.aleas, v.aleas_details) == (
            "1.1.3", "Livraison de papier", "J'ai compté les ramettes.", 1, "Deux cartons manquaient")


def test_ticked_factors_propose_the_level_and_it_can_be_adjusted(base, lea):
    at = _app("pages/eleve_fiche.py")
    at.selectbox(key="f_situation").select("1.1.1")
    at.run()
    at.multiselect(key="f_facteurs_1.1.1").select("Fournisseur également client").select("Fournisseurs UE et hors UE")
    at.run()
    assert at.segmented_control(key="f_complexite").value == 3
    at.segmented_control(key="f_complexite").set_value(2)
    at.run()
    assert at.segmented_control(key="f_complexite").value == 2  # the student's choice stands


@pytest.mark.parametrize(
    ("reglage", "message"),
    [
        ({}, "Choisissez la situation du référentiel."),
        ({"f_titre": "   "}, "Titre vide."),
        ({"f_date_fin": dt.date(2020, 1, 1)}, "La date de fin est avant la date de début."),
        ({"f_date_debut": None}, "La date de début est obligatoire."),
    ],
)
def test_each_invalid_field_keeps_what_was_typed(base, lea, reglage, message):
    avant = _nb(base, FicheVersion)
    at = _app("pages/eleve_fiche.py")
    at.text_input(key="f_titre").input("Un titre")
    at.text_area(key="f_demarche").input("Une longue démarche que je ne veux pas perdre.")
    for cle, valeur in reglage.items():
        widget = at.date_input(key=cle) if cle.startswith("f_date") else at.text_input(key=cle)
        widget.set_value(valeur)
    at.run()
    at.button(key="enregistrer").click()
    at.run()
    assert not at.exception
    assert message in [e.value for e in at.error]
    assert at.text_area(key="f_demarche").value == "Une longue démarche que je ne veux pas perdre."
    assert _nb(base, FicheVersion) == avant


def test_edit_twice_then_bring_back_the_first_text(base, lea):
    with transaction(base) as s:
        fiche_id = fiches.nouvelle_fiche(s, lea, fiches.ContenuFiche(
            situation="1.1.2", titre="Commande", date_debut=dt.date(2026, 10, 5), lieu="pfmp", nature="reelle",
            complexite=1, aleas=0, demarche="Première rédaction.")).id
    at = _app()
    at.session_state["fiche_ouverte"] = fiche_id
    at.switch_page("pages/eleve_fiche.py")
    at.run()
    assert at.text_area(key="f_demarche").value == "Première rédaction."
    for texte, attendu in (("Deuxième rédaction.", "Version 2 enregistrée."), ("Troisième.", "Version 3 enregistrée.")):
        at.text_area(key="f_demarche").input(texte)
        at.button(key="enregistrer").click()
        at.run()
        assert attendu in _textes(at)
    assert at.subheader[-1].value == "Historique (3 versions)"
    assert any("<del" in h.proto.body and "Deuxième rédaction." in h.proto.body and "Troisième." in h.proto.body
               for h in at.get("html"))
    at.selectbox(key=f"version_a-fiche-{fiche_id}-v3").select(1)
    at.run()
    at.button(key="revenir").click()
    at.run()
    assert "Le texte de la version 1 est revenu (version 4)." in _textes(at)
    assert at.text_area(key="f_demarche").value == "Première rédaction."


def test_duplicate_for_another_situation(base, lea):
    with transaction(base) as s:
        fiche_id = fiches.nouvelle_fiche(s, lea, fiches.ContenuFiche(
            situation="1.1.3", titre="Livraison correcte", date_debut=dt.date(2026, 10, 5), lieu="pfmp",
            nature="reelle", complexite=1, aleas=0, contexte="Chez BIOMAG.")).id
    avant = _nb(base, Fiche)
    at = _app()
    at.session_state["fiche_ouverte"] = fiche_id
    at.switch_page("pages/eleve_fiche.py")
    at.run()
    at.selectbox(key=f"situation_duplication-fiche-{fiche_id}-v1").select("1.1.5")
    at.run()
    at.button(key="dupliquer").click()
    at.run()
    assert at.title[0].value == "Nouvelle fiche"
    assert (at.selectbox(key="f_situation").value, at.text_input(key="f_titre").value,
            at.text_area(key="f_contexte").value) == ("1.1.5", "Livraison correcte", "Chez BIOMAG.")
    assert _nb(base, Fiche) == avant  # nothing saved until the student saves
    at.text_input(key="f_titre").input("Règlement d'une facture")
    at.button(key="enregistrer").click()
    at.run()
    assert _nb(base, Fiche) == avant + 1


def test_poste_de_travail_starts_drafts_not_fiches(base, lea):
    avant = _nb(base, Fiche)
    at = _app("pages/eleve_poste.py")
    at.multiselect(key="poste_situations").select("3.2.2").select("3.2.3").select("3.3.1")
    at.text_area(key="poste_texte").input("Je suis agente d'accueil à la mairie.")
    at.run()
    at.button(key="creer_poste").click()
    at.run()
    assert not at.exception
    assert at.success[0].value.startswith("3 brouillon(s) de fiche commencé(s), avec ce contexte.")
    assert at.multiselect(key="poste_situations").value == []
    assert _nb(base, Fiche) == avant  # a situation counts once its fiche is published, not before
    assert _nb(base, Brouillon, Brouillon.ferme_le.is_(None)) == 3
    at.button(key="creer_poste").click()  # nothing chosen now
    at.run()
    assert at.error[0].value == "Rien n'a été créé : Choisissez au moins une situation vécue sur ce poste."
    # "Compléter" opens the draft with the common context.
    cle = at.session_state["poste_creees"][1][0]
    at.button(key=f"completer_{cle}").click()
    at.run()
    assert (at.selectbox(key="f_situation").value, at.text_area(key="f_contexte").value) == (
        "3.2.3", "Je suis agente d'accueil à la mairie.")


def test_restore_from_the_bin(base, lea):
    with transaction(base) as s:
        fiche_id = fiches.nouvelle_fiche(s, lea, fiches.ContenuFiche(
            situation="1.1.2", titre="<b>Effacée</b>", date_debut=dt.date(2026, 10, 5), lieu="pfmp", nature="reelle",
            complexite=1, aleas=0)).id
        fiches.supprimer(s, lea, fiche_id)
    at = _app()
    assert any("\\<b\\>Effacée\\</b\\>" in m.value for m in at.markdown)  # shown as text
    at.button(key=f"restaurer_{fiche_id}").click()
    at.run()
    with Session(base) as s:
        assert s.get(Fiche, fiche_id).supprimee_le is None


def test_saved_context_fills_a_new_fiche(base, lea):
    at = _app("pages/eleve_contextes.py")
    at.text_input[0].input("PFMP BIOMAG")
    at.text_input[1].input("BIOMAG")
    at.text_input[2].input("achats")
    at.text_input[3].input("gestionnaire des achats")
    at.text_area[1].input("Je dispose : du PGI.")
    enregistrer = next(b for b in at.button if b.label == "Enregistrer ce contexte")
    enregistrer.click()
    at.run()
    assert _nb(base, ContexteReutilisable) == 1
    next(b for b in at.button if b.label == "Enregistrer ce contexte").click()  # same name again
    at.run()
    assert at.error[0].value == "Vous avez déjà un contexte nommé « PFMP BIOMAG »\\."
    at.switch_page("pages/eleve_fiche.py")
    at.run()
    at.button(key="appliquer_contexte").click()
    at.run()
    assert at.text_input(key="f_organisation").value == "BIOMAG – achats"
    assert at.text_area(key="f_contexte").value == "Je suis gestionnaire des achats dans BIOMAG au service achats."
    assert at.text_area(key="f_conditions").value == "Je dispose : du PGI."


def test_another_students_fiche_in_the_url_is_not_shown(base, lea):
    with Session(base) as s:
        autre = s.scalar(select(Fiche.id).join(Eleve).join(Compte).where(Compte.login != "lea.moreau"))
    at = _app()
    at.query_params["fiche"] = str(autre)
    at.switch_page("pages/eleve_fiche.py")
    at.run()
    assert at.error[0].value == "Cette fiche n'existe pas ou n'est pas accessible."
    assert len(at.text_area) == 0


def test_retain_a_fiche_from_its_page(base, lea):
    with transaction(base) as s:
        ids = [fiches.nouvelle_fiche(s, lea, fiches.ContenuFiche(
            situation="4.2.3", titre=f"Clôture {i}", date_debut=dt.date(2026, 10, 5), lieu="projet", nature="reelle",
            complexite=1, aleas=0)).id for i in range(2)]
        fiches.retenir(s, lea, ids[0])
    at = _app()
    at.session_state["fiche_ouverte"] = ids[1]
    at.switch_page("pages/eleve_fiche.py")
    at.run()
    assert at.toggle(key=f"retenue-{ids[1]}").value is False
    at.toggle(key=f"retenue-{ids[1]}").set_value(True)
    at.run()
    assert not at.exception
    with Session(base) as s:
        assert [s.get(Fiche, i).retenue for i in ids] == [False, True]


def test_new_appreciations_are_marked_then_read(base, lea):
    from passeport.models import Appreciation

    with Session(base) as s:
        non_lues = s.scalar(select(func.count()).select_from(Appreciation).where(
            Appreciation.eleve_id == lea.eleve_id, Appreciation.lue_le.is_(None)))
    assert non_lues > 0
    at = _app()
    assert at.info[0].value == (f"Vous avez {non_lues} nouvelle(s) appréciation(s) : voyez « Nouveautés » ou "
                                "l'onglet « Appréciations ».")
    assert sum("**:red[Nouveau]**" in m.value for m in at.markdown) == non_lues
    at.button(key="tout_lu").click()
    at.run()
    assert len(at.info) == 0
    assert sum("**:red[Nouveau]**" in m.value for m in at.markdown) == 0


def test_going_to_another_page_and_back_keeps_the_form(base, lea):
    at = _app("pages/eleve_fiche.py")
    at.selectbox(key="f_situation").select("3.2.2")
    at.run()
    at.text_input(key="f_titre").input("Courrier du matin")
    at.text_area(key="f_demarche").input("J'ai trié le courrier arrivé.")
    at.run()
    at.switch_page("pages/eleve_poste.py")
    at.run()
    at.switch_page("pages/eleve_fiche.py")
    at.run()
    assert (at.selectbox(key="f_situation").value, at.text_input(key="f_titre").value,
            at.text_area(key="f_demarche").value) == ("3.2.2", "Courrier du matin", "J'ai trié le courrier arrivé.")


def test_a_strange_fiche_number_in_the_url_is_ignored(base, lea):
    for valeur in ("²", "99999999999999999999", "-1", "1 OR 1=1"):
        at = _app()
        at.query_params["fiche"] = valeur
        at.switch_page("pages/eleve_fiche.py")
        at.run()
        assert not at.exception, valeur
        assert at.title[0].value == "Nouvelle fiche"


def _brouillon_de_lea(engine) -> tuple[str, dict]:
    import json

    with Session(engine) as s:
        ligne = s.scalars(select(Brouillon).order_by(Brouillon.id.desc())).first()
        return ligne.cle, json.loads(ligne.contenu)


def test_the_page_keeps_every_field_as_a_draft_until_published(base, lea):
    at = _app("pages/eleve_fiche.py")
    assert _nb(base, Brouillon, Brouillon.ferme_le.is_(None)) == 0  # an untouched form writes nothing
    at.text_area(key="f_demarche").input("J'ai trié les factures par date.")
    at.selectbox(key="f_situation").select("1.1.2")
    at.run()
    cle, champs = _brouillon_de_lea(base)
    # A new draft holds the whole form (17 fields), not only what changed.
    assert (len(champs), champs["demarche"], champs["situation"], champs["lieu"], champs["titre"]) == (
        17, "J'ai trié les factures par date.", "1.1.2", "etablissement", "")
    assert at.query_params["brouillon"] == cle  # a reload finds it again

    # Another browser session (a new tab, a new device) opens it by its address, exactly as it was.
    autre = AppTest.from_file(str(RACINE / "app.py"), default_timeout=30)
    autre.session_state["jeton"] = jeton_de_session(os.environ["DATABASE_URL"], "lea.moreau")
    autre.query_params["brouillon"] = cle
    autre.run()
    autre.switch_page("pages/eleve_fiche.py")
    autre.query_params["brouillon"] = cle
    autre.run()
    assert not autre.exception
    assert (autre.text_area(key="f_demarche").value, autre.selectbox(key="f_situation").value) == (
        "J'ai trié les factures par date.", "1.1.2")
    assert any("Brouillon enregistré automatiquement" in m.value for m in autre.markdown)

    # A refused publication keeps the draft; a good one turns it into a fiche and drops it.
    avant = _nb(base, Fiche)
    autre.button(key="enregistrer").click()
    autre.run()
    assert any("Votre texte est gardé dans vos brouillons" in e.value for e in autre.error)
    assert (_nb(base, Fiche), _nb(base, Brouillon, Brouillon.ferme_le.is_(None))) == (avant, 1)
    autre.text_input(key="f_titre").input("Classement des factures")
    autre.button(key="enregistrer").click()
    autre.run()
    assert (_nb(base, Fiche), _nb(base, Brouillon, Brouillon.ferme_le.is_(None))) == (avant + 1, 0)
    with Session(base) as s:
        fiche = s.scalars(select(Fiche).order_by(Fiche.id.desc())).first()
        assert (fiche.courante.titre, fiche.courante.demarche) == ("Classement des factures",
                                                                    "J'ai trié les factures par date.")


def test_new_fiche_and_abandon_with_confirmation(base, lea):
    at = _app("pages/eleve_fiche.py")
    at.text_area(key="f_contexte").input("Je suis à l'accueil du lycée.")
    at.run()
    premiere, _ = _brouillon_de_lea(base)
    at.button(key="nouvelle_fiche_ici").click()
    at.run()
    assert at.text_area(key="f_contexte").value == ""  # a blank form, the other one kept
    assert _nb(base, Brouillon, Brouillon.ferme_le.is_(None)) == 1
    at.switch_page("pages/eleve_accueil.py")
    at.run()
    at.button(key=f"brouillon_{premiere}").click()
    at.run()
    assert at.text_area(key="f_contexte").value == "Je suis à l'accueil du lycée."
    at.switch_page("pages/eleve_fiche.py")  # AppTest reruns its own page, not the one switched to by the script
    at.run()
    at.button(key=f"abandon_{premiere}").click()
    at.run()
    assert _nb(base, Brouillon, Brouillon.ferme_le.is_(None)) == 1  # the first tap only asks
    at.button(key=f"abandon_{premiere}_oui").click()
    at.run()
    assert _nb(base, Brouillon, Brouillon.ferme_le.is_(None)) == 0


def test_a_draft_published_in_another_tab_leaves_this_tab_a_new_draft(base, lea):
    at = _app("pages/eleve_fiche.py")
    at.text_area(key="f_demarche").input("Premier jet.")
    at.run()
    cle, _ = _brouillon_de_lea(base)
    with transaction(base) as s:  # the other tab publishes (or throws away) the same draft
        brouillons.abandonner(s, lea, cle)
    at.text_area(key="f_demarche").input("Premier jet, puis la suite écrite dans cet onglet.")
    at.run()
    assert not at.exception
    nouvelle, champs = _brouillon_de_lea(base)
    assert nouvelle != cle and champs["demarche"] == "Premier jet, puis la suite écrite dans cet onglet."
    assert at.query_params["brouillon"] == nouvelle
