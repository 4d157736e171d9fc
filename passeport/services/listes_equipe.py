"""The référentiel completed by the team: per school, the données, complexity factors and aléas of each situation.

The official lines (referentiels/<nom>-complexite-aleas.csv, only situation 1.1.1 for GA 2012) stay the base and
are never edited here; a school's teachers and its administrator add, change and remove their own lines, every
change is kept in a history (who, what, when). Import and export use exactly the official file's format
(``situation_code;type;libelle``); an import is all or nothing and adds only what is missing, so a second import of
the same file changes nothing.

Until the team fills a situation (per type: complexity factors, aléas), the fiche form and the question guide
suggest what students of the same school already wrote in their fiches' details (``propositions``): counted after
normalising case, accents, spaces and punctuation, most frequent first, never saying whose.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport import acces, referentiel as referentiels
from passeport.csvio import neutraliser, restaurer
from passeport.models import (
    TYPES_LISTE, Compte, Division, Eleve, Fiche, FicheVersion, HistoriqueListe, LigneListe, maintenant,
)
from passeport.referentiel import Referentiel
from passeport.saisie import caractere_interdit
from passeport.services.fiches import details

ENTETE = ["situation_code", "type", "libelle"]
LIBELLES_TYPE = {"donnee": "Données de la situation", "complexite": "Facteurs de complexité", "alea": "Aléas"}
LIBELLES_ACTION = {"ajout": "ajout", "modification": "modification", "suppression": "retrait", "import": "import"}
LONGUEUR_LIBELLE = 200
# A student's words are suggested to others only when at least this many OTHER students of the school wrote the
# same item (after normalisation). With 1, a classmate could read one identifiable student's words (a client's
# name, a personal incident) out of context; with 2, every suggestion is something several students met, which is
# what a "facteur fréquent" means, and no suggestion can be traced back to one person. Higher thresholds would leave
# most situations of a class of 24 without any suggestion.
ELEVES_MIN_SUGGESTION = 2
SUGGESTIONS_MAX = 8
LONGUEUR_MIN_CLE = 3
_SEPARATEURS = re.compile(r"[|;\n\r•]+")
_PUCE = re.compile(r"^\s*(?:[-*·]|\d+[.)])\s+")
_DEBUTS_INTERDITS = ("=", "+", "-", "@", "\t", "\r")


class ListeInvalide(ValueError):
    """A line or a file refused; ``erreurs`` lists every problem in French (``ligne N : …`` for a file)."""

    def __init__(self, erreurs: list[str] | str):
        self.erreurs = [erreurs] if isinstance(erreurs, str) else list(erreurs)
        self.message = "\n".join(self.erreurs)
        super().__init__(self.message)


@dataclass(frozen=True)
class LigneAffichee:
    """One line of a situation card; ``ligne_id`` None for an official line (not editable)."""

    situation: str
    type: str
    libelle: str
    ligne_id: int | None = None
    auteur: str = ""
    modifiee_le: object = None

    @property
    def officielle(self) -> bool:
        return self.ligne_id is None


@dataclass(frozen=True)
class LigneHistorique:
    quand: object
    auteur: str
    situation: str
    type: str
    action: str
    ancien: str
    nouveau: str


@dataclass(frozen=True)
class BilanImport:
    ajoutees: int
    deja_presentes: int


@dataclass(frozen=True)
class Propositions:
    """What the form and the guide offer for one situation: the lists (official + team) and, for a type the team
    has not filled, what other students of the school wrote (most frequent first, no names)."""

    situation: str
    donnees: list[str]
    facteurs: list[str]
    aleas: list[str]
    facteurs_suggeres: list[str]
    aleas_suggeres: list[str]


# --- pure helpers --------------------------------------------------------------------------------------------------

def cle(texte: str) -> str:
    """The counting key of a text: lower case, no accents, punctuation as spaces, single spaces."""
    t = unicodedata.normalize("NFKD", texte.casefold())
    t = "".join(c for c in t if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", t).split())


def items_de(details_texte: str) -> list[str]:
    """The items of a fiche's details: ``|``-separated, and within one, lines, « ; » and bullets split too."""
    items = []
    for morceau in _SEPARATEURS.split(details_texte or ""):
        morceau = _PUCE.sub("", morceau).strip(" \t.,:")
        if len(cle(morceau)) >= LONGUEUR_MIN_CLE:
            items.append(morceau)
    return items


