"""Fiches: content checks and append-only writes (every save is a new FicheVersion)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from passeport.models import Fiche, FicheVersion, Lieu, Nature, maintenant
from passeport.referentiel import Referentiel

LIBELLES_LIEU = {
    Lieu.ETABLISSEMENT: "Établissement (espace professionnel, classe)",
    Lieu.SERVICES_EPLE: "Services de l'établissement",
    Lieu.PROJET: "Projet",
    Lieu.PFMP: "PFMP",
    Lieu.HORS_FORMATION: "Hors formation (emploi, association…)",
}
LIBELLES_NATURE = {Nature.REELLE: "Réelle", Nature.SIMULEE: "Simulée"}


@dataclass(frozen=True)
class ContenuFiche:
    """The student's text of a fiche: what one FicheVersion stores."""

    situation: str
    titre: str
    date_debut: dt.date
    lieu: Lieu
    nature: Nature
    complexite: int
    aleas: int
    date_fin: dt.date | None = None
    organisation: str = ""
    contexte: str = ""
    conditions: str = ""
    demarche: str = ""
    productions: str = ""
    complexite_details: str = ""
    aleas_details: str = ""


CHAMPS_CONTENU = tuple(f.name for f in dataclasses.fields(ContenuFiche))


def problemes_du_contenu(contenu: ContenuFiche, referentiel: Referentiel) -> list[str]:
    """What is wrong with ``contenu`` for a student of ``referentiel``, in French; empty when fine."""
    problemes = []
    if contenu.situation not in referentiel.situations:
        problemes.append(f"situation « {contenu.situation} » inconnue du référentiel {referentiel.nom}")
    if not contenu.titre.strip():
        problemes.append("titre vide")
    if contenu.date_fin is not None and contenu.date_fin < contenu.date_debut:
        problemes.append("la date de fin est avant la date de début")
    if contenu.complexite not in (1, 2, 3):
        problemes.append(f"complexité {contenu.complexite} hors de 1 à 3")
    if contenu.aleas not in (0, 1, 2):
        problemes.append(f"aléas {contenu.aleas} hors de 0 à 2")
    return problemes


def version_depuis_contenu(contenu: ContenuFiche, numero: int, auteur_id: int | None) -> FicheVersion:
    return FicheVersion(numero=numero, auteur_id=auteur_id, cree_le=maintenant(), **dataclasses.asdict(contenu))


def contenu_de(version: FicheVersion) -> ContenuFiche:
    return ContenuFiche(**{nom: getattr(version, nom) for nom in CHAMPS_CONTENU})


def creer_fiche(
    session: Session, eleve_id: int, contenu: ContenuFiche, auteur_id: int | None, retenue: bool = False
) -> Fiche:
    """A new fiche with its first version (the caller has checked the content and the access)."""
    instant = maintenant()
    fiche = Fiche(
        eleve_id=eleve_id, version_courante=1, retenue=retenue, cree_le=instant, modifiee_le=instant,
        versions=[version_depuis_contenu(contenu, 1, auteur_id)],
    )
    session.add(fiche)
    return fiche
