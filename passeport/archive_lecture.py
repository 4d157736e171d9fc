"""Reading a passport ZIP safely (docs/format-passeport.md), before anything touches the database or the store.

``lire_archive`` checks the ZIP itself (entry names, sizes: no path traversal, no zip bomb), the manifest (every
file present with its SHA-256 and size, nothing else) and the JSON document (format, version, every field's type),
and returns the document with dates and datetimes as Python objects. Every problem is collected and reported at
once in French (``ArchiveInvalide.erreurs``). The attachments are only hashed here, one at a time, never kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from passeport.csvio import FichierInvalide

FORMAT = "passeport-professionnel"
VERSIONS_CONNUES = {1}
NOM_JSON = "passeport.json"
NOM_MANIFESTE = "manifeste.json"
_NOM_PIECE = re.compile(r"pieces/[0-9a-f]{64}")
_SHA = re.compile(r"[0-9a-f]{64}")

# Against zip bombs: the sizes are read while decompressing, never trusted from the ZIP's headers.
PLAFOND_JSON = 64 * 1024 * 1024
PLAFOND_PIECE = 12 * 1024 * 1024  # an attachment is at most 10 MB (services.pieces.TAILLE_MAX)
PLAFOND_TOTAL = 1024 * 1024 * 1024
PLAFOND_ENTREES = 5000
_BLOC = 1024 * 1024


class ArchiveInvalide(FichierInvalide):
    """The ZIP cannot be imported; ``erreurs`` lists every reason, in French. Nothing was written."""


class _TropGros(Exception):
    pass


def _lire_borne(archive: zipfile.ZipFile, info: zipfile.ZipInfo, plafond: int,
                total: list[int]) -> tuple[bytes, str, int]:
    """The entry's bytes (JSON) or b"" (attachments), SHA-256 and real size; stops as soon as a cap is passed."""
    garder = not info.filename.startswith("pieces/")
    morceaux, empreinte, taille = [], hashlib.sha256(), 0
    with archive.open(info) as flux:
        while bloc := flux.read(_BLOC):
            taille += len(bloc)
            total[0] += len(bloc)
            if taille > plafond or total[0] > PLAFOND_TOTAL:
                raise _TropGros()
            empreinte.update(bloc)
            if garder:
                morceaux.append(bloc)
    return b"".join(morceaux), empreinte.hexdigest(), taille


def _nom_dangereux(nom: str) -> bool:
    return (nom.startswith(("/", "\\")) or "\\" in nom or ".." in nom.split("/") or ":" in nom
            or any(ord(c) < 32 for c in nom))


@dataclass
class Archive:
    """What was read: the JSON document (dates converted) and the checked attachment files (sha256 → size)."""

    document: dict
    fichiers: dict[str, int] = field(default_factory=dict)


def lire_archive(source: Path | str | BinaryIO) -> Archive:
    """Open and check a passport ZIP; ArchiveInvalide with every problem otherwise."""
    try:
        archive = zipfile.ZipFile(source)
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ArchiveInvalide(["Ce fichier n'est pas une archive ZIP lisible."]) from None
    with archive:
        return _lire(archive)


