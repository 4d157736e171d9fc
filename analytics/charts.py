"""Plotly figures from the analytics DataFrames; no query here, no streamlit.

Figures are drawn for a school PC's screen (1366 px wide, the sidebar open): every situation code is a tick label
(``tickmode="array"``: Plotly never skips one), legends and colour bars sit outside the plotting area, names get
the margin they need (``automargin``)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.colors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.couverture import METRIQUES, ORDRE_STATUTS, Carte
from passeport import libelles
from passeport.statut import Statut

# The one palette of passeport/libelles.py (checked for colour-vision deficiencies by tests/test_couleurs.py).
COULEURS_STATUT = [libelles.COULEURS_STATUT[s] for s in ORDRE_STATUTS]
COULEURS_POSITIONNEMENT = [libelles.COULEURS_NIVEAU[n] for n in sorted(libelles.COULEURS_NIVEAU)]
LIBELLES_POSITIONNEMENT = [libelles.NIVEAUX[n] for n in sorted(libelles.NIVEAUX)]
POLICE = dict(family="DejaVu Sans, Arial, sans-serif", size=12)
AUCUNE_FICHE = "Aucune fiche"
NON_POSITIONNEE = "Non positionnée"  # fiches written, none positioned yet: white, with an open circle
# Empty cells look the same in every metric: the colour and sign of « non traversée » (no fiche at all).
COULEUR_VIDE = libelles.COULEURS_STATUT[Statut.NON_TRAVERSEE]
ENCRE_VIDE = libelles.ENCRES_STATUT[Statut.NON_TRAVERSEE]
# A light dot rather than the printed grids' « — »: on a map of 1,300 cells, a dash in every empty cell is noise.
SIGNE_VIDE = "·"
# Figures that are not levels (complexité, aléas, counts, shares): ColorBrewer sequential scales as Plotly ships
# them, starting well above their near-white end so that the lowest value never looks like an empty cell.
_ORANGES = plotly.colors.sequential.Oranges
# The three complexité / aléas levels: the steps of ColorBrewer's Oranges that stay ΔE00 ≥ 20 apart, and from an
# empty cell, in normal vision and the three common colour-vision deficiencies (tests/test_couleurs.py).
_TROIS_NIVEAUX = (2, 5, 8)
_BLEUS, _VERTS = plotly.colors.sequential.Blues, plotly.colors.sequential.Greens
# What the top bars count for each metric (the student totals carry ``Carte.libelle_total``).
TOTAL_SITUATION = {
    "statut": "élèves pour qui elle est évaluable", "nb_fiches": "fiches",
    "max_complexite": "élèves à la complexité 2 ou plus", "max_aleas": "élèves ayant traité au moins un aléa",
    "positionnement": "élèves au niveau acquis ou maîtrisé", "part_reelles": "de fiches réelles",
}
PIXELS_PAR_ELEVE = 24
HAUT = 118  # px above the plotting area: title, colour bar and its labels, pôle names


@dataclass(frozen=True)
class Classe:
    """One class of values of a metric: its legend, its colour, the ink and sign of its cells."""

    libelle: str
    couleur: str
    encre: str
    signe: str = ""


def _encre(couleur: str) -> str:
    """Dark or white ink, whichever reads better on ``couleur`` (WCAG relative luminance)."""
    r, g, b = plotly.colors.unlabel_rgb(plotly.colors.convert_colors_to_same_type(couleur, "rgb")[0][0])
    lin = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#ffffff" if luminance < 0.25 else "#1f1f1f"


def _classe_vide() -> Classe:
    """« Non traversée » of the statut is exactly « aucune fiche »: one look for it in every metric."""
    return Classe(AUCUNE_FICHE, COULEUR_VIDE, ENCRE_VIDE, SIGNE_VIDE)


def classes_de(metrique: str) -> list[Classe]:
    """The classes of a metric, in legend order; the first is always « aucune fiche »."""
    if metrique == "statut":
        vide = _classe_vide()
        vide = Classe(f"{libelles.STATUTS[Statut.NON_TRAVERSEE]} ({AUCUNE_FICHE.lower()})", vide.couleur, vide.encre,
                      vide.signe)
        return [vide if s == Statut.NON_TRAVERSEE else
                Classe(libelles.STATUTS[s], libelles.COULEURS_STATUT[s], libelles.ENCRES_STATUT[s],
                       libelles.SYMBOLES_STATUT[s]) for s in ORDRE_STATUTS]
    if metrique == "positionnement":
        return [_classe_vide(), Classe(NON_POSITIONNEE, "#ffffff", ENCRE_VIDE, "○")] + [
            Classe(libelles.NIVEAUX[n], libelles.COULEURS_NIVEAU[n], libelles.ENCRES_NIVEAU[n],
                   libelles.SYMBOLES_NIVEAU[n]) for n in sorted(libelles.NIVEAUX)]
    if metrique == "max_complexite":
        return [_classe_vide()] + [Classe(f"{n} · {libelles.COMPLEXITES[n]}", _ORANGES[k], _encre(_ORANGES[k]), str(n))
                                   for n, k in zip((1, 2, 3), _TROIS_NIVEAUX)]
    if metrique == "max_aleas":
        return [_classe_vide()] + [Classe(f"{n} · {libelles.ALEAS[n]}", _ORANGES[k], _encre(_ORANGES[k]), str(n))
                                   for n, k in zip((0, 1, 2), _TROIS_NIVEAUX)]
    if metrique == "nb_fiches":
        return [_classe_vide()] + [Classe(texte, _BLEUS[k], _encre(_BLEUS[k]))
                                   for texte, k in (("1 fiche", 3), ("2", 4), ("3", 5), ("4", 6), ("5 ou plus", 8))]
    if metrique == "part_reelles":
        return [_classe_vide()] + [Classe(texte, _VERTS[k], _encre(_VERTS[k]))
                                   for texte, k in (("Aucune réelle", 2), ("Moins de la moitié", 4),
                                                    ("La moitié ou plus", 6), ("Toutes réelles", 8))]
    raise ValueError(f"Mesure inconnue : {metrique}")


def classe_de(metrique: str, valeur: float, vide: bool) -> int:
    """Index in ``classes_de(metrique)`` of a cell's value (levels are never averaged: a cell holds one level)."""
    if metrique == "statut":
        return int(valeur)
    if vide:
        return 0
    if metrique == "positionnement":
        return 1 if pd.isna(valeur) else 1 + int(valeur)
    if metrique == "max_complexite":
        return int(valeur)
    if metrique == "max_aleas":
        return 1 + int(valeur)
    if metrique == "nb_fiches":
        return min(int(valeur), 5)
    if valeur == 0:  # part_reelles
        return 1
    return 2 if valeur < 0.5 else (3 if valeur < 1 else 4)


