"""Drafts: the service (merge, revisions, owner only, bad fields, publish, poste de travail, session end), the
POST /brouillon route, and the proof that a draft counts nowhere but in the student's own list."""

import dataclasses
import datetime as dt
import json

import pandas as pd
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from analytics import Entrepot
from passeport import web
from passeport.acces import AccesRefuse
from passeport.db import transaction
from passeport.models import (
    Brouillon, Compte, Eleve, Fiche, FicheVersion, Lieu, Nature, Role, SessionUtilisateur, maintenant,
)
from passeport.services import brouillons, cockpit, couverture, exports, fiches, nouveautes, sessions
from passeport.services.brouillons import BrouillonIntrouvable, BrouillonRefuse, Publication
from passeport.services.comptes import Utilisateur
from passeport.services.fiches import ContenuFiche, FicheIntrouvable, FicheInvalide
from tests.ecole import creer_ecole

pytestmark = pytest.mark.store

CLE = "cle-de-lea-0000000001"
CLE_2 = "cle-de-lea-0000000002"
CLE_3 = "cle-de-lea-0000000003"
CLE_NOE = "cle-de-noe-0000000001"
LIVRAISON = ContenuFiche(
    situation="1.1.3", titre="Contrôle d'une livraison", date_debut=dt.date(2026, 10, 5), lieu=Lieu.PFMP,
    nature=Nature.REELLE, complexite=1, aleas=0, organisation="BIOMAG",
    contexte="Je suis assistante du chef de service dans l'entreprise BIOMAG.",
    conditions="Je dispose : d'un poste informatique, du PGI.", demarche="J'ai comparé le bon de livraison.",
)
CHAMPS_LIVRAISON = {
    "situation": "1.1.3", "titre": "Contrôle d'une livraison", "date_debut": "2026-10-05", "lieu": "pfmp",
    "nature": "reelle", "organisation": "BIOMAG",
    "contexte": "Je suis assistante du chef de service dans l'entreprise BIOMAG.",
    "conditions": "Je dispose : d'un poste informatique, du PGI.", "demarche": "J'ai comparé le bon de livraison.",
}


@pytest.fixture
def ecole(fresh_db):
    return creer_ecole(fresh_db)


def _compter(engine, modele) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(modele))


def _lignes(engine) -> list[tuple]:
    """Every open draft row as (eleve_id, cle, fiche_id, contenu, revision), in id order."""
    with Session(engine) as s:
        return [(b.eleve_id, b.cle, b.fiche_id, json.loads(b.contenu), b.revision)
                for b in s.scalars(select(Brouillon).where(Brouillon.ferme_le.is_(None)).order_by(Brouillon.id))]


def _ouverts(engine) -> int:
    """Drafts not yet published nor discarded (closed ones stay a week, empty, to refuse late posts)."""
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(Brouillon).where(Brouillon.ferme_le.is_(None)))


def _ecrire(engine, acteur, cle, champs, **options) -> brouillons.Brouillon:
    with transaction(engine) as s:
        return brouillons.enregistrer(s, acteur, cle, champs, **options)


def _creer_fiche(engine, acteur, contenu=LIVRAISON) -> int:
    with transaction(engine) as s:
        return fiches.nouvelle_fiche(s, acteur, contenu).id


# --- the service ---------------------------------------------------------------------------------------------------


def test_fields_are_merged_and_the_revision_moves_only_on_a_change(fresh_db, ecole):
    premier = _ecrire(fresh_db, ecole.lea, CLE, {"titre": "Livraison", "demarche": "J'ai"})
    assert (premier.cle, premier.fiche_id, premier.revision) == (CLE, None, 2)
    assert premier.champs["titre"] == "Livraison" and premier.champs["demarche"] == "J'ai"
    assert premier.champs["lieu"] == "etablissement" and premier.champs["complexite"] == 1  # the form's defaults

    deuxieme = _ecrire(fresh_db, ecole.lea, CLE, {"demarche": "J'ai comparé"})
    assert deuxieme.revision == 3
    assert (deuxieme.champs["titre"], deuxieme.champs["demarche"]) == ("Livraison", "J'ai comparé")

    pareil = _ecrire(fresh_db, ecole.lea, CLE, {"demarche": "J'ai comparé", "titre": "Livraison"})
    assert pareil.revision == 3 and pareil.modifie_le == deuxieme.modifie_le

    choix = _ecrire(fresh_db, ecole.lea, CLE, {"complexite": 2, "facteurs": ["Plusieurs fournisseurs"],
                                               "situation": "1.1.3"})
    assert choix.revision == 4
    assert _lignes(fresh_db) == [(ecole.lea.eleve_id, CLE, None, {
        "titre": "Livraison", "demarche": "J'ai comparé", "complexite": 2, "facteurs": ["Plusieurs fournisseurs"],
        "situation": "1.1.3"}, 4)]
    with Session(fresh_db) as s:
        relu = brouillons.lire(s, ecole.lea, CLE)
    assert relu == choix


