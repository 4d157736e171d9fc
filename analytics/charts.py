"""Plotly figures from the analytics DataFrames; no query here, no streamlit."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.couverture import METRIQUES, ORDRE_STATUTS, Carte
from analytics.synthese import LIBELLES_LIEUX, LIBELLES_NATURES
from passeport.positionnement import COULEURS, NIVEAUX
from passeport.statut import LIBELLES

# Statut from grey (nothing) to dark blue (évaluable); positionnement in the Cerise Pro colours.
COULEURS_STATUT = ["#e9ecef", "#a6cee3", "#4f94c4", "#08306b"]
COULEURS_POSITIONNEMENT = [COULEURS[n] for n in sorted(COULEURS)]
LIBELLES_POSITIONNEMENT = [NIVEAUX[n] for n in sorted(NIVEAUX)]
POLICE = dict(family="DejaVu Sans, Arial, sans-serif", size=12)


def _echelle_discrete(couleurs: list[str]) -> list[list]:
    n = len(couleurs)
    echelle = []
    for k, c in enumerate(couleurs):
        echelle += [[k / n, c], [(k + 1) / n, c]]
    return echelle


def carte_de_chaleur(carte: Carte, titre: str = "") -> go.Figure:
    """Students × situations, grouped by pôle (separators) with totals per situation (top) and per student (right).

    Each cell carries ``customdata`` = [eleve_id, situation code], so that a click can open the student."""
    eleves, situations = carte.eleves, carte.situations
    codes = list(situations["code"])
    libelles = list(eleves["libelle"])
    fig = make_subplots(rows=2, cols=2, shared_xaxes=True, shared_yaxes=True, column_widths=[0.9, 0.1],
                        row_heights=[0.12, 0.88], horizontal_spacing=0.01, vertical_spacing=0.01)
    z = carte.valeurs.to_numpy()
    if carte.metrique == "statut":
        couleurs = dict(colorscale=_echelle_discrete(COULEURS_STATUT), zmin=-0.5, zmax=3.5,
                        colorbar=dict(tickvals=[0, 1, 2, 3], ticktext=[LIBELLES[s] for s in ORDRE_STATUTS],
                                      title=dict(text="Statut"), len=0.6, y=0.4))
    elif carte.metrique == "positionnement":
        couleurs = dict(colorscale=_echelle_discrete(COULEURS_POSITIONNEMENT), zmin=0.5, zmax=4.5,
                        colorbar=dict(tickvals=[1, 2, 3, 4], ticktext=LIBELLES_POSITIONNEMENT, len=0.6, y=0.4))
    elif carte.metrique == "part_reelles":
        couleurs = dict(colorscale="Greens", zmin=0, zmax=1, colorbar=dict(tickformat=".0%", len=0.6, y=0.4))
    elif carte.metrique in ("max_complexite", "max_aleas"):
        bornes = (1, 3) if carte.metrique == "max_complexite" else (0, 2)
        couleurs = dict(colorscale="Oranges", zmin=bornes[0], zmax=bornes[1],
                        colorbar=dict(tickvals=list(range(bornes[0], bornes[1] + 1)), len=0.6, y=0.4))
    else:
        couleurs = dict(colorscale="Blues", zmin=0, colorbar=dict(len=0.6, y=0.4))
    fig.add_trace(go.Heatmap(z=z, x=codes, y=libelles, xgap=1, ygap=1, hoverinfo="skip", **couleurs), row=2, col=1)
    # An invisible point on each cell: Streamlit's selection events work on points (not on heatmap cells),
    # and it carries the hover text.
    xs, ys, donnees, textes = [], [], [], []
    titres = dict(zip(situations["code"], situations["titre"]))
    for i, (eleve_id, libelle) in enumerate(zip(eleves["eleve_id"], libelles)):
        for j, code in enumerate(codes):
            xs.append(code)
            ys.append(libelle)
            donnees.append([int(eleve_id), code])
            textes.append(f"<b>{libelle}</b><br>{code} {titres[code]}<br>{carte.textes.iat[i, j]}")
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers", customdata=donnees, text=textes,
                             hovertemplate="%{text}<extra></extra>", showlegend=False,
                             marker=dict(size=14, symbol="square", color="rgba(0,0,0,0)")), row=2, col=1)
    fig.add_trace(go.Bar(x=codes, y=carte.total_situation.to_numpy(), marker_color="#4f94c4", showlegend=False,
                         hovertemplate="%{x} : %{y:.2~f}<extra>" + carte.libelle_total + "</extra>"), row=1, col=1)
    fig.add_trace(go.Bar(y=libelles, x=carte.total_eleve.to_numpy(), orientation="h", marker_color="#4f94c4",
                         showlegend=False, hovertemplate="%{y} : %{x:.2~f}<extra>" + carte.libelle_total + "</extra>"),
                  row=2, col=2)
    _separer_poles(fig, situations)
    # Fixed ranges (the invisible markers would otherwise pad them): one cell = one unit, first student on top.
    fig.update_yaxes(range=[len(libelles) - 0.5, -0.5], row=2, col=1)
    fig.update_yaxes(range=[len(libelles) - 0.5, -0.5], row=2, col=2)
    fig.update_xaxes(range=[-0.5, len(codes) - 0.5], tickangle=-90, tickfont=dict(size=10), row=2, col=1)
    fig.update_xaxes(title_text=carte.libelle_total, title_font=dict(size=10), row=2, col=2)
    fig.update_layout(
        title=titre or f"{METRIQUES[carte.metrique]} par élève et par situation",
        height=max(380, 24 * len(libelles) + 230), margin=dict(l=10, r=10, t=70, b=60), font=POLICE,
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
        fig.add_annotation(x=(premier + dernier) / 2, y=1.06, xref="x", yref="paper", showarrow=False,
                           text=f"Pôle {pole}", font=dict(size=11, color="#333"))


def barres_situations(df: pd.DataFrame, eleves: int) -> go.Figure:
    """Per situation: students who crossed it and students for whom it is evaluable (synthesis)."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=df["situation"], y=df["traversee_par"], name="Traversée", marker_color="#a6cee3",
                         customdata=df["titre"], hovertemplate="%{x} %{customdata}<br>%{y} élèves<extra>Traversée</extra>"))
    fig.add_trace(go.Bar(x=df["situation"], y=df["evaluable_pour"], name="Évaluable", marker_color="#08306b",
                         customdata=df["titre"], hovertemplate="%{x} %{customdata}<br>%{y} élèves<extra>Évaluable</extra>"))
    fig.add_hline(y=eleves, line=dict(dash="dot", color="#888"), annotation_text=f"{eleves} élèves")
    fig.update_layout(barmode="overlay", title="Élèves ayant traversé chaque situation", font=POLICE,
                      height=360, xaxis=dict(tickangle=-90, type="category"), yaxis_title="élèves",
                      legend=dict(orientation="h", y=1.1))
    return fig