def _lire(archive: zipfile.ZipFile) -> Archive:
    erreurs: list[str] = []
    infos = archive.infolist()
    if len(infos) > PLAFOND_ENTREES:
        raise ArchiveInvalide([f"L'archive contient trop de fichiers ({len(infos)}, {PLAFOND_ENTREES} au plus)."])
    par_nom: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        nom = info.filename
        if _nom_dangereux(nom):
            erreurs.append(f"nom de fichier interdit dans l'archive : « {nom} »")
        elif nom in par_nom:
            erreurs.append(f"fichier en double dans l'archive : « {nom} »")
        elif info.is_dir():
            if nom != "pieces/":
                erreurs.append(f"dossier inattendu dans l'archive : « {nom} »")
        elif nom not in (NOM_JSON, NOM_MANIFESTE) and not _NOM_PIECE.fullmatch(nom):
            erreurs.append(f"fichier inattendu dans l'archive : « {nom} »")
        else:
            par_nom[nom] = info
        if info.flag_bits & 0x1:
            erreurs.append(f"fichier chiffré dans l'archive : « {nom} »")
    if erreurs:
        raise ArchiveInvalide(erreurs)
    for requis in (NOM_MANIFESTE, NOM_JSON):
        if requis not in par_nom:
            erreurs.append(f"fichier manquant dans l'archive : {requis}")
    if erreurs:
        raise ArchiveInvalide(erreurs)

    total = [0]
    lus: dict[str, tuple[bytes, str, int]] = {}
    try:
        for nom, info in par_nom.items():
            plafond = PLAFOND_PIECE if nom.startswith("pieces/") else PLAFOND_JSON
            lus[nom] = _lire_borne(archive, info, plafond, total)
    except _TropGros:
        raise ArchiveInvalide([
            "L'archive est trop volumineuse une fois décompressée (une pièce jointe dépasse "
            f"{PLAFOND_PIECE // 1024 // 1024} Mo ou le total dépasse {PLAFOND_TOTAL // 1024 // 1024} Mo) : refusée."
        ]) from None
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
        raise ArchiveInvalide([f"L'archive est endommagée et ne peut pas être décompressée ({exc})."]) from None

    manifeste = _json(lus[NOM_MANIFESTE][0], NOM_MANIFESTE, erreurs)
    document = _json(lus[NOM_JSON][0], NOM_JSON, erreurs)
    if erreurs:
        raise ArchiveInvalide(erreurs)
    for nom, doc in ((NOM_MANIFESTE, manifeste), (NOM_JSON, document)):
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            erreurs.append(f"{nom} : ce n'est pas un passeport professionnel (format « {FORMAT} » attendu).")
        elif doc.get("version") not in VERSIONS_CONNUES:
            erreurs.append(f"{nom} : version de format {doc.get('version')!r} inconnue (cette instance lit la "
                           f"version {', '.join(map(str, sorted(VERSIONS_CONNUES)))}). Mettez l'application à jour.")
    if erreurs:
        raise ArchiveInvalide(erreurs)

    fichiers = _verifier_manifeste(manifeste, lus, erreurs)
    lecteur = _Lecteur(erreurs)
    document = lecteur.passeport(document)
    presents = {sha for sha in fichiers}
    for fiche in document.get("fiches", []):
        for piece in fiche.get("pieces", []):
            if piece.get("contenu_absent"):
                continue
            if piece.get("sha256") not in presents:
                erreurs.append(f"pièce jointe « {piece.get('nom')} » : son fichier pieces/{piece.get('sha256')} "
                               "n'est pas dans le manifeste")
            elif fichiers[piece["sha256"]] != piece.get("taille"):
                erreurs.append(f"pièce jointe « {piece.get('nom')} » : taille {piece.get('taille')} dans "
                               f"passeport.json, {fichiers[piece['sha256']]} octets dans l'archive")
    if erreurs:
        raise ArchiveInvalide(erreurs)
    return Archive(document, fichiers)


