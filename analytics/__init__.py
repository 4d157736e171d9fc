"""Analytics over a snapshot of the store: DuckDB over Arrow (read through ADBC), never imports streamlit.

From a notebook::

    import analytics
    e = analytics.entrepot("sqlite:///data/passeport.sqlite")
    e.actualiser()
    carte = analytics.carte(e, division_id=1)
    analytics.charts.carte_de_chaleur(carte)
"""

import importlib

from analytics.couverture import METRIQUES, TRIS, Carte, carte, carte_depuis, couverture, export_couverture
from analytics.entrepot import Entrepot, entrepot
from analytics.filtres import TOUT, Filtres
from analytics.objectifs import MOTIFS, export_objectifs, objectifs
from analytics.profil import (
    couverture_par_classe, echelle, fiches_retenues, lieux_et_natures, progression_par_situation, tendance_mensuelle,
)
from analytics.synthese import (
    couverture_par_pole, eleves_silencieux, fiches, fiches_par_semaine, lieux_par_eleve, pole_signale,
    situations_de_la_classe,
)

__all__ = [
    "METRIQUES", "MOTIFS", "TOUT", "TRIS", "Carte", "Entrepot", "Filtres", "carte", "carte_depuis", "charts",
    "couverture", "couverture_par_classe", "couverture_par_pole", "echelle", "eleves_silencieux", "entrepot",
    "export_couverture", "export_objectifs", "exports", "fiches", "fiches_par_semaine", "fiches_retenues",
    "lieux_et_natures", "lieux_par_eleve", "objectifs", "pole_signale", "progression_par_situation",
    "situations_de_la_classe", "tendance_mensuelle",
]


def __getattr__(nom: str):
    """``analytics.charts`` and ``analytics.exports`` are imported at first use: Plotly and openpyxl take about a
    second to import, which a command that only writes a CSV should not pay."""
    if nom in ("charts", "exports"):
        return importlib.import_module(f"analytics.{nom}")
    raise AttributeError(f"module 'analytics' has no attribute {nom!r}")
