"""Following a fiche without grading it: positionnements, the guide de questionnement, the teacher's reading view.

A positionnement is optional and never a mark: a teacher places a fiche on 4 levels; several teachers may, and
every position is kept with its author and date (the latest counts in the cockpit). An oral explicitation is
recorded as the questions of the guide that were asked and what the student added.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport import acces, guide
from passeport.models import Compte, Fiche, Positionnement, Questionnement, maintenant
from passeport.positionnement import NIVEAUX
from passeport.saisie import probleme_de_texte
from passeport.services import appreciations, listes_equipe, pfmp
from passeport.services.fiches import (
    ContenuFiche, Difference, FicheIntrouvable, contenu_de, differences, referentiel_de_l_eleve,
)


class SuiviInvalide(ValueError):
    """A positionnement or a questionnement that cannot be saved; the message says why, in French."""


def _fiche_de_mes_eleves(session: Session, acteur, fiche_id: int) -> Fiche:
    fiche = session.get(Fiche, fiche_id)
    if fiche is None:
        raise FicheIntrouvable()
    acces.exiger_enseignant_de_l_eleve(session, acteur, fiche.eleve_id)
    return fiche


@dataclass(frozen=True)
class LignePositionnement:
    niveau: int
    enseignant: str
    commentaire: str
    cree_le: dt.datetime


def positionner(session: Session, acteur, fiche_id: int, niveau: int, commentaire: str = "",
                instant: dt.datetime | None = None) -> Positionnement:
    """A teacher of the student's division places the fiche on a level (1–4); earlier positions stay."""
    fiche = _fiche_de_mes_eleves(session, acteur, fiche_id)
    if niveau not in NIVEAUX:
        raise SuiviInvalide("Choisissez un niveau de 1 (à reprendre) à 4 (maîtrisé).")
    if fiche.supprimee_le is not None:
        raise SuiviInvalide("Cette fiche est dans la corbeille de l'élève : elle ne peut pas être positionnée.")
    if probleme := probleme_de_texte(commentaire, 1000, "Le commentaire du positionnement"):
        raise SuiviInvalide(probleme)
    position = Positionnement(fiche_id=fiche.id, enseignant_id=acteur.compte_id, niveau=niveau,
                              commentaire=commentaire.strip(), cree_le=instant or maintenant())
    session.add(position)
    session.flush()
    return position


def positionnements(session: Session, acteur, fiche_id: int) -> list[LignePositionnement]:
    """Every position on the fiche, latest first, with its author (the student and their teachers read them)."""
    fiche = session.get(Fiche, fiche_id)
    if fiche is None or not acces.peut_lire_passeport(session, acteur, fiche.eleve_id):
        raise FicheIntrouvable()
    return _positionnements(session, fiche_id)


def _positionnements(session: Session, fiche_id: int) -> list[LignePositionnement]:
    requete = (select(Positionnement, Compte).join(Compte, Compte.id == Positionnement.enseignant_id)
               .where(Positionnement.fiche_id == fiche_id)
               .order_by(Positionnement.cree_le.desc(), Positionnement.id.desc()))
    return [LignePositionnement(p.niveau, c.nom_complet, p.commentaire, p.cree_le) for p, c in session.execute(requete)]


@dataclass(frozen=True)
class LigneQuestionnement:
    id: int
    enseignant: str
    version: int
    questions: list[str]  # the questions' texts
    ajout: str
    cree_le: dt.datetime
    ajouts_depuis: list[Difference]  # what the student rewrote in the fiche since


def noter_questionnement(session: Session, acteur, fiche_id: int, codes: list[str], ajout: str = "",
                         instant: dt.datetime | None = None) -> Questionnement:
    """Record which questions of the guide were asked on the fiche's current version, and what the student added."""
    fiche = _fiche_de_mes_eleves(session, acteur, fiche_id)
    inconnues = [c for c in codes if c not in guide.LIBELLES_QUESTIONS]
    if inconnues:
        raise SuiviInvalide("Questions inconnues du guide : " + ", ".join(inconnues) + ".")
    if not codes and not ajout.strip():
        raise SuiviInvalide("Cochez au moins une question posée, ou notez ce que l'élève a ajouté.")
    if probleme := probleme_de_texte(ajout, 4000, "La note"):
        raise SuiviInvalide(probleme)
    questionnement = Questionnement(fiche_id=fiche.id, version=fiche.version_courante, enseignant_id=acteur.compte_id,
                                    questions="|".join(dict.fromkeys(codes)), ajout=ajout.strip(),
                                    cree_le=instant or maintenant())
    session.add(questionnement)
    session.flush()
    return questionnement


