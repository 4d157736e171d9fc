"""Appréciations: teachers write them on a fiche or on the whole passport, tutors from the workplace.

An appréciation guides (what complexity or aléa to look for next, how to put things into words). Its author may
correct it for 15 minutes, then only follow it with another; every text saved is kept as a version. Nobody
deletes one: within the same 15 minutes its author may withdraw it (posted on the wrong student, say), and it
stays in the store with its versions. The student reads them, newest first, the unread ones marked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from passeport import acces
from passeport.models import (
    Appreciation, AppreciationVersion, Compte, Fiche, FicheVersion, Formulation, Role, maintenant,
)
from passeport.saisie import probleme_de_texte
from passeport.services.audit import journaliser

DELAI_CORRECTION = dt.timedelta(minutes=15)
LONGUEUR_MAX = 4000
GENRES = {"": "Générale", "complexite": "Complexité à chercher", "alea": "Aléa à chercher",
          "mise_en_mots": "Mise en mots"}


class AppreciationInvalide(ValueError):
    """The appréciation cannot be saved; the message says why, in French."""


class AppreciationFigee(AppreciationInvalide):
    """The 15 minutes are over: the text can only be followed by another appréciation."""


@dataclass(frozen=True)
class LigneAppreciation:
    id: int
    fiche_id: int | None
    fiche_titre: str
    auteur: str
    texte: str
    cree_le: dt.datetime
    nouvelle: bool
    origine: str = "enseignant"
    genre: str = ""
    suite_de_id: int | None = None
    versions: int = 1
    auteur_id: int | None = None
    modifiee_le: dt.datetime | None = None

    @property
    def du_tuteur(self) -> bool:
        return self.origine == "tuteur"

    def modifiable_par(self, compte_id: int, instant: dt.datetime | None = None) -> bool:
        """Its author may still correct or withdraw it."""
        return self.auteur_id == compte_id and dans_le_delai(self.cree_le, instant)


def dans_le_delai(cree_le: dt.datetime, instant: dt.datetime | None = None) -> bool:
    """Still within the 15 minutes of correction."""
    return (instant or maintenant()) - cree_le <= DELAI_CORRECTION


def pour_l_eleve(session: Session, acteur, eleve_id: int, fiche_id: int | None = None) -> list[LigneAppreciation]:
    """Appréciations on the passport (fiche_id None: all of them, on fiches or the whole passport) or one fiche."""
    acces.exiger_lecture_passeport(session, acteur, eleve_id)
    requete = (
        select(Appreciation, Compte.prenom, Compte.nom, FicheVersion.titre)
        .outerjoin(Compte, Compte.id == Appreciation.auteur_id)
        .outerjoin(Fiche, Fiche.id == Appreciation.fiche_id)
        .outerjoin(FicheVersion, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
        .where(Appreciation.eleve_id == eleve_id, Appreciation.retiree_le.is_(None))
        .order_by(Appreciation.cree_le.desc(), Appreciation.id.desc())
    )
    if fiche_id is not None:
        requete = requete.where(Appreciation.fiche_id == fiche_id)
    return [
        LigneAppreciation(a.id, a.fiche_id, titre or "", a.auteur_nom or f"{prenom or ''} {nom or ''}".strip(), a.texte,
                          a.cree_le, a.lue_le is None, a.origine, a.genre, a.suite_de_id, a.version_courante,
                          a.auteur_id, a.modifiee_le)
        for a, prenom, nom, titre in session.execute(requete)
    ]


def non_lues(session: Session, acteur, eleve_id: int) -> int:
    return sum(1 for a in pour_l_eleve(session, acteur, eleve_id) if a.nouvelle)


def marquer_lues(session: Session, acteur, ids: list[int]) -> None:
    """The student has seen these appréciations (only the owner's reading counts)."""
    eleve_id = acces.exiger_eleve(acteur)
    if ids:
        session.execute(
            update(Appreciation)
            .where(Appreciation.id.in_(ids), Appreciation.eleve_id == eleve_id, Appreciation.lue_le.is_(None))
            .values(lue_le=maintenant())
        )


def _texte_valide(texte: str) -> str:
    texte = texte.strip()
    if not texte:
        raise AppreciationInvalide("L'appréciation est vide.")
    if probleme := probleme_de_texte(texte, LONGUEUR_MAX, "L'appréciation"):
        raise AppreciationInvalide(probleme)
    return texte


def ecrire(session: Session, acteur, eleve_id: int, texte: str, fiche_id: int | None = None, genre: str = "",
           suite_de_id: int | None = None, formulation_id: int | None = None,
           instant: dt.datetime | None = None) -> Appreciation:
    """A teacher of the student's division writes an appréciation on one fiche or (fiche_id None) the passport.

    ``suite_de_id`` follows an earlier appréciation; ``formulation_id`` counts a use of a library sentence."""
    acces.exiger_enseignant_de_l_eleve(session, acteur, eleve_id)
    texte = _texte_valide(texte)
    if genre not in GENRES:
        raise AppreciationInvalide("Type d'appréciation inconnu.")
    if fiche_id is not None:
        fiche = session.get(Fiche, fiche_id)
        if fiche is None or fiche.eleve_id != eleve_id:
            raise AppreciationInvalide("Cette fiche n'appartient pas à cet élève.")
    if suite_de_id is not None:
        precedente = session.get(Appreciation, suite_de_id)
        if precedente is None or precedente.eleve_id != eleve_id or precedente.retiree_le is not None:
            raise AppreciationInvalide("L'appréciation suivie n'appartient pas à cet élève.")
        fiche_id = precedente.fiche_id
    instant = instant or maintenant()
    compte = session.get(Compte, acteur.compte_id)
    appreciation = Appreciation(eleve_id=eleve_id, fiche_id=fiche_id, auteur_id=acteur.compte_id,
                                auteur_nom=compte.nom_complet, texte=texte, origine="enseignant", genre=genre,
                                suite_de_id=suite_de_id, version_courante=1, cree_le=instant,
                                versions=[AppreciationVersion(numero=1, texte=texte, cree_le=instant)])
    session.add(appreciation)
    if formulation_id is not None:
        formulation = session.get(Formulation, formulation_id)
        if formulation is not None and formulation.compte_id == acteur.compte_id:
            formulation.utilisations += 1
    session.flush()
    journaliser(session, "appreciation_ecrite", acteur.compte_id, acteur.role.value, "appreciation",
                appreciation.id, eleve_id)
    return appreciation


def _propre(session: Session, acteur, appreciation_id: int, instant: dt.datetime) -> Appreciation:
    appreciation = session.get(Appreciation, appreciation_id)
    if (appreciation is None or acteur.role not in (Role.ENSEIGNANT, Role.TUTEUR)
            or appreciation.auteur_id != acteur.compte_id or appreciation.retiree_le is not None):
        raise acces.AccesRefuse("Seul l'auteur d'une appréciation peut la corriger.")
    verifier_delai(appreciation, instant)
    return appreciation


def verifier_delai(appreciation: Appreciation, instant: dt.datetime) -> None:
    """Refuse a change after the 15 minutes (a follow-up is the way then)."""
    if not dans_le_delai(appreciation.cree_le, instant):
        raise AppreciationFigee("Le délai de correction de 15 minutes est passé : l'appréciation ne peut plus être "
                                "modifiée. Ajoutez-lui une suite.")


def nouvelle_version(appreciation: Appreciation, texte: str, instant: dt.datetime) -> None:
    """A corrected text: appended as a version, the previous ones kept; the student reads it as new."""
    numero = appreciation.version_courante + 1
    appreciation.versions.append(AppreciationVersion(numero=numero, texte=texte, cree_le=instant))
    appreciation.version_courante = numero
    appreciation.texte = texte
    appreciation.modifiee_le = instant
    appreciation.lue_le = None


def corriger(session: Session, acteur, appreciation_id: int, texte: str,
             instant: dt.datetime | None = None) -> Appreciation:
    """Its author corrects an appréciation within 15 minutes: a new version, the previous ones kept."""
    instant = instant or maintenant()
    appreciation = _propre(session, acteur, appreciation_id, instant)
    texte = _texte_valide(texte)
    if texte == appreciation.texte:
        return appreciation
    nouvelle_version(appreciation, texte, instant)
    journaliser(session, "appreciation_corrigee", acteur.compte_id, acteur.role.value, "appreciation",
                appreciation.id, appreciation.eleve_id)
    return appreciation


def retirer(session: Session, acteur, appreciation_id: int, instant: dt.datetime | None = None) -> None:
    """Its author withdraws an appréciation within 15 minutes; it stays in the store, hidden from the student."""
    instant = instant or maintenant()
    appreciation = _propre(session, acteur, appreciation_id, instant)
    appreciation.retiree_le = instant
    journaliser(session, "appreciation_retiree", acteur.compte_id, acteur.role.value, "appreciation",
                appreciation.id, appreciation.eleve_id)


def versions(session: Session, acteur, appreciation_id: int) -> list[AppreciationVersion]:
    """Every text of an appréciation, oldest first (readers of the passport)."""
    appreciation = session.get(Appreciation, appreciation_id)
    if (appreciation is None or not acces.peut_lire_passeport(session, acteur, appreciation.eleve_id)
            or (appreciation.retiree_le is not None and appreciation.auteur_id != acteur.compte_id)):
        raise acces.AccesRefuse("Cette appréciation n'est pas accessible avec votre compte.")
    return list(appreciation.versions)
