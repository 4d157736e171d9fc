"""Server-side sessions: token only hashed, inactivity expiry, sign-out, deactivated accounts."""

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.db import transaction
from passeport.models import Compte, SessionUtilisateur
from passeport.services import sessions
from passeport.services.comptes import hacher

pytestmark = pytest.mark.store
T0 = dt.datetime(2026, 11, 29, 8, 0)


@pytest.fixture
def compte_id(fresh_db):
    with transaction(fresh_db) as s:
        compte = Compte(login="lea.moreau", role="eleve", mot_de_passe_hash=hacher("une phrase secrète"))
        s.add(compte)
        s.flush()
        return compte.id


def test_a_session_lives_while_used_and_ends_after_2_hours_idle(fresh_db, compte_id):
    with transaction(fresh_db) as s:
        jeton = sessions.ouvrir(s, compte_id, T0)
    for minutes in (30, 140, 250):  # each visit comes less than 2 hours after the previous one
        with transaction(fresh_db) as s:
            assert sessions.utilisateur(s, jeton, T0 + dt.timedelta(minutes=minutes)).login == "lea.moreau"
    with transaction(fresh_db) as s:
        assert sessions.utilisateur(s, jeton, T0 + dt.timedelta(minutes=250 + 121)) is None
    with transaction(fresh_db) as s:  # and it stays closed
        assert sessions.utilisateur(s, jeton, T0 + dt.timedelta(minutes=250 + 122)) is None


def test_sign_out_and_deactivation_end_the_session(fresh_db, compte_id):
    with transaction(fresh_db) as s:
        a, b = sessions.ouvrir(s, compte_id, T0), sessions.ouvrir(s, compte_id, T0)
    with transaction(fresh_db) as s:
        sessions.fermer(s, a)
    with transaction(fresh_db) as s:
        assert sessions.utilisateur(s, a, T0) is None
        assert sessions.utilisateur(s, b, T0) is not None
        s.get(Compte, compte_id).actif = False
    with transaction(fresh_db) as s:
        assert sessions.utilisateur(s, b, T0) is None


def test_only_the_hash_of_the_token_is_stored(fresh_db, compte_id):
    with transaction(fresh_db) as s:
        jeton = sessions.ouvrir(s, compte_id, T0)
    with Session(fresh_db) as s:
        stocke = s.scalar(select(SessionUtilisateur.jeton_sha256))
    assert jeton not in stocke and len(stocke) == 64
    with Session(fresh_db) as s:
        assert sessions.utilisateur(s, stocke, T0) is None  # the hash itself opens nothing
        assert sessions.utilisateur(s, None, T0) is None
        assert sessions.utilisateur(s, "", T0) is None
