"""Import of a passport ZIP made by another instance (a student who changes school): all or nothing.

Order: read and check the whole ZIP (archive_lecture: names, sizes, manifest, SHA-256, JSON types), then check it
against this instance (identifiant, division, référentiel, references between objects), and only then write the
rows (in the caller's transaction) and, last, the attachment files. Any problem: ArchiveInvalide listing them all,
nothing written. Choices (docs/format-passeport.md, « Import ») :

- the student gets a new account (login built as for CSV imports, no password: the administrator gives the first
  one as usual); an identifiant already here with an empty passport (no fiche, appréciation, PFMP or context: the
  student was imported from the SIECLE list before their passport arrived) is completed, account kept;
- the people who wrote in the passport elsewhere have no account here: appréciations keep the author's name
  (``auteur_nom``, no account); positionnements, questionnements and PFMP goals need an account, so they are
  recorded under an inactive placeholder account (``ancien-prenom.nom``, no password, cannot sign in) named after
  the original teacher, reused by name within the school. No account of this school is ever credited with what
  a namesake wrote elsewhere;
- organisations are reused by exact name within the school, otherwise created; tutors are recreated.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport import referentiel, stockage
from passeport.archive_lecture import PLAFOND_PIECE, ArchiveInvalide, lire_archive
from passeport.models import (
    GENRES_APPRECIATION, MOTIFS_OBJECTIF, ORIGINES_APPRECIATION, Appreciation, AppreciationVersion, Compte, ContexteReutilisable, Division, Eleve, Etablissement, Fiche,
    FicheVersion, ObjectifPfmp, Organisation, Pfmp, PieceJointe, Positionnement, Questionnement, Role, Tuteur,
)
from passeport.services.audit import journaliser
from passeport.services.comptes import login_disponible, logins_pris

PREFIXE_FICTIF = "ancien"


@dataclass(frozen=True)
class BilanReimport:
    identifiant: str
    login: str
    division: str
    rattache: bool  # completed an existing empty passport
    fiches: int
    versions: int
    appreciations: int
    positionnements: int
    pfmp: int
    pieces: int

    def resume(self) -> str:
        debut = (f"Passeport de l'élève {self.identifiant} rattaché à son compte existant ({self.login})"
                 if self.rattache else f"Passeport de l'élève {self.identifiant} importé : compte {self.login} créé")
        return (f"{debut} dans la division {self.division} : {self.fiches} fiche(s) ({self.versions} version(s)), "
                f"{self.appreciations} appréciation(s), {self.positionnements} positionnement(s), {self.pfmp} PFMP, "
                f"{self.pieces} pièce(s) jointe(s). Le compte n'a pas encore de mot de passe : donnez-lui un premier "
                "mot de passe depuis la page Comptes.")


def _etablissement(session: Session, etablissement: Etablissement | None) -> Etablissement:
    if etablissement is not None:
        return etablissement
    tous = session.scalars(select(Etablissement)).all()
    if len(tous) != 1:
        raise ArchiveInvalide(["Précisez l'établissement qui accueille l'élève (--etablissement UAI)."
                               if tous else "Aucun établissement dans cette instance : créez-le d'abord."])
    return tous[0]


def passeport_vide(session: Session, eleve_id: int) -> bool:
    """No fiche, appréciation, PFMP or saved context: nothing the student would lose."""
    for modele in (Fiche, Appreciation, Pfmp, ContexteReutilisable):
        if session.scalar(select(func.count()).select_from(modele).where(modele.eleve_id == eleve_id)):
            return False
    return True


def _resume_passeport(session: Session, eleve_id: int) -> str:
    fiches = session.scalar(select(func.count()).select_from(Fiche).where(Fiche.eleve_id == eleve_id))
    pfmp = session.scalar(select(func.count()).select_from(Pfmp).where(Pfmp.eleve_id == eleve_id))
    return f"{fiches} fiche(s), {pfmp} PFMP"


def _division(session: Session, etab: Etablissement, nom: str | None, existant: Eleve | None,
              nom_original: str, erreurs: list[str]) -> Division | None:
    """The target division: --division, else the existing student's, else one named like the original."""
    if nom is None and existant is not None:
        return existant.division
    voulu = (nom or nom_original).strip()
    trouvees = list(session.scalars(select(Division).where(
        Division.etablissement_id == etab.id, Division.nom == voulu).order_by(Division.annee_scolaire.desc())))
    if trouvees:
        return trouvees[0]  # the newest school year
    noms = sorted({d for d in session.scalars(select(Division.nom).where(Division.etablissement_id == etab.id))})
    liste = ", ".join(noms) if noms else "aucune"
    erreurs.append(f"La division {voulu} n'existe pas dans l'établissement {etab.uai} (divisions existantes : "
                   f"{liste}). Indiquez-en une avec --division NOM, ou créez-la d'abord.")
    return None


