"""The CCF team meeting: épreuves, fiches the team selects, meetings, decisions and their publication to students.

Teachers never edit a fiche: they choose which of the student's fiches support an épreuve. The team's decision on a
student × situation (4 levels of the positionnement plus a short comment; situation "" is the overall opinion) is
never overwritten: a new decision points to the one it replaces, and a teacher replacing a decision names the one
they saw, so that two colleagues deciding at the same time get a clear refusal instead of losing a decision. Students
see the selected fiches at any time, and the decisions only as they stood at the team's latest publication.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from passeport import acces, epreuves, referentiel
from passeport.affichage import heure_locale
from passeport.epreuves import Epreuve, EpreuveInconnue
from passeport.models import (
    Compte, DecisionCcf, Division, Eleve, Enseignant, EpreuveLocale, Fiche, FicheVersion, Lieu, Nature,
    PublicationCcf, ReunionCcf, Role, SelectionCcf, maintenant,
)
from passeport.positionnement import NIVEAUX
from passeport.saisie import probleme_de_texte
from passeport.services.audit import journaliser_consultation
from passeport.services.fiches import FicheIntrouvable

LONGUEUR_COMMENTAIRE = 500
LONGUEUR_NOTES = 4000
AVIS_GLOBAL = ""  # the ``situation`` of the overall opinion on the épreuve


class CcfInvalide(ValueError):
    """Input that cannot be saved; the message says why, in French."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class DecisionConcurrente(CcfInvalide):
    """Someone recorded another decision since the caller read the current one: nothing is overwritten."""


# --- épreuves ------------------------------------------------------------------------------------------------------


def _division(session: Session, division_id: int) -> Division:
    division = session.get(Division, division_id)
    if division is None:
        raise acces.AccesRefuse("Cette division n'est pas l'une des vôtres.")
    return division


def _epreuve(session: Session, division: Division, code: str) -> Epreuve:
    try:
        return epreuves.epreuve(session, division.etablissement_id, division.referentiel, code)
    except EpreuveInconnue as exc:
        raise CcfInvalide(exc.message) from exc


def epreuves_de_la_division(session: Session, acteur, division_id: int) -> list[Epreuve]:
    """The épreuves of the division's référentiel: official ones, then those the school's team entered."""
    acces.exiger_enseignant_de_division(session, acteur, division_id)
    division = _division(session, division_id)
    return epreuves.epreuves(session, division.etablissement_id, division.referentiel)


def referentiel_sans_epreuves_officielles(nom: str) -> bool:
    """AGORA (or any référentiel not in referentiels/epreuves.csv): its épreuves are entered by the team."""
    return not any(e.referentiel == nom for e in epreuves.officielles())


@dataclass(frozen=True)
class EpreuveSaisie:
    id: int
    referentiel: str
    code: str
    titre: str
    poles: tuple[str, ...]
    mode: str
    cree_par: str
    cree_le: dt.datetime


def _exiger_enseignant_de_l_etablissement(acteur) -> int:
    if acteur.role != Role.ENSEIGNANT or acteur.etablissement_id is None:
        raise acces.AccesRefuse("Seuls les enseignants de l'établissement saisissent ses épreuves.")
    return acteur.etablissement_id


def epreuves_saisies(session: Session, acteur, nom_referentiel: str) -> list[EpreuveSaisie]:
    """The épreuves the school's team entered for a référentiel (not withdrawn), by code."""
    etablissement_id = _exiger_enseignant_de_l_etablissement(acteur)
    requete = (select(EpreuveLocale, Compte).join(Compte, Compte.id == EpreuveLocale.cree_par_id)
               .where(EpreuveLocale.etablissement_id == etablissement_id, EpreuveLocale.referentiel == nom_referentiel,
                      EpreuveLocale.retiree_le.is_(None))
               .order_by(EpreuveLocale.code))
    return [EpreuveSaisie(e.id, e.referentiel, e.code, e.titre, tuple(e.poles.split("|")), e.mode, c.nom_complet,
                          e.cree_le) for e, c in session.execute(requete)]