def signe_de(metrique: str, valeur: float, classe: Classe) -> str:
    """What a cell shows: the level's sign, the number of fiches, the empty sign; nothing for a share."""
    if metrique == "nb_fiches" and classe.signe != SIGNE_VIDE:
        return str(int(valeur))
    return classe.signe


def _echelle_discrete(couleurs: list[str]) -> list[list]:
    n = len(couleurs)
    echelle = []
    for k, c in enumerate(couleurs):
        echelle += [[k / n, c], [(k + 1) / n, c]]
    return echelle


def _en_lignes(texte: str, largeur: int = 14) -> str:
    """A long axis title broken into short lines (the totals column is narrow)."""
    lignes, ligne = [], ""
    for mot in texte.split():
        if ligne and len(ligne) + 1 + len(mot) > largeur:
            lignes.append(ligne)
            ligne = mot
        else:
            ligne = f"{ligne} {mot}".strip()
    return "<br>".join(lignes + [ligne])


def hauteur_carte(eleves: int) -> int:
    """The figure's height in px: one row of PIXELS_PAR_ELEVE per student, plus the bars and the labels."""
    return HAUT + 90 + 70 + PIXELS_PAR_ELEVE * max(eleves, 4)


def carte_de_chaleur(carte: Carte, titre: str = "") -> go.Figure:
    """Students × situations, grouped by pôle (separators) with totals per situation (top) and per student (right).

    Each cell carries its class's colour and sign (statut and positionnement signs of passeport/libelles.py, the
    number of fiches, the complexité or aléas level); a cell without any fiche always looks the same (colour and
    sign of « non traversée »), apart from the lowest level of every metric. The colour bar lies above the map,
    outside the plotting area. Each cell carries ``customdata`` = [eleve_id, situation code] (second trace), so
    that a click can open the student."""
    eleves, situations = carte.eleves, carte.situations
    codes = list(situations["code"])
    libelles_eleves = list(eleves["libelle"])
    n_eleves = len(libelles_eleves)
    hauteur = hauteur_carte(n_eleves)
    zone_carte = PIXELS_PAR_ELEVE * max(n_eleves, 4)
    fig = make_subplots(rows=2, cols=2, shared_xaxes=True, shared_yaxes=True, column_widths=[0.9, 0.1],
                        row_heights=[90 / (90 + zone_carte), zone_carte / (90 + zone_carte)],
                        horizontal_spacing=0.012, vertical_spacing=0.012)
    classes = classes_de(carte.metrique)
    vides = carte.vides if carte.vides is not None else carte.valeurs.isna()
    valeurs = carte.valeurs.to_numpy()
    z = [[classe_de(carte.metrique, valeurs[i, j], bool(vides.iat[i, j])) for j in range(len(codes))]
         for i in range(n_eleves)]
    n = len(classes)
    fig.add_trace(go.Heatmap(
        z=z, x=codes, y=libelles_eleves, xgap=1, ygap=1, hoverinfo="skip", zmin=-0.5, zmax=n - 0.5,
        colorscale=_echelle_discrete([c.couleur for c in classes]),
        colorbar=dict(orientation="h", tickvals=list(range(n)), ticktext=[c.libelle for c in classes],
                      x=0, xanchor="left", xref="paper", lenmode="fraction", len=0.9,
                      y=1 - 34 / hauteur, yref="container", yanchor="top", thickness=14,
                      outlinewidth=1, outlinecolor="#888", tickfont=dict(size=11), ticks="", tickangle=0),
    ), row=2, col=1)
    # An invisible point on each cell: Streamlit's selection events work on points (not on heatmap cells); it
    # carries the hover text and the cell's sign.
    xs, ys, donnees, survols, signes, encres = [], [], [], [], [], []
    titres = dict(zip(situations["code"], situations["titre"]))
    for i, (eleve_id, libelle) in enumerate(zip(eleves["eleve_id"], libelles_eleves)):
        for j, code in enumerate(codes):
            classe = classes[z[i][j]]
            xs.append(code)
            ys.append(libelle)
            donnees.append([int(eleve_id), code])
            survols.append(f"<b>{libelle}</b><br>{code} {titres[code]}<br>{carte.textes.iat[i, j]}")
            signes.append(signe_de(carte.metrique, valeurs[i, j], classe))
            encres.append(classe.encre)
    taille = 9 if max((len(s) for s in signes), default=0) > 1 else 10
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers+text", customdata=donnees, hovertext=survols,
                             text=signes, textposition="middle center",
                             textfont=dict(color=encres, size=taille), hovertemplate="%{hovertext}<extra></extra>",
                             showlegend=False, marker=dict(size=14, symbol="square", color="rgba(0,0,0,0)")),
                  row=2, col=1)
    couleur_barres = libelles.COULEURS_STATUT[Statut.REPETEE]
    part = carte.metrique == "part_reelles"
    format_total = ".0%" if part else ".2~f"  # totals are counts, but for the share of real fiches
    fig.add_trace(go.Bar(x=codes, y=carte.total_situation.to_numpy(), marker_color=couleur_barres,
                         showlegend=False, customdata=[titres[c] for c in codes],
                         hovertemplate="%{x} %{customdata}<br>%{y:" + format_total + "} "
                                       + TOTAL_SITUATION[carte.metrique] + "<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Bar(y=libelles_eleves, x=carte.total_eleve.to_numpy(), orientation="h",
                         marker_color=couleur_barres, showlegend=False,
                         hovertemplate="%{y} : %{x:" + format_total + "}<extra>" + carte.libelle_total + "</extra>"),
                  row=2, col=2)
    _separer_poles(fig, situations)
    # Fixed ranges (the invisible markers would otherwise pad them): one cell = one unit, first student on top.
    fig.update_yaxes(range=[n_eleves - 0.5, -0.5], row=2, col=1)
    fig.update_yaxes(range=[n_eleves - 0.5, -0.5], row=2, col=2)
    fig.update_yaxes(automargin=True, tickfont=dict(size=12), row=2, col=1)
    fig.update_yaxes(nticks=3, tickfont=dict(size=10), tickformat=".0%" if part else None, row=1, col=1)
    # Every code is a label: an array of ticks is never thinned out by Plotly, as the automatic ticks are.
    fig.update_xaxes(range=[-0.5, len(codes) - 0.5], tickmode="array", tickvals=codes, ticktext=codes,
                     tickangle=-90 if len(codes) > 16 else 0, tickfont=dict(size=11), automargin=True,
                     row=2, col=1)
    fig.update_xaxes(title_text=_en_lignes(carte.libelle_total), title_font=dict(size=10), nticks=3,
                     tickfont=dict(size=10), tickformat=".0%" if part else None, row=2, col=2)
    fig.update_layout(
        title=dict(text=titre or f"{METRIQUES[carte.metrique]} par élève et par situation", x=0, xref="paper",
                   y=1 - 6 / hauteur, yref="container", yanchor="top", font=dict(size=15)),
        height=hauteur, margin=dict(l=10, r=10, t=HAUT, b=70), font=POLICE, separators=", ",
        clickmode="event+select", dragmode=False, hovermode="closest", plot_bgcolor="white",
    )
    return fig


