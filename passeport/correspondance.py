"""Which situations of the référentiel a job or PFMP offer speaks of: a transparent match on words.

The offer's words and each situation's vocabulary (its title, compétence, critère, classe and pôle titles, and
its complexité/aléas lists) are compared after the same simplification: lower case, no accents, no French
stop-word, and a crude stem (plural and feminine endings cut: « factures » → « factur »). A word shared by many
situations says little (« gestion », « administrative »): each word weighs by its rarity in the référentiel
(ln(situations / situations using it)), times the weight of the field it comes from (the situation's own title
counts most). Situations are ranked by the sum; the words of the offer that matched are returned to be shown.
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from passeport.ecriture import LONGUEUR_MIN_VOCABULAIRE, MOTS_VIDES, mots
from passeport.referentiel import Referentiel

# Words of job offers that say nothing of the work itself, beside the stop-words of passeport.ecriture.
MOTS_D_OFFRE = frozenset(
    """
    administratif administratifs administrative administratives alors assurer aupres avoir bonne bonnes candidat candidate candidature cette ceci devrez dont elle etes etre
    etait grande grandes heures leurs mission missions nous notre offre offres partir poste postes profil
    propose proposons qualites recherche recherchons rejoindre sein serez sera souhaite souhaitee souhaitees
    vous votre vos
    """.split()
)
# A word used by more than this share of the situations is too general to tell them apart.
PART_MAX = 0.5
# Weight of a word by where it appears in the situation (the strongest place counts).
POIDS = {"titre": 3.0, "competence": 2.0, "critere": 1.0, "classe": 1.0, "listes": 1.0, "pole": 0.5}


def sans_accents(texte: str) -> str:
    """Lower case without diacritics (« Téléphonique » → « telephonique », « œuvre » → « oeuvre »)."""
    texte = (texte or "").lower().replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c))


_VIDES = frozenset(sans_accents(m) for m in MOTS_VIDES | MOTS_D_OFFRE)


def racine(mot: str) -> str:
    """A crude stem of a word already without accents: plural then feminine endings cut.

    « factures » → « factur », « commandes » → « command », « livrees » → « livr », « achats » → « achat »."""
    if len(mot) > 3 and mot[-1] in "sx":
        mot = mot[:-1]
    while len(mot) > 4 and mot[-1] == "e":
        mot = mot[:-1]
    return mot


def mots_significatifs(texte: str) -> list[tuple[str, str]]:
    """(stem, word as written) for each meaningful word of ``texte``, in order (stop-words and short words out)."""
    resultat = []
    for brut in mots(texte):
        simple = sans_accents(brut)
        if len(simple) >= LONGUEUR_MIN_VOCABULAIRE and simple not in _VIDES:
            resultat.append((racine(simple), brut))
    return resultat


def _textes_de(referentiel: Referentiel, code: str) -> dict[str, list[str]]:
    situation = referentiel.situations[code]
    classe = referentiel.classes.get(situation.classe_code)
    pole = referentiel.poles.get(situation.pole_code)
    return {
        "titre": [situation.titre],
        "competence": [situation.competence],
        "critere": [situation.critere],
        "classe": [classe.titre if classe else ""],
        "pole": [pole.titre if pole else ""],
        "listes": [libelle for libelles in referentiel.listes.get(code, {}).values() for libelle in libelles],
    }


def vocabulaire(referentiel: Referentiel) -> dict[str, dict[str, float]]:
    """Situation code → {stem: weight of its strongest field} over the whole référentiel."""
    resultat: dict[str, dict[str, float]] = {}
    for code in referentiel.situations:
        poids: dict[str, float] = {}
        for champ, textes in _textes_de(referentiel, code).items():
            for texte in textes:
                for tige, _ in mots_significatifs(texte):
                    poids[tige] = max(poids.get(tige, 0.0), POIDS[champ])
        resultat[code] = poids
    return resultat


@dataclass(frozen=True)
class Correspondance:
    """A situation the offer speaks of: its score and the offer's words that matched (as written, in order)."""

    code: str
    titre: str
    pole_code: str
    score: float
    mots: tuple[str, ...]


def situations_de_l_offre(offre: str, referentiel: Referentiel, limite: int | None = None) -> list[Correspondance]:
    """The situations whose vocabulary matches the offer, best first (then by code); none for an empty offer."""
    dans_l_offre: dict[str, list[str]] = defaultdict(list)
    for tige, brut in mots_significatifs(offre):
        if brut not in dans_l_offre[tige]:
            dans_l_offre[tige].append(brut)
    if not dans_l_offre:
        return []
    par_situation = vocabulaire(referentiel)
    total = len(par_situation)
    frequence: dict[str, int] = defaultdict(int)
    for poids in par_situation.values():
        for tige in poids:
            frequence[tige] += 1
    resultat = []
    for code, poids in par_situation.items():
        communes = [t for t in dans_l_offre if t in poids and frequence[t] <= PART_MAX * total]
        if not communes:
            continue
        score = sum(math.log(total / frequence[t]) * poids[t] for t in communes)
        situation = referentiel.situations[code]
        trouves = tuple(brut for t in communes for brut in dans_l_offre[t])
        resultat.append(Correspondance(code, situation.titre, situation.pole_code, round(score, 3), trouves))
    resultat.sort(key=lambda c: (-c.score, _cle_de_code(c.code)))
    return resultat[:limite] if limite else resultat


def _cle_de_code(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in code.split("."))
