"""Coverage of the référentiel: one row per student × situation, the class heatmap, the coverage export."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics.entrepot import Entrepot
from analytics.filtres import TOUT, Filtres
from passeport.libelles import niveau
from passeport.statut import LIBELLES, Statut

ORDRE_STATUTS = [Statut.NON_TRAVERSEE, Statut.UNE_FOIS, Statut.REPETEE, Statut.EVALUABLE]
RANG_STATUT = {s.value: k for k, s in enumerate(ORDRE_STATUTS)}

# metric → (label, what a cell holds, what the totals hold)
METRIQUES = {
    "statut": "Statut",
    "nb_fiches": "Nombre de fiches",
    "max_complexite": "Complexité maximale",
    "max_aleas": "Aléas maximum",
    "positionnement": "Positionnement",
    "part_reelles": "Part de fiches réelles",
}
TRIS = {"couverture": "Couverture (les plus avancés d'abord)", "nom": "Nom"}
COLONNES_EXPORT = ["eleve", "division", "situation", "nb_fiches", "nb_reelles", "max_complexite", "max_aleas",
                   "statut"]


def couverture(entrepot: Entrepot, *, division_id: int | None = None, eleve_id: int | None = None,
               etablissement_id: int | None = None, filtres: Filtres = TOUT) -> pd.DataFrame:
    """Every situation of each chosen student's référentiel with nb_fiches, nb_reelles, max_complexite,
    max_aleas, statut, positionnement (latest), part_reelles; students by name, situations in référentiel order."""
    return entrepot.requete("couverture", division=division_id, eleve=eleve_id, etablissement=etablissement_id,
                            **filtres.parametres())


def export_couverture(entrepot: Entrepot, *, division_id: int | None = None,
                      etablissement_id: int | None = None, filtres: Filtres = TOUT) -> pd.DataFrame:
    """The coverage export of DESIGN.md: eleve;division;situation;nb_fiches;nb_reelles;max_complexite;max_aleas;statut.

    Ordered by division, student identifiant and référentiel order; max_* empty (<NA>) when no fiche. The figures
    are kept per division with the division's stamp (Entrepot.par_division): after a change, only the classes that
    changed are computed again (one GROUP BY in DuckDB giving numbers only, sql/export_couverture.sql); the students
    are then put in the format's order by moving whole blocks of rows, and the text columns are categorical, built
    from the small tables of students and situations (no text per cell is ever made)."""
    eleves = entrepot.requete("export_couverture_eleves", division=division_id, etablissement=etablissement_id)
    return export_des_eleves(entrepot, eleves, filtres)


def lots_d_eleves(entrepot: Entrepot, *, division_id: int | None = None, etablissement_id: int | None = None,
                  taille: int = 2500):
    """The students of the coverage export in the format's order, by lots of about ``taille`` students never
    splitting a division name (two schools' 2GA01 interleave by identifiant): for a file written lot by lot
    (analytics.fichier_couverture.ecrire_par_lots), whose memory is then a lot's, not the académie's."""
    eleves = entrepot.requete("export_couverture_eleves", division=division_id, etablissement=etablissement_id)
    noms = eleves["division"].to_numpy()
    debut = 0
    while debut < len(eleves):
        fin = min(debut + taille, len(eleves))
        while 0 < fin < len(eleves) and noms[fin] == noms[fin - 1]:
            fin += 1
        yield eleves.iloc[debut:fin].reset_index(drop=True)
        debut = fin


def export_des_eleves(entrepot: Entrepot, eleves: pd.DataFrame, filtres: Filtres = TOUT) -> pd.DataFrame:
    """The coverage export of these students (rows of sql/export_couverture_eleves.sql, in the format's order)."""
    divisions = [int(d) for d in pd.unique(eleves["division_id"])]
    filtres_sql = filtres.parametres()
    cle = ("export_couverture", tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                                             for k, v in filtres_sql.items())))

    def calculer(a_faire: list[int]) -> dict[int, dict[str, np.ndarray]]:
        chiffres = entrepot.requete_numpy("export_couverture", divisions=a_faire, **filtres_sql)
        colonnes = {c: np.asarray(chiffres[c]) for c in (*COLONNES_CHIFFRES, "max_complexite", "max_aleas")}
        # The rows come grouped by division: each part is a slice (a view) of the arrays.
        division = np.asarray(chiffres["division_id"])
        bornes = np.r_[0, np.flatnonzero(division[1:] != division[:-1]) + 1, len(division)]
        parts = {int(division[a]): {c: v[a:b] for c, v in colonnes.items()} for a, b in zip(bornes[:-1], bornes[1:])}
        vide = {c: v[:0] for c, v in colonnes.items()}
        return {d: parts.get(d, vide) for d in a_faire}

    parts = entrepot.par_division(cle, divisions, calculer)
    chiffres = _dans_l_ordre([parts[d] for d in divisions], eleves["eleve_id"].to_numpy(dtype=np.int64))
    return _tableau_export(chiffres, eleves, entrepot.requete("situations_index"))


