"""Colours for everyone: the statut and positionnement colours that the pages and the heatmap actually draw stay
apart for people with deuteranopia, protanopia or tritanopia, carry a sign, and their ink is readable.

The colours are read from what the app draws (the badge HTML of ui/suivi.py on a teacher's fiche and on the
student's CCF page, the statut cells of the student's home, the heatmap's colour scale from analytics/charts.py),
then passed through ColorAide's simulations of the three common dichromacies."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re

import pytest
import streamlit as st
from coloraide import Color
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

import analytics
from analytics.entrepot import Entrepot
from passeport import libelles
from passeport.db import creer_engine, transaction
from passeport.models import Compte, Division, Eleve, Fiche, Positionnement
from passeport.services import ccf
from passeport.services.comptes import Utilisateur
from passeport.statut import Statut
from tests.conftest import RACINE, jeton_de_session
from ui.suivi import html_badge

# Brettel 1997 simulates full dichromacy for the three kinds; Machado 2009 (severity 1) is the other common model for
# the red-green ones. "None" is normal vision.
VISIONS = [None, ("deutan", "brettel"), ("protan", "brettel"), ("tritan", "brettel"), ("deutan", "machado"),
           ("protan", "machado")]
# Minimum CIEDE2000 distance between ANY two levels of one scale (in a heatmap any two levels can touch), in every
# vision. ΔE00 ≈ 2.3 is barely noticeable for two patches side by side; a level must be recognised at a glance in a
# small cell, against a legend elsewhere on screen, so several times more is needed. The defect reported in issue 14
# (Cerise Pro's "À reprendre" and "Maîtrisé" seen as one olive under deuteranopia) measures ΔE00 ≈ 11, the old blue
# statut scale's two lightest levels ≈ 11 under protanopia: 20 sits well above them and matches the spacing of
# ColorBrewer's 4-class schemes, made for such maps.
ECART_MIN = 20
CONTRASTE_MIN = 4.5  # WCAG 2.x, level AA, normal text

_DECLARATION = re.compile(r"background(?:-color)?:\s*(#[0-9a-fA-F]{6})\s*;\s*color:\s*(#[0-9a-fA-F]{6})")


def _vue(couleur: str, vision) -> Color:
    c = Color(couleur)
    if vision:
        c = c.filter(vision[0], method=vision[1])
    return c.convert("srgb").clip()


def ecart_minimal(couleurs: list[str]) -> tuple[float, str]:
    """The smallest ΔE00 between two of ``couleurs`` over every vision, and where it is."""
    pires = []
    for vision in VISIONS:
        for a, b in itertools.combinations(couleurs, 2):
            pires.append((_vue(a, vision).delta_e(_vue(b, vision), method="2000"), f"{a}/{b} vision {vision}"))
    return min(pires)


def contraste(encre: str, fond: str) -> float:
    return Color(encre).contrast(Color(fond))


def _verifier(paires: dict) -> None:
    """``paires``: level → (background, ink) as drawn. Every two backgrounds far apart, every ink readable."""
    ecart, ou = ecart_minimal([fond for fond, _ in paires.values()])
    assert ecart >= ECART_MIN, f"ΔE00 {ecart:.1f} < {ECART_MIN} ({ou})"
    for niveau, (fond, encre) in paires.items():
        assert contraste(encre, fond) >= CONTRASTE_MIN, (niveau, fond, encre)


def test_the_check_catches_the_defect_of_the_issue():
    """The olive of issue 14: Cerise Pro's red and dark green under deuteranopia are too close for the check."""
    rouge, vert = "#d62728", "#1a7f37"
    assert _vue(rouge, None).delta_e(_vue(vert, None), method="2000") > 40  # far apart in normal vision
    assert ecart_minimal([rouge, vert])[0] < 12
    assert ecart_minimal(["#e9ecef", "#a6cee3", "#4f94c4", "#08306b"])[0] < 12  # the old statut blues too


def test_the_palettes_of_the_vocabulary():
    _verifier({n: (libelles.COULEURS_NIVEAU[n], libelles.ENCRES_NIVEAU[n]) for n in libelles.NIVEAUX})
    _verifier({s: (libelles.COULEURS_STATUT[s], libelles.ENCRES_STATUT[s]) for s in Statut})
    # A sign for each level, all different: a level never shown by its colour alone.
    assert len(set(libelles.SYMBOLES_NIVEAU.values())) == 4 == len(set(libelles.SYMBOLES_STATUT.values()))
    assert libelles.SYMBOLES_STATUT == {Statut.EVALUABLE: "E", Statut.REPETEE: "R", Statut.UNE_FOIS: "1",
                                        Statut.NON_TRAVERSEE: "—"}  # the printed grids' legend


