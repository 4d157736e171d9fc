"""Backup and restore of a whole server: the database and the attachment files, checked by a manifest.

``sauvegarder`` works while the application runs: SQLite through its online backup API (one consistent snapshot,
writers are not stopped), PostgreSQL through ``pg_dump --format=custom`` (one transaction). The attachment files
are copied *after* the database snapshot: a file is written (and synced) before its row commits, and is never
changed afterwards (its name is its SHA-256), so every attachment the snapshot knows is already on disk.
``manifeste.json``, written last, lists every file of the backup with its size and SHA-256, the schema revision
and the date. ``restaurer`` checks the whole manifest before touching anything, and restores only into an empty
database and an empty attachments folder.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from passeport.models import maintenant

MANIFESTE = "manifeste.json"
FORMAT = "passeport-sauvegarde"
VERSION = 1
BASE_SQLITE = "base.sqlite"
BASE_POSTGRES = "base.dump"
PIECES = "pieces"
_SHA = re.compile(r"^[0-9a-f]{64}$")


class SauvegardeImpossible(Exception):
    """A backup or a restore refused or failed; the message, in French, says why and what to do."""


@dataclass(frozen=True)
class Bilan:
    base: str  # "sqlite" or "postgresql"
    revision: str | None
    fichiers: int  # attachment files
    octets: int  # attachment bytes
    manquantes: tuple[str, ...] = ()  # attachments known to the database but absent from its folder


@contextmanager
def _prive():
    """Everything created inside is for the server's user only (files 0600, folders 0700)."""
    ancien = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(ancien)


def _empreinte(chemin: Path) -> tuple[int, str]:
    h, taille = hashlib.sha256(), 0
    with open(chemin, "rb") as f:
        while bloc := f.read(1 << 20):
            h.update(bloc)
            taille += len(bloc)
    return taille, h.hexdigest()