def _separer_poles(fig: go.Figure, situations: pd.DataFrame) -> None:
    """A line between two pôles and the pôle's name above its columns."""
    codes = list(situations["code"])
    for pole, groupe in situations.groupby("pole_code", sort=False):
        premier, dernier = codes.index(groupe["code"].iloc[0]), codes.index(groupe["code"].iloc[-1])
        if premier > 0:
            fig.add_vline(x=premier - 0.5, line=dict(color="#333", width=2), row=2, col=1)
        fig.add_annotation(x=(premier + dernier) / 2, y=1, xref="x", yref="paper", yanchor="bottom", yshift=4,
                           showarrow=False, text=f"<b>Pôle {pole}</b>", font=dict(size=11, color="#333"))


def barres_situations(df: pd.DataFrame, eleves: int) -> go.Figure:
    """Per situation: students who crossed it and students for whom it is evaluable (synthesis).

    Every code is a tick label; the legend sits above the plotting area, under the title."""
    codes = list(df["situation"])
    fig = go.Figure()
    fig.add_trace(go.Bar(x=codes, y=df["traversee_par"], name="Traversée (au moins une fiche)",
                         marker_color=libelles.COULEURS_STATUT[Statut.UNE_FOIS], customdata=df["titre"],
                         hovertemplate="%{x} %{customdata}<br>%{y} élèves<extra>Traversée</extra>"))
    fig.add_trace(go.Bar(x=codes, y=df["evaluable_pour"], name=libelles.STATUTS[Statut.EVALUABLE],
                         marker_color=libelles.COULEURS_STATUT[Statut.EVALUABLE], customdata=df["titre"],
                         hovertemplate="%{x} %{customdata}<br>%{y} élèves<extra>Évaluable</extra>"))
    fig.add_hline(y=eleves, line=dict(dash="dot", color="#888"), annotation_text=f"{eleves} élèves",
                  annotation_position="top left")
    if "pole_code" in df:
        poles = list(df["pole_code"])
        for k in range(1, len(poles)):
            if poles[k] != poles[k - 1]:
                fig.add_vline(x=k - 0.5, line=dict(color="#333", width=1))
    fig.update_layout(barmode="overlay", font=POLICE, separators=", ", height=400,
                      title=dict(text="Élèves ayant traversé chaque situation", x=0, xref="paper", y=1,
                                 yref="container", yanchor="top", pad=dict(t=8)),
                      margin=dict(l=10, r=10, t=80, b=60),
                      xaxis=dict(type="category", tickmode="array", tickvals=codes, ticktext=codes, tickangle=-90,
                                 tickfont=dict(size=11), automargin=True),
                      yaxis=dict(title="élèves", automargin=True, range=[0, eleves * 1.12 if eleves else 1]),
                      legend=dict(orientation="h", x=0, xanchor="left", y=1.02, yanchor="bottom"))
    return fig


