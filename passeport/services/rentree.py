"""What the SIECLE and STS-web imports share: the school checked against the file, the preview's fingerprint.

An import is shown before it is applied: ``prevoir_…`` computes a plan and writes nothing; ``appliquer_…``
computes the plan again from the same file and applies it only if it is the one the administrator saw (same
fingerprint). If the database changed in between (another import, a move), the administrator is asked to read
the new preview instead of getting something they did not confirm.
"""

from __future__ import annotations

import hashlib
import unicodedata

from sqlalchemy.orm import Session

from passeport import acces
from passeport.csvio import FichierInvalide
from passeport.models import Etablissement


class ImportScolariteInvalide(FichierInvalide):
    """The file does not fit this school (other UAI, wrong file, problems in its content): nothing written."""


class ApercuPerime(ValueError):
    """The plan changed since the administrator saw it: nothing written, show the new preview."""

    message = ("La base a changé depuis l'aperçu (un autre import ou une modification) : rien n'a été enregistré. "
               "Relisez le nouvel aperçu, puis confirmez.")

    def __init__(self):
        super().__init__(self.message)


def ecrire(session: Session) -> None:
    """Flush an import's writes. Another import that created the same login or number meanwhile (two
    administrators at once) makes the plan stale: said as such, in French, instead of a database error."""
    from sqlalchemy.exc import IntegrityError

    try:
        session.flush()
    except IntegrityError:
        raise ApercuPerime() from None


def etablissement_de(session: Session, acteur, etablissement_id: int) -> Etablissement:
    """The school the import is for: its administrator, or the CLI's operator."""
    acces.exiger_operateur_ou_admin(acteur, etablissement_id)
    etablissement = session.get(Etablissement, etablissement_id)
    if etablissement is None:
        raise acces.AccesRefuse("Établissement inconnu.")
    return etablissement


def verifier_uaj(uaj: str, etablissement: Etablissement, nom_du_fichier: str) -> None:
    """Refuse the file of another school, saying whose it is."""
    if uaj.strip().upper() != etablissement.uai.upper():
        raise ImportScolariteInvalide([
            f"Ce fichier {nom_du_fichier} est celui de l'établissement {uaj or '(UAI absent)'} ; vous importez "
            f"pour {etablissement.nom} ({etablissement.uai}). Import refusé, rien n'a été enregistré."])


def empreinte(contenu: bytes, actions: object) -> str:
    """Fingerprint of a preview: the file and the actions planned (their repr, stable for frozen dataclasses)."""
    h = hashlib.sha256(contenu)
    h.update(repr(actions).encode("utf-8"))
    return h.hexdigest()[:32]


def nom_simple(texte: str) -> str:
    """A name compared without case, accents, hyphens or spaces: « Lévêque-Durand » = « LEVEQUE DURAND »."""
    sans = unicodedata.normalize("NFKD", texte or "")
    sans = "".join(c for c in sans if not unicodedata.combining(c)).upper()
    return "".join(c for c in sans if c.isalnum())
