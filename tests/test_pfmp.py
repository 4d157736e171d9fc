"""PFMP and tutor links: who manages them, what a link opens, expiry, revocation, tokens never in clear."""

import dataclasses
import datetime as dt
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.acces import AccesRefuse
from passeport.db import transaction
from passeport.models import Appreciation, Base, Fiche, Lieu, Nature, Pfmp
from passeport.services import objectifs, fiches, pfmp
from passeport.services.fiches import ContenuFiche
from tests.ecole import creer_ecole

pytestmark = pytest.mark.store
DEBUT, FIN = dt.date(2026, 11, 16), dt.date(2026, 12, 11)
CONTENU = ContenuFiche(situation="1.1.2", titre="Commande chez BIOMAG", date_debut=dt.date(2026, 11, 17),
                       lieu=Lieu.PFMP, nature=Nature.REELLE, complexite=1, aleas=0)


@pytest.fixture
def monde(fresh_db):
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        p = pfmp.enregistrer_pfmp(s, ecole.martin, ecole.lea.eleve_id, "BIOMAG", DEBUT, FIN, "Julien Garnier",
                                  "j.garnier@exemple.fr")
        ids = {"periode": p.id, "eleve": ecole.lea.eleve_id}
        # The shared one was lived in a summer job, the private one in class: neither is a fiche of the PFMP.
        for nom, situation, dans_pfmp, partagee, lieu in (
                ("pfmp", "1.1.2", True, False, Lieu.PFMP), ("partagee", "3.2.2", False, True, Lieu.HORS_FORMATION),
                ("privee", "1.1.3", False, False, Lieu.ETABLISSEMENT)):
            f = fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(CONTENU, situation=situation, titre=nom,
                                                                        lieu=lieu))
            f.pfmp_id, f.partagee_tuteur = (p.id if dans_pfmp else None), partagee
            ids[nom] = f.id
    return fresh_db, ecole, ids


def test_who_records_a_pfmp(fresh_db):
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        pfmp.enregistrer_pfmp(s, ecole.lea, ecole.lea.eleve_id, "Mairie", DEBUT, FIN, "Mme Roux")
    for intrus in (ecole.noe, ecole.leroy, ecole.admin):
        with pytest.raises(AccesRefuse), transaction(fresh_db) as s:
            pfmp.enregistrer_pfmp(s, intrus, ecole.lea.eleve_id, "Mairie", DEBUT, FIN, "Mme Roux")
    for probleme, valeurs in (("avant sa date de début", ("Mairie", FIN, DEBUT, "Mme Roux")),
                              ("organisation", ("  ", DEBUT, FIN, "Mme Roux")), ("tuteur", ("Mairie", DEBUT, FIN, ""))):
        with pytest.raises(pfmp.PfmpInvalide, match=probleme), transaction(fresh_db) as s:
            pfmp.enregistrer_pfmp(s, ecole.lea, ecole.lea.eleve_id, *valeurs)
    with Session(fresh_db) as s:
        assert len(s.scalars(select(Pfmp)).all()) == 1