def courbe_semaines(df: pd.DataFrame) -> go.Figure:
    fig = go.Figure(go.Bar(x=df["semaine"], y=df["fiches"], marker_color="#4f94c4",
                           hovertemplate="Semaine du %{x|%d/%m/%Y} : %{y} fiches<extra></extra>"))
    fig.update_layout(title="Fiches écrites par semaine", font=POLICE, height=300, yaxis_title="fiches")
    return fig


def barres_lieux(df: pd.DataFrame) -> go.Figure:
    """Per student, fiches stacked by lieu."""
    libelles = df["nom"].str.upper() + " " + df["prenom"]
    fig = go.Figure()
    for lieu, nom in LIBELLES_LIEUX.items():
        fig.add_trace(go.Bar(y=libelles, x=df[lieu], name=nom, orientation="h",
                             hovertemplate="%{y} : %{x} fiches<extra>" + nom + "</extra>"))
    fig.update_layout(barmode="stack", title="Lieux des fiches par élève", font=POLICE,
                      height=max(320, 20 * len(df) + 140), yaxis=dict(autorange="reversed"),
                      legend=dict(orientation="h", y=-0.08))
    return fig


def barres_poles(df: pd.DataFrame) -> go.Figure:
    """A student's coverage per pôle: share of situations crossed and evaluable."""
    noms = "Pôle " + df["pole_code"]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=noms, y=df["part_traversees"], name="Traversées", marker_color="#a6cee3",
                         customdata=df["pole_titre"], hovertemplate="%{customdata}<br>%{y:.0%}<extra>Traversées</extra>"))
    fig.add_trace(go.Bar(x=noms, y=df["part_evaluables"], name="Évaluables", marker_color="#08306b",
                         customdata=df["pole_titre"], hovertemplate="%{customdata}<br>%{y:.0%}<extra>Évaluables</extra>"))
    fig.update_layout(barmode="group", title="Couverture par pôle", font=POLICE, height=320,
                      yaxis=dict(tickformat=".0%", range=[0, 1]), legend=dict(orientation="h", y=1.12))
    return fig


