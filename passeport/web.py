"""Our own HTTP routes beside the Streamlit script: sign-in page, sign-out, session cookie, security headers.

The password is typed in a plain HTML form posted to /connexion: it never enters Streamlit's session state.
The cookie holds a random token (HttpOnly, SameSite=Lax); the database keeps only its SHA-256.
"""

from __future__ import annotations

import asyncio
import html
from functools import lru_cache
import json
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from passeport.db import creer_engine, fabrique_sessions
from passeport.limites import Limiteur
from passeport.services import sessions
from passeport.services.comptes import CompteBloque, ConnexionRefusee, authentifier

COOKIE = "passeport_session"
# Per browser address: at most 10 failed sign-ins in 15 minutes, then a neutral refusal.
CONNEXIONS = Limiteur(10, 15 * 60)
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


def _formulaire(suite: str, message: str = "", classe: str = "erreur") -> str:
    bandeau = f'<p class="{classe}" role="alert">{html.escape(message)}</p>' if message else ""
    return f"""<h1>Passeport professionnel numérique</h1>{bandeau}
<form method="post" action="/connexion">
<input type="hidden" name="suite" value="{html.escape(suite)}">
<label for="login">Identifiant</label>
<input id="login" name="login" autocomplete="username" autocapitalize="none" required autofocus>
<label for="mot_de_passe">Mot de passe</label>
<input id="mot_de_passe" name="mot_de_passe" type="password" autocomplete="current-password" required>
<button type="submit">Se connecter</button></form>
<p><small>Identifiant et mot de passe sont donnés par votre établissement. Un mot de passe oublié se
réinitialise auprès de l'administrateur.</small></p>
<p><small><a href="/donnees-personnelles">Vos données personnelles</a></small></p>"""


async def _ralentir(echecs: int) -> None:
    """Each recent failure from this address slows the next try a little (at most 2 s)."""
    await asyncio.sleep(min(0.2 * echecs, 2.0))


def _suite_sure(suite: str) -> str:
    """Only a path of this site: never an address elsewhere (open redirect)."""
    return suite if suite.startswith("/") and not suite.startswith("//") and "\\" not in suite else "/"


def _adresse(requete: Request) -> str:
    return requete.client.host if requete.client else "inconnue"


async def page_connexion(requete: Request) -> Response:
    message, classe = "", "erreur"
    if requete.query_params.get("expiree"):
        message, classe = "Votre session a pris fin : reconnectez-vous.", "info"
    return _page(_formulaire(_suite_sure(requete.query_params.get("suite", "/")), message, classe))


def _se_connecter(login: str, mot_de_passe: str) -> str:
    with _fabrique()() as session:
        try:
            utilisateur = authentifier(session, login, mot_de_passe)
        except ConnexionRefusee:
            session.commit()  # failures are counted and journaled
            raise
        jeton = sessions.ouvrir(session, utilisateur.compte_id)
        session.commit()
        return jeton


async def connexion(requete: Request) -> Response:
    formulaire = await requete.form()
    suite = _suite_sure(str(formulaire.get("suite", "/")))
    adresse = _adresse(requete)
    if CONNEXIONS.bloque(adresse):
        return _page(_formulaire(suite, "Trop d'essais depuis cet appareil : réessayez dans 15 minutes."), 429)
    await _ralentir(CONNEXIONS.recents(adresse))
    try:
        jeton = await run_in_threadpool(
            _se_connecter, str(formulaire.get("login", "")), str(formulaire.get("mot_de_passe", ""))
        )
    except ConnexionRefusee as exc:
        CONNEXIONS.echec(adresse)
        return _page(_formulaire(suite, exc.message), 429 if isinstance(exc, CompteBloque) else 401)
    CONNEXIONS.oublier(adresse)
    reponse = RedirectResponse(suite, status_code=303)
    reponse.set_cookie(COOKIE, jeton, httponly=True, samesite="lax", secure=_cookie_securise(requete), path="/",
                       max_age=int(sessions.INACTIVITE.total_seconds()) * 12)
    return reponse


def _cookie_securise(requete: Request) -> bool:
    # HTTPS (directly or behind a proxy), or a loopback address that browsers treat as secure.
    return (requete.url.scheme == "https" or requete.headers.get("x-forwarded-proto") == "https"
            or requete.url.hostname in {"localhost", "127.0.0.1", "::1"})


async def deconnexion(requete: Request) -> Response:
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
        chemin = requete.url.path
        lien_tuteur = "lien" in requete.query_params  # a tutor's link needs no account
        if (requete.method == "GET" and COOKIE not in requete.cookies and not chemin.startswith(_LIBRES)
                and not lien_tuteur
                and "." not in chemin.rsplit("/", 1)[-1] and "text/html" in requete.headers.get("accept", "")):
            suite = chemin + (f"?{requete.url.query}" if requete.url.query else "")
            return RedirectResponse(f"/connexion?suite={quote(suite)}", status_code=303)
        reponse = await suivant(requete)
        reponse.headers.setdefault("X-Content-Type-Options", "nosniff")
        reponse.headers.setdefault("Referrer-Policy", "same-origin")  # tokens in URLs never leak to other sites
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
les connexions et les consultations des passeports (journal).</li></ul>
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
<p>Pendant la formation, puis jusqu'à un an après sa fin : l'élève peut auparavant exporter son passeport, qui lui
appartient (archive ZIP dans un format ouvert, réimportable par un autre établissement). Après son départ, son
compte reste ouvert en lecture seule pour qu'il puisse le télécharger. Le journal des connexions et consultations est gardé un an.</p>
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
    Route("/deconnexion", deconnexion, methods=["GET", "POST"]),
    Route("/brouillon", brouillon, methods=["POST"]),
]
MIDDLEWARE = [Middleware(ExigerConnexion)]


def reinitialiser_pour_les_tests() -> None:
    """Forget the engine and the per-address counters (tests change DATABASE_URL between cases)."""
    _fabrique.cache_clear()
    CONNEXIONS.oublier()
    from passeport.limites import LIENS_EXTRAITS

    LIENS_EXTRAITS.oublier()