def test_an_older_post_arriving_late_is_ignored(fresh_db, ecole):
    assert _ecrire(fresh_db, ecole.lea, CLE, {"demarche": "Deux phrases. La seconde."},
                   horodatage_client=2_000).revision == 2
    tardif = _ecrire(fresh_db, ecole.lea, CLE, {"demarche": "Deux phrases."}, horodatage_client=1_000)
    assert (tardif.revision, tardif.champs["demarche"]) == (2, "Deux phrases. La seconde.")
    suivant = _ecrire(fresh_db, ecole.lea, CLE, {"demarche": "Deux phrases. La seconde. Une troisième."},
                      horodatage_client=3_000)
    assert (suivant.revision, suivant.champs["demarche"]) == (3, "Deux phrases. La seconde. Une troisième.")
    with Session(fresh_db) as s:
        assert s.scalar(select(Brouillon.horodatage_client)) == 3_000


def test_another_students_key_is_refused_and_nothing_is_written(fresh_db, ecole):
    _ecrire(fresh_db, ecole.lea, CLE, {"demarche": "Le texte de Léa."})
    avant = _lignes(fresh_db)
    with pytest.raises(BrouillonIntrouvable), transaction(fresh_db) as s:
        brouillons.enregistrer(s, ecole.noe, CLE, {"demarche": "Remplacé par Noé."})
    with pytest.raises(BrouillonIntrouvable), transaction(fresh_db) as s:
        brouillons.abandonner(s, ecole.noe, CLE)
    with transaction(fresh_db) as s:
        assert brouillons.lire(s, ecole.noe, CLE) is None
        assert brouillons.lister(s, ecole.noe) == []
        # Noé publishing "with" Léa's key creates his own fiche and leaves Léa's draft alone.
        brouillons.publier(s, ecole.noe, dataclasses.replace(LIVRAISON, situation="1.1.2"), cle=CLE)
    assert _lignes(fresh_db) == avant


@pytest.mark.parametrize("qui", ["martin", "tuteur", "admin", "ancienne"])
def test_only_a_current_student_writes_a_draft(fresh_db, ecole, qui):
    acteur = {"martin": ecole.martin, "admin": ecole.admin,
              "tuteur": Utilisateur(ecole.admin.compte_id + 1, "julien.garnier", Role.TUTEUR, "Julien Garnier",
                                    ecole.admin.etablissement_id),
              "ancienne": dataclasses.replace(ecole.lea, lecture_seule=True)}[qui]
    with pytest.raises(AccesRefuse), transaction(fresh_db) as s:
        brouillons.enregistrer(s, acteur, CLE, {"demarche": "Texte"})
    with pytest.raises(AccesRefuse), transaction(fresh_db) as s:
        brouillons.creer_depuis_poste(s, acteur, {}, ["1.1.2"], fiches.referentiel_de_l_eleve(s, ecole.lea.eleve_id))
    with pytest.raises(AccesRefuse), transaction(fresh_db) as s:
        brouillons.publier(s, acteur, LIVRAISON)
    assert _ouverts(fresh_db) == 0 and _compter(fresh_db, Fiche) == 0


def test_a_former_student_still_sees_the_list_but_cannot_throw_away(fresh_db, ecole):
    _ecrire(fresh_db, ecole.lea, CLE, {"demarche": "Écrit avant le départ."})
    ancienne = dataclasses.replace(ecole.lea, lecture_seule=True)
    with Session(fresh_db) as s:
        assert [r.debut_du_texte for r in brouillons.lister(s, ancienne)] == ["Écrit avant le départ."]
    with pytest.raises(AccesRefuse, match="lecture seule depuis votre départ"), transaction(fresh_db) as s:
        brouillons.abandonner(s, ancienne, CLE)
    assert _ouverts(fresh_db) == 1


