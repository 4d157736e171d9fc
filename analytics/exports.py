"""Spreadsheet exports of the cockpit, worth handing to a meeting (xlsx through openpyxl, CSV through csvio).

Every sheet opens on a title row (what it is), a line with the division and the day of the export, a line with the
filters in words, then a frozen header row in French; students appear by name and identifiant; columns are as wide
as their content; statut and positionnement cells carry the colours of the screen (passeport.libelles) and a
« Légende » sheet explains them. Every text cell is written as a string, never a formula (OWASP « CSV injection »:
a student named « =1+1 » stays « =1+1 »); CSV files are neutralised by passeport.csvio."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from analytics.couverture import ORDRE_STATUTS, Carte, cle_alphabetique
from analytics.filtres import TOUT, Filtres
from passeport.csvio import csv_octets
from passeport.libelles import (
    COULEURS_NIVEAU, COULEURS_STATUT, ENCRES_NIVEAU, ENCRES_STATUT, LIEUX, NATURES, NIVEAUX, STATUTS,
)
from passeport.statut import Statut

MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters an xlsx file cannot hold (openpyxl refuses them): control characters other than tab and line breaks.
_INTERDITS_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_LARGEUR_MIN, _LARGEUR_MAX = 6, 60
_COLONNES_COUVERTURE = ["Nom", "Prénom", "Identifiant", "Situation", "Intitulé", "Fiches", "dont réelles",
                        "Complexité maximale (1 à 3)", "Aléas maximum (0 à 2)", "Statut"]


@dataclass
class Feuille:
    """One sheet: title, lines under it, a header row, the rows; optional colours (row, column) → (fond, encre)
    counted from 0 in ``lignes``, number formats per column, and the number of columns frozen on the left."""

    nom: str
    titre: str
    details: list[str]
    entetes: list[str]
    lignes: list[list]
    couleurs: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    formats: dict[int, str] = field(default_factory=dict)
    colonnes_figees: int = 1
    largeurs: dict[int, float] = field(default_factory=dict)  # forced widths (the legend's colour column)


# --- words -------------------------------------------------------------------------------------------------------


def filtres_en_mots(filtres: Filtres = TOUT) -> str:
    """« Filtres : période du 01/09/2026 au 31/08/2027 · lieux : PFMP · natures : Réelle »."""
    periode, lieux, natures = filtres.en_mots()
    return f"Filtres : période {periode} · lieux : {lieux} · natures : {natures}"


def _entete_division(division: str, annee_scolaire: str | None, jour: dt.date) -> str:
    annee = f" ({annee_scolaire})" if annee_scolaire else ""
    return f"Division {division}{annee} · exporté le {jour:%d/%m/%Y}"


# --- xlsx --------------------------------------------------------------------------------------------------------


def _hex(couleur: str) -> str:
    return couleur.lstrip("#").upper()


def _valeur(v):
    """A Python value openpyxl writes as such: numpy numbers as numbers, NaN as an empty cell, texts cleaned."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if hasattr(v, "item") and not isinstance(v, str):  # numpy scalar
        v = v.item()
        return None if isinstance(v, float) and math.isnan(v) else v
    if isinstance(v, str):
        return _INTERDITS_XLSX.sub("", v)
    return v


def _ecrire_cellule(feuille, ligne: int, colonne: int, valeur):
    cellule = feuille.cell(row=ligne, column=colonne, value=_valeur(valeur))
    if isinstance(cellule.value, str):
        # openpyxl turns a text beginning with « = » into a formula: a text stays a text.
        cellule.data_type = "s"
    return cellule


def _largeur(valeur) -> int:
    if valeur is None:
        return 0
    if isinstance(valeur, (dt.date, dt.datetime)):
        return 10
    if isinstance(valeur, float):
        return len(f"{valeur:.1f}")
    return max((len(morceau) for morceau in str(valeur).splitlines()), default=0)


