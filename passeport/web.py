"""Our own HTTP routes beside the Streamlit script: sign-in page, sign-out, session cookie, security headers.

The password is typed in a plain HTML form posted to /connexion: it never enters Streamlit's session state. The form
carries a CSRF token that must equal the one in a SameSite=Strict cookie (double submit); sign-out is a POST from
this site only. The session cookie holds a random token (HttpOnly, SameSite=Lax); the database keeps only its
SHA-256. Failed sign-ins are counted in the database per login and per device (passeport.limites), the device
being the socket's peer unless a trusted proxy is configured (PASSEPORT_PROXYS_DE_CONFIANCE). Every answer carries
a Content-Security-Policy that Streamlit can live with, anti-framing headers, and HSTS over HTTPS.
"""

from __future__ import annotations

import hmac
import html
import os
import secrets
from functools import lru_cache
import json
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from sqlalchemy.exc import SQLAlchemyError

from passeport import erreurs
from passeport.db import creer_engine, fabrique_sessions
from passeport import limites
from passeport.services import sessions
from passeport.services.comptes import ConnexionRefusee, ConnexionRetardee, authentifier
from passeport.web_pieces import ROUTES_PIECES, media_autorise

# uvicorn (under Streamlit) would otherwise rewrite the client's address from X-Forwarded-For for any request coming
# from loopback, before our code sees it: it trusts no one, passeport.limites decides (PASSEPORT_PROXYS_DE_CONFIANCE).
# Set at import, before serveur.py hands the app to uvicorn.
os.environ.update(FORWARDED_ALLOW_IPS="")

COOKIE = "passeport_session"
# The sign-in form's CSRF token: the same random value in this cookie and in the form's hidden field.
COOKIE_CSRF = "passeport_csrf"
CSRF_REFUSE = ("Cette page de connexion n'est plus valable (trop ancienne, ou envoyée depuis un autre site) : "
               "elle vient d'être rechargée, recommencez.")
# Streamlit needs inline styles, its inline boot script, blob: and data: images, workers and its websocket (same
# host: 'self'); nothing from elsewhere, no plugin, no framing by another site, forms only towards this site.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' blob:; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self' data: blob:; "
       "worker-src 'self' blob:; frame-src 'self' blob: data:; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'self'")
HSTS = "max-age=31536000; includeSubDomains"
# Paths that never need a session (Streamlit's own, our routes, static files).
_LIBRES = ("/connexion", "/deconnexion", "/donnees-personnelles", "/extrait/", "/_stcore", "/static", "/media", "/component", "/favicon", "/app/static")


@lru_cache(maxsize=1)
def _fabrique():
    return fabrique_sessions(creer_engine())


def _page(contenu: str, statut: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f"""<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Passeport professionnel</title>
<style>
body{{font-family:system-ui,sans-serif;background:#f6f7f9;margin:0;display:flex;justify-content:center}}
main{{background:#fff;margin:2rem 1rem;padding:2rem;border-radius:12px;max-width:40rem;width:100%;
box-shadow:0 1px 4px #0002}} h1{{font-size:1.5rem;margin-top:0}} label{{display:block;margin-top:1rem}}
input{{width:100%;box-sizing:border-box;font-size:1rem;padding:.6rem;margin-top:.3rem;border:1px solid #bbb;
border-radius:6px}} button{{margin-top:1.5rem;width:100%;font-size:1rem;padding:.7rem;border:0;border-radius:6px;
background:#1f5fa8;color:#fff}} .erreur{{background:#fdecea;color:#8a1c12;padding:.7rem;border-radius:6px}}
.info{{background:#e8f1fb;padding:.7rem;border-radius:6px}} small{{color:#555}}
</style></head><body><main>{contenu}</main></body></html>""",
        status_code=statut,
        headers={"Cache-Control": "no-store"},
    )


def _formulaire(suite: str, message: str = "", classe: str = "erreur", csrf: str = "") -> str:
    bandeau = f'<p class="{classe}" role="alert">{html.escape(message)}</p>' if message else ""
    return f"""<h1>Passeport professionnel numérique</h1>{bandeau}
<form method="post" action="/connexion">
<input type="hidden" name="suite" value="{html.escape(suite)}">
<input type="hidden" name="csrf" value="{html.escape(csrf)}">
<label for="login">Identifiant</label>
<input id="login" name="login" autocomplete="username" autocapitalize="none" required autofocus>
<label for="mot_de_passe">Mot de passe</label>
<input id="mot_de_passe" name="mot_de_passe" type="password" autocomplete="current-password" required>
<button type="submit">Se connecter</button></form>
<p><small>Identifiant et mot de passe sont donnés par votre établissement. Un mot de passe oublié se
réinitialise auprès de l'administrateur.</small></p>
<p><small><a href="/donnees-personnelles">Vos données personnelles</a></small></p>"""