@pytest.mark.parametrize("champs, message", [
    ({"note": "20/20"}, "Champ inconnu dans le brouillon : « note »."),
    ({"demarche": "a" * 50_001}, "Texte trop long dans « demarche » : 50000 caractères au plus."),
    ({"titre": 12}, "Le champ « titre » du brouillon doit être un texte."),
    ({"date_debut": "2026-13-01"}, "Date illisible dans le champ « date_debut » du brouillon."),
    ({"date_fin": "hier"}, "Date illisible dans le champ « date_fin » du brouillon."),
    ({"lieu": "plage"}, "Lieu inconnu dans le brouillon."),
    ({"nature": "imaginaire"}, "Nature inconnue dans le brouillon."),
    ({"complexite": 4}, "Niveau illisible dans le champ « complexite » du brouillon."),
    ({"aleas": True}, "Niveau illisible dans le champ « aleas » du brouillon."),
    ({"facteurs": "un seul"}, "Liste illisible dans le champ « facteurs » du brouillon."),
    ({"situation": "1.1.3" * 5}, "Situation illisible dans le brouillon."),
    ({"demarche": "Un texte correct.", "lieu": "plage"}, "Lieu inconnu dans le brouillon."),
    ({}, "Brouillon vide ou illisible."),
    (["demarche"], "Brouillon vide ou illisible."),
])
def test_a_bad_field_refuses_the_whole_write_in_french(fresh_db, ecole, champs, message):
    _ecrire(fresh_db, ecole.lea, CLE, {"demarche": "Gardé tel quel."})
    avant = _lignes(fresh_db)
    for cle in (CLE, CLE_2):  # the existing draft is not touched; no new draft is created
        with pytest.raises(BrouillonRefuse) as refus, transaction(fresh_db) as s:
            brouillons.enregistrer(s, ecole.lea, cle, champs)
        assert refus.value.message == message
    assert _lignes(fresh_db) == avant


def test_a_text_of_exactly_the_limit_is_kept_and_a_bad_key_is_refused(fresh_db, ecole):
    assert len(_ecrire(fresh_db, ecole.lea, CLE, {"demarche": "é" * 50_000}).champs["demarche"]) == 50_000
    for cle in ("court", "x" * 65, "cle avec espaces 0001", None):
        with pytest.raises(BrouillonRefuse, match="Clé de brouillon illisible."), transaction(fresh_db) as s:
            brouillons.enregistrer(s, ecole.lea, cle, {"demarche": "Texte"})
    assert _ouverts(fresh_db) == 1


def test_at_most_200_drafts_per_student(fresh_db, ecole):
    with transaction(fresh_db) as s:
        for i in range(200):
            brouillons.enregistrer(s, ecole.lea, f"cle-numero-{i:010d}", {"titre": f"Fiche {i}"})
    with pytest.raises(BrouillonRefuse) as refus, transaction(fresh_db) as s:
        brouillons.enregistrer(s, ecole.lea, "cle-numero-de-trop-01", {"titre": "Une de trop"})
    assert refus.value.message == ("Vous avez déjà 200 brouillons : publiez ou abandonnez-en avant d'en commencer un "
                                   "autre.")
    # An existing draft is still updated, and another student is not limited by Léa's drafts.
    assert _ecrire(fresh_db, ecole.lea, "cle-numero-0000000007", {"titre": "Fiche sept"}).revision == 3
    _ecrire(fresh_db, ecole.noe, CLE_NOE, {"titre": "Première"})
    assert _ouverts(fresh_db) == 201


def test_one_draft_per_fiche_whatever_the_key(fresh_db, ecole):
    fiche_id = _creer_fiche(fresh_db, ecole.lea)
    _ecrire(fresh_db, ecole.lea, CLE, {"demarche": "J'ai comparé le bon de livraison et la facture."},
            fiche_id=fiche_id, version_base=1)
    autre_onglet = _ecrire(fresh_db, ecole.lea, CLE_2, {"titre": "Livraison incomplète"}, fiche_id=fiche_id)
    assert (autre_onglet.cle, autre_onglet.fiche_id, autre_onglet.version_base, autre_onglet.revision) == (
        CLE, fiche_id, 1, 3)
    # The draft of a fiche starts from its published text: what was not typed is the fiche's own.
    assert _lignes(fresh_db) == [(ecole.lea.eleve_id, CLE, fiche_id, {
        "situation": "1.1.3", "titre": "Livraison incomplète", "date_debut": "2026-10-05", "date_fin": None,
        "lieu": "pfmp", "nature": "reelle", "organisation": "BIOMAG",
        "contexte": "Je suis assistante du chef de service dans l'entreprise BIOMAG.",
        "conditions": "Je dispose : d'un poste informatique, du PGI.",
        "demarche": "J'ai comparé le bon de livraison et la facture.", "productions": "", "facteurs": [],
        "facteurs_libres": "", "aleas_items": [], "aleas_libres": "", "complexite": 1, "aleas": 0}, 3)]
    with Session(fresh_db) as s:
        assert brouillons.de_la_fiche(s, ecole.lea, fiche_id) == autre_onglet
        assert brouillons.de_la_fiche(s, ecole.noe, fiche_id) is None
    with pytest.raises(AccesRefuse), transaction(fresh_db) as s:
        brouillons.enregistrer(s, ecole.noe, CLE_NOE, {"titre": "Pris"}, fiche_id=fiche_id)
    with pytest.raises(FicheIntrouvable), transaction(fresh_db) as s:
        brouillons.enregistrer(s, ecole.lea, "cle-fiche-inconnue-01", {"titre": "?"}, fiche_id=fiche_id + 1000)
    assert _ouverts(fresh_db) == 1
    # The fiche itself has not changed: a draft is not a version.
    with Session(fresh_db) as s:
        assert s.get(Fiche, fiche_id).courante.demarche == "J'ai comparé le bon de livraison."
        assert s.scalar(select(func.count()).select_from(FicheVersion)) == 1


