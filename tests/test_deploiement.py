"""Scale-out smoke test: deploy/local.sh starts a PostgreSQL primary and its streaming replica, two app instances
and nginx on loopback. A teacher signs in through nginx and stays on one instance (affinity cookie); a second
browser lands on the other instance with the first one's session cookie and is signed in too; both show the same
divisions, and a fiche written on the primary shows on both and reaches the replica."""

import datetime as dt
import glob
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from passeport import stockage
from passeport.db import normaliser_url
from passeport.models import Compte, Lieu, Nature
from passeport.services import fiches
from passeport.services.comptes import utilisateur_de
from tests.conftest import RACINE, exiger_ou_sauter
from tests.navigateur import se_connecter

SCRIPT = RACINE / "deploy" / "local.sh"
NGINX = "http://127.0.0.1:8610"
INSTANCES = {"127.0.0.1:8611", "127.0.0.1:8612"}
PRIMAIRE = "postgresql://passeport:passeport-local@127.0.0.1:5441/passeport"
REPLIQUE = "postgresql://passeport:passeport-local@127.0.0.1:5442/passeport"
REPLICATION = "postgresql://replicateur:replication-local@127.0.0.1:5441/postgres"
PORTS = (8610, 8611, 8612, 5441, 5442)
ARTEFACTS = Path(__file__).parent / "artefacts"


def test_attachments_go_to_the_folder_named_by_passeport_pieces(tmp_path, monkeypatch):
    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "donnees"))
    monkeypatch.delenv("PASSEPORT_PIECES", raising=False)
    assert stockage.dossier_pieces() == tmp_path / "donnees" / "pieces"
    monkeypatch.setenv("PASSEPORT_PIECES", str(tmp_path / "partage"))
    sha = stockage.enregistrer(b"bulletin de PFMP")
    assert stockage.dossier_pieces() == tmp_path / "partage"
    assert (tmp_path / "partage" / sha).read_bytes() == b"bulletin de PFMP"
    assert not (tmp_path / "donnees").exists()


# --- the whole deployment ----------------------------------------------------------------------------------------


def _port_pris(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _lancer(*arguments: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), *arguments], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def deploiement():
    """deploy/local.sh in a folder of its own under /tmp (PostgreSQL's user must reach it), stopped at the end."""
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        exiger_ou_sauter("nginx absent : apt-get install nginx pour le test du déploiement")
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        exiger_ou_sauter("PostgreSQL absent : apt-get install postgresql pour le test du déploiement")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        exiger_ou_sauter("runuser absent (paquet util-linux)")
    pris = [port for port in PORTS if _port_pris(port)]
    if pris:
        exiger_ou_sauter(f"ports déjà pris : {pris} (un déploiement lancé à la main ? deploy/local.sh arreter)")
    dossier = Path(tempfile.mkdtemp(prefix="passeport-deploiement-", dir="/tmp"))
    dossier.chmod(0o755)
    try:
        premier = _lancer(str(dossier))
        assert premier.returncode == 0, premier.stdout + premier.stderr
        yield dossier, premier.stdout
    finally:
        arret = _lancer("arreter", str(dossier), timeout=300)
        shutil.rmtree(dossier, ignore_errors=True)
        assert arret.returncode == 0, arret.stdout + arret.stderr
    assert not [port for port in PORTS if _port_pris(port)]


def _instance(cookie: str | None = None) -> tuple[str, str | None]:
    """The instance nginx sends a request to (with this affinity cookie), and the affinity cookie it sets."""
    requete = urllib.request.Request(f"{NGINX}/_stcore/health")
    if cookie is not None:
        requete.add_header("Cookie", f"passeport_instance={cookie}")
    with urllib.request.urlopen(requete, timeout=30) as reponse:
        pose = next((c.split(";")[0].split("=", 1)[1] for c in reponse.headers.get_all("Set-Cookie") or []
                     if c.startswith("passeport_instance=")), None)
        return reponse.headers["X-Passeport-Instance"], pose


def _divisions(page) -> dict[str, tuple[str, str]]:
    """The teacher's home table: division → (élèves, fiches)."""
    page.get_by_role("heading", name="Bonjour Claire Martin").wait_for()
    table = page.locator("[data-testid='stTable'] table")
    table.wait_for()
    lignes = {}
    for ligne in table.locator("tbody tr").all():
        cellules = [c.strip() for c in ligne.locator("th, td").all_inner_texts()]
        lignes[cellules[0]] = (cellules[-2], cellules[-1])
    return lignes


