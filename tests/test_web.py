"""Our HTTP routes: sign-in page, session cookie, sign-out, lockouts, redirects (Starlette's TestClient)."""

import datetime as dt
import html

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from passeport import web
from passeport.db import transaction
from passeport.models import Compte, CompteurEchecs, SessionUtilisateur
from passeport.services import sessions
from passeport.services.comptes import hacher


@pytest.fixture
def client(fresh_db, empty_db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", empty_db_url)
    web.reinitialiser_pour_les_tests()
    with transaction(fresh_db) as s:
        s.add(Compte(login="lea.moreau", role="eleve", prenom="Léa", nom="Moreau",
                     mot_de_passe_hash=hacher("une phrase secrète")))
    accueil = Route("/", lambda r: PlainTextResponse("accueil"))
    app = Starlette(routes=[*web.ROUTES, accueil], middleware=web.MIDDLEWARE)
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as c:
        yield c
    web.reinitialiser_pour_les_tests()


def _poster(client, login="lea.moreau", mot_de_passe="une phrase secrète", suite="/"):
    """Post the form as a browser would: the page first (its CSRF cookie and hidden field), then the form."""
    csrf = client.get("/connexion").cookies.get(web.COOKIE_CSRF)
    client.cookies.set(web.COOKIE_CSRF, csrf)  # a Secure cookie: a browser sends it to http://127.0.0.1, httpx not
    return client.post("/connexion", data={"login": login, "mot_de_passe": mot_de_passe, "suite": suite,
                                           "csrf": csrf})


def test_the_sign_in_page_is_a_french_form(client):
    r = client.get("/connexion")
    assert r.status_code == 200
    assert '<html lang="fr">' in r.text and 'name="mot_de_passe" type="password"' in r.text
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_a_page_without_cookie_goes_to_sign_in_and_comes_back(client):
    r = client.get("/eleve_fiche?fiche=12", headers={"accept": "text/html"})
    assert (r.status_code, r.headers["location"]) == (303, "/connexion?suite=/eleve_fiche%3Ffiche%3D12")
    r = _poster(client, suite="/eleve_fiche?fiche=12")
    assert (r.status_code, r.headers["location"]) == (303, "/eleve_fiche?fiche=12")


def test_right_password_sets_an_httponly_cookie_whose_token_is_not_stored(client, fresh_db):
    r = _poster(client)
    assert r.status_code == 303
    entete = r.headers["set-cookie"]
    assert entete.startswith(f"{web.COOKIE}=")
    assert "HttpOnly" in entete and "SameSite=lax" in entete and "Path=/" in entete and "Secure" in entete
    jeton = r.cookies[web.COOKIE]
    assert len(jeton) >= 43  # 256 random bits in URL-safe base64
    with Session(fresh_db) as s:
        ligne = s.scalar(select(SessionUtilisateur))
        assert jeton not in ligne.jeton_sha256 and len(ligne.jeton_sha256) == 64
        assert sessions.utilisateur(s, jeton).login == "lea.moreau"


def test_wrong_password_gets_one_neutral_message_and_no_cookie(client):
    for login, mot_de_passe in (("lea.moreau", "mauvais"), ("personne", "une phrase secrète")):
        r = _poster(client, login, mot_de_passe)
        assert r.status_code == 401
        assert "Identifiant ou mot de passe incorrect." in r.text
        assert web.COOKIE not in r.cookies  # no session cookie (only the form's CSRF cookie again)


def test_five_failures_make_the_login_wait_then_it_opens_again(client, fresh_db):
    for _ in range(5):
        assert _poster(client, mot_de_passe="mauvais").status_code == 401
    r = _poster(client)  # even the right password waits: nothing is checked
    assert r.status_code == 429
    assert "Trop d'essais avec cet identifiant : attendez 1 minute avant de réessayer." in html.unescape(r.text)
    with transaction(fresh_db) as s:  # the minute has passed
        s.scalar(select(CompteurEchecs).where(CompteurEchecs.attente_jusqua.is_not(None))).attente_jusqua = \
            dt.datetime(2000, 1, 1)
    assert _poster(client).status_code == 303


def test_twenty_failures_from_one_device_make_it_wait_whatever_the_login(client):
    for i in range(20):
        assert _poster(client, f"inconnu{i}", "x").status_code == 401
    r = _poster(client)  # even the right password
    assert r.status_code == 429
    assert "Trop d'essais depuis cet appareil : attendez 1 minute" in html.unescape(r.text)


def test_sign_out_closes_the_session_and_deletes_the_cookie(client, fresh_db):
    jeton = _poster(client).cookies[web.COOKIE]
    client.cookies.set(web.COOKIE, jeton)
    r = client.post("/deconnexion", headers={"origin": "http://127.0.0.1"})
    assert (r.status_code, r.headers["location"]) == (303, "/connexion")
    assert f'{web.COOKIE}=""' in r.headers["set-cookie"] and "Max-Age=0" in r.headers["set-cookie"]
    with Session(fresh_db) as s:
        assert sessions.utilisateur(s, jeton) is None


@pytest.mark.parametrize("suite", ["https://ailleurs.example/", "//ailleurs.example/", "/\\ailleurs.example"])
def test_no_redirect_to_another_site(client, suite):
    assert _poster(client, suite=suite).headers["location"] == "/"


def test_the_personal_data_page_is_open_to_everyone(client):
    r = client.get("/donnees-personnelles", headers={"accept": "text/html"})
    assert r.status_code == 200
    assert "<h1>Vos données personnelles</h1>" in r.text and "Combien de temps" in r.text
    assert 'href="/donnees-personnelles"' in client.get("/connexion").text


def test_a_tutor_link_needs_no_account(client):
    r = client.get("/?lien=abc", headers={"accept": "text/html"})
    assert r.status_code == 200 and r.text == "accueil"