def test_publishing_creates_the_fiche_and_drops_the_draft(fresh_db, ecole):
    brouillon = _ecrire(fresh_db, ecole.lea, CLE, CHAMPS_LIVRAISON)
    with transaction(fresh_db) as s:
        publication = brouillons.publier(s, ecole.lea, brouillons.contenu_depuis(brouillon.champs), cle=CLE)
    fiche_id = publication.fiche_id
    assert publication == Publication(fiche_id, True, 1)
    assert _ouverts(fresh_db) == 0
    with Session(fresh_db) as s:
        courante = s.get(Fiche, fiche_id).courante
        assert (courante.situation, courante.titre, courante.organisation, courante.demarche, courante.date_debut) == (
            "1.1.3", "Contrôle d'une livraison", "BIOMAG", "J'ai comparé le bon de livraison.", dt.date(2026, 10, 5))

    # A draft of this fiche, published as its version 2.
    with Session(fresh_db) as s:
        champs = brouillons.champs_de(fiches.contenu_de(s.get(Fiche, fiche_id).courante),
                                      fiches.referentiel_de_l_eleve(s, ecole.lea.eleve_id))
    assert champs == {**brouillons.champs_vides(), **CHAMPS_LIVRAISON}
    modifie = _ecrire(fresh_db, ecole.lea, CLE_2, {**champs, "demarche": "J'ai comparé le bon et la facture."},
                      fiche_id=fiche_id, version_base=1)
    with transaction(fresh_db) as s:
        assert brouillons.publier(s, ecole.lea, brouillons.contenu_depuis(modifie.champs), fiche_id=fiche_id,
                                  cle=CLE_2) == Publication(fiche_id, False, 2)
    assert _ouverts(fresh_db) == 0
    # Publishing an unchanged text adds no version and still drops the draft.
    _ecrire(fresh_db, ecole.lea, CLE_3, {"titre": "Contrôle d'une livraison"}, fiche_id=fiche_id)
    with transaction(fresh_db) as s:
        contenu = fiches.contenu_de(s.get(Fiche, fiche_id).courante)
        assert brouillons.publier(s, ecole.lea, contenu, fiche_id=fiche_id) == Publication(fiche_id, False, None)
    assert (_ouverts(fresh_db), _compter(fresh_db, FicheVersion)) == (0, 2)

    # A post of the browser arriving after the publication does not bring the draft back, under its key or by
    # the fiche; the closed rows are emptied, then purged a week later.
    with pytest.raises(BrouillonIntrouvable), transaction(fresh_db) as s:
        brouillons.enregistrer(s, ecole.lea, CLE_2, {"demarche": "Texte en retard."}, fiche_id=fiche_id)
    assert _ouverts(fresh_db) == 0
    with Session(fresh_db) as s:
        fermes = s.scalars(select(Brouillon).order_by(Brouillon.id)).all()
        assert [(b.cle, b.contenu, b.fiche_id) for b in fermes] == [(CLE, "{}", None), (CLE_2, "{}", None),
                                                                     (CLE_3, "{}", None)]
    with transaction(fresh_db) as s:
        for b in s.scalars(select(Brouillon)):
            b.ferme_le -= dt.timedelta(days=8)
    _ecrire(fresh_db, ecole.lea, "cle-de-lea-0000000004", {"demarche": "Une autre."})
    with transaction(fresh_db) as s:
        brouillons.abandonner(s, ecole.lea, "cle-de-lea-0000000004")
    assert _compter(fresh_db, Brouillon) == 1  # only the one closed just now


def test_a_fiche_that_cannot_be_saved_keeps_its_draft(fresh_db, ecole):
    sans_situation = _ecrire(fresh_db, ecole.lea, CLE, {**CHAMPS_LIVRAISON, "situation": None})
    with pytest.raises(FicheInvalide) as refus, transaction(fresh_db) as s:
        brouillons.publier(s, ecole.lea, brouillons.contenu_depuis(sans_situation.champs), cle=CLE)
    assert "situation" in refus.value.problemes
    assert (_compter(fresh_db, Fiche), _ouverts(fresh_db)) == (0, 1)
    assert _lignes(fresh_db)[0][3]["demarche"] == "J'ai comparé le bon de livraison."


