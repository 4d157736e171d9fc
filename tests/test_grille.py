"""The printable class grid: its data (same analytics as the dashboard), its PDF read back, the dashboard's button."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import streamlit as st
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

import analytics
from passeport.db import creer_engine
from passeport.documents.grille import html_grille_classe, pdf_grille_classe
from passeport.models import Division
from passeport.services import couverture
from passeport.services.comptes import authentifier
from passeport.services.grille import filtres_en_mots, grille_de_la_division
from passeport.statut import Statut
from tests.conftest import RACINE, jeton_de_session
from tests.pdf import page_png, poppler

ARTEFACTS = RACINE / "tests" / "artefacts"
MM = 72 / 25.4


@pytest.fixture(scope="module")
def demo(demo_privee):
    url, _ = demo_privee
    engine = creer_engine(url)
    entrepot = analytics.Entrepot(url)
    with Session(engine) as s:
        martin = authentifier(s, "claire.martin", "passeport-demo")
        lea = authentifier(s, "lea.moreau", "passeport-demo")
        division_id = s.scalar(select(Division.id).where(Division.nom == "1GA1"))
        grille = grille_de_la_division(s, martin, entrepot, division_id, jour=dt.date(2026, 11, 30))
        statuts_lea = {l.code: l.statut for l in couverture.couverture_eleve(s, lea, lea.eleve_id)}
    yield {"url": url, "engine": engine, "entrepot": entrepot, "martin": martin, "division": division_id,
           "grille": grille, "statuts_lea": statuts_lea}
    entrepot.fermer()
    engine.dispose()


def test_the_grid_holds_each_pole_students_by_name_and_totals(demo):
    grille = demo["grille"]
    assert (grille.division, grille.annee_scolaire, grille.etablissement) == (
        "1GA1", "2026-2027", "Lycée professionnel Jean Moulin")
    assert [(p.code, len(p.situations)) for p in grille.poles] == [("1", 14), ("2", 15), ("3", 14), ("4", 12)]
    pole1 = grille.poles[0]
    assert len(pole1.lignes) == 24
    assert [l.eleve for l in pole1.lignes[:3]] == ["ANDRE Tom", "BARBIER Tom", "BLANCHARD Théo"]
    lea = next(l for l in pole1.lignes if l.eleve == "MOREAU Léa")
    # Léa crossed the 14 situations of pôle 1; 1.2.5 is the only evaluable one (as in her livret).
    assert (lea.traversees, lea.evaluables) == (14, 1)
    assert lea.symboles == ["1"] * 9 + ["E"] + ["1"] * 4
    # The same statut as everywhere else (passeport.statut through the student's coverage).
    for pole in grille.poles:
        ligne = next(l for l in pole.lignes if l.eleve == "MOREAU Léa")
        assert ligne.statuts == [demo["statuts_lea"][code] for code, _ in pole.situations]
    # Totals per situation are the students' counts of their rows.
    for k in range(len(pole1.situations)):
        assert pole1.traversee_par[k] == sum(l.statuts[k] != Statut.NON_TRAVERSEE for l in pole1.lignes)
        assert pole1.evaluable_pour[k] == sum(l.statuts[k] == Statut.EVALUABLE for l in pole1.lignes)


def test_filters_are_applied_and_said_in_words(demo):
    filtres = analytics.Filtres(debut=dt.date(2026, 9, 1), fin=dt.date(2027, 8, 31), lieux=("pfmp", "projet"),
                                natures=("reelle",))
    assert filtres_en_mots(filtres) == ["Période : du 01/09/2026 au 31/08/2027", "Lieux : Projet, PFMP",
                                        "Natures : Réelle"]
    assert filtres_en_mots(analytics.TOUT) == ["Période : tout le passeport", "Lieux : tous",
                                               "Natures : réelles et simulées"]
    with Session(demo["engine"]) as s:
        filtree = grille_de_la_division(s, demo["martin"], demo["entrepot"], demo["division"],
                                        analytics.Filtres(lieux=("pfmp",)), poles=["1"])
    assert [p.code for p in filtree.poles] == ["1"]
    lea = next(l for l in filtree.poles[0].lignes if l.eleve == "MOREAU Léa")
    assert (lea.traversees, lea.evaluables) == (9, 0)  # only her PFMP fiches count


def test_the_pdf_is_a4_landscape_one_page_per_pole_readable_in_black_and_white(demo, tmp_path):
    chemin = tmp_path / "grille.pdf"
    chemin.write_bytes(pdf_grille_classe(demo["grille"]))
    info = poppler("pdfinfo", chemin)
    assert "Pages:           4" in info and "841.89 x 595.276 pts (A4)" in info
    pages = poppler("pdftotext", "-layout", chemin, "-").split("\f")[:4]
    titres = ["Pôle 1 — Gestion administrative des relations externes", "Pôle 2 — Gestion administrative des relations",
              "Pôle 3 — Gestion administrative interne", "Pôle 4 — Gestion administrative des projets"]
    for i, (page, titre) in enumerate(zip(pages, titres), start=1):
        plat = re.sub(r"\s+", " ", page)
        assert titre in plat and f"page {i} / 4" in plat and "Division 1GA1" in plat
        assert "grille éditée le 30/11/2026 · Période : tout le passeport · Lieux : tous · Natures : réelles et " \
               "simulées" in plat
        assert "E Évaluable · R Répétée · 1 Traversée une fois · — Non traversée" in plat
        assert "MOREAU Léa" in plat and "TRAORÉ Lina" in plat
    ligne = next(l for l in pages[0].splitlines() if l.strip().startswith("MOREAU Léa"))
    assert ligne.split()[2:18] == ["1"] * 9 + ["E"] + ["1"] * 4 + ["14", "1"]  # then the titles beside
    assert "1.2.5 Traitement des règlements et suivi des litiges" in re.sub(r"\s+", " ", pages[0])
    boites = poppler("pdftotext", "-bbox", chemin, "-")
    mots = [(float(a), float(b), float(c), float(d)) for a, b, c, d in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', boites)]
    assert min(m[0] for m in mots) >= 10 * MM - 1 and max(m[2] for m in mots) <= 841.89 - 10 * MM + 1
    assert max(m[3] for m in mots) <= 595.276
    ARTEFACTS.mkdir(exist_ok=True)
    page_png(chemin, 1, ARTEFACTS / "grille-pole1.png")
    assert (ARTEFACTS / "grille-pole1.png").stat().st_size > 10_000


def test_names_are_text_in_the_html(demo):
    html = html_grille_classe(demo["grille"])
    assert "MOREAU Léa" in html and "<script" not in html


def test_the_dashboard_offers_the_grid(demo, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo["url"])
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=60)
        at.session_state["jeton"] = jeton_de_session(demo["url"], "claire.martin")
        at.run()
        at.switch_page("pages/enseignant_classe.py")
        at.run()
        assert not at.exception, at.exception
        assert "Grille de la classe (PDF)" in [b.proto.label for b in at.get("download_button")]
    finally:
        st.cache_resource.clear()
