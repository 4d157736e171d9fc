"""Passwords and sign-in."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.db import transaction
from passeport.models import Compte, EvenementAudit, Role
from passeport.services.comptes import ConnexionRefusee, authentifier, hacher, login_disponible, verifier

pytestmark = pytest.mark.store


def test_hash_is_argon2id_and_salted():
    a, b = hacher("un mot de passe solide"), hacher("un mot de passe solide")
    assert a.startswith("$argon2id$") and a != b
    assert verifier(a, "un mot de passe solide")
    assert not verifier(a, "un mot de passe Solide")
    assert not verifier(None, "")
    assert not verifier("pas-un-hash", "x")


@pytest.fixture
def comptes(fresh_db):
    with transaction(fresh_db) as s:
        s.add(Compte(login="lea.moreau", role=Role.ELEVE, prenom="Léa", nom="Moreau", mot_de_passe_hash=hacher("bon-mot-de-passe")))
        s.add(Compte(login="parti", role=Role.ELEVE, mot_de_passe_hash=hacher("bon-mot-de-passe"), actif=False))
        s.add(Compte(login="neuf", role=Role.ELEVE, mot_de_passe_hash=None))
    return fresh_db


def test_sign_in_returns_the_user(comptes):
    with Session(comptes) as s:
        u = authentifier(s, "  Lea.Moreau ", "bon-mot-de-passe")
    assert (u.login, u.role, u.nom_complet) == ("lea.moreau", Role.ELEVE, "Léa Moreau")


@pytest.mark.parametrize(
    ("login", "mot_de_passe"),
    [("lea.moreau", "mauvais"), ("inconnu", "bon-mot-de-passe"), ("parti", "bon-mot-de-passe"), ("neuf", ""),
     ("lea.moreau", "")],
)
def test_every_refusal_says_the_same(comptes, login, mot_de_passe):
    with Session(comptes) as s, pytest.raises(ConnexionRefusee) as exc:
        authentifier(s, login, mot_de_passe)
    assert exc.value.message == "Identifiant ou mot de passe incorrect."


def test_refused_and_accepted_sign_ins_are_journaled_without_the_password(comptes):
    with Session(comptes) as s:
        with pytest.raises(ConnexionRefusee):
            authentifier(s, "lea.moreau", "mauvais-essai")
        authentifier(s, "lea.moreau", "bon-mot-de-passe")
        with pytest.raises(ConnexionRefusee):
            authentifier(s, "personne", "x")  # unknown login: nobody to attach the event to
        s.commit()
    with Session(comptes) as s:
        evenements = s.scalars(select(EvenementAudit).order_by(EvenementAudit.id)).all()
        assert [(e.action, e.role) for e in evenements] == [("connexion_refusee", "eleve"), ("connexion", "eleve")]
        assert all("mot-de-passe" not in e.details and "mauvais" not in e.details for e in evenements)


def test_no_password_in_clear_in_the_database(comptes):
    with Session(comptes) as s:
        assert all("bon-mot-de-passe" not in (h or "") for h in s.scalars(select(Compte.mot_de_passe_hash)))


def test_logins_are_plain_and_unique():
    pris = {"lea.moreau"}
    assert login_disponible("Léa", "Moreau", pris) == "lea.moreau2"
    assert login_disponible("Léa", "Moreau", pris) == "lea.moreau3"
    assert login_disponible("Jean-Noël", "Le Gall", pris) == "jean-noel.le-gall"
    assert login_disponible("Çağla", "N'Diaye", pris) == "cagla.n-diaye"
