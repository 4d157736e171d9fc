"""Drafts: what a student is writing, kept on the server while they type, until they publish or discard it.

A draft holds the fiche form's fields (``CHAMPS``) as JSON. Two writers fill it under the same random key:
the page (every field it has received, on each rerun) and the browser (the text fields as typed, a few seconds
after the typing stops, through the /brouillon route). Only the owner student reads or writes a draft; drafts
are not fiches: no statut, no cockpit, no teacher ever sees them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from passeport import acces
from passeport.models import Brouillon as BrouillonEnBase
from passeport.models import Fiche, Lieu, Nature, maintenant
from passeport.referentiel import Referentiel
from passeport.saisie import caractere_interdit, probleme_de_texte
from passeport.services import fiches
from passeport.services.fiches import ContenuFiche, details, joindre_details

# The fields the browser sends while the student types (Streamlit sends them only when the field loses focus).
CHAMPS_TEXTE = ("titre", "organisation", "contexte", "conditions", "demarche", "productions",
                "facteurs_libres", "aleas_libres")
# The other fields, sent by the page when they change (a click already reruns the page).
CHAMPS_CHOIX = ("situation", "date_debut", "date_fin", "lieu", "nature", "facteurs", "aleas_items",
                "complexite", "aleas")
CHAMPS = CHAMPS_TEXTE + CHAMPS_CHOIX
# Far above any real fiche; a bound keeps one request from filling the disk.
TAILLE_MAX_TEXTE = 50_000
NOMBRE_MAX = 200
# A closed draft (published, discarded) is kept this long, empty, only to refuse a late post of its text.
FERMES_GARDES = dt.timedelta(days=7)
_CLE = re.compile(r"[A-Za-z0-9_-]{16,64}")


class BrouillonRefuse(ValueError):
    """The draft cannot be written; ``message`` is French and safe to show."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class BrouillonIntrouvable(LookupError):
    message = "Ce brouillon n'existe plus (publié ou abandonné)."


@dataclass(frozen=True)
class Brouillon:
    """A draft as the page reloads it: the form's fields, exactly as they were left."""

    cle: str
    fiche_id: int | None
    version_base: int | None
    champs: dict
    revision: int
    modifie_le: dt.datetime


@dataclass(frozen=True)
class ResumeBrouillon:
    """A line of the student's "Brouillons" list."""

    cle: str
    fiche_id: int | None
    situation: str
    titre: str
    debut_du_texte: str
    modifie_le: dt.datetime


def nouvelle_cle() -> str:
    """A random key for a form being opened (192 bits: nobody guesses another student's draft)."""
    return secrets.token_urlsafe(24)


# --- fields <-> fiche content -------------------------------------------------------------------------------------


def champs_vides() -> dict:
    """The fields of a new, empty fiche form."""
    return {"situation": None, "titre": "", "date_debut": dt.date.today().isoformat(), "date_fin": None,
            "lieu": Lieu.ETABLISSEMENT.value, "nature": Nature.REELLE.value, "organisation": "", "contexte": "",
            "conditions": "", "demarche": "", "productions": "", "facteurs": [], "facteurs_libres": "",
            "aleas_items": [], "aleas_libres": "", "complexite": 1, "aleas": 0}


def _repartir(texte: str, liste: list[str]) -> tuple[list[str], str]:
    """The items of the référentiel's list (ticked in the form) and the other ones (free lines)."""
    items = details(texte)
    return [i for i in items if i in liste], "\n".join(i for i in items if i not in liste)


def champs_de(contenu: ContenuFiche, ref: Referentiel) -> dict:
    """The form's fields for a saved fiche content (details split between ticked items and free lines)."""
    facteurs, facteurs_libres = _repartir(contenu.complexite_details, ref.facteurs_complexite(contenu.situation))
    aleas_items, aleas_libres = _repartir(contenu.aleas_details, ref.aleas_types(contenu.situation))
    return {"situation": contenu.situation, "titre": contenu.titre, "date_debut": contenu.date_debut.isoformat(),
            "date_fin": contenu.date_fin.isoformat() if contenu.date_fin else None, "lieu": Lieu(contenu.lieu).value,
            "nature": Nature(contenu.nature).value, "organisation": contenu.organisation, "contexte": contenu.contexte,
            "conditions": contenu.conditions, "demarche": contenu.demarche, "productions": contenu.productions,
            "facteurs": facteurs, "facteurs_libres": facteurs_libres, "aleas_items": aleas_items,
            "aleas_libres": aleas_libres, "complexite": contenu.complexite, "aleas": contenu.aleas}


def lignes(texte: str) -> list[str]:
    """The non-empty lines of a free-text list (one item per line), trimmed."""
    return [ligne.strip() for ligne in texte.splitlines() if ligne.strip()]