def test_a_draft_is_thrown_away_only_once(fresh_db, ecole):
    _ecrire(fresh_db, ecole.lea, CLE, {"demarche": "À jeter."})
    _ecrire(fresh_db, ecole.lea, CLE_2, {"demarche": "À garder."})
    with transaction(fresh_db) as s:
        brouillons.abandonner(s, ecole.lea, CLE)
    with pytest.raises(BrouillonIntrouvable) as refus, transaction(fresh_db) as s:
        brouillons.abandonner(s, ecole.lea, CLE)
    assert refus.value.message == "Ce brouillon n'existe plus (publié ou abandonné)."
    assert [ligne[1] for ligne in _lignes(fresh_db)] == [CLE_2]


def test_the_list_shows_the_last_changed_first_with_the_start_of_the_text(fresh_db, ecole, monkeypatch):
    horloge = [dt.datetime(2026, 11, 2, 8)]
    monkeypatch.setattr(brouillons, "maintenant", lambda: horloge[0])
    _ecrire(fresh_db, ecole.lea, "cle-premiere-000000001", {"situation": "1.1.3", "titre": "Livraison",
                                                           "demarche": "J'ai  comparé\nle bon.",
                                                           "contexte": "Chez BIOMAG.", "conditions": "  "})
    horloge[0] = dt.datetime(2026, 11, 2, 9)
    _ecrire(fresh_db, ecole.lea, "cle-deuxieme-000000001", {"demarche": "a" * 200})
    horloge[0] = dt.datetime(2026, 11, 2, 10)
    _ecrire(fresh_db, ecole.noe, CLE_NOE, {"demarche": "Le brouillon de Noé."})
    with Session(fresh_db) as s:
        liste = brouillons.lister(s, ecole.lea)
    assert [(r.cle, r.situation, r.titre, r.debut_du_texte, r.modifie_le) for r in liste] == [
        ("cle-deuxieme-000000001", "", "", "a" * 160, dt.datetime(2026, 11, 2, 9)),
        ("cle-premiere-000000001", "1.1.3", "Livraison", "J'ai comparé le bon. Chez BIOMAG.",
         dt.datetime(2026, 11, 2, 8)),
    ]
    horloge[0] = dt.datetime(2026, 11, 2, 11)
    _ecrire(fresh_db, ecole.lea, "cle-premiere-000000001", {"productions": "Un bon annoté."})  # first again
    with Session(fresh_db) as s:
        liste = brouillons.lister(s, ecole.lea)
    assert [(r.cle, r.debut_du_texte) for r in liste] == [
        ("cle-premiere-000000001", "J'ai comparé le bon. Chez BIOMAG. Un bon annoté."),
        ("cle-deuxieme-000000001", "a" * 160)]
    with pytest.raises(AccesRefuse), Session(fresh_db) as s:
        brouillons.lister(s, ecole.martin)


def test_poste_de_travail_starts_drafts_not_fiches(fresh_db, ecole):
    commun = {"contexte": LIVRAISON.contexte, "conditions": LIVRAISON.conditions, "lieu": "pfmp",
              "organisation": "BIOMAG"}
    with transaction(fresh_db) as s:
        ref = fiches.referentiel_de_l_eleve(s, ecole.lea.eleve_id)
        creees = brouillons.creer_depuis_poste(s, ecole.lea, commun, ["1.1.2", "1.1.3", "1.1.4", "1.1.5", "1.1.3"],
                                               ref)
    extrait = f"{LIVRAISON.contexte} {LIVRAISON.conditions} BIOMAG"  # contexte, conditions, organisation
    assert [(r.situation, r.titre, r.debut_du_texte) for r in creees] == [  # in the order chosen, once each
        ("1.1.2", "Traitement des ordres d'achat, des commandes", extrait),
        ("1.1.3", "Traitement des livraisons, des factures et suivi des anomalies", extrait),
        ("1.1.4", "Évaluation et suivi des stocks", extrait),
        ("1.1.5", "Gestion des règlements et traitement des litiges", extrait),
    ]
    with Session(fresh_db) as s:
        un = brouillons.lire(s, ecole.lea, creees[0].cle)
        assert (un.champs["lieu"], un.champs["organisation"], un.champs["conditions"], un.champs["demarche"]) == (
            "pfmp", "BIOMAG", LIVRAISON.conditions, "")
        assert _compter(fresh_db, Fiche) == 0
        assert {ligne.statut.value for ligne in couverture.couverture_eleve(s, ecole.lea, ecole.lea.eleve_id)} == {
            "non_traversee"}
    for situations, message in (([], "Choisissez au moins une situation vécue sur ce poste."),
                                (["1.1.2", "9.9.9"], "Situation inconnue du référentiel : 9.9.9.")):
        with pytest.raises(BrouillonRefuse) as refus, transaction(fresh_db) as s:
            brouillons.creer_depuis_poste(s, ecole.lea, commun, situations, ref)
        assert refus.value.message == message
    with pytest.raises(BrouillonRefuse, match="Lieu inconnu"), transaction(fresh_db) as s:
        brouillons.creer_depuis_poste(s, ecole.lea, {**commun, "lieu": "plage"}, ["1.1.2"], ref)
    assert (_ouverts(fresh_db), _compter(fresh_db, Fiche)) == (4, 0)


