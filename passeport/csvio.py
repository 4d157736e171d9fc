"""Read and write the interchange CSV files: UTF-8, `;` or `,` detected from the header, header required.

Line numbers are those a spreadsheet shows: the header is ligne 1, each record (even one whose quoted fields
hold line breaks) is one line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


_NB_CHAMPS = "\0nb_champs"  # key that no header can hold: marks a record with the wrong field count


class FichierInvalide(ValueError):
    """The file cannot be read as a whole (encoding, header); ``erreurs`` lists the reasons."""

    def __init__(self, erreurs: list[str]):
        self.erreurs = erreurs
        super().__init__("\n".join(erreurs))


@dataclass(frozen=True)
class LigneCsv:
    numero: int
    valeurs: dict[str, str]


def detecter_separateur(entete: str) -> str:
    return ";" if entete.count(";") >= entete.count(",") else ","


def lire_csv(
    source: Path | str | bytes, obligatoires: Iterable[str], facultatives: Iterable[str] = ()
) -> list[LigneCsv]:
    """Every record of the file as a dict keyed by the header; raise FichierInvalide on a bad header."""
    if isinstance(source, bytes):
        brut = source
    else:
        brut = Path(source).read_bytes()
    try:
        texte = brut.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FichierInvalide(
            [f"le fichier n'est pas en UTF-8 (octet {exc.start + 1}) : enregistrez-le en « CSV UTF-8 »"]
        ) from None
    premiere = texte.split("\n", 1)[0]
    if not premiere.strip():
        raise FichierInvalide(["ligne 1 : en-tête absent"])
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=detecter_separateur(premiere))
    entete = [c.strip().lower() for c in next(lecteur)]
    obligatoires = list(obligatoires)
    connues = set(obligatoires) | set(facultatives)
    manquantes = [c for c in obligatoires if c not in entete]
    inconnues = [c for c in entete if c not in connues]
    erreurs = []
    if manquantes:
        erreurs.append("ligne 1 : colonne(s) manquante(s) : " + ", ".join(manquantes))
    if inconnues:
        erreurs.append("ligne 1 : colonne(s) inconnue(s) : " + ", ".join(inconnues))
    if erreurs:
        raise FichierInvalide(erreurs)
    lignes = []
    for numero, champs in enumerate(lecteur, start=2):
        if not champs or all(not c.strip() for c in champs):
            continue
        if len(champs) != len(entete):
            valeurs = {_NB_CHAMPS: f"{len(champs)} champs au lieu de {len(entete)}"}
        else:
            valeurs = dict(zip(entete, champs, strict=True))
        lignes.append(LigneCsv(numero, valeurs))
    return lignes


def nombre_de_champs_incorrect(ligne: LigneCsv) -> str | None:
    """The problem of a record whose field count differs from the header's, if so."""
    return ligne.valeurs.get(_NB_CHAMPS)


def ecrire_csv(chemin: Path | str, entete: list[str], lignes: Iterable[Iterable[object]]) -> int:
    """Write a `;`-separated UTF-8 file (with BOM so that spreadsheets read the accents); return the row count."""
    n = 0
    with Path(chemin).open("w", encoding="utf-8-sig", newline="") as f:
        ecrivain = csv.writer(f, delimiter=";")
        ecrivain.writerow(entete)
        for ligne in lignes:
            ecrivain.writerow(ligne)
            n += 1
    return n

