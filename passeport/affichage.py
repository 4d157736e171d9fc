"""Student text shown as text: escaped for Streamlit's markdown so that no HTML, link or emphasis is interpreted."""

from __future__ import annotations

import re

# Every character that means something in CommonMark, GitHub tables, LaTeX or Streamlit's colour directives.
_SPECIAUX = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])")


def texte_brut(texte: str) -> str:
    """Markdown that renders exactly ``texte``, line breaks kept."""
    echappe = _SPECIAUX.sub(r"\\\1", texte)
    return "  \n".join(echappe.splitlines()) if echappe else ""
