"""The guide de questionnement: questions for the oral explicitation, adapted to what a fiche lacks.

Pure functions over a fiche's content: the teacher sees them beside the fiche, ticks those they asked, and notes
what the student added. Each question has a stable code so that the record of an interview stays readable when
the wording changes.

For a fiche without complexity or aléa, the guide names the factors and aléas of the situation: those of the
référentiel completed by the team, or, while the team has not filled the situation, those other students of the
school wrote most often (``services.listes_equipe.Propositions``: never whose).
"""

from __future__ import annotations

from dataclasses import dataclass

from passeport.ecriture import mots, phrases
from passeport.referentiel import Referentiel
from passeport.services.fiches import ContenuFiche, details

# Under these sizes a section says too little to be understood by someone who was not there.
MOTS_CONTEXTE = 8
MOTS_DEMARCHE = 25
PHRASES_DEMARCHE = 2
MOTS_TEXTE_COURT = 50

MANQUES = {
    "contexte": "Pas de contexte",
    "je_dispose": "Pas de « je dispose » (moyens, ressources)",
    "etapes": "Pas d'étapes dans la démarche",
    "complexite": "Pas de complexité",
    "alea": "Pas d'aléa",
    "texte_court": "Texte très court",
    "approfondir": "Pour aller plus loin",
}

QUESTIONS = {
    "contexte": [
        ("contexte_lieu", "Où étais-tu : quelle organisation, quel service, quel poste ?"),
        ("contexte_demande", "Qui t'a confié ce travail, et pour qui le faisais-tu (client, usager, collègue) ?"),
    ],
    "je_dispose": [
        ("dispose_moyens", "De quoi disposais-tu : logiciel, documents, consignes, matériel ?"),
        ("dispose_temps", "Travaillais-tu seul·e ou avec quelqu'un ? De combien de temps disposais-tu ?"),
    ],
    "etapes": [
        ("etapes_ordre", "Quelles ont été les étapes, dans l'ordre ? Par quoi as-tu commencé ?"),
        ("etapes_verification", "Comment as-tu vérifié ton travail avant de le transmettre ?"),
    ],
    "complexite": [
        ("complexite_difficile", "Qu'est-ce qui aurait pu rendre ce travail plus difficile ? L'as-tu déjà fait dans "
                                 "un cas plus compliqué ?"),
    ],
    "alea": [
        ("alea_imprevu", "Tout s'est-il passé comme prévu ? Un imprévu, une erreur, un retard, un interlocuteur "
                         "difficile ?"),
        ("alea_si", "Si un problème était survenu, qu'aurais-tu fait, et qui aurais-tu prévenu ?"),
    ],
    "texte_court": [
        ("court_raconter", "Peux-tu raconter la situation comme à quelqu'un qui ne connaît pas l'entreprise ?"),
        ("court_production", "Qu'as-tu produit (document, courriel, tableau) et à quoi a-t-il servi ?"),
    ],
    "approfondir": [
        ("approfondir_appris", "Qu'as-tu appris dans cette situation ? Que ferais-tu autrement la prochaine fois ?"),
    ],
}
LIBELLES_QUESTIONS = {code: texte for liste in QUESTIONS.values() for code, texte in liste}
CODE_FACTEURS = "complexite_facteurs"
CODE_TYPES_ALEAS = "alea_types"
LIBELLES_QUESTIONS[CODE_FACTEURS] = "As-tu rencontré l'un des facteurs de complexité du référentiel ?"
LIBELLES_QUESTIONS[CODE_TYPES_ALEAS] = "As-tu rencontré l'un des aléas types du référentiel ?"
CODE_FACTEURS_ELEVES = "complexite_facteurs_eleves"
CODE_ALEAS_ELEVES = "alea_eleves"
LIBELLES_QUESTIONS[CODE_FACTEURS_ELEVES] = ("As-tu rencontré l'un des facteurs de complexité que d'autres élèves du "
                                           "lycée ont notés pour cette situation ?")
LIBELLES_QUESTIONS[CODE_ALEAS_ELEVES] = ("As-tu rencontré l'un des aléas que d'autres élèves du lycée ont notés pour "
                                        "cette situation ?")
NB_EXEMPLES = 4


@dataclass(frozen=True)
class Question:
    code: str
    manque: str
    texte: str


def manques(contenu: ContenuFiche) -> list[str]:
    """What the fiche lacks, among the keys of MANQUES, in the order the guide asks about them."""
    trouves = []
    if len(mots(contenu.contexte)) < MOTS_CONTEXTE:
        trouves.append("contexte")
    if "dispos" not in contenu.conditions.lower():
        trouves.append("je_dispose")
    if len(mots(contenu.demarche)) < MOTS_DEMARCHE or phrases(contenu.demarche) < PHRASES_DEMARCHE:
        trouves.append("etapes")
    if contenu.complexite <= 1 and not details(contenu.complexite_details):
        trouves.append("complexite")
    if contenu.aleas == 0 and not details(contenu.aleas_details):
        trouves.append("alea")
    texte = " ".join((contenu.contexte, contenu.conditions, contenu.demarche, contenu.productions))
    if len(mots(texte)) < MOTS_TEXTE_COURT:
        trouves.append("texte_court")
    return trouves


def _enumeration(libelles: list[str]) -> str:
    return " ; ".join(f[0].lower() + f[1:] for f in libelles[:NB_EXEMPLES])


def questions(contenu: ContenuFiche, referentiel: Referentiel | None = None, propositions=None) -> list[Question]:
    """The guide's questions for this fiche; a complete fiche still gets the questions to go further.

    ``propositions`` (services.listes_equipe.Propositions of the fiche's situation) replaces the référentiel's
    lists: the team's lines, or the suggestions from other students' fiches."""
    liste = []
    code = contenu.situation
    if propositions is not None:
        facteurs, aleas = propositions.facteurs, propositions.aleas
        facteurs_eleves, aleas_eleves = propositions.facteurs_suggeres, propositions.aleas_suggeres
    elif referentiel is not None:
        facteurs, aleas = referentiel.facteurs_complexite(code), referentiel.aleas_types(code)
        facteurs_eleves, aleas_eleves = [], []
    else:
        facteurs = aleas = facteurs_eleves = aleas_eleves = []
    for manque in manques(contenu) or ["approfondir"]:
        liste += [Question(q, manque, texte) for q, texte in QUESTIONS[manque]]
        if manque == "complexite" and facteurs:
            liste.append(Question(CODE_FACTEURS, manque, "As-tu rencontré l'un de ces facteurs de complexité : "
                                  + _enumeration(facteurs) + " ?"))
        if manque == "complexite" and facteurs_eleves:
            liste.append(Question(CODE_FACTEURS_ELEVES, manque, "D'autres élèves du lycée ont rencontré, sur cette "
                                  "situation : " + _enumeration(facteurs_eleves) + ". Et toi ?"))
        if manque == "alea" and aleas:
            liste.append(Question(CODE_TYPES_ALEAS, manque, "As-tu rencontré l'un de ces aléas : "
                                  + _enumeration(aleas) + " ?"))
        if manque == "alea" and aleas_eleves:
            liste.append(Question(CODE_ALEAS_ELEVES, manque, "D'autres élèves du lycée ont eu ces imprévus sur cette "
                                  "situation : " + _enumeration(aleas_eleves) + ". Et toi ?"))
    return liste