def contenu_depuis(champs: dict) -> ContenuFiche:
    """The fiche content a draft would publish (the fiche service then checks it)."""
    c = {**champs_vides(), **champs}
    return ContenuFiche(
        situation=c["situation"] or "", titre=c["titre"], date_debut=dt.date.fromisoformat(c["date_debut"]),
        date_fin=dt.date.fromisoformat(c["date_fin"]) if c["date_fin"] else None, lieu=Lieu(c["lieu"]),
        nature=Nature(c["nature"]), organisation=c["organisation"], contexte=c["contexte"],
        conditions=c["conditions"], demarche=c["demarche"], productions=c["productions"],
        complexite=int(c["complexite"]), aleas=int(c["aleas"]),
        complexite_details=joindre_details(list(c["facteurs"]) + lignes(c["facteurs_libres"])),
        aleas_details=joindre_details(list(c["aleas_items"]) + lignes(c["aleas_libres"])),
    )


def _champs_valides(champs: object) -> dict:
    """The fields sent, checked one by one: a bad one refuses the whole write (nothing half-saved)."""
    if not isinstance(champs, dict) or not champs:
        raise BrouillonRefuse("Brouillon vide ou illisible.")
    propres = {}
    for nom, valeur in champs.items():
        if nom not in CHAMPS:
            raise BrouillonRefuse(f"Champ inconnu dans le brouillon : « {str(nom)[:40]} ».")
        if nom in CHAMPS_TEXTE:
            if not isinstance(valeur, str):
                raise BrouillonRefuse(f"Le champ « {nom} » du brouillon doit être un texte.")
            if len(valeur) > TAILLE_MAX_TEXTE:
                raise BrouillonRefuse(f"Texte trop long dans « {nom} » : {TAILLE_MAX_TEXTE} caractères au plus.")
            if probleme := probleme_de_texte(valeur, TAILLE_MAX_TEXTE, f"Le champ « {nom} » du brouillon"):
                raise BrouillonRefuse(probleme)  # NUL or another control character: refused on both databases
        elif nom in ("facteurs", "aleas_items"):
            if not isinstance(valeur, list) or not all(isinstance(v, str) and len(v) <= 500
                                                       and not caractere_interdit(v) for v in valeur) \
                    or len(valeur) > 100:
                raise BrouillonRefuse(f"Liste illisible dans le champ « {nom} » du brouillon.")
        elif nom in ("complexite", "aleas"):
            if not isinstance(valeur, int) or isinstance(valeur, bool) or not 0 <= valeur <= 3:
                raise BrouillonRefuse(f"Niveau illisible dans le champ « {nom} » du brouillon.")
        elif nom in ("date_debut", "date_fin"):
            if valeur is not None:
                try:
                    dt.date.fromisoformat(str(valeur))
                except ValueError:
                    raise BrouillonRefuse(f"Date illisible dans le champ « {nom} » du brouillon.") from None
        elif nom == "lieu" and valeur not in {l.value for l in Lieu}:
            raise BrouillonRefuse("Lieu inconnu dans le brouillon.")
        elif nom == "nature" and valeur not in {n.value for n in Nature}:
            raise BrouillonRefuse("Nature inconnue dans le brouillon.")
        elif nom == "situation" and valeur is not None and (not isinstance(valeur, str) or len(valeur) > 20
                                                                or caractere_interdit(valeur)):
            raise BrouillonRefuse("Situation illisible dans le brouillon.")
        propres[nom] = valeur
    return propres


def _vue(ligne: BrouillonEnBase) -> Brouillon:
    return Brouillon(ligne.cle, ligne.fiche_id, ligne.version_base, {**champs_vides(), **json.loads(ligne.contenu)},
                     ligne.revision, ligne.modifie_le)


# --- the student's actions --------------------------------------------------------------------------------------


def _ligne(session: Session, eleve_id: int, cle: str) -> BrouillonEnBase | None:
    ligne = session.scalar(select(BrouillonEnBase).where(BrouillonEnBase.cle == cle))
    if ligne is not None and ligne.eleve_id != eleve_id:
        raise BrouillonIntrouvable()  # the same answer as for a missing one: nothing about other students
    return ligne


