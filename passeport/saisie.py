"""Checks shared by every free text typed in a form (appréciations, notes, comments, the tutor's report)."""

from __future__ import annotations


def probleme_de_texte(texte: str, longueur_max: int, nom: str) -> str | None:
    """What stops ``texte`` from being saved, as a French sentence about ``nom`` (« L'appréciation »); None if fine.

    The NUL character is refused: PostgreSQL cannot store it in a text column (SQLite can), so the same input
    must get the same answer on both."""
    if "\x00" in texte:
        return f"{nom} contient un caractère interdit."
    if len(texte) > longueur_max:
        return f"{nom} dépasse {longueur_max} caractères."
    return None
