"""How things are shown: student text as text (escaped for Streamlit's markdown, so that no HTML, link or emphasis
is interpreted), stored times at the school's clock."""

from __future__ import annotations

import datetime as dt
import re
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