def _verifier_references(doc: dict, situations: set[str], nom_ref: str, erreurs: list[str]) -> None:
    fiches = {f["id"] for f in doc["fiches"]}
    periodes = {p["id"] for p in doc["pfmp"]}
    appreciations = {a["id"] for a in doc["appreciations"]}
    if len(fiches) != len(doc["fiches"]) or len(periodes) != len(doc["pfmp"]) \
            or len(appreciations) != len(doc["appreciations"]):
        erreurs.append("passeport.json : identifiants de fiches, de PFMP ou d'appréciations en double")
    for i, f in enumerate(doc["fiches"]):
        if f["pfmp"] is not None and f["pfmp"] not in periodes:
            erreurs.append(f"passeport.json, fiches[{i}] : PFMP {f['pfmp']} inconnue")
        for v in f["versions"]:
            if v["situation"] not in situations:
                erreurs.append(f"fiche « {v['titre']} » (version {v['numero']}) : situation {v['situation']} "
                               f"inconnue du référentiel {nom_ref} de la division d'accueil")
    for i, a in enumerate(doc["appreciations"]):
        if a["fiche"] is not None and a["fiche"] not in fiches:
            erreurs.append(f"passeport.json, appreciations[{i}] : fiche {a['fiche']} inconnue")
        if a["suite_de"] is not None and (a["suite_de"] not in appreciations or a["suite_de"] >= a["id"]):
            erreurs.append(f"passeport.json, appreciations[{i}] : appréciation précédente {a['suite_de']} inconnue")
    for cle in ("positionnements", "questionnements"):
        for i, x in enumerate(doc[cle]):
            if x["fiche"] not in fiches:
                erreurs.append(f"passeport.json, {cle}[{i}] : fiche {x['fiche']} inconnue")
    for i, a in enumerate(doc["appreciations"]):  # the closed lists the database checks (models.py)
        if a["genre"] not in GENRES_APPRECIATION or a["origine"] not in ORIGINES_APPRECIATION:
            erreurs.append(f"passeport.json, appreciations[{i}] : genre « {a['genre']} » ou origine "
                           f"« {a['origine']} » inconnus")
    for p in doc["pfmp"]:
        for o in p["objectifs_pfmp"]:
            if o["motif"] not in MOTIFS_OBJECTIF:
                erreurs.append(f"PFMP chez {p['organisation']['nom']} : motif d'objectif « {o['motif']} » inconnu")
    for p in doc["pfmp"]:
        codes = [o["situation"] for o in p["objectifs_pfmp"]] + list(p["bilan_situations"])
        for code in codes:
            if code not in situations:
                erreurs.append(f"PFMP chez {p['organisation']['nom']} : situation {code} inconnue du référentiel "
                               f"{nom_ref} de la division d'accueil")


def _retenues(fiches: list[dict]) -> set[int]:
    """The ids of the fiches that stay retained: one per situation (of the current version) as the database wants,
    the most recently changed when an older archive holds several, never one in the bin (it remembers it was, as
    the bin does). The same rule as migration 0011."""
    gardees: dict[str, dict] = {}
    for f in fiches:
        if f["retenue"] and f["supprimee_le"] is None:
            situation = next((v["situation"] for v in f["versions"] if v["numero"] == f["version_courante"]), "")
            if situation not in gardees or (f["modifiee_le"], f["id"]) > (gardees[situation]["modifiee_le"],
                                                                       gardees[situation]["id"]):
                gardees[situation] = f
    return {f["id"] for f in gardees.values()}