def _json(contenu: bytes, nom: str, erreurs: list[str]) -> Any:
    try:
        return json.loads(contenu.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        erreurs.append(f"{nom} n'est pas un JSON valide ({exc}).")
        return None


def _verifier_manifeste(manifeste: dict, lus: dict[str, tuple[bytes, str, int]], erreurs: list[str]) -> dict[str, int]:
    """Every file of the manifest is in the ZIP with its SHA-256 and size, and every file of the ZIP is listed."""
    fichiers: dict[str, int] = {}
    listes = manifeste.get("fichiers")
    if not isinstance(listes, list):
        erreurs.append("manifeste.json : la liste « fichiers » manque.")
        return fichiers
    vus = set()
    for i, ligne in enumerate(listes, 1):
        if not isinstance(ligne, dict) or not isinstance(ligne.get("chemin"), str):
            erreurs.append(f"manifeste.json, fichier {i} : chemin manquant")
            continue
        chemin, sha, taille = ligne["chemin"], ligne.get("sha256"), ligne.get("taille")
        vus.add(chemin)
        if chemin not in lus:
            erreurs.append(f"fichier manquant dans l'archive : {chemin} (listé dans le manifeste)")
            continue
        if not isinstance(sha, str) or not _SHA.fullmatch(sha):
            erreurs.append(f"{chemin} : empreinte SHA-256 absente ou mal écrite dans le manifeste")
            continue
        _, sha_lu, taille_lue = lus[chemin]
        if sha_lu != sha:
            erreurs.append(f"{chemin} : empreinte SHA-256 différente de celle du manifeste (fichier altéré)")
        if taille_lue != taille:
            erreurs.append(f"{chemin} : {taille_lue} octets, le manifeste en annonce {taille}")
        if chemin.startswith("pieces/") and chemin.removeprefix("pieces/") != sha:
            erreurs.append(f"{chemin} : le nom du fichier n'est pas son empreinte SHA-256")
        if chemin.startswith("pieces/"):
            fichiers[sha] = taille_lue
    for nom in lus:
        if nom != NOM_MANIFESTE and nom not in vus:
            erreurs.append(f"{nom} : présent dans l'archive mais absent du manifeste")
    return fichiers


class _Lecteur:
    """Checks the types of passeport.json's fields and converts dates; errors name the field's place."""

    def __init__(self, erreurs: list[str]):
        self.erreurs = erreurs

    def _err(self, chemin: str, attendu: str) -> None:
        self.erreurs.append(f"passeport.json, {chemin} : {attendu}")

    def texte(self, o: dict, cle: str, chemin: str, defaut: str = "") -> str:
        v = o.get(cle, defaut)
        if not isinstance(v, str) or "\x00" in v:
            self._err(f"{chemin}.{cle}", "texte attendu (sans caractère nul)")
            return defaut
        return v

    def entier(self, o: dict, cle: str, chemin: str, mini: int | None = None, maxi: int | None = None,
               nul: bool = False) -> int | None:
        v = o.get(cle)
        if v is None and nul:
            return None
        if not isinstance(v, int) or isinstance(v, bool) or (mini is not None and v < mini) \
                or (maxi is not None and v > maxi):
            bornes = f" de {mini} à {maxi}" if mini is not None and maxi is not None else ""
            self._err(f"{chemin}.{cle}", f"nombre entier{bornes} attendu")
            return mini or 0
        return v

    def booleen(self, o: dict, cle: str, chemin: str) -> bool:
        v = o.get(cle, False)
        if not isinstance(v, bool):
            self._err(f"{chemin}.{cle}", "true ou false attendu")
            return False
        return v

    def jour(self, o: dict, cle: str, chemin: str, nul: bool = False) -> dt.date | None:
        v = o.get(cle)
        if v is None and nul:
            return None
        try:
            return dt.date.fromisoformat(v)
        except (TypeError, ValueError):
            self._err(f"{chemin}.{cle}", "date AAAA-MM-JJ attendue")
            return dt.date(2000, 1, 1)

    def instant(self, o: dict, cle: str, chemin: str, nul: bool = True) -> dt.datetime | None:
        v = o.get(cle)
        if v is None and nul:
            return None
        try:
            if not isinstance(v, str) or not v.endswith("Z"):
                raise ValueError
            return dt.datetime.fromisoformat(v[:-1])
        except ValueError:
            self._err(f"{chemin}.{cle}", "date et heure UTC ISO 8601 attendue (AAAA-MM-JJTHH:MM:SSZ)")
            return dt.datetime(2000, 1, 1)

    def liste(self, o: dict, cle: str, chemin: str) -> list[dict]:
        v = o.get(cle, [])
        if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
            self._err(f"{chemin}.{cle}", "liste d'objets attendue")
            return []
        return v

    def objet(self, o: dict, cle: str, chemin: str, nul: bool = False) -> dict | None:
        v = o.get(cle)
        if v is None and nul:
            return None
        if not isinstance(v, dict):
            self._err(f"{chemin}.{cle}", "objet attendu")
            return {}
        return v

    def personne(self, o: dict, cle: str, chemin: str, nul: bool = True) -> dict | None:
        p = self.objet(o, cle, chemin, nul)
        if p is None:
            return None
        c = f"{chemin}.{cle}"
        return {"prenom": self.texte(p, "prenom", c), "nom": self.texte(p, "nom", c),
                "nom_complet": self.texte(p, "nom_complet", c), "role": self.texte(p, "role", c)}

    # --- the document ---------------------------------------------------------------------------------------

    def passeport(self, d: dict) -> dict:
        e = self.objet(d, "eleve", "eleve") or {}
        div = self.objet(e, "division", "eleve") or {}
        eleve = {
            "identifiant": self.texte(e, "identifiant", "eleve"), "nom": self.texte(e, "nom", "eleve"),
            "prenom": self.texte(e, "prenom", "eleve"), "email": self.texte(e, "email", "eleve"),
            "referentiel": self.texte(e, "referentiel", "eleve"),
            "division": {"nom": self.texte(div, "nom", "eleve.division"),
                         "niveau": self.texte(div, "niveau", "eleve.division"),
                         "annee_scolaire": self.texte(div, "annee_scolaire", "eleve.division")},
        }
        if not eleve["identifiant"].strip() or len(eleve["identifiant"]) > 40:
            self._err("eleve.identifiant", "identifiant de 1 à 40 caractères attendu")
        for cle in ("nom", "prenom"):
            if len(eleve[cle]) > 120:
                self._err(f"eleve.{cle}", "120 caractères au plus")
        fiches = [self.fiche(f, f"fiches[{i}]") for i, f in enumerate(self.liste(d, "fiches", "document"))]
        return {
            "eleve": eleve,
            "fiches": fiches,
            "appreciations": [self.appreciation(a, f"appreciations[{i}]")
                              for i, a in enumerate(self.liste(d, "appreciations", "document"))],
            "positionnements": [
                {"fiche": self.entier(p, "fiche", c), "enseignant": self.personne(p, "enseignant", c),
                 "niveau": self.entier(p, "niveau", c, 1, 4), "commentaire": self.texte(p, "commentaire", c),
                 "cree_le": self.instant(p, "cree_le", c, nul=False)}
                for i, p in enumerate(self.liste(d, "positionnements", "document"))
                for c in [f"positionnements[{i}]"]
            ],
            "questionnements": [
                {"fiche": self.entier(q, "fiche", c), "version": self.entier(q, "version", c, 1),
                 "enseignant": self.personne(q, "enseignant", c), "questions": self.texte(q, "questions", c),
                 "ajout": self.texte(q, "ajout", c), "cree_le": self.instant(q, "cree_le", c, nul=False)}
                for i, q in enumerate(self.liste(d, "questionnements", "document"))
                for c in [f"questionnements[{i}]"]
            ],
            "pfmp": [self.pfmp(p, f"pfmp[{i}]") for i, p in enumerate(self.liste(d, "pfmp", "document"))],
            "contextes": [
                {**{k: self.texte(x, k, c) for k in ("nom", "organisation", "service", "poste", "contexte",
                                                       "conditions")},
                 "cree_le": self.instant(x, "cree_le", c, nul=False), "supprime_le": self.instant(x, "supprime_le", c)}
                for i, x in enumerate(self.liste(d, "contextes", "document"))
                for c in [f"contextes[{i}]"]
            ],
        }

    def fiche(self, f: dict, c: str) -> dict:
        versions = [self.version(v, f"{c}.versions[{i}]") for i, v in enumerate(self.liste(f, "versions", c))]
        fiche = {
            "id": self.entier(f, "id", c), "cree_le": self.instant(f, "cree_le", c, nul=False),
            "modifiee_le": self.instant(f, "modifiee_le", c, nul=False),
            "supprimee_le": self.instant(f, "supprimee_le", c), "retenue": self.booleen(f, "retenue", c),
            "partagee_tuteur": self.booleen(f, "partagee_tuteur", c),
            "partagee_pfmp": self.entier(f, "partagee_pfmp", c, nul=True),
            "version_courante": self.entier(f, "version_courante", c, 1), "pfmp": self.entier(f, "pfmp", c, nul=True),
            "versions": versions,
            "pieces": [
                {"nom": self.texte(p, "nom", pc), "type_mime": self.texte(p, "type_mime", pc),
                 "taille": self.entier(p, "taille", pc, 0), "sha256": self.texte(p, "sha256", pc),
                 "cree_le": self.instant(p, "cree_le", pc, nul=False),
                 "supprimee_le": self.instant(p, "supprimee_le", pc),
                 "contenu_absent": self.booleen(p, "contenu_absent", pc)}
                for i, p in enumerate(self.liste(f, "pieces", c)) for pc in [f"{c}.pieces[{i}]"]
            ],
        }
        numeros = [v["numero"] for v in versions]
        if not versions:
            self._err(f"{c}.versions", "au moins une version attendue")
        elif len(set(numeros)) != len(numeros) or fiche["version_courante"] not in numeros:
            self._err(f"{c}.versions", "numéros de version en double ou version courante absente")
        for p in fiche["pieces"]:
            if not _SHA.fullmatch(p["sha256"]):
                self._err(f"{c}.pieces", f"empreinte SHA-256 mal écrite « {p['sha256']} »")
            if len(p["nom"]) > 255 or len(p["type_mime"]) > 120:
                self._err(f"{c}.pieces", "nom ou type de fichier trop long")
        return fiche

    def version(self, v: dict, c: str) -> dict:
        from passeport.models import Lieu, Nature

        version = {
            "numero": self.entier(v, "numero", c, 1), "situation": self.texte(v, "situation", c),
            **{k: self.texte(v, k, c) for k in ("titre", "organisation", "contexte", "conditions", "demarche",
                                                 "productions", "complexite_details", "aleas_details")},
            "date_debut": self.jour(v, "date_debut", c), "date_fin": self.jour(v, "date_fin", c, nul=True),
            "complexite": self.entier(v, "complexite", c, 1, 3), "aleas": self.entier(v, "aleas", c, 0, 2),
            "cree_le": self.instant(v, "cree_le", c, nul=False), "auteur": self.personne(v, "auteur", c),
        }
        for cle, enum in (("lieu", Lieu), ("nature", Nature)):
            valeur = v.get(cle)
            if valeur not in {m.value for m in enum}:
                self._err(f"{c}.{cle}", f"une des valeurs {', '.join(m.value for m in enum)} attendue")
                valeur = next(iter(enum)).value
            version[cle] = enum(valeur)
        if version["date_fin"] is not None and version["date_fin"] < version["date_debut"]:
            self._err(f"{c}.date_fin", "date de fin avant la date de début")
        return version

    def appreciation(self, a: dict, c: str) -> dict:
        versions = [{"numero": self.entier(v, "numero", vc, 1), "texte": self.texte(v, "texte", vc),
                     "cree_le": self.instant(v, "cree_le", vc, nul=False)}
                    for i, v in enumerate(self.liste(a, "versions", c)) for vc in [f"{c}.versions[{i}]"]]
        return {
            "id": self.entier(a, "id", c), "fiche": self.entier(a, "fiche", c, nul=True),
            "auteur": self.personne(a, "auteur", c), "origine": self.texte(a, "origine", c, "enseignant"),
            "genre": self.texte(a, "genre", c), "suite_de": self.entier(a, "suite_de", c, nul=True),
            "texte": self.texte(a, "texte", c), "version_courante": self.entier(a, "version_courante", c, 1),
            "cree_le": self.instant(a, "cree_le", c, nul=False), "modifiee_le": self.instant(a, "modifiee_le", c),
            "retiree_le": self.instant(a, "retiree_le", c), "lue_le": self.instant(a, "lue_le", c),
            "versions": versions,
        }

    def pfmp(self, p: dict, c: str) -> dict:
        org = self.objet(p, "organisation", c) or {}
        tuteur = self.objet(p, "tuteur", c, nul=True)
        bilan = self.objet(p, "bilan_situations", c) or {}
        if not all(isinstance(k, str) and isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 4
                   for k, n in bilan.items()):
            self._err(f"{c}.bilan_situations", "niveaux de 1 à 4 par situation attendus")
            bilan = {}
        periode = {
            "id": self.entier(p, "id", c),
            "organisation": {k: self.texte(org, k, f"{c}.organisation") for k in ("nom", "forme", "secteur", "ville")},
            "date_debut": self.jour(p, "date_debut", c), "date_fin": self.jour(p, "date_fin", c),
            "tuteur": None if tuteur is None else {k: self.texte(tuteur, k, f"{c}.tuteur")
                                                   for k in ("nom", "prenom", "email", "fonction")},
            "objectifs": self.texte(p, "objectifs", c), "bilan_tuteur": self.texte(p, "bilan_tuteur", c),
            "bilan_situations": bilan, "bilan_le": self.instant(p, "bilan_le", c),
            "bilan_par": self.texte(p, "bilan_par", c),
            "objectifs_pfmp": [
                {"rang": self.entier(o, "rang", oc), "situation": self.texte(o, "situation", oc),
                 "motif": self.texte(o, "motif", oc), "consigne": self.texte(o, "consigne", oc),
                 "organisations": self.texte(o, "organisations", oc), "cree_par": self.personne(o, "cree_par", oc),
                 "cree_le": self.instant(o, "cree_le", oc, nul=False), "vu_le": self.instant(o, "vu_le", oc)}
                for i, o in enumerate(self.liste(p, "objectifs_pfmp", c)) for oc in [f"{c}.objectifs_pfmp[{i}]"]
            ],
        }
        if not periode["organisation"]["nom"].strip() or len(periode["organisation"]["nom"]) > 200:
            self._err(f"{c}.organisation.nom", "nom de 1 à 200 caractères attendu")
        if periode["date_fin"] < periode["date_debut"]:
            self._err(f"{c}.date_fin", "date de fin avant la date de début")
        return periode
