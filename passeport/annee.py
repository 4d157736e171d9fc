"""School years ("2026-2027"), which start on 1 September."""

from __future__ import annotations

import datetime as dt
import re


def annee_scolaire(jour: dt.date | None = None) -> str:
    jour = jour or dt.date.today()
    debut = jour.year if jour.month >= 9 else jour.year - 1
    return f"{debut}-{debut + 1}"


def debut_annee(annee: str) -> dt.date:
    return dt.date(int(annee[:4]), 9, 1)


def est_valide(annee: str) -> bool:
    m = re.fullmatch(r"(\d{4})-(\d{4})", annee)
    return bool(m) and int(m.group(2)) == int(m.group(1)) + 1


def annee_de_la_rentree(jour: dt.date | None = None) -> str:
    """The year a rentrée prepares: from June on, next September's; otherwise the current one."""
    jour = jour or dt.date.today()
    courante = annee_scolaire(jour)
    if 6 <= jour.month <= 8:
        debut = int(courante[:4]) + 1
        return f"{debut}-{debut + 1}"
    return courante


def precedente(annee: str) -> str:
    """« 2026-2027 » → « 2025-2026 »."""
    debut = int(annee[:4]) - 1
    return f"{debut}-{debut + 1}"