def courbe_semaines(df: pd.DataFrame) -> go.Figure:
    fig = go.Figure(go.Bar(x=df["semaine"], y=df["fiches"], marker_color=libelles.COULEURS_STATUT[Statut.REPETEE],
                           hovertemplate="Semaine du %{x|%d/%m/%Y} : %{y} fiches<extra></extra>"))
    fig.update_layout(title="Fiches écrites par semaine", font=POLICE, separators=", ", height=300,
                      yaxis_title="fiches", xaxis=dict(tickformat="%d/%m/%Y"), margin=dict(l=10, r=10, t=50, b=40))
    return fig


COULEURS_LIEUX = dict(zip(libelles.LIEUX, plotly.colors.qualitative.Safe))  # a colour-blind-safe set


def barres_lieux(df: pd.DataFrame) -> go.Figure:
    """Per student, fiches stacked by lieu; the legend above the bars, the names in full."""
    noms = df["nom"].str.upper() + " " + df["prenom"]
    fig = go.Figure()
    for lieu, nom in libelles.LIEUX.items():
        fig.add_trace(go.Bar(y=noms, x=df[lieu], name=nom, orientation="h", marker_color=COULEURS_LIEUX[lieu],
                             hovertemplate="%{y} : %{x} fiches<extra>" + nom + "</extra>"))
    hauteur = max(340, 22 * len(df) + 170)
    fig.update_layout(barmode="stack", font=POLICE, separators=", ", height=hauteur,
                      title=dict(text="Lieux des fiches par élève", x=0, xref="paper", y=1, yref="container",
                                 yanchor="top", pad=dict(t=8)),
                      margin=dict(l=10, r=10, t=100, b=50),
                      yaxis=dict(autorange="reversed", automargin=True, tickmode="array", tickvals=list(noms),
                                 ticktext=list(noms)),
                      xaxis=dict(title="fiches"),
                      legend=dict(orientation="h", x=0, xanchor="left", y=1 - 38 / hauteur, yref="container",
                                  yanchor="top", traceorder="normal"))
    return fig


