"""What every page shares: the cached engine and the signed-in user. No business rule here."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from passeport.db import creer_engine
from passeport.models import Role
from passeport.services.comptes import Utilisateur


@st.cache_resource
def engine() -> Engine:
    return creer_engine()


def session() -> Session:
    # Objects stay readable after commit: pages show what they just saved.
    return Session(engine(), expire_on_commit=False)


def utilisateur_courant() -> Utilisateur | None:
    return st.session_state.get("utilisateur")


def adresse_de_connexion() -> str:
    """The sign-in address printed on first-password sheets, as this browser reached the app."""
    return f"{st.context.url.rstrip('/').rsplit('/', 1)[0] if st.context.url else ''}/connexion"


def exiger_connexion() -> Utilisateur:
    """Stop the page unless someone is signed in."""
    utilisateur = utilisateur_courant()
    if utilisateur is None:
        st.error("Cette page n'est pas accessible avec votre compte.")
        st.stop()
    return utilisateur


def exiger_role(role: Role) -> Utilisateur:
    """Stop the page unless the signed-in user has ``role`` (the services check access again)."""
    utilisateur = utilisateur_courant()
    if utilisateur is None or utilisateur.role != role:
        st.error("Cette page n'est pas accessible avec votre compte.")
        st.stop()
    return utilisateur


def afficher_texte(texte: str, vide: str = "—") -> None:
    """Student text, shown exactly as written: never as HTML, links or markdown."""
    from passeport.affichage import texte_brut

    st.markdown(texte_brut(texte) if texte.strip() else vide)


def ouvrir_fiche(fiche_id: int | None = None, cle: str | None = None) -> None:
    """Go to the fiche page: an existing fiche, a draft (its key), or a new empty form (neither)."""
    st.session_state["fiche_ouverte"], st.session_state["brouillon_ouvert"] = fiche_id, cle
    st.session_state.pop("formulaire_charge", None)
    parametres = {"fiche": str(fiche_id)} if fiche_id else {"brouillon": cle} if cle else None
    st.switch_page("pages/eleve_fiche.py", query_params=parametres)


def annoncer(message: str) -> None:
    """A short confirmation shown after the next rerun (a toast before st.rerun() would be lost)."""
    st.session_state.setdefault("annonces", []).append(message)


def afficher_annonces() -> None:
    for message in st.session_state.pop("annonces", []):
        st.toast(message, icon=":material/check_circle:")


def bouton_deconnexion() -> None:
    """« Se déconnecter »: a form that POSTs to /deconnexion (a GET signs nobody out)."""
    st.html('<form method="post" action="/deconnexion" style="margin:0"><button type="submit" '
            'style="padding:.45rem .9rem;border-radius:.5rem;font-size:.95rem;background:#fff;color:#31333f;'
            'border:1px solid #d0d3da;cursor:pointer">Se déconnecter</button></form>')


def lien_bouton(libelle: str, url: str, principal: bool = False) -> None:
    """A link styled as a button that opens in the same tab (st.link_button always opens a new one).

    Only for our own fixed routes (/connexion, /deconnexion): ``libelle`` and ``url`` are never user text.
    """
    couleurs = "background:#1f5fa8;color:#fff;border:1px solid #1f5fa8" if principal else \
        "background:#fff;color:#31333f;border:1px solid #d0d3da"
    st.html(f'<a href="{url}" style="display:inline-block;padding:.45rem .9rem;border-radius:.5rem;'
            f'text-decoration:none;font-size:.95rem;{couleurs}">{libelle}</a>')