def test_a_link_opens_the_pfmp_fiches_and_the_shared_ones_only(monde):
    engine, ecole, ids = monde
    with transaction(engine) as s:
        jeton = pfmp.creer_lien(s, ecole.lea, ids["periode"], dt.datetime(2026, 11, 20))
    assert len(jeton) >= 43
    with transaction(engine) as s:
        acces_tuteur = pfmp.ouvrir(s, jeton, dt.datetime(2026, 11, 21))
        assert (acces_tuteur.eleve, acces_tuteur.organisation, acces_tuteur.nom_tuteur) == ("Léa Moreau", "BIOMAG", "")
        with pytest.raises(AccesRefuse):  # the name first
            pfmp.fiches_du_tuteur(s, acces_tuteur)
        acces_tuteur = pfmp.se_presenter(s, acces_tuteur, "Julien Garnier, responsable des achats")
        assert [v.titre for v in pfmp.fiches_du_tuteur(s, acces_tuteur)] == ["pfmp", "partagee"]
        pfmp.commenter(s, acces_tuteur, ids["pfmp"], "Très bon travail.")
        with pytest.raises(AccesRefuse):
            pfmp.commenter(s, acces_tuteur, ids["privee"], "Je ne devrais pas voir cette fiche.")
        with pytest.raises(pfmp.PfmpInvalide, match="1.1.3"):
            pfmp.enregistrer_bilan(s, acces_tuteur, {"1.1.2": 3, "1.1.3": 2}, "")
        # A shared fiche from outside the PFMP is read, not positioned: the report is about this PFMP.
        with pytest.raises(pfmp.PfmpInvalide, match="3.2.2"):
            pfmp.enregistrer_bilan(s, acces_tuteur, {"1.1.2": 3, "3.2.2": 4}, "")
        # A goal of the PFMP can be positioned even when the student wrote no fiche on it.
        objectifs.enregistrer_objectifs(s, ecole.martin, ids["periode"], [objectifs.ObjectifSaisi("2.1.1", "")])
        assert [(x.code, x.fiches, x.objectif) for x in pfmp.situations_du_bilan(s, acces_tuteur)] == [
            ("1.1.2", 1, False), ("2.1.1", 0, True)]
        pfmp.enregistrer_bilan(s, acces_tuteur, {"1.1.2": 3, "2.1.1": 4}, "Stagiaire sérieuse.",
                               dt.datetime(2026, 12, 11, 17))
    with Session(engine) as s:
        commentaire = s.scalar(select(Appreciation))
        assert (commentaire.fiche_id, commentaire.auteur_id, commentaire.auteur_nom) == (
            ids["pfmp"], None, "Julien Garnier, responsable des achats (tuteur de PFMP)")
        p = s.get(Pfmp, ids["periode"])
        assert (json.loads(p.bilan_situations), p.bilan_tuteur) == ({"1.1.2": 3, "2.1.1": 4}, "Stagiaire sérieuse.")
        bilans = pfmp.bilans_de_l_eleve(s, ecole.martin, ids["eleve"])
        assert [(b.organisation, b.tuteur, b.positions, b.rempli_le) for b in bilans] == [
            ("BIOMAG", "Julien Garnier, responsable des achats", {"1.1.2": 3, "2.1.1": 4},
             dt.datetime(2026, 12, 11, 17))]
        assert pfmp.bilans_de_l_eleve(s, ecole.lea, ids["eleve"])[0].texte == "Stagiaire sérieuse."
        with pytest.raises(AccesRefuse):
            pfmp.commenter(s, acces_tuteur, ids["pfmp"] + 100, "Fiche d'un autre élève")


def test_expiry_revocation_and_reissue(monde):
    engine, ecole, ids = monde
    with transaction(engine) as s:
        premier = pfmp.creer_lien(s, ecole.martin, ids["periode"], dt.datetime(2026, 11, 20))
    with Session(engine) as s:
        assert pfmp.ouvrir(s, premier, dt.datetime(2027, 1, 10, 23, 59)) is not None  # end of PFMP + 30 days
        assert pfmp.ouvrir(s, premier, dt.datetime(2027, 1, 11, 0, 1)) is None
    with transaction(engine) as s:
        second = pfmp.creer_lien(s, ecole.martin, ids["periode"], dt.datetime(2026, 11, 21))
    with Session(engine) as s:
        assert pfmp.ouvrir(s, premier, dt.datetime(2026, 11, 22)) is None  # a new link revokes the old one
        assert pfmp.ouvrir(s, second, dt.datetime(2026, 11, 22)) is not None
    with transaction(engine) as s:
        assert pfmp.revoquer_lien(s, ecole.lea, ids["periode"]) == 1
    with Session(engine) as s:
        assert pfmp.ouvrir(s, second, dt.datetime(2026, 11, 22)) is None
        for faux in (None, "", "x" * 500, second[:-1] + "A"):
            assert pfmp.ouvrir(s, faux, dt.datetime(2026, 11, 22)) is None


def test_only_the_student_and_division_teachers_make_links(monde):
    engine, ecole, ids = monde
    for intrus in (ecole.noe, ecole.leroy, ecole.admin):
        with pytest.raises(AccesRefuse), transaction(engine) as s:
            pfmp.creer_lien(s, intrus, ids["periode"])
        with pytest.raises(AccesRefuse), transaction(engine) as s:
            pfmp.revoquer_lien(s, intrus, ids["periode"])