def _suite_sure(suite: str) -> str:
    """Only a path of this site: never an address elsewhere (open redirect)."""
    return suite if suite.startswith("/") and not suite.startswith("//") and "\\" not in suite else "/"


def _adresse(requete: Request) -> str:
    """The device: the socket's peer, or what a trusted proxy says it forwarded (passeport.limites)."""
    return limites.adresse_du_client(requete.client.host if requete.client else None, requete.headers)


def _https(requete: Request) -> bool:
    """Served over HTTPS, directly or through a trusted proxy (X-Forwarded-Proto from anyone else is ignored)."""
    return requete.url.scheme == "https" or limites.https_via_proxy(
        requete.client.host if requete.client else None, requete.headers)


def _jeton_csrf(requete: Request) -> str:
    jeton = requete.cookies.get(COOKIE_CSRF, "")
    return jeton if 40 <= len(jeton) <= 64 and jeton.replace("-", "").replace("_", "").isalnum() else \
        secrets.token_urlsafe(32)


def _page_formulaire(requete: Request, suite: str, message: str = "", classe: str = "erreur",
                     statut: int = 200) -> Response:
    """The sign-in form with its CSRF token, set again in its cookie (kept while the browser keeps it)."""
    csrf = _jeton_csrf(requete)
    reponse = _page(_formulaire(suite, message, classe, csrf), statut)
    reponse.set_cookie(COOKIE_CSRF, csrf, httponly=True, samesite="strict", secure=_cookie_securise(requete),
                       path="/connexion", max_age=int(sessions.DUREE_MAX.total_seconds()))
    return reponse


async def page_connexion(requete: Request) -> Response:
    message, classe = "", "erreur"
    if requete.query_params.get("expiree"):
        message, classe = "Votre session a pris fin : reconnectez-vous.", "info"
    return _page_formulaire(requete, _suite_sure(requete.query_params.get("suite", "/")), message, classe)


def _se_connecter(login: str, mot_de_passe: str, adresse: str) -> str:
    with _fabrique()() as session:
        try:
            utilisateur = authentifier(session, login, mot_de_passe, adresse=adresse)
        except ConnexionRefusee:
            session.commit()  # failures are journaled (they were counted before the password was compared)
            raise
        jeton = sessions.ouvrir(session, utilisateur.compte_id)
        session.commit()
        return jeton


async def connexion(requete: Request) -> Response:
    formulaire = await requete.form()
    suite = _suite_sure(str(formulaire.get("suite", "/")))
    envoye, attendu = str(formulaire.get("csrf", "")), requete.cookies.get(COOKIE_CSRF, "")
    if not attendu or not hmac.compare_digest(envoye.encode(), attendu.encode()):
        return _page_formulaire(requete, suite, CSRF_REFUSE, statut=403)
    try:
        jeton = await run_in_threadpool(_se_connecter, str(formulaire.get("login", ""))[:200],
                                        str(formulaire.get("mot_de_passe", ""))[:1000], _adresse(requete))
    except ConnexionRefusee as exc:
        return _page_formulaire(requete, suite, exc.message, statut=429 if isinstance(exc, ConnexionRetardee) else 401)
    except SQLAlchemyError as exc:  # read-only or full store, database down: the form again, a French message, 503
        ref = erreurs.journaliser(exc, "connexion")
        return _page_formulaire(requete, suite, erreurs.message_de_route(ref, exc, "La connexion est impossible"),
                                statut=503)
    reponse = RedirectResponse(suite, status_code=303)
    reponse.set_cookie(COOKIE, jeton, httponly=True, samesite="lax", secure=_cookie_securise(requete), path="/",
                       max_age=int(sessions.DUREE_MAX.total_seconds()))
    return reponse


def _cookie_securise(requete: Request) -> bool:
    # HTTPS (directly or behind a trusted proxy), or a loopback address that browsers treat as secure.
    return _https(requete) or requete.url.hostname in {"localhost", "127.0.0.1", "::1"}


PAGE_DECONNEXION = """<h1>Se déconnecter</h1>
<form method="post" action="/deconnexion"><button type="submit">Se déconnecter</button></form>
<p><small><a href="/">Retour au passeport</a></small></p>"""


