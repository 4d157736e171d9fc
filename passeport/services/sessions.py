"""Server-side sessions: a random token in an HttpOnly cookie, its SHA-256 in the database.

A session ends on sign-out, after INACTIVITE without activity, DUREE_MAX after sign-in whatever the activity, when
the account is deactivated, or when its password changes (every other session of the account).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from passeport.models import Compte, SessionUtilisateur, maintenant
from passeport.services.comptes import Utilisateur, utilisateur_de

INACTIVITE = dt.timedelta(hours=2)
# Absolute lifetime: a stolen cookie, or a school computer left signed in, serves half a day at most.
DUREE_MAX = dt.timedelta(hours=12)
# Writing the last-seen time on every click would cost a write per rerun: once a minute is enough.
PRECISION_ACTIVITE = dt.timedelta(minutes=1)


def _empreinte(jeton: str) -> str:
    return hashlib.sha256(jeton.encode()).hexdigest()


def ouvrir(session: Session, compte_id: int, instant: dt.datetime | None = None) -> str:
    """A new session for the account; return the token for the cookie (never stored in clear)."""
    jeton = secrets.token_urlsafe(32)  # 256 random bits
    instant = instant or maintenant()
    session.add(SessionUtilisateur(jeton_sha256=_empreinte(jeton), compte_id=compte_id, cree_le=instant, vue_le=instant))
    session.flush()
    return jeton


def utilisateur(
    session: Session, jeton: str | None, instant: dt.datetime | None = None, inactivite: dt.timedelta = INACTIVITE
) -> Utilisateur | None:
    """The signed-in user behind ``jeton``, or None when it is unknown, closed, expired or the account inactive."""
    if not jeton:
        return None
    instant = instant or maintenant()
    ligne = session.scalar(select(SessionUtilisateur).where(SessionUtilisateur.jeton_sha256 == _empreinte(jeton)))
    if ligne is None or ligne.fermee_le is not None:
        return None
    if instant - ligne.vue_le > inactivite or instant - ligne.cree_le > DUREE_MAX:
        ligne.fermee_le = instant
        return None
    compte = session.get(Compte, ligne.compte_id)
    if compte is None or not compte.actif:
        return None
    if instant - ligne.vue_le > PRECISION_ACTIVITE:
        ligne.vue_le = instant
    return utilisateur_de(session, compte)


def fermer(session: Session, jeton: str | None) -> None:
    if jeton:
        ligne = session.scalar(select(SessionUtilisateur).where(SessionUtilisateur.jeton_sha256 == _empreinte(jeton)))
        if ligne is not None and ligne.fermee_le is None:
            ligne.fermee_le = maintenant()


def fermer_toutes(session: Session, compte_id: int, sauf: str | None = None, instant: dt.datetime | None = None) -> int:
    """End every open session of the account but the one of token ``sauf``; return how many ended."""
    requete = update(SessionUtilisateur).where(
        SessionUtilisateur.compte_id == compte_id, SessionUtilisateur.fermee_le.is_(None))
    if sauf:
        requete = requete.where(SessionUtilisateur.jeton_sha256 != _empreinte(sauf))
    return session.execute(requete.values(fermee_le=instant or maintenant())).rowcount


def compte_de_la_session(session: Session, jeton: str | None) -> int | None:
    """The account a session (open or ended) was opened for, or None for an unknown token or an inactive account."""
    if not jeton:
        return None
    ligne = session.scalar(select(SessionUtilisateur).where(SessionUtilisateur.jeton_sha256 == _empreinte(jeton)))
    if ligne is None:
        return None
    compte = session.get(Compte, ligne.compte_id)
    return compte.id if compte is not None and compte.actif else None
