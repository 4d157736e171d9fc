"""Backup while 35 writers save, restore into a fresh place: every acknowledged save and attachment byte is there.

And a backup that was touched (a file changed, missing or added, the manifest edited) is refused, naming the file."""

import dataclasses
import datetime as dt
import hashlib
import json
import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport import sauvegarde, stockage
from passeport.cli import main
from passeport.db import creer_engine, transaction
from passeport.models import Fiche, FicheVersion, Lieu, Nature, PieceJointe
from passeport.schema import initialiser
from passeport.services import fiches, pieces
from passeport.services.fiches import ContenuFiche
from tests.conftest import exiger_ou_sauter, vider_postgres
from tests.ecole import creer_ecole

pytestmark = [pytest.mark.store, pytest.mark.cli]

CONTENU = ContenuFiche(situation="1.1.2", titre="Commande", date_debut=dt.date(2026, 10, 5), lieu=Lieu.PFMP,
                       nature=Nature.REELLE, complexite=1, aleas=0)
ECRIVAINS = 35


class Ecrivains:
    """35 threads, each saving new fiches with an attachment through the services until told to stop."""

    def __init__(self, engine, eleve):
        self.engine, self.eleve = engine, eleve
        self.acquittes: list[tuple[int, str, str]] = []  # (fiche id, titre, attachment SHA-256), once committed
        self.echecs = 0
        self.verrou = threading.Condition()
        self.arret = threading.Event()
        self.fils = [threading.Thread(target=self._ecrire, args=(n,)) for n in range(ECRIVAINS)]

    def _ecrire(self, n: int) -> None:
        i = 0
        while not self.arret.is_set():
            i += 1
            titre = f"Fiche {n}-{i}"
            contenu = f"Compte rendu {n}-{i}\n".encode() * (1 + (n * 37 + i) % 400)
            try:
                with transaction(self.engine) as s:
                    fiche = fiches.nouvelle_fiche(s, self.eleve, dataclasses.replace(CONTENU, titre=titre))
                    piece = pieces.ajouter(s, self.eleve, fiche.id, f"cr-{n}-{i}.txt", contenu)
                    cle = (fiche.id, titre, piece.sha256)
            except Exception:  # noqa: BLE001 — a save refused under load (database busy) is simply not acknowledged
                with self.verrou:
                    self.echecs += 1
                continue
            with self.verrou:
                self.acquittes.append(cle)
                self.verrou.notify_all()

    def __enter__(self):
        for f in self.fils:
            f.start()
        return self

    def attendre(self, nombre: int) -> list[tuple[int, str, str]]:
        """Wait until ``nombre`` saves are acknowledged; return the acknowledged ones at that moment."""
        with self.verrou:
            assert self.verrou.wait_for(lambda: len(self.acquittes) >= nombre, timeout=120), self.echecs
            return list(self.acquittes)

    def __exit__(self, *_):
        self.arret.set()
        for f in self.fils:
            f.join(timeout=120)


def _verifier_restauration(url: str, pieces_dir: Path, acquittes) -> None:
    engine = creer_engine(url)
    with Session(engine) as s:
        titres = dict(s.execute(select(FicheVersion.fiche_id, FicheVersion.titre)).all())
        shas = {(p.fiche_id, p.sha256) for p in s.scalars(select(PieceJointe))}
        toutes = s.scalars(select(PieceJointe)).all()
    engine.dispose()
    for fiche_id, titre, sha in acquittes:
        assert titres.get(fiche_id) == titre
        assert (fiche_id, sha) in shas
    # Every attachment of the restored database has all its bytes.
    for piece in toutes:
        contenu = (pieces_dir / piece.sha256).read_bytes()
        assert len(contenu) == piece.taille and hashlib.sha256(contenu).hexdigest() == piece.sha256


