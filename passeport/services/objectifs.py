"""The goals of a PFMP: set by the student's teachers, read by the student and by the tutor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from passeport import acces, referentiel
from passeport.models import MOTIFS_OBJECTIF, Eleve, ObjectifPfmp, Pfmp, maintenant
from passeport.services.audit import journaliser

MOTIFS_CONNUS = set(MOTIFS_OBJECTIF)  # the database holds the same list (CHECK ck_objectif_pfmp_motif)
OBJECTIFS_MAX = 15
CONSIGNE_MAX = 500


class ObjectifsInvalides(ValueError):
    """The goals list has mistakes: ``erreurs`` lists each, in French, by line of the list."""

    def __init__(self, erreurs: list[str]):
        self.erreurs = erreurs
        super().__init__("\n".join(erreurs))


@dataclass(frozen=True)
class ObjectifSaisi:
    """One line of the list the teacher saves."""

    situation: str
    motif: str = ""
    consigne: str = ""
    organisations: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Objectif:
    rang: int
    situation: str
    titre: str
    motif: str
    consigne: str
    organisations: list[str]


def pfmp_a_venir(session: Session, acteur, eleve_id: int, aujourd_hui: dt.date | None = None) -> list[Pfmp]:
    """The student's PFMP not yet over, soonest first; the first not yet started comes first when there is one."""
    acces.exiger_enseignant_de_l_eleve(session, acteur, eleve_id)
    jour = aujourd_hui or dt.date.today()
    periodes = list(session.scalars(select(Pfmp).where(Pfmp.eleve_id == eleve_id, Pfmp.date_fin >= jour)
                                    .order_by(Pfmp.date_debut, Pfmp.id)))
    # "Next PFMP": the next one to start; the one going on now comes after it (goals can still be adjusted).
    return sorted(periodes, key=lambda p: (p.date_debut <= jour, p.date_debut))


def enregistrer_objectifs(session: Session, acteur, pfmp_id: int, objectifs: list[ObjectifSaisi]) -> list[Objectif]:
    """Replace the goals of a PFMP by this list (in this order). All or nothing: every mistake is reported."""
    periode = session.get(Pfmp, pfmp_id)
    if periode is None:
        raise acces.AccesRefuse("Cette PFMP n'existe pas.")
    acces.exiger_enseignant_de_l_eleve(session, acteur, periode.eleve_id)
    ref = referentiel.charger(session.get(Eleve, periode.eleve_id).division.referentiel)
    erreurs, vues = [], set()
    if len(objectifs) > OBJECTIFS_MAX:
        erreurs.append(f"{OBJECTIFS_MAX} objectifs au plus pour une PFMP (la liste en compte {len(objectifs)}).")
    for ligne, o in enumerate(objectifs, start=1):
        code = o.situation.strip()
        if code not in ref.situations:
            erreurs.append(f"ligne {ligne} : la situation « {code} » n'est pas dans le référentiel de l'élève.")
        elif code in vues:
            erreurs.append(f"ligne {ligne} : la situation {code} est déjà dans la liste.")
        vues.add(code)
        if o.motif not in MOTIFS_CONNUS:
            erreurs.append(f"ligne {ligne} : motif inconnu « {o.motif} ».")
        if len(o.consigne) > CONSIGNE_MAX:
            erreurs.append(f"ligne {ligne} : la consigne dépasse {CONSIGNE_MAX} caractères.")
        if "\x00" in o.consigne:
            erreurs.append(f"ligne {ligne} : la consigne contient un caractère interdit.")
    if erreurs:
        raise ObjectifsInvalides(erreurs)
    # A goal kept as it was stays "seen" by the student: only new or changed goals reach their Nouveautés.
    vus = {o.situation: (o.consigne, o.vu_le) for o in session.scalars(
        select(ObjectifPfmp).where(ObjectifPfmp.pfmp_id == pfmp_id))}
    session.execute(delete(ObjectifPfmp).where(ObjectifPfmp.pfmp_id == pfmp_id))
    session.flush()
    quand = maintenant()
    for rang, o in enumerate(objectifs, start=1):
        situation, consigne = o.situation.strip(), o.consigne.strip()
        consigne_vue, vu_le = vus.get(situation, (None, None))
        session.add(ObjectifPfmp(
            pfmp_id=pfmp_id, rang=rang, situation=situation, motif=o.motif, consigne=consigne,
            organisations="|".join(x.strip() for x in o.organisations if x.strip()), cree_par_id=acteur.compte_id,
            cree_le=quand, vu_le=vu_le if consigne_vue == consigne else None))
    journaliser(session, "objectifs_pfmp", acteur.compte_id, acteur.role, "pfmp", pfmp_id, periode.eleve_id,
                f"{len(objectifs)} objectif(s)")
    session.flush()
    return _lire(session, periode)


def objectifs_de_la_pfmp(session: Session, acteur, pfmp_id: int) -> list[Objectif]:
    """The goals of a PFMP, for the student and for the teachers of the student's division."""
    periode = session.get(Pfmp, pfmp_id)
    if periode is None:
        raise acces.AccesRefuse("Cette PFMP n'existe pas.")
    acces.exiger_lecture_passeport(session, acteur, periode.eleve_id)
    return _lire(session, periode)


def objectifs_pour_le_tuteur(session: Session, acces_tuteur) -> list[Objectif]:
    """The goals of the PFMP a tutor's link opens (the link is checked again on every call)."""
    acces.exiger_lien_tuteur(session, acces_tuteur)
    return _lire(session, session.get(Pfmp, acces_tuteur.pfmp_id))


def _lire(session: Session, periode: Pfmp) -> list[Objectif]:
    ref = referentiel.charger(session.get(Eleve, periode.eleve_id).division.referentiel)
    lignes = session.scalars(select(ObjectifPfmp).where(ObjectifPfmp.pfmp_id == periode.id)
                             .order_by(ObjectifPfmp.rang))
    return [
        Objectif(o.rang, o.situation, ref.situations[o.situation].titre if o.situation in ref.situations else "",
                 o.motif, o.consigne, [x for x in o.organisations.split("|") if x])
        for o in lignes
    ]