def classeur(feuilles: Iterable[Feuille]) -> bytes:
    """An xlsx workbook, one sheet per ``Feuille`` (names cut to Excel's 31 characters)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    gras, gris = Font(bold=True), PatternFill("solid", fgColor="E8E8E8")
    trait = Border(bottom=Side(style="thin", color="808080"))
    wb = Workbook()
    wb.remove(wb.active)
    for f in feuilles:
        ws = wb.create_sheet(f.nom[:31])
        _ecrire_cellule(ws, 1, 1, f.titre).font = Font(bold=True, size=14)
        for k, detail in enumerate(f.details, start=2):
            _ecrire_cellule(ws, k, 1, detail).font = Font(italic=True)
        ligne_entete = len(f.details) + 3
        for j, entete in enumerate(f.entetes, start=1):
            c = _ecrire_cellule(ws, ligne_entete, j, entete)
            c.font, c.fill, c.border = gras, gris, trait
            c.alignment = Alignment(wrap_text=True, vertical="top")
        largeurs = [_largeur(e) for e in f.entetes]
        for i, valeurs in enumerate(f.lignes):
            for j, v in enumerate(valeurs):
                c = _ecrire_cellule(ws, ligne_entete + 1 + i, j + 1, v)
                if j in f.formats and c.value is not None:
                    c.number_format = f.formats[j]
                if isinstance(c.value, (dt.date, dt.datetime)) and j not in f.formats:
                    c.number_format = "DD/MM/YYYY"
                if (i, j) in f.couleurs:
                    fond, encre = f.couleurs[(i, j)]
                    c.fill = PatternFill("solid", fgColor=_hex(fond))
                    c.font = Font(color=_hex(encre))
                if j < len(largeurs):
                    largeurs[j] = max(largeurs[j], _largeur(c.value))
        for j, largeur in enumerate(largeurs):
            largeur = f.largeurs.get(j, largeur + 2)
            ws.column_dimensions[get_column_letter(j + 1)].width = min(max(largeur, _LARGEUR_MIN), _LARGEUR_MAX)
        ws.freeze_panes = ws.cell(row=ligne_entete + 1, column=f.colonnes_figees + 1).coordinate
    tampon = io.BytesIO()
    wb.save(tampon)
    return tampon.getvalue()


def feuille_depuis(df: pd.DataFrame, nom: str, titre: str, details: list[str], colonnes_figees: int = 1,
                   formats: dict[str, str] | None = None) -> Feuille:
    """A sheet from a DataFrame whose columns are already named in French."""
    colonnes = list(df.columns)
    return Feuille(nom, titre, details, [str(c) for c in colonnes], [list(r) for r in df.itertuples(index=False)],
                   formats={colonnes.index(c): f for c, f in (formats or {}).items()}, colonnes_figees=colonnes_figees)


def feuille_legende(statuts: bool = True, niveaux: bool = True, notes: Iterable[str] = ()) -> Feuille:
    """The « Légende » sheet: each colour of the statuts and positionnement levels with its words."""
    lignes, couleurs = [], {}
    if statuts:
        lignes.append(["Statut de la situation pour l'élève", ""])
        for s in ORDRE_STATUTS:
            couleurs[(len(lignes), 0)] = (COULEURS_STATUT[s], ENCRES_STATUT[s])
            lignes.append([STATUTS[s], _DEFINITIONS_STATUT[s]])
        lignes.append(["", ""])
    if niveaux:
        lignes.append(["Positionnement de l'enseignant (un repère, pas une note)", ""])
        for n, mot in NIVEAUX.items():
            couleurs[(len(lignes), 0)] = (COULEURS_NIVEAU[n], ENCRES_NIVEAU[n])
            lignes.append([mot, f"niveau {n} sur 4"])
        lignes.append(["", ""])
    for note in notes:
        lignes.append([note, ""])
    return Feuille("Légende", "Légende", ["Les couleurs sont celles de l'écran du tableau de bord."],
                   ["Couleur et mot", "Signification"], lignes, couleurs, colonnes_figees=0, largeurs={0: 34})


_DEFINITIONS_STATUT = {
    Statut.NON_TRAVERSEE: "aucune fiche sur la situation",
    Statut.UNE_FOIS: "une seule fiche",
    Statut.REPETEE: "deux fiches ou plus, sans facteur de complexité ni aléa",
    Statut.EVALUABLE: "deux fiches ou plus, dont une avec un facteur de complexité ou un aléa",
}
_NOTES_MESURES = [
    "Complexité : 1 situation courante, 2 un facteur de complexité, 3 plusieurs facteurs.",
    "Aléas : 0 aucun, 1 un aléa rencontré et traité, 2 plusieurs aléas.",
    "Case vide : aucune fiche (ou aucun positionnement) sur la situation avec ces filtres.",
]


# --- the heatmap ---------------------------------------------------------------------------------------------------


def carte_en_feuilles(carte: Carte, libelle_mesure: str, division: str, annee_scolaire: str | None = None,
                      filtres: Filtres = TOUT, jour: dt.date | None = None) -> list[Feuille]:
    """The heatmap as sheets: « Carte » (one row per student: name, first name, identifiant, then one column per
    situation in référentiel order, then the student's total; the totals per situation in the last row),
    « Situations » (code → intitulé, pôle) and « Légende »."""
    jour = jour or dt.date.today()
    codes = list(carte.situations["code"])
    mots = _mots_de_la_mesure(carte.metrique)
    couleurs = {}
    lignes = []
    avec_totaux = carte.metrique != "positionnement"  # levels are never averaged
    for i, e in enumerate(carte.eleves.itertuples(index=False)):
        ligne = [e.nom, e.prenom, e.identifiant]
        for j, code in enumerate(codes):
            v = carte.valeurs.iloc[i, j]
            texte, couleur = mots(v)
            ligne.append(texte)
            if couleur:
                couleurs[(i, 3 + j)] = couleur
        if avec_totaux:
            ligne.append(_nombre(carte.total_eleve.iloc[i]))
        lignes.append(ligne)
    entetes = ["Nom", "Prénom", "Identifiant", *codes]
    formats = {}
    if avec_totaux:
        entetes.append(carte.libelle_total)
        lignes.append([carte.libelle_total, "", "",
                       *[_nombre(v) for v in carte.total_situation], None])
        format_total = "0 %" if carte.metrique == "part_reelles" else ("0" if carte.metrique in ("statut", "nb_fiches")
                                                                       else "0.0")
        formats[len(entetes) - 1] = format_total
        if carte.metrique == "part_reelles":
            formats.update({3 + j: "0 %" for j in range(len(codes))})
    details = [_entete_division(division, annee_scolaire, jour), filtres_en_mots(filtres),
               f"{len(carte.eleves)} élèves × {len(codes)} situations · intitulés des situations : feuille « Situations »"
               " · couleurs : feuille « Légende »"]
    carte_feuille = Feuille("Carte", f"Carte de la classe {division} — {libelle_mesure}", details, entetes, lignes,
                            couleurs, formats, colonnes_figees=3)
    s = carte.situations
    situations = pd.DataFrame({"Situation": s["code"], "Intitulé": s["titre"],
                               "Pôle": "Pôle " + s["pole_code"].astype(str) + " — " + s["pole_titre"],
                               "Classe de situations": s["classe_code"].astype(str) + " " + s["classe_titre"]})
    return [carte_feuille,
            feuille_depuis(situations, "Situations", f"Situations du référentiel — {division}", details[:1]),
            feuille_legende(statuts=carte.metrique == "statut", niveaux=carte.metrique == "positionnement",
                            notes=_NOTES_MESURES)]


def _nombre(v):
    v = _valeur(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return round(v, 2) if isinstance(v, float) else v


def _mots_de_la_mesure(metrique: str):
    """What a heatmap cell holds in the spreadsheet, and its colours (fond, encre) when the screen colours it."""
    if metrique == "statut":
        def mots(v):
            s = ORDRE_STATUTS[int(v)]
            return STATUTS[s], (COULEURS_STATUT[s], ENCRES_STATUT[s])
    elif metrique == "positionnement":
        def mots(v):
            if pd.isna(v):
                return None, None
            n = int(v)
            return NIVEAUX[n], (COULEURS_NIVEAU[n], ENCRES_NIVEAU[n])
    else:
        def mots(v):
            return _nombre(v), None
    return mots


def xlsx_carte(carte: Carte, libelle_mesure: str, division: str, annee_scolaire: str | None = None,
               filtres: Filtres = TOUT, jour: dt.date | None = None) -> bytes:
    """The heatmap workbook of the cockpit's « Exporter la carte (xlsx) »."""
    return classeur(carte_en_feuilles(carte, libelle_mesure, division, annee_scolaire, filtres, jour))


def carte_en_tableau(carte: Carte) -> pd.DataFrame:
    """The heatmap as a table: one row per student, one column per situation, totals in the last row and column."""
    valeurs = carte.valeurs.copy()
    if carte.metrique == "statut":
        # Words, not ranks, in a spreadsheet.
        valeurs = valeurs.apply(lambda col: col.map(lambda v: STATUTS[ORDRE_STATUTS[int(v)]]))
    valeurs.index = list(carte.eleves["libelle"])
    valeurs.index.name = "Élève"
    valeurs[carte.libelle_total] = carte.total_eleve.to_numpy()
    total = pd.DataFrame([list(carte.total_situation.to_numpy()) + [None]], columns=valeurs.columns,
                         index=[carte.libelle_total])
    return pd.concat([valeurs, total])


# --- the coverage CSV ------------------------------------------------------------------------------------------------


def tableau_couverture(df: pd.DataFrame) -> pd.DataFrame:
    """The coverage of a division for a meeting, from an ``analytics.couverture`` frame: one row per student ×
    situation, students by name (then identifiant), situations in référentiel order, headers in French, statut in
    words; complexity and aléas empty when no fiche."""
    if df.empty:
        return pd.DataFrame(columns=_COLONNES_COUVERTURE)
    df = df.assign(_cle=(df["nom"] + " " + df["prenom"]).map(cle_alphabetique))
    df = df.sort_values(["_cle", "identifiant", "ordre"], kind="stable")
    sortie = pd.DataFrame({
        "Nom": df["nom"], "Prénom": df["prenom"], "Identifiant": df["identifiant"], "Situation": df["situation"],
        "Intitulé": df["titre"], "Fiches": df["nb_fiches"].astype(int), "dont réelles": df["nb_reelles"].astype(int),
        "Complexité maximale (1 à 3)": df["max_complexite"].astype("Int64"),
        "Aléas maximum (0 à 2)": df["max_aleas"].astype("Int64"),
        "Statut": df["statut"].map(lambda s: STATUTS[Statut(s)]),
    })
    return sortie.reset_index(drop=True)


def csv_couverture(tableau: pd.DataFrame, division: str, annee_scolaire: str | None = None,
                   filtres: Filtres = TOUT, jour: dt.date | None = None) -> bytes:
    """The coverage CSV of the cockpit: three title lines (what, division and day, filters), then the table."""
    jour = jour or dt.date.today()
    titre = [f"Couverture du référentiel — division {division}", _entete_division(division, annee_scolaire, jour),
             filtres_en_mots(filtres)]
    return csv_octets(list(tableau.columns), lignes_csv(tableau), titre)


def lignes_csv(df: pd.DataFrame) -> list[list]:
    """The rows of a DataFrame for the CSV writer: missing values become empty fields."""
    return [[None if pd.isna(v) else v for v in ligne] for ligne in df.itertuples(index=False)]


# --- the synthesis -----------------------------------------------------------------------------------------------


def _oui_non(serie: pd.Series) -> pd.Series:
    return serie.map(lambda v: "oui" if bool(v) else "non")


def synthese_en_feuilles(synthese, division: str, annee_scolaire: str | None = None, filtres: Filtres = TOUT,
                         semaines: int = 3, seuil: int = 3, jour: dt.date | None = None) -> list[Feuille]:
    """The class synthesis (passeport.services.cockpit.Synthese) as sheets with French headers."""
    jour = jour or dt.date.today()
    base = [_entete_division(division, annee_scolaire, jour)]
    avec_filtres = base + [filtres_en_mots(filtres)]
    sit = synthese.situations
    situations = pd.DataFrame({
        "Situation": sit["situation"], "Intitulé": sit["titre"], "Pôle": sit["pole_code"],
        "Classe de situations": sit["classe_code"], "Élèves de la division": sit["eleves"],
        "Élèves l'ayant traversée": sit["traversee_par"], "Élèves pour qui elle est évaluable": sit["evaluable_pour"],
        "Fiches": sit["nb_fiches"], "dont réelles": sit["nb_reelles"], "dont simulées": sit["nb_simulees"],
        f"Peu traversée ({seuil} élèves ou moins)": _oui_non(sit["peu_traversee"]),
        "Seulement en simulation": _oui_non(sit["seulement_simulee"]),
    })
    silence = synthese.silencieux
    silencieux = pd.DataFrame({
        "Nom": silence["nom"], "Prénom": silence["prenom"], "Identifiant": silence["identifiant"],
        "Dernière fiche écrite": [v.date() if not pd.isna(v) else "jamais" for v in silence["derniere_ecriture"]],
        "Semaines sans écrire": silence["semaines_sans_ecrire"], "Fiches": silence["nb_fiches"],
    })
    par_semaine = pd.DataFrame({"Semaine du": [v.date() for v in synthese.par_semaine["semaine"]],
                                "Fiches écrites": synthese.par_semaine["fiches"]})
    lieux_df = synthese.lieux
    lieux = pd.DataFrame({"Nom": lieux_df["nom"], "Prénom": lieux_df["prenom"],
                          "Identifiant": lieux_df["identifiant"]})
    for code, mot in LIEUX.items():
        lieux[mot] = lieux_df[code] if code in lieux_df else 0
    lieux["Total"] = lieux[list(LIEUX.values())].sum(axis=1)
    return [
        feuille_depuis(situations, "Situations", f"Synthèse de la classe {division} — situations", avec_filtres, 2),
        feuille_depuis(silencieux, "Élèves silencieux",
                       f"Élèves sans nouvelle fiche depuis {semaines} semaines ou plus — {division}",
                       base + ["Toutes les fiches de l'élève, sans filtre."], 3),
        feuille_depuis(par_semaine, "Fiches par semaine", f"Fiches écrites par semaine — {division}", avec_filtres),
        feuille_depuis(lieux, "Lieux par élève", f"Lieux des fiches par élève — {division}", avec_filtres, 3),
    ]


def xlsx_synthese(synthese, division: str, annee_scolaire: str | None = None, filtres: Filtres = TOUT,
                  semaines: int = 3, seuil: int = 3, jour: dt.date | None = None) -> bytes:
    """The synthesis workbook of the cockpit's « Exporter la synthèse (xlsx) »."""
    return classeur(synthese_en_feuilles(synthese, division, annee_scolaire, filtres, semaines, seuil, jour))


def en_tete_lieux(df: pd.DataFrame) -> pd.DataFrame:
    """Lieux columns named in words for a spreadsheet."""
    return df.rename(columns={**LIEUX, "nom": "Nom", "prenom": "Prénom", "identifiant": "Identifiant"})
