"""Reusable contexts ("Mes contextes"): a student saves organisation, service, post, context and conditions once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport import acces
from passeport.models import ContexteReutilisable, maintenant


class ContexteInvalide(ValueError):
    pass


@dataclass(frozen=True)
class Contexte:
    nom: str
    organisation: str = ""
    service: str = ""
    poste: str = ""
    contexte: str = ""
    conditions: str = ""


def lister(session: Session, acteur) -> list[ContexteReutilisable]:
    eleve_id = acces.exiger_eleve(acteur, lecture=True)
    return list(session.scalars(
        select(ContexteReutilisable)
        .where(ContexteReutilisable.eleve_id == eleve_id, ContexteReutilisable.supprime_le.is_(None))
        .order_by(ContexteReutilisable.nom)
    ))


def enregistrer(session: Session, acteur, contexte: Contexte) -> ContexteReutilisable:
    """Save a new context for the student (the name must be given and not already used)."""
    eleve_id = acces.exiger_eleve(acteur)
    nom = contexte.nom.strip()
    if not nom:
        raise ContexteInvalide("Donnez un nom à ce contexte (par exemple « PFMP BIOMAG – achats »).")
    if len(nom) > 120:
        raise ContexteInvalide("Le nom du contexte est trop long (120 caractères au plus).")
    from passeport.saisie import LONGUEUR_TEXTE, LONGUEUR_TITRE, probleme_de_texte

    for valeur, longueur, libelle in ((nom, 120, "Le nom du contexte"),
                                      (contexte.organisation, LONGUEUR_TITRE, "L'organisation"),
                                      (contexte.service, LONGUEUR_TITRE, "Le service"),
                                      (contexte.poste, LONGUEUR_TITRE, "Le poste"),
                                      (contexte.contexte, LONGUEUR_TEXTE, "Le contexte"),
                                      (contexte.conditions, LONGUEUR_TEXTE, "Les conditions")):
        if probleme := probleme_de_texte(valeur or "", longueur, libelle):
            raise ContexteInvalide(probleme)
    if any(c.nom == nom for c in lister(session, acteur)):
        raise ContexteInvalide(f"Vous avez déjà un contexte nommé « {nom} ».")
    ligne = ContexteReutilisable(eleve_id=eleve_id, nom=nom, organisation=contexte.organisation,
                                 service=contexte.service, poste=contexte.poste, contexte=contexte.contexte,
                                 conditions=contexte.conditions)
    session.add(ligne)
    session.flush()
    return ligne


def supprimer(session: Session, acteur, contexte_id: int) -> None:
    eleve_id = acces.exiger_eleve(acteur)
    ligne = session.get(ContexteReutilisable, contexte_id)
    if ligne is None or ligne.eleve_id != eleve_id:
        raise acces.AccesRefuse("Ce contexte n'est pas le vôtre.")
    ligne.supprime_le = maintenant()


def texte_contexte(c: ContexteReutilisable | Contexte) -> str:
    """The context paragraph a fiche starts with, built from the saved parts when the student wrote none."""
    if c.contexte.strip():
        return c.contexte
    morceaux = []
    if c.poste:
        morceaux.append(f"Je suis {c.poste}")
    if c.organisation:
        morceaux.append(("dans " if morceaux else "Je travaille dans ") + c.organisation)
    if c.service:
        morceaux.append(f"au service {c.service}")
    return (" ".join(morceaux) + ".") if morceaux else ""