def test_tokens_and_passwords_never_appear_in_clear_in_the_database(monde):
    engine, ecole, ids = monde
    from passeport.services import administration, sessions

    with transaction(engine) as s:
        jeton = pfmp.creer_lien(s, ecole.lea, ids["periode"])
        jeton_session = sessions.ouvrir(s, ecole.lea.compte_id)
        mot_de_passe = administration.premiers_mots_de_passe(s, ecole.admin, s.get(Fiche, ids["pfmp"]).eleve.division_id)[0].mot_de_passe
    secrets_ = [jeton, jeton_session, mot_de_passe]
    with Session(engine) as s:
        for table in Base.metadata.sorted_tables:
            for ligne in s.execute(select(table)).all():
                contenu = " ".join(str(v) for v in ligne)
                for secret in secrets_:
                    assert secret not in contenu, (table.name, secret)


def test_the_tutor_corrects_a_comment_for_15_minutes_through_the_same_link_only(monde):
    from passeport.models import AppreciationVersion
    from passeport.services.appreciations import AppreciationFigee

    engine, ecole, ids = monde
    with transaction(engine) as s:
        jeton = pfmp.creer_lien(s, ecole.lea, ids["periode"], dt.datetime(2026, 11, 20))
    with transaction(engine) as s:
        acces_tuteur = pfmp.se_presenter(s, pfmp.ouvrir(s, jeton, dt.datetime(2026, 11, 21)), "Julien Garnier")
        commentaire_id = pfmp.commenter(s, acces_tuteur, ids["pfmp"], "Tres bon travail").id
        ecrit_le = s.get(Appreciation, commentaire_id).cree_le
    with transaction(engine) as s:
        pfmp.corriger_commentaire(s, acces_tuteur, commentaire_id, "Très bon travail.",
                                  ecrit_le + dt.timedelta(minutes=14))
    with pytest.raises(AppreciationFigee), transaction(engine) as s:
        pfmp.corriger_commentaire(s, acces_tuteur, commentaire_id, "Trop tard.", ecrit_le + dt.timedelta(minutes=16))
    with transaction(engine) as s:  # a new link (the old one revoked) is not the author
        autre = pfmp.se_presenter(s, pfmp.ouvrir(s, pfmp.creer_lien(s, ecole.martin, ids["periode"])), "Quelqu'un")
    with pytest.raises(AccesRefuse), transaction(engine) as s:
        pfmp.corriger_commentaire(s, autre, commentaire_id, "Pas le mien.", ecrit_le)
    with Session(engine) as s:
        assert [(c.texte, c.versions) for c in pfmp.commentaires_du_lien(s, acces_tuteur)] == [("Très bon travail.", 2)]
        assert pfmp.commentaires_du_lien(s, autre) == []
        assert [v.texte for v in s.scalars(select(AppreciationVersion).order_by(AppreciationVersion.numero))] == [
            "Tres bon travail", "Très bon travail."]


def test_the_fiches_of_a_pfmp_are_those_lived_there_during_its_dates(monde):
    """Students do not link a fiche to a PFMP by hand: lived in PFMP during its dates is enough."""
    engine, ecole, ids = monde
    with transaction(engine) as s:
        for titre, lieu, jour in (("pendant", Lieu.PFMP, DEBUT + dt.timedelta(days=3)),
                                  ("avant", Lieu.PFMP, DEBUT - dt.timedelta(days=1)),
                                  ("en classe", Lieu.ETABLISSEMENT, DEBUT + dt.timedelta(days=4))):
            fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(CONTENU, situation="4.1.1", titre=titre, lieu=lieu,
                                                                    date_debut=jour))
        jeton = pfmp.creer_lien(s, ecole.lea, ids["periode"])
    with transaction(engine) as s:
        acces_tuteur = pfmp.se_presenter(s, pfmp.ouvrir(s, jeton), "Julien Garnier")
        assert sorted(v.titre for v in pfmp.fiches_du_tuteur(s, acces_tuteur)) == ["partagee", "pendant", "pfmp"]
        assert [(x.code, x.fiches) for x in pfmp.situations_du_bilan(s, acces_tuteur)] == [("1.1.2", 1), ("4.1.1", 1)]