def _questionnements(session: Session, fiche: Fiche) -> list[LigneQuestionnement]:
    par_numero = {v.numero: v for v in fiche.versions}
    courante = contenu_de(fiche.courante)
    requete = (select(Questionnement, Compte).join(Compte, Compte.id == Questionnement.enseignant_id)
               .where(Questionnement.fiche_id == fiche.id)
               .order_by(Questionnement.cree_le.desc(), Questionnement.id.desc()))
    lignes = []
    for q, c in session.execute(requete):
        depuis = [] if q.version >= fiche.version_courante else differences(contenu_de(par_numero[q.version]), courante)
        textes = [guide.LIBELLES_QUESTIONS[code] for code in q.questions.split("|") if code]
        lignes.append(LigneQuestionnement(q.id, c.nom_complet, q.version, textes, q.ajout, q.cree_le, depuis))
    return lignes


@dataclass
class FicheSuivie:
    """Everything the teacher's reading view of a fiche shows."""

    fiche_id: int
    eleve_id: int
    eleve: str
    division: str
    referentiel: str
    contenu: ContenuFiche
    version: int
    versions: list[tuple[int, dt.datetime]]  # (numero, saved at), newest first
    retenue: bool
    a_la_corbeille: bool
    pfmp: str  # "BIOMAG, du 16/11/2026 au 11/12/2026" or ""
    positionnements: list[LignePositionnement]
    appreciations: list[appreciations.LigneAppreciation]
    questionnements: list[LigneQuestionnement]
    questions: list[guide.Question]
    niveaux_tuteur: list[tuple[str, int]]  # (PFMP and tutor, level) from the tutors' reports on this situation


def fiche_suivie(session: Session, acteur, fiche_id: int) -> FicheSuivie:
    """A fiche as a teacher of the student's division follows it; the read is journaled."""
    fiche = _fiche_de_mes_eleves(session, acteur, fiche_id)
    contenu = contenu_de(fiche.courante)
    ref = referentiel_de_l_eleve(session, fiche.eleve_id)
    bilans = pfmp.bilans_de_l_eleve(session, acteur, fiche.eleve_id)  # journals the read
    periode = fiche.pfmp
    return FicheSuivie(
        fiche_id=fiche.id, eleve_id=fiche.eleve_id, eleve=fiche.eleve.compte.nom_complet,
        division=fiche.eleve.division.nom, referentiel=ref.nom, contenu=contenu, version=fiche.version_courante,
        versions=[(v.numero, v.cree_le) for v in sorted(fiche.versions, key=lambda v: v.numero, reverse=True)],
        retenue=fiche.retenue, a_la_corbeille=fiche.supprimee_le is not None,
        pfmp=(f"{periode.organisation.nom}, du {periode.date_debut:%d/%m/%Y} au {periode.date_fin:%d/%m/%Y}"
              if periode else ""),
        positionnements=_positionnements(session, fiche.id),
        appreciations=appreciations.pour_l_eleve(session, acteur, fiche.eleve_id, fiche.id),
        questionnements=_questionnements(session, fiche),
        questions=guide.questions(contenu, ref, listes_equipe.propositions(session, acteur, ref.nom, contenu.situation,
                                                                          sauf_eleve=fiche.eleve_id)),
        niveaux_tuteur=[(f"{b.organisation} ({b.tuteur}, {b.date_fin:%m/%Y})", b.positions[contenu.situation])
                        for b in bilans if contenu.situation in b.positions],
    )


def difference_entre(session: Session, acteur, fiche_id: int, avant: int, apres: int | None = None) -> list[Difference]:
    """What changed between two versions of a fiche (``apres`` None: the current one)."""
    fiche = session.get(Fiche, fiche_id)
    if fiche is None or not acces.peut_lire_passeport(session, acteur, fiche.eleve_id):
        raise FicheIntrouvable()
    par_numero = {v.numero: v for v in fiche.versions}
    apres = apres or fiche.version_courante
    if avant not in par_numero or apres not in par_numero:
        raise FicheIntrouvable()
    return differences(contenu_de(par_numero[avant]), contenu_de(par_numero[apres]))