def test_backup_while_35_writers_save_then_restore_into_a_fresh_place(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'ici' / 'passeport.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "ici"))
    engine = creer_engine(url)
    initialiser(engine)
    ecole = creer_ecole(engine, quota_mo=5000)
    with Ecrivains(engine, ecole.lea) as ecrivains:
        avant = ecrivains.attendre(ECRIVAINS)
        assert main(["sauvegarder", str(tmp_path / "sauvegarde")]) == 0
        apres = ecrivains.attendre(len(avant) + ECRIVAINS)  # the writers went on during and after the backup
    engine.dispose()
    assert len(apres) > len(avant) >= ECRIVAINS
    assert capsys.readouterr().out.startswith(f"Sauvegarde écrite dans {tmp_path / 'sauvegarde'} : base sqlite "
                                              "(schéma ")
    manifeste = json.loads((tmp_path / "sauvegarde" / "manifeste.json").read_text())
    assert manifeste["base"] == "sqlite" and manifeste["pieces_manquantes"] == []
    assert stat.S_IMODE((tmp_path / "sauvegarde").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "sauvegarde" / "base.sqlite").stat().st_mode) == 0o600

    ailleurs = tmp_path / "ailleurs"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{ailleurs / 'passeport.sqlite'}")
    monkeypatch.setenv("PASSEPORT_DONNEES", str(ailleurs))
    assert main(["restaurer", str(tmp_path / "sauvegarde")]) == 0
    assert capsys.readouterr().out.startswith(f"Sauvegarde {tmp_path / 'sauvegarde'} restaurée : base sqlite")
    _verifier_restauration(f"sqlite:///{ailleurs / 'passeport.sqlite'}", ailleurs / "pieces", avant)
    con = sqlite3.connect(ailleurs / "passeport.sqlite")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()
    assert stat.S_IMODE((ailleurs / "passeport.sqlite").stat().st_mode) == 0o600
    assert stat.S_IMODE((ailleurs / "pieces").stat().st_mode) == 0o700

    # A second restore into the same place is refused: it is not empty any more.
    assert main(["restaurer", str(tmp_path / "sauvegarde")]) == 1
    assert "n'est pas vide : la restauration ne remplace jamais des données" in capsys.readouterr().err


@pytest.fixture
def petite_sauvegarde(tmp_path, monkeypatch):
    """A backup of a tiny school with 2 attachments; DATABASE_URL then points at a fresh place."""
    url = f"sqlite:///{tmp_path / 'ici' / 'passeport.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "ici"))
    engine = creer_engine(url)
    initialiser(engine)
    ecole = creer_ecole(engine)
    with transaction(engine) as s:
        fiche = fiches.nouvelle_fiche(s, ecole.lea, CONTENU)
        pieces.ajouter(s, ecole.lea, fiche.id, "a.txt", b"Premier compte rendu\n")
        pieces.ajouter(s, ecole.lea, fiche.id, "b.txt", b"Second compte rendu\n")
    engine.dispose()
    assert main(["sauvegarder", str(tmp_path / "s")]) == 0
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'neuf' / 'passeport.sqlite'}")
    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "neuf"))
    return tmp_path / "s"


def _refus(capsys, dossier) -> str:
    capsys.readouterr()
    assert main(["restaurer", str(dossier)]) == 1
    return capsys.readouterr().err.strip()


A = stockage.empreinte(b"Premier compte rendu\n")


def test_a_changed_attachment_is_refused_and_named(petite_sauvegarde, capsys):
    (petite_sauvegarde / "pieces" / A).write_bytes(b"Premier compte rendu modifie\n")
    assert _refus(capsys, petite_sauvegarde) == (
        f"Fichier modifié depuis la sauvegarde : pieces/{A} (taille ou empreinte SHA-256 différente du manifeste). "
        "Restauration refusée : rien n'a été écrit.")
    assert not (petite_sauvegarde.parent / "neuf" / "pieces").exists()


def test_a_missing_or_added_file_is_refused_and_named(petite_sauvegarde, capsys):
    (petite_sauvegarde / "pieces" / A).unlink()
    assert _refus(capsys, petite_sauvegarde).startswith(f"Fichier manquant dans la sauvegarde : pieces/{A}.")
    (petite_sauvegarde / "pieces" / A).write_bytes(b"Premier compte rendu\n")
    (petite_sauvegarde / "pieces" / "intrus.txt").write_bytes(b"x")
    assert _refus(capsys, petite_sauvegarde).startswith(
        "Fichier inattendu dans la sauvegarde : pieces/intrus.txt (absent du manifeste).")


def test_a_tampered_manifest_is_refused(petite_sauvegarde, capsys):
    chemin = petite_sauvegarde / "manifeste.json"
    manifeste = json.loads(chemin.read_text())
    manifeste["revision"] = "0001"
    chemin.write_text(json.dumps(manifeste))
    assert _refus(capsys, petite_sauvegarde) == (
        f"Manifeste modifié : {chemin} ne correspond plus à son empreinte. Restauration refusée : rien n'a été écrit.")
    chemin.unlink()
    assert _refus(capsys, petite_sauvegarde).startswith(f"Manifeste introuvable : {chemin}.")


