"""Writing indicators of the fiches, per fiche then per student over time, for the Lettres teacher's workshops.

Only counts on the raw text: words, sentences, first person, completed sections, words of the référentiel.

« Première personne » is the share of sentences in which the student speaks of themself: a sentence counts when it
holds « je », « j' », « me », « m' », « moi », « nous » or « on » (« Ma tutrice m'a demandé… » counts: the student
is in the action). A text written entirely with « je » gives 100 %, a text with none 0 %. Sentences are those of
``phrases`` (the end of a section ends a sentence; « M. Martin » does not).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from passeport.referentiel import Referentiel
from passeport.services.fiches import ContenuFiche, details

SECTIONS = ("contexte", "conditions", "demarche", "productions")
MOTS_MIN_SECTION = 3
# The words by which a writer is the subject or the object of the sentence (elided « j' », « m' » with their
# apostrophe only: « M. Martin » is not the writer).
_PREMIERE_PERSONNE = re.compile(r"(?<!\w)(?:(?:je|me|moi|nous|on)(?!\w)|[jm]['’])", re.IGNORECASE)
LONGUEUR_MIN_VOCABULAIRE = 4
MOTS_VIDES = frozenset(
    """
    afin ainsi alors aussi autre autres avec avoir cela celle celles celui ceux cette chaque chez comme dans
    depuis donc dont elle elles entre envers être également fait faire hors leur leurs lors mais même mêmes
    notre nous parmi pendant peut plus pour puis quand quel quelle quelles quels relatif relatifs relative
    relatives sans selon sont sous suivant tous tout toute toutes très vers votre vous
    """.split()
)
COLONNES_TABLEAU = [
    "eleve_id", "eleve", "periode", "fiches", "mots_moyen", "phrases_moyen", "mots_par_phrase",
    "part_premiere_personne", "sections_remplies_moyen", "part_vocabulaire",
]
COLONNES_SYNTHESE = [c for c in COLONNES_TABLEAU if c != "periode"] + ["evolution_mots"]

_MOT = re.compile(r"[^\W\d_]+", re.UNICODE)
_FIN_DE_PHRASE = re.compile(r"[.!?…\n]+")
# « M. Martin », « Mme. Roux »: the dot of a title before a name ends no sentence.
_TITRE = re.compile(r"\b(M|MM|Mme|Mmes|Mlle|Dr)\.(?=[ \t]+[A-ZÀ-Ý])")


def mots(texte: str) -> list[str]:
    """The lowercased words of ``texte``; elisions are split (« j'ai » → j, ai)."""
    return [m.lower() for m in _MOT.findall(texte or "")]


def _les_phrases(texte: str) -> list[str]:
    """The sentences: pieces between . ! ? … or line breaks that hold a word (a title's dot ends none)."""
    return [m for m in _FIN_DE_PHRASE.split(_TITRE.sub(r"\1", texte or "")) if _MOT.search(m)]


def phrases(texte: str) -> int:
    """Number of sentences: pieces between . ! ? … or line breaks that hold a word."""
    return len(_les_phrases(texte))


def phrases_a_la_premiere_personne(texte: str) -> int:
    """Number of sentences where the writer speaks of themself (je, j', me, m', moi, nous, on)."""
    return sum(1 for p in _les_phrases(texte) if _PREMIERE_PERSONNE.search(p))


def part_premiere_personne(texte: str) -> float:
    """Share of the sentences written at the first person (see the module's docstring); 0.0 without sentences."""
    n = phrases(texte)
    return phrases_a_la_premiere_personne(texte) / n if n else 0.0


def racine(mot: str) -> str:
    """A crude stem: the word without its final plural « s » or « x »."""
    return mot[:-1] if len(mot) > 3 and mot[-1] in "sx" else mot


def vocabulaire_du_referentiel(referentiel: Referentiel, code: str) -> frozenset[str]:
    """Stems of the meaningful words (≥ 4 letters, no stop word) of a situation, its lists and its classe."""
    situation = referentiel.situations[code]
    textes = [situation.titre, situation.competence, situation.critere]
    classe = referentiel.classes.get(situation.classe_code)
    if classe is not None:
        textes.append(classe.titre)
    for libelles in referentiel.listes.get(code, {}).values():
        textes.extend(libelles)
    return frozenset(
        racine(m)
        for texte in textes
        for m in mots(texte)
        if len(m) >= LONGUEUR_MIN_VOCABULAIRE and m not in MOTS_VIDES and racine(m) not in MOTS_VIDES
    )


@dataclass(frozen=True)
class Indicateurs:
    mots: int
    phrases: int
    mots_par_phrase: float
    part_premiere_personne: float
    sections_remplies: int
    mots_du_referentiel: int
    vocabulaire: int
    phrases_premiere_personne: int = 0


def texte_des_sections(contenu: ContenuFiche) -> str:
    """The four free-text sections, one after the other (a section's end ends a sentence)."""
    return "\n".join(getattr(contenu, s) or "" for s in SECTIONS)


def sections_remplies(contenu: ContenuFiche) -> int:
    return sum(1 for s in SECTIONS if len(mots(getattr(contenu, s) or "")) >= MOTS_MIN_SECTION)


def mots_du_referentiel(contenu: ContenuFiche, vocabulaire: frozenset[str]) -> int:
    """Distinct référentiel stems used in the sections and in the complexité/aléas details."""
    items = details(contenu.complexite_details or "") + details(contenu.aleas_details or "")
    texte = "\n".join([texte_des_sections(contenu), *items])
    return len({racine(m) for m in mots(texte)} & vocabulaire)


@functools.lru_cache(maxsize=8192)
def indicateurs(contenu: ContenuFiche, vocabulaire: frozenset[str]) -> Indicateurs:
    """The writing indicators of one fiche (its four sections; the details only for the référentiel words).

    Remembered by content: the Lettres page reruns at every click, and a saved text never changes."""
    par_section = [mots(getattr(contenu, s) or "") for s in SECTIONS]  # each section's words, split once
    liste = [m for section in par_section for m in section]
    items = details(contenu.complexite_details or "") + details(contenu.aleas_details or "")
    texte = texte_des_sections(contenu)
    nb_phrases = phrases(texte)
    premiere = phrases_a_la_premiere_personne(texte)
    return Indicateurs(
        mots=len(liste),
        phrases=nb_phrases,
        mots_par_phrase=len(liste) / nb_phrases if nb_phrases else 0.0,
        part_premiere_personne=premiere / nb_phrases if nb_phrases else 0.0,
        sections_remplies=sum(1 for section in par_section if len(section) >= MOTS_MIN_SECTION),
        mots_du_referentiel=len({racine(m) for m in liste + mots("\n".join(items))} & vocabulaire),
        vocabulaire=len(vocabulaire),
        phrases_premiere_personne=premiere,
    )


def debut_de_periode(jour: dt.date, periode: str = "M") -> dt.date:
    """First day of the month (« M ») or of the school trimester (« Q »: Sept–Dec, Jan–Mar, Apr–Aug)."""
    if periode == "M":
        return jour.replace(day=1)
    if periode == "Q":
        mois = 9 if jour.month >= 9 else 4 if jour.month >= 4 else 1
        return dt.date(jour.year, mois, 1)
    raise ValueError(f"période « {periode} » inconnue (M ou Q)")


def _part(numerateur: float, denominateur: float) -> float:
    return numerateur / denominateur if denominateur else 0.0


def tableau_par_eleve(
    lignes: list[tuple[int, str, dt.date, ContenuFiche, frozenset[str]]], periode: str = "M"
) -> pd.DataFrame:
    """One row per student and period (month or school trimester), sorted by name then period."""
    return tableau_des_indicateurs([(eleve_id, nom, date_debut, indicateurs(contenu, vocabulaire))
                                    for eleve_id, nom, date_debut, contenu, vocabulaire in lignes], periode)


def tableau_des_indicateurs(lignes: list[tuple[int, str, dt.date, Indicateurs]], periode: str = "M") -> pd.DataFrame:
    """As ``tableau_par_eleve``, from indicators already computed (each fiche is read once)."""
    groupes: dict[tuple[int, dt.date], list[tuple[Indicateurs, int]]] = defaultdict(list)
    noms: dict[int, str] = {}
    for eleve_id, nom, date_debut, ind in lignes:
        groupes[(eleve_id, debut_de_periode(date_debut, periode))].append((ind, ind.phrases_premiere_personne))
        noms.setdefault(eleve_id, nom)
    rangs = []
    for (eleve_id, debut), fiches in groupes.items():
        n = len(fiches)
        total_mots = sum(i.mots for i, _ in fiches)
        total_phrases = sum(i.phrases for i, _ in fiches)
        rangs.append({
            "eleve_id": eleve_id,
            "eleve": noms[eleve_id],
            "periode": debut,
            "fiches": n,
            "mots_moyen": round(total_mots / n, 2),
            "phrases_moyen": round(total_phrases / n, 2),
            "mots_par_phrase": round(_part(total_mots, total_phrases), 2),
            "part_premiere_personne": round(_part(sum(p for _, p in fiches), total_phrases), 2),
            "sections_remplies_moyen": round(sum(i.sections_remplies for i, _ in fiches) / n, 2),
            "part_vocabulaire": round(sum(_part(i.mots_du_referentiel, i.vocabulaire) for i, _ in fiches) / n, 2),
        })
    rangs.sort(key=lambda r: (r["eleve"], r["eleve_id"], r["periode"]))
    return pd.DataFrame(rangs, columns=COLONNES_TABLEAU)


def synthese_par_eleve(tableau: pd.DataFrame) -> pd.DataFrame:
    """One row per student over all periods (means weighted by fiches) and the change in mean words."""
    rangs = []
    for eleve_id, t in tableau.groupby("eleve_id", sort=False):
        t = t.sort_values("periode")
        fiches = t["fiches"]
        n = int(fiches.sum())
        total_mots = float((t["mots_moyen"] * fiches).sum())
        total_phrases = float((t["phrases_moyen"] * fiches).sum())
        premiere = float((t["part_premiere_personne"] * t["phrases_moyen"] * fiches).sum())
        rangs.append({
            "eleve_id": eleve_id,
            "eleve": t["eleve"].iloc[0],
            "fiches": n,
            "mots_moyen": round(total_mots / n, 2),
            "phrases_moyen": round(total_phrases / n, 2),
            "mots_par_phrase": round(_part(total_mots, total_phrases), 2),
            "part_premiere_personne": round(_part(premiere, total_phrases), 2),
            "sections_remplies_moyen": round(float((t["sections_remplies_moyen"] * fiches).sum()) / n, 2),
            "part_vocabulaire": round(float((t["part_vocabulaire"] * fiches).sum()) / n, 2),
            "evolution_mots": round(float(t["mots_moyen"].iloc[-1] - t["mots_moyen"].iloc[0]), 2),
        })
    rangs.sort(key=lambda r: (r["eleve"], r["eleve_id"]))
    return pd.DataFrame(rangs, columns=COLONNES_SYNTHESE)
