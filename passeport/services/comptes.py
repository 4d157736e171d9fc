"""Accounts: password hashing (argon2id), login names, sign-in."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.models import Compte, Eleve, Role, maintenant
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
    doit_changer_mot_de_passe: bool = False
    # A student who left the school (Eleve.sorti_le): signs in, reads and downloads their passport, writes nothing.
    lecture_seule: bool = False


def hacher(mot_de_passe: str) -> str:
    return _hacheur.hash(mot_de_passe)


def verifier(hash_: str | None, mot_de_passe: str) -> bool:
    try:
        return _hacheur.verify(hash_ or _HASH_LEURRE, mot_de_passe) and hash_ is not None
    except (VerificationError, InvalidHashError):
        return False


ECHECS_AVANT_BLOCAGE = 10
DUREE_BLOCAGE = dt.timedelta(minutes=15)


class CompteBloque(ConnexionRefusee):
    """Too many failures on this account: sign-in is refused for a while, even with the right password."""

    message = "Trop d'essais : la connexion à ce compte est bloquée pendant 15 minutes."


def authentifier(session: Session, login: str, mot_de_passe: str, instant: dt.datetime | None = None) -> Utilisateur:
    """The user behind ``login`` if the password matches an active, unblocked account; else ConnexionRefusee.

    Failures are counted on the account: after ECHECS_AVANT_BLOCAGE in a row it is blocked for DUREE_BLOCAGE.
    The caller commits, failures included.
    """
    instant = instant or maintenant()
    compte = session.scalar(select(Compte).where(Compte.login == login.strip().lower()))
    if compte is not None and compte.bloque_jusqua is not None and compte.bloque_jusqua > instant:
        verifier(None, mot_de_passe)  # same time as a real check
        journaliser(session, "connexion_bloquee", compte.id, compte.role.value)
        raise CompteBloque()
    hash_ = compte.mot_de_passe_hash if compte is not None else None
    if not verifier(hash_, mot_de_passe) or compte is None or not compte.actif:
        if compte is not None:
            compte.echecs_connexion += 1
            if compte.echecs_connexion >= ECHECS_AVANT_BLOCAGE:
                compte.bloque_jusqua, compte.echecs_connexion = instant + DUREE_BLOCAGE, 0
            journaliser(session, "connexion_refusee", compte.id, compte.role.value)
        raise ConnexionRefusee()
    compte.echecs_connexion, compte.bloque_jusqua = 0, None
    if _hacheur.check_needs_rehash(compte.mot_de_passe_hash):
        compte.mot_de_passe_hash = hacher(mot_de_passe)
    journaliser(session, "connexion", compte.id, compte.role.value)
    return utilisateur_de(session, compte)


def utilisateur_de(session: Session, compte: Compte) -> Utilisateur:
    """What the interface keeps of an account (with the student's passport id for students)."""
    eleve_id, sorti_le = None, None
    if compte.role == Role.ELEVE:
        eleve_id, sorti_le = session.execute(
            select(Eleve.id, Eleve.sorti_le).where(Eleve.compte_id == compte.id)).one_or_none() or (None, None)
    return Utilisateur(compte.id, compte.login, compte.role, compte.nom_complet, compte.etablissement_id, eleve_id,
                       compte.doit_changer_mot_de_passe, lecture_seule=sorti_le is not None)


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


LONGUEUR_MIN = 10
_TROP_COURANTS = {"azertyuiop", "1234567890", "0123456789", "motdepasse", "motdepasse1", "password12", "qwertyuiop",
                  "passeport1", "azerty1234", "1234567891"}


class MotDePasseRefuse(ValueError):
    """The new password does not meet the rules; the message says why, in French."""


def probleme_mot_de_passe(login: str, mot_de_passe: str) -> str | None:
    """Why ``mot_de_passe`` is too weak, or None. Length is what counts: a phrase of a few words is ideal."""
    if len(mot_de_passe) < LONGUEUR_MIN:
        return (f"Le mot de passe doit compter au moins {LONGUEUR_MIN} caractères. Une petite phrase de quelques "
                "mots est facile à retenir et difficile à deviner.")
    if mot_de_passe.lower() in _TROP_COURANTS or len(set(mot_de_passe)) < 4:
        return "Ce mot de passe est trop facile à deviner : choisissez une petite phrase à vous."
    if login and login.lower() in mot_de_passe.lower():
        return "Le mot de passe ne doit pas contenir votre identifiant."
    return None


def changer_mot_de_passe(session: Session, acteur: Utilisateur, actuel: str, nouveau: str, confirmation: str) -> None:
    """The signed-in user sets a new password (required at first sign-in)."""
    compte = session.get(Compte, acteur.compte_id)
    if not verifier(compte.mot_de_passe_hash, actuel):
        raise MotDePasseRefuse("Le mot de passe actuel n'est pas le bon.")
    if nouveau != confirmation:
        raise MotDePasseRefuse("Les deux saisies du nouveau mot de passe sont différentes.")
    if nouveau == actuel:
        raise MotDePasseRefuse("Le nouveau mot de passe doit être différent de l'actuel.")
    probleme = probleme_mot_de_passe(compte.login, nouveau)
    if probleme:
        raise MotDePasseRefuse(probleme)
    compte.mot_de_passe_hash = hacher(nouveau)
    compte.doit_changer_mot_de_passe = False
    journaliser(session, "mot_de_passe_change", compte.id, compte.role.value)