def barres_poles(df: pd.DataFrame) -> go.Figure:
    """A student's coverage per pôle: share of situations crossed and evaluable."""
    noms = "Pôle " + df["pole_code"]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=noms, y=df["part_traversees"], name="Traversées",
                         marker_color=libelles.COULEURS_STATUT[Statut.UNE_FOIS],
                         customdata=df["pole_titre"], hovertemplate="%{customdata}<br>%{y:.0%}<extra>Traversées</extra>"))
    fig.add_trace(go.Bar(x=noms, y=df["part_evaluables"], name="Évaluables",
                         marker_color=libelles.COULEURS_STATUT[Statut.EVALUABLE],
                         customdata=df["pole_titre"], hovertemplate="%{customdata}<br>%{y:.0%}<extra>Évaluables</extra>"))
    fig.update_layout(barmode="group", title="Couverture par pôle", font=POLICE, height=320,
                      yaxis=dict(tickformat=".0%", range=[0, 1]), legend=dict(orientation="h", y=1.12))
    return fig


def echelle_complexite(df: pd.DataFrame) -> go.Figure:
    """Each fiche in time (x) on its situation (y): size = complexité, colour = aléas."""
    fig = go.Figure(go.Scatter(
        x=df["date_debut"], y=df["situation"], mode="markers",
        # The aléas colours of the class map (one light-to-dark hue: ordered by lightness in every colour vision).
        marker=dict(size=6 + 5 * df["complexite"], color=df["aleas"], cmin=-0.5, cmax=2.5,
                    colorscale=_echelle_discrete([c.couleur for c in classes_de("max_aleas")[1:]]),
                    line=dict(width=0.5, color="#333"),
                    colorbar=dict(title=dict(text="Aléas"), tickvals=[0, 1, 2])),
        customdata=df[["situation_titre", "complexite", "aleas", "lieu"]],
        hovertemplate="%{x|%d/%m/%Y} · %{y} %{customdata[0]}<br>complexité %{customdata[1]} · aléas %{customdata[2]}"
                      " · %{customdata[3]}<extra></extra>"))
    ordre = sorted(df["situation"].unique(), key=lambda c: df.loc[df["situation"] == c, "ordre"].iloc[0])
    fig.update_layout(title="Complexité (taille) et aléas (couleur) de chaque fiche dans le temps", font=POLICE,
                      height=max(320, 16 * len(ordre) + 140),
                      yaxis=dict(type="category", categoryorder="array", categoryarray=ordre, autorange="reversed"))
    return fig


