"""What the cockpit pages share: the analytics' copy of the store, the division choice, the filters."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict

import plotly.graph_objects as go
import streamlit as st

import analytics
from analytics.entrepot import VueEpinglee
from analytics.synthese import LIBELLES_LIEUX, LIBELLES_NATURES
from passeport.services import cockpit
from ui.commun import engine, session
from ui.francais import CONFIG_PLOTLY


@st.cache_resource
def entrepot_partage() -> analytics.Entrepot:
    """One persistent DuckDB copy of the store per server process (PASSEPORT_ANALYTIQUE_URL, e.g. a replica, else
    the application's store)."""
    import os

    return analytics.Entrepot(os.environ.get("PASSEPORT_ANALYTIQUE_URL")
                              or engine().url.render_as_string(hide_password=False))


def entrepot():
    """The copy for this page run: refreshed once per run, then pinned to that stamp (the services' later
    ``actualiser()`` calls in the same run cost nothing). Outside a Streamlit run: the shared copy itself."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    partage = entrepot_partage()
    contexte = get_script_run_ctx()
    if contexte is None:
        return partage
    # ctx.cursors is a new dict at each run (ScriptRunContext.reset): the pinned view is kept next to the dict it
    # was made for, held by reference so that a later run's dict can never be mistaken for it.
    deja = getattr(contexte, "_passeport_entrepot", None)
    if deja is not None and deja[0] is contexte.cursors and deja[1].source is partage:
        return deja[1]
    vue = VueEpinglee(partage, partage.actualiser())
    contexte._passeport_entrepot = (contexte.cursors, vue)
    return vue


# Streamlit's wide layout still keeps 5rem of padding on each side and 6rem above: on a 1366 px school PC with the
# sidebar open, that is 160 px of the heatmap's width. The cockpit pages take the whole width of the main area.
ECRAN_LARGE = """<style>
[data-testid="stMainBlockContainer"] { max-width: none; padding-left: 1.5rem; padding-right: 1.5rem;
  padding-top: 2.5rem; }
</style>"""


def ecran_large() -> None:
    """Use the full width of the main area on this page (a style only: no room taken)."""
    st.html(ECRAN_LARGE)


def choisir_division(utilisateur) -> cockpit.DivisionDuCockpit:
    """The division selector (remembered across pages); stops the page when the teacher has none."""
    with session() as s:
        divisions = cockpit.mes_divisions(s, utilisateur)
    if not divisions:
        st.info("Aucune division ne vous est encore attribuée : demandez à l'administrateur de l'établissement.")
        st.stop()
    ids = [d.id for d in divisions]
    if st.session_state.get("cockpit_division") not in ids:
        st.session_state["cockpit_division"] = ids[0]
    par_id = {d.id: d for d in divisions}
    choix = st.selectbox("Division", ids, key="cockpit_division", persist_state="session",
                         format_func=lambda i: f"{par_id[i].nom} · {par_id[i].annee_scolaire}")
    return par_id[choix]


def choisir_filtres(division: cockpit.DivisionDuCockpit, cle: str) -> analytics.Filtres:
    """Période, lieux and natures of the fiches counted. A wrong period gets a message and no filter."""
    with st.expander("Filtres : période, lieux, natures", icon=":material/filter_alt:"):
        colonnes = st.columns([1.2, 1, 1])
        periodes = ["Tout le passeport", f"Année {division.annee_scolaire}", "Dates choisies"]
        periode = colonnes[0].radio("Période (date des situations)", periodes, key=f"{cle}_periode")
        debut = fin = None
        if periode == periodes[1]:
            annee = analytics.Filtres.annee_scolaire(division.annee_scolaire)
            debut, fin = annee.debut, annee.fin
        elif periode == periodes[2]:
            debut = colonnes[0].date_input("Du", value=dt.date.today() - dt.timedelta(days=90), format="DD/MM/YYYY",
                                           key=f"{cle}_du")
            fin = colonnes[0].date_input("Au", value=dt.date.today(), format="DD/MM/YYYY", key=f"{cle}_au")
        lieux = colonnes[1].multiselect("Lieux", list(LIBELLES_LIEUX), format_func=LIBELLES_LIEUX.get,
                                        placeholder="Tous les lieux", key=f"{cle}_lieux")
        natures = colonnes[2].multiselect("Natures", list(LIBELLES_NATURES), format_func=LIBELLES_NATURES.get,
                                          placeholder="Réelles et simulées", key=f"{cle}_natures")
    try:
        return analytics.Filtres(debut=debut, fin=fin, lieux=tuple(lieux), natures=tuple(natures))
    except ValueError as exc:
        st.error(f"{exc} Le filtre de dates n'est pas appliqué.")
        return analytics.Filtres(lieux=tuple(lieux), natures=tuple(natures))


_FIGURES: OrderedDict[tuple, object] = OrderedDict()
_VERROU_FIGURES = threading.Lock()
FIGURES_MAX = 256  # figures kept by the server process, shared by every teacher (most recently used kept)


def figure(construire, *arguments, cle: tuple, division_id: int | None = None, eleve_id: int | None = None):
    """``construire(*arguments)``, built once per state of the data it draws and kept for every session of the
    server process.

    Building a Plotly figure validates every property in Python (≈ 0.1 s for a heatmap): more than the DuckDB
    query under it. The key is the copy's store and generation, the stamp of the division drawn (``division_id``,
    or the division of ``eleve_id``; the whole store when neither is given), and ``cle``: what else the figure
    depends on (filters, choices of the page). A change in the class gives a new stamp, hence a new figure; a
    change elsewhere leaves it ready. The figure handed out is never changed afterwards (st.plotly_chart
    serialises a copy)."""
    copie = entrepot()
    cle = (construire.__module__, construire.__qualname__, copie.url, copie.estampille.generation,
           copie.tampon(division_id=division_id, eleve_id=eleve_id), cle)
    with _VERROU_FIGURES:
        if cle in _FIGURES:
            _FIGURES.move_to_end(cle)
            return _FIGURES[cle]
    fig = _figee(construire(*arguments))
    with _VERROU_FIGURES:
        _FIGURES[cle] = fig
        while len(_FIGURES) > FIGURES_MAX:
            _FIGURES.popitem(last=False)
    return fig


class _FigureFigee(go.Figure):
    """A figure whose plain dict is made once: st.plotly_chart asks for ``to_dict()`` at every run (a deep copy of
    the whole figure) then walks it to encode its arrays; here both are done when the figure is kept."""

    def to_dict(self):
        return self._dict_fige


def _figee(fig: go.Figure) -> go.Figure:
    from _plotly_utils.utils import convert_to_base64

    contenu = fig.to_dict()
    convert_to_base64(contenu)  # what plotly.io.to_json does in place: done once, so never again on a shared dict
    fig.__class__ = _FigureFigee
    fig._dict_fige = contenu
    return fig


def graphique(fig, nom_fichier: str, **options):
    """A Plotly chart whose toolbar saves it as PNG under a meaningful name."""
    return st.plotly_chart(fig, config={**analytics.charts.config_png(nom_fichier), **CONFIG_PLOTLY}, width="stretch",
                           **options)


def ouvrir_profil(eleve_id: int, situation: str | None = None) -> None:
    st.session_state["cockpit_eleve"] = eleve_id
    st.session_state["cockpit_situation"] = situation
    st.switch_page("pages/enseignant_eleve.py")