def enregistrer(
    session: Session, acteur, cle: str, champs: dict, fiche_id: int | None = None,
    version_base: int | None = None, horodatage_client: int | None = None,
) -> Brouillon:
    """Merge ``champs`` into the draft ``cle`` (created on its first write); return it as stored.

    ``horodatage_client`` (the browser's clock, ms): a post older than the last one applied is ignored, so a slow
    request never puts back older text. A draft of an existing fiche is found by the fiche as well as by its key.
    """
    eleve_id = acces.exiger_eleve(acteur)
    if not isinstance(cle, str) or not _CLE.fullmatch(cle):
        raise BrouillonRefuse("Clé de brouillon illisible.")
    champs = _champs_valides(champs)
    ligne = _ligne(session, eleve_id, cle)
    if ligne is not None and ligne.ferme_le is not None:
        raise BrouillonIntrouvable()  # published or discarded: a late post must not bring its text back
    if ligne is None and fiche_id is not None:
        fiche = session.get(Fiche, fiche_id)
        if fiche is None:
            raise fiches.FicheIntrouvable()
        acces.exiger_proprietaire(acteur, fiche.eleve_id)
        ligne = session.scalar(select(BrouillonEnBase).where(BrouillonEnBase.fiche_id == fiche_id))
    if ligne is None:
        ligne = _creer(session, eleve_id, cle, fiche_id, version_base)
        if fiche_id is not None and ligne.contenu == "{}":
            # A draft of a fiche starts from its published text: the fields not sent yet are the fiche's own.
            fiche = session.get(Fiche, fiche_id)
            ref = fiches.referentiel_de_l_eleve(session, eleve_id)
            ligne.contenu = json.dumps(champs_de(fiches.contenu_de(fiche.courante), ref), ensure_ascii=False)
            ligne.version_base = fiche.version_courante
    elif horodatage_client is not None and (ligne.horodatage_client or 0) > horodatage_client:
        return _vue(ligne)
    contenu = json.loads(ligne.contenu)
    nouveau = {**contenu, **champs}
    if horodatage_client is not None:
        ligne.horodatage_client = max(horodatage_client, ligne.horodatage_client or 0)
    if nouveau != contenu:
        ligne.contenu = json.dumps(nouveau, ensure_ascii=False)
        ligne.revision += 1
        ligne.modifie_le = maintenant()
    session.flush()
    return _vue(ligne)


def _creer(session: Session, eleve_id: int, cle: str, fiche_id: int | None, version_base: int | None):
    nombre = session.scalar(select(func.count()).select_from(BrouillonEnBase)
                            .where(BrouillonEnBase.eleve_id == eleve_id, BrouillonEnBase.ferme_le.is_(None)))
    if nombre >= NOMBRE_MAX:
        raise BrouillonRefuse(f"Vous avez déjà {NOMBRE_MAX} brouillons : publiez ou abandonnez-en avant d'en "
                              "commencer un autre.")
    instant = maintenant()
    ligne = BrouillonEnBase(eleve_id=eleve_id, cle=cle, fiche_id=fiche_id, version_base=version_base, contenu="{}",
                            revision=1, cree_le=instant, modifie_le=instant)
    try:
        with session.begin_nested():  # two requests creating the same draft at once: the second one updates it
            session.add(ligne)
    except IntegrityError:
        meme = [BrouillonEnBase.cle == cle] + ([BrouillonEnBase.fiche_id == fiche_id] if fiche_id else [])
        ligne = session.scalar(select(BrouillonEnBase).where(or_(*meme)))
        if ligne is None or ligne.eleve_id != eleve_id or ligne.ferme_le is not None:
            raise BrouillonIntrouvable() from None
    return ligne


def lire(session: Session, acteur, cle: str) -> Brouillon | None:
    """The student's draft ``cle``, or None (unknown, published, discarded, or another student's)."""
    eleve_id = acces.exiger_eleve(acteur, lecture=True)
    ligne = session.scalar(select(BrouillonEnBase).where(BrouillonEnBase.cle == cle))
    ouvert = ligne is not None and ligne.eleve_id == eleve_id and ligne.ferme_le is None
    return _vue(ligne) if ouvert else None


def de_la_fiche(session: Session, acteur, fiche_id: int) -> Brouillon | None:
    """The unpublished changes of the student's fiche ``fiche_id``, if any."""
    eleve_id = acces.exiger_eleve(acteur, lecture=True)
    ligne = session.scalar(select(BrouillonEnBase).where(BrouillonEnBase.fiche_id == fiche_id,
                                                         BrouillonEnBase.eleve_id == eleve_id))
    return _vue(ligne) if ligne is not None else None


def lister(session: Session, acteur) -> list[ResumeBrouillon]:
    """The student's drafts, the last changed first."""
    eleve_id = acces.exiger_eleve(acteur, lecture=True)
    lignes_ = session.scalars(select(BrouillonEnBase).where(BrouillonEnBase.eleve_id == eleve_id,
                                                            BrouillonEnBase.ferme_le.is_(None))
                              .order_by(BrouillonEnBase.modifie_le.desc(), BrouillonEnBase.id.desc()))
    resumes = []
    for ligne in lignes_:
        champs = {**champs_vides(), **json.loads(ligne.contenu)}
        texte = " ".join(champs[c] for c in ("demarche", "contexte", "conditions", "organisation", "productions")
                         if champs[c].strip())
        resumes.append(ResumeBrouillon(ligne.cle, ligne.fiche_id, champs["situation"] or "", champs["titre"],
                                       " ".join(texte.split())[:160], ligne.modifie_le))
    return resumes


