"""What the CCF team reads and prints: the class synthesis of an épreuve, a student's dossier, a meeting's minutes.

Read side only (the decisions, selections and meetings are written by passeport.services.ccf). Every function
taking an actor is a thin wrapper: the access check and the journal, then a ``construire_*`` function that the CLI
calls directly (it has no actor). Data comes in a few grouped queries over all the students at once.

A team decision is never overwritten: each new one points to the one it replaces (``remplace_id``), so the latest
decision of a student × situation is the one no other row points to.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport import acces, referentiel
from passeport.epreuves import Epreuve, epreuve as trouver_epreuve
from passeport.models import (
    Appreciation, Compte, DecisionCcf, Division, Eleve, Fiche, FicheVersion, Organisation, Pfmp, Positionnement, PublicationCcf,
    ReunionCcf, SelectionCcf,
)
from passeport.services.audit import journaliser_consultation
from passeport.services.livret import FicheImprimee, fiche_imprimee, pieces_imprimees
from passeport.statut import Statut, statut

LONGUEUR_TITRE_COURT = 48


class DossierIntrouvable(LookupError):
    """No such division, student or meeting; the message is safe to show."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# --- plain data ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SituationCcf:
    code: str
    titre: str
    titre_court: str
    pole_code: str


@dataclass(frozen=True)
class PositionEnseignant:
    """A teacher's latest positionnement on the student's fiches of one situation."""

    enseignant: str
    niveau: int
    le: dt.datetime


@dataclass(frozen=True)
class NiveauTuteur:
    """A tutor's level on one situation, from a PFMP report."""

    tuteur: str
    organisation: str
    niveau: int
    date_fin: dt.date


@dataclass(frozen=True)
class Decision:
    """One team decision (``niveau`` None: a comment only); ``situation`` "" is the overall opinion."""

    id: int
    situation: str
    niveau: int | None
    commentaire: str
    auteur: str
    le: dt.datetime
    reunion_id: int | None
    date_reunion: dt.date | None
    remplace_id: int | None


@dataclass
class CaseSituation:
    """One student × one situation of the épreuve."""

    situation: str
    statut: Statut
    fiches: int
    max_complexite: int | None
    max_aleas: int | None
    positions: list[PositionEnseignant]
    tuteurs: list[NiveauTuteur]
    decision: Decision | None
    selectionnees: int


@dataclass
class LigneEleve:
    eleve_id: int
    identifiant: str
    nom: str
    prenom: str
    cases: dict[str, CaseSituation]  # situation code → case, in référentiel order
    avis: Decision | None  # the team's latest overall opinion for the épreuve

    @property
    def nom_complet(self) -> str:
        return f"{self.prenom} {self.nom}".strip()

    @property
    def selectionnees(self) -> int:
        return sum(c.selectionnees for c in self.cases.values())


@dataclass
class SyntheseCcf:
    """The class synthesis of an épreuve: students (sorted by name) × situations of its pôle(s)."""

    division_id: int
    division: str
    annee_scolaire: str
    etablissement: str
    referentiel: str
    epreuve: Epreuve
    situations: list[SituationCcf]
    eleves: list[LigneEleve]
    publiee_le: dt.datetime | None  # the latest publication of the decisions to the students


@dataclass(frozen=True)
class AppreciationCcf:
    fiche_id: int | None  # None: on the whole passport
    fiche_titre: str
    auteur: str
    origine: str  # "enseignant" or "tuteur"
    texte: str
    le: dt.datetime

    @property
    def date(self) -> dt.date:
        return self.le.date()

    @property
    def qui(self) -> str:
        return "tuteur (depuis l'entreprise)" if self.origine == "tuteur" else "enseignant·e"


@dataclass(frozen=True)
class FicheSelectionnee(FicheImprimee):
    """A fiche the team selected for the épreuve, with every block of the student's text (never edited)."""

    version: int = 0
    choisie_par: str = ""
    choisie_le: dt.datetime | None = None

    @property
    def fiche_id(self) -> int:
        return self.id


@dataclass(frozen=True)
class BilanTuteur:
    organisation: str
    date_debut: dt.date
    date_fin: dt.date
    tuteur: str
    texte: str
    niveaux: dict[str, int]  # restricted to the épreuve's situations
    rempli_le: dt.datetime | None