class _Comptes:
    """Placeholder teacher accounts of the target school, created once per name."""

    def __init__(self, session: Session, etab: Etablissement):
        self.session, self.etab, self.pris, self.cache = session, etab, None, {}

    def fictif(self, personne: dict | None) -> Compte:
        personne = personne or {"prenom": "", "nom": "", "nom_complet": "Enseignant inconnu"}
        prenom, nom = personne["prenom"].strip(), personne["nom"].strip()
        if not prenom and not nom:
            nom = personne["nom_complet"].strip() or "Enseignant inconnu"
        prenom, nom = prenom[:120], nom[:120]
        if (prenom, nom) in self.cache:
            return self.cache[(prenom, nom)]
        compte = self.session.scalar(select(Compte).where(
            Compte.etablissement_id == self.etab.id, Compte.role == Role.ENSEIGNANT, Compte.actif.is_(False),
            Compte.mot_de_passe_hash.is_(None), Compte.login.like(f"{PREFIXE_FICTIF}-%"),
            Compte.prenom == prenom, Compte.nom == nom).order_by(Compte.id).limit(1))
        if compte is None:
            if self.pris is None:
                self.pris = logins_pris(self.session)
            compte = Compte(login=login_disponible(f"{PREFIXE_FICTIF} {prenom}", nom, self.pris),
                            role=Role.ENSEIGNANT, etablissement_id=self.etab.id, prenom=prenom, nom=nom,
                            actif=False, mot_de_passe_hash=None)
            self.session.add(compte)
            self.session.flush()
        self.cache[(prenom, nom)] = compte
        return compte


def importer_passeport(session: Session, source: Path | str | BinaryIO, division: str | None = None,
                       etablissement: Etablissement | None = None) -> BilanReimport:
    """Recreate the passport of ``source`` (a ZIP of docs/format-passeport.md) in this instance; see the module."""
    archive = lire_archive(source)
    doc = archive.document
    etab = _etablissement(session, etablissement)
    erreurs: list[str] = []
    identifiant = doc["eleve"]["identifiant"].strip()
    existant = session.scalar(select(Eleve).where(Eleve.identifiant == identifiant))
    if existant is not None:
        if existant.division.etablissement_id != etab.id:
            raise ArchiveInvalide([f"L'identifiant {identifiant} existe déjà dans cette instance, pour un élève d'un "
                                   "autre établissement : import refusé."])
        if not passeport_vide(session, existant.id):
            raise ArchiveInvalide([
                f"L'identifiant {identifiant} existe déjà dans cette instance avec un autre passeport : "
                f"{existant.compte.nom_complet}, division {existant.division.nom}, "
                f"{_resume_passeport(session, existant.id)}. Import refusé, rien n'a été enregistré."])
    cible = _division(session, etab, division, existant, doc["eleve"]["division"]["nom"], erreurs)
    if cible is not None:
        nom_ref = doc["eleve"]["referentiel"]
        if nom_ref != cible.referentiel:
            erreurs.append(f"La division {cible.nom} suit le référentiel {cible.referentiel} : ce passeport porte sur "
                           f"{nom_ref or '(non précisé)'}. Choisissez une division de ce référentiel (--division).")
        else:
            _verifier_references(doc, set(referentiel.charger(cible.referentiel).situations), cible.referentiel,
                                 erreurs)
    if erreurs:
        raise ArchiveInvalide(erreurs)

    eleve = _ecrire(session, doc, etab, cible, existant)
    _ecrire_pieces(source, archive.fichiers)
    journaliser(session, "passeport_importe", None, "", "passeport", eleve.id, eleve.id,
                details=f"{identifiant} ({len(doc['fiches'])} fiches)")
    return BilanReimport(
        identifiant, eleve.compte.login, cible.nom, existant is not None, len(doc["fiches"]),
        sum(len(f["versions"]) for f in doc["fiches"]), len(doc["appreciations"]), len(doc["positionnements"]),
        len(doc["pfmp"]), sum(len(f["pieces"]) for f in doc["fiches"]))


