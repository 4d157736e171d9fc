"""The « Mes extraits » page under AppTest, on a private copy of the demo school (Léa Moreau, 1GA1)."""

import os
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from passeport.models import Extrait
from tests.conftest import RACINE, jeton_de_session

OFFRE = ("Offre de PFMP : PME de négoce recherche un(e) assistant(e). Missions : établir les devis, saisir les "
         "bons de commande, contrôler les factures fournisseurs, assurer l'accueil téléphonique.")


def _app() -> AppTest:
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=60)
    at.session_state["jeton"] = jeton_de_session(os.environ["DATABASE_URL"], "lea.moreau")
    at.run()
    at.switch_page("pages/eleve_extraits.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _bouton(at, libelle):
    return next(b for b in at.button if b.label == libelle)


def _extraits(engine) -> list[tuple[str, str, int, bool]]:
    with Session(engine) as s:
        return [(e.titre, e.origine, len(e.fiches), e.jeton_sha256 is not None)
                for e in s.scalars(select(Extrait).order_by(Extrait.id))]


def test_from_an_offer_to_an_extract_then_a_link_then_revoked(base):
    at = _app()
    assert at.title[0].value == "Mes extraits"
    assert "Aucun extrait pour l'instant." in [i.value for i in at.info]
    at.radio(key="extrait_facon").set_value("À partir d'une offre").run()
    at.text_area(key="extrait_offre").input(OFFRE).run()
    _bouton(at, "Trouver les situations").click().run()
    assert not at.exception, at.exception
    situations = [m.value for m in at.markdown if m.value.startswith("**") and " — " in m.value]
    assert situations[:4] == [r"**1\.2\.3 — Traitement des devis, des commandes**",
                              r"**1\.1\.3 — Traitement des livraisons, des factures et suivi des anomalies**",
                              r"**1\.1\.2 — Traitement des ordres d'achat, des commandes**",
                              r"**3\.2\.3 — Gestion des flux d'appels téléphoniques**"]
    assert "Mots de l'offre : devis, commande" in [c.value for c in at.caption]
    for titre in ("Établissement d'un devis", "Commande de fournitures", "Contrôle d'une livraison et de sa facture"):
        next(c for c in at.checkbox if c.label == titre).check().run()
    assert "3 fiche(s) choisie(s)." in [c.value for c in at.caption]
    _bouton(at, "Créer l'extrait").click().run()
    assert [e.value for e in at.error] == ["Donnez un titre à l'extrait."] and _extraits(base) == []
    at.text_input(key="extrait_titre").input("Candidature PME de négoce").run()
    _bouton(at, "Créer l'extrait").click().run()
    assert not at.exception, at.exception
    assert _extraits(base) == [("Candidature PME de négoce", "offre", 3, False)]
    assert "Pas de lien de partage" in " ".join(c.value for c in at.caption)
    assert [m.value for m in at.markdown if m.value.startswith("- ")] == [
        r"- Commande de fournitures", r"- Contrôle d'une livraison et de sa facture", r"- Établissement d'un devis"]

    extrait_id = base.connect().exec_driver_sql("SELECT id FROM extrait").scalar()
    at.number_input(key=f"jours_{extrait_id}").set_value(7).run()
    _bouton(at, "Créer un lien de partage").click().run()
    assert not at.exception, at.exception
    assert re.fullmatch(r".*/extrait/[\w-]{43}", at.code[0].value)
    assert any(c.value.startswith("Lien actif jusqu'au ") for c in at.caption)
    assert _extraits(base)[0][3] is True
    at.run()  # shown once: gone at the next rerun
    assert len(at.code) == 0
    _bouton(at, "Révoquer le lien").click().run()
    assert any(c.value.startswith("Lien révoqué le ") for c in at.caption)
    assert not [b for b in at.button if b.label == "Révoquer le lien"]


def test_a_whole_pole_and_ticked_fiches_with_filters(base):
    at = _app()
    at.radio(key="extrait_facon").set_value("Un pôle").run()
    at.selectbox(key="extrait_pole").set_value("4").run()
    at.text_input(key="extrait_titre").input("Mes projets").run()
    _bouton(at, "Créer l'extrait").click().run()
    assert _extraits(base) == [("Mes projets", "pole", 15, False)]  # Léa's 15 fiches of pôle 4

    at.radio(key="extrait_facon").set_value("Fiche par fiche").run()
    at.selectbox(key="extrait_filtre_pole").set_value("3").run()
    assert "20 fiche(s) affichée(s) sur 71." in [c.value for c in at.caption]
    at.text_input(key="extrait_cherche").input("accueil").run()
    assert "4 fiche(s) affichée(s) sur 71." in [c.value for c in at.caption]
    for case in at.checkbox:
        case.check()
    at.run()
    at.text_input(key="extrait_cherche").input("").run()  # the filter changes: ticks are kept
    assert "4 fiche(s) choisie(s)." in [c.value for c in at.caption]
    at.text_input(key="extrait_titre").input("Accueil").run()
    _bouton(at, "Créer l'extrait").click().run()
    assert _extraits(base)[1] == ("Accueil", "choix", 4, False)


def test_a_former_student_keeps_her_extracts_downloads_and_revokes_but_creates_nothing(base):
    import datetime as dt

    from passeport.models import Eleve
    from passeport.services import extraits
    from passeport.services.comptes import utilisateur_de

    with Session(base) as s:
        lea = s.scalar(select(Eleve).join(Eleve.compte).where(Eleve.compte.has(login="lea.moreau")))
        acteur = utilisateur_de(s, lea.compte)
        fiches = [f.id for f in extraits.fiches_a_choisir(s, acteur)[:2]]
        cree = extraits.creer_extrait(s, acteur, "Candidature BIOMAG", fiches)
        extraits.creer_lien(s, acteur, cree.id, 10)
        lea.sorti_le = dt.date(2026, 11, 27)
        s.commit()
    at = _app()
    assert at.session_state["utilisateur"].lecture_seule
    assert at.info[0].value.startswith("Votre passeport est en lecture seule depuis votre départ")
    assert [l for b in at.button if (l := b.label) in ("Créer l'extrait", "Créer un lien de partage")] == []
    assert len(at.get("download_button")) == 1
    _bouton(at, "Révoquer le lien").click().run()
    assert not at.exception, at.exception
    assert _extraits(base) == [("Candidature BIOMAG", "choix", 2, True)]
    with Session(base) as s:
        assert s.scalar(select(Extrait)).revoque_le is not None