def _synchroniser(chemin: Path) -> None:
    fd = os.open(chemin, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _genre(engine: Engine) -> str:
    nom = engine.url.get_backend_name()
    if nom not in ("sqlite", "postgresql"):
        raise SauvegardeImpossible(f"Base {nom} non prise en charge : seules SQLite et PostgreSQL le sont.")
    return nom


def _fichier_sqlite(engine: Engine) -> Path:
    base = engine.url.database
    if not base or base == ":memory:":
        raise SauvegardeImpossible("Une base SQLite en mémoire ne se sauvegarde pas : indiquez un fichier.")
    return Path(base)


# --- PostgreSQL tools ------------------------------------------------------------------------------------------------


def outil_postgres(nom: str) -> str:
    """The path of pg_dump or pg_restore: on PATH, else the newest /usr/lib/postgresql/<version>/bin (Debian)."""
    trouve = shutil.which(nom)
    if trouve:
        return trouve
    candidats = glob.glob(f"/usr/lib/postgresql/*/bin/{nom}")
    if candidats:
        return max(candidats, key=lambda c: int(re.search(r"/(\d+)/bin/", c).group(1)))
    raise SauvegardeImpossible(
        f"Outil « {nom} » introuvable : installez le client PostgreSQL (paquet postgresql-client, de la même version "
        "que le serveur ou plus récente) ou ajoutez son dossier au PATH.")


def _connexion_postgres(engine: Engine) -> tuple[list[str], dict[str, str]]:
    """libpq arguments for pg_dump/pg_restore; the password goes by the environment, never the command line."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    args = [f"--dbname={url.database}"]
    if url.host:
        args.append(f"--host={url.host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    return args, env


def _lancer(commande: list[str], env: dict[str, str], quoi: str) -> None:
    try:
        fini = subprocess.run(commande, env=env, capture_output=True, text=True, timeout=3600)
    except OSError as exc:
        raise SauvegardeImpossible(f"{quoi} impossible : {exc.strerror or exc}.") from None
    if fini.returncode != 0:
        raison = (fini.stderr.strip().splitlines() or ["raison inconnue"])[-1]
        raise SauvegardeImpossible(f"{quoi} a échoué : {raison}")


# --- backup ----------------------------------------------------------------------------------------------------------


def _revision(engine: Engine) -> str | None:
    from passeport.schema import revision_actuelle

    return revision_actuelle(engine)


def _shas_de_la_base(copie: Path) -> set[str]:
    con = sqlite3.connect(f"file:{copie}?mode=ro", uri=True)
    try:
        return {r[0] for r in con.execute("SELECT DISTINCT sha256 FROM piece_jointe")}
    finally:
        con.close()


def _shas_postgres(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(text("SELECT DISTINCT sha256 FROM piece_jointe")).scalars())


def _copier(source: Path, cible: Path) -> tuple[int, str]:
    """Copy, sync, and return the size and SHA-256 of what was written."""
    h, taille = hashlib.sha256(), 0
    with open(source, "rb") as entree, open(cible, "wb") as sortie:
        while bloc := entree.read(1 << 20):
            h.update(bloc)
            taille += len(bloc)
            sortie.write(bloc)
        sortie.flush()
        os.fsync(sortie.fileno())
    return taille, h.hexdigest()


def _dossier_vide_ou_absent(dossier: Path, quoi: str) -> None:
    if dossier.exists() and (not dossier.is_dir() or any(dossier.iterdir())):
        raise SauvegardeImpossible(f"{quoi} {dossier} n'est pas vide : choisissez un dossier neuf.")


def sauvegarder(engine: Engine, dossier: Path, pieces: Path) -> Bilan:
    """Copy the database (consistent snapshot) and the attachments in ``pieces`` to the new folder ``dossier``."""
    genre = _genre(engine)
    dossier = Path(dossier)
    _dossier_vide_ou_absent(dossier, "Le dossier de sauvegarde")
    revision = _revision(engine)
    if revision is None:
        raise SauvegardeImpossible("La base n'est pas initialisée : rien à sauvegarder.")
    with _prive():
        try:
            (dossier / PIECES).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SauvegardeImpossible(f"Impossible de créer {dossier} ({exc.strerror}).") from None
        entrees = []
        if genre == "sqlite":
            copie = dossier / BASE_SQLITE
            fichier = _fichier_sqlite(engine)
            if not fichier.is_file():
                raise SauvegardeImpossible(f"Base SQLite introuvable : {fichier}.")
            source = sqlite3.connect(fichier, timeout=30)  # read only by the backup; WAL: writers go on
            cible = sqlite3.connect(copie)
            try:
                source.backup(cible)  # one step: a snapshot taken under one read transaction
                cible.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            finally:
                cible.close()
                source.close()
            controle = sqlite3.connect(copie)
            try:
                etat = controle.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                controle.close()
            if etat != "ok":
                raise SauvegardeImpossible(f"La copie de la base est abîmée (integrity_check : {etat}).")
            connues = _shas_de_la_base(copie)
        else:
            copie = dossier / BASE_POSTGRES
            args, env = _connexion_postgres(engine)
            _lancer([outil_postgres("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                     f"--file={copie}", *args], env, "La sauvegarde PostgreSQL (pg_dump)")
            # Attachments rows committed after pg_dump's snapshot may be listed too: harmless extra files.
            connues = _shas_postgres(engine)
        _synchroniser(copie)
        entrees.append(_entree(dossier, copie))
        octets = fichiers = 0
        presentes = set()
        if pieces.is_dir():
            for source in sorted(pieces.iterdir()):
                if not source.is_file() or not _SHA.match(source.name):
                    continue  # temporary files of a write in progress
                taille, sha = _copier(source, dossier / PIECES / source.name)
                entrees.append({"chemin": f"{PIECES}/{source.name}", "taille": taille, "sha256": sha})
                presentes.add(source.name)
                octets, fichiers = octets + taille, fichiers + 1
        manquantes = tuple(sorted(connues - presentes))
        manifeste = {"format": FORMAT, "version": VERSION, "date": maintenant().isoformat(timespec="seconds") + "Z",
                     "base": genre, "revision": revision, "pieces_manquantes": list(manquantes),
                     "fichiers": entrees}
        manifeste["empreinte"] = _empreinte_manifeste(manifeste)
        temporaire = dossier / (MANIFESTE + ".tmp")
        with open(temporaire, "w", encoding="utf-8") as f:
            json.dump(manifeste, f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporaire, dossier / MANIFESTE)
        _synchroniser(dossier)
    return Bilan(genre, revision, fichiers, octets, manquantes)


def _empreinte_manifeste(manifeste: dict) -> str:
    """SHA-256 of the manifest's content (without this field): an edited manifest is noticed."""
    corps = {k: v for k, v in manifeste.items() if k != "empreinte"}
    return hashlib.sha256(json.dumps(corps, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _entree(dossier: Path, chemin: Path) -> dict:
    taille, sha = _empreinte(chemin)
    return {"chemin": chemin.relative_to(dossier).as_posix(), "taille": taille, "sha256": sha}


# --- restore ---------------------------------------------------------------------------------------------------------


def lire_manifeste(dossier: Path) -> dict:
    """The manifest, once every file it lists is there unchanged and nothing else is; else SauvegardeImpossible."""
    dossier = Path(dossier)
    chemin = dossier / MANIFESTE
    try:
        manifeste = json.loads(chemin.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SauvegardeImpossible(f"Manifeste introuvable : {chemin}. Ce dossier n'est pas une sauvegarde "
                                   "complète du passeport.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise SauvegardeImpossible(f"Manifeste illisible : {chemin}.") from None
    if (not isinstance(manifeste, dict) or manifeste.get("format") != FORMAT
            or manifeste.get("base") not in ("sqlite", "postgresql") or not isinstance(manifeste.get("fichiers"), list)):
        raise SauvegardeImpossible(f"Manifeste invalide : {chemin} n'est pas celui d'une sauvegarde du passeport.")
    if manifeste.get("empreinte") != _empreinte_manifeste(manifeste):
        raise SauvegardeImpossible(f"Manifeste modifié : {chemin} ne correspond plus à son empreinte. Restauration "
                                   "refusée : rien n'a été écrit.")
    if manifeste.get("version") != VERSION:
        raise SauvegardeImpossible(f"Sauvegarde au format {manifeste.get('version')} : ce programme lit le format "
                                   f"{VERSION}.")
    attendus = {}
    for entree in manifeste["fichiers"]:
        nom = entree.get("chemin") if isinstance(entree, dict) else None
        if (not isinstance(nom, str) or nom.startswith("/") or ".." in Path(nom).parts
                or not (nom in (BASE_SQLITE, BASE_POSTGRES) or (nom.startswith(PIECES + "/")
                                                                  and _SHA.match(nom[len(PIECES) + 1:])))):
            raise SauvegardeImpossible(f"Manifeste invalide : entrée inattendue {nom!r}.")
        attendus[nom] = entree
    base = BASE_SQLITE if manifeste["base"] == "sqlite" else BASE_POSTGRES
    if base not in attendus:
        raise SauvegardeImpossible(f"Manifeste invalide : la base ({base}) n'y figure pas.")
    presents = {p.relative_to(dossier).as_posix() for p in dossier.rglob("*") if p.is_file()} - {MANIFESTE}
    if inattendus := sorted(presents - set(attendus)):
        raise SauvegardeImpossible(f"Fichier inattendu dans la sauvegarde : {inattendus[0]} (absent du manifeste). "
                                   "Restauration refusée : rien n'a été écrit.")
    for nom, entree in sorted(attendus.items()):
        if nom not in presents:
            raise SauvegardeImpossible(f"Fichier manquant dans la sauvegarde : {nom}. Restauration refusée : rien "
                                       "n'a été écrit.")
        taille, sha = _empreinte(dossier / nom)
        if taille != entree.get("taille") or sha != entree.get("sha256"):
            raise SauvegardeImpossible(f"Fichier modifié depuis la sauvegarde : {nom} (taille ou empreinte SHA-256 "
                                       "différente du manifeste). Restauration refusée : rien n'a été écrit.")
    for nom in attendus:
        if nom.startswith(PIECES + "/") and attendus[nom]["sha256"] != nom[len(PIECES) + 1:]:
            raise SauvegardeImpossible(f"Pièce jointe incohérente : {nom} (son contenu n'a pas l'empreinte de son "
                                       "nom). Restauration refusée : rien n'a été écrit.")
    return manifeste


def _base_vide(engine: Engine, genre: str) -> bool:
    if genre == "sqlite":
        fichier = _fichier_sqlite(engine)
        if not fichier.exists() or fichier.stat().st_size == 0:
            return True
        con = sqlite3.connect(fichier)
        try:
            return con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
        finally:
            con.close()
    return not inspect(engine).get_table_names()


def restaurer(engine: Engine, dossier: Path, pieces: Path) -> Bilan:
    """Restore the backup in ``dossier`` into the empty database of ``engine`` and the empty folder ``pieces``."""
    dossier = Path(dossier)
    manifeste = lire_manifeste(dossier)
    genre = _genre(engine)
    if manifeste["base"] != genre:
        raise SauvegardeImpossible(f"Cette sauvegarde est celle d'une base {manifeste['base']} : elle ne se restaure "
                                   f"pas dans une base {genre}.")
    if not _base_vide(engine, genre):
        raise SauvegardeImpossible(f"La base de destination ({engine.url.render_as_string(hide_password=True)}) "
                                   "n'est pas vide : la restauration ne remplace jamais des données. Indiquez une "
                                   "base neuve (DATABASE_URL).")
    _dossier_vide_ou_absent(pieces, "Le dossier des pièces jointes")
    engine.dispose()
    with _prive():
        if genre == "sqlite":
            from passeport.db import creer_fichier_prive

            fichier = _fichier_sqlite(engine)
            creer_fichier_prive(fichier)
            source = sqlite3.connect(f"file:{dossier / BASE_SQLITE}?mode=ro", uri=True)
            cible = sqlite3.connect(fichier)
            try:
                source.backup(cible)
                cible.execute("PRAGMA journal_mode=WAL")
                etat = cible.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                cible.close()
                source.close()
            if etat != "ok":
                raise SauvegardeImpossible(f"La base restaurée est abîmée (integrity_check : {etat}).")
        else:
            args, env = _connexion_postgres(engine)
            _lancer([outil_postgres("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                     "--single-transaction", *args, str(dossier / BASE_POSTGRES)], env,
                    "La restauration PostgreSQL (pg_restore)")
        pieces.mkdir(mode=0o700, parents=True, exist_ok=True)
        octets = fichiers = 0
        for entree in manifeste["fichiers"]:
            if entree["chemin"].startswith(PIECES + "/"):
                nom = entree["chemin"][len(PIECES) + 1:]
                taille, sha = _copier(dossier / entree["chemin"], pieces / nom)
                if sha != entree["sha256"]:
                    raise SauvegardeImpossible(f"Copie altérée : {entree['chemin']}.")
                octets, fichiers = octets + taille, fichiers + 1
        _synchroniser(pieces)
    return Bilan(genre, manifeste.get("revision"), fichiers, octets, tuple(manifeste.get("pieces_manquantes", ())))