CODE_EPREUVE = re.compile(r"[A-Z0-9][A-Z0-9.\-]{0,19}")


def ajouter_epreuve(session: Session, acteur, nom_referentiel: str, code: str, titre: str, poles: list[str],
                    mode: str = "CCF") -> EpreuveSaisie:
    """A teacher of the school enters an épreuve of a référentiel that has no official ones (AGORA).

    A code withdrawn earlier comes back with the new title and pôles (decisions keep pointing to the code)."""
    etablissement_id = _exiger_enseignant_de_l_etablissement(acteur)
    try:
        ref = referentiel.charger(nom_referentiel)
    except KeyError as exc:
        raise CcfInvalide(f"Référentiel « {nom_referentiel} » inconnu.") from exc
    if not referentiel_sans_epreuves_officielles(nom_referentiel):
        raise CcfInvalide(f"Les épreuves du référentiel {nom_referentiel} sont officielles : elles ne se saisissent "
                          "pas.")
    code, titre, mode = code.strip().upper(), " ".join(titre.split()), " ".join(mode.split()) or "CCF"
    problemes = []
    if not CODE_EPREUVE.fullmatch(code):
        problemes.append("le code de l'épreuve est fait de 1 à 20 lettres, chiffres, points ou tirets (ex. E31)")
    if not titre:
        problemes.append("le titre de l'épreuve est vide")
    elif len(titre) > 200 or "\x00" in titre:
        problemes.append("le titre de l'épreuve dépasse 200 caractères ou contient un caractère interdit")
    if len(mode) > 60 or "\x00" in mode:
        problemes.append("la modalité dépasse 60 caractères ou contient un caractère interdit")
    poles = list(dict.fromkeys(p.strip() for p in poles if p.strip()))
    if not poles:
        problemes.append("choisissez au moins un pôle (bloc)")
    inconnus = [p for p in poles if p not in ref.poles]
    if inconnus:
        problemes.append(f"pôle(s) inconnu(s) du référentiel {nom_referentiel} : {', '.join(inconnus)}")
    if problemes:
        raise CcfInvalide("Épreuve non enregistrée : " + " ; ".join(problemes) + ".")
    existante = session.scalar(select(EpreuveLocale).where(
        EpreuveLocale.etablissement_id == etablissement_id, EpreuveLocale.referentiel == nom_referentiel,
        EpreuveLocale.code == code))
    if existante is not None and existante.retiree_le is None:
        raise CcfInvalide(f"L'épreuve {code} existe déjà pour ce référentiel.")
    if existante is None:
        existante = EpreuveLocale(etablissement_id=etablissement_id, referentiel=nom_referentiel, code=code)
        session.add(existante)
    existante.titre, existante.poles, existante.mode = titre, "|".join(sorted(poles, key=list(ref.poles).index)), mode
    existante.cree_par_id, existante.cree_le, existante.retiree_le = acteur.compte_id, maintenant(), None
    session.flush()
    return EpreuveSaisie(existante.id, nom_referentiel, code, titre, tuple(existante.poles.split("|")), mode,
                         acteur.nom_complet, existante.cree_le)


def retirer_epreuve(session: Session, acteur, epreuve_id: int) -> None:
    """Withdraw an épreuve the team entered (never deleted: its selections and decisions stay)."""
    etablissement_id = _exiger_enseignant_de_l_etablissement(acteur)
    locale = session.get(EpreuveLocale, epreuve_id)
    if locale is None or locale.etablissement_id != etablissement_id:
        raise acces.AccesRefuse("Cette épreuve n'est pas celle de votre établissement.")
    if locale.retiree_le is None:
        locale.retiree_le = maintenant()


