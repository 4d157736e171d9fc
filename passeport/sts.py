"""Read the STS-web export of a school's staff and the divisions they teach (``sts_emp_<UAI>_<année>.xml``).

STS-web (Mise à jour > Exports > Emplois du temps) writes a root ``STS_EDT`` holding ``PARAMETRES`` (the school's
UAJ, the school year) and ``DONNEES``: ``INDIVIDUS/INDIVIDU`` (every member of staff, teachers or not) and
``STRUCTURE``, whose ``DIVISIONS/DIVISION`` and ``GROUPES/GROUPE`` name, service by service, the teachers
(``ENSEIGNANT ID=…``). A teacher of a group teaches the divisions the group belongs to (``DIVISIONS_APPARTENANCE``).

The exports vary between versions: a field may be an attribute or a child element (``<UAJ CODE="…"/>`` or
``<UAJ>…</UAJ>``); both are read. Nothing is written here: ``passeport.services.rentree_sts`` makes the plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from passeport.services.rentree import ImportScolariteInvalide
from passeport.xml_sur import lire_xml, texte

_UAJ = re.compile(r"\d{7}[A-Z]")
_ANNEE = re.compile(r"(\d{4})(?:\s*[-/]\s*(\d{4}))?")


@dataclass(frozen=True)
class IndividuSts:
    id: str
    type: str
    nom: str           # NOM_USAGE, else NOM_PATRONYMIQUE
    prenom: str
    fonction: str      # « ENS » for a teacher, « DIR », « EDU », « DOC »… for the others
    discipline: str    # the short label of the first discipline, or ""
    divisions: tuple[str, ...]  # the divisions taught (directly or through a group), sorted, no duplicate


@dataclass(frozen=True)
class FichierSts:
    uaj: str
    annee_scolaire: str  # as the application writes it: « 2026-2027 »
    individus: tuple[IndividuSts, ...]


def _champ(element: Element | None, nom: str, attribut: str | None = None) -> str:
    """A field given as an attribute (``attribut``, or ``nom``) or as a child element's text."""
    if element is None:
        return ""
    for cle in (attribut, nom):
        if cle and element.get(cle) is not None:
            return element.get(cle, "").strip()
    return texte(element, nom)


def _refuser(message: str) -> ImportScolariteInvalide:
    return ImportScolariteInvalide([message])


def _verifier_racine(racine: Element) -> Element:
    """The INDIVIDUS element of an STS-web export; any other file refused, named."""
    if racine.tag == "BEE_ELEVES":
        raise _refuser("Ce fichier est l'export des élèves de SIECLE (ElevesSansAdresses.xml), à importer comme "
                       "fichier SIECLE, pas comme fichier STS-web. Rien n'a été enregistré.")
    emp_sts = ("Ce fichier est celui que le logiciel d'emploi du temps renvoie à STS-web (emp_sts…), pas l'export "
               "de STS-web : il ne contient pas les enseignants. Dans STS-web : Mise à jour > Exports > Emplois du "
               "temps, puis importez le fichier sts_emp_<UAI>_<année>.xml. Rien n'a été enregistré.")
    if racine.tag == "EDT_STS":
        raise _refuser(emp_sts)
    if racine.tag != "STS_EDT":
        raise _refuser(f"Ce fichier n'est pas un export de STS-web (racine {racine.tag}, au lieu de STS_EDT). "
                       "Rien n'a été enregistré.")
    individus = racine.find("DONNEES/INDIVIDUS")
    if individus is None:
        individus = next(racine.iter("INDIVIDUS"), None)
    if individus is None:
        raise _refuser(emp_sts)
    return individus


def _uaj(parametres: Element | None) -> str:
    element = parametres.find("UAJ") if parametres is not None else None
    uaj = (_champ(element, "CODE") or (element.text or "")) if element is not None else ""
    uaj = uaj.strip().upper()
    if not _UAJ.fullmatch(uaj):
        raise _refuser(f"Code de l'établissement (PARAMETRES/UAJ) {'absent' if not uaj else f'invalide : « {uaj} »'} "
                       "dans le fichier STS-web : il doit être de 7 chiffres et une lettre. Rien n'a été enregistré.")
    return uaj


