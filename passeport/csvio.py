"""Read and write the interchange CSV files: UTF-8, `;` or `,` detected from the header, header required.

Line numbers are those a spreadsheet shows: the header is ligne 1, each record (even one whose quoted fields
hold line breaks) is one line.

Every text field written is neutralised against formula injection (OWASP « CSV injection »: a single quote before
a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return) and every field read is restored, so that our own
export → import round trips give back exactly the texts written.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


_PROBLEME = "\0probleme"  # key no header can hold: marks a record that cannot be read as a whole
# Long texts are welcome (a démarche can be long); the csv module's default cap is 128 KiB per field.
csv.field_size_limit(16 * 1024 * 1024)


# OWASP « CSV injection »: a spreadsheet reads a cell beginning with one of these as a formula.
DECLENCHEURS_FORMULE = ("=", "+", "-", "@", "\t", "\r")
_A_NEUTRALISER = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALISE = re.compile(r"'+[=+\-@\t\r]")
_NOMBRE = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def neutraliser(texte: str) -> str:
    """The text as a CSV field that no spreadsheet runs as a formula: a single quote before ``=``, ``+``, ``-``,
    ``@``, tab or carriage return at its start (as OWASP recommends); a plain number such as « -3 » is left as is.

    Texts that already begin with quotes before one of those characters get one more quote, so that
    :func:`restaurer` gives back exactly the original text (export → import round trips stay exact)."""
    if _A_NEUTRALISER.match(texte) and not _NOMBRE.fullmatch(texte):
        return "'" + texte
    return texte


def restaurer(champ: str) -> str:
    """The inverse of :func:`neutraliser`: a field of quotes followed by a formula character loses one quote."""
    return champ[1:] if _NEUTRALISE.match(champ) else champ


def _champ(valeur: object) -> object:
    # Numbers stay numbers; only texts are neutralised.
    return neutraliser(valeur) if isinstance(valeur, str) else valeur


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


def _lire_entete(entete_brute: list[str], obligatoires: list[str], connues: set[str],
                 alias: dict[str, str]) -> list[str]:
    entete = [c.strip().lower() for c in entete_brute]
    entete = [alias.get(c, c) for c in entete]
    while entete and not entete[-1]:  # spreadsheets add empty columns at the end
        entete.pop()
    erreurs = []
    manquantes = [c for c in obligatoires if c not in entete]
    if manquantes:
        erreurs.append("ligne 1 : colonne(s) manquante(s) : " + ", ".join(manquantes))
    sans_nom = [str(i + 1) for i, c in enumerate(entete) if not c]
    if sans_nom:
        erreurs.append("ligne 1 : colonne(s) sans nom (n° " + ", ".join(sans_nom) + ")")
    inconnues = [c for c in dict.fromkeys(entete) if c and c not in connues]
    if inconnues:
        erreurs.append("ligne 1 : colonne(s) inconnue(s) : " + ", ".join(inconnues))
    doubles = [c for c in dict.fromkeys(entete) if c and entete.count(c) > 1]
    if doubles:
        erreurs.append("ligne 1 : colonne(s) en double : " + ", ".join(doubles))
    if erreurs:
        raise FichierInvalide(erreurs)
    return entete


def _valeurs(entete: list[str], champs: list[str]) -> dict[str, str]:
    # Trailing empty fields beyond the header are the spreadsheet's empty columns: drop them.
    while len(champs) > len(entete) and not champs[-1].strip():
        champs = champs[:-1]
    if len(champs) != len(entete):
        return {_PROBLEME: f"{len(champs)} champs au lieu de {len(entete)}"}
    if any("\x00" in c for c in champs):
        return {_PROBLEME: "caractère NUL interdit dans le texte"}
    return dict(zip(entete, (restaurer(c) for c in champs), strict=True))


def lire_csv(
    source: Path | str | bytes, obligatoires: Iterable[str], facultatives: Iterable[str] = (),
    alias: dict[str, str] | None = None,
) -> list[LigneCsv]:
    """Every record of the file as a dict keyed by the header; raise FichierInvalide on a bad header.

    ``alias`` maps other spellings of a column (lowercase) to ours, e.g. the school system's « ine ».
    """
    brut = source if isinstance(source, bytes) else Path(source).read_bytes()
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
    obligatoires = list(obligatoires)
    entete = _lire_entete(next(lecteur), obligatoires, set(obligatoires) | set(facultatives), alias or {})
    lignes = []
    numero = 1
    try:
        for numero, champs in enumerate(lecteur, start=2):
            if champs and any(c.strip() for c in champs):
                lignes.append(LigneCsv(numero, _valeurs(entete, champs)))
    except csv.Error as exc:
        raise FichierInvalide([f"ligne {numero + 1} : illisible ({exc})"]) from None
    return lignes


def probleme_de_lecture(ligne: LigneCsv) -> str | None:
    """Why a record could not be read field by field (wrong field count, NUL character), if so."""
    return ligne.valeurs.get(_PROBLEME)


def _ecrire(f, entete: list[str], lignes: Iterable[Iterable[object]], titre: Iterable[str] = ()) -> int:
    ecrivain = csv.writer(f, delimiter=";")
    titre = list(titre)
    for ligne_de_titre in titre:  # what the file is (a file for a meeting), then an empty line, then the header
        ecrivain.writerow([_champ(ligne_de_titre)])
    if titre:
        ecrivain.writerow([])
    ecrivain.writerow([_champ(c) for c in entete])
    n = 0
    for ligne in lignes:
        ecrivain.writerow([_champ(v) for v in ligne])
        n += 1
    return n


def ecrire_flux(f, entete: list[str], lignes: Iterable[Iterable[object]]) -> int:
    """The same `;`-separated text on an open stream (standard output), without BOM; return the row count."""
    return _ecrire(f, entete, lignes)


def ecrire_csv(chemin: Path | str, entete: list[str], lignes: Iterable[Iterable[object]]) -> int:
    """Write a `;`-separated UTF-8 file (with BOM so that spreadsheets read the accents); return the row count."""
    with Path(chemin).open("w", encoding="utf-8-sig", newline="") as f:
        return _ecrire(f, entete, lignes)


def csv_octets(entete: list[str], lignes: Iterable[Iterable[object]], titre: Iterable[str] = ()) -> bytes:
    """The same file as ecrire_csv, in memory (for a download button); ``titre``: lines written before the header
    (what the file holds, division, date, filters), then an empty line."""
    tampon = io.StringIO(newline="")
    _ecrire(tampon, entete, lignes, titre)
    return ("\ufeff" + tampon.getvalue()).encode("utf-8")