def abandonner(session: Session, acteur, cle: str) -> None:
    """The student throws a draft away (after confirming in the page)."""
    ligne = _ligne(session, acces.exiger_eleve(acteur), cle)
    if ligne is None or ligne.ferme_le is not None:
        raise BrouillonIntrouvable()
    _fermer(session, ligne)


def _fermer(session: Session, ligne: BrouillonEnBase) -> None:
    """Close a draft: its text goes (published, or discarded on purpose), its key stays a week to refuse late posts."""
    instant = maintenant()
    ligne.ferme_le, ligne.contenu, ligne.fiche_id = instant, "{}", None
    for vieux in session.scalars(select(BrouillonEnBase).where(BrouillonEnBase.eleve_id == ligne.eleve_id,
                                                               BrouillonEnBase.ferme_le < instant - FERMES_GARDES)):
        session.delete(vieux)
    session.flush()


@dataclass(frozen=True)
class Publication:
    fiche_id: int
    nouvelle: bool
    version: int | None  # the new version's number; None when the text did not change


def publier(session: Session, acteur, contenu: ContenuFiche, fiche_id: int | None = None,
            cle: str | None = None) -> Publication:
    """Save ``contenu`` as a new fiche (or a new version of ``fiche_id``) and close its draft, in one transaction.

    Raises fiches.FicheInvalide (nothing written, the draft kept) when the content cannot be saved."""
    eleve_id = acces.exiger_eleve(acteur)
    if fiche_id is None:
        resultat = Publication(fiches.nouvelle_fiche(session, acteur, contenu).id, True, 1)
    else:
        version = fiches.enregistrer(session, acteur, fiche_id, contenu)
        resultat = Publication(fiche_id, False, version.numero if version else None)
    faits = []
    if cle:
        faits.append(BrouillonEnBase.cle == cle)
    if fiche_id is not None:
        faits.append(BrouillonEnBase.fiche_id == fiche_id)
    if faits:
        for ligne in list(session.scalars(select(BrouillonEnBase).where(
                BrouillonEnBase.eleve_id == eleve_id, BrouillonEnBase.ferme_le.is_(None), or_(*faits)))):
            _fermer(session, ligne)
    session.flush()
    return resultat


def creer_depuis_poste(session: Session, acteur, commun: dict, situations: list[str], ref: Referentiel
                       ) -> list[ResumeBrouillon]:
    """Poste de travail: one draft per situation with the common context, to complete one by one.

    Drafts, not fiches: a situation only counts as crossed once its fiche is written and published."""
    eleve_id = acces.exiger_eleve(acteur)
    inconnues = [s for s in situations if s not in ref.situations]
    if not situations:
        raise BrouillonRefuse("Choisissez au moins une situation vécue sur ce poste.")
    if inconnues:
        raise BrouillonRefuse("Situation inconnue du référentiel : " + ", ".join(inconnues) + ".")
    creees = []
    for code in dict.fromkeys(situations):
        champs = {**champs_vides(), **_champs_valides(commun), "situation": code,
                  "titre": ref.situations[code].titre}
        cle = nouvelle_cle()
        enregistrer(session, acteur, cle, champs)
        creees.append(cle)
    par_cle = {r.cle: r for r in lister(session, acteur)}
    return [par_cle[cle] for cle in creees]  # in the order the situations were chosen


def brouillon_apres_fin_de_session(session: Session, ancien, jeton: str | None, cle: str, champs: dict,
                                   fiche_id: int | None = None, version_base: int | None = None) -> Brouillon:
    """Keep what was typed when the session ended before "Enregistrer" (inactivity, sign-out elsewhere).

    ``ancien`` is the student this very browser session was signed in as; ``jeton`` the (ended) session's token.
    Only a draft is written, never a fiche, and only when the ended session was that student's own and the
    account is still active: publishing waits for the student to sign in again."""
    from passeport.services import sessions

    if sessions.compte_de_la_session(session, jeton) != ancien.compte_id:
        raise acces.AccesRefuse("Session inconnue : reconnectez-vous.")
    return enregistrer(session, ancien, cle, champs, fiche_id, version_base)


def champs_modifies(avant: dict, apres: dict) -> dict:
    """The fields of ``apres`` that differ from ``avant`` (what the page sends after a rerun)."""
    return {nom: valeur for nom, valeur in apres.items() if avant.get(nom) != valeur}

