"""All French: a crawl of every page, for each role, on a private copy of the demo school, under AppTest.

Every text a page draws is collected (titles, markdown, captions, alerts, metrics, labels and options of widgets as
formatted, tab and expander labels, HTML blocks without their tags, the cells and headers of tables, the texts of
Plotly figures), and none may be Python's or the framework's English: "None", "nan", "NaT", "True", "False",
"Select all", "empty", "dd/mm/yyyy", an English month or day name, or a number written with a decimal point
("2.5" where French writes "2,5"). Texts drawn by the browser itself (the multiselect's "Select all", the date
picker's placeholder and months, Plotly's axes) are not visible here: ui/francais.js translates them, checked in a
browser by tests/test_parcours_francais.py."""

from __future__ import annotations

import html
import io
import json
import os
import re

import pandas as pd
import pyarrow as pa
import pytest
import streamlit as st
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from passeport.db import creer_engine, transaction
from passeport.models import Compte, Eleve, Fiche, Pfmp, Positionnement
from passeport.services import pfmp
from passeport.services.comptes import Utilisateur
from tests.conftest import RACINE, jeton_de_session

PAGES = sorted(p.stem for p in (RACINE / "pages").glob("*.py") if p.stem != "__init__")
COMPTES = {"lea.moreau": "eleve", "claire.martin": "enseignant", "sophie.leroy": "enseignant", "admin": "admin",
           "julien.garnier": "tuteur"}

MOIS_ANGLAIS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December", "Jan", "Feb", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec")
JOURS_ANGLAIS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Whole words (case as Python or the framework writes them), and fixed strings.
MOTS_INTERDITS = re.compile(r"\b(None|nan|NaN|NaT|True|False|empty|" + "|".join(MOIS_ANGLAIS + JOURS_ANGLAIS)
                            + r")\b|Select all|dd/mm/yyyy|Choose an option|No results")
# A decimal point: digits, one dot, digits, not part of a longer dotted run. So "2.5" is caught, while situation
# codes (1.1.1), versions (1.67.0), addresses (127.0.0.1) and dotted dates (29.11.2026) are not.
POINT_DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.]|\.\d)")
# A code of a classe de situations ("1.1", pôle 1 classe 1) is not a decimal: a pôle digit 1–4, a dot, one digit,
# written as a code: followed by " —", by its title (spaces and a capital letter) or by nothing, or preceded by
# "classe", "Classe" or "classes".
CODE_DE_CLASSE = re.compile(r"(?<![\w.])[1-4]\.\d(?![\w.])(?= —| -| +[A-ZÉ]|$)|(?<=[Cc]lasse )[1-4]\.\d\b"
                            r"|(?<=classes )[1-4]\.\d\b")
# Proto fields that hold no text for the reader.
CHAMPS_TECHNIQUES = {"id", "form_id", "key", "element_id", "type", "icon", "url", "page_script_hash", "css_class",
                     "default", "raw_value", "spec", "data", "arrow_data", "styles", "uuid", "display_values",
                     "theme", "columns", "column_order", "selection_mode", "disabled", "format", "step", "min",
                     "max", "label_visibility", "width", "height", "alt", "filename", "mime", "script_hash",
                     "page_name", "show_if", "value_changed", "js_content", "css_content", "html_content"}


def defauts(texte: str) -> list[str]:
    """What is not French in ``texte``: forbidden words and decimal points (codes of classes set aside)."""
    trouves = [m.group(0) for m in MOTS_INTERDITS.finditer(texte)]
    sans_codes = CODE_DE_CLASSE.sub("", texte)
    trouves += [m.group(0) for m in POINT_DECIMAL.finditer(sans_codes)]
    return trouves


def test_the_rules_of_the_crawl():
    assert defauts("Moyenne 2.5 fiches") == ["2.5"]
    assert defauts("situation 1.1.1 — Suivi · 3.2.3 · version 1.67.0 · 127.0.0.1 · le 29.11.2026") == []
    assert defauts("1.1 — Gestion des relations avec les fournisseurs") == []
    assert defauts("**4.2 Évaluation du projet** · 3/3 traversées") == defauts("4.2  Évaluation du projet") == []
    assert defauts("classe 4.2 de situations, 12.5 %") == ["12.5"]
    assert defauts("Organisation : None · nan · Select all · March 3 · Friday") == [
        "None", "nan", "Select all", "March", "Friday"]
    assert defauts("Nonette, Nantes, Mayenne, Truel, Décembre, 2,5") == []


# ---- collecting the texts of a page -----------------------------------------------------------------------------