def _session_finie(engine, compte_id) -> str:
    """A session token of ``compte_id`` that ended by inactivity (seen 3 hours ago)."""
    with transaction(engine) as s:
        jeton = sessions.ouvrir(s, compte_id)
        s.execute(update(SessionUtilisateur).values(vue_le=maintenant() - dt.timedelta(hours=3)))
    with transaction(engine) as s:
        assert sessions.utilisateur(s, jeton) is None
    return jeton


def test_the_text_is_kept_after_the_students_own_session_ended(fresh_db, ecole):
    jeton = _session_finie(fresh_db, ecole.lea.compte_id)
    with transaction(fresh_db) as s:
        garde = brouillons.brouillon_apres_fin_de_session(s, ecole.lea, jeton, CLE, {"demarche": "Tapé trop tard."})
    assert (garde.revision, garde.champs["demarche"]) == (2, "Tapé trop tard.")
    assert (_ouverts(fresh_db), _compter(fresh_db, Fiche)) == (1, 0)


def test_after_the_session_end_another_token_or_a_closed_account_is_refused(fresh_db, ecole):
    jeton_noe = _session_finie(fresh_db, ecole.noe.compte_id)
    jeton_lea = _session_finie(fresh_db, ecole.lea.compte_id)
    for jeton in (jeton_noe, "jeton-inconnu", None):
        with pytest.raises(AccesRefuse, match="Session inconnue : reconnectez-vous."), transaction(fresh_db) as s:
            brouillons.brouillon_apres_fin_de_session(s, ecole.lea, jeton, CLE, {"demarche": "Texte"})
    with transaction(fresh_db) as s:
        s.execute(update(Compte).where(Compte.id == ecole.lea.compte_id).values(actif=False))
    with pytest.raises(AccesRefuse), transaction(fresh_db) as s:
        brouillons.brouillon_apres_fin_de_session(s, ecole.lea, jeton_lea, CLE, {"demarche": "Texte"})
    assert _ouverts(fresh_db) == 0


# --- the route POST /brouillon ---------------------------------------------------------------------------------------

ORIGINE = {"origin": "http://127.0.0.1"}