# --- fiches selected for an épreuve --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FicheCcf:
    """A fiche of the student on the épreuve's pôles, and whether the team selected it."""

    fiche_id: int
    situation: str
    titre: str
    date_debut: dt.date
    lieu: Lieu
    nature: Nature
    complexite: int
    aleas: int
    selectionnee: bool
    choisie_par: str = ""
    choisie_le: dt.datetime | None = None
    a_la_corbeille: bool = False


def _eleve(session: Session, eleve_id: int) -> Eleve:
    eleve = session.get(Eleve, eleve_id)
    if eleve is None:
        raise acces.AccesRefuse("Seuls les enseignants de la division de l'élève peuvent faire cela.")
    return eleve


def _epreuve_de_l_eleve(session: Session, eleve: Eleve, code: str) -> Epreuve:
    return _epreuve(session, eleve.division, code)


def _selection_active(session: Session, epreuve: str, fiche_id: int) -> SelectionCcf | None:
    return session.scalar(select(SelectionCcf).where(SelectionCcf.epreuve == epreuve, SelectionCcf.fiche_id == fiche_id,
                                                     SelectionCcf.retiree_le.is_(None)))


def selectionner(session: Session, acteur, fiche_id: int, code_epreuve: str,
                 instant: dt.datetime | None = None) -> None:
    """A teacher of the student's division chooses one of the student's fiches to support an épreuve."""
    fiche = session.get(Fiche, fiche_id)
    if fiche is None:
        raise FicheIntrouvable()
    acces.exiger_enseignant_de_l_eleve(session, acteur, fiche.eleve_id)
    epreuve = _epreuve_de_l_eleve(session, fiche.eleve, code_epreuve)
    if fiche.supprimee_le is not None:
        raise CcfInvalide("Cette fiche est dans la corbeille de l'élève : elle ne peut pas être choisie.")
    situation = fiche.courante.situation
    if situation not in epreuve.situations(referentiel.charger(fiche.eleve.division.referentiel)):
        raise CcfInvalide(f"La situation {situation} de cette fiche n'appartient pas aux pôles de l'épreuve "
                          f"{epreuve.code} ({', '.join(epreuve.poles)}).")
    deja = f"Cette fiche est déjà choisie pour l'épreuve {epreuve.code}."
    if _selection_active(session, epreuve.code, fiche.id) is not None:
        raise CcfInvalide(deja)
    session.add(SelectionCcf(eleve_id=fiche.eleve_id, epreuve=epreuve.code, fiche_id=fiche.id,
                             choisie_par_id=acteur.compte_id, choisie_le=instant or maintenant()))
    try:
        session.flush()
    except IntegrityError as exc:  # a colleague selected it at the same moment: the unique index refused
        raise CcfInvalide(deja) from exc


def retirer_selection(session: Session, acteur, fiche_id: int, code_epreuve: str,
                      instant: dt.datetime | None = None) -> None:
    """Unselect a fiche (the selection stays, marked withdrawn with who and when)."""
    fiche = session.get(Fiche, fiche_id)
    if fiche is None:
        raise FicheIntrouvable()
    acces.exiger_enseignant_de_l_eleve(session, acteur, fiche.eleve_id)
    epreuve = _epreuve_de_l_eleve(session, fiche.eleve, code_epreuve)
    selection = _selection_active(session, epreuve.code, fiche.id)
    if selection is None:
        raise CcfInvalide(f"Cette fiche n'est pas choisie pour l'épreuve {epreuve.code}.")
    selection.retiree_le, selection.retiree_par_id = instant or maintenant(), acteur.compte_id
    session.flush()