async def page_deconnexion(_requete: Request) -> Response:
    """GET /deconnexion signs nobody out (a link or an image elsewhere could do it): a button that posts."""
    return _page(PAGE_DECONNEXION)


async def deconnexion(requete: Request) -> Response:
    """POST /deconnexion, from a page of this site only: the session ends, its cookie is deleted."""
    if not _meme_origine(requete):
        return _page(PAGE_DECONNEXION, 403)
    jeton = requete.cookies.get(COOKIE)

    def fermer() -> None:
        with _fabrique()() as session:
            sessions.fermer(session, jeton)
            session.commit()

    await run_in_threadpool(fermer)
    reponse = RedirectResponse("/connexion", status_code=303)
    reponse.delete_cookie(COOKIE, path="/")
    return reponse


class ExigerConnexion(BaseHTTPMiddleware):
    """A page asked without a session cookie goes to the sign-in page first (and comes back after)."""

    async def dispatch(self, requete: Request, suivant):
        return _entetes_de_securite(requete, await self._repondre(requete, suivant))

    async def _repondre(self, requete: Request, suivant):
        chemin = requete.url.path
        if chemin.startswith("/_stcore/metrics"):  # Streamlit's cache and session counts: for nobody outside
            return Response("Introuvable.", status_code=404, headers={"Cache-Control": "no-store"})
        if chemin.startswith("/media/") and not await media_autorise(requete):  # attachments go by /piece/
            return Response("Session requise.", status_code=401, headers={"Cache-Control": "no-store"})
        lien_tuteur = "lien" in requete.query_params  # a tutor's link needs no account
        if (requete.method == "GET" and COOKIE not in requete.cookies and not chemin.startswith(_LIBRES)
                and not lien_tuteur
                and "." not in chemin.rsplit("/", 1)[-1] and "text/html" in requete.headers.get("accept", "")):
            suite = chemin + (f"?{requete.url.query}" if requete.url.query else "")
            return RedirectResponse(f"/connexion?suite={quote(suite)}", status_code=303)
        return await suivant(requete)


def _entetes_de_securite(requete: Request, reponse: Response) -> Response:
    """On every answer (redirects and refusals included): no sniffing, no referrer elsewhere, the CSP, no framing
    by another site, and HSTS when served over HTTPS."""
    reponse.headers.setdefault("X-Content-Type-Options", "nosniff")
    reponse.headers.setdefault("Referrer-Policy", "same-origin")  # tokens in URLs never leak to other sites
    reponse.headers.setdefault("Content-Security-Policy", CSP)
    reponse.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    if _https(requete):
        reponse.headers.setdefault("Strict-Transport-Security", HSTS)
    return reponse


