"""How long personal data are kept, and the purge that ends it (what /donnees-personnelles promises).

A student who left the school (``Eleve.sorti_le``, recorded by the administrator) keeps a read-only account to
read and export their passport for the school's retention period (``Etablissement.conservation_mois``, 12 months
by default, 3 to 36). Once that period is over, ``purger`` erases the account and everything of theirs: every row
that points, directly or through other rows, to the student or to their account (fiches, versions, drafts,
attachments, appréciations, PFMP and tutor links, extracts, CCF choices, journal lines…), then the attachment
files nobody else uses. The journal itself keeps one year (``JOURNAL_JOURS``). The operator runs it with
``passeport purger`` (``--essai`` lists what would go and writes nothing).
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session

from passeport import acces, stockage
from passeport.models import Base, Compte, Division, Eleve, Etablissement, EvenementAudit, PieceJointe, maintenant
from passeport.services.audit import journaliser

CONSERVATION_DEFAUT_MOIS = 12
CONSERVATION_MIN_MOIS, CONSERVATION_MAX_MOIS = 3, 36
JOURNAL_JOURS = 365
_PAQUET = 500  # ids per IN (…) clause


class ConservationInvalide(ValueError):
    """A retention setting or a purge date that cannot be used; the message says why, in French."""


def aujourd_hui() -> dt.date:
    """Today (UTC): the tests move this clock."""
    return maintenant().date()


def ajouter_mois(jour: dt.date, mois: int) -> dt.date:
    """``jour`` plus ``mois`` months; the 31st becomes the last day of a shorter month."""
    annee, indice = divmod(jour.month - 1 + mois, 12)
    annee += jour.year
    return dt.date(annee, indice + 1, min(jour.day, monthrange(annee, indice + 1)[1]))


def conserve_jusqu_au(sorti_le: dt.date, mois: int) -> dt.date:
    """The last day a former student's data are kept: ``mois`` months after they left."""
    return ajouter_mois(sorti_le, mois)


# --- the administrator's setting ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AncienEleve:
    nom_complet: str
    division: str
    sorti_le: dt.date
    conserve_jusqu_au: dt.date


@dataclass(frozen=True)
class EtatConservation:
    mois: int
    anciens: list[AncienEleve]


def etat_conservation(session: Session, acteur) -> EtatConservation:
    """The school's retention period and its former students with the day their data go, soonest first."""
    etablissement_id = acces.exiger_admin(acteur)
    mois = session.get(Etablissement, etablissement_id).conservation_mois
    lignes = session.execute(
        select(Compte, Eleve.sorti_le, Division.nom).join(Eleve, Eleve.compte_id == Compte.id)
        .join(Division, Division.id == Eleve.division_id)
        .where(Division.etablissement_id == etablissement_id, Eleve.sorti_le.is_not(None))
        .order_by(Eleve.sorti_le, Compte.nom, Compte.prenom)
    )
    return EtatConservation(mois, [AncienEleve(c.nom_complet, d, s, conserve_jusqu_au(s, mois)) for c, s, d in lignes])


def definir_conservation(session: Session, acteur, mois: int) -> None:
    """Set how many months a former student's account is kept after they left (3 to 36)."""
    etablissement_id = acces.exiger_admin(acteur)
    if not CONSERVATION_MIN_MOIS <= mois <= CONSERVATION_MAX_MOIS:
        raise ConservationInvalide(f"La durée de conservation doit être comprise entre {CONSERVATION_MIN_MOIS} et "
                                   f"{CONSERVATION_MAX_MOIS} mois après le départ de l'élève.")
    etab = session.get(Etablissement, etablissement_id)
    journaliser(session, "duree_conservation", acteur.compte_id, acteur.role.value, "etablissement", etab.id,
                details=f"{etab.conservation_mois} → {mois} mois")
    etab.conservation_mois = mois


def fin_de_conservation(session: Session, acteur) -> dt.date | None:
    """For a former student: the last day their account and passport are kept (None while in the school)."""
    eleve = session.get(Eleve, acces.exiger_eleve(acteur, lecture=True))
    if eleve.sorti_le is None:
        return None
    return conserve_jusqu_au(eleve.sorti_le, eleve.division.etablissement.conservation_mois)