@dataclass
class DossierEleve:
    """Everything of one student the team reads for one épreuve."""

    synthese: SyntheseCcf  # with one student
    ligne: LigneEleve
    fiches: list[FicheSelectionnee]
    bilans: list[BilanTuteur]
    appreciations: list[AppreciationCcf]
    historique: dict[str, list[Decision]] = field(default_factory=dict)  # situation ("" = avis) → oldest first

    @property
    def epreuve(self) -> Epreuve:
        return self.synthese.epreuve


@dataclass
class LigneCompteRendu:
    eleve_id: int
    nom_complet: str
    decisions: list[Decision]  # those recorded at this meeting, in situation order
    avis: Decision | None


@dataclass
class CompteRendu:
    """The minutes of a CCF meeting."""

    reunion_id: int
    division: str
    annee_scolaire: str
    etablissement: str
    epreuve: Epreuve
    date_reunion: dt.date
    presents: list[str]
    notes: str
    situations: list[SituationCcf]
    eleves: list[LigneCompteRendu]


# --- helpers ------------------------------------------------------------------------------------------------------


def cle_alpha(texte: str) -> str:
    """Sort key without accents nor case (« Émilie » between « Durand » and « Faure »)."""
    return unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode().casefold()


def titre_court(titre: str, longueur: int = LONGUEUR_TITRE_COURT) -> str:
    """The title cut at a word before ``longueur`` characters, with « … »."""
    if len(titre) <= longueur:
        return titre
    coupe = titre[:longueur].rsplit(" ", 1)[0].rstrip(" ,;:-–")
    return coupe + "…"


def _nom(prenom: str | None, nom: str | None, login: str = "") -> str:
    return f"{prenom or ''} {nom or ''}".strip() or login


def _division(session: Session, division_id: int) -> Division:
    division = session.get(Division, division_id)
    if division is None:
        raise DossierIntrouvable("Division introuvable.")
    return division


def _situations(division: Division, ep: Epreuve) -> list[SituationCcf]:
    ref = referentiel.charger(division.referentiel)
    return [SituationCcf(code, ref.situations[code].titre, titre_court(ref.situations[code].titre),
                         ref.situations[code].pole_code) for code in ep.situations(ref)]


def _eleves_de_la_division(session: Session, division_id: int) -> list[tuple[Eleve, Compte]]:
    """The students still in the division (not left), sorted by name then first name, accents ignored."""
    lignes = session.execute(select(Eleve, Compte).join(Compte, Compte.id == Eleve.compte_id)
                             .where(Eleve.division_id == division_id, Eleve.sorti_le.is_(None))).all()
    return sorted(lignes, key=lambda l: (cle_alpha(l[1].nom), cle_alpha(l[1].prenom), l[0].id))


def _decision(d: DecisionCcf, auteur: str, date_reunion: dt.date | None) -> Decision:
    return Decision(d.id, d.situation, d.niveau, d.commentaire, auteur, d.cree_le, d.reunion_id, date_reunion,
                    d.remplace_id)


def _decisions(session: Session, eleve_ids: list[int], code: str) -> dict[int, list[Decision]]:
    """Every decision of these students for the épreuve, per student, oldest first."""
    requete = (select(DecisionCcf, Compte.prenom, Compte.nom, Compte.login, ReunionCcf.date_reunion)
               .join(Compte, Compte.id == DecisionCcf.auteur_id)
               .outerjoin(ReunionCcf, ReunionCcf.id == DecisionCcf.reunion_id)
               .where(DecisionCcf.eleve_id.in_(eleve_ids), DecisionCcf.epreuve == code)
               .order_by(DecisionCcf.cree_le, DecisionCcf.id))
    par_eleve: dict[int, list[Decision]] = defaultdict(list)
    for d, prenom, nom, login, date_reunion in session.execute(requete):
        par_eleve[d.eleve_id].append(_decision(d, _nom(prenom, nom, login), date_reunion))
    return par_eleve


