"""PFMP periods and the tutor's access by link.

A teacher of the student's division, or the student, records a PFMP and creates a link for the tutor. The
link's token (256 random bits) is only shown once; the database keeps its SHA-256. It expires at the end of the
PFMP plus 30 days, can be revoked and re-issued (a new link revokes the previous one), and opens only that
student's fiches of that PFMP (lived in PFMP during its dates) plus those the student chose to share. The tutor gives their name at first use,
then reads, comments and fills the PFMP report, nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from passeport import acces
from passeport.models import (  # noqa: F401  (Pfmp is read by the tutor page)
    Appreciation, AppreciationVersion, Eleve, Fiche, FicheVersion, LienTuteur, Lieu, ObjectifPfmp, Organisation,
    Pfmp, Role, Tuteur, maintenant,
)
from passeport.saisie import probleme_de_texte
from passeport.services.appreciations import dans_le_delai, nouvelle_version, verifier_delai
from passeport.services.audit import journaliser
from passeport.services.fiches import referentiel_de_l_eleve

DELAI_APRES_PFMP = dt.timedelta(days=30)


class PfmpInvalide(ValueError):
    """A PFMP form with a mistake; the message says which, in French."""


def _empreinte(jeton: str) -> str:
    return hashlib.sha256(jeton.encode()).hexdigest()


def _exiger_gestion(session: Session, acteur, eleve_id: int, lecture: bool = False) -> None:
    """The student themself, or a teacher of the student's division, manages the student's PFMP."""
    if acteur.role == Role.ELEVE and acteur.eleve_id == eleve_id:
        acces.exiger_eleve(acteur, lecture)  # writes refused once the student has left the school (read-only)
        return
    if acteur.role == Role.ENSEIGNANT and acces.peut_lire_passeport(session, acteur, eleve_id):
        return
    raise acces.AccesRefuse("Seuls l'élève et les enseignants de sa division gèrent ses PFMP.")


def enregistrer_pfmp(
    session: Session, acteur, eleve_id: int, organisation: str, date_debut: dt.date, date_fin: dt.date,
    tuteur_nom: str, tuteur_email: str = "",
) -> Pfmp:
    """Record a PFMP: organisation (found or created by name), dates, tutor."""
    _exiger_gestion(session, acteur, eleve_id)
    if not organisation.strip() or len(organisation) > 200:
        raise PfmpInvalide("Indiquez l'organisation d'accueil (200 caractères au plus).")
    if not tuteur_nom.strip() or len(tuteur_nom) > 120:
        raise PfmpInvalide("Indiquez le nom du tuteur ou de la tutrice (120 caractères au plus).")
    if tuteur_email and ("@" not in tuteur_email or len(tuteur_email) > 200):
        raise PfmpInvalide("L'adresse électronique du tuteur n'est pas valide.")
    if date_fin < date_debut:
        raise PfmpInvalide("La date de fin de la PFMP est avant sa date de début.")
    eleve = session.get(Eleve, eleve_id)
    etablissement_id = eleve.division.etablissement_id
    org = session.scalar(select(Organisation).where(
        Organisation.nom == organisation.strip(), Organisation.etablissement_id == etablissement_id))
    if org is None:
        org = Organisation(nom=organisation.strip(), etablissement_id=etablissement_id)
        session.add(org)
    tuteur = Tuteur(organisation=org, nom=tuteur_nom.strip(), email=tuteur_email.strip())
    pfmp = Pfmp(eleve_id=eleve_id, organisation=org, tuteur=tuteur, date_debut=date_debut, date_fin=date_fin)
    session.add_all([tuteur, pfmp])
    session.flush()
    return pfmp


def pfmp_de_l_eleve(session: Session, acteur, eleve_id: int) -> list[Pfmp]:
    _exiger_gestion(session, acteur, eleve_id, lecture=True)
    return list(session.scalars(select(Pfmp).where(Pfmp.eleve_id == eleve_id).order_by(Pfmp.date_debut.desc())))


def creer_lien(session: Session, acteur, pfmp_id: int, instant: dt.datetime | None = None) -> str:
    """A new link for the PFMP's tutor (any previous one is revoked); return the token, shown once."""
    pfmp = session.get(Pfmp, pfmp_id)
    if pfmp is None:
        raise acces.AccesRefuse("Cette PFMP n'existe pas.")
    _exiger_gestion(session, acteur, pfmp.eleve_id)
    instant = instant or maintenant()
    for ancien in session.scalars(select(LienTuteur).where(LienTuteur.pfmp_id == pfmp.id,
                                                           LienTuteur.revoque_le.is_(None))):
        ancien.revoque_le = instant
    jeton = secrets.token_urlsafe(32)
    fin = dt.datetime.combine(pfmp.date_fin, dt.time.max) + DELAI_APRES_PFMP
    session.add(LienTuteur(pfmp_id=pfmp.id, jeton_sha256=_empreinte(jeton), cree_par_id=acteur.compte_id,
                           cree_le=instant, expire_le=fin))
    journaliser(session, "lien_tuteur_cree", acteur.compte_id, acteur.role.value, "pfmp", pfmp.id, pfmp.eleve_id)
    session.flush()
    return jeton


