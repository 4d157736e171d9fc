"""Attachments served by our own routes, with the same access checks as the pages.

- GET /piece/<id>          the file itself, as a download (never shown inline by the browser);
- GET /piece/<id>/apercu   its bounded preview image (PNG or JPEG), see passeport.apercu;
both for a signed-in reader allowed to see that fiche (session cookie, passeport.acces through services.pieces),
or for a PFMP tutor through their link (``?lien=<jeton>``, only the fiches that link opens).
Streamlit's own /media/ endpoint (generated documents, QR codes) answers only with a valid session: see
`media_autorise`, called by the ExigerConnexion middleware of passeport.web.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

REFUSEE = "Cette pièce jointe n'existe pas ou n'est pas accessible."
SESSION_REQUISE = "Connectez-vous pour ouvrir cette pièce jointe."
# A served attachment never runs anything in this site's origin, even if a browser tried to display it.
_PROTECTION = {"Content-Security-Policy": "sandbox; default-src 'none'", "X-Content-Type-Options": "nosniff"}


def _reponse_texte(message: str, statut: int) -> Response:
    return PlainTextResponse(message, status_code=statut, headers={"Cache-Control": "no-store", **_PROTECTION})


def disposition(nom: str) -> str:
    """Content-Disposition of a download: an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987)."""
    repli = re.sub(r'[^A-Za-z0-9._ -]', "_", nom) or "piece"
    return f"attachment; filename=\"{repli}\"; filename*=UTF-8''{quote(nom, safe='')}"


def _servir(piece_id: int, jeton_session: str | None, lien: str | None, apercu: bool) -> Response:
    from passeport.acces import AccesRefuse
    from passeport.services import pfmp, pieces, sessions
    from passeport.services.fiches import FicheIntrouvable
    from passeport.web import _fabrique

    with _fabrique()() as session:
        try:
            if lien:
                acteur = pfmp.ouvrir(session, lien)
                if acteur is None:
                    return _reponse_texte(REFUSEE, 404)
                lire, voir = pieces.lire_pour_tuteur, pieces.apercu_pour_tuteur
            else:
                acteur = sessions.utilisateur(session, jeton_session)
                if acteur is None:
                    session.commit()  # an expired session is closed
                    return _reponse_texte(SESSION_REQUISE, 401)
                lire, voir = pieces.lire, pieces.apercu_de_la_piece
            if apercu:
                resultat = voir(session, acteur, piece_id)
                session.commit()  # the read is journaled for the student
                if resultat.image is None:
                    return _reponse_texte(resultat.message or "Pas d'aperçu pour ce type de fichier.", 404)
                return Response(resultat.image, media_type=resultat.type_image,
                                headers={"Cache-Control": "private, max-age=600", **_PROTECTION})
            contenu = lire(session, acteur, piece_id)
            session.commit()
        except pieces.PieceManquante as exc:
            return _reponse_texte(exc.message, 404)
        except (AccesRefuse, FicheIntrouvable):
            return _reponse_texte(REFUSEE, 404)  # one answer: no hint whether the attachment exists
    return Response(contenu.donnees, media_type=contenu.type_mime,
                    headers={"Content-Disposition": disposition(contenu.nom), "Cache-Control": "private, no-store",
                             **_PROTECTION})


async def piece(requete: Request) -> Response:
    from passeport.web import COOKIE

    return await run_in_threadpool(_servir, requete.path_params["piece_id"], requete.cookies.get(COOKIE),
                                   requete.query_params.get("lien"), requete.url.path.endswith("/apercu"))


def _session_valide(jeton: str) -> bool:
    from passeport.services import sessions
    from passeport.web import _fabrique

    with _fabrique()() as session:
        valide = sessions.utilisateur(session, jeton) is not None
        session.commit()
        return valide


async def media_autorise(requete: Request) -> bool:
    """Streamlit's /media/ files (generated documents, QR codes; never attachments) need a valid session."""
    from passeport.web import COOKIE

    jeton = requete.cookies.get(COOKIE)
    return bool(jeton) and await run_in_threadpool(_session_valide, jeton)


def url_piece(piece_id: int, lien: str | None = None, apercu: bool = False) -> str:
    """The address of an attachment (or its preview) for the pages; a tutor's link rides along."""
    return f"/piece/{piece_id}" + ("/apercu" if apercu else "") + (f"?lien={quote(lien, safe='')}" if lien else "")


ROUTES_PIECES = [
    Route("/piece/{piece_id:int}", piece, methods=["GET"]),
    Route("/piece/{piece_id:int}/apercu", piece, methods=["GET"]),
]
