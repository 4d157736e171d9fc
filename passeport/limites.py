"""Failure counters kept in the database (every app instance shares them): sign-ins per login and per device,
openings of a tutor's or an extract's link per link; and the client's address.

A try is *reserved* before the password or the link is checked: one atomic ``INSERT … ON CONFLICT DO UPDATE …
WHERE … RETURNING`` (SQLite ≥ 3.35 and PostgreSQL) counts it, or refuses it when the key is waiting. So parallel
requests can never check more than the allowed number: each gets its own number from the database. After
``libres`` failures the key waits a progressive delay (doubling up to a ceiling), never a lock that lasts: the
account's owner signs in again once it has passed, and the administrator can clear it (a new password).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import os
from dataclasses import dataclass

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from passeport.models import CompteurEchecs, maintenant

# PASSEPORT_PROXYS_DE_CONFIANCE: addresses (or networks, comma-separated) of the reverse proxies whose
# X-Forwarded-For and X-Forwarded-Proto are believed. Empty (the default): the socket's peer is the device.


@dataclass(frozen=True)
class Regle:
    """``libres`` failures are free; then each new try waits ``premiere_attente`` after the last failure,
    doubled at each failure up to ``attente_max``. A key without failure for ``oubli`` starts again at zero."""

    libres: int
    premiere_attente: dt.timedelta
    attente_max: dt.timedelta
    oubli: dt.timedelta = dt.timedelta(hours=1)

    def attente(self, echecs: int) -> dt.timedelta | None:
        """The wait after ``echecs`` failures in a row (None: none yet)."""
        if echecs < self.libres:
            return None
        return min(self.premiere_attente * 2 ** min(echecs - self.libres, 30), self.attente_max)

    def paliers(self) -> int:
        """The number of failures from which the wait is always ``attente_max``."""
        n = self.libres
        while self.attente(n) < self.attente_max:
            n += 1
        return n


# One login (existing or not: the same answer, the same counter): 5 free tries, then 1, 2, 4, 8, 15 minutes.
CONNEXION_COMPTE = Regle(5, dt.timedelta(minutes=1), dt.timedelta(minutes=15))
# One device (a school's whole network may share its address): 20 free failures, then 30 s … 5 minutes.
CONNEXION_APPAREIL = Regle(20, dt.timedelta(seconds=30), dt.timedelta(minutes=5))
# One tutor's or extract's link (counted by its token's hash, never by address: a school's shared address cannot
# block a valid link): 10 failed openings of that same token, then 1 … 15 minutes.
LIEN = Regle(10, dt.timedelta(minutes=1), dt.timedelta(minutes=15))


def cle(espece: str, valeur: str) -> str:
    """The counter's key: what is counted, then a hash (no typed login nor address is stored in clear)."""
    return f"{espece}:{hashlib.sha256(valeur.encode('utf-8', 'replace')).hexdigest()[:40]}"


def _insertion(executeur):
    """INSERT … ON CONFLICT for the store's dialect; ``executeur``: a Session or a Connection."""
    dialecte = executeur.dialect if hasattr(executeur, "dialect") else executeur.get_bind().dialect
    return (postgresql if dialecte.name == "postgresql" else sqlite).insert


def reserver(session, cle_: str, regle: Regle, instant: dt.datetime | None = None) -> int | None:
    """Count one try on ``cle_`` and return its number (1, 2, …), or None when the key is waiting (nothing is
    counted then). Atomic: concurrent callers get distinct numbers. The caller commits at once, before checking."""
    instant = instant or maintenant()
    table = CompteurEchecs.__table__
    anciens = table.c.dernier_le < instant - regle.oubli
    nouveau = case((anciens, 1), else_=table.c.echecs + 1)
    plafond = regle.paliers()
    attente = case(
        *[(nouveau == n, instant + regle.attente(n)) for n in range(regle.libres, plafond)],
        (nouveau >= plafond, instant + regle.attente_max),
        else_=None,
    )
    insertion = _insertion(session)(table).values(
        cle=cle_, echecs=1, dernier_le=instant,
        attente_jusqua=instant + regle.attente(1) if regle.attente(1) is not None else None)
    requete = insertion.on_conflict_do_update(
        index_elements=[table.c.cle],
        set_={"echecs": nouveau, "dernier_le": instant, "attente_jusqua": attente},
        where=table.c.attente_jusqua.is_(None) | (table.c.attente_jusqua <= instant),
    ).returning(table.c.echecs)
    return session.execute(requete).scalar_one_or_none()


