"""Targeted extracts: fiches a student chooses to show for a CV, a job interview or a PFMP negotiation.

The student chooses fiches (ticked in a list, a whole pôle, or among the situations a pasted offer speaks of),
gives a title, then downloads a short PDF and/or creates a read-only share link. As for tutors' links, the token
(256 random bits) is shown once and only its SHA-256 is stored; the link expires after the number of days the
student chose (1 to 90), can be revoked, and a wrong, expired or revoked token gets one neutral answer; failures
are counted per link (passeport.limites.LIEN), never per address. Every opening is journaled and listed in the student's
« Qui a vu mon passeport ». The link shows the student's name, the extract's title and the chosen fiches that are
still not deleted (their current version): nothing else (no division, no appréciation, no other fiche).
Only the owner student creates, lists, downloads, shares and revokes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from passeport import acces
from passeport.correspondance import Correspondance, situations_de_l_offre
from passeport import limites
from passeport.models import Eleve, Extrait, ExtraitFiche, Fiche, FicheVersion, maintenant
from passeport.saisie import probleme_de_texte
from passeport.services.audit import journaliser
from passeport.services.fiches import LIBELLES_LIEU, FicheIntrouvable, referentiel_de_l_eleve
from passeport.services.livret import FicheImprimee, fiche_imprimee

DUREE_MIN, DUREE_MAX, DUREE_PAR_DEFAUT = 1, 90, 30
MAX_FICHES = 30
LONGUEUR_TITRE = 200
LONGUEUR_OFFRE = 20_000
# One answer for a wrong, expired or revoked link: no hint which.
MESSAGE_NEUTRE = "Ce lien ne permet pas d'accéder à un extrait de passeport. Demandez un nouveau lien à l'élève."
LIBELLES_ORIGINE = {"choix": "fiches choisies", "pole": "un pôle", "offre": "une offre"}


class ExtraitInvalide(ValueError):
    """A request that cannot be done; the message says why, in French."""


def _empreinte(jeton: str) -> str:
    return hashlib.sha256(jeton.encode()).hexdigest()


def _extrait_de_l_eleve(session: Session, acteur, extrait_id: int, lecture: bool = False) -> Extrait:
    eleve_id = acces.exiger_eleve(acteur, lecture=lecture)
    extrait = session.get(Extrait, extrait_id)
    if extrait is None or extrait.eleve_id != eleve_id:
        raise acces.AccesRefuse("Cet extrait n'existe pas ou n'est pas le vôtre.")
    return extrait


def _fiches_courantes(session: Session, eleve_id: int, fiche_ids=None) -> list[tuple[Fiche, FicheVersion]]:
    """The student's fiches not deleted (all, or those of ``fiche_ids``) with their current version."""
    requete = (
        select(Fiche, FicheVersion)
        .join(FicheVersion, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
        .where(Fiche.eleve_id == eleve_id, Fiche.supprimee_le.is_(None))
    )
    if fiche_ids is not None:
        requete = requete.where(Fiche.id.in_(list(fiche_ids)))
    return list(session.execute(requete).all())


def _cle(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in code.split("."))


def _ordre(ligne: tuple[Fiche, FicheVersion]) -> tuple:
    fiche, version = ligne
    return _cle(version.situation), version.date_debut, fiche.id


# --- choosing ---------------------------------------------------------------------------------------------------


def _verifier_offre(offre: str) -> str:
    offre = (offre or "").strip()
    if not offre:
        raise ExtraitInvalide("Collez le texte de l'offre (emploi ou PFMP) pour trouver les situations.")
    if len(offre) > LONGUEUR_OFFRE or "\x00" in offre:
        raise ExtraitInvalide(f"Le texte de l'offre est trop long ({LONGUEUR_OFFRE} caractères au plus).")
    return offre


def situations_pour_l_offre(session: Session, acteur, offre: str, limite: int | None = 12) -> list[Correspondance]:
    """The situations of the student's référentiel the offer speaks of, best first, with the matched words."""
    eleve_id = acces.exiger_eleve(acteur)
    return situations_de_l_offre(_verifier_offre(offre), referentiel_de_l_eleve(session, eleve_id), limite)


@dataclass(frozen=True)
class FicheAChoisir:
    id: int
    situation: str
    situation_titre: str
    pole_code: str
    titre: str
    date_debut: dt.date
    lieu: str
    retenue: bool


def fiches_a_choisir(
    session: Session, acteur, pole: str | None = None, situations: list[str] | None = None,
) -> list[FicheAChoisir]:
    """The student's fiches (of a pôle, or of some situations), by situation then date."""
    eleve_id = acces.exiger_eleve(acteur)
    referentiel = referentiel_de_l_eleve(session, eleve_id)
    resultat = []
    for fiche, version in sorted(_fiches_courantes(session, eleve_id), key=_ordre):
        situation = referentiel.situations.get(version.situation)
        pole_code = situation.pole_code if situation else ""
        if (pole is not None and pole_code != pole) or (situations is not None and version.situation not in situations):
            continue
        resultat.append(FicheAChoisir(fiche.id, version.situation, situation.titre if situation else "", pole_code,
                                      version.titre, version.date_debut, LIBELLES_LIEU[version.lieu], fiche.retenue))
    return resultat


# --- the extract ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResumeExtrait:
    """One of my extracts as « Mes extraits » lists it. ``statut``: actif, revoque, expire or sans_lien."""

    id: int
    titre: str
    origine: str
    cree_le: dt.datetime
    fiches: tuple[str, ...]  # titles of the chosen fiches still in the passport, in the extract's order
    statut: str
    expire_le: dt.datetime | None
    revoque_le: dt.datetime | None


def statut_du_lien(extrait: Extrait, instant: dt.datetime | None = None) -> str:
    if not extrait.jeton_sha256:
        return "sans_lien"
    if extrait.revoque_le is not None:
        return "revoque"
    if extrait.expire_le is None or extrait.expire_le < (instant or maintenant()):
        return "expire"
    return "actif"


def _resume(session: Session, extrait: Extrait, instant: dt.datetime | None = None,
            titres_courants: dict[int, str] | None = None) -> ResumeExtrait:
    """``titres_courants``: fiche id → current title of the student's fiches out of the bin (read here if None)."""
    if titres_courants is None:
        titres_courants = {f.id: v.titre for f, v in _fiches_courantes(session, extrait.eleve_id,
                                                                        [e.fiche_id for e in extrait.fiches])}
    titres = tuple(titres_courants[e.fiche_id] for e in extrait.fiches if e.fiche_id in titres_courants)
    return ResumeExtrait(extrait.id, extrait.titre, extrait.origine, extrait.cree_le, titres,
                         statut_du_lien(extrait, instant), extrait.expire_le, extrait.revoque_le)


def creer_extrait(
    session: Session, acteur, titre: str, fiche_ids: list[int] | None = None, pole: str | None = None,
    offre: str = "",
) -> ResumeExtrait:
    """A new extract of the student's fiches: chosen ones, a whole pôle (or chosen ones within it), or chosen
    among the fiches of the situations a pasted offer speaks of. No link yet."""
    eleve_id = acces.exiger_eleve(acteur)
    titre = (titre or "").strip()
    probleme = probleme_de_texte(titre, LONGUEUR_TITRE, "Le titre") if titre else "Donnez un titre à l'extrait."
    if probleme:
        raise ExtraitInvalide(probleme)
    ids = list(dict.fromkeys(fiche_ids or []))
    referentiel = referentiel_de_l_eleve(session, eleve_id)
    if pole is not None and pole not in referentiel.poles:
        raise ExtraitInvalide(f"Le pôle « {pole} » n'existe pas dans votre référentiel.")
    if ids:
        lignes = _fiches_courantes(session, eleve_id, ids)
        if len(lignes) != len(ids):
            raise FicheIntrouvable(FicheIntrouvable.message)
    elif pole is not None:
        lignes = _fiches_courantes(session, eleve_id)
    else:
        raise ExtraitInvalide("Choisissez au moins une fiche.")
    if pole is not None:
        du_pole = [(f, v) for f, v in lignes if getattr(referentiel.situations.get(v.situation), "pole_code", "") == pole]
        if ids and len(du_pole) != len(lignes):
            autres = [v.titre for f, v in lignes if (f, v) not in du_pole]
            raise ExtraitInvalide(f"Ces fiches ne sont pas du pôle {pole} : " + ", ".join(autres) + ".")
        lignes = du_pole
        if not lignes:
            raise ExtraitInvalide(f"Vous n'avez pas encore de fiche dans le pôle {pole}.")
    if offre:
        offre = _verifier_offre(offre)
        trouvees = {c.code for c in situations_de_l_offre(offre, referentiel)}
        ailleurs = [v.titre for _, v in lignes if v.situation not in trouvees]
        if ailleurs:
            raise ExtraitInvalide("Ces fiches ne portent pas sur une situation de l'offre : " + ", ".join(ailleurs) + ".")
    if len(lignes) > MAX_FICHES:
        raise ExtraitInvalide(f"Un extrait garde {MAX_FICHES} fiches au plus : choisissez les plus parlantes.")
    origine = "offre" if offre else "pole" if pole is not None else "choix"
    extrait = Extrait(eleve_id=eleve_id, titre=titre, origine=origine, offre=offre, cree_le=maintenant())
    extrait.fiches = [ExtraitFiche(fiche_id=f.id, rang=rang) for rang, (f, _) in enumerate(sorted(lignes, key=_ordre))]
    session.add(extrait)
    session.flush()
    journaliser(session, "extrait_cree", acteur.compte_id, acteur.role.value, "extrait", extrait.id, eleve_id,
                details=f"{len(lignes)} fiches")
    return _resume(session, extrait)


def mes_extraits(session: Session, acteur, instant: dt.datetime | None = None) -> list[ResumeExtrait]:
    """My extracts, newest first, with the state of their link (also after leaving the school)."""
    eleve_id = acces.exiger_eleve(acteur, lecture=True)
    extraits = session.scalars(select(Extrait).where(Extrait.eleve_id == eleve_id)
                               .options(selectinload(Extrait.fiches))
                               .order_by(Extrait.cree_le.desc(), Extrait.id.desc()))
    # The student's current titles read once for all extracts, not once per extract.
    titres = {f.id: v.titre for f, v in _fiches_courantes(session, eleve_id)}
    return [_resume(session, e, instant, titres) for e in extraits]


def creer_lien(session: Session, acteur, extrait_id: int, jours: int = DUREE_PAR_DEFAUT,
               instant: dt.datetime | None = None) -> str:
    """A read-only link valid ``jours`` days (1 to 90); replaces any previous link. Return the token, shown once."""
    extrait = _extrait_de_l_eleve(session, acteur, extrait_id)
    if isinstance(jours, bool) or not isinstance(jours, int) or not DUREE_MIN <= jours <= DUREE_MAX:
        raise ExtraitInvalide(f"La durée du lien va de {DUREE_MIN} à {DUREE_MAX} jours.")
    instant = instant or maintenant()
    jeton = secrets.token_urlsafe(32)
    extrait.jeton_sha256 = _empreinte(jeton)
    extrait.expire_le = instant + dt.timedelta(days=jours)
    extrait.revoque_le = None
    journaliser(session, "lien_extrait_cree", acteur.compte_id, acteur.role.value, "extrait", extrait.id,
                extrait.eleve_id, details=f"{jours} jours")
    session.flush()
    return jeton


def revoquer_lien(session: Session, acteur, extrait_id: int) -> bool:
    """Revoke the extract's link; return False when it had no active link.

    Closing a link only protects the student: allowed after leaving the school too."""
    extrait = _extrait_de_l_eleve(session, acteur, extrait_id, lecture=True)
    if statut_du_lien(extrait) != "actif":
        return False
    extrait.revoque_le = maintenant()
    journaliser(session, "lien_extrait_revoque", acteur.compte_id, acteur.role.value, "extrait", extrait.id,
                extrait.eleve_id)
    return True


# --- what the link shows --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtraitPartage:
    extrait_id: int
    eleve_id: int
    eleve: str
    titre: str
    expire_le: dt.datetime
    fiches: tuple[FicheImprimee, ...]  # the current version of each chosen fiche still in the passport

    @property
    def fiche_ids(self) -> list[int]:
        return [f.id for f in self.fiches]


def _contenu(session: Session, extrait: Extrait) -> ExtraitPartage:
    eleve = session.get(Eleve, extrait.eleve_id)
    referentiel = referentiel_de_l_eleve(session, extrait.eleve_id)
    lignes = {f.id: (f, v) for f, v in _fiches_courantes(session, extrait.eleve_id,
                                                          [e.fiche_id for e in extrait.fiches])}
    # A fiche deleted since is not shown.
    fiches = [fiche_imprimee(*lignes[c.fiche_id], referentiel) for c in extrait.fiches if c.fiche_id in lignes]
    return ExtraitPartage(extrait.id, extrait.eleve_id, eleve.compte.nom_complet, extrait.titre, extrait.expire_le,
                          tuple(fiches))


def apercu(session: Session, acteur, extrait_id: int) -> ExtraitPartage:
    """What the link shows (and the PDF holds), for the owner (also after leaving the school)."""
    return _contenu(session, _extrait_de_l_eleve(session, acteur, extrait_id, lecture=True))


def ouvrir_lien(session: Session, jeton: str | None, adresse: str, forme: str = "page",
                instant: dt.datetime | None = None) -> ExtraitPartage | None:
    """What a link shows, or None (wrong, expired or revoked token, or too many failures of this same token —
    counted per token, never per address, see passeport.limites.LIEN): the caller shows MESSAGE_NEUTRE. Each
    opening is journaled for the student with the client's address (the caller commits)."""
    if not jeton or len(jeton) > 100:
        return None
    instant = instant or maintenant()
    cle = limites.cle("lien-extrait", _empreinte(jeton))
    if limites.attente_restante(session, cle, instant):
        return None
    extrait = session.scalar(select(Extrait).where(Extrait.jeton_sha256 == _empreinte(jeton)))
    if extrait is None or statut_du_lien(extrait, instant) != "actif":
        limites.reserver(session, cle, limites.LIEN, instant)
        return None
    journaliser(session, "consultation_extrait", None, "lien", "extrait", extrait.id, extrait.eleve_id, details=forme,
                adresse=adresse)
    return _contenu(session, extrait)


# --- the short PDF ----------------------------------------------------------------------------------------------


def pdf_du_partage(session: Session, partage: ExtraitPartage) -> bytes:
    """The short PDF of an extract (the livret's layout when it is there)."""
    from passeport.documents import page_extrait

    return page_extrait.pdf(session, partage)


def pdf_de_l_extrait(session: Session, acteur, extrait_id: int) -> bytes:
    """The short PDF of one of my extracts."""
    return pdf_du_partage(session, apercu(session, acteur, extrait_id))