def _ouvrir(page, instance: str) -> dict[str, tuple[str, str]]:
    """Load the home page through nginx; it must come from ``instance``; its divisions table."""
    reponse = page.goto(f"{NGINX}/")
    assert reponse.headers["x-passeport-instance"] == instance
    return _divisions(page)


def _attendre(condition, limite: float = 60, message: str = "") -> None:
    fin = time.monotonic() + limite
    while not condition():
        assert time.monotonic() < fin, message
        time.sleep(0.2)


def _fiches_sur(url: str) -> int:
    engine = create_engine(normaliser_url(url))
    try:
        with engine.connect() as c:
            return c.execute(text("SELECT count(*) FROM fiche")).scalar_one()
    finally:
        engine.dispose()


def _environnement(dossier: Path, nom: str) -> dict[str, str]:
    pid = (dossier / f"instance-{nom}.pid").read_text().strip()
    brut = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(v.decode().split("=", 1) for v in brut if b"=" in v)


@pytest.mark.browser
@pytest.mark.deploiement
def test_each_instance_reads_the_primary_the_replica_and_the_shared_attachments_folder(deploiement):
    dossier, sortie = deploiement
    a, b = _environnement(dossier, "a"), _environnement(dossier, "b")
    for env in (a, b):
        assert env["DATABASE_URL"] == PRIMAIRE
        assert env["PASSEPORT_ANALYTIQUE_URL"] == REPLIQUE
        assert env["PASSEPORT_PIECES"] == str(dossier / "pieces")
        assert env["PASSEPORT_PROXYS_DE_CONFIANCE"] == "127.0.0.1"
    assert (a["PASSEPORT_DONNEES"], b["PASSEPORT_DONNEES"]) == (
        str(dossier / "instance-a"), str(dossier / "instance-b"))
    # Each instance keeps its own analytics copy, never the folder of whoever started the script.
    assert (a["PASSEPORT_ANALYTIQUE_DOSSIER"], b["PASSEPORT_ANALYTIQUE_DOSSIER"]) == (
        str(dossier / "instance-a" / "analytique"), str(dossier / "instance-b" / "analytique"))
    assert "Prêt : http://127.0.0.1:8610" in sortie


@pytest.mark.browser
@pytest.mark.deploiement
def test_a_second_start_keeps_everything_running(deploiement):
    dossier, _ = deploiement
    pids = {nom: (dossier / f"instance-{nom}.pid").read_text() for nom in "ab"}
    second = _lancer(str(dossier))
    assert second.returncode == 0, second.stdout + second.stderr
    for ligne in ("PostgreSQL primaire déjà lancé", "Réplique PostgreSQL déjà lancée", "Instance a déjà lancée",
                  "Instance b déjà lancée", "nginx déjà lancé"):
        assert ligne in second.stdout, second.stdout
    assert {nom: (dossier / f"instance-{nom}.pid").read_text() for nom in "ab"} == pids
    etat = _lancer("etat", str(dossier))
    assert etat.returncode == 0 and etat.stdout.count("lancé") == 5, etat.stdout


@pytest.mark.browser
@pytest.mark.deploiement
def test_affinity_cookie_keeps_a_browser_on_one_instance_and_never_depends_on_the_address(deploiement):
    instance, cookie = _instance()
    assert instance in INSTANCES and cookie and len(cookie) == 32
    # The same cookie always goes to the same instance; without a cookie, each new visitor draws afresh (the
    # whole school shares one address): both instances get visitors.
    assert {_instance(cookie) for _ in range(5)} == {(instance, None)}
    assert {_instance()[0] for _ in range(40)} == INSTANCES
    # An upload larger than Streamlit's 10 Mo (plus the multipart envelope) is refused by nginx from its headers.
    assert _envoi_annonce(12 * 1024 * 1024) == 413
    assert _envoi_annonce(10 * 1024 * 1024) != 413


def _envoi_annonce(taille: int) -> int:
    """nginx's answer to an upload announcing ``taille`` bytes (headers only: nginx answers before the body)."""
    import http.client

    connexion = http.client.HTTPConnection("127.0.0.1", 8610, timeout=30)
    try:
        connexion.putrequest("PUT", "/_stcore/upload_file/x/y")
        connexion.putheader("Content-Length", str(taille))
        connexion.endheaders()
        if taille <= 11 * 1024 * 1024:
            connexion.send(b"\0" * taille)
        return connexion.getresponse().status
    finally:
        connexion.close()


