"""How things are shown: student text as text (escaped for Streamlit's markdown, so that no HTML, link or emphasis
is interpreted), stored times at the school's clock."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from zoneinfo import ZoneInfo

# Every character that means something in CommonMark, GitHub tables, LaTeX or Streamlit's colour directives.
_SPECIAUX = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")


# A word joiner (invisible, zero width) after "://" and after a colon glued to a word stops the renderer from turning
# "https://…" into a link and ":material/home:" into an icon, which escaping alone does not prevent.
_JOINT = "\u2060"


def texte_brut(texte: str) -> str:
    """Markdown that renders exactly ``texte`` (plus invisible word joiners), line breaks kept."""
    echappe = _SPECIAUX.sub(r"\\\1", texte).replace("www", "w" + _JOINT + "ww")
    # Only where a colon touches a word or a slash: "https://", ":red[", ":material/…:" — not "Je dispose : …".
    echappe = re.sub(r"(\\:)(?=[^\s\\])", r"\1" + _JOINT, echappe)
    return "  \n".join(echappe.splitlines()) if echappe else ""


FUSEAU = "Europe/Paris"


def heure_locale(instant: dt.datetime) -> dt.datetime:
    """A stored time (naive UTC) as the clocks of a French school show it (naive, Europe/Paris)."""
    return instant.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(FUSEAU)).replace(tzinfo=None)


_UNITES = ((1024 ** 3, "Go"), (1024 ** 2, "Mo"), (1024, "Ko"))


def taille_lisible(octets: int) -> str:
    """A size in French units: "3 octets", "850 Ko", "12,6 Mo" (1 Ko = 1024 octets, as the quotas count)."""
    if octets < 1024:
        return f"{octets} octet" + ("s" if octets > 1 else "")
    for base, unite in _UNITES:
        if octets >= base:
            valeur = octets / base
            # One decimal below 100 (12,6 Mo), none above (850 Ko); "10,0" is written "10".
            texte = f"{valeur:.1f}" if valeur < 100 else f"{valeur:.0f}"
            if texte.endswith(".0"):
                texte = texte[:-2]
            if texte == "1024" and unite != "Go":  # 1023,96 Ko rounds up into the next unit
                return taille_lisible(base * 1024)
            return f"{texte.replace('.', ',')} {unite}"
    raise AssertionError("inaccessible")


def cherchable(libelle: str) -> str:
    """A select-box label whose accented letters are decomposed (é = e + combining accent): shown the same, but
    found by a search typed without accents ("reglement" finds "règlement"; ui/francais.js decomposes what is typed
    with accents the same way)."""
    return unicodedata.normalize("NFD", libelle)