def revoquer_lien(session: Session, acteur, pfmp_id: int) -> int:
    """Revoke the PFMP's active links; return how many were."""
    pfmp = session.get(Pfmp, pfmp_id)
    if pfmp is None:
        raise acces.AccesRefuse("Cette PFMP n'existe pas.")
    _exiger_gestion(session, acteur, pfmp.eleve_id)
    liens = session.scalars(select(LienTuteur).where(LienTuteur.pfmp_id == pfmp.id, LienTuteur.revoque_le.is_(None)))
    n = 0
    for lien in liens:
        lien.revoque_le = maintenant()
        n += 1
    journaliser(session, "lien_tuteur_revoque", acteur.compte_id, acteur.role.value, "pfmp", pfmp.id, pfmp.eleve_id)
    return n


@dataclass(frozen=True)
class AccesTuteur:
    """What an open link gives: one student's PFMP. ``nom_tuteur`` is empty until the tutor gives it."""

    lien_id: int
    pfmp_id: int
    eleve_id: int
    eleve: str
    organisation: str
    date_debut: dt.date
    date_fin: dt.date
    nom_tuteur: str


def ouvrir(session: Session, jeton: str | None, instant: dt.datetime | None = None) -> AccesTuteur | None:
    """The access a link gives, or None when it is unknown, revoked or expired (the caller says nothing more)."""
    if not jeton or len(jeton) > 100:
        return None
    instant = instant or maintenant()
    lien = session.scalar(select(LienTuteur).where(LienTuteur.jeton_sha256 == _empreinte(jeton)))
    if lien is None or lien.revoque_le is not None or lien.expire_le < instant:
        return None
    pfmp = lien.pfmp
    return AccesTuteur(lien.id, pfmp.id, pfmp.eleve_id, pfmp.eleve.compte.nom_complet, pfmp.organisation.nom,
                       pfmp.date_debut, pfmp.date_fin, lien.nom_tuteur)


def se_presenter(session: Session, acces_tuteur: AccesTuteur, nom: str) -> AccesTuteur:
    """The tutor gives their name at first use (it signs their comments)."""
    nom = nom.strip()
    if not nom or len(nom) > 200 or "\x00" in nom:
        raise PfmpInvalide("Indiquez votre nom et votre fonction (200 caractères au plus).")
    session.get(LienTuteur, acces_tuteur.lien_id).nom_tuteur = nom
    journaliser(session, "lien_tuteur_premier_usage", None, "tuteur", "pfmp", acces_tuteur.pfmp_id,
                acces_tuteur.eleve_id, details=nom)
    return AccesTuteur(**{**acces_tuteur.__dict__, "nom_tuteur": nom})


def _exiger_nom(acces_tuteur: AccesTuteur) -> None:
    if not acces_tuteur.nom_tuteur:
        raise acces.AccesRefuse("Indiquez d'abord votre nom.")


