"""The class synthesis: what the class has not crossed, what it met only in simulation, pôle 2, silent students,
fiches per week, lieux per student."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics.couverture import couverture
from analytics.entrepot import Entrepot
from analytics.filtres import TOUT, Filtres
from passeport.libelles import LIEUX, NATURES

# The words live in passeport/libelles.py (the one vocabulary); these names are kept for the modules importing them.
LIBELLES_LIEUX = LIEUX
LIBELLES_NATURES = NATURES
POLE_SIGNALE = "2"  # DESIGN.md rule 5: pôle 2 counts and is easily forgotten


def situations_de_la_classe(entrepot: Entrepot, division_id: int, filtres: Filtres = TOUT,
                            seuil_peu: int = 3) -> pd.DataFrame:
    """One row per situation: how many students crossed it, made it evaluable, how many fiches (real, simulated).

    ``peu_traversee``: crossed by at most ``seuil_peu`` students (0 included); ``seulement_simulee``: crossed,
    but every fiche of the class on it is simulated."""
    df = couverture(entrepot, division_id=division_id, filtres=filtres)
    if df.empty:
        return pd.DataFrame(columns=["situation", "titre", "pole_code", "classe_code", "eleves", "traversee_par",
                                     "evaluable_pour", "nb_fiches", "nb_reelles", "nb_simulees", "peu_traversee",
                                     "seulement_simulee"])
    df["traversee"] = df["nb_fiches"] > 0
    df["evaluable"] = df["statut"] == "evaluable"
    res = df.groupby(["ordre", "situation", "titre", "pole_code", "classe_code"], as_index=False).agg(
        eleves=("eleve_id", "nunique"), traversee_par=("traversee", "sum"), evaluable_pour=("evaluable", "sum"),
        nb_fiches=("nb_fiches", "sum"), nb_reelles=("nb_reelles", "sum"))
    res["nb_simulees"] = res["nb_fiches"] - res["nb_reelles"]
    res["peu_traversee"] = res["traversee_par"] <= seuil_peu
    res["seulement_simulee"] = (res["nb_fiches"] > 0) & (res["nb_reelles"] == 0)
    return res.sort_values("ordre").drop(columns="ordre").reset_index(drop=True)


def couverture_par_pole(entrepot: Entrepot, division_id: int, filtres: Filtres = TOUT) -> pd.DataFrame:
    """Per student × pôle: situations of the pôle, crossed, evaluable, and the shares."""
    df = couverture(entrepot, division_id=division_id, filtres=filtres)
    return _par_groupe(df, ["eleve_id", "nom", "prenom", "pole_code", "pole_titre"])


def _par_groupe(df: pd.DataFrame, cles: list[str]) -> pd.DataFrame:
    df = df.assign(traversee=df["nb_fiches"] > 0, evaluable=df["statut"] == "evaluable")
    res = df.groupby(cles, as_index=False, sort=False).agg(
        situations=("situation", "count"), traversees=("traversee", "sum"), evaluables=("evaluable", "sum"),
        fiches=("nb_fiches", "sum"))
    res["part_traversees"] = res["traversees"] / res["situations"]
    res["part_evaluables"] = res["evaluables"] / res["situations"]
    return res


def pole_signale(entrepot: Entrepot, division_id: int, filtres: Filtres = TOUT) -> dict:
    """Pôle 2 in figures for the class: situations, mean share crossed and evaluable, students with nothing in it."""
    par_pole = couverture_par_pole(entrepot, division_id, filtres)
    pole = par_pole[par_pole["pole_code"] == POLE_SIGNALE]
    if pole.empty:
        return {}
    autres = par_pole[par_pole["pole_code"] != POLE_SIGNALE]
    return {
        "pole": POLE_SIGNALE,
        "titre": pole["pole_titre"].iloc[0],
        "situations": int(pole["situations"].iloc[0]),
        "part_traversees": float(pole["part_traversees"].mean()),
        "part_evaluables": float(pole["part_evaluables"].mean()),
        "part_traversees_autres_poles": float(
            autres.groupby("eleve_id")[["traversees", "situations"]].sum().pipe(
                lambda t: (t["traversees"] / t["situations"]).mean())) if not autres.empty else None,
        "eleves_sans_rien": int((pole["traversees"] == 0).sum()),
    }


def eleves_silencieux(entrepot: Entrepot, division_id: int, semaines: int, aujourd_hui: dt.date) -> pd.DataFrame:
    """Students who wrote (created or rewrote) no fiche for ``semaines`` weeks or more, the longest silence first."""
    df = entrepot.requete("derniere_ecriture", division=division_id, eleve=None, etablissement=None)
    limite = pd.Timestamp(aujourd_hui - dt.timedelta(weeks=semaines))
    silencieux = df[df["derniere_ecriture"].isna() | (df["derniere_ecriture"] < limite)].copy()
    jours = (pd.Timestamp(aujourd_hui) - silencieux["derniere_ecriture"].dt.normalize()).dt.days
    silencieux["semaines_sans_ecrire"] = (jours // 7).astype("Int64")
    return silencieux.reset_index(drop=True)


def fiches(entrepot: Entrepot, *, division_id: int | None = None, eleve_id: int | None = None,
           filtres: Filtres = TOUT) -> pd.DataFrame:
    """The filtered fiches of a division or a student, oldest situation first."""
    return entrepot.requete("fiches_eleves", division=division_id, eleve=eleve_id, etablissement=None,
                            **filtres.parametres())


def fiches_par_semaine(entrepot: Entrepot, division_id: int, filtres: Filtres = TOUT) -> pd.DataFrame:
    """Fiches written per week (Monday of the week of their creation), weeks without any fiche included as 0."""
    df = fiches(entrepot, division_id=division_id, filtres=filtres)
    if df.empty:
        return pd.DataFrame({"semaine": pd.Series(dtype="datetime64[ns]"), "fiches": pd.Series(dtype=int)})
    semaine = df["cree_le"].dt.normalize() - pd.to_timedelta(df["cree_le"].dt.day_of_week, unit="D")
    compte = semaine.value_counts().sort_index()
    toutes = pd.date_range(compte.index.min(), compte.index.max(), freq="7D")
    compte = compte.reindex(toutes, fill_value=0)
    return pd.DataFrame({"semaine": compte.index, "fiches": compte.to_numpy()})


def lieux_par_eleve(entrepot: Entrepot, division_id: int, filtres: Filtres = TOUT) -> pd.DataFrame:
    """Per student, the number of fiches in each lieu (one column per lieu, in the glossary order)."""
    df = fiches(entrepot, division_id=division_id, filtres=filtres)
    eleves = couverture(entrepot, division_id=division_id, filtres=filtres).drop_duplicates("eleve_id")
    table = pd.crosstab(df["eleve_id"], df["lieu"]) if not df.empty else pd.DataFrame()
    table = table.reindex(index=eleves["eleve_id"], columns=list(LIBELLES_LIEUX), fill_value=0)
    table.insert(0, "prenom", eleves.set_index("eleve_id")["prenom"])
    table.insert(0, "nom", eleves.set_index("eleve_id")["nom"])
    table.insert(0, "identifiant", eleves.set_index("eleve_id")["identifiant"])
    return table.reset_index()