# --- the purge (operator's command, no actor: it runs for every school of the server) --------------------------------


@dataclass(frozen=True)
class CompteAPurger:
    eleve_id: int
    compte_id: int
    identifiant: str
    login: str
    nom_complet: str
    etablissement: str
    division: str
    sorti_le: dt.date
    conserve_jusqu_au: dt.date


@dataclass
class BilanPurge:
    """What a purge erases (or would erase): accounts, rows per table, old journal lines, attachment files."""

    limite: dt.date
    comptes: list[CompteAPurger]
    lignes: dict[str, int] = field(default_factory=dict)
    journal_ancien: int = 0
    fichiers: list[str] = field(default_factory=list)  # SHA-256 of attachment files no row uses any more

    @property
    def total_lignes(self) -> int:
        return sum(self.lignes.values()) + self.journal_ancien


def comptes_a_purger(session: Session, acteur, limite: dt.date) -> list[CompteAPurger]:
    """Former students whose retention period ended before ``limite`` (each with their school's period).
    The command's operator only: a purge spans every établissement of the instance."""
    acces.exiger_operateur_ou_admin(acteur)
    lignes = session.execute(
        select(Eleve, Compte, Division, Etablissement).join(Compte, Compte.id == Eleve.compte_id)
        .join(Division, Division.id == Eleve.division_id)
        .join(Etablissement, Etablissement.id == Division.etablissement_id)
        .where(Eleve.sorti_le.is_not(None)).order_by(Eleve.sorti_le, Eleve.identifiant)
    )
    resultat = []
    for eleve, compte, division, etab in lignes:
        fin = conserve_jusqu_au(eleve.sorti_le, etab.conservation_mois)
        if fin < limite:
            resultat.append(CompteAPurger(eleve.id, compte.id, eleve.identifiant, compte.login, compte.nom_complet,
                                          etab.nom, division.nom, eleve.sorti_le, fin))
    return resultat


def _paquets(ids: Iterable[int]) -> list[list[int]]:
    ids = sorted(ids)
    return [ids[i:i + _PAQUET] for i in range(0, len(ids), _PAQUET)]


def _cle_simple(table: Table):
    colonnes = list(table.primary_key.columns)
    return colonnes[0] if len(colonnes) == 1 else None


def _lignes_condamnees(session: Session, eleve_ids: set[int], compte_ids: set[int]) -> dict[str, set[int]]:
    """Ids, per table with a one-column key, of every row that points (directly or not) to these students/accounts.

    Walking the foreign keys of the models rather than a hand-made list: a table added later is purged too."""
    condamnes: dict[str, set[int]] = {"eleve": set(eleve_ids), "compte": set(compte_ids)}
    tables = [t for t in Base.metadata.sorted_tables if _cle_simple(t) is not None]
    change = True
    while change:
        change = False
        for table in tables:
            cle = _cle_simple(table)
            deja = condamnes.setdefault(table.name, set())
            for fk in table.foreign_keys:
                cibles = condamnes.get(fk.column.table.name)
                if not cibles:
                    continue
                for paquet in _paquets(cibles):
                    nouveaux = set(session.scalars(select(cle).where(fk.parent.in_(paquet)))) - deja
                    if nouveaux:
                        deja |= nouveaux
                        change = True
    return {nom: ids for nom, ids in condamnes.items() if ids}


def _lignes_liees(session: Session, table: Table, condamnes: dict[str, set[int]]) -> set[tuple]:
    """For a table without a one-column key (association table): the keys of its rows pointing to a condemned row."""
    cle = list(table.primary_key.columns)
    lignes = set()
    for fk in table.foreign_keys:
        for paquet in _paquets(condamnes.get(fk.column.table.name, ())):
            lignes |= {tuple(r) for r in session.execute(select(*cle).where(fk.parent.in_(paquet)))}
    return lignes


def _limite_journal(limite: dt.date) -> dt.datetime:
    return dt.datetime.combine(limite, dt.time()) - dt.timedelta(days=JOURNAL_JOURS)


