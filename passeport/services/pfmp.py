"""PFMP periods and the tutor's access by link.

A teacher of the student's division, or the student, records a PFMP and creates a link for the tutor. The
link's token (256 random bits) is only shown once; the database keeps its SHA-256. It expires at the end of the
PFMP plus 30 days, can be revoked and re-issued (a new link revokes the previous one), and opens only that
student's fiches of that PFMP (attached to it, or lived in PFMP at its organisation during its dates) plus those the
student shared with the tutor of THAT PFMP. The tutor gives their name at first use, then reads, comments and fills
the PFMP report, nothing else. Only teachers create links (the token is shown to them once, to print): the student
sees that a link exists, for whom and until when, never the link itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import unicodedata
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from passeport import acces
from passeport.models import (  # noqa: F401  (Pfmp is read by the tutor page)
    Appreciation, AppreciationVersion, Eleve, EvenementAudit, Fiche, FicheVersion, LienTuteur, Lieu, ObjectifPfmp, Organisation,
    Pfmp, Role, Tuteur, maintenant,
)
from passeport.saisie import caractere_interdit, probleme_de_texte
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
    if any(caractere_interdit(texte) for texte in (organisation, tuteur_nom, tuteur_email)):
        raise PfmpInvalide("L'organisation, le nom ou l'adresse du tuteur contient un caractère interdit "
                           "(caractère de contrôle invisible) : retirez-le.")
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


@dataclass(frozen=True)
class LienActif:
    """What anyone managing the PFMP may know of its live link: never the link itself."""

    cree_le: dt.datetime
    expire_le: dt.datetime
    nom_tuteur: str  # given by the tutor at first use; empty while the link was never opened
    tuteur_prevu: str  # the tutor recorded with the PFMP


def lien_actif(session: Session, acteur, pfmp_id: int, instant: dt.datetime | None = None) -> LienActif | None:
    """The PFMP's live link (not revoked, not expired), or None: the student's "Mes PFMP" and the teacher's warning
    before a new link revokes the printed one."""
    pfmp = session.get(Pfmp, pfmp_id)
    if pfmp is None:
        raise acces.AccesRefuse("Cette PFMP n'existe pas.")
    _exiger_gestion(session, acteur, pfmp.eleve_id, lecture=True)
    lien = session.scalar(select(LienTuteur).where(
        LienTuteur.pfmp_id == pfmp.id, LienTuteur.revoque_le.is_(None), LienTuteur.expire_le >= (instant or maintenant()))
        .order_by(LienTuteur.cree_le.desc(), LienTuteur.id.desc()).limit(1))
    if lien is None:
        return None
    return LienActif(lien.cree_le, lien.expire_le, lien.nom_tuteur, pfmp.tuteur.nom if pfmp.tuteur else "")


def creer_lien(session: Session, acteur, pfmp_id: int, instant: dt.datetime | None = None) -> str:
    """A new link for the PFMP's tutor (any previous one is revoked); return the token, shown once.

    Only a teacher of the student's division creates it (they print it for the tutor); a PFMP that ended more than
    30 days ago gets no new link (the link would be dead on arrival)."""
    pfmp = session.get(Pfmp, pfmp_id)
    if pfmp is None:
        raise acces.AccesRefuse("Cette PFMP n'existe pas.")
    if acteur.role != Role.ENSEIGNANT:
        raise acces.AccesRefuse("Seuls les enseignants de la division créent le lien du tuteur (ils l'impriment "
                                "pour lui).")
    _exiger_gestion(session, acteur, pfmp.eleve_id)
    instant = instant or maintenant()
    if (instant.date() - pfmp.date_fin).days > DELAI_APRES_PFMP.days:
        raise PfmpInvalide(f"Cette PFMP s'est terminée le {pfmp.date_fin:%d/%m/%Y}, il y a plus de "
                           f"{DELAI_APRES_PFMP.days} jours : un lien pour le tuteur ne peut plus être créé.")
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
    adresse: str | None = None  # the client's address, journaled with the readings


def ouvrir(session: Session, jeton: str | None, instant: dt.datetime | None = None,
           adresse: str | None = None) -> AccesTuteur | None:
    """The access a link gives, or None when it is unknown, revoked or expired (the caller says nothing more).

    Failures are counted per link (its token's hash, passeport.limites.LIEN), never per address: a school's
    shared address trying wrong links cannot block a valid one. The caller commits (the failures)."""
    from passeport import limites

    if not jeton or len(jeton) > 100:
        return None
    instant = instant or maintenant()
    cle = limites.cle("lien-tuteur", _empreinte(jeton))
    if limites.attente_restante(session, cle, instant):
        return None
    lien = session.scalar(select(LienTuteur).where(LienTuteur.jeton_sha256 == _empreinte(jeton)))
    if lien is None or lien.revoque_le is not None or lien.expire_le < instant:
        limites.reserver(session, cle, limites.LIEN, instant)
        return None
    pfmp = lien.pfmp
    return AccesTuteur(lien.id, pfmp.id, pfmp.eleve_id, pfmp.eleve.compte.nom_complet, pfmp.organisation.nom,
                       pfmp.date_debut, pfmp.date_fin, lien.nom_tuteur, adresse)


def se_presenter(session: Session, acces_tuteur: AccesTuteur, nom: str) -> AccesTuteur:
    """The tutor gives their name at first use (it signs their comments)."""
    acces.exiger_lien_tuteur(session, acces_tuteur)
    nom = nom.strip()
    if not nom or len(nom) > 200:
        raise PfmpInvalide("Indiquez votre nom et votre fonction (200 caractères au plus).")
    if caractere_interdit(nom):
        raise PfmpInvalide("Votre nom contient un caractère interdit (caractère de contrôle invisible) : retirez-le.")
    session.get(LienTuteur, acces_tuteur.lien_id).nom_tuteur = nom
    journaliser(session, "lien_tuteur_premier_usage", None, "tuteur", "pfmp", acces_tuteur.pfmp_id,
                acces_tuteur.eleve_id, details=nom, adresse=acces_tuteur.adresse)
    return AccesTuteur(**{**acces_tuteur.__dict__, "nom_tuteur": nom})


def _exiger_nom(acces_tuteur: AccesTuteur) -> None:
    if not acces_tuteur.nom_tuteur:
        raise acces.AccesRefuse("Indiquez d'abord votre nom.")


def _nom_simple(nom: str) -> str:
    """An organisation's name compared without case, accents, punctuation or repeated spaces."""
    sans_accents = "".join(c for c in unicodedata.normalize("NFKD", nom) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", sans_accents.casefold()).split())


def _candidates(acces_tuteur: AccesTuteur):
    """Attached to this PFMP, lived in PFMP during its dates (organisation checked afterwards), or shared with this
    PFMP's tutor."""
    pendant = ((Fiche.pfmp_id.is_(None)) & (FicheVersion.lieu == Lieu.PFMP)
               & (FicheVersion.date_debut >= acces_tuteur.date_debut)
               & (FicheVersion.date_debut <= acces_tuteur.date_fin))
    return (
        select(Fiche, FicheVersion)
        .join(FicheVersion, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
        .where(Fiche.eleve_id == acces_tuteur.eleve_id, Fiche.supprimee_le.is_(None),
               or_(Fiche.pfmp_id == acces_tuteur.pfmp_id, pendant, Fiche.partagee_pfmp_id == acces_tuteur.pfmp_id))
        .order_by(FicheVersion.date_debut, Fiche.id)
    )


def _de_la_pfmp(fiche: Fiche, version: FicheVersion, acces_tuteur: AccesTuteur) -> bool:
    """A fiche of this PFMP: attached to it, or lived in PFMP during its dates at its organisation (or at an unnamed
    one): students do not attach their fiches by hand and may record the PFMP after writing them; a fiche naming
    another organisation is never this tutor's, even when dated inside the PFMP."""
    if fiche.pfmp_id is not None:
        return fiche.pfmp_id == acces_tuteur.pfmp_id
    return (version.lieu == Lieu.PFMP and acces_tuteur.date_debut <= version.date_debut <= acces_tuteur.date_fin
            and _nom_simple(version.organisation) in ("", _nom_simple(acces_tuteur.organisation)))


def _fiches_visibles(session: Session, acces_tuteur: AccesTuteur) -> list[tuple[Fiche, FicheVersion, bool]]:
    """The fiches the link opens, each with whether it is a fiche of the PFMP (else: only shared with its tutor)."""
    lignes = []
    for fiche, version in session.execute(_candidates(acces_tuteur)):
        de_la_pfmp = _de_la_pfmp(fiche, version, acces_tuteur)
        if de_la_pfmp or fiche.partagee_pfmp_id == acces_tuteur.pfmp_id:
            lignes.append((fiche, version, de_la_pfmp))
    return lignes


# A tutor's page reruns on every click: one journal line per link and quarter of an hour, as for teachers.
INTERVALLE_LECTURES = dt.timedelta(minutes=15)


def fiches_du_tuteur(session: Session, acces_tuteur: AccesTuteur) -> list[FicheVersion]:
    """The fiches the link opens: those of this PFMP and those the student shared with its tutor; the read is
    journaled (the student sees it in "Qui a vu mon passeport")."""
    acces.exiger_lien_tuteur(session, acces_tuteur)
    _exiger_nom(acces_tuteur)
    lignes = [v for _, v, _ in _fiches_visibles(session, acces_tuteur)]
    instant = maintenant()
    recente = session.scalar(select(EvenementAudit.id).where(
        EvenementAudit.action == "consultation", EvenementAudit.role == "tuteur",
        EvenementAudit.objet_type == "lien_tuteur", EvenementAudit.objet_id == acces_tuteur.lien_id,
        EvenementAudit.cree_le > instant - INTERVALLE_LECTURES).limit(1))
    if recente is None:
        journaliser(session, "consultation", None, "tuteur", "lien_tuteur", acces_tuteur.lien_id,
                    acces_tuteur.eleve_id, details=acces_tuteur.nom_tuteur, adresse=acces_tuteur.adresse)
    return lignes


def commenter(session: Session, acces_tuteur: AccesTuteur, fiche_id: int, texte: str, connecte=None) -> Appreciation:
    """A tutor's comment on one of the fiches the link opens (never from the student's own session, see
    enregistrer_bilan)."""
    acces.exiger_lien_tuteur(session, acces_tuteur)
    _exiger_nom(acces_tuteur)
    _exiger_autre_que_l_eleve(acces_tuteur, connecte)
    visibles = {f.id for f, _, _ in _fiches_visibles(session, acces_tuteur)}
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
    acces.exiger_lien_tuteur(session, acces_tuteur)
    _exiger_nom(acces_tuteur)
    lignes = session.scalars(select(Appreciation).where(Appreciation.lien_tuteur_id == acces_tuteur.lien_id)
                             .order_by(Appreciation.cree_le, Appreciation.id))
    return [CommentaireDuTuteur(a.id, a.fiche_id, a.texte, a.cree_le, a.version_courante) for a in lignes]


def corriger_commentaire(session: Session, acces_tuteur: AccesTuteur, appreciation_id: int, texte: str,
                         instant: dt.datetime | None = None) -> Appreciation:
    """The tutor corrects a comment sent through this same link, within 15 minutes; every version is kept."""
    acces.exiger_lien_tuteur(session, acces_tuteur)
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
    acces.exiger_lien_tuteur(session, acces_tuteur)
    _exiger_nom(acces_tuteur)
    comptes: dict[str, int] = {}
    for _, v, de_la_pfmp in _fiches_visibles(session, acces_tuteur):
        if de_la_pfmp:  # a fiche only shared is read, not positioned: the report is about this PFMP
            comptes[v.situation] = comptes.get(v.situation, 0) + 1
    buts = set(session.scalars(select(ObjectifPfmp.situation).where(ObjectifPfmp.pfmp_id == acces_tuteur.pfmp_id)))
    ref = referentiel_de_l_eleve(session, acces_tuteur.eleve_id)
    codes = [c for c in ref.situations if c in comptes or c in buts]  # référentiel order
    return [SituationDuBilan(c, ref.situations[c].titre, comptes.get(c, 0), c in buts) for c in codes]


ECRIT_PAR_L_ELEVE = ("Ce navigateur est connecté au compte de l'élève : le bilan et les commentaires du tuteur "
                     "ne peuvent pas être écrits depuis la session de l'élève. Le tuteur ouvre le lien sur son "
                     "propre appareil (ou l'élève se déconnecte d'abord).")


def _exiger_autre_que_l_eleve(acces_tuteur: AccesTuteur, connecte) -> None:
    """``connecte``: the account signed in on the browser that opened the link (its session cookie), or None."""
    if connecte is not None and connecte.role == Role.ELEVE and connecte.eleve_id == acces_tuteur.eleve_id:
        raise acces.AccesRefuse(ECRIT_PAR_L_ELEVE)


def enregistrer_bilan(session: Session, acces_tuteur: AccesTuteur, positions: dict[str, int], texte: str,
                      instant: dt.datetime | None = None, connecte=None) -> None:
    """The PFMP report: a level 1–4 on situations lived during the PFMP or set as goals, and a short comment.

    ``connecte`` is the account signed in on the same browser (None when nobody is): the student themself is
    refused. The report records the link that wrote it."""
    acces.exiger_lien_tuteur(session, acces_tuteur)
    _exiger_nom(acces_tuteur)
    _exiger_autre_que_l_eleve(acces_tuteur, connecte)
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
    pfmp.bilan_lien_id = acces_tuteur.lien_id
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
