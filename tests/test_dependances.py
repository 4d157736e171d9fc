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