@pytest.mark.browser
@pytest.mark.deploiement
def test_two_browsers_on_two_instances_share_session_and_data_and_the_replica_follows(deploiement, navigateur):
    dossier, _ = deploiement
    # Browser 1 signs in through nginx and keeps its instance (A).
    contexte_a = navigateur.new_context(viewport={"width": 1440, "height": 1000})
    page_a = contexte_a.new_page()
    page_a.set_default_timeout(60_000)
    se_connecter(page_a, f"{NGINX}/", "claire.martin")
    page_a.get_by_role("heading", name="Bonjour Claire Martin").wait_for()
    cookies = {c["name"]: c["value"] for c in contexte_a.cookies()}
    instance_a, _ = _instance(cookies["passeport_instance"])
    divisions_a = _ouvrir(page_a, instance_a)
    assert set(divisions_a) == {"2GA1", "1GA1", "TGA1"}
    assert {eleves for eleves, _ in divisions_a.values()} == {"24"}

    # Browser 2: an affinity cookie that nginx hashes to the other instance (B), and browser 1's session cookie.
    autre = next(f"b{k}" for k in range(1000) if _instance(f"b{k}")[0] != instance_a)
    instance_b, _ = _instance(autre)
    assert {instance_a, instance_b} == INSTANCES
    contexte_b = navigateur.new_context(viewport={"width": 1440, "height": 1000})
    contexte_b.add_cookies([{"name": "passeport_instance", "value": autre, "url": NGINX},
                            {"name": "passeport_session", "value": cookies["passeport_session"], "url": NGINX}])
    page_b = contexte_b.new_page()
    page_b.set_default_timeout(60_000)
    divisions_b = _ouvrir(page_b, instance_b)  # signed in on B by the session made on A, and the same numbers
    assert divisions_b == divisions_a
    page_b.screenshot(path=str(ARTEFACTS / "deploiement_instance_b.png"), full_page=True)

    # Léa writes a fiche (on the primary, as any instance would): both instances show it, the replica gets it.
    avant = _fiches_sur(PRIMAIRE)
    engine = create_engine(normaliser_url(PRIMAIRE))
    with Session(engine) as s:
        lea = utilisateur_de(s, s.scalar(select(Compte).where(Compte.login == "lea.moreau")))
        fiches.nouvelle_fiche(s, lea, fiches.ContenuFiche(
            situation="1.1.2", titre="Commande de fournitures pour le CDI", date_debut=dt.date.today(),
            lieu=Lieu.ETABLISSEMENT, nature=Nature.REELLE, complexite=1, aleas=0))
        s.commit()
    engine.dispose()
    assert _fiches_sur(PRIMAIRE) == avant + 1
    attendu = {**divisions_a, "1GA1": (divisions_a["1GA1"][0], str(int(divisions_a["1GA1"][1]) + 1))}
    _attendre(lambda: _ouvrir(page_b, instance_b) == attendu, message="la fiche n'apparaît pas sur l'instance B")
    _attendre(lambda: _ouvrir(page_a, instance_a) == attendu, message="la fiche n'apparaît pas sur l'instance A")
    _attendre(lambda: _fiches_sur(REPLIQUE) == avant + 1, message="la réplique n'a pas reçu la fiche")

    # The replication role (member of pg_monitor) sees the sender's state; the application's role would not.
    engine = create_engine(normaliser_url(REPLICATION))
    with engine.connect() as c:
        flux = c.execute(text("SELECT application_name, state FROM pg_stat_replication")).all()
    engine.dispose()
    assert [tuple(r) for r in flux] == [("replique", "streaming")]
    engine = create_engine(normaliser_url(REPLIQUE))
    with engine.connect() as c:
        assert c.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is True
    engine.dispose()
    contexte_a.close()
    contexte_b.close()
    # Each browser's websocket went through nginx to its own instance (101: protocol switched). nginx writes the
    # line when the websocket closes, which follows the browsers' closing by a moment.
    def websockets() -> set[str]:
        journal = (dossier / "nginx" / "acces.log").read_text()
        return {ligne.split("instance=")[1].split()[0] for ligne in journal.splitlines()
                if '"GET /_stcore/stream HTTP/1.1" 101' in ligne}

    _attendre(lambda: websockets() == INSTANCES, message="un websocket n'est pas passé par nginx vers chaque instance")