def _annee(parametres: Element | None) -> str:
    """« 2026 » (the year the school year starts) as « 2026-2027 »; « 2026-2027 » accepted as well."""
    element = parametres.find("ANNEE_SCOLAIRE") if parametres is not None else None
    valeur = (_champ(element, "ANNEE") or (element.text or "").strip()) if element is not None else ""
    trouve = _ANNEE.fullmatch(valeur)
    if trouve:
        debut = int(trouve.group(1))
        fin = int(trouve.group(2)) if trouve.group(2) else debut + 1
        if 2000 <= debut <= 2100 and fin == debut + 1:
            return f"{debut}-{fin}"
    raise _refuser(f"Année scolaire (PARAMETRES/ANNEE_SCOLAIRE) {'absente' if not valeur else f'illisible : « {valeur} »'} "
                   "dans le fichier STS-web : l'année de la rentrée est attendue (par exemple 2026). "
                   "Rien n'a été enregistré.")


def _enseignants_de(element: Element) -> set[str]:
    """The teachers' ids anywhere under a division or a group (``SERVICES/SERVICE/ENSEIGNANTS/ENSEIGNANT``)."""
    return {i for e in element.iter("ENSEIGNANT") if (i := _champ(e, "ID"))}


def _divisions_par_enseignant(racine: Element) -> dict[str, set[str]]:
    divisions: dict[str, set[str]] = {}
    for structure in racine.iter("STRUCTURE"):
        for division in structure.iter("DIVISION"):
            code = _champ(division, "CODE")
            for ident in _enseignants_de(division) if code else ():
                divisions.setdefault(ident, set()).add(code)
        # A group's teacher teaches every division the group belongs to.
        for groupe in structure.iter("GROUPE"):
            codes = {c for d in groupe.iter("DIVISION_APPARTENANCE") if (c := _champ(d, "CODE"))}
            for ident in _enseignants_de(groupe) if codes else ():
                divisions.setdefault(ident, set()).update(codes)
    return divisions


def lire_sts(contenu: bytes) -> FichierSts:
    """The school, year and staff of an STS-web export (XML, or a ZIP holding it); a wrong file refused, named."""
    racine = lire_xml(contenu)
    individus = _verifier_racine(racine)
    parametres = racine.find("PARAMETRES")
    uaj, annee = _uaj(parametres), _annee(parametres)
    divisions = _divisions_par_enseignant(racine)
    lus: dict[str, IndividuSts] = {}
    for rang, individu in enumerate(individus.iter("INDIVIDU"), start=1):
        ident = _champ(individu, "ID")
        nom = _champ(individu, "NOM_USAGE") or _champ(individu, "NOM_PATRONYMIQUE")
        prenom = _champ(individu, "PRENOM")
        if not ident:
            raise _refuser(f"Individu n° {rang} du fichier STS-web ({prenom} {nom}) sans identifiant (ID) : fichier "
                           "abîmé ou modifié à la main ; exportez-le de nouveau. Rien n'a été enregistré.")
        if ident in lus:
            raise _refuser(f"L'identifiant {ident} est celui de deux individus du fichier STS-web : fichier abîmé "
                           "ou modifié à la main ; exportez-le de nouveau. Rien n'a été enregistré.")
        discipline = next(individu.iter("DISCIPLINE"), None)
        lus[ident] = IndividuSts(
            id=ident, type=_champ(individu, "TYPE"), nom=nom, prenom=prenom,
            fonction=_champ(individu, "FONCTION").upper(), discipline=_champ(discipline, "LIBELLE_COURT"),
            divisions=tuple(sorted(divisions.get(ident, ()))))
    return FichierSts(uaj=uaj, annee_scolaire=annee, individus=tuple(lus.values()))
