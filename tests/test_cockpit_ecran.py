"""The cockpit on a school PC's screen (issue 14): every situation code readable at 1366 px, the metric controls
inside the window, the colour bar outside the map, an empty cell unlike the lowest level, levels shown by their
sign and never averaged. Figures are checked on hand-written frames; the pages in Chromium at 1366×768 and
1920×1080 on a private copy of the demo school (screenshots under tests/artefacts/)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analytics import charts
from analytics.couverture import carte_depuis, du_pole
from passeport import libelles
from passeport.statut import Statut

ARTEFACTS = Path(__file__).parent / "artefacts"
CODE = re.compile(r"^\d+\.\d+\.\d+$")


def _ligne(eleve_id, nom, situation, pole, ordre, nb=0, reelles=0, cmax=None, amax=None, statut="non_traversee",
           positionnement=None):
    return dict(eleve_id=eleve_id, identifiant=f"e{eleve_id}", nom=nom, prenom="Ana", division_id=1,
                division="1GA1", referentiel="ga-2012", situation=situation, titre=f"Titre {situation}",
                pole_code=pole, pole_titre=f"Pôle {pole}", classe_code=situation[:3], classe_titre="Classe",
                ordre=ordre, nb_fiches=nb, nb_reelles=reelles, max_complexite=cmax, max_aleas=amax, statut=statut,
                positionnement=positionnement, part_reelles=(reelles / nb) if nb else None, derniere_date=None)


@pytest.fixture
def couverture():
    """Two students, three situations (two in pôle 1, one in pôle 2), written by hand.

    Alba: 1.1.1 twice (complexité 1, aléas 0, latest positionnement Acquis), 1.1.2 once (complexité 3, aléas 2,
    Maîtrisé), 2.1.1 nothing. Bruno: 1.1.1 once (complexité 1, aléas 0, not positioned), nothing else."""
    return pd.DataFrame([
        _ligne(1, "Alba", "1.1.1", "1", 1, nb=2, reelles=1, cmax=1, amax=0, statut="repetee", positionnement=3),
        _ligne(1, "Alba", "1.1.2", "1", 2, nb=1, reelles=1, cmax=3, amax=2, statut="une_fois", positionnement=4),
        _ligne(1, "Alba", "2.1.1", "2", 3),
        _ligne(2, "Bruno", "1.1.1", "1", 1, nb=1, reelles=0, cmax=1, amax=0, statut="une_fois"),
        _ligne(2, "Bruno", "1.1.2", "1", 2),
        _ligne(2, "Bruno", "2.1.1", "2", 3),
    ])


def _cellules(fig):
    """(colour class, sign, ink) of each cell, row by row, as drawn."""
    heatmap, points = fig.data[0], fig.data[1]
    signes = list(points.text)
    encres = list(points.textfont.color)
    colonnes = len(heatmap.x)
    return [[(heatmap.z[i][j], signes[i * colonnes + j], encres[i * colonnes + j]) for j in range(colonnes)]
            for i in range(len(heatmap.y))]


def _couleur(fig, classe: int) -> str:
    echelle = fig.data[0].colorscale
    return echelle[2 * classe][1]


def test_an_empty_cell_is_not_the_lowest_complexity(couverture):
    fig = charts.carte_de_chaleur(carte_depuis(couverture, "max_complexite", "nom"))
    alba, bruno = _cellules(fig)
    # Alba: 1.1.1 complexité 1, 1.1.2 complexité 3, 2.1.1 no fiche.
    assert [c[:2] for c in alba] == [(1, "1"), (3, "3"), (0, "·")]
    assert [c[:2] for c in bruno] == [(1, "1"), (0, "·"), (0, "·")]
    assert _couleur(fig, 0) == libelles.COULEURS_STATUT[Statut.NON_TRAVERSEE]
    assert _couleur(fig, 1) != _couleur(fig, 0)
    assert list(fig.data[0].colorbar.ticktext) == ["Aucune fiche", "1 · situation courante",
                                                   "2 · un facteur de complexité", "3 · plusieurs facteurs de complexité"]
    # Totals count situations of complexité 2 or more: Alba 1 (1.1.2), Bruno 0; per situation 0, 1, 0.
    assert list(fig.data[3].x) == [1, 0] and list(fig.data[2].y) == [0, 1, 0]


def test_aleas_zero_is_a_level_not_an_empty_cell(couverture):
    fig = charts.carte_de_chaleur(carte_depuis(couverture, "max_aleas", "nom"))
    alba, bruno = _cellules(fig)
    assert [c[:2] for c in alba] == [(1, "0"), (3, "2"), (0, "·")]
    assert bruno[0][:2] == (1, "0")
    assert _couleur(fig, 1) != _couleur(fig, 0)


def test_statut_cells_carry_their_sign_and_ink(couverture):
    fig = charts.carte_de_chaleur(carte_depuis(couverture, "statut", "nom"))
    alba, bruno = _cellules(fig)
    assert alba == [(2, "R", libelles.ENCRES_STATUT[Statut.REPETEE]), (1, "1", libelles.ENCRES_STATUT[Statut.UNE_FOIS]),
                    (0, "·", libelles.ENCRES_STATUT[Statut.NON_TRAVERSEE])]
    assert [_couleur(fig, k) for k in range(4)] == [libelles.COULEURS_STATUT[s] for s in
                                                    (Statut.NON_TRAVERSEE, Statut.UNE_FOIS, Statut.REPETEE,
                                                     Statut.EVALUABLE)]
    assert fig.data[0].colorbar.ticktext[0] == "Non traversée (aucune fiche)"


def test_positionnement_is_a_level_name_never_an_average(couverture):
    carte = carte_depuis(couverture, "positionnement", "nom")
    fig = charts.carte_de_chaleur(carte)
    alba, bruno = _cellules(fig)
    # Alba: Acquis on 1.1.1, Maîtrisé on 1.1.2, no fiche on 2.1.1; Bruno: a fiche not positioned, then nothing.
    assert alba == [(4, libelles.SYMBOLES_NIVEAU[3], libelles.ENCRES_NIVEAU[3]),
                    (5, libelles.SYMBOLES_NIVEAU[4], libelles.ENCRES_NIVEAU[4]), (0, "·", charts.ENCRE_VIDE)]
    assert [c[:2] for c in bruno] == [(1, "○"), (0, "·"), (0, "·")]
    assert list(fig.data[0].colorbar.ticktext) == ["Aucune fiche", "Non positionnée", "À reprendre", "En cours",
                                                   "Acquis", "Maîtrisé"]
    assert [_couleur(fig, k) for k in range(2, 6)] == [libelles.COULEURS_NIVEAU[n] for n in (1, 2, 3, 4)]
    # Totals: situations at Acquis or above (Alba 2, Bruno 0) and students at Acquis or above per situation
    # (1, 1, 0) — whole numbers, never a mean of levels such as 3.5.
    assert carte.total_eleve.tolist() == [2, 0] and carte.total_situation.tolist() == [1, 1, 0]
    assert carte.libelle_total == "Situations acquises ou maîtrisées"
    survol = carte.textes.loc[1, "1.1.1"]
    assert "Acquis" in survol and "/4" not in survol


def test_every_code_is_a_tick_and_the_colour_bar_is_above_the_map(couverture):
    fig = charts.carte_de_chaleur(carte_depuis(couverture, "statut"))
    axe = fig.layout.xaxis3  # row 2, column 1: the map
    assert axe.tickmode == "array" and list(axe.tickvals) == ["1.1.1", "1.1.2", "2.1.1"]
    assert list(axe.ticktext) == ["1.1.1", "1.1.2", "2.1.1"]
    barre = fig.data[0].colorbar
    assert barre.orientation == "h" and barre.yref == "container"
    # Its top is 34 px under the figure's top, its labels end well above the plotting area (margin.t px down).
    hauteur, haut = fig.layout.height, fig.layout.margin.t
    assert (1 - barre.y) * hauteur == pytest.approx(34)
    assert 34 + barre.thickness + 20 < haut
    assert fig.layout.yaxis3.automargin  # the students' names are never cut


def test_one_pole_keeps_the_rows_and_counts_its_situations(couverture):
    carte = carte_depuis(couverture, "nb_fiches", "couverture")
    pole_2 = du_pole(carte, "2")
    assert list(pole_2.situations["code"]) == ["2.1.1"]
    assert list(pole_2.eleves["libelle"]) == list(carte.eleves["libelle"])
    assert pole_2.total_eleve.tolist() == [0, 0]
    fig = charts.carte_de_chaleur(pole_2)
    assert [c[0][:2] for c in _cellules(fig)] == [(0, "·"), (0, "·")]
    # Number of fiches: the number itself in the cell.
    assert [c[:2] for c in _cellules(charts.carte_de_chaleur(carte))[0]] == [(2, "2"), (1, "1"), (0, "·")]


def test_synthesis_bars_label_every_code_with_the_legend_above():
    codes = [f"{p}.{c}.{s}" for p in (1, 2) for c in (1, 2) for s in range(1, 8)]
    df = pd.DataFrame({"situation": codes, "titre": codes, "traversee_par": range(len(codes)),
                       "evaluable_pour": [0] * len(codes), "pole_code": [c[0] for c in codes]})
    fig = charts.barres_situations(df, 30)
    assert fig.layout.xaxis.tickmode == "array" and list(fig.layout.xaxis.tickvals) == codes
    assert fig.layout.legend.y >= 1 and fig.layout.legend.yanchor == "bottom"  # above the bars
    assert [t.marker.color for t in fig.data] == [libelles.COULEURS_STATUT[Statut.UNE_FOIS],
                                                  libelles.COULEURS_STATUT[Statut.EVALUABLE]]


def test_writing_curves_keep_the_legend_beside_the_plot():
    df = pd.DataFrame({"eleve_id": [1, 1, 2], "eleve": ["Alba", "Alba", "Bruno"],
                       "periode": pd.to_datetime(["2026-09-01", "2026-10-01", "2026-09-01"]),
                       "mots_moyen": [80, 95, 60], "fiches": [2, 3, 1]})
    fig = charts.courbes_ecriture(df, "mots_moyen")
    assert fig.layout.legend.x > 1 and fig.layout.legend.xanchor == "left"
    assert len(fig.data) == 2


# ---------------------------------------------------------------------------------------------------------------
# In Chromium, as claire.martin on the demo school.

ECRANS = [(1366, 768), (1920, 1080)]
MESURES = ["Statut", "Nombre de fiches", "Complexité maximale", "Aléas maximum", "Positionnement",
           "Part de fiches réelles"]
# Read in ONE evaluate (Plotly redraws between reads): the codes drawn on the map's x axes with their boxes, the
# boxes of the segmented controls' buttons, of the colour bar and of the largest plotting area.
LECTURE = """p => {
  const boite = e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; };
  const etiquettes = Array.from(p.querySelectorAll('.xaxislayer-above text')).map(t => [t.textContent, boite(t)]);
  const zones = Array.from(p.querySelectorAll('.nsewdrag')).map(boite).sort((a, b) => b.w * b.h - a.w * a.h);
  const barre = p.querySelector('.colorbar');
  const legende = p.querySelector('.legend');
  const boutons = Array.from(document.querySelectorAll('[data-testid="stButtonGroup"] button'))
    .map(b => [b.innerText, boite(b)]);
  return {etiquettes, zone: zones[0], barre: barre && boite(barre), legende: legende && boite(legende), boutons,
          largeur: window.innerWidth, defilement: document.querySelector('[data-testid="stMain"]').scrollWidth};
}"""


def _se_croisent(a, b) -> bool:
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]


def _plein_ecran(page, chemin: Path, largeur: int, hauteur: int) -> None:
    """A screenshot of the whole page at this width (the window grown to the page's height, then put back)."""
    hauteur_page = "() => document.querySelector('[data-testid=stMain]').scrollHeight"
    totale = 0
    for _ in range(3):  # the page may still grow once the window is taller (a table, a chart drawn late)
        if page.evaluate(hauteur_page) <= totale:
            break
        totale = page.evaluate(hauteur_page)
        page.set_viewport_size({"width": largeur, "height": max(hauteur, totale)})
        page.wait_for_timeout(500)  # Plotly resizes on the window's resize event
    page.screenshot(path=str(chemin))
    page.set_viewport_size({"width": largeur, "height": hauteur})


@pytest.fixture(scope="module")
def app_url(demo_privee):
    from tests.navigateur import serveur_streamlit

    with serveur_streamlit(demo_privee[0], demo_privee[1]) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("largeur,hauteur", ECRANS)
def test_the_cockpit_reads_on_a_school_screen(app_url, navigateur, largeur, hauteur):
    from tests.navigateur import attendre_fin_execution, choix_segmente, nouvelle_page, se_connecter

    ARTEFACTS.mkdir(exist_ok=True)
    page = nouvelle_page(navigateur, largeur, hauteur)
    se_connecter(page, app_url, "claire.martin")
    page.get_by_role("heading", name="Bonjour Claire Martin").wait_for()
    page.goto(f"{app_url}/enseignant_classe")
    page.get_by_role("heading", name="Tableau de bord de la classe").wait_for()
    attendre_fin_execution(page)
    carte = page.locator(".js-plotly-plot").first
    carte.wait_for()

    for mesure in MESURES:
        choix_segmente(page, mesure).click()
        attendre_fin_execution(page)
        page.get_by_text(f"— {mesure}", exact=False).first.wait_for()
        lu = carte.evaluate(LECTURE)
        codes = [texte for texte, _ in lu["etiquettes"] if CODE.match(texte)]
        # Every situation code of the référentiel is a label of the map ("Tous les pôles" is the default view).
        assert len(set(codes)) == 55, (mesure, len(set(codes)))
        # ... and readable: no two labels overlap.
        boites = sorted((b for texte, b in lu["etiquettes"] if CODE.match(texte)), key=lambda b: b["x"])
        assert all(a["x"] + a["w"] <= b["x"] + 0.5 for a, b in zip(boites, boites[1:])), mesure
        # The colour bar never covers a cell; the map needs no horizontal scroll.
        assert lu["barre"] and not _se_croisent(lu["barre"], lu["zone"]), (mesure, lu["barre"], lu["zone"])
        assert lu["barre"]["y"] + lu["barre"]["h"] <= lu["zone"]["y"]
        assert lu["zone"]["x"] + lu["zone"]["w"] <= lu["largeur"] and lu["defilement"] <= lu["largeur"]
        # Every choice of the metric, sort and pôle controls is inside the window.
        dehors = [texte for texte, b in lu["boutons"] if b["x"] < 0 or b["x"] + b["w"] > lu["largeur"]]
        assert not dehors and {"Part de fiches réelles", "Tous les pôles", "Nom"} <= {t for t, _ in lu["boutons"]}
        nom = mesure.lower().replace(" ", "_").replace("é", "e").replace("è", "e")
        _plein_ecran(page, ARTEFACTS / f"cockpit_ecran_{largeur}_carte_{nom}.png", largeur, hauteur)

    # One pôle at a time: its codes only, wider cells.
    choix_segmente(page, "Pôle 2").click()
    attendre_fin_execution(page)
    page.get_by_text("— pôle 2", exact=False).first.wait_for()
    codes = {t for t, _ in carte.evaluate(LECTURE)["etiquettes"] if CODE.match(t)}
    assert codes == {"2.1.1", "2.1.2", "2.1.3", "2.1.4", "2.2.1", "2.2.2", "2.2.3", "2.2.4", "2.3.1", "2.3.2",
                     "2.3.3", "2.4.1", "2.4.2", "2.4.3", "2.4.4"}
    # The situations' titles, for the shown situations.
    page.get_by_text("Afficher les intitulés des situations").click()
    attendre_fin_execution(page)
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    _plein_ecran(page, ARTEFACTS / f"cockpit_ecran_{largeur}_pole_2.png", largeur, hauteur)
    choix_segmente(page, "Tous les pôles").click()
    attendre_fin_execution(page)

    # The synthesis: every code under its bar, the legend above the bars.
    page.get_by_role("tab", name="Synthèse").click()
    attendre_fin_execution(page)
    page.get_by_text("Élèves ayant traversé chaque situation").first.wait_for()
    barres = page.locator("[data-testid='stTabPanel']:visible .js-plotly-plot").first
    lu = barres.evaluate(LECTURE)
    assert len({t for t, _ in lu["etiquettes"] if CODE.match(t)}) == 55
    assert lu["legende"] and not _se_croisent(lu["legende"], lu["zone"])
    lieux = page.locator("[data-testid='stTabPanel']:visible .js-plotly-plot").last
    lu = lieux.evaluate(LECTURE)
    assert lu["legende"] and not _se_croisent(lu["legende"], lu["zone"])
    _plein_ecran(page, ARTEFACTS / f"cockpit_ecran_{largeur}_synthese.png", largeur, hauteur)

    # Écrits de la division: the legend of the writing curves beside them, never over them.
    page.goto(f"{app_url}/enseignant_ecrits")
    page.get_by_role("heading", name="Écrits de la division").wait_for()
    courbes = page.locator(".js-plotly-plot").first
    courbes.wait_for()
    attendre_fin_execution(page)
    lu = courbes.evaluate(LECTURE)
    assert lu["legende"] and not _se_croisent(lu["legende"], lu["zone"])
    assert lu["legende"]["x"] + lu["legende"]["w"] <= lu["largeur"]
    _plein_ecran(page, ARTEFACTS / f"cockpit_ecran_{largeur}_ecrits.png", largeur, hauteur)
    page.close()
