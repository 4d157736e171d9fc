"""The CCF team meeting in Chromium: the demo teacher opens the meeting of TGA1 for E31, records it with the lettres
teacher present, selects a fiche for a student, records the team's decision and overall opinion, prints the minutes
and the class grid, publishes; the student then sees the selected fiche and the published decisions."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.db import creer_engine
from passeport.models import Compte, DecisionCcf, Division, Eleve, PublicationCcf, ReunionCcf, SelectionCcf
from passeport.services import ccf, dossier_ccf
from passeport.services.comptes import Utilisateur
from tests.navigateur import attendre_fin_execution, cliquer, nouvelle_page, se_connecter, serveur_streamlit
from tests.pdf import page_png, texte_pdf

pytestmark = pytest.mark.browser

ARTEFACTS = Path(__file__).parent / "artefacts"


@pytest.fixture(scope="module")
def app_url(demo_privee):
    with serveur_streamlit(demo_privee[0], demo_privee[1]) as url:
        yield url




def _bouton(page, texte: str):
    """A button by its text (the accessible name of Streamlit's buttons also holds their icon's name)."""
    return page.locator("button").filter(has_text=texte).first


def _cle(page, cle: str):
    """The element of a widget key (Streamlit writes the dots of situation codes as dashes in the class)."""
    return page.locator(f"[class*='st-key-{cle.replace('.', '-')}']").first


def _eleve_et_fiche(url: str):
    """The first student of TGA1 in the meeting's list, their login, and their first fiche on pôle 1."""
    engine = creer_engine(url)
    with Session(engine) as s:
        tga1 = s.scalar(select(Division).where(Division.nom == "TGA1"))
        premier = dossier_ccf.construire_synthese(s, tga1.id, "E31").eleves[0]
        compte = s.scalar(select(Compte).where(Compte.login == "claire.martin"))
        martin = Utilisateur(compte.id, compte.login, compte.role, compte.nom_complet, compte.etablissement_id)
        fiche = ccf.fiches_pour_l_epreuve(s, martin, premier.eleve_id, "E31")[0]
        login = s.scalar(select(Compte.login).join(Eleve, Eleve.compte_id == Compte.id)
                         .where(Eleve.id == premier.eleve_id))
    engine.dispose()
    return premier, login, fiche


def _texte_pdf(chemin: Path) -> str:
    return texte_pdf(chemin)


def _telecharger(page, libelle: str, chemin: Path) -> str:
    attendre_fin_execution(page)
    with page.expect_download(timeout=60_000) as telechargement:
        page.locator("[data-testid='stDownloadButton'] button").filter(has_text=libelle).click()
    telechargement.value.save_as(chemin)
    assert chemin.read_bytes().startswith(b"%PDF")
    return _texte_pdf(chemin)


