"""Unexpected errors: logged with a short reference, answered in French with that reference, never a traceback.

Used by the Streamlit side (ui/erreurs.py, the ``on_script_error`` handler of serveur.py) and by our own HTTP
routes (passeport/web.py). The log (stderr, where the server's output goes) keeps the whole traceback under the
reference; the person sees only the reference, to give to the administrator.
"""

from __future__ import annotations

import errno
import logging
import secrets
import sys

JOURNAL = logging.getLogger("passeport.erreurs")
if not JOURNAL.handlers:
    _sortie = logging.StreamHandler(sys.stderr)
    _sortie.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s : %(message)s"))
    JOURNAL.addHandler(_sortie)
    JOURNAL.setLevel(logging.INFO)

# No 0/O or 1/I: a reference read aloud over the phone stays unambiguous.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# What SQLite and PostgreSQL say when the store cannot be written (read-only file or mount, full disk).
_STOCKAGE = ("readonly database", "read-only", "read only", "disk is full", "disk full", "no space left",
             "could not extend file", "database or disk is full", "disk i/o error")


def reference() -> str:
    """A short random reference (6 characters), e.g. ``K7QX2M``."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(6))


def _chaine(exc: BaseException):
    """The exception and those it was raised from (SQLAlchemy wraps the driver's error)."""
    vues = set()
    while exc is not None and id(exc) not in vues:
        vues.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__ or getattr(exc, "orig", None)


def stockage_indisponible(exc: BaseException) -> bool:
    """True when the store cannot be written at all: read-only database or full disk (not a bug of ours)."""
    for e in _chaine(exc):
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EROFS, errno.EDQUOT):
            return True
        if type(e).__name__ in ("OperationalError", "DiskFull", "ReadOnlySqlTransaction", "InsufficientResources") \
                and any(mot in str(e).lower() for mot in _STOCKAGE):
            return True
        if type(e).__name__ in ("DiskFull", "ReadOnlySqlTransaction"):
            return True
    return False


def conflit(exc: BaseException) -> bool:
    """True for a write that clashed with another one (a constraint, a lock): trying again usually works."""
    return any(type(e).__name__ in ("IntegrityError", "UniqueViolation", "SerializationFailure",
                                    "DeadlockDetected", "StaleDataError") for e in _chaine(exc))


def journaliser(exc: BaseException, ou: str) -> str:
    """Log ``exc`` with its traceback under a new reference; return the reference."""
    ref = reference()
    JOURNAL.error("Erreur %s (%s) : %s", ref, ou, type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))
    return ref


def message(ref: str, exc: BaseException) -> str:
    """What the person reads: French, the reference, what is safe, what to do. Never the exception's text."""
    debut = f"Une erreur est survenue (référence {ref})."
    if stockage_indisponible(exc):
        cause = ("Le serveur ne peut pas enregistrer pour le moment (espace disque plein ou base en lecture seule) : "
                 "ce qui était déjà enregistré est intact et votre texte est gardé dans le formulaire. "
                 "Réessayez plus tard ; si cela dure, donnez cette référence à l'administrateur.")
    elif conflit(exc):
        cause = ("Une autre modification est arrivée en même temps : rien n'a été enregistré à moitié et votre "
                 "texte est gardé dans le formulaire. Réessayez.")
    else:
        cause = ("Votre texte est gardé dans le formulaire et ce qui était déjà enregistré est intact. Réessayez ; "
                 "si cela recommence, donnez cette référence à l'administrateur.")
    return f"{debut} {cause}"


def message_de_route(ref: str, exc: BaseException, action: str = "Cette page ne peut pas s'afficher") -> str:
    """The same for our HTTP routes (sign-in, extracts…), where no form text is at stake."""
    if stockage_indisponible(exc):
        return (f"{action} pour le moment : le serveur ne peut pas enregistrer (espace disque plein ou base en "
                f"lecture seule). Rien de ce qui était enregistré n'est perdu. Réessayez plus tard ; si cela dure, "
                f"donnez la référence {ref} à l'administrateur.")
    return (f"Une erreur est survenue (référence {ref}). Réessayez dans un moment ; si cela recommence, donnez "
            f"cette référence à l'administrateur.")