COLONNES_CHIFFRES = ("eleve_id", "situation", "nb_fiches", "nb_reelles", "statut")


def _dans_l_ordre(parts: list[dict[str, np.ndarray]], ordre_eleves: np.ndarray) -> dict[str, np.ndarray]:
    """The parts' rows with the students in ``ordre_eleves`` order. Each student's rows are contiguous (their
    situations in référentiel order): whole blocks are moved, never rows sorted one by one."""
    noms = (*COLONNES_CHIFFRES, "max_complexite", "max_aleas")
    colonnes = {c: np.concatenate([p[c] for p in parts]) if parts else np.zeros(0, np.int64) for c in noms}
    ids = colonnes["eleve_id"]
    if len(ids):
        debuts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        longueurs = np.diff(np.r_[debuts, len(ids)])
        rang = pd.Index(ordre_eleves).get_indexer(ids[debuts])
        rang = np.where(rang < 0, len(ordre_eleves), rang)  # a student gone since (a refresh in between): last
        blocs = np.argsort(rang, kind="stable")
        longueurs_triees = longueurs[blocs]
        nouveaux_debuts = np.r_[0, np.cumsum(longueurs_triees)[:-1]]
        index = (np.arange(len(ids)) - np.repeat(nouveaux_debuts, longueurs_triees)
                 + np.repeat(debuts[blocs], longueurs_triees))
        colonnes = {c: v[index] for c, v in colonnes.items()}
    for c in ("max_complexite", "max_aleas"):  # -1: no fiche
        manquant = colonnes[c] < 0
        colonnes[c] = pd.arrays.IntegerArray(np.where(manquant, 0, colonnes[c]).astype(np.int64), manquant)
    return colonnes


def _tableau_export(chiffres: dict, eleves: pd.DataFrame, situations: pd.DataFrame) -> pd.DataFrame:
    # Each row's student, as a position in the small table (-1, missing, if a refresh came in between).
    position = pd.Index(eleves["eleve_id"]).get_indexer(chiffres["eleve_id"])
    idents, liste_idents = pd.factorize(eleves["identifiant"])
    divisions, liste_divisions = pd.factorize(eleves["division"])
    rangs = np.where(position >= 0, position, 0)
    # A code may name a situation of several référentiels (1.1.1): one category for all of them.
    codes_situations, liste_situations = pd.factorize(situations["code"])

    def categorie(codes, categories):
        return pd.Categorical.from_codes(np.where(position >= 0, codes[rangs], -1), categories=categories)

    return pd.DataFrame({
        "eleve": categorie(idents, pd.Index(liste_idents, dtype=object)),
        "division": categorie(divisions, pd.Index(liste_divisions, dtype=object)),
        "situation": pd.Categorical.from_codes(codes_situations[np.asarray(chiffres["situation"], dtype=np.int64)],
                                               categories=pd.Index(liste_situations, dtype=object)),
        "nb_fiches": np.asarray(chiffres["nb_fiches"], dtype=np.int64),
        "nb_reelles": np.asarray(chiffres["nb_reelles"], dtype=np.int64),
        "max_complexite": chiffres["max_complexite"],
        "max_aleas": chiffres["max_aleas"],
        "statut": pd.Categorical.from_codes(np.asarray(chiffres["statut"], dtype=np.int64),
                                            categories=[s.value for s in ORDRE_STATUTS]),
    })


