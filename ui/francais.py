"""French for the framework's own texts: a small browser script (francais.js) that translates the English texts of
Streamlit's widgets (file uploader, select boxes, input hints, table toolbar), makes select-box search ignore
accents, and asks Android's keyboard to shrink the page rather than cover its bottom (where « Enregistrer » is
stuck on a phone). Mounted once per page from app.py; it loads nothing from outside."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_COMPOSANT = st.components.v2.component(
    "passeport_francais", js=Path(__file__).with_name("francais.js").read_text(encoding="utf-8"),
)


def traduire_le_cadre() -> None:
    """Mount the translating script (it installs itself once per browser tab, whatever the reruns)."""
    _COMPOSANT(key="passeport_francais", height=0)
