"""The README documents every command, setting and demo login that exists."""

import re

from passeport.cli import construire_parseur
from passeport.demo import COMPTES_DEMO, MOT_DE_PASSE_DEMO
from tests.conftest import RACINE

README = (RACINE / "README.md").read_text(encoding="utf-8")


def _sous_commandes(parseur, prefixe=()):
    for action in parseur._subparsers._group_actions if parseur._subparsers else []:
        for nom, sous in action.choices.items():
            if sous._subparsers:
                yield from _sous_commandes(sous, (*prefixe, nom))
            else:
                yield " ".join((*prefixe, nom))


def test_every_subcommand_is_in_the_readme():
    commandes = list(_sous_commandes(construire_parseur()))
    assert "importer fiches" in commandes and "exporter fiches" in commandes
    for commande in commandes:
        assert f"`passeport {commande}" in README, commande


def test_the_two_commands_and_every_make_target_are_in_the_readme():
    cibles = re.findall(r"^([a-z]+):", (RACINE / "Makefile").read_text(), flags=re.M)
    assert {"run", "test"} <= set(cibles)
    for cible in ("run", "test", "installer", "bench"):
        assert f"make {cible}" in README, cible


def test_demo_logins_and_password_are_in_the_readme():
    assert f"`{MOT_DE_PASSE_DEMO}`" in README
    for login in COMPTES_DEMO.values():
        assert f"`{login}`" in README, login


def test_every_environment_setting_read_by_the_code_is_in_the_readme():
    code = "".join(p.read_text(encoding="utf-8") for d in ("passeport", "tests") for p in (RACINE / d).rglob("*.py"))
    reglages = set(re.findall(r"environ(?:\.get)?\(\s*\"([A-Z_]+)\"|environ\[\"([A-Z_]+)\"\]|setenv\(\"([A-Z_]+)\"", code))
    noms = {n for triple in reglages for n in triple if n} - {"HOME"}
    assert noms == {"DATABASE_URL", "PASSEPORT_DONNEES", "PASSEPORT_POSTGRES_URL", "PASSEPORT_TEST_BACKEND", "CI",
                    "PASSEPORT_EXIGER_TOUT", "PASSEPORT_PROXYS_DE_CONFIANCE", "PASSEPORT_PIECES",
                    "PASSEPORT_ANALYTIQUE_URL", "PASSEPORT_ANALYTIQUE_DOSSIER"}
    for nom in noms:
        assert nom in README, nom


def test_interchange_columns_in_the_readme_match_the_code():
    from passeport.services.imports import COLONNES_ELEVES, COLONNES_ELEVES_FACULTATIVES, COLONNES_FICHES

    assert ";".join(COLONNES_FICHES) in README
    assert ";".join(COLONNES_ELEVES + COLONNES_ELEVES_FACULTATIVES) in README


def _cles(valeur) -> set[str]:
    if isinstance(valeur, dict):
        return set(valeur) | set().union(*(_cles(v) for v in valeur.values()))
    if isinstance(valeur, list):
        return set().union(*(_cles(v) for v in valeur))
    return set()


def test_every_key_of_an_exported_passport_is_in_the_format_document(demo_db_url):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from passeport.db import creer_engine
    from passeport.models import Compte, Eleve
    from passeport.services.archive import contenu_passeport

    engine = creer_engine(demo_db_url)
    with Session(engine) as s:
        eleve_id = s.scalar(select(Eleve.id).join(Compte).where(Compte.login == "lea.moreau"))
        document = contenu_passeport(s, eleve_id)
    engine.dispose()
    format_ = (RACINE / "docs" / "format-passeport.md").read_text(encoding="utf-8")
    cles = _cles(document)
    assert {"fiches", "versions", "appreciations", "positionnements", "pfmp"} <= cles
    # A key is documented in a table (`cle`, `objet.cle`) or in a JSON example ("cle").
    assert sorted(c for c in cles if not any(f in format_ for f in (f"`{c}`", f".{c}`", f'"{c}"'))) == []


def test_every_test_named_in_the_reliability_page_exists():
    """docs/fiabilite.md sends the reader to the test that replays each fault: that test must exist."""
    page = (RACINE / "docs" / "fiabilite.md").read_text(encoding="utf-8")
    cites = set(re.findall(r"`(?:[a-z_]+\.py::)?(test_[a-z0-9_]+)", page))
    definis = {nom for fichier in (RACINE / "tests").glob("test_*.py")
               for nom in re.findall(r"^(?:async )?def (test_[a-z0-9_]+)", fichier.read_text(encoding="utf-8"), flags=re.M)}
    fichiers = {nom for nom in re.findall(r"`(?:tests/)?(test_[a-z_]+)\.py", page)}
    assert len(cites) >= 40
    assert cites - definis - fichiers == set()
    assert {f for f in fichiers if not (RACINE / "tests" / f"{f}.py").exists()} == set()
