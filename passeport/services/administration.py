"""What the school's administrator does with accounts: first passwords, resets."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport import acces
from passeport.models import Compte, Division, Eleve
from passeport.mots import mot_de_passe_lisible
from passeport.services.audit import journaliser
from passeport.services.comptes import hacher


@dataclass(frozen=True)
class Identifiants:
    """What a student needs to sign in the first time. The password exists only here, never in the database."""

    nom: str
    prenom: str
    login: str
    mot_de_passe: str


def _division_de_l_admin(session: Session, acteur, division_id: int) -> Division:
    etablissement_id = acces.exiger_admin(acteur)
    division = session.get(Division, division_id)
    if division is None or division.etablissement_id != etablissement_id:
        raise acces.AccesRefuse("Cette division n'est pas celle de votre établissement.")
    return division


def _nouveau_mot_de_passe(compte: Compte) -> str:
    mot_de_passe = mot_de_passe_lisible()
    compte.mot_de_passe_hash = hacher(mot_de_passe)
    compte.doit_changer_mot_de_passe = True
    compte.echecs_connexion, compte.bloque_jusqua = 0, None
    return mot_de_passe


def premiers_mots_de_passe(session: Session, acteur, division_id: int) -> list[Identifiants]:
    """Give every active student of the division a new random password, to be changed at first sign-in."""
    division = _division_de_l_admin(session, acteur, division_id)
    comptes = session.scalars(
        select(Compte).join(Eleve, Eleve.compte_id == Compte.id)
        .where(Eleve.division_id == division.id, Compte.actif.is_(True))
        .order_by(Compte.nom, Compte.prenom)
    ).all()
    identifiants = [Identifiants(c.nom, c.prenom, c.login, _nouveau_mot_de_passe(c)) for c in comptes]
    journaliser(session, "premiers_mots_de_passe", acteur.compte_id, acteur.role.value, "division", division.id,
                details=f"{len(identifiants)} comptes")
    return identifiants


def reinitialiser_mot_de_passe(session: Session, acteur, compte_id: int) -> Identifiants:
    """A new first password for one account of the school (a forgotten password, a blocked account)."""
    etablissement_id = acces.exiger_admin(acteur)
    compte = session.get(Compte, compte_id)
    if compte is None or compte.etablissement_id != etablissement_id:
        raise acces.AccesRefuse("Ce compte n'est pas de votre établissement.")
    identifiants = Identifiants(compte.nom, compte.prenom, compte.login, _nouveau_mot_de_passe(compte))
    journaliser(session, "mot_de_passe_reinitialise", acteur.compte_id, acteur.role.value, "compte", compte.id)
    return identifiants


@dataclass(frozen=True)
class LigneDivision:
    id: int
    nom: str
    niveau: str
    annee_scolaire: str
    referentiel: str
    eleves: int


def divisions(session: Session, acteur) -> list[LigneDivision]:
    """The divisions of the administrator's school, newest school year first."""
    etablissement_id = acces.exiger_admin(acteur)
    lignes = session.scalars(
        select(Division).where(Division.etablissement_id == etablissement_id)
        .order_by(Division.annee_scolaire.desc(), Division.nom)
    ).all()
    return [LigneDivision(d.id, d.nom, d.niveau.value, d.annee_scolaire, d.referentiel,
                          sum(1 for e in d.eleves if e.compte.actif)) for d in lignes]


def chercher_comptes(session: Session, acteur, texte: str, limite: int = 20) -> list[Compte]:
    """Accounts of the school whose login or name contains ``texte``."""
    etablissement_id = acces.exiger_admin(acteur)
    motif = f"%{texte.strip().lower()}%"
    return list(session.scalars(
        select(Compte).where(Compte.etablissement_id == etablissement_id)
        .where(Compte.login.like(motif) | Compte.nom.ilike(motif) | Compte.prenom.ilike(motif))
        .order_by(Compte.login).limit(limite)
    ))


def exiger_admin_de(acteur, etablissement_id: int) -> None:
    """Only the administrator of that school acts on it."""
    if acces.exiger_admin(acteur) != etablissement_id:
        raise acces.AccesRefuse("Réservé à l'administrateur de cet établissement.")