def les_plus_frequents(par_eleve: list[tuple[int, str]], exclus: set[str] = frozenset(),
                       minimum: int = ELEVES_MIN_SUGGESTION, limite: int = SUGGESTIONS_MAX) -> list[str]:
    """(student, details text) pairs → the items written by at least ``minimum`` students, most students first
    (then most occurrences, then alphabetical), each in its most frequent spelling; keys in ``exclus`` left out."""
    eleves: dict[str, set[int]] = defaultdict(set)
    occurrences: Counter[str] = Counter()
    graphies: dict[str, Counter[str]] = defaultdict(Counter)
    for eleve_id, texte in par_eleve:
        for item in items_de(texte):
            k = cle(item)
            eleves[k].add(eleve_id)
            occurrences[k] += 1
            graphies[k][item] += 1
    retenues = [k for k in eleves if len(eleves[k]) >= minimum and k not in exclus]
    retenues.sort(key=lambda k: (-len(eleves[k]), -occurrences[k], k))
    resultat = []
    for k in retenues[:limite]:
        texte = max(graphies[k], key=lambda g: (graphies[k][g], g))
        resultat.append(texte[0].upper() + texte[1:])
    return resultat


def probleme_de_libelle(libelle: str) -> str | None:
    if not libelle:
        return "libellé vide"
    if len(libelle) > LONGUEUR_LIBELLE:
        return f"libellé trop long ({len(libelle)} caractères, {LONGUEUR_LIBELLE} au plus)"
    if caractere_interdit(libelle):
        return "libellé avec un caractère de contrôle invisible"
    if libelle.startswith(_DEBUTS_INTERDITS):
        return "un libellé ne peut pas commencer par =, +, -, @ (un tableur le lirait comme une formule)"
    return None


# --- access --------------------------------------------------------------------------------------------------------

def _etablissement(acteur, etablissement_id: int | None) -> int:
    etab = etablissement_id if etablissement_id is not None else acteur.etablissement_id
    acces.exiger_equipe_etablissement(acteur, etab)
    return etab


def _referentiel(nom: str) -> Referentiel:
    try:
        return referentiels.charger(nom)
    except KeyError:
        raise ListeInvalide(f"Référentiel « {nom} » inconnu.") from None


def _nom_auteur(session: Session, acteur) -> str:
    if acces.est_operateur(acteur):
        return acteur.nom_complet
    compte = session.get(Compte, acteur.compte_id)
    return compte.nom_complet if compte else ""


def _noter(session, acteur, etab, nom, situation, type_, action, ancien="", nouveau="") -> None:
    session.add(HistoriqueListe(etablissement_id=etab, referentiel=nom, situation=situation, type=type_,
                                action=action, ancien=ancien, nouveau=nouveau, compte_id=acteur.compte_id,
                                auteur_nom=_nom_auteur(session, acteur), cree_le=maintenant()))


def _lignes_equipe(session: Session, etab: int, nom: str) -> list[LigneListe]:
    return list(session.scalars(select(LigneListe).where(LigneListe.etablissement_id == etab,
                                                         LigneListe.referentiel == nom).order_by(LigneListe.id)))


def _ordre(ref: Referentiel):
    rang = {code: i for i, code in enumerate(ref.situations)}
    return lambda ligne: (rang.get(ligne.situation, len(rang)), TYPES_LISTE.index(ligne.type))


# --- reading -------------------------------------------------------------------------------------------------------