def courbe_tendance(df: pd.DataFrame) -> go.Figure:
    """Mean complexité and aléas per month: is the student meeting harder situations as time goes on?"""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=df["mois"], y=df["complexite_moyenne"], name="Complexité moyenne", mode="lines+markers"))
    fig.add_trace(go.Scatter(x=df["mois"], y=df["aleas_moyens"], name="Aléas moyens", mode="lines+markers"))
    fig.update_layout(title="Complexité et aléas au fil des mois", font=POLICE, height=300,
                      yaxis=dict(range=[0, 3]), legend=dict(orientation="h", y=1.15),
                      hovermode="x unified", xaxis=dict(tickformat="%m/%Y"))
    return fig


def barres_lieux_natures(df: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for nature, nom in libelles.NATURES.items():
        partie = df[df["nature"] == nature]
        fig.add_trace(go.Bar(x=[libelles.LIEUX[l] for l in partie["lieu"]], y=partie["fiches"], name=nom))
    fig.update_layout(barmode="stack", title="Lieux et natures des fiches", font=POLICE, height=320,
                      legend=dict(orientation="h", y=1.15))
    return fig


MESURES_ECRITURE = {
    "mots_moyen": "Mots par fiche", "mots_par_phrase": "Mots par phrase",
    "part_premiere_personne": "Part de la première personne", "sections_remplies_moyen": "Rubriques remplies (sur 4)",
    "part_vocabulaire": "Vocabulaire du référentiel employé",
}


def courbes_ecriture(df: pd.DataFrame, mesure: str, eleves: list[int] | None = None) -> go.Figure:
    """One line per student of a writing indicator per period (passeport.ecriture.tableau_par_eleve).

    The legend (one name a line) stands right of the plotting area; the figure grows with the class so that every
    name shows without scrolling the legend."""
    fig = go.Figure()
    for eleve_id, lignes in df.groupby("eleve_id", sort=False):
        if eleves and eleve_id not in eleves:
            continue
        fig.add_trace(go.Scatter(x=lignes["periode"], y=lignes[mesure], name=lignes["eleve"].iloc[0],
                                 mode="lines+markers", customdata=lignes["fiches"],
                                 hovertemplate="%{x|%m/%Y} : %{y} (%{customdata} fiches)<extra>%{fullData.name}</extra>"))
    pourcentage = mesure.startswith("part_")
    hauteur = max(400, 21 * len(fig.data) + 170)
    fig.update_layout(title=dict(text=f"{MESURES_ECRITURE[mesure]} au fil du temps", x=0, xref="paper"),
                      font=POLICE, separators=", ", height=hauteur, margin=dict(l=10, r=10, t=60, b=50),
                      yaxis=dict(tickformat=".0%" if pourcentage else None, rangemode="tozero", automargin=True),
                      xaxis=dict(tickformat="%m/%Y"),
                      legend=dict(orientation="v", x=1.01, xanchor="left", y=1, yanchor="top", font=dict(size=11),
                                  title=dict(text="Élèves (cliquez pour masquer)", font=dict(size=11))))
    return fig


def config_png(nom_fichier: str) -> dict:
    """Plotly's own toolbar button saves the chart as PNG under this name (no server-side renderer needed)."""
    return {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": nom_fichier, "scale": 2},
            "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