def _badges(html: str) -> dict[int, tuple[str, str]]:
    """Level → (background, ink) of each badge found in ``html``, its sign and name checked."""
    trouves = {}
    for style, texte in re.findall(r'<span class="badge-niveau" style="([^"]*)">([^<]*)</span>', html):
        fond, encre = _DECLARATION.search(style).groups()
        sigle, nom = texte.split(" · ")
        niveau = next(n for n, s in libelles.SYMBOLES_NIVEAU.items() if s == sigle)
        assert nom == libelles.NIVEAUX[niveau]
        trouves[niveau] = (fond, encre)
    return trouves


def test_the_badge_of_each_level():
    badges = _badges("".join(html_badge(n, "Claire Martin") for n in (1, 2, 3, 4)))
    assert badges == {1: ("#b35806", "#ffffff"), 2: ("#fdb863", "#1f1f1f"), 3: ("#9c84c7", "#1f1f1f"),
                      4: ("#542788", "#ffffff")}
    _verifier(badges)
    assert html_badge(3) .count("AC · Acquis") == 1 and "/4" not in html_badge(3)
    assert "&lt;b&gt;" in html_badge(2, "<b>")  # what follows is escaped


# ---- what the pages draw, on a private copy of the demo school -------------------------------------------------

@pytest.fixture
def demo(demo_privee, monkeypatch):
    url, _ = demo_privee
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    engine = creer_engine(url)
    yield engine
    engine.dispose()
    st.cache_resource.clear()


def _page(login: str, page: str | None = None, **etat) -> AppTest:
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=60)
    at.session_state["jeton"] = jeton_de_session(os.environ["DATABASE_URL"], login)
    for cle, valeur in etat.items():
        at.session_state[cle] = valeur
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def _html(at: AppTest) -> str:
    return "".join(h.proto.body for h in at.get("html"))


def test_the_student_home_colours_statut_cells_with_the_one_palette(demo):
    at = _page("lea.moreau")
    dessines = {}
    for tableau in at.dataframe:
        valeurs = tableau.value
        if "Statut" not in valeurs.columns:
            continue
        colonne = list(valeurs.columns).index("Statut")
        for regle in tableau.proto.arrow_data.styler.styles.split("\n"):
            cellules = re.findall(r"_row(\d+)_col(\d+)", regle)
            fond, encre = _DECLARATION.search(regle).groups()
            for ligne, col in cellules:
                assert int(col) == colonne
                texte = valeurs.iloc[int(ligne), colonne]
                statut = next(s for s in Statut if texte == f"{libelles.SYMBOLES_STATUT[s]} · {libelles.STATUTS[s]}")
                assert dessines.setdefault(statut, (fond, encre)) == (fond, encre)
    assert len(dessines) >= 3, dessines  # Léa has fiches of several statuts
    assert dessines == {s: (libelles.COULEURS_STATUT[s], libelles.ENCRES_STATUT[s]) for s in dessines}
    _verifier(dessines)


def test_a_teacher_s_fiche_shows_the_positionnement_badge(demo):
    with Session(demo) as s:
        claire = s.scalar(select(Compte.id).where(Compte.login == "claire.martin"))
        position = s.scalars(select(Positionnement).where(Positionnement.enseignant_id == claire)
                             .order_by(Positionnement.id)).first()
        fiche_id = position.fiche_id
    at = _page("claire.martin", "pages/enseignant_fiche.py", fiche_suivie=fiche_id)
    badges = _badges(_html(at))
    assert badges, "aucun badge de positionnement"
    for niveau, paire in badges.items():
        assert paire == (libelles.COULEURS_NIVEAU[niveau], libelles.ENCRES_NIVEAU[niveau])


def test_the_student_ccf_page_shows_the_four_levels_in_the_same_badges(demo):
    with Session(demo) as s:
        compte = s.scalar(select(Compte).where(Compte.login == "claire.martin"))
        claire = Utilisateur(compte.id, compte.login, compte.role, compte.nom_complet, compte.etablissement_id)
        tga1 = s.scalar(select(Division).where(Division.nom == "TGA1"))
        eleve = s.scalars(select(Eleve).where(Eleve.division_id == tga1.id).order_by(Eleve.id)).first()
        login = s.scalar(select(Compte.login).where(Compte.id == eleve.compte_id))
        situations = sorted({f.situation for f in s.scalars(select(Fiche).where(Fiche.eleve_id == eleve.id))
                             if f.situation.startswith("1.")})[:4]
    assert len(situations) == 4
    with transaction(demo) as s:
        reunion = ccf.enregistrer_reunion(s, claire, tga1.id, "E31", dt.date(2026, 11, 20), [claire.compte_id])
        for niveau, situation in zip((1, 2, 3, 4), situations):
            ccf.decider(s, claire, eleve.id, "E31", situation, niveau, "", None, reunion.id)
        ccf.publier(s, claire, tga1.id, "E31")
    badges = _badges(_html(_page(login, "pages/eleve_ccf.py")))
    assert badges == {n: (libelles.COULEURS_NIVEAU[n], libelles.ENCRES_NIVEAU[n]) for n in (1, 2, 3, 4)}
    _verifier(badges)


