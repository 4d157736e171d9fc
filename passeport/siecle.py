"""Read the students' export of SIECLE (« Base élèves établissement »): ``ElevesSansAdresses.xml``.

Structure (root ``BEE_ELEVES``): ``PARAMETRES/UAJ`` and ``ANNEE_SCOLAIRE`` (« 2026 » for 2026-2027);
``DONNEES/ELEVES/ELEVE`` (``ELEVE_ID``, ``ID_NATIONAL`` = INE, ``NOM_DE_FAMILLE``, ``NOM_USAGE``, ``PRENOM``,
``DATE_NAISS``, ``DATE_SORTIE``, ``CODE_MEF``); ``DONNEES/STRUCTURES/STRUCTURES_ELEVE`` by ``ELEVE_ID``, each
``STRUCTURE`` with its ``CODE_STRUCTURE`` and ``TYPE_STRUCTURE`` (``D`` the division, ``G`` a group). Identifiers
are read from an attribute or a child element, as exports differ between versions. A student's problems (bad
date, empty name) are kept with the student: the preview lists them all instead of stopping at the first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from passeport.models import Niveau
from passeport.services.rentree import ImportScolariteInvalide
from passeport.xml_sur import lire_xml, texte

# SIECLE keeps the students who left in a pseudo-division of this name: never a class.
DIVISION_DES_INACTIFS = "INACTIFS"
# The level a division's name or a MEF's wording gives (« 2GA1 », « 1ERE PRO GESTION-ADMINISTRATION »).
_NIVEAU_PAR_NOM = [
    (re.compile(r"^(2NDE?|SECONDE|2)", re.I), Niveau.SECONDE),
    (re.compile(r"^(1ERE?|1RE|PREMIERE|1)", re.I), Niveau.PREMIERE),
    (re.compile(r"^(TLE|TERM|TERMINALE|T)", re.I), Niveau.TERMINALE),
]


@dataclass(frozen=True)
class EleveSiecle:
    """One student of the file; ``division`` is the code of their ``D`` structure (None: no class)."""

    eleve_id: str
    ine: str
    nom: str  # the usage name when there is one, else the family name
    prenom: str
    date_sortie: dt.date | None
    code_mef: str
    division: str | None
    groupes: tuple[str, ...] = ()
    problemes: tuple[str, ...] = ()

    @property
    def nom_complet(self) -> str:
        return f"{self.prenom} {self.nom}".strip()


@dataclass(frozen=True)
class FichierSiecle:
    uaj: str
    annee_scolaire: str  # « 2026-2027 »
    eleves: tuple[EleveSiecle, ...]
    libelles_mef: dict[str, str]  # CODE_MEF → wording, when the file carries the nomenclature


def niveau_du_nom(nom: str) -> Niveau | None:
    """The level written at the start of a division's name or a MEF's wording, if any."""
    propre = nom.strip().upper().replace("È", "E").replace("É", "E")
    for motif, niveau in _NIVEAU_PAR_NOM:
        if motif.match(propre):
            return niveau
    return None


def _identifiant(element: Element, nom: str) -> str:
    return (element.get(nom) or texte(element, nom)).strip()


def _date(valeur: str, quoi: str, problemes: list[str]) -> dt.date | None:
    if not valeur:
        return None
    try:
        return dt.datetime.strptime(valeur, "%d/%m/%Y").date()
    except ValueError:
        try:
            return dt.date.fromisoformat(valeur)
        except ValueError:
            problemes.append(f"{quoi} « {valeur} » illisible (format JJ/MM/AAAA attendu)")
            return None


def _annee(racine: Element) -> str:
    parametres = racine.find("PARAMETRES")
    brute = texte(parametres, "ANNEE_SCOLAIRE")
    if not brute and parametres is not None and parametres.find("ANNEE_SCOLAIRE") is not None:
        brute = (parametres.find("ANNEE_SCOLAIRE").get("ANNEE") or "").strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", brute)
    if not m or (m.group(2) and int(m.group(2)) != int(m.group(1)) + 1):
        raise ImportScolariteInvalide([f"Année scolaire du fichier absente ou illisible (PARAMETRES/ANNEE_SCOLAIRE "
                                       f"« {brute} ») : ce fichier n'est pas un export complet de SIECLE."])
    debut = int(m.group(1))
    return f"{debut}-{debut + 1}"


def _uaj(racine: Element) -> str:
    parametres = racine.find("PARAMETRES")
    uaj = texte(parametres, "UAJ")
    if not uaj and parametres is not None and parametres.find("UAJ") is not None:
        uaj = (parametres.find("UAJ").get("CODE") or "").strip()
    if not uaj:
        raise ImportScolariteInvalide(["Établissement du fichier absent (PARAMETRES/UAJ) : ce fichier n'est pas un "
                                       "export complet de SIECLE."])
    return uaj.upper()


def _verifier_racine(racine: Element) -> None:
    if racine.tag == "BEE_ELEVES":
        return
    if racine.tag in ("STS_EDT", "EDT_STS"):
        raise ImportScolariteInvalide([
            "Ce fichier vient de STS-web (enseignants et services), pas de SIECLE : importez-le à l'étape « Import "
            "STS-web ». Pour les élèves, exportez de SIECLE le fichier ElevesSansAdresses.xml."])
    raise ImportScolariteInvalide([
        f"Ce fichier n'est pas l'export des élèves de SIECLE (sa racine est « {racine.tag} », « BEE_ELEVES » "
        "attendu). Dans SIECLE : Base élèves établissement > Exploitation > Exports XML génériques > Élèves sans "
        "adresses."])


def _structures(racine: Element) -> dict[str, tuple[list[str], list[str]]]:
    """ELEVE_ID → (division codes, group codes)."""
    resultat: dict[str, tuple[list[str], list[str]]] = {}
    for bloc in racine.iterfind("DONNEES/STRUCTURES/STRUCTURES_ELEVE"):
        divisions, groupes = resultat.setdefault(_identifiant(bloc, "ELEVE_ID"), ([], []))
        for structure in bloc.iterfind("STRUCTURE"):
            code = texte(structure, "CODE_STRUCTURE")
            genre = texte(structure, "TYPE_STRUCTURE").upper()
            if not code:
                continue
            if genre == "D" and code.upper() != DIVISION_DES_INACTIFS:
                divisions.append(code)
            elif genre == "G":
                groupes.append(code)
    return resultat


def lire_siecle(contenu: bytes) -> FichierSiecle:
    """The students of a SIECLE export (XML, or the ZIP SIECLE hands out); see the module for the structure."""
    racine = lire_xml(contenu)
    _verifier_racine(racine)
    uaj, annee = _uaj(racine), _annee(racine)
    structures = _structures(racine)
    libelles_mef = {
        _identifiant(mef, "CODE_MEF"): texte(mef, "LIBELLE_LONG") or texte(mef, "FORMATION")
        for mef in racine.iterfind("DONNEES/NOMENCLATURES/MEFS/MEF")
    }
    eleves = []
    for element in racine.iterfind("DONNEES/ELEVES/ELEVE"):
        problemes: list[str] = []
        eleve_id = _identifiant(element, "ELEVE_ID")
        nom = texte(element, "NOM_USAGE") or texte(element, "NOM_DE_FAMILLE")
        prenom = texte(element, "PRENOM")
        if not eleve_id:
            problemes.append("ELEVE_ID absent")
        if not nom:
            problemes.append("nom absent (NOM_DE_FAMILLE)")
        if not prenom:
            problemes.append("prénom absent (PRENOM)")
        date_sortie = _date(texte(element, "DATE_SORTIE"), "date de sortie", problemes)
        divisions, groupes = structures.get(eleve_id, ([], []))
        if len(set(divisions)) > 1:
            problemes.append(f"plusieurs divisions ({', '.join(sorted(set(divisions)))})")
        eleves.append(EleveSiecle(
            eleve_id=eleve_id, ine=texte(element, "ID_NATIONAL").upper(), nom=nom, prenom=prenom,
            date_sortie=date_sortie, code_mef=texte(element, "CODE_MEF"),
            division=divisions[0] if divisions else None, groupes=tuple(sorted(set(groupes))),
            problemes=tuple(problemes),
        ))
    if not eleves:
        raise ImportScolariteInvalide(["Le fichier ne contient aucun élève (DONNEES/ELEVES/ELEVE)."])
    return FichierSiecle(uaj, annee, tuple(eleves), libelles_mef)
