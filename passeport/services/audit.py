"""The audit journal: who did or read what, and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.models import Compte, EvenementAudit, maintenant


# The writers live in passeport.journal (acces uses them too); re-exported here for the services.
from passeport.journal import INTERVALLE_CONSULTATIONS, journaliser, journaliser_consultation  # noqa: E402,F401


@dataclass(frozen=True)
class Consultation:
    quand: dt.datetime
    qui: str
    role: str
    quoi: str = "lecture"


# What the student sees of each journaled action on their passport.
QUOI = {"consultation": "lecture", "consultation_admin": "consultation par l'administration",
        "consultation_extrait": "lecture d'un extrait", "lien_tuteur_premier_usage": "première ouverture du lien",
        "bilan_pfmp": "bilan de PFMP"}


def _qui(prenom, nom, role: str, details: str, titre, organisation) -> str:
    if titre is not None:
        return f"Lien de partage « {titre} »"
    if role == "tuteur":  # a tutor's link has no account: the name the tutor gave, and the PFMP's organisation
        return f"{details or 'Tuteur'}" + (f" (lien de la PFMP chez {organisation})" if organisation else "")
    return f"{prenom or ''} {nom or ''}".strip()


def consultations_de_mon_passeport(session: Session, acteur) -> list[Consultation]:
    """Who read the student's passport, newest first (the student's own reads are not listed): teachers,
    administration, share links, and the tutors' readings and reports through their PFMP link."""
    from passeport import acces

    eleve_id = acces.exiger_eleve(acteur, lecture=True)
    from sqlalchemy import or_

    from passeport.models import Extrait, LienTuteur, Organisation, Pfmp

    # Openings of a share link (passeport.services.extraits) or of a tutor's link have no account: the former is
    # named by the extract's title, the latter by the tutor's name and the PFMP's organisation.
    pfmp_de_l_evenement = or_(
        (EvenementAudit.objet_type == "pfmp") & (Pfmp.id == EvenementAudit.objet_id),
        (EvenementAudit.objet_type == "lien_tuteur") & (Pfmp.id == LienTuteur.pfmp_id))
    lignes = session.execute(
        select(EvenementAudit.cree_le, Compte.prenom, Compte.nom, EvenementAudit.role, EvenementAudit.details,
               EvenementAudit.action, Extrait.titre, Organisation.nom)
        .outerjoin(Compte, Compte.id == EvenementAudit.compte_id)
        .outerjoin(Extrait, (EvenementAudit.objet_type == "extrait") & (Extrait.id == EvenementAudit.objet_id))
        .outerjoin(LienTuteur, (EvenementAudit.objet_type == "lien_tuteur") & (LienTuteur.id == EvenementAudit.objet_id))
        .outerjoin(Pfmp, (EvenementAudit.role == "tuteur") & pfmp_de_l_evenement)
        .outerjoin(Organisation, Organisation.id == Pfmp.organisation_id)
        .where(EvenementAudit.action.in_(tuple(QUOI)), EvenementAudit.eleve_id == eleve_id,
               EvenementAudit.action.not_in(("bilan_pfmp", "lien_tuteur_premier_usage"))
               | (EvenementAudit.role == "tuteur"))
        .order_by(EvenementAudit.cree_le.desc(), EvenementAudit.id.desc())
    )
    return [Consultation(quand, _qui(prenom, nom, role, details, titre, organisation), ROLES.get(role, role),
                         QUOI[action])
            for quand, prenom, nom, role, details, action, titre, organisation in lignes]


ROLES = {"enseignant": "enseignant·e", "tuteur": "tuteur ou tutrice", "admin": "administration", "eleve": "élève",
         "lien": "personne ayant le lien"}
COLONNES_JOURNAL = ["Date", "Compte", "Rôle", "Action", "Objet", "N° de l'objet", "Élève (identifiant)", "Détails",
                    "Adresse"]


def journal_csv(session: Session, acteur) -> bytes:
    """The school's journal as a CSV file: the events of the school's accounts, and those without an account (a
    tutor's link, a share link) on the school's students. A tutor's events have an empty ``compte`` and the role
    ``tuteur``; ``details`` holds the name the tutor gave; ``adresse`` the client's address of a sign-in or of the
    opening of a shared link."""
    from passeport import acces
    from passeport.csvio import csv_octets
    from passeport.models import Division, Eleve

    etablissement_id = acces.exiger_admin(acteur)
    requete = (
        select(EvenementAudit, Compte.login, Eleve.identifiant)
        .outerjoin(Compte, Compte.id == EvenementAudit.compte_id)
        .outerjoin(Eleve, Eleve.id == EvenementAudit.eleve_id)
        .outerjoin(Division, Division.id == Eleve.division_id)
        .where((Compte.etablissement_id == etablissement_id)
               | (EvenementAudit.compte_id.is_(None) & (Division.etablissement_id == etablissement_id)))
        .order_by(EvenementAudit.id)
    )
    lignes = (
        [e.cree_le.isoformat(sep=" ", timespec="seconds"), login or "", e.role, e.action, e.objet_type,
         "" if e.objet_id is None else str(e.objet_id), identifiant or "", e.details, e.adresse or ""]
        for e, login, identifiant in session.execute(requete)
    )
    journaliser(session, "export_journal", acteur.compte_id, acteur.role.value)
    return csv_octets(COLONNES_JOURNAL, lignes)
