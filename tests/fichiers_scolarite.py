"""Hand-made SIECLE and STS-web exports following the real structures, for tests.

``E(...)`` describes one student and ``siecle(...)`` writes ElevesSansAdresses.xml, by default in ISO-8859-15 as
SIECLE does; ``individu``, ``division``, ``groupe`` and ``sts(...)`` write an sts_emp file.
Nothing is computed from the application: what a test expects is written in the test.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class E:
    eleve_id: str
    ine: str
    nom: str
    prenom: str
    division: str | None = None  # a D structure
    nom_usage: str = ""
    date_sortie: str = ""  # « 15/10/2026 »
    mef: str = "24732201210"
    groupes: tuple[str, ...] = ()
    autres_divisions: tuple[str, ...] = ()  # more D structures (« Inactifs »…)


def siecle(eleves: list[E], uaj: str = "0350001A", annee: str = "2026", encodage: str = "ISO-8859-15",
           mefs: dict[str, str] | None = None) -> bytes:
    """The file's bytes, declared and encoded in ``encodage``."""
    lignes = [f'<?xml version="1.0" encoding="{encodage}"?>', '<BEE_ELEVES VERSION="3.4">',
              f"<PARAMETRES><UAJ>{uaj}</UAJ><ANNEE_SCOLAIRE>{annee}</ANNEE_SCOLAIRE>"
              "<DATE_EXPORT>28/08/2026</DATE_EXPORT><HORODATAGE>28/08/2026 10:12:00</HORODATAGE></PARAMETRES>",
              "<DONNEES>"]
    if mefs:
        lignes.append("<NOMENCLATURES><MEFS>" + "".join(
            f'<MEF CODE_MEF="{code}"><FORMATION>{escape(libelle[:20])}</FORMATION>'
            f"<LIBELLE_LONG>{escape(libelle)}</LIBELLE_LONG></MEF>" for code, libelle in mefs.items())
            + "</MEFS></NOMENCLATURES>")
    lignes.append("<ELEVES>")
    for e in eleves:
        usage = f"<NOM_USAGE>{escape(e.nom_usage)}</NOM_USAGE>" if e.nom_usage else ""
        sortie = f"<DATE_SORTIE>{e.date_sortie}</DATE_SORTIE>" if e.date_sortie else ""
        lignes.append(
            f'<ELEVE ELEVE_ID="{e.eleve_id}" ELENOET="{e.eleve_id[-4:]}"><ID_NATIONAL>{e.ine}</ID_NATIONAL>'
            f"<NOM_DE_FAMILLE>{escape(e.nom)}</NOM_DE_FAMILLE>{usage}<PRENOM>{escape(e.prenom)}</PRENOM>"
            f"<DATE_NAISS>12/03/2010</DATE_NAISS><CODE_MEF>{e.mef}</CODE_MEF>{sortie}</ELEVE>")
    lignes.append("</ELEVES><STRUCTURES>")
    for e in eleves:
        structures = [(d, "D") for d in ((e.division,) if e.division else ()) + e.autres_divisions]
        structures += [(g, "G") for g in e.groupes]
        if structures:
            lignes.append(f'<STRUCTURES_ELEVE ELEVE_ID="{e.eleve_id}">' + "".join(
                f"<STRUCTURE><CODE_STRUCTURE>{escape(code)}</CODE_STRUCTURE><TYPE_STRUCTURE>{genre}</TYPE_STRUCTURE>"
                "</STRUCTURE>" for code, genre in structures) + "</STRUCTURES_ELEVE>")
    lignes.append("</STRUCTURES></DONNEES></BEE_ELEVES>")
    return "\n".join(lignes).encode(encodage)


def zippe(contenu: bytes, nom: str = "ElevesSansAdresses.xml") -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(nom, contenu)
    return tampon.getvalue()


# --- STS-web exports (sts_emp_<UAI>_<année>.xml) ---------------------------------------------------------------

