"""Load and validate the référentiel CSV files.

A référentiel is named by its file's stem: ``ga-2012`` is the top-level ``referentiel.csv`` (the default),
any other name is ``referentiels/<name>.csv``. Two column layouts are understood: GA 2012 (pôle, classe,
situation, compétence, critère) and AGORA 2020 (bloc, activité, compétence), where blocs, activités and
compétences play the roles of pôles, classes and situations.

The optional complexité/aléas lists live in ``referentiels/<name>-complexite-aleas.csv``.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass, field
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
REFERENTIEL_PAR_DEFAUT = "ga-2012"

# Column name in the file → role in the model, for each known layout.
_COLONNES_GA = {
    "pole_code": "pole_code",
    "pole_titre": "pole_titre",
    "classe_code": "classe_code",
    "classe_titre": "classe_titre",
    "situation_code": "code",
    "situation_titre": "titre",
    "competence_code": "competence_code",
    "competence": "competence",
    "critere_evaluation": "critere",
}
_COLONNES_AGORA = {
    "bloc_code": "pole_code",
    "bloc_titre": "pole_titre",
    "activite_code": "classe_code",
    "activite_titre": "classe_titre",
    "competence_code": "code",
    "competence": "titre",
}
_TYPES_LISTE = {"donnee", "complexite", "alea"}


class ReferentielInvalide(ValueError):
    """A référentiel file is broken; ``erreurs`` lists every problem as ``ligne N : …``."""

    def __init__(self, chemin: Path, erreurs: list[str]):
        self.chemin = chemin
        self.erreurs = erreurs
        super().__init__(f"Référentiel {chemin.name} invalide :\n" + "\n".join(erreurs))


@dataclass(frozen=True)
class Situation:
    code: str
    titre: str
    pole_code: str
    classe_code: str
    competence_code: str = ""
    competence: str = ""
    critere: str = ""


@dataclass(frozen=True)
class Classe:
    code: str
    titre: str
    pole_code: str


@dataclass(frozen=True)
class Pole:
    code: str
    titre: str


@dataclass
class Referentiel:
    """One diploma's framework: pôles → classes → situations, plus per-situation lists."""

    nom: str
    poles: dict[str, Pole]
    classes: dict[str, Classe]
    situations: dict[str, Situation]
    # situation code → {"donnee": [...], "complexite": [...], "alea": [...]}
    listes: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def situations_du_pole(self, pole_code: str) -> list[Situation]:
        return [s for s in self.situations.values() if s.pole_code == pole_code]

    def facteurs_complexite(self, code: str) -> list[str]:
        return self.listes.get(code, {}).get("complexite", [])

    def aleas_types(self, code: str) -> list[str]:
        return self.listes.get(code, {}).get("alea", [])


def chemin_referentiel(nom: str) -> Path:
    if nom == REFERENTIEL_PAR_DEFAUT:
        return RACINE / "referentiel.csv"
    return RACINE / "referentiels" / f"{nom}.csv"


def noms_disponibles() -> list[str]:
    """Names of the référentiels shipped with the application, default first."""
    autres = sorted(
        p.stem
        for p in (RACINE / "referentiels").glob("*.csv")
        # epreuves.csv maps the CCF épreuves to pôles (passeport.epreuves): data beside the référentiels, not one.
        if not p.stem.endswith("-complexite-aleas") and p.stem not in (REFERENTIEL_PAR_DEFAUT, "epreuves")
    )
    return [REFERENTIEL_PAR_DEFAUT, *autres]


