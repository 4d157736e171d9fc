"""A student's profile: coverage by pôle and classe, the complexité/aléas ladder over time, lieux and natures."""

from __future__ import annotations

import pandas as pd

from analytics.couverture import couverture
from analytics.entrepot import Entrepot
from analytics.filtres import TOUT, Filtres
from analytics.synthese import _par_groupe, fiches


def couverture_par_classe(entrepot: Entrepot, eleve_id: int, filtres: Filtres = TOUT) -> pd.DataFrame:
    """Per pôle and classe de situations: situations, crossed, evaluable, and one column per statut."""
    df = couverture(entrepot, eleve_id=eleve_id, filtres=filtres)
    res = _par_groupe(df, ["pole_code", "pole_titre", "classe_code", "classe_titre"])
    statuts = pd.crosstab(df["classe_code"], df["statut"]).reindex(
        columns=["non_traversee", "une_fois", "repetee", "evaluable"], fill_value=0)
    return res.merge(statuts, left_on="classe_code", right_index=True, how="left")


def couverture_par_pole(entrepot: Entrepot, eleve_id: int, filtres: Filtres = TOUT) -> pd.DataFrame:
    df = couverture(entrepot, eleve_id=eleve_id, filtres=filtres)
    return _par_groupe(df, ["pole_code", "pole_titre"])


def echelle(entrepot: Entrepot, eleve_id: int, filtres: Filtres = TOUT) -> pd.DataFrame:
    """Every fiche in time order with its complexité and aléas, and its rank among the fiches of its situation."""
    df = fiches(entrepot, eleve_id=eleve_id, filtres=filtres)
    df["rang_dans_situation"] = df.groupby("situation").cumcount() + 1
    return df


def progression_par_situation(entrepot: Entrepot, eleve_id: int, filtres: Filtres = TOUT) -> pd.DataFrame:
    """For each situation met twice or more: complexité and aléas of the first and of the latest fiche, and
    whether the student met it more demanding (``monte``), as demanding (``stable``) or less (``baisse``)."""
    df = echelle(entrepot, eleve_id, filtres)
    groupes = df.groupby(["ordre", "situation", "situation_titre"], as_index=False)
    res = groupes.agg(fiches=("fiche_id", "count"), premiere_date=("date_debut", "first"),
                      derniere_date=("date_debut", "last"), complexite_premiere=("complexite", "first"),
                      complexite_derniere=("complexite", "last"), aleas_premiere=("aleas", "first"),
                      aleas_derniere=("aleas", "last"), complexite_max=("complexite", "max"), aleas_max=("aleas", "max"))
    res = res[res["fiches"] >= 2].sort_values("ordre").drop(columns="ordre").reset_index(drop=True)
    ecart = (res["complexite_derniere"] + res["aleas_derniere"]) - (res["complexite_premiere"] + res["aleas_premiere"])
    res["tendance"] = ecart.map(lambda e: "monte" if e > 0 else ("baisse" if e < 0 else "stable"))
    return res


def tendance_mensuelle(entrepot: Entrepot, eleve_id: int, filtres: Filtres = TOUT) -> pd.DataFrame:
    """Per month of the situations lived: fiches, mean complexité and mean aléas (the student's ladder in time)."""
    df = fiches(entrepot, eleve_id=eleve_id, filtres=filtres)
    if df.empty:
        return pd.DataFrame(columns=["mois", "fiches", "complexite_moyenne", "aleas_moyens"])
    mois = pd.to_datetime(df["date_debut"]).dt.to_period("M").dt.to_timestamp()
    return (df.assign(mois=mois).groupby("mois", as_index=False)
            .agg(fiches=("fiche_id", "count"), complexite_moyenne=("complexite", "mean"), aleas_moyens=("aleas", "mean")))


def lieux_et_natures(entrepot: Entrepot, eleve_id: int, filtres: Filtres = TOUT) -> pd.DataFrame:
    """Number of fiches per lieu and nature."""
    df = fiches(entrepot, eleve_id=eleve_id, filtres=filtres)
    return df.groupby(["lieu", "nature"], as_index=False).agg(fiches=("fiche_id", "count"))


def fiches_retenues(entrepot: Entrepot, eleve_id: int) -> pd.DataFrame:
    """The fiches the student retained (for the CCF or a CV), in time order."""
    df = fiches(entrepot, eleve_id=eleve_id)
    return df[df["retenue"]].reset_index(drop=True)