DONNEES_PERSONNELLES = """<h1>Vos données personnelles</h1>
<p>Le passeport professionnel est un outil de votre établissement pour suivre la formation en Bac Pro
(Gestion-Administration, AGORA) et préparer la certification.</p>
<h2>Ce qui est conservé</h2>
<ul><li>Pour chaque élève : nom, prénom, identifiant de l'établissement, division, adresse électronique si elle est
donnée ; ses fiches avec toutes leurs versions, les fichiers joints, les PFMP (organisation, dates, tuteur).</li>
<li>Les appréciations et positionnements écrits par les enseignants et les tuteurs ; pour le CCF, les fiches
choisies par l'équipe et ses décisions (avec leur historique).</li>
<li>Les extraits que l'élève a préparés et l'état de leurs liens de partage.</li>
<li>Pour chaque compte : l'identifiant, le mot de passe sous une forme chiffrée qui ne permet pas de le retrouver,
les connexions (avec l'adresse de l'appareil), les ouvertures de liens de tuteur ou d'extrait et les consultations
des passeports (journal) ; pour freiner qui devine les mots de passe, le nombre d'essais récents par identifiant et
par appareil, sous une forme chiffrée, effacé après un jour sans essai.</li></ul>
<h2>Pourquoi</h2>
<p>Pour que l'élève garde la trace de ce qu'il a vécu, que l'équipe pédagogique adapte son enseignement et fixe des
objectifs de PFMP, et pour préparer le contrôle en cours de formation (CCF).</p>
<h2>Qui les voit</h2>
<ul><li>L'élève voit tout son passeport ; lui seul en écrit les fiches.</li>
<li>Les enseignants de sa division lisent le passeport et y écrivent des appréciations.</li>
<li>Un tuteur de PFMP, par un lien personnel et limité dans le temps, lit seulement les fiches de cette PFMP et
celles que l'élève a choisi de partager.</li>
<li>Une personne à qui l'élève donne le lien d'un extrait (employeur, organisation de PFMP) voit seulement les
fiches choisies, jusqu'à la date fixée par l'élève (90 jours au plus) ; l'élève peut révoquer le lien à tout
moment.</li>
<li>L'administrateur de l'établissement gère les comptes ; il ne lit un passeport que par une consultation
enregistrée au journal.</li>
<li>Chaque lecture d'un passeport par une autre personne que l'élève est enregistrée ; l'élève voit qui a
consulté son passeport.</li></ul>
<h2>Combien de temps</h2>
<p>Pendant la formation, puis un an après son départ de l'établissement (la date de sortie que l'administrateur
enregistre) ; l'établissement peut fixer une autre durée, entre 3 et 36 mois.</p>
<p>Pendant cette durée, le compte de l'ancien élève reste ouvert en lecture seule : il lit son passeport et l'exporte
(archive ZIP dans un format ouvert, réimportable par un autre établissement), qui lui appartient ; il n'y écrit
plus.</p>
<p>Au terme de cette durée, le compte est effacé avec tout ce qui s'y rattache : fiches et toutes leurs versions,
brouillons, fichiers joints, appréciations et positionnements, PFMP et liens des tuteurs, extraits et leurs liens,
choix et décisions du CCF, connexions et lignes du journal qui le concernent. Les organisations et les tuteurs de
PFMP restent dans le carnet d'adresses de l'établissement.</p>
<p>Le journal des connexions et consultations est gardé un an (365 jours) : les lignes plus anciennes sont
effacées.</p>
<p>Ces effacements sont faits par la purge que lance l'exploitant du serveur (chaque nuit dans l'installation
conseillée). Les sauvegardes du serveur
en gardent une copie jusqu'à leur propre effacement (la rotation conseillée garde 7 sauvegardes quotidiennes et 4
hebdomadaires, soit cinq semaines au plus).</p>
<h2>Vos droits</h2>
<p>Vous pouvez demander l'accès à vos données, leur rectification ou leur effacement auprès de l'établissement
et de son délégué à la protection des données (règlement général sur la protection des données).</p>
<p><a href="/">Retour au passeport</a></p>"""


async def donnees_personnelles(_requete: Request) -> Response:
    return _page(DONNEES_PERSONNELLES)


async def _ouvrir_extrait(requete: Request, forme: str):
    """The extract a share link opens (journaled for the student), or None: one neutral answer for the rest."""
    from passeport.services import extraits

    jeton, adresse = requete.path_params["jeton"], _adresse(requete)

    def ouvrir():
        with _fabrique()() as session:
            partage = extraits.ouvrir_lien(session, jeton, adresse, forme)
            session.commit()
            return partage

    return await run_in_threadpool(ouvrir)


async def extrait_partage(requete: Request) -> Response:
    """/extrait/<jeton>: a student's chosen fiches, read-only, without an account; never indexed nor cached."""
    from passeport.documents.page_extrait import ENTETES, html_neutre, html_page

    partage = await _ouvrir_extrait(requete, "page")
    if partage is None:
        return HTMLResponse(html_neutre(), status_code=404, headers=ENTETES)
    return HTMLResponse(html_page(partage, f"/extrait/{quote(requete.path_params['jeton'])}/pdf"), headers=ENTETES)


async def extrait_partage_pdf(requete: Request) -> Response:
    """/extrait/<jeton>/pdf: the same extract as a short PDF."""
    from passeport.documents.page_extrait import ENTETES, html_neutre, pdf

    partage = await _ouvrir_extrait(requete, "pdf")
    if partage is None:
        return HTMLResponse(html_neutre(), status_code=404, headers=ENTETES)

    def imprimer() -> bytes:
        with _fabrique()() as session:
            return pdf(session, partage)

    contenu = await run_in_threadpool(imprimer)
    return Response(contenu, media_type="application/pdf",
                    headers={**ENTETES, "Content-Disposition": 'attachment; filename="extrait-passeport.pdf"'})


# A draft post carries the text fields of one fiche: far below this, which bounds what one request may write.
TAILLE_MAX_BROUILLON = 1024 * 1024
SESSION_FINIE = ("Votre session a pris fin : votre texte est gardé sur cet appareil. Reconnectez-vous pour "
                 "l'envoyer.")


def _meme_origine(requete: Request) -> bool:
    """A write from a page of this site only: the browser's Origin names this host (no cross-site form or script)."""
    origine = requete.headers.get("origin")
    if origine:
        return urlsplit(origine).netloc == requete.headers.get("host", "")
    return requete.headers.get("sec-fetch-site") == "same-origin"


