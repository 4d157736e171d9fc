"""The year change in one place: next year's divisions, what the rentrée did, last year's divisions kept readable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport import acces, annee
from passeport.models import Compte, Division, DivisionPassee, Eleve, EvenementAudit
from passeport.services.audit import journaliser
from passeport.services.rentree import nom_simple

# The events of a rentrée, as the « Année scolaire » page names them.
ETAPES = {
    "divisions_reconduites": "Divisions de l'année",
    "division_creee": "Division créée",
    "siecle_importe": "Import SIECLE",
    "sts_importe": "Import STS-web",
    "premiers_mots_de_passe_nouveaux": "Premiers mots de passe des nouveaux comptes",
}


def annees_connues(session: Session, acteur, aujourd_hui: dt.date | None = None) -> list[str]:
    """The school years of the school's divisions, with the current and the next one, newest first."""
    etablissement_id = acces.exiger_admin(acteur)
    courante = annee.annee_scolaire(aujourd_hui)
    suivante = f"{int(courante[:4]) + 1}-{int(courante[:4]) + 2}"
    connues = set(session.scalars(select(Division.annee_scolaire).where(
        Division.etablissement_id == etablissement_id).distinct()))
    return sorted(connues | {courante, suivante}, reverse=True)


def reconduire_divisions(session: Session, acteur, depuis: str, vers: str) -> list[str]:
    """Create in ``vers`` the divisions of ``depuis`` (same name, level and référentiel) that it lacks.

    Lycées keep their class names from one year to the next (2GA1, 1GA1, TGA1): the rentrée starts from them."""
    etablissement_id = acces.exiger_admin(acteur)
    from passeport.services.administration import ReglageRefuse

    if not (annee.est_valide(depuis) and annee.est_valide(vers)) or depuis == vers:
        raise ReglageRefuse("Choisissez deux années scolaires différentes, écrites ainsi : 2027-2028.")
    existantes = set(session.scalars(select(Division.nom).where(
        Division.etablissement_id == etablissement_id, Division.annee_scolaire == vers)))
    creees = []
    for d in session.scalars(select(Division).where(Division.etablissement_id == etablissement_id,
                                                    Division.annee_scolaire == depuis).order_by(Division.nom)):
        if d.nom not in existantes:
            session.add(Division(etablissement_id=etablissement_id, nom=d.nom, niveau=d.niveau,
                                 annee_scolaire=vers, referentiel=d.referentiel))
            creees.append(d.nom)
    session.flush()
    journaliser(session, "divisions_reconduites", acteur.compte_id, acteur.role.value, "etablissement",
                etablissement_id, details=f"{len(creees)} division(s) de {depuis} reprises en {vers} : "
                                          + (", ".join(creees) or "aucune"))
    return creees


@dataclass(frozen=True)
class EtapeFaite:
    quand: dt.datetime
    etape: str
    details: str


def journal_de_la_rentree(session: Session, acteur, limite: int = 30) -> list[EtapeFaite]:
    """What was done for the school's rentrées (imports, divisions, sheets), newest first."""
    etablissement_id = acces.exiger_admin(acteur)
    de_l_etablissement = (EvenementAudit.objet_type == "etablissement") & (EvenementAudit.objet_id == etablissement_id)
    d_une_division = (EvenementAudit.objet_type == "division") & EvenementAudit.objet_id.in_(
        select(Division.id).where(Division.etablissement_id == etablissement_id))
    lignes = session.execute(
        select(EvenementAudit.cree_le, EvenementAudit.action, EvenementAudit.details, Division.nom,
               Division.annee_scolaire)
        .outerjoin(Division, (EvenementAudit.objet_type == "division") & (Division.id == EvenementAudit.objet_id))
        .where(EvenementAudit.action.in_(ETAPES), de_l_etablissement | d_une_division)
        .order_by(EvenementAudit.cree_le.desc(), EvenementAudit.id.desc()).limit(limite))
    return [EtapeFaite(quand, ETAPES[action], details or (f"{nom} ({annee_d})" if nom else ""))
            for quand, action, details, nom, annee_d in lignes]


@dataclass(frozen=True)
class EleveDUneDivision:
    nom_complet: str
    identifiant: str
    aujourd_hui: str  # the division the student is in now (« 1GA1 (2027-2028) »), or « sorti(e) le … »


@dataclass(frozen=True)
class DivisionDUneAnnee:
    nom: str
    niveau: str
    annee_scolaire: str
    eleves: tuple[EleveDUneDivision, ...]


def divisions_de_l_annee(session: Session, acteur, annee_scolaire: str) -> list[DivisionDUneAnnee]:
    """The divisions of a school year with every student who was in them (still there or moved on since)."""
    etablissement_id = acces.exiger_admin(acteur)
    divisions = session.scalars(select(Division).where(
        Division.etablissement_id == etablissement_id, Division.annee_scolaire == annee_scolaire)
        .order_by(Division.nom)).all()
    ids = [d.id for d in divisions]
    membres: dict[int, dict[int, tuple]] = {i: {} for i in ids}
    actuelle = select(Eleve.division_id.label("passee"), Eleve, Compte, Division).join(
        Compte, Compte.id == Eleve.compte_id).join(Division, Division.id == Eleve.division_id)
    for passee, eleve, compte, division in session.execute(actuelle.where(Eleve.division_id.in_(ids))):
        membres[passee][eleve.id] = (eleve, compte, division)
    anciens = select(DivisionPassee.division_id, Eleve, Compte, Division).join(
        Eleve, Eleve.id == DivisionPassee.eleve_id).join(Compte, Compte.id == Eleve.compte_id).join(
        Division, Division.id == Eleve.division_id).where(DivisionPassee.division_id.in_(ids))
    for passee, eleve, compte, division in session.execute(anciens):
        membres[passee].setdefault(eleve.id, (eleve, compte, division))
    resultat = []
    for d in divisions:
        # SIECLE writes names in capitals: sorted without case nor accents (« DUPONT », « de Souza », « Émile »).
        eleves = sorted(membres[d.id].values(), key=lambda m: (nom_simple(m[1].nom), nom_simple(m[1].prenom)))
        resultat.append(DivisionDUneAnnee(d.nom, d.niveau.value, d.annee_scolaire, tuple(
            EleveDUneDivision(c.nom_complet, e.identifiant,
                              f"sorti(e) le {e.sorti_le:%d/%m/%Y}" if e.sorti_le
                              else f"{div.nom} ({div.annee_scolaire})")
            for e, c, div in eleves)))
    return resultat