def _de_la_pfmp(acces_tuteur: AccesTuteur):
    """A fiche of this PFMP: linked to it, or written as lived in PFMP during its dates (students do not link their
    fiches by hand, and may record the PFMP after writing them)."""
    return or_(Fiche.pfmp_id == acces_tuteur.pfmp_id,
               (Fiche.pfmp_id.is_(None)) & (FicheVersion.lieu == Lieu.PFMP)
               & (FicheVersion.date_debut >= acces_tuteur.date_debut)
               & (FicheVersion.date_debut <= acces_tuteur.date_fin))


def _fiches_visibles(session: Session, acces_tuteur: AccesTuteur):
    return (
        select(Fiche, FicheVersion)
        .join(FicheVersion, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
        .where(Fiche.eleve_id == acces_tuteur.eleve_id, Fiche.supprimee_le.is_(None),
               or_(_de_la_pfmp(acces_tuteur), Fiche.partagee_tuteur.is_(True)))
        .order_by(FicheVersion.date_debut, Fiche.id)
    )


def fiches_du_tuteur(session: Session, acces_tuteur: AccesTuteur) -> list[FicheVersion]:
    """The fiches the link opens: those of this PFMP and those the student shared; the read is journaled."""
    _exiger_nom(acces_tuteur)
    lignes = [v for _, v in session.execute(_fiches_visibles(session, acces_tuteur))]
    journaliser(session, "consultation", None, "tuteur", "passeport", acces_tuteur.eleve_id, acces_tuteur.eleve_id,
                details=acces_tuteur.nom_tuteur)
    return lignes


def commenter(session: Session, acces_tuteur: AccesTuteur, fiche_id: int, texte: str) -> Appreciation:
    """A tutor's comment on one of the fiches the link opens."""
    _exiger_nom(acces_tuteur)
    visibles = {f.id for f, _ in session.execute(_fiches_visibles(session, acces_tuteur))}
    if fiche_id not in visibles:
        raise acces.AccesRefuse("Cette fiche n'est pas accessible par ce lien.")
    if not texte.strip():
        raise PfmpInvalide("Le commentaire est vide.")
    if probleme := probleme_de_texte(texte, 4000, "Le commentaire"):
        raise PfmpInvalide(probleme)
    instant = maintenant()
    appreciation = Appreciation(eleve_id=acces_tuteur.eleve_id, fiche_id=fiche_id, auteur_id=None,
                                auteur_nom=f"{acces_tuteur.nom_tuteur} (tuteur de PFMP)", texte=texte.strip(),
                                lien_tuteur_id=acces_tuteur.lien_id,
                                origine="tuteur", cree_le=instant,
                                versions=[AppreciationVersion(numero=1, texte=texte.strip(), cree_le=instant)])
    session.add(appreciation)
    session.flush()
    return appreciation


@dataclass(frozen=True)
class CommentaireDuTuteur:
    id: int
    fiche_id: int
    texte: str
    cree_le: dt.datetime
    versions: int

    def modifiable(self, instant: dt.datetime | None = None) -> bool:
        return dans_le_delai(self.cree_le, instant)


def commentaires_du_lien(session: Session, acces_tuteur: AccesTuteur) -> list[CommentaireDuTuteur]:
    """The comments written through this link, oldest first (the tutor sees and may correct their own)."""
    _exiger_nom(acces_tuteur)
    lignes = session.scalars(select(Appreciation).where(Appreciation.lien_tuteur_id == acces_tuteur.lien_id)
                             .order_by(Appreciation.cree_le, Appreciation.id))
    return [CommentaireDuTuteur(a.id, a.fiche_id, a.texte, a.cree_le, a.version_courante) for a in lignes]


def corriger_commentaire(session: Session, acces_tuteur: AccesTuteur, appreciation_id: int, texte: str,
                         instant: dt.datetime | None = None) -> Appreciation:
    """The tutor corrects a comment sent through this same link, within 15 minutes; every version is kept."""
    _exiger_nom(acces_tuteur)
    appreciation = session.get(Appreciation, appreciation_id)
    if appreciation is None or appreciation.lien_tuteur_id != acces_tuteur.lien_id:
        raise acces.AccesRefuse("Seul l'auteur d'un commentaire peut le corriger.")
    instant = instant or maintenant()
    verifier_delai(appreciation, instant)
    texte = texte.strip()
    if not texte:
        raise PfmpInvalide("Le commentaire est vide.")
    if probleme := probleme_de_texte(texte, 4000, "Le commentaire"):
        raise PfmpInvalide(probleme)
    if texte != appreciation.texte:
        nouvelle_version(appreciation, texte, instant)
    return appreciation


@dataclass(frozen=True)
class SituationDuBilan:
    code: str
    titre: str
    fiches: int  # fiches of this PFMP on the situation
    objectif: bool  # set as a goal of this PFMP


def situations_du_bilan(session: Session, acces_tuteur: AccesTuteur) -> list[SituationDuBilan]:
    """What the tutor positions: the situations of the fiches written for this PFMP and the PFMP's goals."""
    _exiger_nom(acces_tuteur)
    comptes: dict[str, int] = {}
    for _, v in session.execute(_fiches_visibles(session, acces_tuteur).where(_de_la_pfmp(acces_tuteur))):
        comptes[v.situation] = comptes.get(v.situation, 0) + 1
    buts = set(session.scalars(select(ObjectifPfmp.situation).where(ObjectifPfmp.pfmp_id == acces_tuteur.pfmp_id)))
    ref = referentiel_de_l_eleve(session, acces_tuteur.eleve_id)
    codes = [c for c in ref.situations if c in comptes or c in buts]  # référentiel order
    return [SituationDuBilan(c, ref.situations[c].titre, comptes.get(c, 0), c in buts) for c in codes]


def enregistrer_bilan(session: Session, acces_tuteur: AccesTuteur, positions: dict[str, int], texte: str,
                      instant: dt.datetime | None = None) -> None:
    """The PFMP report: a level 1–4 on situations lived during the PFMP or set as goals, and a short comment."""
    _exiger_nom(acces_tuteur)
    possibles = {s.code for s in situations_du_bilan(session, acces_tuteur)}
    inconnues = sorted(set(positions) - possibles)
    if inconnues:
        raise PfmpInvalide("Situations ni vécues pendant cette PFMP ni fixées comme objectifs : "
                           + ", ".join(inconnues) + ".")
    if any(n not in (1, 2, 3, 4) for n in positions.values()):
        raise PfmpInvalide("Les niveaux vont de 1 (à reprendre) à 4 (maîtrisé).")
    if probleme := probleme_de_texte(texte, 4000, "Le commentaire du bilan"):
        raise PfmpInvalide(probleme)
    if not positions and not texte.strip():
        raise PfmpInvalide("Le bilan est vide : positionnez au moins une situation ou écrivez un commentaire.")
    pfmp = session.get(Pfmp, acces_tuteur.pfmp_id)
    pfmp.bilan_situations = json.dumps(dict(sorted(positions.items())), ensure_ascii=False)
    pfmp.bilan_tuteur = texte.strip()
    pfmp.bilan_le = instant or maintenant()
    pfmp.bilan_par = acces_tuteur.nom_tuteur
    journaliser(session, "bilan_pfmp", None, "tuteur", "pfmp", pfmp.id, pfmp.eleve_id, details=acces_tuteur.nom_tuteur)


@dataclass(frozen=True)
class BilanPfmp:
    """A tutor's report as the school reads it."""

    pfmp_id: int
    organisation: str
    date_debut: dt.date
    date_fin: dt.date
    tuteur: str
    positions: dict[str, int]
    texte: str
    rempli_le: dt.datetime | None


def bilans_de_l_eleve(session: Session, acteur, eleve_id: int) -> list[BilanPfmp]:
    """The reports the tutors filled for the student's PFMP, latest PFMP first (the student and their teachers)."""
    acces.exiger_lecture_passeport(session, acteur, eleve_id)
    periodes = session.scalars(select(Pfmp).where(Pfmp.eleve_id == eleve_id, Pfmp.bilan_le.is_not(None))
                               .order_by(Pfmp.date_debut.desc()))
    return [BilanPfmp(p.id, p.organisation.nom, p.date_debut, p.date_fin,
                      p.bilan_par or (p.tuteur.nom if p.tuteur else ""), json.loads(p.bilan_situations or "{}"),
                      p.bilan_tuteur, p.bilan_le) for p in periodes]