def _classes_dessinees(figure) -> tuple[list[str], list[tuple[str, str]]]:
    """From the heatmap as drawn: the colour of each class of its (discrete) colour scale, and the (background, ink)
    of every cell that carries a sign."""
    carte = next(t for t in figure.data if t.type == "heatmap")
    echelle = [Color(c).convert("srgb").to_string(hex=True) for _, c in carte.colorscale]
    classes = echelle[::2]  # two stops per class: [k/n, c], [(k+1)/n, c]
    assert echelle[1::2] == classes
    signes = next(t for t in figure.data if t.type == "scatter" and t.text is not None)
    cases = [classes[int(k)] for ligne in carte.z for k in ligne]
    encres = signes.textfont.color
    return classes, [(fond, encre) for fond, encre, signe in zip(cases, encres, signes.text) if signe]


@pytest.mark.parametrize("metrique", ["statut", "positionnement"])
def test_the_heatmap_draws_the_one_palette(demo, metrique):
    with Session(demo) as s:
        division = s.scalar(select(Division.id).where(Division.nom == "1GA1"))
    entrepot = Entrepot(os.environ["DATABASE_URL"])
    figure = analytics.charts.carte_de_chaleur(analytics.carte(entrepot, division, metrique))
    classes, cases = _classes_dessinees(figure)
    palette = ([libelles.COULEURS_STATUT[s] for s in Statut] if metrique == "statut"
               else [libelles.COULEURS_NIVEAU[n] for n in libelles.NIVEAUX])
    assert set(palette) <= set(classes), classes
    # The levels apart from one another, and from what is not a level (an empty cell, a fiche not positioned), in
    # every vision. Two non-levels may look alike: they differ by their sign (« — » or nothing).
    autres = [c for c in classes if c not in palette]
    pires = [ecart_minimal(palette)] + [ecart_minimal([niveau, autre]) for niveau in palette for autre in autres]
    ecart, ou = min(pires)
    assert ecart >= ECART_MIN, f"ΔE00 {ecart:.1f} < {ECART_MIN} ({ou})"
    # The sign of each cell is readable on its colour.
    assert cases
    for fond, encre in set(cases):
        assert contraste(encre, fond) >= CONTRASTE_MIN, (fond, encre)


def test_the_aleas_of_each_fiche_use_the_map_s_aleas_colours():
    """The student profile's chart of each fiche (size = complexité, colour = aléas): three aléas levels apart."""
    import pandas as pd

    fiches = pd.DataFrame({"date_debut": pd.to_datetime(["2026-09-01", "2026-10-01", "2026-11-01"]),
                           "situation": ["1.1.1", "1.1.2", "1.1.1"], "situation_titre": ["a", "b", "a"],
                           "complexite": [1, 2, 3], "aleas": [0, 1, 2], "lieu": ["pfmp"] * 3, "ordre": [1, 2, 1]})
    marqueur = analytics.charts.echelle_complexite(fiches).data[0].marker
    echelle = [Color(c).convert("srgb").to_string(hex=True) for _, c in marqueur.colorscale]
    # One class per aléas level, centred on 0, 1, 2.
    assert (marqueur.cmin, marqueur.cmax) == (-0.5, 2.5) and len(echelle) == 6 and echelle[::2] == echelle[1::2]
    ecart, ou = ecart_minimal(echelle[::2])
    assert ecart >= ECART_MIN, f"ΔE00 {ecart:.1f} < {ECART_MIN} ({ou})"


@pytest.mark.parametrize("metrique", ["max_complexite", "max_aleas"])
def test_the_three_complexite_and_aleas_levels_of_the_map_stay_apart(metrique):
    classes = analytics.charts.classes_de(metrique)
    attendus = ["·", "1", "2", "3"] if metrique == "max_complexite" else ["·", "0", "1", "2"]
    assert [c.signe for c in classes] == attendus
    ecart, ou = ecart_minimal([c.couleur for c in classes])  # the empty cell included
    assert ecart >= ECART_MIN, f"ΔE00 {ecart:.1f} < {ECART_MIN} ({ou})"
    for c in classes:
        assert contraste(c.encre, c.couleur) >= CONTRASTE_MIN, c