@dataclass
class Carte:
    """The class heatmap as data: one row per student, one column per situation (référentiel order)."""

    metrique: str
    valeurs: pd.DataFrame        # numbers to colour (statut: 0 non traversée … 3 évaluable); NaN = nothing
    textes: pd.DataFrame         # what a cell shows on hover, in words
    eleves: pd.DataFrame         # eleve_id, nom, prenom, libelle, identifiant, in row order
    situations: pd.DataFrame     # code, titre, pole_code, pole_titre, classe_code, classe_titre, in column order
    total_eleve: pd.Series       # by student label
    total_situation: pd.Series   # by situation code
    libelle_total: str
    # True where the student has no fiche on the situation (drawn apart from the lowest level of every metric).
    vides: pd.DataFrame | None = None
    tri: str = "couverture"
    donnees: pd.DataFrame | None = field(default=None, repr=False)  # the couverture rows it was built from


# Totals never average levels: they count the situations (per student) or the students (per situation) that reach
# a threshold. metric → (column, threshold, label of the totals).
SEUILS = {
    "statut": ("rang_statut", RANG_STATUT[Statut.EVALUABLE], "Situations évaluables"),
    "max_complexite": ("max_complexite", 2, "Situations de complexité 2 ou plus"),
    "max_aleas": ("max_aleas", 1, "Situations avec au moins un aléa"),
    "positionnement": ("positionnement", 3, "Situations acquises ou maîtrisées"),
}


def carte(entrepot: Entrepot, division_id: int, metrique: str = "statut", filtres: Filtres = TOUT,
          tri: str = "couverture") -> Carte:
    """The heatmap of a division for one metric, with totals per student and per situation."""
    if metrique not in METRIQUES:
        raise ValueError(f"Mesure inconnue : {metrique}")
    if tri not in TRIS:
        raise ValueError(f"Tri inconnu : {tri}")
    # Memoised with the division's stamp: a change in another class leaves this heatmap ready.
    cle = ("carte", division_id, metrique, tri, tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                                                             for k, v in filtres.parametres().items())))
    return entrepot.memoiser(cle, lambda: carte_depuis(couverture(entrepot, division_id=division_id, filtres=filtres),
                                                        metrique, tri), division_id=division_id)


def carte_depuis(df: pd.DataFrame, metrique: str, tri: str = "couverture", pole: str | None = None) -> Carte:
    """The heatmap built from a ``couverture`` DataFrame (pure: tested on hand-written frames).

    ``pole`` keeps the situations of one pôle; the students keep the order they have over the whole référentiel
    (switching pôles does not move the rows), their totals count the shown situations only."""
    donnees = df
    df = df.copy()
    df["libelle"] = _libelles_eleves(df)
    df["rang_statut"] = df["statut"].map(RANG_STATUT)
    df["traversee"] = df["nb_fiches"] > 0
    df["evaluable"] = df["statut"] == Statut.EVALUABLE
    par_eleve = df.groupby("eleve_id", sort=False).agg(
        nom=("nom", "first"), prenom=("prenom", "first"), libelle=("libelle", "first"),
        identifiant=("identifiant", "first"), traversees=("traversee", "sum"), evaluables=("evaluable", "sum"), fiches=("nb_fiches", "sum"))
    if tri == "couverture":
        par_eleve = par_eleve.sort_values(["evaluables", "traversees", "fiches", "nom", "prenom"],
                                          ascending=[False, False, False, True, True], kind="stable")
    else:
        par_eleve = par_eleve.sort_values(["nom", "prenom"], kind="stable", key=lambda c: c.map(cle_alphabetique))
    if pole is not None:
        df = df[df["pole_code"].astype(str) == str(pole)]
        if df.empty:
            raise ValueError(f"Pôle inconnu : {pole}")
    situations = (df.drop_duplicates("situation").sort_values("ordre")
                  [["situation", "titre", "pole_code", "pole_titre", "classe_code", "classe_titre"]]
                  .rename(columns={"situation": "code"}).reset_index(drop=True))
    colonne = "rang_statut" if metrique == "statut" else metrique
    valeurs = (df.pivot(index="eleve_id", columns="situation", values=colonne).astype(float)
               .reindex(index=par_eleve.index, columns=situations["code"]))
    if metrique == "statut":
        # A situation never crossed is 0, and shows as such; other metrics leave it empty.
        valeurs = valeurs.fillna(0)
    vides = (df.pivot(index="eleve_id", columns="situation", values="nb_fiches")
             .reindex(index=par_eleve.index, columns=situations["code"]) == 0)
    df["texte"] = [_texte_cellule(r) for r in df.itertuples()]
    textes = df.pivot(index="eleve_id", columns="situation", values="texte").reindex(
        index=par_eleve.index, columns=situations["code"])
    total_eleve, total_situation, libelle_total = _totaux(df, metrique, par_eleve.index, situations["code"])
    eleves = par_eleve.reset_index()[["eleve_id", "nom", "prenom", "libelle", "identifiant"]]
    return Carte(metrique, valeurs, textes, eleves, situations, total_eleve, total_situation, libelle_total,
                 vides, tri, donnees)


