"""The `passeport` command, run in-process and once as the installed console script."""

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport import referentiel
from passeport.cli import main
from passeport.db import creer_engine
from passeport.models import Eleve, Etablissement, Fiche
from tests import donnees
from tests.donnees import ENTETE_ELEVES, ENTETE_FICHES, texte_csv

pytestmark = pytest.mark.cli


def _compter(url, modele):
    engine = creer_engine(url)
    with Session(engine) as s:
        n = s.scalar(select(func.count()).select_from(modele))
    engine.dispose()
    return n


def test_initialiser_twice(db_env, capsys):
    assert main(["initialiser"]) == 0
    assert main(["initialiser"]) == 0
    assert capsys.readouterr().out.splitlines() == ["Schéma créé ou mis à jour.", "Schéma déjà à jour : rien à faire."]


def test_commands_refuse_an_uninitialised_database(db_env, capsys):
    assert main(["demo"]) == 1
    assert "lancez « passeport initialiser »" in capsys.readouterr().err


def test_demo_fills_an_empty_database_then_refuses(db_env, capsys):
    main(["initialiser"])
    assert main(["demo", "--graine", "3"]) == 0
    sortie = capsys.readouterr().out
    assert "3 divisions, 72 élèves, 4 enseignants" in sortie
    for login in ("admin", "claire.martin", "lea.moreau", "julien.garnier"):
        assert login in sortie
    fiches = _compter(db_env, Fiche)
    assert main(["demo"]) == 1
    assert "déjà des données" in capsys.readouterr().err
    assert main(["demo", "--si-vide"]) == 0
    assert _compter(db_env, Fiche) == fiches


def test_etablissement_then_import_students_and_fiches_then_export(db_env, tmp_path, capsys):
    main(["initialiser"])
    assert main(["etablissement", "0350001a", "Lycée Bréquigny"]) == 0
    eleves = donnees.eleves(9)
    (tmp_path / "eleves.csv").write_bytes(texte_csv(ENTETE_ELEVES, eleves))
    fiches = texte_csv(ENTETE_FICHES, donnees.fiches(eleves, 40))
    (tmp_path / "fiches.csv").write_bytes(fiches)
    assert main(["importer", "eleves", str(tmp_path / "eleves.csv")]) == 0
    assert main(["importer", "fiches", str(tmp_path / "fiches.csv")]) == 0
    assert main(["exporter", "fiches", "--sortie", str(tmp_path / "export.csv")]) == 0
    assert capsys.readouterr().out.splitlines()[2:] == [
        "9 élèves importés, 3 divisions créées.",
        "40 fiches importées.",
        f"40 fiche(s) exportée(s) dans {tmp_path / 'export.csv'}.",
    ]
    assert (tmp_path / "export.csv").read_bytes() == fiches


def test_a_bad_import_exits_1_lists_lines_and_writes_nothing(db_env, tmp_path, capsys):
    main(["initialiser"])
    main(["etablissement", "0350001A", "Lycée Bréquigny"])
    eleves = [["INE1", "Moreau", "Léa", "1GA1", "", "", "", ""], ["INE2", "", "Noé", "1GA1", "", "", "", ""],
              ["INE3", "Petit", "Zoé", "", "", "", "", ""]]
    (tmp_path / "eleves.csv").write_bytes(texte_csv(ENTETE_ELEVES, eleves))
    capsys.readouterr()
    assert main(["importer", "eleves", str(tmp_path / "eleves.csv")]) == 1
    erreurs = capsys.readouterr().err.splitlines()
    assert erreurs == ["ligne 3 : nom vide", "ligne 4 : division vide",
                       "Import refusé : 2 lignes en erreur, rien n'a été enregistré."]
    assert _compter(db_env, Eleve) == 0


def test_import_needs_a_school_and_a_file(db_env, tmp_path, capsys):
    main(["initialiser"])
    (tmp_path / "e.csv").write_bytes(texte_csv(ENTETE_ELEVES, []))
    assert main(["importer", "eleves", str(tmp_path / "e.csv")]) == 1
    assert "Aucun établissement" in capsys.readouterr().err
    main(["etablissement", "0350001A", "Lycée A"])
    main(["etablissement", "0350002B", "Lycée B"])
    assert main(["importer", "eleves", str(tmp_path / "e.csv")]) == 1
    assert "précisez lequel avec --etablissement" in capsys.readouterr().err
    assert main(["importer", "eleves", str(tmp_path / "absent.csv"), "--etablissement", "0350001A"]) == 1
    assert "Fichier introuvable" in capsys.readouterr().err
    assert main(["etablissement", "12AB", "X"]) == 1
    assert "UAI « 12AB » invalide" in capsys.readouterr().err
    assert _compter(db_env, Etablissement) == 2


def test_a_broken_referentiel_stops_the_command(db_env, tmp_path, monkeypatch, capsys):
    casse = tmp_path / "racine"
    (casse / "referentiels").mkdir(parents=True)
    texte = (referentiel.RACINE / "referentiel.csv").read_text(encoding="utf-8").splitlines()
    texte[4] = texte[3]  # line 5 repeats the situation of line 4
    (casse / "referentiel.csv").write_text("\n".join(texte) + "\n", encoding="utf-8")
    monkeypatch.setattr(referentiel, "RACINE", casse)
    referentiel.charger.cache_clear()
    try:
        assert main(["initialiser"]) == 1
    finally:
        referentiel.charger.cache_clear()
    assert "ligne 5 : la situation 1.1.3 apparaît deux fois" in capsys.readouterr().err


def test_console_script_is_installed():
    commande = Path(sys.executable).with_name("passeport")
    assert commande.exists(), "la commande passeport n'est pas installée (pip install -e .)"
    resultat = subprocess.run([commande, "--help"], capture_output=True, text=True, check=True)
    for sous_commande in ("initialiser", "demo", "etablissement", "importer", "exporter"):
        assert sous_commande in resultat.stdout


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("foo", "DATABASE_URL invalide : 'foo'"),
        ("mysql://a@b/c", "DATABASE_URL invalide : 'mysql://a@b/c'"),
        ("postgresql://passeport:secret@127.0.0.1:1/x", "Base de données inaccessible (postgresql+psycopg://passeport:***@127.0.0.1:1/x)"),
    ],
)
def test_a_bad_database_url_gets_a_french_message(monkeypatch, capsys, url, message):
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["initialiser"]) == 1
    erreur = capsys.readouterr().err
    assert erreur.startswith(message)
    assert "secret" not in erreur and "Traceback" not in erreur


def test_file_problems_get_french_messages(db_env, tmp_path, capsys):
    main(["initialiser"])
    assert main(["importer", "fiches", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == f"Fichier illisible : {tmp_path} (c'est un dossier)."
    assert main(["exporter", "fiches", "--sortie", str(tmp_path / "absent" / "x.csv")]) == 1
    assert capsys.readouterr().err.strip() == (
        f"Impossible d'écrire {tmp_path / 'absent' / 'x.csv'} (dossier ou fichier introuvable).")
