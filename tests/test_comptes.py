"""Passwords and sign-in."""

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.db import transaction
from passeport.models import Compte, CompteurEchecs, EvenementAudit, Role
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


def test_five_failures_make_the_login_wait_progressively_then_it_opens_again(comptes):
    import datetime as dt

    from passeport.services.comptes import ConnexionRetardee

    t0 = dt.datetime(2026, 11, 29, 8, 0)
    with Session(comptes) as s:
        for _ in range(5):
            with pytest.raises(ConnexionRefusee) as exc:
                authentifier(s, "lea.moreau", "mauvais", t0)
            assert not isinstance(exc.value, ConnexionRetardee)
        s.commit()
    with Session(comptes) as s, pytest.raises(ConnexionRetardee) as exc:  # even the right password, no check
        authentifier(s, "lea.moreau", "bon-mot-de-passe", t0 + dt.timedelta(seconds=50))
    assert exc.value.message.startswith("Trop d'essais avec cet identifiant : attendez 1 minute avant de réessayer.")
    with Session(comptes) as s:  # a sixth failure after the minute: now 2 minutes
        with pytest.raises(ConnexionRefusee):
            authentifier(s, "lea.moreau", "mauvais", t0 + dt.timedelta(minutes=1))
        with pytest.raises(ConnexionRetardee, match="attendez 2 minutes"):
            authentifier(s, "lea.moreau", "bon-mot-de-passe", t0 + dt.timedelta(minutes=1, seconds=1))
    with Session(comptes) as s:  # the owner signs in once it has passed, and the count starts again
        assert authentifier(s, "lea.moreau", "bon-mot-de-passe", t0 + dt.timedelta(minutes=3, seconds=1)).login == \
            "lea.moreau"
        s.commit()
        assert s.scalar(select(CompteurEchecs)) is None


def test_an_unknown_login_gets_the_same_answers(comptes):
    import datetime as dt

    from passeport.services.comptes import ConnexionRetardee

    t0 = dt.datetime(2026, 11, 29, 8, 0)
    messages = {}
    for login in ("lea.moreau", "personne.inconnue"):
        with Session(comptes) as s:
            vus = []
            for i in range(6):
                with pytest.raises(ConnexionRefusee) as exc:
                    authentifier(s, login, "mauvais", t0 + dt.timedelta(seconds=i))
                vus.append((type(exc.value).__name__, exc.value.message))
            messages[login] = vus
    assert messages["lea.moreau"] == messages["personne.inconnue"]
    assert messages["lea.moreau"][-1][0] == ConnexionRetardee.__name__


@pytest.mark.parametrize(
    ("actuel", "nouveau", "confirmation", "message"),
    [
        ("faux", "une longue phrase", "une longue phrase", "Le mot de passe actuel n'est pas le bon."),
        ("bon-mot-de-passe", "une longue phrase", "une autre phrase", "Les deux saisies du nouveau mot de passe"),
        ("bon-mot-de-passe", "court", "court", "au moins 10 caractères"),
        ("bon-mot-de-passe", "azertyuiop", "azertyuiop", "trop facile à deviner"),
        ("bon-mot-de-passe", "aaaaaaaaaaaa", "aaaaaaaaaaaa", "trop facile à deviner"),
        ("bon-mot-de-passe", "moi lea.moreau !", "moi lea.moreau !", "ne doit pas contenir votre identifiant"),
        ("bon-mot-de-passe", "password123", "password123", "trop facile à deviner"),
        ("bon-mot-de-passe", "passeport-demo", "passeport-demo", "trop facile à deviner"),
        ("bon-mot-de-passe", "Moreau2024!!", "Moreau2024!!", "ne doit pas contenir votre identifiant"),
        ("bon-mot-de-passe", "moreau.lea01", "moreau.lea01", "ne doit pas contenir votre identifiant"),
        ("bon-mot-de-passe", "bon-mot-de-passe", "bon-mot-de-passe", "doit être différent de l'actuel"),
    ],
)
def test_password_change_rules(comptes, actuel, nouveau, confirmation, message):
    from passeport.services.comptes import MotDePasseRefuse, changer_mot_de_passe

    with Session(comptes) as s:
        lea = authentifier(s, "lea.moreau", "bon-mot-de-passe")
        with pytest.raises(MotDePasseRefuse, match=re.escape(message)):
            changer_mot_de_passe(s, lea, actuel, nouveau, confirmation)


def test_password_change_clears_the_first_sign_in_flag(comptes):
    from passeport.services.comptes import changer_mot_de_passe

    with transaction(comptes) as s:
        s.scalar(select(Compte).where(Compte.login == "lea.moreau")).doit_changer_mot_de_passe = True
    with Session(comptes) as s:  # authentifier commits its count: a session of its own
        lea = authentifier(s, "lea.moreau", "bon-mot-de-passe")
        assert lea.doit_changer_mot_de_passe is True
        changer_mot_de_passe(s, lea, "bon-mot-de-passe", "mon chat aime la pluie", "mon chat aime la pluie")
        s.commit()
    with Session(comptes) as s:
        assert authentifier(s, "lea.moreau", "mon chat aime la pluie").doit_changer_mot_de_passe is False
        with pytest.raises(ConnexionRefusee):
            authentifier(s, "lea.moreau", "bon-mot-de-passe")
