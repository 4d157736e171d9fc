"""Checks shared by every free text typed in a form (fiches, drafts, appréciations, notes, names, the tutor's report)
and the length limits of the fiche's fields (one place: the form states them, the services enforce them)."""

from __future__ import annotations

import re

# Longest text per kind of field. The form shows the limit (max_chars: a counter under the field), the fiche
# service refuses more: a 10 MB text would otherwise be copied into every version.
LONGUEUR_TITRE = 200      # a fiche's title, its organisation, a name
LONGUEUR_TEXTE = 10_000   # a fiche's long texts (contexte, conditions, démarche, productions): ~4 pages
LONGUEUR_DETAILS = 2_000  # the list of complexity factors or of aléas (joined by "|")
LONGUEURS_FICHE = {
    "titre": LONGUEUR_TITRE, "organisation": LONGUEUR_TITRE, "contexte": LONGUEUR_TEXTE,
    "conditions": LONGUEUR_TEXTE, "demarche": LONGUEUR_TEXTE, "productions": LONGUEUR_TEXTE,
    "complexite_details": LONGUEUR_DETAILS, "aleas_details": LONGUEUR_DETAILS,
}

# Control characters (C0 but tab, line feed and carriage return; DEL; C1) and lone surrogates (a JSON "\ud800"
# cannot be encoded for either database). PostgreSQL refuses NUL in text while SQLite stores it: the same input
# must get the same French answer on both.
_INTERDITS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def caractere_interdit(texte: str) -> bool:
    """True when ``texte`` holds a character no field may store (see ``_INTERDITS``)."""
    return _INTERDITS.search(texte) is not None


def probleme_de_texte(texte: str, longueur_max: int, nom: str) -> str | None:
    """What stops ``texte`` from being saved, as a French sentence about ``nom`` (« L'appréciation »); None if fine."""
    if caractere_interdit(texte):
        return (f"{nom} contient un caractère interdit (caractère de contrôle invisible, par exemple un caractère "
                f"nul, souvent venu d'un copier-coller) : retirez-le.")
    if len(texte) > longueur_max:
        return f"{nom} dépasse {longueur_max} caractères."
    return None