def rendre(session, cle_: str, regle: Regle) -> None:
    """The reserved try succeeded: it is not a failure (the other failures stay counted; the wait it may have
    started goes when fewer than ``regle.libres`` failures remain)."""
    table = CompteurEchecs.__table__
    session.execute(update(table).where(table.c.cle == cle_, table.c.echecs > 0).values(
        echecs=table.c.echecs - 1,
        attente_jusqua=case((table.c.echecs - 1 < regle.libres, None), else_=table.c.attente_jusqua)))


def effacer(session, cle_: str) -> None:
    """Forget a key's failures (the account's owner signed in, or the administrator gave a new password)."""
    session.execute(delete(CompteurEchecs).where(CompteurEchecs.cle == cle_))


def attente_restante(session, cle_: str, instant: dt.datetime | None = None) -> dt.timedelta:
    """How long the key still waits (zero when it does not)."""
    instant = instant or maintenant()
    jusqua = session.execute(select(CompteurEchecs.attente_jusqua).where(CompteurEchecs.cle == cle_)).scalar()
    if jusqua is None or jusqua <= instant:
        return dt.timedelta(0)
    return jusqua - instant


def nettoyer(session, instant: dt.datetime | None = None, age: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Remove the counters without failure for ``age`` (wrong links leave one each); return how many."""
    instant = instant or maintenant()
    return session.execute(delete(CompteurEchecs).where(CompteurEchecs.dernier_le < instant - age)).rowcount


# --- the client's address ----------------------------------------------------------------------------------------


def proxys_de_confiance(valeur: str | None = None) -> list:
    """The trusted proxies' networks, from PASSEPORT_PROXYS_DE_CONFIANCE (``10.0.0.2, 192.168.1.0/24``)."""
    valeur = os.environ.get("PASSEPORT_PROXYS_DE_CONFIANCE", "") if valeur is None else valeur
    reseaux = []
    for morceau in valeur.replace(";", ",").split(","):
        if morceau.strip():
            reseaux.append(ipaddress.ip_network(morceau.strip(), strict=False))
    return reseaux


def _de_confiance(adresse: str, reseaux: list) -> bool:
    try:
        ip = ipaddress.ip_address(adresse)
    except ValueError:
        return False
    return any(ip in reseau for reseau in reseaux)


def adresse_du_client(pair: str | None, entetes, reseaux: list | None = None) -> str:
    """The device's address: the socket's peer, or, only when that peer is a trusted proxy, the last address of
    X-Forwarded-For that is not itself a trusted proxy. ``entetes``: a mapping of lower-case header names."""
    reseaux = proxys_de_confiance() if reseaux is None else reseaux
    # Streamlit gives None on loopback (and a stand-in object under its test harness): only a text is an address.
    pair = pair[:64] if isinstance(pair, str) and pair else "inconnue"
    if not reseaux or not _de_confiance(pair, reseaux):
        return pair
    chaine = [morceau.strip() for morceau in (entetes.get("x-forwarded-for") or "").split(",") if morceau.strip()]
    for adresse in reversed(chaine):
        if not _de_confiance(adresse, reseaux):
            return adresse[:64]
    return pair


def https_via_proxy(pair: str | None, entetes, reseaux: list | None = None) -> bool:
    """The browser reached a trusted proxy over HTTPS (X-Forwarded-Proto believed only from such a proxy)."""
    reseaux = proxys_de_confiance() if reseaux is None else reseaux
    return bool(reseaux) and _de_confiance(pair or "", reseaux) and entetes.get("x-forwarded-proto") == "https"
