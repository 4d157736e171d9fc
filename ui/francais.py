"""French for the framework's own texts: a small browser script (francais.js) that translates the English texts of
Streamlit's widgets (file uploader, select boxes, input hints, table toolbar), makes select-box search ignore
accents, and asks Android's keyboard to shrink the page rather than cover its bottom (where « Enregistrer » is
stuck on a phone). Mounted once per page from app.py; it loads nothing from outside.

Plotly charts get their French from their own configuration (CONFIG_PLOTLY): Streamlit's Plotly registers no
locale but English, and Plotly takes a locale handed with the chart (``config.locales``): months and days on date
axes, decimal comma, thousands separated by a space, the toolbar's tooltips."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from passeport.libelles import JOURS, MOIS

_COMPOSANT = st.components.v2.component(
    "passeport_francais", js=Path(__file__).with_name("francais.js").read_text(encoding="utf-8"),
)


def traduire_le_cadre() -> None:
    """Mount the translating script (it installs itself once per browser tab, whatever the reruns)."""
    _COMPOSANT(key="passeport_francais", height=0)


_JOURS_DIMANCHE_D_ABORD = [JOURS[-1], *JOURS[:-1]]  # Plotly's weeks start on Sunday
LOCALE_PLOTLY = {
    "moduleType": "locale",
    "name": "fr",
    "dictionary": {
        "Autoscale": "Échelle automatique", "Box Select": "Sélection rectangulaire",
        "Click to enter Colorscale title": "Titre de l'échelle de couleurs",
        "Compare data on hover": "Comparer les valeurs au survol", "Double-click to zoom back out":
        "Double-cliquez pour revenir", "Download plot": "Télécharger le graphique",
        "Download plot as a png": "Télécharger le graphique en PNG", "Lasso Select": "Sélection au lasso",
        "Orbital rotation": "Rotation orbitale", "Pan": "Déplacer", "Produced with Plotly.js": "Fait avec Plotly.js",
        "Reset": "Réinitialiser", "Reset axes": "Réinitialiser les axes", "Reset view": "Réinitialiser la vue",
        "Show closest data on hover": "Valeur la plus proche au survol", "Toggle Spike Lines":
        "Lignes de repère", "Toggle show closest data on hover": "Valeur la plus proche au survol",
        "Zoom": "Zoom", "Zoom in": "Zoom avant", "Zoom out": "Zoom arrière", "Turntable rotation": "Rotation",
        "Snapshot succeeded": "Image enregistrée", "Taking snapshot - this may take a few seconds":
        "Image en cours, quelques secondes…", "Sorry, there was a problem downloading your snapshot!":
        "L'image n'a pas pu être enregistrée.",
    },
    "format": {
        "days": [j.capitalize() for j in _JOURS_DIMANCHE_D_ABORD],
        "shortDays": [j[:3].capitalize() + "." for j in _JOURS_DIMANCHE_D_ABORD],
        "months": [m.capitalize() for m in MOIS],
        "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
                        "déc."],
        "date": "%d/%m/%Y", "decimal": ",", "thousands": "\u202f",
    },
}
# Hand it with every chart: st.plotly_chart(fig, config={**config, **CONFIG_PLOTLY}).
CONFIG_PLOTLY = {"locale": "fr", "locales": {"fr": LOCALE_PLOTLY}}
