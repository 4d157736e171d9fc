"""notebooks/cockpit.ipynb runs from top to bottom on the demo school, in a kernel of this very interpreter.

The notebook is executed once for the module (a kernel start and the analytics imports cost a few seconds); each
test then reads the outputs."""

from __future__ import annotations

import json
import os
import re
import sys

import pytest

from tests.conftest import RACINE

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

CARNET = RACINE / "notebooks" / "cockpit.ipynb"
SONDE = "import sys; print(sys.executable); print(sys.prefix)"


def _textes(cellule) -> str:
    """Everything a code cell printed or displayed as text."""
    morceaux = []
    for sortie in cellule.get("outputs", []):
        if sortie["output_type"] == "stream":
            morceaux.append(sortie["text"])
        elif "data" in sortie:
            morceaux.append(sortie["data"].get("text/plain", ""))
    return "".join(morceaux)


def _figures(carnet) -> list[dict]:
    return [json.loads(d) if isinstance(d, str) else d
            for c in carnet.cells if c.cell_type == "code" for s in c.outputs
            for d in [s.get("data", {}).get("application/vnd.plotly.v1+json")] if d is not None]


@pytest.fixture(scope="module")
def carnet_execute(demo_db_url, tmp_path_factory):
    from ipykernel.kernelspec import write_kernel_spec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    dossier = tmp_path_factory.mktemp("carnet")
    # A kernelspec written for sys.executable, and only that one: a "python3" kernel of another Python (user's
    # ~/.local/share/jupyter) cannot be picked up instead of this virtualenv's.
    write_kernel_spec(dossier / "noyaux" / "python3")
    specs = KernelSpecManager(kernel_dirs=[str(dossier / "noyaux")])
    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=specs)
    carnet = nbformat.read(CARNET, as_version=4)
    assert all(c.get("outputs", []) == [] for c in carnet.cells), "le carnet doit être enregistré sans sorties"
    carnet.cells.append(nbformat.v4.new_code_cell(SONDE))
    env = {**os.environ, "DATABASE_URL": demo_db_url,
           # Plotly's JSON only: the "notebook" renderer would send plotly.js (megabytes) through the kernel.
           "PLOTLY_RENDERER": "plotly_mimetype"}
    client = nbclient.NotebookClient(carnet, km=km, timeout=60, resources={"metadata": {"path": str(dossier)}})
    # The client does not own a kernel manager it was given: cleanup_kc=True shuts the kernel down at the end.
    client.execute(env=env, cleanup_kc=True)
    return carnet


def test_le_noyau_est_cet_interprete(carnet_execute):
    executable, prefixe = _textes(carnet_execute.cells[-1]).split()
    assert (executable, prefixe) == (sys.executable, sys.prefix)


def test_carte_de_chaleur_de_la_1ga1(carnet_execute):
    textes = "".join(_textes(c) for c in carnet_execute.cells if c.cell_type == "code")
    assert "Copie à jour : 5462 fiches" in textes
    assert "1GA1 : 24 élèves × 55 situations" in textes
    heatmap = next(t for f in _figures(carnet_execute) for t in f["data"] if t["type"] == "heatmap")
    assert len(heatmap["y"]) == 24 and len(heatmap["x"]) == 55
    assert heatmap["x"][0] == "1.1.1"


def test_synthese_profil_et_objectifs(carnet_execute):
    textes = "".join(_textes(c) for c in carnet_execute.cells if c.cell_type == "code")
    assert re.search(r"55 situations ; \d+ traversées par 3 élèves au plus", textes)
    assert re.search(r"La moins vécue : \d\.\d\.\d .+ \(\d+ élèves sur 24\)", textes)
    assert re.search(r"Profil de [A-ZÀ-Ý' -]+ \w", textes)
    assert "5 objectifs suggérés pour" in textes
    # Each goal is explained in words and says where other students lived it.
    assert len(re.findall(r"^\d\. \d\.\d\.\d ", textes, flags=re.M)) == 5
    assert textes.count("Où la vivre : ") == 5
    types = {t["type"] for f in _figures(carnet_execute) for t in f["data"]}
    assert {"heatmap", "scatter"} <= types  # the heatmap and the complexité ladder
