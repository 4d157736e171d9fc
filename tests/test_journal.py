"""The access journal: reads by others than the owner are noted, shown to the student, exported by the admin."""

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport.acces import AccesRefuse
from passeport.db import transaction
from passeport.models import EvenementAudit, Lieu, Nature
from passeport.services import audit, couverture, fiches
from passeport.services.fiches import ContenuFiche
from tests.ecole import creer_ecole

pytestmark = pytest.mark.store

CONTENU = ContenuFiche(situation="1.1.2", titre="Commande", date_debut=dt.date(2026, 10, 5), lieu=Lieu.PFMP,
                       nature=Nature.REELLE, complexite=1, aleas=0)


def _consultations(engine):
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(EvenementAudit).where(EvenementAudit.action == "consultation"))


def test_a_teachers_reads_are_journaled_once_per_quarter_hour_the_owners_never(fresh_db):
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        fiche_id = fiches.nouvelle_fiche(s, ecole.lea, CONTENU).id
    with transaction(fresh_db) as s:
        fiches.lire_fiche(s, ecole.lea, fiche_id)
        couverture.couverture_eleve(s, ecole.lea, ecole.lea.eleve_id)
    assert _consultations(fresh_db) == 0
    for _ in range(3):  # a teacher clicking around: one line
        with transaction(fresh_db) as s:
            fiches.lire_fiche(s, ecole.martin, fiche_id)
            couverture.couverture_eleve(s, ecole.martin, ecole.lea.eleve_id)
    assert _consultations(fresh_db) == 1
    with transaction(fresh_db) as s:  # later on, a new line
        s.scalar(select(EvenementAudit).where(EvenementAudit.action == "consultation")).cree_le -= dt.timedelta(hours=1)
    with transaction(fresh_db) as s:
        fiches.fiches_de_l_eleve(s, ecole.martin, ecole.lea.eleve_id)
    assert _consultations(fresh_db) == 2
    with Session(fresh_db) as s:
        vues = audit.consultations_de_mon_passeport(s, ecole.lea)
        assert [(v.role) for v in vues] == ["enseignant·e", "enseignant·e"]
        assert vues[0].quand > vues[1].quand
        assert audit.consultations_de_mon_passeport(s, ecole.noe) == []
        with pytest.raises(AccesRefuse):
            audit.consultations_de_mon_passeport(s, ecole.martin)


def test_a_refused_read_writes_nothing(fresh_db):
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        fiche_id = fiches.nouvelle_fiche(s, ecole.lea, CONTENU).id
    with pytest.raises(fiches.FicheIntrouvable), transaction(fresh_db) as s:
        fiches.lire_fiche(s, ecole.leroy, fiche_id)  # teacher of another division
    assert _consultations(fresh_db) == 0


def test_the_administrator_exports_the_journal(fresh_db):
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        fiches.lire_fiche(s, ecole.martin, fiches.nouvelle_fiche(s, ecole.lea, CONTENU).id)
    with transaction(fresh_db) as s:
        contenu = audit.journal_csv(s, ecole.admin).decode("utf-8-sig").splitlines()
    assert contenu[0] == "Date;Compte;Rôle;Action;Objet;N° de l'objet;Élève (identifiant);Détails;Adresse"
    assert [l.split(";")[1:4] + [l.split(";")[6]] for l in contenu[1:]] == [
        ["claire.martin", "enseignant", "consultation", "INE1"]]
    for intrus in (ecole.martin, ecole.lea):
        with pytest.raises(AccesRefuse), transaction(fresh_db) as s:
            audit.journal_csv(s, intrus)


def test_the_administrator_reads_only_through_an_explicit_consultation(fresh_db):
    from passeport.services import administration

    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        fiche_id = fiches.nouvelle_fiche(s, ecole.lea, CONTENU).id
    with pytest.raises(fiches.FicheIntrouvable), transaction(fresh_db) as s:
        fiches.lire_fiche(s, ecole.admin, fiche_id)
    with pytest.raises(administration.ReglageRefuse, match="motif"), transaction(fresh_db) as s:
        administration.ouvrir_consultation(s, ecole.admin, ecole.lea.eleve_id, "")
    with transaction(fresh_db) as s:
        administration.ouvrir_consultation(s, ecole.admin, ecole.lea.eleve_id, "Demande de la famille du 28/11")
    with transaction(fresh_db) as s:
        assert fiches.lire_fiche(s, ecole.admin, fiche_id).id == fiche_id
        with pytest.raises(AccesRefuse):  # the consultation opened Léa's passport only
            couverture.couverture_eleve(s, ecole.admin, ecole.noe.eleve_id)
    with transaction(fresh_db) as s:  # half an hour later it is closed
        for e in s.scalars(select(EvenementAudit).where(EvenementAudit.action == "consultation_admin")):
            e.cree_le -= dt.timedelta(minutes=31)
    with pytest.raises(fiches.FicheIntrouvable), transaction(fresh_db) as s:
        fiches.lire_fiche(s, ecole.admin, fiche_id)
    with Session(fresh_db) as s:
        # the opening of the consultation, then the read
        assert [v.role for v in audit.consultations_de_mon_passeport(s, ecole.lea)] == ["administration"] * 2
