"""The library of reusable formulations a teacher grows, per situation and per kind of guidance.

Two sources: sentences built from the référentiel's lists for the situation (its complexity factors and typical
aléas, completed by the school's team, or while the team has not filled the situation, those other students of the
school wrote most often: services.listes_equipe) plus a few general ones, shared by everyone; and the teacher's own
sentences, for one situation or for any, most used first.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from passeport import acces
from passeport.services import listes_equipe
from passeport.models import Formulation, maintenant
from passeport.referentiel import Referentiel
from passeport.saisie import probleme_de_texte

GENRES_BIBLIOTHEQUE = {"complexite": "Complexité à chercher", "alea": "Aléa à chercher", "mise_en_mots": "Mise en mots"}
LONGUEUR_MAX = 1000

GENERALES = {
    "complexite": [
        "Pour ta prochaine fiche sur cette situation, choisis un cas moins courant : plus d'interlocuteurs, des "
        "informations incomplètes ou un délai serré.",
    ],
    "alea": [
        "Raconte une fois où quelque chose ne s'est pas passé comme prévu, et ce que tu as fait pour le traiter.",
    ],
    "mise_en_mots": [
        "Décris les étapes dans l'ordre où tu les as faites, une phrase par étape.",
        "Précise de quoi tu disposais (logiciel, documents, consignes) en commençant par « Je dispose ».",
        "Écris à la première personne : qu'as-tu fait, toi, dans cette situation ?",
        "Explique pourquoi tu as fait ce choix plutôt qu'un autre.",
        "Indique qui t'a confié ce travail et pour qui tu le faisais.",
    ],
}


class FormulationInvalide(ValueError):
    """The sentence cannot be saved; the message says why, in French."""


@dataclass(frozen=True)
class Proposition:
    """A sentence of the library; ``formulation_id`` is None for the shared ones built from the référentiel."""

    texte: str
    genre: str
    formulation_id: int | None = None
    situation: str = ""
    utilisations: int = 0

    @property
    def personnelle(self) -> bool:
        return self.formulation_id is not None


def _exiger_enseignant(acteur) -> None:
    acces.exiger_enseignant(acteur, "La bibliothèque de formulations est réservée aux enseignants.")


def du_referentiel(referentiel: Referentiel, situation: str, genre: str, propositions=None) -> list[str]:
    """The shared sentences for a situation, from the référentiel's lists (``propositions``: the school's, see
    services.listes_equipe), then the general ones."""
    phrases = []
    if propositions is not None:
        facteurs = propositions.facteurs + propositions.facteurs_suggeres
        aleas = propositions.aleas + propositions.aleas_suggeres
    else:
        facteurs, aleas = referentiel.facteurs_complexite(situation), referentiel.aleas_types(situation)
    if genre == "complexite":
        phrases = [f"Pour ta prochaine fiche sur cette situation, cherche un cas avec ce facteur de complexité : "
                   f"{f[0].lower()}{f[1:]}." for f in facteurs]
    elif genre == "alea":
        phrases = [f"Raconte une fois où tu as rencontré cet aléa : {a[0].lower()}{a[1:]}, et comment tu l'as traité."
                   for a in aleas]
    return phrases + GENERALES.get(genre, [])


def bibliotheque(session: Session, acteur, referentiel: Referentiel, situation: str, genre: str) -> list[Proposition]:
    """The teacher's own sentences for this situation or any (most used first), then the shared ones."""
    _exiger_enseignant(acteur)
    if genre not in GENRES_BIBLIOTHEQUE:
        raise FormulationInvalide("Type de formulation inconnu.")
    miennes = session.scalars(
        select(Formulation)
        .where(Formulation.compte_id == acteur.compte_id, Formulation.genre == genre, Formulation.retiree_le.is_(None),
               or_(Formulation.situation == situation, Formulation.situation == ""))
        .order_by(Formulation.utilisations.desc(), Formulation.id.desc()))
    propositions = [Proposition(f.texte, genre, f.id, f.situation, f.utilisations) for f in miennes]
    deja = {p.texte for p in propositions}
    ecole = (listes_equipe.propositions(session, acteur, referentiel.nom, situation)
             if genre in ("complexite", "alea") and situation in referentiel.situations else None)
    return propositions + [Proposition(t, genre) for t in du_referentiel(referentiel, situation, genre, ecole)
                           if t not in deja]


def ajouter(session: Session, acteur, texte: str, genre: str, situation: str = "") -> Formulation:
    """A sentence joins the teacher's library, for one situation or (situation "") for all."""
    _exiger_enseignant(acteur)
    texte = texte.strip()
    if not texte:
        raise FormulationInvalide("La formulation est vide.")
    if probleme := probleme_de_texte(texte, LONGUEUR_MAX, "La formulation"):
        raise FormulationInvalide(probleme)
    if genre not in GENRES_BIBLIOTHEQUE:
        raise FormulationInvalide("Type de formulation inconnu.")
    existante = session.scalar(select(Formulation).where(
        Formulation.compte_id == acteur.compte_id, Formulation.genre == genre, Formulation.situation == situation,
        Formulation.texte == texte, Formulation.retiree_le.is_(None)))
    if existante is not None:
        return existante
    formulation = Formulation(compte_id=acteur.compte_id, texte=texte, genre=genre, situation=situation,
                              utilisations=0, cree_le=maintenant())
    session.add(formulation)
    session.flush()
    return formulation


def retirer(session: Session, acteur, formulation_id: int) -> None:
    """The teacher removes one of their sentences from the library (appréciations written with it stay)."""
    _exiger_enseignant(acteur)
    formulation = session.get(Formulation, formulation_id)
    if formulation is None or formulation.compte_id != acteur.compte_id:
        raise acces.AccesRefuse("Cette formulation n'est pas dans votre bibliothèque.")
    formulation.retiree_le = maintenant()
