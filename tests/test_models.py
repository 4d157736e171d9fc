"""The store: append-only fiche versions, soft delete, constraints, on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from passeport.db import transaction
from passeport.models import (
    Compte, Division, Eleve, Enseignant, Etablissement, Fiche, FicheVersion, Lieu, Nature, Niveau, Role,
)
from passeport.services.fiches import ContenuFiche, contenu_de, creer_fiche, version_depuis_contenu

pytestmark = pytest.mark.store

CONTENU = ContenuFiche(situation="1.1.2", titre="Commande de fournitures", date_debut=dt.date(2026, 10, 5),
                       lieu=Lieu.PFMP, nature=Nature.REELLE, complexite=1, aleas=0, organisation="BIOMAG")


@pytest.fixture
def eleve_id(fresh_db) -> int:
    with transaction(fresh_db) as s:
        etab = Etablissement(uai="0350001A", nom="Lycée test")
        division = Division(etablissement=etab, nom="1GA1", niveau=Niveau.PREMIERE, annee_scolaire="2026-2027")
        compte = Compte(login="lea.moreau", role=Role.ELEVE, prenom="Léa", nom="Moreau")
        eleve = Eleve(compte=compte, identifiant="INE1", division=division)
        s.add(eleve)
        s.flush()
        return eleve.id


def test_every_save_appends_a_version_and_the_last_is_current(fresh_db, eleve_id):
    with transaction(fresh_db) as s:
        fiche = creer_fiche(s, eleve_id, CONTENU, None)
        s.flush()
        fiche_id = fiche.id
    with transaction(fresh_db) as s:
        fiche = s.get(Fiche, fiche_id)
        plus_tard = ContenuFiche(**{**CONTENU.__dict__, "aleas": 1, "aleas_details": "Livraison incomplète"})
        fiche.versions.append(version_depuis_contenu(plus_tard, 2, None))
        fiche.version_courante = 2
    with Session(fresh_db) as s:
        fiche = s.get(Fiche, fiche_id)
        assert [v.numero for v in fiche.versions] == [1, 2]
        assert fiche.versions[0].aleas == 0 and fiche.versions[0].aleas_details == ""
        assert contenu_de(fiche.courante).aleas_details == "Livraison incomplète"


def test_version_numbers_are_unique_per_fiche(fresh_db, eleve_id):
    with pytest.raises(IntegrityError):
        with transaction(fresh_db) as s:
            fiche = creer_fiche(s, eleve_id, CONTENU, None)
            fiche.versions.append(version_depuis_contenu(CONTENU, 1, None))


def test_soft_delete_and_restore_keep_the_text(fresh_db, eleve_id):
    with transaction(fresh_db) as s:
        fiche = creer_fiche(s, eleve_id, CONTENU, None)
        s.flush()
        fiche.supprimee_le = dt.datetime(2026, 11, 1, 10, 0)
        fiche_id = fiche.id
    with transaction(fresh_db) as s:
        fiche = s.get(Fiche, fiche_id)
        assert fiche.supprimee_le == dt.datetime(2026, 11, 1, 10, 0)
        fiche.supprimee_le = None
    with Session(fresh_db) as s:
        assert s.get(Fiche, fiche_id).courante.titre == "Commande de fournitures"


@pytest.mark.parametrize(
    ("champ", "valeur"), [("complexite", 4), ("complexite", 0), ("aleas", 3), ("date_fin", dt.date(2026, 10, 1))]
)
def test_database_refuses_out_of_range_values(fresh_db, eleve_id, champ, valeur):
    mauvais = ContenuFiche(**{**CONTENU.__dict__, champ: valeur})
    with pytest.raises(IntegrityError):
        with transaction(fresh_db) as s:
            creer_fiche(s, eleve_id, mauvais, None)
    with Session(fresh_db) as s:
        assert s.scalars(select(FicheVersion)).all() == []


def test_foreign_keys_are_enforced(fresh_db):
    with pytest.raises(IntegrityError):
        with transaction(fresh_db) as s:
            creer_fiche(s, 999, CONTENU, None)


def test_a_teacher_is_linked_to_several_divisions(fresh_db):
    with transaction(fresh_db) as s:
        etab = Etablissement(uai="0350001A", nom="Lycée test")
        d1 = Division(etablissement=etab, nom="2GA1", niveau=Niveau.SECONDE, annee_scolaire="2026-2027")
        d2 = Division(etablissement=etab, nom="2AG1", niveau=Niveau.SECONDE, annee_scolaire="2026-2027",
                      referentiel="agora-2020")
        s.add(Enseignant(compte=Compte(login="c.martin", role=Role.ENSEIGNANT, etablissement=etab),
                         discipline="Lettres-histoire", divisions=[d1, d2]))
    with Session(fresh_db) as s:
        ens = s.scalar(select(Enseignant))
        assert sorted((d.nom, d.referentiel) for d in ens.divisions) == [("2AG1", "agora-2020"), ("2GA1", "ga-2012")]


def test_one_division_name_per_school_and_year(fresh_db):
    with pytest.raises(IntegrityError):
        with transaction(fresh_db) as s:
            etab = Etablissement(uai="0350001A", nom="Lycée test")
            for _ in range(2):
                s.add(Division(etablissement=etab, nom="2GA1", niveau=Niveau.SECONDE, annee_scolaire="2026-2027"))
