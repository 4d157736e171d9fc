"""Suggested individual PFMP goals (DESIGN.md): ranked situations, the reason in words, organisations to go."""

from __future__ import annotations

import pandas as pd

from analytics.couverture import couverture
from analytics.entrepot import Entrepot
from passeport.libelles import MOTIFS as LIBELLES_MOTIFS

# In priority order (DESIGN.md); the words live in passeport/libelles.py ("" there is a goal the team chose).
MOTIFS = {code: mot for code, mot in LIBELLES_MOTIFS.items() if code}
CONSEILS = {
    "jamais_traversee": "la vivre une première fois",
    "une_seule_fois": "la vivre à nouveau",
    "sans_complexite_ni_alea": "la vivre avec un facteur de complexité ou un aléa",
    "seulement_simulee": "la vivre en situation réelle",
}
COLONNES = ["rang", "situation", "titre", "pole_code", "motif", "explication", "organisations"]


def motif(statut: str, nb_reelles: int) -> str | None:
    """The reason a situation is suggested, or None when it is evaluable with a real fiche."""
    if statut == "non_traversee":
        return "jamais_traversee"
    if statut == "une_fois":
        return "une_seule_fois"
    if statut == "repetee":
        return "sans_complexite_ni_alea"
    if nb_reelles == 0:
        return "seulement_simulee"
    return None


def objectifs(entrepot: Entrepot, eleve_id: int, nombre: int | None = None) -> pd.DataFrame:
    """The suggested goals of a student, best first: rang, situation, titre, pole_code, motif (code), explication
    (in words), organisations (list, most students first). All the student's fiches count, whatever the filters."""
    return entrepot.memoiser(("objectifs", eleve_id, nombre), lambda: _objectifs(entrepot, eleve_id, nombre))


def _objectifs(entrepot: Entrepot, eleve_id: int, nombre: int | None) -> pd.DataFrame:
    df = couverture(entrepot, eleve_id=eleve_id)
    if df.empty:
        return pd.DataFrame(columns=COLONNES)
    df["evaluable"] = df["statut"] == "evaluable"
    par_pole = df.groupby("pole_code").agg(evaluables=("evaluable", "sum"), situations=("situation", "count"))
    par_pole["part"] = par_pole["evaluables"] / par_pole["situations"]
    df["motif"] = [motif(s, n) for s, n in zip(df["statut"], df["nb_reelles"])]
    df = df[df["motif"].notna()].copy()
    df["priorite"] = df["motif"].map(list(MOTIFS).index)
    df["part_pole"] = df["pole_code"].map(par_pole["part"])
    df = df.sort_values(["priorite", "part_pole", "ordre"], kind="stable")
    if nombre is not None:
        df = df.head(nombre)
    organisations = organisations_pour(entrepot, eleve_id)
    par_situation = organisations.groupby("situation")["organisation"].apply(list).to_dict()
    df["organisations"] = [par_situation.get(code, []) for code in df["situation"]]
    df["explication"] = [_explication(r, par_pole) for r in df.itertuples()]
    df["rang"] = range(1, len(df) + 1)
    return df[COLONNES].reset_index(drop=True)


def organisations_pour(entrepot: Entrepot, eleve_id: int) -> pd.DataFrame:
    """Where the other students of the student's school wrote real fiches in a workplace: situation, organisation,
    eleves (how many other students), by situation then most students first then name.

    The school's organisations are read and counted once per stamp (memoised by school); for a student, only the
    organisations the student wrote on lose one count (the student is not one of the « other » students)."""
    ecole = entrepot.requete("etablissement_eleve", eleve=eleve_id)
    if ecole.empty:
        return pd.DataFrame({"situation": pd.Series(dtype=object), "organisation": pd.Series(dtype=object),
                             "eleves": pd.Series(dtype="int64")})
    etablissement_id = int(ecole.iloc[0, 0])
    paires = entrepot.requete("organisations", etablissement=etablissement_id)
    comptes = entrepot.memoiser(("organisations", etablissement_id), lambda: _compter(paires))
    miennes = paires.loc[paires["eleve_id"] == eleve_id, ["situation", "organisation"]]
    if miennes.empty:
        return comptes
    moi = comptes.merge(miennes.assign(moi=1), on=["situation", "organisation"], how="left")["moi"]
    comptes["eleves"] = comptes["eleves"] - moi.fillna(0).astype("int64").to_numpy()
    return _trier(comptes[comptes["eleves"] > 0])


def _compter(paires: pd.DataFrame) -> pd.DataFrame:
    comptes = paires.groupby(["situation", "organisation"], sort=False).size().rename("eleves").reset_index()
    return _trier(comptes.astype({"eleves": "int64"}))


def _trier(comptes: pd.DataFrame) -> pd.DataFrame:
    return comptes.sort_values(["situation", "eleves", "organisation"], ascending=[True, False, True],
                               kind="stable").reset_index(drop=True)


def _explication(r, par_pole: pd.DataFrame) -> str:
    pole = par_pole.loc[r.pole_code]
    evaluables = int(pole["evaluables"])
    return (f"{MOTIFS[r.motif]} : {CONSEILS[r.motif]}. Pôle {r.pole_code} : {evaluables} situation"
            f"{'s' if evaluables > 1 else ''} évaluable{'s' if evaluables > 1 else ''} sur {int(pole['situations'])}.")


def export_objectifs(df: pd.DataFrame) -> pd.DataFrame:
    """The goals export of DESIGN.md: rang;situation;motif;organisations (organisations |-separated)."""
    return pd.DataFrame({
        "rang": df["rang"].astype(int), "situation": df["situation"], "motif": df["motif"],
        "organisations": ["|".join(o) for o in df["organisations"]],
    })
