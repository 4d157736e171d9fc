"""Every imported package is declared in pyproject.toml, and every declared one is pinned in requirements.lock."""

import ast
import importlib.metadata
import re
import sys
import tomllib

from tests.conftest import RACINE

PYPROJECT = tomllib.loads((RACINE / "pyproject.toml").read_text(encoding="utf-8"))
# Our own top-level packages and the test/bench helpers imported as modules.
LOCAUX = {"passeport", "analytics", "pages", "ui", "tests", "bench", "app", "serveur"} | {
    p.stem for p in (RACINE / "bench").glob("*.py")}


def _nom(distribution: str) -> str:
    return re.split(r"[<>=!~;\[ ]", distribution, maxsplit=1)[0].strip().lower().replace("_", "-")


def _declarees() -> set[str]:
    projet = PYPROJECT["project"]
    toutes = projet["dependencies"] + [d for groupe in projet["optional-dependencies"].values() for d in groupe]
    return {_nom(d) for d in toutes}


def _imports(fichier) -> set[str]:
    modules = set()
    for noeud in ast.walk(ast.parse(fichier.read_text(encoding="utf-8"))):
        if isinstance(noeud, ast.Import):
            modules |= {a.name.split(".")[0] for a in noeud.names}
        elif isinstance(noeud, ast.ImportFrom) and noeud.level == 0 and noeud.module:
            modules.add(noeud.module.split(".")[0])
        elif (isinstance(noeud, ast.Call) and isinstance(noeud.func, ast.Attribute)
              and noeud.func.attr == "importorskip" and noeud.args and isinstance(noeud.args[0], ast.Constant)):
            modules.add(noeud.args[0].value.split(".")[0])  # pytest.importorskip("nbformat")
    return modules


def _modules_importes() -> set[str]:
    fichiers = [p for dossier in ("passeport", "analytics", "pages", "ui", "tests", "bench")
                for p in (RACINE / dossier).rglob("*.py")]
    modules = set().union(*(_imports(f) for f in [*fichiers, RACINE / "app.py", RACINE / "serveur.py"]))
    return modules - LOCAUX - set(sys.stdlib_module_names)


def test_only_the_interface_imports_streamlit():
    """The domain and the analytics never import streamlit: pages/, ui/, app.py and serveur.py draw."""
    domaine = [p for dossier in ("passeport", "analytics") for p in (RACINE / dossier).rglob("*.py")]
    assert [str(p.relative_to(RACINE)) for p in domaine if "streamlit" in _imports(p)] == []


def test_every_imported_package_is_declared():
    distributions = importlib.metadata.packages_distributions()
    declarees = _declarees()
    manquants = {}
    for module in sorted(_modules_importes()):
        fournisseurs = {_nom(d) for d in distributions.get(module, [module])}
        if not fournisseurs & declarees:
            manquants[module] = sorted(fournisseurs)
    assert manquants == {}, "modules importés sans dépendance déclarée dans pyproject.toml"


def test_every_declared_package_is_pinned_in_the_lock_file():
    verrou = {_nom(l): l for l in (RACINE / "requirements.lock").read_text().splitlines()
              if l.strip() and not l.startswith("#")}
    assert all("==" in ligne for ligne in verrou.values())
    assert _declarees() - set(verrou) == set()


def _verrou() -> dict[str, str]:
    """Package name → exact version, as written in requirements.lock."""
    lignes = [l.split("#")[0].strip() for l in (RACINE / "requirements.lock").read_text().splitlines()]
    return {_nom(l): l.split("==", 1)[1].strip() for l in lignes if l}


def test_the_lock_file_satisfies_every_range_of_pyproject():
    """A range raised in pyproject.toml without `make verrou` would let make install an older, unmeasured version."""
    from packaging.requirements import Requirement

    verrou = _verrou()
    projet = PYPROJECT["project"]
    exigences = [Requirement(d) for d in projet["dependencies"] + projet["optional-dependencies"]["dev"]]
    hors_plage = {e.name: verrou[_nom(e.name)] for e in exigences
                  if not e.specifier.contains(verrou[_nom(e.name)], prereleases=True)}
    assert hors_plage == {}, "requirements.lock hors des plages de pyproject.toml : make verrou"


def test_the_installed_environment_is_the_locked_one():
    """What runs the tests (and the benchmarks) is exactly what the lock file names, package by package."""
    differents = {}
    for nom, version in _verrou().items():
        try:
            installee = importlib.metadata.version(nom)
        except importlib.metadata.PackageNotFoundError:
            installee = None
        if installee != version:
            differents[nom] = (version, installee)
    assert differents == {}, "environnement différent de requirements.lock : make installer"


# Declared packages that no file imports by name, each with the reason it is needed.
SANS_IMPORT = {
    "psycopg": "pilote PostgreSQL chargé par SQLAlchemy (postgresql+psycopg://)",
    "adbc-driver-sqlite": "lecture Arrow de SQLite par l'entrepôt (chargé par son nom de pilote)",
    "adbc-driver-postgresql": "lecture Arrow de PostgreSQL par l'entrepôt (chargé par son nom de pilote)",
    "tzdata": "fuseau Europe/Paris pour zoneinfo là où le système n'en a pas",
    "pyarrow": "tables Arrow de l'entrepôt (chargé par pandas, duckdb et ADBC)",
    "httpx": "client HTTP de starlette.testclient dans les tests",
    "ipykernel": "noyau qui exécute le carnet notebooks/cockpit.ipynb",
    "jupyter-client": "lance le noyau du carnet",
    "pytest-xdist": "make test sur deux processus (pytest -n 2)",
}


def test_every_declared_package_is_used():
    """No dependency kept by habit: each one is imported somewhere, or listed above with its reason."""
    distributions = importlib.metadata.packages_distributions()
    fournies = {_nom(d) for module in _modules_importes() for d in distributions.get(module, [module])}
    inutilisees = _declarees() - fournies - set(SANS_IMPORT)
    assert inutilisees == set(), "dépendances déclarées que rien n'utilise"
    assert set(SANS_IMPORT) <= _declarees()


def test_nothing_is_installed_beyond_the_lock_file():
    """A package pulled in without `make verrou` (a new indirect dependency) would be installed at any version."""
    installees = {_nom(d.metadata["Name"]) for d in importlib.metadata.distributions()}
    hors_verrou = installees - set(_verrou()) - {"pip", "setuptools", "wheel", "passeport"}
    assert hors_verrou == set(), "paquets installés absents de requirements.lock : make verrou"