def dernieres(decisions: Iterable[Decision]) -> dict[str, Decision]:
    """The latest decision per situation: the one no other decision replaces (ties, which the database forbids,
    go to the latest written)."""
    decisions = list(decisions)
    remplacees = {d.remplace_id for d in decisions if d.remplace_id is not None}
    tetes: dict[str, Decision] = {}
    for d in decisions:  # oldest first: a later head wins
        if d.id not in remplacees:
            tetes[d.situation] = d
    return tetes


def historiques(decisions: Iterable[Decision]) -> dict[str, list[Decision]]:
    """Each situation's chain of decisions, oldest first, following ``remplace_id`` from the first one."""
    par_situation: dict[str, list[Decision]] = defaultdict(list)
    for d in decisions:
        par_situation[d.situation].append(d)
    chaines = {}
    for situation, liste in par_situation.items():
        suivante = {d.remplace_id: d for d in liste if d.remplace_id is not None}
        premieres = [d for d in liste if d.remplace_id is None]
        chaine, vues = [], set()
        for d in premieres:
            while d is not None and d.id not in vues:
                chaine.append(d)
                vues.add(d.id)
                d = suivante.get(d.id)
        chaine += [d for d in liste if d.id not in vues]  # a broken chain is still shown, in date order
        chaines[situation] = chaine
    return chaines