def _sans_balises(corps: str) -> str:
    corps = re.sub(r"<(style|script)\b.*?</\1>", " ", corps, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", corps))


def _sans_echappements(texte: str) -> str:
    """Markdown as read: escapes and word joiners removed."""
    return re.sub(r"\\(.)", r"\1", texte).replace("\u2060", "")


def _repete(champ) -> bool:
    return champ.is_repeated if hasattr(champ, "is_repeated") else champ.label == champ.LABEL_REPEATED


def _textes_du_proto(message, chemin: str = "") -> list[tuple[str, str]]:
    textes = []
    for champ, valeur in message.ListFields():
        if champ.name in CHAMPS_TECHNIQUES:
            continue
        ici = f"{chemin}.{champ.name}"
        valeurs = list(valeur) if _repete(champ) else [valeur]
        for v in valeurs:
            if isinstance(v, str):
                textes.append((ici, v))
            elif hasattr(v, "ListFields"):
                textes.extend(_textes_du_proto(v, ici))
    return textes


def _tableau(arrow: bytes) -> pd.DataFrame:
    return pa.ipc.open_stream(io.BytesIO(arrow)).read_all().to_pandas()


def _formats(proto) -> dict[str, str]:
    """Column name → number format set by the page (column_config)."""
    try:
        config = json.loads(proto.columns) if proto.columns else {}
    except (AttributeError, ValueError):
        return {}
    return {str(nom).removeprefix("name:"): (c.get("type_config") or {}).get("format", "") or ""
            for nom, c in config.items() if isinstance(c, dict)}


def _textes_d_un_tableau(proto) -> list[tuple[str, str]]:
    """Headers and cells of a table as the reader sees them (the styler's display values when there is one). A
    column of decimal numbers is French when the page formats it "localized": the browser writes it in the reader's
    language ("2,5" in French)."""
    formats = _formats(proto) if hasattr(proto, "columns") else {}
    donnees = proto.arrow_data
    df = _tableau(donnees.styler.display_values) if donnees.styler.display_values else _tableau(donnees.data)
    textes = [("en-tête", str(c)) for c in df.columns]
    if df.empty:
        textes.append(("tableau sans ligne", "empty"))  # what the browser's grid writes in an empty table
    for colonne in df.columns:
        serie = df[colonne]
        if pd.api.types.is_bool_dtype(serie):
            continue  # drawn as check boxes
        for v in serie:
            if v is None or (not isinstance(v, (list, tuple, dict)) and pd.isna(v)):
                textes.append((f"cellule {colonne}", "None"))  # Streamlit writes "None" in an empty cell
            elif isinstance(v, float) and v.is_integer():
                textes.append((f"cellule {colonne}", str(int(v))))  # the grid writes 3.0 as "3"
            elif isinstance(v, float):
                if formats.get(str(colonne)) == "localized":
                    continue
                textes.append((f"cellule {colonne}", repr(v)))
            elif isinstance(v, (pd.Timestamp,)) or hasattr(v, "isoformat") and not isinstance(v, str):
                textes.append((f"cellule {colonne}", f"date brute {v}"))
            else:
                textes.append((f"cellule {colonne}", str(v)))
    return textes


_CLES_PLOTLY = {"text", "hovertext", "ticktext", "name", "title", "hovertemplate", "texttemplate"}


def _textes_plotly(spec: str) -> list[tuple[str, str]]:
    textes = []

    def visite(objet, cle=""):
        if isinstance(objet, dict):
            for k, v in objet.items():
                visite(v, k if k in _CLES_PLOTLY else (cle if k == "text" else k))
        elif isinstance(objet, list):
            for v in objet:
                visite(v, cle)
        elif isinstance(objet, str) and cle in _CLES_PLOTLY:
            # Plotly's own formats (%{y:.2~f}) are not text; what they produce is read in the browser.
            textes.append((f"plotly {cle}", re.sub(r"%\{[^}]*\}", "", _sans_balises(objet))))

    visite(json.loads(spec))
    return textes


def textes_de_la_page(at: AppTest) -> list[tuple[str, str]]:
    """(where, text) for every text the page draws."""
    textes = []

    def visite(noeud):
        proto = getattr(noeud, "proto", None)
        genre = type(noeud).__name__
        if proto is not None and hasattr(proto, "ListFields"):
            if genre == "Dataframe" or getattr(noeud, "type", "") in ("arrow_data_frame", "arrow_table"):
                textes.extend(_textes_d_un_tableau(proto))
            elif getattr(noeud, "type", "") == "plotly_chart":
                textes.extend(_textes_plotly(proto.spec))
            else:
                for ou, texte in _textes_du_proto(proto, genre):
                    if genre == "Html" or ou.endswith(".body") and "<" in texte:
                        texte = _sans_balises(texte)
                    textes.append((ou, _sans_echappements(texte)))
        for enfant in getattr(noeud, "children", {}).values():
            visite(enfant)

    visite(at._tree)
    return textes


# ---- the crawl ----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ecole(demo_privee):
    """The private demo school, with a tutor's link to Léa's current PFMP; ids the pages are opened with."""
    url, _ = demo_privee
    engine = creer_engine(url)
    with Session(engine) as s:
        def utilisateur(login):
            c = s.scalar(select(Compte).where(Compte.login == login))
            return Utilisateur(c.id, c.login, c.role, c.nom_complet, c.etablissement_id)
        claire = utilisateur("claire.martin")
        lea = s.scalar(select(Eleve).join(Compte, Eleve.compte_id == Compte.id).where(Compte.login == "lea.moreau"))
        fiche_positionnee = s.scalar(select(Positionnement.fiche_id).order_by(Positionnement.id))
        fiche_de_lea = s.scalar(select(Fiche.id).where(Fiche.eleve_id == lea.id).order_by(Fiche.id))
        pfmp_de_lea = s.scalar(select(Pfmp.id).where(Pfmp.eleve_id == lea.id).order_by(Pfmp.date_debut.desc()))
    with transaction(engine) as s:
        lien = pfmp.creer_lien(s, claire, pfmp_de_lea)
    engine.dispose()
    return {"url": url, "lea": lea.id, "fiche_positionnee": fiche_positionnee, "fiche_de_lea": fiche_de_lea,
            "lien": lien}


@pytest.fixture
def app_francaise(ecole, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", ecole["url"])
    st.cache_data.clear()
    st.cache_resource.clear()
    yield ecole
    st.cache_resource.clear()


def _ouvrir(login: str | None, page: str | None, etat: dict | None = None, lien: str | None = None) -> AppTest:
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=90)
    if login:
        at.session_state["jeton"] = jeton_de_session(os.environ["DATABASE_URL"], login)
    if lien:
        at.query_params["lien"] = lien
    at.run()
    if page:
        for cle, valeur in (etat or {}).items():
            at.session_state[cle] = valeur
        at.switch_page(f"pages/{page}.py")
        at.run()
    assert not at.exception, (login, page, at.exception)
    return at


def _visites() -> list[tuple[str, str, str]]:
    """(login, page, what is open) for every page of each role, and a few pages with something chosen."""
    visites = [(login, page, "") for login, role in COMPTES.items() for page in PAGES
               if page.startswith(role + "_") and page != "tuteur_lien"]
    visites += [("claire.martin", "enseignant_fiche", "fiche_positionnee"),
                ("claire.martin", "enseignant_eleve", "lea"),
                ("lea.moreau", "eleve_fiche", "fiche_de_lea"),
                (None, "tuteur_lien", "lien")]
    return visites


ETATS = {"fiche_positionnee": lambda e: {"fiche_suivie": e["fiche_positionnee"]},
         "lea": lambda e: {"cockpit_eleve": e["lea"]},
         "fiche_de_lea": lambda e: {"fiche_ouverte": e["fiche_de_lea"]}}


@pytest.mark.parametrize(("login", "page", "ouvert"), _visites(),
                         ids=[f"{l or 'lien'}-{p}{'-' + o if o else ''}" for l, p, o in _visites()])
def test_every_page_speaks_french(app_francaise, login, page, ouvert):
    if ouvert == "lien":
        at = _ouvrir(None, None, lien=app_francaise["lien"])
    else:
        at = _ouvrir(login, page, ETATS[ouvert](app_francaise) if ouvert else None)
    textes = textes_de_la_page(at)
    assert len(textes) > 3, textes
    fautes = sorted({(ou, texte[:160], tuple(defauts(texte))) for ou, texte in textes if defauts(texte)})
    assert fautes == [], "\n".join(map(str, fautes))


def test_the_administrator_s_consultation_of_a_passport_speaks_french(app_francaise):
    at = _ouvrir("admin", "admin_consultation")
    at.text_input(key="consultation_recherche").input("Moreau").run()
    at.text_input(key="consultation_motif").input("Demande de la famille").run()
    at.button(key="consultation_ouvrir").click().run()
    assert not at.exception, at.exception
    textes = textes_de_la_page(at)
    statuts = [t for ou, t in textes if ou == "cellule Statut"]
    assert "E · Évaluable" in statuts, statuts  # the passport is open, statuts with their sign
    fautes = sorted({(ou, texte[:160], tuple(defauts(texte))) for ou, texte in textes if defauts(texte)})
    assert fautes == [], "\n".join(map(str, fautes))
