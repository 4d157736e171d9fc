"""Hand-made SIECLE exports (``ElevesSansAdresses.xml``) following the real structure, for tests.

``eleve(...)`` describes one student; ``siecle(...)`` writes the file, by default in ISO-8859-15 as SIECLE does.
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


# « Billion laughs »: ten levels of ten references, a billion « lol » once expanded.
MILLIARD_DE_RIRES = ("""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">""" + "".join(
    f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + """]><BEE_ELEVES><PARAMETRES><UAJ>&lol9;</UAJ></PARAMETRES></BEE_ELEVES>""").encode()
# An external entity that would read a file of the server.
ENTITE_EXTERNE = b"""<?xml version="1.0"?>
<!DOCTYPE BEE_ELEVES [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<BEE_ELEVES><PARAMETRES><UAJ>&secret;</UAJ></PARAMETRES></BEE_ELEVES>"""