def lire_referentiel(chemin: Path, nom: str | None = None) -> Referentiel:
    """Read and validate one référentiel file; raise ReferentielInvalide listing every bad line."""
    chemin = Path(chemin)
    with chemin.open(encoding="utf-8-sig", newline="") as f:
        lecteur = csv.DictReader(f, delimiter=";")
        entete = lecteur.fieldnames or []
        if set(_COLONNES_GA) <= set(entete):
            colonnes = _COLONNES_GA
        elif set(_COLONNES_AGORA) <= set(entete):
            colonnes = _COLONNES_AGORA
        else:
            raise ReferentielInvalide(
                chemin, ["ligne 1 : en-tête inconnu (colonnes attendues : " + ";".join(_COLONNES_GA) + ")"]
            )
        erreurs: list[str] = []
        poles: dict[str, Pole] = {}
        classes: dict[str, Classe] = {}
        situations: dict[str, Situation] = {}
        for brut in lecteur:
            numero = lecteur.line_num  # the physical line, blank lines included
            ligne = {role: (brut.get(col) or "").strip() for col, role in colonnes.items()}
            probleme = _probleme_de_ligne(ligne, situations)
            if probleme:
                erreurs.append(f"ligne {numero} : {probleme}")
                continue
            poles.setdefault(ligne["pole_code"], Pole(ligne["pole_code"], ligne["pole_titre"]))
            classes.setdefault(
                ligne["classe_code"], Classe(ligne["classe_code"], ligne["classe_titre"], ligne["pole_code"])
            )
            situations[ligne["code"]] = Situation(
                code=ligne["code"],
                titre=ligne["titre"],
                pole_code=ligne["pole_code"],
                classe_code=ligne["classe_code"],
                competence_code=ligne.get("competence_code", ""),
                competence=ligne.get("competence", ""),
                critere=ligne.get("critere", ""),
            )
    if not situations and not erreurs:
        erreurs.append("ligne 2 : aucune situation dans le fichier")
    if erreurs:
        raise ReferentielInvalide(chemin, erreurs)
    return Referentiel(nom or chemin.stem, poles, classes, situations)


def _probleme_de_ligne(ligne: dict[str, str], deja_vues: dict[str, Situation]) -> str | None:
    for role, libelle in (
        ("pole_code", "code du pôle"),
        ("classe_code", "code de la classe"),
        ("code", "code de la situation"),
        ("pole_titre", "titre du pôle"),
        ("classe_titre", "titre de la classe"),
        ("titre", "titre de la situation"),
    ):
        if not ligne[role]:
            return f"{libelle} vide"
    code, classe, pole = ligne["code"], ligne["classe_code"], ligne["pole_code"]
    if code in deja_vues:
        return f"la situation {code} apparaît deux fois"
    if not classe.startswith(pole + "."):
        return f"la classe {classe} ne commence pas par le code de son pôle {pole}"
    if not code.startswith(classe + "."):
        return f"la situation {code} ne commence pas par le code de sa classe {classe}"
    return None


def lire_listes(chemin: Path, referentiel: Referentiel) -> dict[str, dict[str, list[str]]]:
    """Read a complexité/aléas list file (situation_code;type;libelle) checked against the référentiel."""
    listes: dict[str, dict[str, list[str]]] = {}
    erreurs: list[str] = []
    with Path(chemin).open(encoding="utf-8-sig", newline="") as f:
        lecteur = csv.DictReader(f, delimiter=";")
        for brut in lecteur:
            numero = lecteur.line_num
            code = (brut.get("situation_code") or "").strip()
            type_ = (brut.get("type") or "").strip()
            libelle = (brut.get("libelle") or "").strip()
            if code not in referentiel.situations:
                erreurs.append(f"ligne {numero} : situation {code or '(vide)'} inconnue du référentiel")
            elif type_ not in _TYPES_LISTE:
                erreurs.append(f"ligne {numero} : type « {type_} » inconnu (donnee, complexite ou alea)")
            elif not libelle:
                erreurs.append(f"ligne {numero} : libellé vide")
            else:
                listes.setdefault(code, {}).setdefault(type_, []).append(libelle)
    if erreurs:
        raise ReferentielInvalide(Path(chemin), erreurs)
    return listes


@functools.cache
def charger(nom: str = REFERENTIEL_PAR_DEFAUT) -> Referentiel:
    """The référentiel named ``nom`` with its lists, read once per process."""
    chemin = chemin_referentiel(nom)
    if not chemin.exists():
        raise KeyError(f"référentiel inconnu : {nom}")
    referentiel = lire_referentiel(chemin, nom)
    chemin_listes = RACINE / "referentiels" / f"{nom}-complexite-aleas.csv"
    if chemin_listes.exists():
        referentiel.listes = lire_listes(chemin_listes, referentiel)
    return referentiel


def verifier_tous() -> list[Referentiel]:
    """Load every shipped référentiel: the app and the CLI call this at start so a broken file stops them."""
    return [charger(nom) for nom in noms_disponibles()]