def test_the_database_copy_is_checked_too(petite_sauvegarde, capsys):
    with open(petite_sauvegarde / "base.sqlite", "r+b") as f:
        f.seek(5000)
        f.write(b"\xff")
    assert _refus(capsys, petite_sauvegarde).startswith("Fichier modifié depuis la sauvegarde : base.sqlite")


def test_restore_refuses_a_non_empty_attachments_folder(petite_sauvegarde, capsys):
    (petite_sauvegarde.parent / "neuf" / "pieces").mkdir(parents=True)
    (petite_sauvegarde.parent / "neuf" / "pieces" / "reste").write_bytes(b"x")
    assert "n'est pas vide : choisissez un dossier neuf." in _refus(capsys, petite_sauvegarde)


def test_backup_refuses_a_non_empty_folder(petite_sauvegarde, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'ici' / 'passeport.sqlite'}")
    capsys.readouterr()
    assert main(["sauvegarder", str(petite_sauvegarde)]) == 1
    assert capsys.readouterr().err.strip() == f"Le dossier de sauvegarde {petite_sauvegarde} n'est pas vide : " \
                                              "choisissez un dossier neuf."


def test_missing_postgresql_tools_give_a_french_message(monkeypatch):
    monkeypatch.setattr(sauvegarde.shutil, "which", lambda _nom: None)
    monkeypatch.setattr(sauvegarde.glob, "glob", lambda _motif: [])
    with pytest.raises(sauvegarde.SauvegardeImpossible, match="Outil « pg_dump » introuvable : installez le client "
                                                              "PostgreSQL"):
        sauvegarde.outil_postgres("pg_dump")
    monkeypatch.setattr(sauvegarde.glob, "glob", lambda _motif: ["/usr/lib/postgresql/13/bin/pg_dump",
                                                                "/usr/lib/postgresql/15/bin/pg_dump"])
    assert sauvegarde.outil_postgres("pg_dump") == "/usr/lib/postgresql/15/bin/pg_dump"


def test_the_sqlite_file_and_the_attachments_folder_are_private(tmp_path, monkeypatch):
    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "donnees"))
    ancien = os.umask(0o022)  # the usual umask: files would be world-readable
    try:
        engine = creer_engine(f"sqlite:///{tmp_path / 'donnees' / 'passeport.sqlite'}")
        initialiser(engine)
        ecole = creer_ecole(engine)
        with transaction(engine) as s:
            fiche = fiches.nouvelle_fiche(s, ecole.lea, CONTENU)
            pieces.ajouter(s, ecole.lea, fiche.id, "a.txt", b"Premier compte rendu\n")
        engine.dispose()
    finally:
        os.umask(ancien)
    assert stat.S_IMODE((tmp_path / "donnees").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "donnees" / "passeport.sqlite").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "donnees" / "pieces").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "donnees" / "pieces" / A).stat().st_mode) == 0o600


def test_backup_while_35_writers_save_on_postgresql(pg_url, tmp_path, monkeypatch, capsys):
    """pg_url: the tests that empty the PostgreSQL database run one at a time (see conftest)."""
    url = pg_url
    try:
        sauvegarde.outil_postgres("pg_dump"), sauvegarde.outil_postgres("pg_restore")
    except sauvegarde.SauvegardeImpossible as exc:
        exiger_ou_sauter(str(exc))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "ici"))
    engine = creer_engine(url)
    initialiser(engine)
    ecole = creer_ecole(engine, quota_mo=5000)
    with Ecrivains(engine, ecole.lea) as ecrivains:
        avant = ecrivains.attendre(ECRIVAINS)
        assert main(["sauvegarder", str(tmp_path / "sauvegarde")]) == 0
        apres = ecrivains.attendre(len(avant) + ECRIVAINS)
    engine.dispose()
    assert len(apres) > len(avant)
    # The fresh place: the same PostgreSQL database, emptied, and a new attachments folder.
    vider_postgres(url)
    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "ailleurs"))
    capsys.readouterr()
    assert main(["restaurer", str(tmp_path / "sauvegarde")]) == 0, capsys.readouterr().err
    _verifier_restauration(url, tmp_path / "ailleurs" / "pieces", avant)
    engine = creer_engine(url)
    with Session(engine) as s:
        assert s.scalar(select(Fiche.id).order_by(Fiche.id.desc()).limit(1)) >= len(avant)
    engine.dispose()
    assert main(["restaurer", str(tmp_path / "sauvegarde")]) == 1
    assert "n'est pas vide" in capsys.readouterr().err
