"""Accounts: password hashing (argon2id), login names, sign-in."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.models import Compte, Eleve, Role
from passeport.services.audit import journaliser

_hacheur = PasswordHasher()  # argon2id with the library's recommended parameters
# A hash to verify against when the login is unknown, so that both cases take the same time.
_HASH_LEURRE = _hacheur.hash("mot de passe leurre")


class ConnexionRefusee(Exception):
    """Wrong login or password, or inactive account: one message for all, no hint which."""

    message = "Identifiant ou mot de passe incorrect."


@dataclass(frozen=True)
class Utilisateur:
    """What the interface keeps of the signed-in account."""

    compte_id: int
    login: str
    role: Role
    nom_complet: str
    etablissement_id: int | None
    eleve_id: int | None = None  # set for students: the passport they own


def hacher(mot_de_passe: str) -> str:
    return _hacheur.hash(mot_de_passe)


def verifier(hash_: str | None, mot_de_passe: str) -> bool:
    try:
        return _hacheur.verify(hash_ or _HASH_LEURRE, mot_de_passe) and hash_ is not None
    except (VerificationError, InvalidHashError):
        return False


def authentifier(session: Session, login: str, mot_de_passe: str) -> Utilisateur:
    """The user behind ``login`` if the password matches an active account; else ConnexionRefusee."""
    compte = session.scalar(select(Compte).where(Compte.login == login.strip().lower()))
    hash_ = compte.mot_de_passe_hash if compte is not None else None
    if not verifier(hash_, mot_de_passe) or compte is None or not compte.actif:
        if compte is not None:
            journaliser(session, "connexion_refusee", compte.id, compte.role.value)
        raise ConnexionRefusee()
    if _hacheur.check_needs_rehash(compte.mot_de_passe_hash):
        compte.mot_de_passe_hash = hacher(mot_de_passe)
    journaliser(session, "connexion", compte.id, compte.role.value)
    eleve_id = session.scalar(select(Eleve.id).where(Eleve.compte_id == compte.id)) if compte.role == Role.ELEVE else None
    return Utilisateur(compte.id, compte.login, compte.role, compte.nom_complet, compte.etablissement_id, eleve_id)


def _ascii(texte: str) -> str:
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", sans_accents.lower()).strip("-")


def login_disponible(prenom: str, nom: str, pris: set[str]) -> str:
    """``prenom.nom`` in plain lowercase ASCII, numbered when taken; the result is added to ``pris``."""
    base = f"{_ascii(prenom)}.{_ascii(nom)}".strip(".") or "compte"
    candidat, n = base, 1
    while candidat in pris:
        n += 1
        candidat = f"{base}{n}"
    pris.add(candidat)
    return candidat


def logins_pris(session: Session) -> set[str]:
    return set(session.scalars(select(Compte.login)))