def _lignes(session: Session, eleves: list[tuple[Eleve, Compte]], situations: list[SituationCcf],
            code: str) -> tuple[list[LigneEleve], dict[int, list[Decision]]]:
    """One LigneEleve per student in the given order: six grouped queries, whatever the class size."""
    ids = [e.id for e, _ in eleves]
    codes = {s.code for s in situations}

    # Current versions of the non-deleted fiches on the épreuve's situations.
    fiches: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    situation_de_fiche: dict[int, tuple[int, str]] = {}
    for fiche_id, eleve_id, situation, complexite, aleas in session.execute(
            select(Fiche.id, Fiche.eleve_id, FicheVersion.situation, FicheVersion.complexite, FicheVersion.aleas)
            .join(FicheVersion, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
            .where(Fiche.eleve_id.in_(ids), Fiche.supprimee_le.is_(None), FicheVersion.situation.in_(codes))):
        fiches[(eleve_id, situation)].append((complexite, aleas))
        situation_de_fiche[fiche_id] = (eleve_id, situation)

    # Each teacher's latest positionnement on the student's fiches of a situation (latest date, then id).
    dernieres_positions: dict[tuple[int, str, int], tuple[tuple[dt.datetime, int], PositionEnseignant]] = {}
    for p, prenom, nom, login in session.execute(
            select(Positionnement, Compte.prenom, Compte.nom, Compte.login)
            .join(Compte, Compte.id == Positionnement.enseignant_id)
            .where(Positionnement.fiche_id.in_(list(situation_de_fiche)))):
        eleve_id, situation = situation_de_fiche[p.fiche_id]
        cle, rang = (eleve_id, situation, p.enseignant_id), (p.cree_le, p.id)
        if cle not in dernieres_positions or dernieres_positions[cle][0] < rang:
            dernieres_positions[cle] = (rang, PositionEnseignant(_nom(prenom, nom, login), p.niveau, p.cree_le))
    positions: dict[tuple[int, str], list[PositionEnseignant]] = defaultdict(list)
    for (eleve_id, situation, _), (_, position) in dernieres_positions.items():
        positions[(eleve_id, situation)].append(position)

    # Tutors' levels from the PFMP reports.
    tuteurs: dict[tuple[int, str], list[NiveauTuteur]] = defaultdict(list)
    for p, organisation in _pfmp_avec_bilan(session, ids):
        for situation, niveau in _niveaux(p.bilan_situations, codes).items():
            tuteurs[(p.eleve_id, situation)].append(NiveauTuteur(_tuteur(p), organisation, niveau, p.date_fin))

    # Active selections (on fiches still in the passport).
    selections: dict[tuple[int, str], int] = defaultdict(int)
    for (fiche_id,) in session.execute(
            select(SelectionCcf.fiche_id).where(SelectionCcf.eleve_id.in_(ids), SelectionCcf.epreuve == code,
                                                SelectionCcf.retiree_le.is_(None))):
        if fiche_id in situation_de_fiche:
            selections[situation_de_fiche[fiche_id]] += 1

    decisions = _decisions(session, ids, code)
    lignes = []
    for eleve, compte in eleves:
        tetes = dernieres(decisions.get(eleve.id, []))
        cases = {}
        for s in situations:
            paires = fiches.get((eleve.id, s.code), [])
            cases[s.code] = CaseSituation(
                situation=s.code, statut=statut(paires), fiches=len(paires),
                max_complexite=max((c for c, _ in paires), default=None),
                max_aleas=max((a for _, a in paires), default=None),
                positions=sorted(positions.get((eleve.id, s.code), []), key=lambda p: cle_alpha(p.enseignant)),
                tuteurs=sorted(tuteurs.get((eleve.id, s.code), []), key=lambda t: t.date_fin),
                decision=tetes.get(s.code), selectionnees=selections.get((eleve.id, s.code), 0),
            )
        lignes.append(LigneEleve(eleve.id, eleve.identifiant, compte.nom, compte.prenom, cases, tetes.get("")))
    return lignes, decisions


def _pfmp_avec_bilan(session: Session, eleve_ids: list[int]):
    return session.execute(select(Pfmp, Organisation.nom).join(Organisation, Organisation.id == Pfmp.organisation_id)
                           .where(Pfmp.eleve_id.in_(eleve_ids), Pfmp.bilan_le.is_not(None))
                           .order_by(Pfmp.date_debut)).all()


def _tuteur(p: Pfmp) -> str:
    return p.bilan_par or (f"{p.tuteur.prenom} {p.tuteur.nom}".strip() if p.tuteur else "")


def _niveaux(bilan_situations: str, codes: set[str]) -> dict[str, int]:
    try:
        niveaux = json.loads(bilan_situations or "{}")
    except ValueError:
        return {}
    return {s: int(n) for s, n in niveaux.items() if s in codes and isinstance(n, int) and 1 <= n <= 4}


def _publiee_le(session: Session, division_id: int, code: str) -> dt.datetime | None:
    return session.scalar(select(PublicationCcf.publiee_le).where(
        PublicationCcf.division_id == division_id, PublicationCcf.epreuve == code)
        .order_by(PublicationCcf.publiee_le.desc()).limit(1))


def _synthese(session: Session, division: Division, ep: Epreuve,
              eleves: list[tuple[Eleve, Compte]]) -> tuple[SyntheseCcf, dict[int, list[Decision]]]:
    situations = _situations(division, ep)
    lignes, decisions = _lignes(session, eleves, situations, ep.code)
    synthese = SyntheseCcf(division.id, division.nom, division.annee_scolaire, division.etablissement.nom,
                           division.referentiel, ep, situations, lignes, _publiee_le(session, division.id, ep.code))
    return synthese, decisions


# --- without access checks (the CLI, and the wrappers below) --------------------------------------------------------


def construire_synthese(session: Session, division_id: int, epreuve_code: str) -> SyntheseCcf:
    """The class synthesis of an épreuve (EpreuveInconnue for a code the division's référentiel does not have)."""
    division = _division(session, division_id)
    ep = trouver_epreuve(session, division.etablissement_id, division.referentiel, epreuve_code)
    return _synthese(session, division, ep, _eleves_de_la_division(session, division_id))[0]


def construire_dossiers(session: Session, division_id: int, epreuve_code: str,
                        eleve_ids: list[int] | None = None) -> list[DossierEleve]:
    """The dossiers of the division's students (or of some of them), sorted by name, in a few grouped queries."""
    division = _division(session, division_id)
    ep = trouver_epreuve(session, division.etablissement_id, division.referentiel, epreuve_code)
    eleves = _eleves_de_la_division(session, division_id)
    if eleve_ids is not None:
        voulus = set(eleve_ids)
        if eleves_sortis := [i for i in voulus if i not in {e.id for e, _ in eleves}]:
            # A student who left is still given their dossier when asked by id.
            eleves += session.execute(select(Eleve, Compte).join(Compte, Compte.id == Eleve.compte_id)
                                      .where(Eleve.id.in_(eleves_sortis), Eleve.division_id == division_id)).all()
        eleves = [l for l in eleves if l[0].id in voulus]
    synthese, decisions = _synthese(session, division, ep, eleves)
    ids = [e.id for e, _ in eleves]
    codes = [s.code for s in synthese.situations]
    ref = referentiel.charger(division.referentiel)

    choisies = session.execute(
        select(SelectionCcf, Fiche, FicheVersion, Compte.prenom, Compte.nom, Compte.login)
        .join(Fiche, Fiche.id == SelectionCcf.fiche_id)
        .join(FicheVersion, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
        .join(Compte, Compte.id == SelectionCcf.choisie_par_id)
        .where(SelectionCcf.eleve_id.in_(ids), SelectionCcf.epreuve == ep.code, SelectionCcf.retiree_le.is_(None),
               Fiche.supprimee_le.is_(None))).all()
    fiche_ids = {fiche.id for _, fiche, *_ in choisies}

    # Appréciations on the selected fiches and on the whole passport (withdrawn ones are not shown).
    appreciations: dict[int, list[AppreciationCcf]] = defaultdict(list)
    sur_fiche: dict[int, list[AppreciationCcf]] = defaultdict(list)
    for a, prenom, nom, login, titre in session.execute(
            select(Appreciation, Compte.prenom, Compte.nom, Compte.login, FicheVersion.titre)
            .outerjoin(Compte, Compte.id == Appreciation.auteur_id)
            .outerjoin(Fiche, Fiche.id == Appreciation.fiche_id)
            .outerjoin(FicheVersion, (FicheVersion.fiche_id == Fiche.id)
                       & (FicheVersion.numero == Fiche.version_courante))
            .where(Appreciation.eleve_id.in_(ids), Appreciation.retiree_le.is_(None))
            .order_by(Appreciation.cree_le, Appreciation.id)):
        if a.fiche_id is None or a.fiche_id in fiche_ids:
            ligne = AppreciationCcf(a.fiche_id, titre or "", a.auteur_nom or _nom(prenom, nom, login or ""),
                                    a.origine, a.texte, a.cree_le)
            appreciations[a.eleve_id].append(ligne)
            if a.fiche_id is not None:
                sur_fiche[a.fiche_id].append(ligne)

    pieces = pieces_imprimees(session, sorted(fiche_ids))  # the livret's attachments, images embedded small
    fiches: dict[int, list[FicheSelectionnee]] = defaultdict(list)
    for sel, fiche, version, prenom, nom, login in choisies:
        imprimee = fiche_imprimee(fiche, version, ref, pieces.get(fiche.id, []), sur_fiche.get(fiche.id, []))
        fiches[sel.eleve_id].append(FicheSelectionnee(
            **{c.name: getattr(imprimee, c.name) for c in dataclasses.fields(imprimee)},
            version=version.numero, choisie_par=_nom(prenom, nom, login), choisie_le=sel.choisie_le))
    ordre = {c: i for i, c in enumerate(codes)}
    for liste in fiches.values():
        liste.sort(key=lambda f: (ordre.get(f.situation, len(ordre)), f.date_debut, f.fiche_id))

    bilans: dict[int, list[BilanTuteur]] = defaultdict(list)
    for p, organisation in _pfmp_avec_bilan(session, ids):
        bilans[p.eleve_id].append(BilanTuteur(organisation, p.date_debut, p.date_fin, _tuteur(p), p.bilan_tuteur,
                                              _niveaux(p.bilan_situations, set(codes)), p.bilan_le))

    dossiers = []
    for ligne in synthese.eleves:
        seule = SyntheseCcf(synthese.division_id, synthese.division, synthese.annee_scolaire, synthese.etablissement,
                            synthese.referentiel, ep, synthese.situations, [ligne], synthese.publiee_le)
        dossiers.append(DossierEleve(seule, ligne, fiches.get(ligne.eleve_id, []), bilans.get(ligne.eleve_id, []),
                                     appreciations.get(ligne.eleve_id, []),
                                     historiques(decisions.get(ligne.eleve_id, []))))
    return dossiers


def construire_dossier(session: Session, eleve_id: int, epreuve_code: str) -> DossierEleve:
    eleve = session.get(Eleve, eleve_id)
    if eleve is None:
        raise DossierIntrouvable("Élève introuvable.")
    return construire_dossiers(session, eleve.division_id, epreuve_code, [eleve_id])[0]


def construire_compte_rendu(session: Session, reunion_id: int) -> CompteRendu:
    """The minutes of a meeting: per student, the decisions recorded at it (the last of each chain written at it)."""
    reunion = session.get(ReunionCcf, reunion_id)
    if reunion is None:
        raise DossierIntrouvable("Réunion introuvable.")
    division = _division(session, reunion.division_id)
    ep = trouver_epreuve(session, division.etablissement_id, division.referentiel, reunion.epreuve)
    situations = _situations(division, ep)
    eleves = _eleves_de_la_division(session, division.id)
    connus = {e.id for e, _ in eleves}
    # Students who left since still appear if the meeting decided something for them.
    autres = set(session.scalars(select(DecisionCcf.eleve_id).where(DecisionCcf.reunion_id == reunion_id))) - connus
    if autres:
        eleves += session.execute(select(Eleve, Compte).join(Compte, Compte.id == Eleve.compte_id)
                                  .where(Eleve.id.in_(autres))).all()
        eleves.sort(key=lambda l: (cle_alpha(l[1].nom), cle_alpha(l[1].prenom), l[0].id))
    decisions = _decisions(session, [e.id for e, _ in eleves], ep.code)
    ordre = {s.code: i for i, s in enumerate(situations)}
    lignes = []
    for eleve, compte in eleves:
        # Along each chain, the last decision written at this meeting (later corrections belong to later meetings).
        de_la_reunion = dernieres(d for d in decisions.get(eleve.id, []) if d.reunion_id == reunion_id)
        avis = de_la_reunion.pop("", None)
        lignes.append(LigneCompteRendu(eleve.id, _nom(compte.prenom, compte.nom, compte.login),
                                       sorted(de_la_reunion.values(), key=lambda d: ordre.get(d.situation, 999)),
                                       avis))
    presents = sorted((c.nom_complet for c in reunion.presents), key=cle_alpha)
    return CompteRendu(reunion.id, division.nom, division.annee_scolaire, division.etablissement.nom, ep,
                       reunion.date_reunion, presents, reunion.notes, situations, lignes)


# --- with access checks (pages) -----------------------------------------------------------------------------------


def synthese_division(session: Session, acteur, division_id: int, epreuve_code: str) -> SyntheseCcf:
    """The class synthesis for a teacher of the division; the read of every student's passport is journaled."""
    acces.exiger_enseignant_de_division(session, acteur, division_id)
    synthese = construire_synthese(session, division_id, epreuve_code)
    if synthese.eleves:
        journaliser_consultation(session, acteur, *[l.eleve_id for l in synthese.eleves])
    return synthese


def dossier_eleve(session: Session, acteur, eleve_id: int, epreuve_code: str) -> DossierEleve:
    """One student's CCF dossier, for a teacher of the student's division (journaled)."""
    acces.exiger_enseignant_de_l_eleve(session, acteur, eleve_id)
    dossier = construire_dossier(session, eleve_id, epreuve_code)
    journaliser_consultation(session, acteur, eleve_id)
    return dossier


def dossiers_division(session: Session, acteur, division_id: int,
                      epreuve_code: str) -> tuple[SyntheseCcf, list[DossierEleve]]:
    """Every dossier of the division (for the ZIP) and the synthesis, for a teacher of the division (journaled)."""
    acces.exiger_enseignant_de_division(session, acteur, division_id)
    synthese = construire_synthese(session, division_id, epreuve_code)
    dossiers = construire_dossiers(session, division_id, epreuve_code)
    if synthese.eleves:
        journaliser_consultation(session, acteur, *[l.eleve_id for l in synthese.eleves])
    return synthese, dossiers


def compte_rendu(session: Session, acteur, reunion_id: int) -> CompteRendu:
    """The minutes of a meeting, for a teacher of its division (journaled as a read of the class)."""
    reunion = session.get(ReunionCcf, reunion_id)
    if reunion is None:
        # Same answer as a meeting of another division: nothing is learnt about other classes.
        raise acces.AccesRefuse("Cette réunion n'est pas accessible avec votre compte.")
    acces.exiger_enseignant_de_division(session, acteur, reunion.division_id)
    cr = construire_compte_rendu(session, reunion_id)
    if cr.eleves:
        journaliser_consultation(session, acteur, *[l.eleve_id for l in cr.eleves])
    return cr