def _json(statut: int, **valeurs) -> JSONResponse:
    return JSONResponse(valeurs, status_code=statut, headers={"Cache-Control": "no-store"})


def _ecrire_brouillon(jeton: str | None, corps: dict) -> JSONResponse:
    from passeport.acces import AccesRefuse
    from passeport.services import brouillons
    from passeport.services.fiches import FicheIntrouvable

    with _fabrique()() as session:
        utilisateur = sessions.utilisateur(session, jeton)
        if utilisateur is None:
            session.commit()  # an expired session is closed
            return _json(401, erreur="session", message=SESSION_FINIE)
        try:
            fiche_id, horodatage = corps.get("fiche_id"), corps.get("horodatage")
            if not (fiche_id is None or isinstance(fiche_id, int)) or not isinstance(horodatage, (int, type(None))):
                raise brouillons.BrouillonRefuse("Brouillon illisible.")
            brouillon = brouillons.enregistrer(session, utilisateur, corps.get("cle"), corps.get("champs"),
                                               fiche_id=fiche_id, horodatage_client=horodatage)
        except AccesRefuse as exc:
            return _json(403, erreur="acces", message=exc.message)
        except brouillons.BrouillonRefuse as exc:
            return _json(422, erreur="refuse", message=exc.message)
        except (brouillons.BrouillonIntrouvable, FicheIntrouvable) as exc:
            return _json(404, erreur="introuvable", message=exc.message)
        session.commit()
        return _json(200, revision=brouillon.revision, modifie_le=brouillon.modifie_le.isoformat())


async def brouillon(requete: Request) -> Response:
    """POST /brouillon: the text a student is typing, sent by the page's script a moment after the typing stops.

    Same-origin JSON only (a cross-site page can neither send this content type without the browser asking
    first, nor carry the SameSite cookie), the session cookie names the student, the body is bounded."""
    if not _meme_origine(requete):
        return _json(403, erreur="origine", message="Requête refusée.")
    if requete.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return _json(415, erreur="format", message="Requête refusée.")
    corps = b""
    async for morceau in requete.stream():
        corps += morceau
        if len(corps) > TAILLE_MAX_BROUILLON:
            return _json(413, erreur="taille", message="Brouillon trop long.")
    try:
        donnees = json.loads(corps)
    except (ValueError, UnicodeDecodeError):
        donnees = None
    if not isinstance(donnees, dict):
        return _json(400, erreur="format", message="Brouillon illisible.")
    return await run_in_threadpool(_ecrire_brouillon, requete.cookies.get(COOKIE), donnees)


ROUTES = [
    Route("/donnees-personnelles", donnees_personnelles, methods=["GET"]),
    Route("/extrait/{jeton}", extrait_partage, methods=["GET"]),
    Route("/extrait/{jeton}/pdf", extrait_partage_pdf, methods=["GET"]),
    Route("/connexion", page_connexion, methods=["GET"]),
    Route("/connexion", connexion, methods=["POST"]),
    Route("/deconnexion", page_deconnexion, methods=["GET"]),
    Route("/deconnexion", deconnexion, methods=["POST"]),
    Route("/brouillon", brouillon, methods=["POST"]),
    *ROUTES_PIECES,  # /piece/<id> and /piece/<id>/apercu (passeport/web_pieces.py)
]
MIDDLEWARE = [Middleware(ExigerConnexion)]


async def erreur_de_route(requete: Request, exc: Exception) -> Response:
    """Any unexpected error of an HTTP route: a French answer with a reference found in the log, never a bare
    « Internal Server Error » (st.App's exception_handlers, see serveur.py)."""
    ref = erreurs.journaliser(exc, f"route {requete.method} {requete.url.path}")
    texte, statut = erreurs.message_de_route(ref, exc), 503 if erreurs.stockage_indisponible(exc) else 500
    if requete.url.path == "/brouillon":  # the page's script keeps the text on the device and tries again
        return _json(statut, erreur="serveur", message=texte, reference=ref)
    return _page(f'<h1>Passeport professionnel numérique</h1><p class="erreur" role="alert">{html.escape(texte)}</p>'
                 '<p><a href="/">Retour au passeport</a></p>', statut)


ERREURS_DES_ROUTES = {Exception: erreur_de_route}


def reinitialiser_pour_les_tests() -> None:
    """Forget the engine (tests change DATABASE_URL between cases); the counters live in each test's database."""
    _fabrique.cache_clear()