def _pfmp_du_partage(f: dict, periodes: dict[int, Pfmp]) -> Pfmp | None:
    """The PFMP whose tutor the fiche is shared with. An archive written before sharing was per PFMP only says
    ``partagee_tuteur``: the attached PFMP, else the one whose dates hold the fiche's date, else the latest
    (as migration 0009 does)."""
    if f["partagee_pfmp"] is not None:
        return periodes.get(f["partagee_pfmp"])
    if not f["partagee_tuteur"] or not periodes:
        return None
    if f["pfmp"] in periodes:
        return periodes[f["pfmp"]]
    jour = next((v["date_debut"] for v in f["versions"] if v["numero"] == f["version_courante"]), None)
    pendant = [p for p in periodes.values() if jour is not None and p.date_debut <= jour <= p.date_fin]
    return max(pendant or periodes.values(), key=lambda p: p.date_debut)


def _ecrire(session: Session, doc: dict, etab: Etablissement, cible: Division, existant: Eleve | None) -> Eleve:
    comptes = _Comptes(session, etab)
    e = doc["eleve"]
    if existant is None:
        compte = Compte(login=login_disponible(e["prenom"], e["nom"], logins_pris(session)), role=Role.ELEVE,
                        etablissement_id=etab.id, nom=e["nom"].strip(), prenom=e["prenom"].strip(),
                        email=e["email"].strip()[:200], mot_de_passe_hash=None)
        eleve = Eleve(compte=compte, identifiant=e["identifiant"].strip(), division=cible)
        session.add(eleve)
    else:
        eleve = existant
        eleve.division = cible
    session.flush()

    periodes: dict[int, Pfmp] = {}
    for p in doc["pfmp"]:
        o = p["organisation"]
        org = session.scalar(select(Organisation).where(
            Organisation.nom == o["nom"].strip(), Organisation.etablissement_id == etab.id).limit(1))
        if org is None:
            org = Organisation(etablissement_id=etab.id, nom=o["nom"].strip(), forme=o["forme"][:80],
                               secteur=o["secteur"][:120], ville=o["ville"][:120])
            session.add(org)
        t = p["tuteur"]
        tuteur = None if t is None else Tuteur(organisation=org, nom=t["nom"][:120], prenom=t["prenom"][:120],
                                               email=t["email"][:200], fonction=t["fonction"][:120])
        periode = Pfmp(eleve=eleve, organisation=org, tuteur=tuteur, date_debut=p["date_debut"],
                       date_fin=p["date_fin"], objectifs=p["objectifs"], bilan_tuteur=p["bilan_tuteur"],
                       bilan_situations=json.dumps(p["bilan_situations"], ensure_ascii=False),
                       bilan_le=p["bilan_le"], bilan_par=p["bilan_par"][:200])
        session.add(periode)
        session.flush()
        for b in p["objectifs_pfmp"]:
            session.add(ObjectifPfmp(pfmp_id=periode.id, rang=b["rang"], situation=b["situation"],
                                     motif=b["motif"][:40], consigne=b["consigne"], organisations=b["organisations"],
                                     cree_par_id=comptes.fictif(b["cree_par"]).id,
                                     cree_le=b["cree_le"], vu_le=b["vu_le"]))
        periodes[p["id"]] = periode

    fiches: dict[int, Fiche] = {}
    pieces: list[tuple[Fiche, dict]] = []
    retenues = _retenues(doc["fiches"])
    for f in doc["fiches"]:
        fiche = Fiche(eleve=eleve, version_courante=f["version_courante"], retenue=f["id"] in retenues,
                      retenue_avant_corbeille=bool(f["retenue"] and f["supprimee_le"] is not None),
                      pfmp=periodes.get(f["pfmp"]), partagee_pfmp=_pfmp_du_partage(f, periodes), cree_le=f["cree_le"],
                      modifiee_le=f["modifiee_le"], supprimee_le=f["supprimee_le"])
        for v in sorted(f["versions"], key=lambda v: v["numero"]):
            auteur = eleve.compte if (v["auteur"] or {}).get("role") == Role.ELEVE.value else None
            champs = {k: v[k] for k in ("numero", "situation", "titre", "date_debut", "date_fin", "lieu", "nature",
                                        "organisation", "contexte", "conditions", "demarche", "productions",
                                        "complexite", "complexite_details", "aleas", "aleas_details", "cree_le")}
            fiche.versions.append(FicheVersion(**champs, auteur=auteur))
        pieces.extend((fiche, p) for p in f["pieces"])
        session.add(fiche)
        fiches[f["id"]] = fiche
    session.flush()
    for fiche, p in pieces:
        session.add(PieceJointe(fiche_id=fiche.id, nom=p["nom"], type_mime=p["type_mime"], taille=p["taille"],
                                sha256=p["sha256"], cree_le=p["cree_le"], supprimee_le=p["supprimee_le"]))

    appreciations: dict[int, Appreciation] = {}
    for a in sorted(doc["appreciations"], key=lambda a: a["id"]):
        auteur = a["auteur"] or {"nom_complet": ""}
        ligne = Appreciation(
            eleve_id=eleve.id, fiche_id=fiches[a["fiche"]].id if a["fiche"] is not None else None, auteur_id=None,
            auteur_nom=auteur["nom_complet"][:200], texte=a["texte"], origine=a["origine"][:20], genre=a["genre"][:20],
            suite_de_id=appreciations[a["suite_de"]].id if a["suite_de"] is not None else None,
            version_courante=a["version_courante"], cree_le=a["cree_le"], modifiee_le=a["modifiee_le"],
            retiree_le=a["retiree_le"], lue_le=a["lue_le"],
            versions=[AppreciationVersion(numero=v["numero"], texte=v["texte"], cree_le=v["cree_le"])
                      for v in a["versions"]])
        session.add(ligne)
        session.flush()
        appreciations[a["id"]] = ligne
    for p in doc["positionnements"]:
        session.add(Positionnement(fiche_id=fiches[p["fiche"]].id, enseignant_id=comptes.fictif(p["enseignant"]).id,
                                   niveau=p["niveau"], commentaire=p["commentaire"], cree_le=p["cree_le"]))
        session.flush()
    for q in doc["questionnements"]:
        session.add(Questionnement(fiche_id=fiches[q["fiche"]].id, version=q["version"],
                                   enseignant_id=comptes.fictif(q["enseignant"]).id, questions=q["questions"],
                                   ajout=q["ajout"], cree_le=q["cree_le"]))
        session.flush()
    for c in doc["contextes"]:
        session.add(ContexteReutilisable(eleve_id=eleve.id, nom=c["nom"][:120], organisation=c["organisation"],
                                         service=c["service"], poste=c["poste"], contexte=c["contexte"],
                                         conditions=c["conditions"], cree_le=c["cree_le"],
                                         supprime_le=c["supprime_le"]))
    session.flush()
    return eleve


def _ecrire_pieces(source: Path | str | BinaryIO, fichiers: dict[str, int]) -> None:
    """Write the checked attachment contents to the store, one at a time (checked again while copying)."""
    if not fichiers:
        return
    if hasattr(source, "seek"):
        source.seek(0)
    with zipfile.ZipFile(source) as archive:
        for sha, taille in fichiers.items():
            with archive.open(f"pieces/{sha}") as flux:
                contenu = flux.read(PLAFOND_PIECE + 1)
            if len(contenu) != taille or hashlib.sha256(contenu).hexdigest() != sha:
                raise ArchiveInvalide([f"pieces/{sha} a changé pendant l'import : rien n'a été enregistré."])
            stockage.enregistrer(contenu)