def purger(session: Session, acteur, limite: dt.date | None = None, essai: bool = False) -> BilanPurge:
    """Erase (``essai``: only count) the former students past retention on ``limite`` (default today) and the
    journal lines older than a year. The caller commits, then calls ``effacer_fichiers(bilan)``."""
    jour = aujourd_hui()
    limite = limite or jour
    if limite > jour:
        raise ConservationInvalide(f"La date limite ({limite:%d/%m/%Y}) ne peut pas être dans l'avenir : "
                                   "on ne purge jamais avant la fin de la durée de conservation.")
    comptes = comptes_a_purger(session, acteur, limite)
    condamnes = _lignes_condamnees(session, {c.eleve_id for c in comptes}, {c.compte_id for c in comptes})
    bilan = BilanPurge(limite, comptes)
    for table in Base.metadata.sorted_tables:
        if _cle_simple(table) is not None:
            n = len(condamnes.get(table.name, ()))
        else:
            n = len(_lignes_liees(session, table, condamnes))
        if n:
            bilan.lignes[table.name] = n
    requete_journal = EvenementAudit.cree_le < _limite_journal(limite)
    deja_comptees = sum(session.scalar(select(func.count()).select_from(EvenementAudit).where(
        requete_journal, EvenementAudit.id.in_(paquet))) for paquet in _paquets(condamnes.get("evenement_audit", ())))
    bilan.journal_ancien = session.scalar(select(func.count()).select_from(EvenementAudit).where(requete_journal)) \
        - deja_comptees
    shas = set()
    for paquet in _paquets(condamnes.get("piece_jointe", ())):
        shas |= set(session.scalars(select(PieceJointe.sha256).where(PieceJointe.id.in_(paquet))))
    if essai:
        restants = _shas_utilises_hors(session, shas, condamnes.get("piece_jointe", set()))
        bilan.fichiers = sorted(shas - restants)
        return bilan
    _effacer_lignes(session, condamnes)
    session.execute(delete(EvenementAudit).where(requete_journal))
    restants = _shas_utilises_hors(session, shas, set())
    bilan.fichiers = sorted(shas - restants)
    # The purge itself is journaled, with numbers only: nothing left to identify whom it erased.
    journaliser(session, "purge", details=f"{len(comptes)} compte(s) d'anciens élèves, {bilan.total_lignes} ligne(s), "
                                          f"{len(bilan.fichiers)} fichier(s) ; limite {limite.isoformat()}")
    session.flush()
    return bilan


def _shas_utilises_hors(session: Session, shas: set[str], exclues: set[int]) -> set[str]:
    """The SHA-256 among ``shas`` that an attachment row (other than ``exclues``) still uses."""
    utilises = set()
    for i in range(0, len(shas), _PAQUET):
        paquet = sorted(shas)[i:i + _PAQUET]
        for piece_id, sha in session.execute(select(PieceJointe.id, PieceJointe.sha256)
                                             .where(PieceJointe.sha256.in_(paquet))):
            if piece_id not in exclues:
                utilises.add(sha)
    return utilises


def _effacer_lignes(session: Session, condamnes: dict[str, set[int]]) -> None:
    """Delete the condemned rows, children before parents (self-references cut first)."""
    for table in Base.metadata.sorted_tables:
        cle = _cle_simple(table)
        if cle is None or not condamnes.get(table.name):
            continue
        for fk in table.foreign_keys:
            if fk.column.table is table:  # appreciation.suite_de_id, decision_ccf.remplace_id
                for paquet in _paquets(condamnes[table.name]):
                    session.execute(update(table).where(cle.in_(paquet)).values({fk.parent.name: None}))
    for table in reversed(Base.metadata.sorted_tables):
        cle = _cle_simple(table)
        if cle is None:
            for fk in table.foreign_keys:
                for paquet in _paquets(condamnes.get(fk.column.table.name, ())):
                    session.execute(delete(table).where(fk.parent.in_(paquet)))
        else:
            for paquet in _paquets(condamnes.get(table.name, ())):
                session.execute(delete(table).where(cle.in_(paquet)))


def effacer_fichiers(bilan: BilanPurge, dossier: Path | None = None) -> int:
    """After the commit: remove the attachment files of the purge; returns how many were removed."""
    effaces = 0
    for sha in bilan.fichiers:
        try:
            stockage.chemin(sha, dossier).unlink()
            effaces += 1
        except FileNotFoundError:
            pass
    return effaces
