"""Helpers for browser journeys: a Streamlit server on loopback and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import RACINE, exiger_ou_sauter

CHROMIUM = "/usr/bin/chromium"
ARGUMENTS_CHROMIUM = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serveur_streamlit(database_url: str, dossier: Path, env_en_plus: dict[str, str] | None = None):
    """Start `streamlit run serveur.py` (the app with our routes) on a free loopback port; yield its base URL once /_stcore/health says ok.

    Uploaded files go to ``dossier``/donnees, never to the project's data/.
    """
    port = port_libre()
    env = {**os.environ, "DATABASE_URL": database_url, "HOME": str(dossier),
           "PASSEPORT_DONNEES": str(dossier / "donnees"), **(env_en_plus or {})}
    journal = (dossier / "streamlit.log").open("w")
    processus = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(RACINE / "serveur.py"), "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=RACINE, env=env, stdout=journal, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        limite = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            if processus.poll() is not None or time.monotonic() > limite:
                raise RuntimeError("Streamlit n'a pas démarré : " + (dossier / "streamlit.log").read_text())
            time.sleep(0.3)
        yield url
    finally:
        processus.terminate()
        try:
            processus.wait(10)
        except subprocess.TimeoutExpired:
            processus.kill()
        journal.close()


@contextmanager
def chromium(dossier: Path):
    """A headless Debian Chromium driven by Playwright; skips (fails in CI) when it is missing."""
    if not Path(CHROMIUM).exists():
        exiger_ou_sauter(f"{CHROMIUM} absent : installez le paquet Debian chromium pour les tests navigateur")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        exiger_ou_sauter("le paquet Python playwright est absent")
    os.environ.setdefault("HOME", str(dossier))
    with sync_playwright() as p:
        navigateur = p.chromium.launch(executable_path=CHROMIUM, args=ARGUMENTS_CHROMIUM)
        try:
            yield navigateur
        finally:
            navigateur.close()


def se_connecter(page, url: str, login: str, mot_de_passe: str = "passeport-demo") -> None:
    """Sign in through the real sign-in page (/connexion), as a person would."""
    page.goto(url)
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()


def attendre_fin_execution(page) -> None:
    """Wait until Streamlit is connected and has finished running the script.

    The app root carries the script's run state (``data-test-script-state``: initial, running, rerunRequested,
    notRunning…), which Streamlit's own browser tests wait on. A click sets it to rerunRequested at once; the short
    pause only lets the browser deliver the click's events before the state is read."""
    page.wait_for_timeout(100)
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']"
                 "[data-test-script-state='notRunning']").wait_for(timeout=30_000)


def apres_execution(page, action) -> None:
    """Do ``action`` (a click that reruns the script), then wait for the run it caused to finish.

    ``attendre_fin_execution`` alone may read the state before a loaded browser has even sent the click, and see the
    previous run's « notRunning »: here every change of the run state after the action is counted first."""
    page.evaluate("""() => {
        const app = document.querySelector("[data-testid='stApp']");
        window.__changementsDEtat = 0;
        if (window.__observateurDEtat) window.__observateurDEtat.disconnect();
        window.__observateurDEtat = new MutationObserver(() => { window.__changementsDEtat += 1; });
        window.__observateurDEtat.observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
    }""")
    action()
    page.wait_for_function("() => window.__changementsDEtat > 0", timeout=30_000)
    attendre_fin_execution(page)


def cliquer(page, locator, puis) -> None:
    """Click once when the script is idle, then wait for ``puis`` (what the click must show)."""
    attendre_fin_execution(page)
    locator.click()
    attendre_fin_execution(page)
    puis.wait_for(timeout=30_000)


def choix_segmente(page, texte: str):
    """A choice of a segmented control (Streamlit draws them as buttons of a button group), by its exact text."""
    import re

    return page.locator("[data-testid='stButtonGroup'] button").filter(has_text=re.compile(f"^{re.escape(texte)}$")).first


def nouvelle_page(navigateur, largeur: int = 1440, hauteur: int = 1000):
    """A tab of the given size with a 30 s default timeout (Streamlit pages can take a few seconds under load)."""
    page = navigateur.new_page(viewport={"width": largeur, "height": hauteur})
    page.set_default_timeout(30_000)
    return page