def lister(session: Session, acteur, nom: str, etablissement_id: int | None = None) -> list[LigneAffichee]:
    """Every line of the school's cards for référentiel ``nom``: official ones first in each situation × type."""
    etab = _etablissement(acteur, etablissement_id)
    ref = _referentiel(nom)
    lignes = [LigneAffichee(code, type_, libelle) for code, types in ref.listes.items()
              for type_, libelles in types.items() for libelle in libelles]
    equipe = _lignes_equipe(session, etab, nom)
    ids = {l.modifie_par_id or l.cree_par_id for l in equipe} - {None}
    auteurs = {c.id: c.nom_complet for c in session.scalars(select(Compte).where(Compte.id.in_(ids)))} if ids else {}
    lignes += [LigneAffichee(l.situation, l.type, l.libelle, l.id, auteurs.get(l.modifie_par_id or l.cree_par_id, ""),
                             l.modifie_le or l.cree_le) for l in equipe]
    return sorted(lignes, key=_ordre(ref))  # stable: official lines stay before the team's


def historique(session: Session, acteur, nom: str, etablissement_id: int | None = None,
               limite: int = 200) -> list[LigneHistorique]:
    """The latest changes of the school's lists, newest first."""
    etab = _etablissement(acteur, etablissement_id)
    rangs = session.scalars(select(HistoriqueListe).where(HistoriqueListe.etablissement_id == etab,
                                                          HistoriqueListe.referentiel == nom)
                            .order_by(HistoriqueListe.cree_le.desc(), HistoriqueListe.id.desc()).limit(limite))
    return [LigneHistorique(h.cree_le, h.auteur_nom, h.situation, h.type, h.action, h.ancien, h.nouveau) for h in rangs]


def referentiel_de_l_etablissement(session: Session, acteur, nom: str) -> Referentiel:
    """The référentiel ``nom`` whose lists are the official ones completed by the actor's school (any member of the
    school: students see these lists in their form)."""
    acces.exiger_membre_etablissement(acteur, acteur.etablissement_id)
    return _avec_equipe(_referentiel(nom), _lignes_equipe(session, acteur.etablissement_id, nom))


def _avec_equipe(ref: Referentiel, lignes: list[LigneListe]) -> Referentiel:
    listes = {code: {t: list(v) for t, v in types.items()} for code, types in ref.listes.items()}
    for ligne in lignes:
        deja = listes.setdefault(ligne.situation, {}).setdefault(ligne.type, [])
        if cle(ligne.libelle) not in {cle(x) for x in deja}:
            deja.append(ligne.libelle)
    return dataclasses.replace(ref, listes=listes)


