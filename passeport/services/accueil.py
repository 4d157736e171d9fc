"""What each role's home page shows: small read-only summaries, one function per role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport import acces
from passeport.models import (
    Compte, Division, Eleve, Enseignant, Etablissement, Fiche, Pfmp, Tuteur, enseignant_division,
)


@dataclass(frozen=True)
class LigneDivision:
    division: str
    niveau: str
    annee_scolaire: str
    referentiel: str
    eleves: int
    fiches: int


def divisions_enseignant(session: Session, acteur) -> list[LigneDivision]:
    """The teacher's divisions with their number of students and of current fiches."""
    acces.exiger_enseignant(acteur)
    compte_id = acteur.compte_id
    # Count within the teacher's divisions only (an académie holds millions of fiches of other classes).
    mes_divisions = (
        select(enseignant_division.c.division_id)
        .join(Enseignant, Enseignant.id == enseignant_division.c.enseignant_id)
        .where(Enseignant.compte_id == compte_id)
    )
    nb_fiches = (
        select(Eleve.division_id, func.count(Fiche.id).label("n"))
        .join(Fiche, Fiche.eleve_id == Eleve.id)
        .where(Fiche.supprimee_le.is_(None), Eleve.division_id.in_(mes_divisions))
        .group_by(Eleve.division_id)
        .subquery()
    )
    nb_eleves = (
        select(Eleve.division_id, func.count(Eleve.id).label("n"))
        .where(Eleve.division_id.in_(mes_divisions))
        .group_by(Eleve.division_id)
        .subquery()
    )
    requete = (
        select(Division, func.coalesce(nb_eleves.c.n, 0), func.coalesce(nb_fiches.c.n, 0))
        .join(Division.enseignants)
        .join(nb_eleves, nb_eleves.c.division_id == Division.id, isouter=True)
        .join(nb_fiches, nb_fiches.c.division_id == Division.id, isouter=True)
        .where(Enseignant.compte_id == compte_id)
        .order_by(Division.annee_scolaire.desc(), Division.nom)
    )
    return [
        LigneDivision(d.nom, d.niveau.value, d.annee_scolaire, d.referentiel, n_eleves, n_fiches)
        for d, n_eleves, n_fiches in session.execute(requete)
    ]


@dataclass(frozen=True)
class LignePfmp:
    eleve: str
    organisation: str
    date_debut: str
    date_fin: str


def pfmp_du_tuteur(session: Session, acteur) -> list[LignePfmp]:
    """The PFMP of the tutor's account (tutors coming through a link have their own pages: pfmp.py)."""
    acces.exiger_tuteur(acteur)
    compte_id = acteur.compte_id
    requete = (
        select(Compte.prenom, Compte.nom, Pfmp)
        .join(Tuteur, Tuteur.id == Pfmp.tuteur_id)
        .join(Eleve, Eleve.id == Pfmp.eleve_id)
        .join(Compte, Compte.id == Eleve.compte_id)
        .where(Tuteur.compte_id == compte_id)
        .order_by(Pfmp.date_debut.desc())
    )
    return [
        LignePfmp(f"{prenom} {nom}", p.organisation.nom, p.date_debut.strftime("%d/%m/%Y"), p.date_fin.strftime("%d/%m/%Y"))
        for prenom, nom, p in session.execute(requete)
    ]


@dataclass(frozen=True)
class ResumeEtablissement:
    nom: str
    uai: str
    divisions: int
    comptes_par_role: dict[str, int]
    quota_pieces_jointes_mo: int


def resume_etablissement(session: Session, acteur) -> ResumeEtablissement:
    """The administrator's school in figures."""
    etablissement_id = acces.exiger_admin(acteur)
    etab = session.get(Etablissement, etablissement_id)
    divisions = session.scalar(select(func.count(Division.id)).where(Division.etablissement_id == etablissement_id))
    roles = session.execute(
        select(Compte.role, func.count(Compte.id)).where(Compte.etablissement_id == etablissement_id).group_by(Compte.role)
    )
    return ResumeEtablissement(etab.nom, etab.uai, divisions, {r.value: n for r, n in roles},
                               etab.quota_pieces_jointes_mo)


@dataclass(frozen=True)
class LigneEleve:
    eleve_id: int
    nom_complet: str
    division: str


def eleves_de_mes_divisions(session: Session, acteur) -> list[LigneEleve]:
    """The active students of the teacher's divisions, by division then name."""
    acces.exiger_enseignant(acteur)
    requete = (
        select(Eleve.id, Compte.prenom, Compte.nom, Division.nom)
        .join(Compte, Compte.id == Eleve.compte_id)
        .join(Division, Division.id == Eleve.division_id)
        .join(Division.enseignants)
        .where(Enseignant.compte_id == acteur.compte_id, Compte.actif.is_(True))
        .order_by(Division.nom, Compte.nom, Compte.prenom)
    )
    return [LigneEleve(i, f"{p} {n}", d) for i, p, n, d in session.execute(requete)]