def _fiches_du_pole(session: Session, eleve: Eleve, epreuve: Epreuve) -> list[FicheCcf]:
    situations = epreuve.situations(referentiel.charger(eleve.division.referentiel))
    choisies = {sel.fiche_id: (sel, nom) for sel, nom in session.execute(
        select(SelectionCcf, Compte).join(Compte, Compte.id == SelectionCcf.choisie_par_id)
        .where(SelectionCcf.eleve_id == eleve.id, SelectionCcf.epreuve == epreuve.code,
               SelectionCcf.retiree_le.is_(None)))}
    requete = (select(Fiche, FicheVersion)
               .join(FicheVersion, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
               .where(Fiche.eleve_id == eleve.id, FicheVersion.situation.in_(situations))
               .order_by(FicheVersion.situation, FicheVersion.date_debut, Fiche.id))
    lignes = []
    for f, v in session.execute(requete):
        choix = choisies.get(f.id)
        if f.supprimee_le is not None and choix is None:
            continue
        lignes.append(FicheCcf(f.id, v.situation, v.titre, v.date_debut, v.lieu, v.nature, v.complexite, v.aleas,
                               choix is not None, choix[1].nom_complet if choix else "",
                               choix[0].choisie_le if choix else None, f.supprimee_le is not None))
    ordre = {code: i for i, code in enumerate(situations)}
    return sorted(lignes, key=lambda l: (ordre[l.situation], l.date_debut, l.fiche_id))


def fiches_pour_l_epreuve(session: Session, acteur, eleve_id: int, code_epreuve: str) -> list[FicheCcf]:
    """The student's fiches on the épreuve's situations (référentiel order), selected or not; a selected fiche the
    student has since put in the bin stays listed, flagged."""
    acces.exiger_enseignant_de_l_eleve(session, acteur, eleve_id)
    eleve = _eleve(session, eleve_id)
    liste = _fiches_du_pole(session, eleve, _epreuve_de_l_eleve(session, eleve, code_epreuve))
    journaliser_consultation(session, acteur, eleve_id)  # a read of the passport, as any teacher's
    return liste


# --- meetings ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MembreEquipe:
    compte_id: int
    nom_complet: str
    discipline: str


def equipe_de_la_division(session: Session, acteur, division_id: int) -> list[MembreEquipe]:
    """The division's teachers (professional and lettres), by name: those who may be present at a meeting."""
    acces.exiger_enseignant_de_division(session, acteur, division_id)
    requete = (select(Compte, Enseignant.discipline).join(Enseignant, Enseignant.compte_id == Compte.id)
               .join(Enseignant.divisions).where(Division.id == division_id).order_by(Compte.nom, Compte.prenom))
    return [MembreEquipe(c.id, c.nom_complet, d) for c, d in session.execute(requete)]


@dataclass(frozen=True)
class Reunion:
    id: int
    division_id: int
    epreuve: str
    date_reunion: dt.date
    presents: tuple[str, ...]  # names, by name
    notes: str
    cree_par: str
    cree_le: dt.datetime
    decisions: int


def _reunion(session: Session, reunion: ReunionCcf) -> Reunion:
    auteur = session.get(Compte, reunion.cree_par_id)
    nombre = session.scalar(select(func.count()).select_from(DecisionCcf).where(DecisionCcf.reunion_id == reunion.id))
    presents = tuple(c.nom_complet for c in sorted(reunion.presents, key=lambda c: (c.nom, c.prenom)))
    return Reunion(reunion.id, reunion.division_id, reunion.epreuve, reunion.date_reunion, presents, reunion.notes,
                   auteur.nom_complet if auteur else "", reunion.cree_le, nombre)


def enregistrer_reunion(session: Session, acteur, division_id: int, code_epreuve: str, date_reunion: dt.date,
                        presents: list[int], notes: str = "", instant: dt.datetime | None = None) -> Reunion:
    """Record a team meeting of the division for an épreuve: its date and the teachers present (chosen among the
    division's teachers)."""
    acces.exiger_enseignant_de_division(session, acteur, division_id)
    epreuve = _epreuve(session, _division(session, division_id), code_epreuve)
    if not isinstance(date_reunion, dt.date):
        raise CcfInvalide("Indiquez la date de la réunion.")
    equipe = {m.compte_id for m in equipe_de_la_division(session, acteur, division_id)}
    presents = list(dict.fromkeys(presents))
    if not presents:
        raise CcfInvalide("Indiquez au moins un enseignant présent.")
    if set(presents) - equipe:
        raise CcfInvalide("Les présents sont choisis parmi les enseignants de la division.")
    if probleme := probleme_de_texte(notes, LONGUEUR_NOTES, "Le compte rendu"):
        raise CcfInvalide(probleme)
    reunion = ReunionCcf(division_id=division_id, epreuve=epreuve.code, date_reunion=date_reunion, notes=notes.strip(),
                         cree_par_id=acteur.compte_id, cree_le=instant or maintenant(),
                         presents=list(session.scalars(select(Compte).where(Compte.id.in_(presents)))))
    session.add(reunion)
    session.flush()
    return _reunion(session, reunion)


def reunions(session: Session, acteur, division_id: int, code_epreuve: str) -> list[Reunion]:
    """The meetings of the division for an épreuve, latest first."""
    acces.exiger_enseignant_de_division(session, acteur, division_id)
    epreuve = _epreuve(session, _division(session, division_id), code_epreuve)
    requete = (select(ReunionCcf).where(ReunionCcf.division_id == division_id, ReunionCcf.epreuve == epreuve.code)
               .order_by(ReunionCcf.date_reunion.desc(), ReunionCcf.id.desc()))
    return [_reunion(session, r) for r in session.scalars(requete)]


# --- decisions -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    id: int
    eleve_id: int
    epreuve: str
    situation: str  # "" : the overall opinion
    niveau: int | None
    commentaire: str
    auteur: str
    cree_le: dt.datetime
    reunion_id: int | None
    date_reunion: dt.date | None
    remplace_id: int | None


def _requete_decisions():
    return (select(DecisionCcf, Compte, ReunionCcf.date_reunion)
            .join(Compte, Compte.id == DecisionCcf.auteur_id)
            .outerjoin(ReunionCcf, ReunionCcf.id == DecisionCcf.reunion_id))


def _decision(d: DecisionCcf, auteur: Compte, date_reunion: dt.date | None) -> Decision:
    return Decision(d.id, d.eleve_id, d.epreuve, d.situation, d.niveau, d.commentaire, auteur.nom_complet, d.cree_le,
                    d.reunion_id, date_reunion, d.remplace_id)


def _non_remplacee():
    suivante = aliased(DecisionCcf)
    return ~exists().where(suivante.remplace_id == DecisionCcf.id)


def _courante(session: Session, eleve_id: int, epreuve: str, situation: str) -> Decision | None:
    ligne = session.execute(_requete_decisions().where(
        DecisionCcf.eleve_id == eleve_id, DecisionCcf.epreuve == epreuve, DecisionCcf.situation == situation,
        _non_remplacee()).order_by(DecisionCcf.id.desc()).limit(1)).first()
    return _decision(*ligne) if ligne else None


def _message_concurrence(courante: Decision | None) -> str:
    if courante is None:  # the caller named a decision that does not exist (or not for this situation)
        return "La décision que vous remplacez n'existe pas : rechargez la page."
    quand = heure_locale(courante.cree_le)
    return (f"{courante.auteur} a enregistré une autre décision le {quand:%d/%m/%Y à %H:%M} : la vôtre n'a pas été "
            "enregistrée. Relisez la décision actuelle avant de la remplacer.")


def decider(session: Session, acteur, eleve_id: int, code_epreuve: str, situation: str, niveau: int | None,
            commentaire: str, remplace_id: int | None, reunion_id: int, instant: dt.datetime | None = None) -> Decision:
    """Record the team's decision on a student × situation (``situation`` "" : the overall opinion on the épreuve).

    ``remplace_id`` is the current decision the caller saw (None when there was none): if another was recorded
    since, DecisionConcurrente names who and when, and nothing is written. The database's unique indexes refuse the
    same race when it happens between the check and the write."""
    acces.exiger_enseignant_de_l_eleve(session, acteur, eleve_id)
    eleve = _eleve(session, eleve_id)
    epreuve = _epreuve_de_l_eleve(session, eleve, code_epreuve)
    situation = situation.strip()
    if situation != AVIS_GLOBAL and situation not in epreuve.situations(referentiel.charger(eleve.division.referentiel)):
        raise CcfInvalide(f"La situation {situation} n'appartient pas à l'épreuve {epreuve.code}.")
    if niveau is not None and niveau not in NIVEAUX:
        raise CcfInvalide("Choisissez un niveau de 1 (à reprendre) à 4 (maîtrisé).")
    if niveau is None and situation != AVIS_GLOBAL:
        raise CcfInvalide("Choisissez le niveau retenu par l'équipe pour cette situation.")
    if probleme := probleme_de_texte(commentaire, LONGUEUR_COMMENTAIRE, "Le commentaire"):
        raise CcfInvalide(probleme)
    if niveau is None and not commentaire.strip():
        raise CcfInvalide("L'avis sur l'épreuve est vide : choisissez un niveau ou écrivez un commentaire.")
    reunion = session.get(ReunionCcf, reunion_id) if reunion_id is not None else None
    if reunion is None or reunion.division_id != eleve.division_id or reunion.epreuve != epreuve.code:
        raise CcfInvalide(f"Enregistrez d'abord la réunion de l'équipe pour l'épreuve {epreuve.code} : chaque "
                          "décision est prise en réunion.")
    courante = _courante(session, eleve_id, epreuve.code, situation)
    if (courante.id if courante else None) != remplace_id:
        raise DecisionConcurrente(_message_concurrence(courante))
    decision = DecisionCcf(eleve_id=eleve_id, epreuve=epreuve.code, situation=situation, niveau=niveau,
                           commentaire=commentaire.strip(), reunion_id=reunion.id, auteur_id=acteur.compte_id,
                           cree_le=instant or maintenant(), remplace_id=remplace_id)
    session.add(decision)
    try:
        session.flush()
    except IntegrityError as exc:
        # A colleague's decision was committed between our check and our write: read it in a fresh session.
        with Session(session.get_bind()) as autre:
            gagnante = _courante(autre, eleve_id, epreuve.code, situation)
        raise DecisionConcurrente(_message_concurrence(gagnante)) from exc
    return _decision(decision, session.get(Compte, acteur.compte_id), reunion.date_reunion)


def historique(session: Session, acteur, eleve_id: int, code_epreuve: str, situation: str) -> list[Decision]:
    """Every decision on a student × situation (or the overall opinion), latest first."""
    acces.exiger_enseignant_de_l_eleve(session, acteur, eleve_id)
    epreuve = _epreuve_de_l_eleve(session, _eleve(session, eleve_id), code_epreuve)
    requete = _requete_decisions().where(DecisionCcf.eleve_id == eleve_id, DecisionCcf.epreuve == epreuve.code,
                                         DecisionCcf.situation == situation.strip())
    return [_decision(*l) for l in session.execute(requete.order_by(DecisionCcf.id.desc()))]


def decisions_courantes(session: Session, acteur, division_id: int, code_epreuve: str) -> dict[tuple[int, str], Decision]:
    """The team's current decisions for a division and an épreuve: (student id, situation) → decision."""
    acces.exiger_enseignant_de_division(session, acteur, division_id)
    epreuve = _epreuve(session, _division(session, division_id), code_epreuve)
    requete = (_requete_decisions().join(Eleve, Eleve.id == DecisionCcf.eleve_id)
               .where(Eleve.division_id == division_id, DecisionCcf.epreuve == epreuve.code, _non_remplacee()))
    return {(d.eleve_id, d.situation): _decision(d, c, r) for d, c, r in session.execute(requete)}


# --- publication to the students -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    division_id: int
    epreuve: str
    publiee_par: str
    publiee_le: dt.datetime


def _derniere_publication(session: Session, division_id: int, epreuve: str) -> Publication | None:
    ligne = session.execute(
        select(PublicationCcf, Compte).join(Compte, Compte.id == PublicationCcf.publiee_par_id)
        .where(PublicationCcf.division_id == division_id, PublicationCcf.epreuve == epreuve)
        .order_by(PublicationCcf.publiee_le.desc(), PublicationCcf.id.desc()).limit(1)).first()
    return Publication(division_id, epreuve, ligne[1].nom_complet, ligne[0].publiee_le) if ligne else None


def publier(session: Session, acteur, division_id: int, code_epreuve: str,
            instant: dt.datetime | None = None) -> Publication:
    """Make the team's decisions of an épreuve, as they stand now, visible to the division's students."""
    acces.exiger_enseignant_de_division(session, acteur, division_id)
    epreuve = _epreuve(session, _division(session, division_id), code_epreuve)
    publication = PublicationCcf(division_id=division_id, epreuve=epreuve.code, publiee_par_id=acteur.compte_id,
                                 publiee_le=instant or maintenant())
    session.add(publication)
    session.flush()
    return Publication(division_id, epreuve.code, acteur.nom_complet, publication.publiee_le)


def derniere_publication(session: Session, acteur, division_id: int, code_epreuve: str) -> Publication | None:
    acces.exiger_enseignant_de_division(session, acteur, division_id)
    epreuve = _epreuve(session, _division(session, division_id), code_epreuve)
    return _derniere_publication(session, division_id, epreuve.code)


@dataclass(frozen=True)
class CcfDeLEleve:
    """What a student sees of one épreuve: the fiches the team selected, the decisions as last published."""

    epreuve: Epreuve
    selections: list[FicheCcf]
    publication: Publication | None
    decisions: list[Decision]  # the overall opinion ("") first, then by situation in référentiel order


def ccf_de_l_eleve(session: Session, acteur, eleve_id: int) -> list[CcfDeLEleve]:
    """For each épreuve of the student's référentiel: the selected fiches (always) and the decisions as they stood at
    the team's latest publication (never a decision recorded after it). The student reads their own; the teachers of
    the division read it too (to see what the student sees)."""
    if acteur.role not in (Role.ELEVE, Role.ENSEIGNANT):
        raise acces.AccesRefuse("Ce passeport n'est pas accessible avec votre compte.")
    acces.exiger_lecture_passeport(session, acteur, eleve_id)  # a teacher's read is journaled
    eleve = _eleve(session, eleve_id)
    division = eleve.division
    ref = referentiel.charger(division.referentiel)
    resultat = []
    for epreuve in epreuves.epreuves(session, division.etablissement_id, division.referentiel):
        selections = [f for f in _fiches_du_pole(session, eleve, epreuve) if f.selectionnee]
        publication = _derniere_publication(session, division.id, epreuve.code)
        decisions: list[Decision] = []
        if publication is not None:
            par_situation: dict[str, Decision] = {}
            requete = _requete_decisions().where(
                DecisionCcf.eleve_id == eleve_id, DecisionCcf.epreuve == epreuve.code,
                DecisionCcf.cree_le <= publication.publiee_le).order_by(DecisionCcf.cree_le, DecisionCcf.id)
            for ligne in session.execute(requete):
                decision = _decision(*ligne)
                par_situation[decision.situation] = decision  # the latest one before the publication wins
            ordre = {code: i for i, code in enumerate([AVIS_GLOBAL, *epreuve.situations(ref)])}
            decisions = sorted(par_situation.values(), key=lambda d: ordre.get(d.situation, len(ordre)))
        resultat.append(CcfDeLEleve(epreuve, selections, publication, decisions))
    return resultat