def echelle_complexite(df: pd.DataFrame) -> go.Figure:
    """Each fiche in time (x) on its situation (y): size = complexité, colour = aléas."""
    fig = go.Figure(go.Scatter(
        x=df["date_debut"], y=df["situation"], mode="markers",
        marker=dict(size=6 + 5 * df["complexite"], color=df["aleas"], cmin=0, cmax=2,
                    colorscale=[[0, "#c6dbef"], [0.5, "#ff9f1c"], [1, "#d62728"]], line=dict(width=0.5, color="#333"),
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
    for nature, nom in LIBELLES_NATURES.items():
        partie = df[df["nature"] == nature]
        fig.add_trace(go.Bar(x=[LIBELLES_LIEUX[l] for l in partie["lieu"]], y=partie["fiches"], name=nom))
    fig.update_layout(barmode="stack", title="Lieux et natures des fiches", font=POLICE, height=320,
                      legend=dict(orientation="h", y=1.15))
    return fig


MESURES_ECRITURE = {
    "mots_moyen": "Mots par fiche", "mots_par_phrase": "Mots par phrase",
    "part_premiere_personne": "Part de la première personne", "sections_remplies_moyen": "Rubriques remplies (sur 4)",
    "part_vocabulaire": "Vocabulaire du référentiel employé",
}


def courbes_ecriture(df: pd.DataFrame, mesure: str, eleves: list[int] | None = None) -> go.Figure:
    """One line per student of a writing indicator per period (passeport.ecriture.tableau_par_eleve)."""
    fig = go.Figure()
    for eleve_id, lignes in df.groupby("eleve_id", sort=False):
        if eleves and eleve_id not in eleves:
            continue
        fig.add_trace(go.Scatter(x=lignes["periode"], y=lignes[mesure], name=lignes["eleve"].iloc[0],
                                 mode="lines+markers", customdata=lignes["fiches"],
                                 hovertemplate="%{x|%m/%Y} : %{y} (%{customdata} fiches)<extra>%{fullData.name}</extra>"))
    pourcentage = mesure.startswith("part_")
    fig.update_layout(title=f"{MESURES_ECRITURE[mesure]} au fil du temps", font=POLICE, height=380,
                      yaxis=dict(tickformat=".0%" if pourcentage else None, rangemode="tozero"),
                      xaxis=dict(tickformat="%m/%Y"), legend=dict(orientation="h", y=-0.2))
    return fig


def config_png(nom_fichier: str) -> dict:
    """Plotly's own toolbar button saves the chart as PNG under this name (no server-side renderer needed)."""
    return {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": nom_fichier, "scale": 2},
            "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