@pytest.fixture
def client(fresh_db, ecole, empty_db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", empty_db_url)
    web.reinitialiser_pour_les_tests()
    app = Starlette(routes=web.ROUTES, middleware=web.MIDDLEWARE)
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as c:
        yield c
    web.reinitialiser_pour_les_tests()


def _connecter(engine, client, compte_id) -> str:
    with transaction(engine) as s:
        jeton = sessions.ouvrir(s, compte_id)
    client.cookies.set(web.COOKIE, jeton)
    return jeton


def _poster(client, corps, entetes=ORIGINE):
    return client.post("/brouillon", json=corps, headers=entetes)


def test_the_route_saves_and_answers_the_revision(client, fresh_db, ecole):
    _connecter(fresh_db, client, ecole.lea.compte_id)
    r = _poster(client, {"cle": CLE, "champs": {"demarche": "J'ai"}, "horodatage": 1_000})
    assert r.status_code == 200 and r.json()["revision"] == 2
    assert r.headers["cache-control"] == "no-store"
    assert _poster(client, {"cle": CLE, "champs": {"demarche": "J'ai"}, "horodatage": 2_000}).json()["revision"] == 2
    # A browser that sends no Origin on a same-origin fetch still says so with Sec-Fetch-Site.
    r = _poster(client, {"cle": CLE, "champs": {"demarche": "J'ai comparé"}, "horodatage": 3_000},
                {"sec-fetch-site": "same-origin"})
    assert (r.status_code, r.json()["revision"]) == (200, 3)
    assert _poster(client, {"cle": CLE, "champs": {"demarche": "J'"}, "horodatage": 2_500}).json()["revision"] == 3
    assert _lignes(fresh_db) == [(ecole.lea.eleve_id, CLE, None, {"demarche": "J'ai comparé"}, 3)]


def test_an_expired_session_gets_401_and_nothing_is_written(client, fresh_db, ecole):
    _connecter(fresh_db, client, ecole.lea.compte_id)
    with transaction(fresh_db) as s:
        s.execute(update(SessionUtilisateur).values(vue_le=maintenant() - dt.timedelta(hours=3)))
    r = _poster(client, {"cle": CLE, "champs": {"demarche": "Texte"}})
    assert (r.status_code, r.json()) == (401, {"erreur": "session", "message": web.SESSION_FINIE})
    client.cookies.clear()
    assert _poster(client, {"cle": CLE, "champs": {"demarche": "Texte"}}).status_code == 401
    assert _ouverts(fresh_db) == 0
    with Session(fresh_db) as s:
        assert s.scalar(select(SessionUtilisateur.fermee_le)) is not None  # the expired session is closed


@pytest.mark.parametrize("entetes", [{}, {"origin": "https://autre-site.example"}, {"origin": "null"},
                                     {"sec-fetch-site": "cross-site"}, {"origin": "http://127.0.0.1.example"}])
def test_a_request_from_another_site_gets_403(client, fresh_db, ecole, entetes):
    _connecter(fresh_db, client, ecole.lea.compte_id)
    r = _poster(client, {"cle": CLE, "champs": {"demarche": "Texte"}}, entetes)
    assert (r.status_code, r.json()) == (403, {"erreur": "origine", "message": "Requête refusée."})
    assert _ouverts(fresh_db) == 0


def test_a_cross_site_form_or_plain_text_gets_415(client, fresh_db, ecole):
    _connecter(fresh_db, client, ecole.lea.compte_id)
    formulaire = client.post("/brouillon", data={"cle": CLE, "champs": "x"}, headers=ORIGINE)
    texte = client.post("/brouillon", content=json.dumps({"cle": CLE, "champs": {"demarche": "x"}}),
                        headers={**ORIGINE, "content-type": "text/plain"})
    assert (formulaire.status_code, texte.status_code) == (415, 415)
    assert texte.json() == {"erreur": "format", "message": "Requête refusée."}
    assert _ouverts(fresh_db) == 0


def test_too_long_broken_or_bad_bodies_are_refused(client, fresh_db, ecole):
    _connecter(fresh_db, client, ecole.lea.compte_id)
    trop = _poster(client, {"cle": CLE, "champs": {"demarche": "a" * web.TAILLE_MAX_BROUILLON}})
    assert (trop.status_code, trop.json()) == (413, {"erreur": "taille", "message": "Brouillon trop long."})
    for corps in ("{\"cle\": ", "[1, 2]", "\xff"):
        r = client.post("/brouillon", content=corps.encode("latin-1"),
                        headers={**ORIGINE, "content-type": "application/json"})
        assert (r.status_code, r.json()) == (400, {"erreur": "format", "message": "Brouillon illisible."})
    r = _poster(client, {"cle": CLE, "champs": {"lieu": "plage"}})
    assert (r.status_code, r.json()) == (422, {"erreur": "refuse", "message": "Lieu inconnu dans le brouillon."})
    r = _poster(client, {"cle": CLE, "champs": {"demarche": "x"}, "fiche_id": "12"})
    assert (r.status_code, r.json()["message"]) == (422, "Brouillon illisible.")
    r = _poster(client, {"cle": CLE, "champs": {"demarche": "x"}, "fiche_id": 999})
    assert (r.status_code, r.json()["erreur"]) == (404, "introuvable")
    assert _ouverts(fresh_db) == 0


def test_another_students_key_gets_404_and_a_teacher_403(client, fresh_db, ecole):
    _ecrire(fresh_db, ecole.noe, CLE_NOE, {"demarche": "Le texte de Noé."})
    _connecter(fresh_db, client, ecole.lea.compte_id)
    r = _poster(client, {"cle": CLE_NOE, "champs": {"demarche": "Écrasé ?"}})
    assert (r.status_code, r.json()) == (404, {"erreur": "introuvable",
                                               "message": "Ce brouillon n'existe plus (publié ou abandonné)."})
    _connecter(fresh_db, client, ecole.martin.compte_id)
    r = _poster(client, {"cle": CLE, "champs": {"demarche": "Texte"}})
    assert (r.status_code, r.json()) == (403, {"erreur": "acces",
                                               "message": "Seul l'élève auteur peut écrire ou modifier ses fiches."})
    assert _lignes(fresh_db) == [(ecole.noe.eleve_id, CLE_NOE, None, {"demarche": "Le texte de Noé."}, 2)]


# --- a draft counts nowhere ----------------------------------------------------------------------------------------


def _tout_ce_que_voient_les_autres(engine, ecole, tmp_path, nom) -> dict:
    """What the teacher's cockpit, the coverage export, the statut and the Nouveautés show (a fresh warehouse)."""
    entrepot = Entrepot(engine.url.render_as_string(hide_password=False))
    try:
        with transaction(engine) as s:
            division = s.get(Eleve, ecole.lea.eleve_id).division_id
            carte = cockpit.carte_de_la_division(s, ecole.martin, entrepot, division)
            synthese = cockpit.synthese_de_la_division(s, ecole.martin, entrepot, division,
                                                       aujourd_hui=dt.date(2026, 11, 30))
            export = cockpit.export_de_la_division(s, ecole.martin, entrepot, division)
            profil = cockpit.profil_de_l_eleve(s, ecole.martin, entrepot, ecole.lea.eleve_id)
            statuts = [(ligne.code, ligne.statut.value, ligne.fiches)
                       for ligne in couverture.couverture_eleve(s, ecole.lea, ecole.lea.eleve_id)]
            nouvelles = [(n.situation, n.titre, n.version) for n in nouveautes.fiches_nouvelles(s, ecole.martin)]
            nombre = nouveautes.nombre_de_fiches_nouvelles(s, ecole.martin)
            fichier = tmp_path / f"{nom}.csv"
            lignes_export = exports.exporter_fiches(s, fichier)
    finally:
        entrepot.fermer()
    return {"carte": carte.valeurs, "totaux": carte.total_situation, "situations": synthese.situations,
            "par_semaine": synthese.par_semaine, "export": export, "couverture": profil.couverture,
            "statuts": statuts, "nouvelles": nouvelles, "nombre": nombre, "lignes_export": lignes_export,
            "csv": fichier.read_text(encoding="utf-8")}


def test_a_draft_appears_in_no_cockpit_export_statut_or_nouveautes(fresh_db, ecole, tmp_path):
    livraison = _creer_fiche(fresh_db, ecole.lea)
    _creer_fiche(fresh_db, ecole.lea, dataclasses.replace(LIVRAISON, situation="1.1.2", titre="Commande",
                                                           complexite=2, aleas=1))
    sans = _tout_ce_que_voient_les_autres(fresh_db, ecole, tmp_path, "sans")

    # New-fiche drafts (one on a situation never crossed), a changed draft of the 1.1.3 fiche moved to 2.1.1,
    # and the drafts of a poste de travail.
    _ecrire(fresh_db, ecole.lea, CLE, {**CHAMPS_LIVRAISON, "situation": "2.1.1", "titre": "Accueil",
                                       "complexite": 3, "aleas": 2})
    _ecrire(fresh_db, ecole.lea, CLE_2, {**CHAMPS_LIVRAISON, "situation": "1.1.2", "date_debut": "2026-11-28"})
    _ecrire(fresh_db, ecole.lea, "cle-de-lea-0000000003",
            {**CHAMPS_LIVRAISON, "situation": "2.1.1", "demarche": "Tout réécrit.", "complexite": 3, "aleas": 3},
            fiche_id=livraison, version_base=1)
    with transaction(fresh_db) as s:
        brouillons.creer_depuis_poste(s, ecole.lea, {"contexte": "Au standard."}, ["1.1.4", "1.1.5"],
                                      fiches.referentiel_de_l_eleve(s, ecole.lea.eleve_id))
    assert _ouverts(fresh_db) == 5
    avec = _tout_ce_que_voient_les_autres(fresh_db, ecole, tmp_path, "avec")

    for nom in ("carte", "totaux", "situations", "par_semaine", "export", "couverture"):
        (pd.testing.assert_series_equal if isinstance(sans[nom], pd.Series) else pd.testing.assert_frame_equal)(
            avec[nom], sans[nom], obj=nom)
    for nom in ("statuts", "nouvelles", "nombre", "lignes_export", "csv"):
        assert avec[nom] == sans[nom], nom

    # The numbers, written by hand: two fiches, 1.1.2 and 1.1.3 crossed once, 2.1.1, 1.1.4, 1.1.5 never.
    statuts = dict((code, (statut, n)) for code, statut, n in avec["statuts"])
    assert statuts["1.1.2"] == ("une_fois", 1) and statuts["1.1.3"] == ("une_fois", 1)
    assert statuts["2.1.1"] == statuts["1.1.4"] == statuts["1.1.5"] == ("non_traversee", 0)
    assert sum(n for _, _, n in avec["statuts"]) == 2
    export = avec["export"].set_index("Situation")
    assert export.loc[["1.1.2", "1.1.3", "2.1.1", "1.1.4"], "Fiches"].tolist() == [1, 1, 0, 0]
    complexite = "Complexité maximale (1 à 3)"
    assert export.loc["1.1.2", complexite] == 2 and pd.isna(export.loc["2.1.1", complexite])
    assert set(export["Identifiant"]) == {"INE1"} and export["Fiches"].sum() == 2
    assert sorted(avec["nouvelles"]) == [("1.1.2", "Commande", 1), ("1.1.3", "Contrôle d'une livraison", 1)]
    assert avec["nombre"] == 2 and avec["lignes_export"] == 2
    assert "Tout réécrit." not in avec["csv"] and "Au standard." not in avec["csv"]
    with Session(fresh_db) as s:
        assert len(brouillons.lister(s, ecole.lea)) == 5
