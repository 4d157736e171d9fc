"""Read an XML file sent by a school's administration (SIECLE, STS-web) without trusting it.

- size capped before parsing (``TAILLE_MAX``), and a ZIP (SIECLE hands its exports zipped) opened only when it
  holds one XML file, read up to the same cap whatever its header claims;
- parsed by defusedxml with every DTD refused: no entity expansion (« billion laughs »), no external entity or
  DTD fetched; the administration's files never carry a DTD;
- the encoding comes from the XML declaration (ISO-8859-15 and UTF-8 both seen in these exports);
- a malformed or truncated file, a DTD, an oversized file: ``XmlInvalide`` with a French message naming the problem.
"""

from __future__ import annotations

import io
import zipfile
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as DefusedET
from defusedxml.common import DefusedXmlException

from passeport.csvio import FichierInvalide

# The largest exports seen are a few Mo for a 2,000-student lycée; 30 Mo leaves room and refuses anything absurd.
TAILLE_MAX = 30 * 1024 * 1024
_DEBUT_ZIP = b"PK\x03\x04"

# Expat's error codes a person can act upon (xml.parsers.expat.errors), in French.
_ERREURS_EXPAT = {
    3: "le fichier s'arrête avant la fin (fichier tronqué : téléchargez-le de nouveau)",
    4: "caractère illisible (le fichier n'est pas dans l'encodage qu'il déclare, ou contient un caractère non permis)",
    5: "le fichier s'arrête au milieu d'une balise (fichier tronqué : téléchargez-le de nouveau)",
    7: "balise de fermeture qui ne correspond pas à la balise ouverte",
    9: "du contenu après la fin du document",
    32: "déclaration XML mal écrite",
    18: "encodage inconnu dans la déclaration XML",
    19: "encodage de la déclaration XML différent de celui du fichier",
}


class XmlInvalide(FichierInvalide):
    """The file cannot be read as XML, or is refused for safety; ``erreurs`` says why, in French."""


def _taille_lisible(octets: int) -> str:
    return f"{octets / 1024 / 1024:.1f}".replace(".", ",") + " Mo"


def _contenu_du_zip(contenu: bytes) -> bytes:
    try:
        archive = zipfile.ZipFile(io.BytesIO(contenu))
        membres = [m for m in archive.infolist() if not m.is_dir()]
    except zipfile.BadZipFile:
        raise XmlInvalide(["Archive ZIP abîmée : téléchargez-la de nouveau."]) from None
    xmls = [m for m in membres if m.filename.lower().endswith(".xml")]
    if len(xmls) != 1:
        raise XmlInvalide([f"L'archive ZIP doit contenir un seul fichier XML ({len(xmls)} trouvé(s)) : "
                           "décompressez-la et envoyez le fichier XML."])
    try:
        with archive.open(xmls[0]) as flux:
            donnees = flux.read(TAILLE_MAX + 1)  # the header's size may lie: read no more than the cap
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        raise XmlInvalide(["Archive ZIP abîmée ou chiffrée : décompressez-la et envoyez le fichier XML."]) from None
    if len(donnees) > TAILLE_MAX:
        raise XmlInvalide([f"Le fichier {xmls[0].filename} décompressé dépasse {_taille_lisible(TAILLE_MAX)} : "
                           "ce n'est pas un export de l'établissement."])
    return donnees


def lire_xml(contenu: bytes) -> Element:
    """The root element of ``contenu`` (XML, or a ZIP holding one XML file), parsed safely (see the module)."""
    if len(contenu) > TAILLE_MAX:
        raise XmlInvalide([f"Fichier trop gros ({_taille_lisible(len(contenu))} ; {_taille_lisible(TAILLE_MAX)} "
                           "au plus)."])
    if not contenu.strip():
        raise XmlInvalide(["Le fichier est vide."])
    if contenu.startswith(_DEBUT_ZIP):
        contenu = _contenu_du_zip(contenu)
    try:
        return DefusedET.fromstring(contenu, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise XmlInvalide(["Le fichier contient une définition de type de document (DTD) ou des entités : refusé "
                           "par sécurité. Les exports de SIECLE et de STS-web n'en contiennent jamais."]) from None
    except ParseError as exc:
        ligne, colonne = exc.position
        raison = _ERREURS_EXPAT.get(exc.code, "XML mal formé")
        raise XmlInvalide([f"Fichier XML illisible, ligne {ligne}, colonne {colonne} : {raison}."]) from None
    except (LookupError, UnicodeError):
        raise XmlInvalide(["Encodage du fichier inconnu : la déclaration XML doit nommer ISO-8859-15, ISO-8859-1 "
                           "ou UTF-8."]) from None


def texte(element: Element | None, chemin: str) -> str:
    """The stripped text of the child at ``chemin`` (empty when absent): the exports' optional fields."""
    if element is None:
        return ""
    trouve = element.find(chemin)
    return (trouve.text or "").strip() if trouve is not None else ""