def individu(ident: str, nom: str | None, prenom: str, fonction: str = "ENS", discipline: str = "ECO.GEST.",
             patronyme: str = "") -> str:
    usage = f"<NOM_USAGE>{nom}</NOM_USAGE>" if nom is not None else ""
    return (f'<INDIVIDU ID="{ident}" TYPE="epp">{usage}<NOM_PATRONYMIQUE>{patronyme or nom or ""}</NOM_PATRONYMIQUE>'
            f"<PRENOM>{prenom}</PRENOM><SEXE>2</SEXE><FONCTION>{fonction}</FONCTION>"
            f'<DISCIPLINES><DISCIPLINE CODE="L8011"><LIBELLE_COURT>{discipline}</LIBELLE_COURT>'
            "<NB_HEURES>18</NB_HEURES></DISCIPLINE></DISCIPLINES></INDIVIDU>")


def _balises_enseignants(ids) -> str:
    return "".join(f'<ENSEIGNANT ID="{i}" TYPE="epp"><PRIORITE>1</PRIORITE></ENSEIGNANT>' for i in ids)


def division(code: str, *ids: str) -> str:
    return (f'<DIVISION CODE="{code}"><LIBELLE_LONG>{code}</LIBELLE_LONG><SERVICES>'
            f'<SERVICE CODE_MATIERE="030201" CODE_MOD_COURS="CG"><ENSEIGNANTS>{_balises_enseignants(ids)}</ENSEIGNANTS>'
            "</SERVICE></SERVICES></DIVISION>")


def groupe(code: str, appartenance: list[str], *ids: str) -> str:
    divisions = "".join(f'<DIVISION_APPARTENANCE CODE="{d}"/>' for d in appartenance)
    return (f'<GROUPE CODE="{code}"><DIVISIONS_APPARTENANCE>{divisions}</DIVISIONS_APPARTENANCE><SERVICES>'
            f'<SERVICE CODE_MATIERE="030602"><ENSEIGNANTS>{_balises_enseignants(ids)}</ENSEIGNANTS></SERVICE></SERVICES>'
            "</GROUPE>")


def sts(individus: list[str], divisions: list[str], groupes: list[str] = (), uaj: str = "0350001A",
        annee: str = "2026", parametres_en_texte: bool = False) -> bytes:
    """An sts_emp file in ISO-8859-15, as STS-web writes it (parameters as attributes, or as text)."""
    if parametres_en_texte:
        parametres = f"<UAJ>{uaj}</UAJ><ANNEE_SCOLAIRE>{annee}</ANNEE_SCOLAIRE>"
    else:
        parametres = f'<UAJ CODE="{uaj}"/><ANNEE_SCOLAIRE ANNEE="{annee}"/>'
    texte = ('<?xml version="1.0" encoding="ISO-8859-15"?>\n<STS_EDT><PARAMETRES>' + parametres +
             "<HORODATAGE>01/09/2026 10:00:00</HORODATAGE></PARAMETRES><DONNEES><NOMENCLATURES/>"
             f"<INDIVIDUS>{''.join(individus)}</INDIVIDUS><STRUCTURE><DIVISIONS>{''.join(divisions)}</DIVISIONS>"
             f"<GROUPES>{''.join(groupes)}</GROUPES></STRUCTURE></DONNEES></STS_EDT>\n")
    return texte.encode("iso-8859-15")


# « Billion laughs »: ten levels of ten references, a billion « lol » once expanded.
MILLIARD_DE_RIRES = ("""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">""" + "".join(
    f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + """]><BEE_ELEVES><PARAMETRES><UAJ>&lol9;</UAJ></PARAMETRES></BEE_ELEVES>""").encode()
# An external entity that would read a file of the server.
ENTITE_EXTERNE = b"""<?xml version="1.0"?>
<!DOCTYPE BEE_ELEVES [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<BEE_ELEVES><PARAMETRES><UAJ>&secret;</UAJ></PARAMETRES></BEE_ELEVES>"""
