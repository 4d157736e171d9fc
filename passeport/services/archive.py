"""Full export of one student's passport: ``passeport.json`` + ``manifeste.json`` + ``pieces/<sha256>`` in a ZIP.

The format is documented in docs/format-passeport.md. Building the JSON (``contenu_passeport``) is separate from
writing the ZIP (``ecrire_archive``); both are internal (the CLI uses them without an actor). The student downloads
their own archive through ``archive_de_l_eleve``, also after leaving the school (read-only account).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport import acces, stockage
from passeport.models import (
    Appreciation, Compte, ContexteReutilisable, Eleve, Fiche, ObjectifPfmp, Pfmp, PieceJointe, Positionnement,
    Questionnement, Role, maintenant,
)
from passeport.services.audit import journaliser
from passeport.services.fiches import CHAMPS_CONTENU

from passeport.archive_lecture import FORMAT, NOM_JSON, NOM_MANIFESTE

VERSION = 1  # the version of the format written here (docs/format-passeport.md)
DOSSIER_PIECES = "pieces/"


def iso_instant(instant: dt.datetime | None) -> str | None:
    """A stored (naive UTC) datetime as ISO 8601 UTC: ``2026-10-05T08:30:00Z``."""
    if instant is None:
        return None
    return instant.replace(tzinfo=None).isoformat(timespec="microseconds").removesuffix(".000000") + "Z"


def iso_jour(jour: dt.date | None) -> str | None:
    return jour.isoformat() if jour is not None else None


def _personne(compte: Compte | None, role: str = "") -> dict | None:
    if compte is None:
        return None
    return {"prenom": compte.prenom, "nom": compte.nom, "nom_complet": compte.nom_complet,
            "role": role or compte.role.value}


def _version(v) -> dict:
    champs = {nom: getattr(v, nom) for nom in CHAMPS_CONTENU}
    champs.update(date_debut=iso_jour(v.date_debut), date_fin=iso_jour(v.date_fin), lieu=v.lieu.value,
                  nature=v.nature.value)
    return {"numero": v.numero, **champs, "cree_le": iso_instant(v.cree_le), "auteur": _personne(v.auteur)}


def _piece(p: PieceJointe, presentes: set[str]) -> dict:
    ligne = {"id": p.id, "nom": p.nom, "type_mime": p.type_mime, "taille": p.taille, "sha256": p.sha256,
             "cree_le": iso_instant(p.cree_le), "supprimee_le": iso_instant(p.supprimee_le)}
    if p.sha256 not in presentes:
        ligne["contenu_absent"] = True
    return ligne


def _appreciation(a: Appreciation, auteur: Compte | None) -> dict:
    if auteur is not None:
        personne = _personne(auteur, "tuteur" if auteur.role == Role.TUTEUR else "enseignant")
        if a.auteur_nom:
            personne["nom_complet"] = a.auteur_nom
    else:
        personne = {"prenom": "", "nom": "", "nom_complet": a.auteur_nom, "role": a.origine or "tuteur"}
    return {
        "id": a.id, "fiche": a.fiche_id, "auteur": personne, "origine": a.origine, "genre": a.genre,
        "suite_de": a.suite_de_id, "texte": a.texte, "version_courante": a.version_courante,
        "cree_le": iso_instant(a.cree_le), "modifiee_le": iso_instant(a.modifiee_le),
        "retiree_le": iso_instant(a.retiree_le), "lue_le": iso_instant(a.lue_le),
        "versions": [{"numero": v.numero, "texte": v.texte, "cree_le": iso_instant(v.cree_le)} for v in a.versions],
    }


def _pfmp(p: Pfmp, objectifs: list[ObjectifPfmp], comptes: dict[int, Compte]) -> dict:
    o, t = p.organisation, p.tuteur
    return {
        "id": p.id,
        "organisation": {"nom": o.nom, "forme": o.forme, "secteur": o.secteur, "ville": o.ville},
        "date_debut": iso_jour(p.date_debut), "date_fin": iso_jour(p.date_fin),
        "tuteur": None if t is None else {"nom": t.nom, "prenom": t.prenom, "email": t.email, "fonction": t.fonction},
        "objectifs": p.objectifs, "bilan_tuteur": p.bilan_tuteur,
        "bilan_situations": json.loads(p.bilan_situations or "{}"),
        "bilan_le": iso_instant(p.bilan_le), "bilan_par": p.bilan_par,
        "objectifs_pfmp": [
            {"rang": b.rang, "situation": b.situation, "motif": b.motif, "consigne": b.consigne,
             "organisations": b.organisations, "cree_par": _personne(comptes.get(b.cree_par_id)),
             "cree_le": iso_instant(b.cree_le), "vu_le": iso_instant(b.vu_le)} for b in objectifs
        ],
    }


def _comptes(session: Session, ids: set[int]) -> dict[int, Compte]:
    return {c.id: c for c in session.scalars(select(Compte).where(Compte.id.in_(ids)))} if ids else {}


def contenu_passeport(session: Session, eleve_id: int, presentes: set[str] | None = None,
                      instant: dt.datetime | None = None) -> dict:
    """The whole passport of a student as the JSON document of docs/format-passeport.md (no access check).

    ``presentes``: the attachment contents available in the store (default: checked on disk)."""
    eleve = session.get(Eleve, eleve_id)
    division = eleve.division
    fiches = list(session.scalars(select(Fiche).where(Fiche.eleve_id == eleve_id).order_by(Fiche.id)))
    fiche_ids = [f.id for f in fiches]
    pieces = list(session.scalars(select(PieceJointe).where(PieceJointe.fiche_id.in_(fiche_ids))
                                  .order_by(PieceJointe.id))) if fiche_ids else []
    if presentes is None:
        presentes = {p.sha256 for p in pieces if stockage.chemin(p.sha256).is_file()}
    appreciations = list(session.scalars(select(Appreciation).where(Appreciation.eleve_id == eleve_id)
                                         .order_by(Appreciation.id)))
    positionnements = list(session.scalars(select(Positionnement).where(Positionnement.fiche_id.in_(fiche_ids))
                                           .order_by(Positionnement.id))) if fiche_ids else []
    questionnements = list(session.scalars(select(Questionnement).where(Questionnement.fiche_id.in_(fiche_ids))
                                           .order_by(Questionnement.id))) if fiche_ids else []
    periodes = list(session.scalars(select(Pfmp).where(Pfmp.eleve_id == eleve_id).order_by(Pfmp.date_debut, Pfmp.id)))
    objectifs = list(session.scalars(select(ObjectifPfmp).where(ObjectifPfmp.pfmp_id.in_([p.id for p in periodes]))
                                     .order_by(ObjectifPfmp.pfmp_id, ObjectifPfmp.rang))) if periodes else []
    contextes = list(session.scalars(select(ContexteReutilisable).where(ContexteReutilisable.eleve_id == eleve_id)
                                     .order_by(ContexteReutilisable.id)))
    comptes = _comptes(session, {a.auteur_id for a in appreciations if a.auteur_id}
                       | {p.enseignant_id for p in positionnements} | {q.enseignant_id for q in questionnements}
                       | {b.cree_par_id for b in objectifs})
    pieces_par_fiche: dict[int, list[PieceJointe]] = {}
    for p in pieces:
        pieces_par_fiche.setdefault(p.fiche_id, []).append(p)
    compte = eleve.compte
    return {
        "format": FORMAT,
        "version": VERSION,
        "exporte_le": iso_instant(instant or maintenant()),
        "etablissement": {"uai": division.etablissement.uai, "nom": division.etablissement.nom},
        "eleve": {
            "identifiant": eleve.identifiant, "nom": compte.nom, "prenom": compte.prenom, "email": compte.email,
            "division": {"nom": division.nom, "niveau": division.niveau.value,
                         "annee_scolaire": division.annee_scolaire},
            "referentiel": division.referentiel, "sorti_le": iso_jour(eleve.sorti_le),
        },
        "fiches": [
            {"id": f.id, "cree_le": iso_instant(f.cree_le), "modifiee_le": iso_instant(f.modifiee_le),
             "supprimee_le": iso_instant(f.supprimee_le), "retenue": f.retenue, "partagee_tuteur": f.partagee_tuteur,
             "partagee_pfmp": f.partagee_pfmp_id, "version_courante": f.version_courante, "pfmp": f.pfmp_id,
             "versions": [_version(v) for v in f.versions],
             "pieces": [_piece(p, presentes) for p in pieces_par_fiche.get(f.id, [])]}
            for f in fiches
        ],
        "appreciations": [_appreciation(a, comptes.get(a.auteur_id)) for a in appreciations],
        "positionnements": [
            {"fiche": p.fiche_id, "enseignant": _personne(comptes.get(p.enseignant_id)), "niveau": p.niveau,
             "commentaire": p.commentaire, "cree_le": iso_instant(p.cree_le)} for p in positionnements
        ],
        "questionnements": [
            {"fiche": q.fiche_id, "version": q.version, "enseignant": _personne(comptes.get(q.enseignant_id)),
             "questions": q.questions, "ajout": q.ajout, "cree_le": iso_instant(q.cree_le)} for q in questionnements
        ],
        "pfmp": [_pfmp(p, [b for b in objectifs if b.pfmp_id == p.id], comptes) for p in periodes],
        "contextes": [
            {"nom": c.nom, "organisation": c.organisation, "service": c.service, "poste": c.poste,
             "contexte": c.contexte, "conditions": c.conditions, "cree_le": iso_instant(c.cree_le),
             "supprime_le": iso_instant(c.supprime_le)} for c in contextes
        ],
    }


def ecrire_archive(session: Session, eleve_id: int, sortie: Path | str | BinaryIO,
                   instant: dt.datetime | None = None) -> dict:
    """Write the ZIP of a student's passport to a file or a binary stream (no access check); return its JSON.

    Each attachment content is written once as ``pieces/<sha256>``, read from the store one file at a time."""
    document = contenu_passeport(session, eleve_id, instant=instant)
    texte = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    fichiers = [{"chemin": NOM_JSON, "sha256": hashlib.sha256(texte).hexdigest(), "taille": len(texte)}]
    shas = dict.fromkeys(p["sha256"] for f in document["fiches"] for p in f["pieces"] if not p.get("contenu_absent"))
    with zipfile.ZipFile(sortie, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(NOM_JSON, texte)
        for sha in shas:
            contenu = stockage.lire(sha)
            archive.writestr(DOSSIER_PIECES + sha, contenu)
            fichiers.append({"chemin": DOSSIER_PIECES + sha, "sha256": sha, "taille": len(contenu)})
        manifeste = {"format": FORMAT, "version": VERSION, "fichiers": fichiers}
        archive.writestr(NOM_MANIFESTE, json.dumps(manifeste, ensure_ascii=False, indent=2).encode("utf-8"))
    return document


def nom_de_l_archive(session: Session, eleve_id: int, jour: dt.date | None = None) -> str:
    """``passeport-moreau-lea-2026-11-30.zip``."""
    from passeport.services.comptes import login_disponible

    compte = session.get(Eleve, eleve_id).compte
    base = login_disponible(compte.nom, compte.prenom, set()).replace(".", "-")
    return f"passeport-{base}-{(jour or maintenant().date()).isoformat()}.zip"


def archive_de_l_eleve(session: Session, acteur, eleve_id: int) -> bytes:
    """The ZIP of the student's own passport, for download; a student who left the school keeps this right."""
    if acces.exiger_eleve(acteur, lecture=True) != eleve_id:
        raise acces.AccesRefuse("Seul l'élève peut emporter son passeport.")
    tampon = io.BytesIO()
    ecrire_archive(session, eleve_id, tampon)
    journaliser(session, "passeport_exporte", acteur.compte_id, acteur.role.value, "passeport", eleve_id, eleve_id)
    return tampon.getvalue()