def propositions(session: Session, acteur, nom: str, situation: str, sauf_eleve: int | None = None) -> Propositions:
    """The lists of one situation for the form and the guide, with the students' suggestions where the team has not
    filled the type. The actor's own fiches (a student) and ``sauf_eleve``'s never count."""
    acces.exiger_membre_etablissement(acteur, acteur.etablissement_id)
    etab = acteur.etablissement_id
    ref = _referentiel(nom)
    equipe = [l for l in _lignes_equipe(session, etab, nom) if l.situation == situation]
    complete = _avec_equipe(ref, equipe)
    equipe_types = {l.type for l in equipe}
    exclus = {e for e in (acteur.eleve_id, sauf_eleve) if e is not None}
    suggeres = {"complexite": [], "alea": []}
    if equipe_types >= {"complexite", "alea"}:
        return Propositions(situation, complete.listes.get(situation, {}).get("donnee", []),
                            complete.facteurs_complexite(situation), complete.aleas_types(situation), [], [])
    rangs = session.execute(
        select(Fiche.eleve_id, FicheVersion.complexite_details, FicheVersion.aleas_details)
        .join(FicheVersion, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
        .join(Eleve, Eleve.id == Fiche.eleve_id).join(Division, Division.id == Eleve.division_id)
        .where(Division.etablissement_id == etab, Division.referentiel == nom, FicheVersion.situation == situation,
               Fiche.supprimee_le.is_(None))).all()
    rangs = [r for r in rangs if r.eleve_id not in exclus]
    for type_, colonne, deja in (("complexite", 1, complete.facteurs_complexite(situation)),
                                 ("alea", 2, complete.aleas_types(situation))):
        if type_ not in equipe_types:
            suggeres[type_] = les_plus_frequents([(r[0], r[colonne]) for r in rangs], {cle(x) for x in deja})
    return Propositions(situation, complete.listes.get(situation, {}).get("donnee", []),
                        complete.facteurs_complexite(situation), complete.aleas_types(situation),
                        suggeres["complexite"], suggeres["alea"])


# --- writing -------------------------------------------------------------------------------------------------------

def _verifier(ref: Referentiel, situation: str, type_: str, libelle: str) -> str | None:
    if situation not in ref.situations:
        return f"situation {situation or '(vide)'} inconnue du référentiel {ref.nom}"
    if type_ not in TYPES_LISTE:
        return f"type « {type_} » inconnu (donnee, complexite ou alea)"
    return probleme_de_libelle(libelle)


def _deja(ref: Referentiel, lignes: list[LigneListe], situation: str, type_: str, libelle: str,
          sauf: int | None = None) -> bool:
    k = cle(libelle)
    officielles = ref.listes.get(situation, {}).get(type_, [])
    return (any(cle(x) == k for x in officielles)
            or any(l.situation == situation and l.type == type_ and cle(l.libelle) == k and l.id != sauf
                   for l in lignes))


def ajouter(session: Session, acteur, nom: str, situation: str, type_: str, libelle: str,
            etablissement_id: int | None = None) -> LigneAffichee:
    """Add one line to a situation card of the school."""
    etab = _etablissement(acteur, etablissement_id)
    ref = _referentiel(nom)
    libelle = (libelle or "").strip()
    if probleme := _verifier(ref, situation, type_, libelle):
        raise ListeInvalide(probleme[0].upper() + probleme[1:] + ".")
    if _deja(ref, _lignes_equipe(session, etab, nom), situation, type_, libelle):
        raise ListeInvalide(f"« {libelle} » est déjà dans la liste de la situation {situation}.")
    ligne = LigneListe(etablissement_id=etab, referentiel=nom, situation=situation, type=type_, libelle=libelle,
                       cree_par_id=acteur.compte_id, cree_le=maintenant())
    session.add(ligne)
    _noter(session, acteur, etab, nom, situation, type_, "ajout", nouveau=libelle)
    session.flush()
    return LigneAffichee(situation, type_, libelle, ligne.id, _nom_auteur(session, acteur), ligne.cree_le)


def _ligne(session: Session, acteur, ligne_id: int) -> LigneListe:
    ligne = session.get(LigneListe, ligne_id)
    if ligne is None:
        raise ListeInvalide("Cette ligne n'existe plus.")
    acces.exiger_equipe_etablissement(acteur, ligne.etablissement_id)
    return ligne


def modifier(session: Session, acteur, ligne_id: int, libelle: str) -> LigneAffichee:
    """Change the label of one of the team's lines (official lines are not editable)."""
    ligne = _ligne(session, acteur, ligne_id)
    libelle = (libelle or "").strip()
    ref = _referentiel(ligne.referentiel)
    if probleme := probleme_de_libelle(libelle):
        raise ListeInvalide(probleme[0].upper() + probleme[1:] + ".")
    if libelle == ligne.libelle:
        return LigneAffichee(ligne.situation, ligne.type, libelle, ligne.id)
    if _deja(ref, _lignes_equipe(session, ligne.etablissement_id, ligne.referentiel), ligne.situation, ligne.type,
             libelle, sauf=ligne.id):
        raise ListeInvalide(f"« {libelle} » est déjà dans la liste de la situation {ligne.situation}.")
    _noter(session, acteur, ligne.etablissement_id, ligne.referentiel, ligne.situation, ligne.type, "modification",
           ancien=ligne.libelle, nouveau=libelle)
    ligne.libelle, ligne.modifie_par_id, ligne.modifie_le = libelle, acteur.compte_id, maintenant()
    session.flush()
    return LigneAffichee(ligne.situation, ligne.type, libelle, ligne.id, _nom_auteur(session, acteur), ligne.modifie_le)


def retirer(session: Session, acteur, ligne_id: int) -> None:
    """Remove one of the team's lines; the history keeps its text."""
    ligne = _ligne(session, acteur, ligne_id)
    _noter(session, acteur, ligne.etablissement_id, ligne.referentiel, ligne.situation, ligne.type, "suppression",
           ancien=ligne.libelle)
    session.delete(ligne)
    session.flush()


# --- import and export ---------------------------------------------------------------------------------------------

def exporter_csv(session: Session, acteur, nom: str, etablissement_id: int | None = None) -> bytes:
    """The school's cards (official lines and the team's) in the format of the official file."""
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\n")
    ecrivain.writerow(ENTETE)
    for ligne in lister(session, acteur, nom, etablissement_id):
        ecrivain.writerow([ligne.situation, ligne.type, neutraliser(ligne.libelle)])
    return tampon.getvalue().encode("utf-8")


def _lire(contenu: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        texte = contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ListeInvalide("ligne 1 : le fichier n'est pas en UTF-8 (enregistrez-le en « CSV UTF-8 »)") from None
    if not texte.strip():
        raise ListeInvalide("ligne 1 : le fichier est vide")
    premiere = texte.splitlines()[0]
    separateur = ";" if ";" in premiere or "," not in premiere else ","
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur)
    entete = [c.strip() for c in next(lecteur)]
    if entete[:3] != ENTETE:
        raise ListeInvalide(f"ligne 1 : en-tête attendu « {';'.join(ENTETE)} » (trouvé « {';'.join(entete)} »)")
    lignes = []
    for numero, valeurs in enumerate(lecteur, start=2):
        if not any(v.strip() for v in valeurs):
            continue
        valeurs = valeurs + [""] * (3 - len(valeurs))
        lignes.append((numero, {"situation": valeurs[0].strip(), "type": valeurs[1].strip(),
                                "libelle": restaurer(valeurs[2].strip()), "en_trop": any(v.strip() for v in valeurs[3:])}))
    return lignes


def importer_csv(session: Session, acteur, nom: str, contenu: bytes,
                 etablissement_id: int | None = None) -> BilanImport:
    """Add the file's missing lines to the school's cards: all or nothing, every bad line reported in French."""
    etab = _etablissement(acteur, etablissement_id)
    ref = _referentiel(nom)
    existantes = _lignes_equipe(session, etab, nom)
    erreurs, vues, a_ajouter, deja = [], {}, [], 0
    for numero, l in _lire(contenu):
        situation, type_, libelle = l["situation"], l["type"], l["libelle"]
        probleme = "trop de colonnes (3 attendues)" if l["en_trop"] else _verifier(ref, situation, type_, libelle)
        if probleme:
            erreurs.append(f"ligne {numero} : {probleme}")
            continue
        k = (situation, type_, cle(libelle))
        if k in vues:
            erreurs.append(f"ligne {numero} : « {libelle} » en double (déjà à la ligne {vues[k]})")
            continue
        vues[k] = numero
        if _deja(ref, existantes, situation, type_, libelle):
            deja += 1
        else:
            a_ajouter.append((situation, type_, libelle))
    if erreurs:
        raise ListeInvalide(erreurs)
    for situation, type_, libelle in a_ajouter:
        session.add(LigneListe(etablissement_id=etab, referentiel=nom, situation=situation, type=type_,
                               libelle=libelle, cree_par_id=acteur.compte_id, cree_le=maintenant()))
        _noter(session, acteur, etab, nom, situation, type_, "import", nouveau=libelle)
    session.flush()
    return BilanImport(len(a_ajouter), deja)