def du_pole(carte: Carte, pole: str | None) -> Carte:
    """The same heatmap restricted to one pôle (None: all of them)."""
    if pole is None or carte.donnees is None:
        return carte
    return carte_depuis(carte.donnees, carte.metrique, carte.tri, pole)


def cle_alphabetique(texte: str) -> str:
    """Alphabetical order as in a class list: accents and case ignored (Émilie between Elsa and Enzo)."""
    return unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode().casefold()


def _libelles_eleves(df: pd.DataFrame) -> pd.Series:
    libelle = df["nom"].str.upper() + " " + df["prenom"]
    # Two students with the same name stay two rows.
    doublons = df.groupby(libelle)["eleve_id"].transform("nunique") > 1
    return libelle.where(~doublons, libelle + " (" + df["identifiant"] + ")")


def _totaux(df: pd.DataFrame, metrique: str, ordre_eleves, ordre_situations) -> tuple[pd.Series, pd.Series, str]:
    if metrique in SEUILS:
        colonne, seuil, libelle = SEUILS[metrique]
        atteint = df[colonne].fillna(-1) >= seuil
        par_eleve = atteint.groupby(df["eleve_id"]).sum()
        par_situation = atteint.groupby(df["situation"]).sum()
    elif metrique == "nb_fiches":
        libelle = "Fiches"
        par_eleve = df.groupby("eleve_id")["nb_fiches"].sum()
        par_situation = df.groupby("situation")["nb_fiches"].sum()
    elif metrique == "part_reelles":
        libelle = "Part de fiches réelles"
        sommes_e = df.groupby("eleve_id")[["nb_reelles", "nb_fiches"]].sum()
        sommes_s = df.groupby("situation")[["nb_reelles", "nb_fiches"]].sum()
        par_eleve = sommes_e["nb_reelles"] / sommes_e["nb_fiches"].where(sommes_e["nb_fiches"] > 0)
        par_situation = sommes_s["nb_reelles"] / sommes_s["nb_fiches"].where(sommes_s["nb_fiches"] > 0)
    else:
        raise ValueError(f"Mesure inconnue : {metrique}")
    return (par_eleve.astype(float).reindex(ordre_eleves), par_situation.astype(float).reindex(ordre_situations),
            libelle)


def _texte_cellule(r) -> str:
    if r.nb_fiches == 0:
        return "Aucune fiche"
    morceaux = [
        LIBELLES[Statut(r.statut)],
        f"{r.nb_fiches} fiche{'s' if r.nb_fiches > 1 else ''} dont {r.nb_reelles} réelle{'s' if r.nb_reelles > 1 else ''}",
        f"complexité max {int(r.max_complexite)} · aléas max {int(r.max_aleas)}",
    ]
    if not pd.isna(r.positionnement):
        morceaux.append(f"positionnement : {niveau(int(r.positionnement))}")
    return "<br>".join(morceaux)