def test_the_team_meets_decides_prints_and_publishes_then_the_student_sees_it(app_url, demo_privee, navigateur):
    url = demo_privee[0]
    eleve, login, fiche = _eleve_et_fiche(url)
    ARTEFACTS.mkdir(exist_ok=True)

    prof = nouvelle_page(navigateur, 1366, 768)
    se_connecter(prof, app_url, "claire.martin")
    prof.get_by_role("heading", name="Bonjour Claire Martin").wait_for()
    prof.goto(f"{app_url}/enseignant_ccf")
    prof.get_by_role("heading", name="Réunion d'équipe CCF").wait_for()
    prof.get_by_text("Aucune réunion enregistrée pour cette épreuve").wait_for()
    # TGA1 and E31 are chosen by default.
    attendre_fin_execution(prof)
    assert prof.get_by_role("combobox", name="Division").input_value().startswith("TGA1 · ")
    assert prof.get_by_role("combobox", name="Épreuve").input_value().startswith(
        "E31 — Gestion administrative des relations externes")

    # The meeting, with the lettres teacher present.
    attendre_fin_execution(prof)
    prof.get_by_role("combobox", name="Enseignants présents").click()
    prof.get_by_role("option", name=re.compile("Sophie Leroy")).click()
    prof.keyboard.press("Escape")
    cliquer(prof, _bouton(prof, "Enregistrer la réunion"), prof.get_by_role("combobox", name="Réunion en cours"))
    assert re.search(r"présents : Sophie Leroy, Claire Martin",
                     prof.get_by_role("combobox", name="Réunion en cours").input_value())

    # The student's panel: open the situation of their first fiche, choose the fiche.
    nom = f"{eleve.nom} {eleve.prenom}"
    assert prof.get_by_role("combobox", name="Élève").input_value() == nom
    entete = prof.locator("[data-testid='stExpander'] summary").filter(has_text=f"{fiche.situation} — ").first
    cliquer(prof, entete, _cle(prof, f"ccf_choix_{fiche.fiche_id}"))
    cliquer(prof, _cle(prof, f"ccf_choix_{fiche.fiche_id}").locator("button"),
             _cle(prof, f"ccf_choix_{fiche.fiche_id}").get_by_text("Retirer du choix"))

    # The team's decision on that situation, then the overall opinion.
    cle = f"ccf_dec_{eleve.eleve_id}_E31_{fiche.situation}"
    niveau = _cle(prof, f"{cle}_0_niveau").get_by_role("radio", name="AC · Acquis")
    cliquer(prof, niveau, _cle(prof, f"{cle}_0_niveau").locator("[aria-checked='true']"))
    _cle(prof, f"{cle}_0_commentaire").locator("input").fill("Relance les fournisseurs sans aide.")
    attendre_fin_execution(prof)
    cliquer(prof, _cle(prof, f"{cle}_ok").locator("button"), prof.get_by_text("par Claire Martin").first)
    avis = f"ccf_dec_{eleve.eleve_id}_E31_avis"
    _cle(prof, f"{avis}_0_commentaire").locator("input").fill("Dossier solide pour le pôle 1.")
    attendre_fin_execution(prof)
    cliquer(prof, _cle(prof, f"{avis}_ok").locator("button"), prof.get_by_text("Avis de Claire Martin").first)
    entete.scroll_into_view_if_needed()
    prof.screenshot(path=str(ARTEFACTS / "ccf_reunion_eleve.png"))

    engine = creer_engine(url)
    with Session(engine) as s:
        reunion = s.scalar(select(ReunionCcf))
        assert sorted(c.login for c in reunion.presents) == ["claire.martin", "sophie.leroy"]
        assert s.scalars(select(SelectionCcf.fiche_id)).all() == [fiche.fiche_id]
        assert sorted((d.situation, d.niveau, d.commentaire, d.reunion_id) for d in s.scalars(select(DecisionCcf))) \
            == [("", None, "Dossier solide pour le pôle 1.", reunion.id),
                (fiche.situation, 3, "Relance les fournisseurs sans aide.", reunion.id)]

    # The printed minutes and the class grid.
    compte_rendu = _telecharger(prof, "Compte rendu de la réunion", ARTEFACTS / "ccf_compte_rendu.pdf")
    assert eleve.nom in compte_rendu and fiche.situation in compte_rendu and "Sophie Leroy" in compte_rendu
    grille = _telecharger(prof, "Grille de la classe", ARTEFACTS / "ccf_grille.pdf")
    assert f"{eleve.nom.upper()} {eleve.prenom}" in grille and "1.1.1" in grille and "1.3.4" in grille
    page_png(ARTEFACTS / "ccf_compte_rendu.pdf", 1, ARTEFACTS / "ccf_compte_rendu-1.png", resolution=60)
    page_png(ARTEFACTS / "ccf_grille.pdf", 1, ARTEFACTS / "ccf_grille-1.png", resolution=60)

    # Publication, confirmed.
    cliquer(prof, _bouton(prof, "Publier les décisions aux élèves"),
             _bouton(prof, "Confirmer la publication"))
    cliquer(prof, _bouton(prof, "Confirmer la publication"),
             prof.get_by_text("Dernière publication").first)
    with Session(engine) as s:
        assert len(s.scalars(select(PublicationCcf)).all()) == 1
    engine.dispose()
    # The top of the page at 1366×768, decisions of the team shown in the grid.
    cliquer(prof, prof.locator("[data-testid='stButtonGroup'] button").filter(has_text="Décisions de l'équipe"),
             prof.get_by_text("La décision actuelle de l'équipe pour chaque situation"))
    prof.get_by_role("heading", name="Réunion d'équipe CCF").scroll_into_view_if_needed()
    prof.screenshot(path=str(ARTEFACTS / "ccf_reunion.png"))
    prof.close()

    # The student, in another browser context: the selected fiche and the published decisions, in words.
    page = nouvelle_page(navigateur)
    se_connecter(page, app_url, login)
    page.get_by_role("heading", name="Mon passeport").wait_for()
    page.goto(f"{app_url}/eleve_ccf")
    page.get_by_role("heading", name="Mon CCF").wait_for()
    bloc = page.locator(".st-key-ccf_E31")
    bloc.get_by_text(fiche.titre).wait_for()
    bloc.get_by_text("Dossier solide pour le pôle 1.").wait_for()
    bloc.get_by_text("Relance les fournisseurs sans aide.").wait_for()
    assert "Acquis" in bloc.inner_text()
    page.screenshot(path=str(ARTEFACTS / "ccf_eleve.png"), full_page=True)
    page.close()
