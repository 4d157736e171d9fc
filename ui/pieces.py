"""Attachments on a page: a download link and a bounded preview, both served by our /piece/ routes (access checked
there again), never by Streamlit's /media/. The file name is always shown as text."""

from __future__ import annotations

import html

import streamlit as st

from passeport.affichage import taille_lisible, texte_brut
from passeport.apercu import MESSAGE_APERCU, Apercu
from passeport.web_pieces import url_piece

_STYLE_LIEN = ("display:inline-block;padding:.35rem .8rem;border:1px solid rgba(49,51,63,.25);border-radius:.5rem;"
               "text-decoration:none;color:inherit;min-height:44px;box-sizing:border-box;line-height:1.9rem")


def lien_telechargement(piece_id: int, nom: str, taille: int | None = None, lien: str | None = None,
                        libelle: str | None = None) -> None:
    """A download link to /piece/<id> (the browser saves the file under its name)."""
    texte = libelle or (f"{nom} · {taille_lisible(taille)}" if taille is not None else nom)
    st.html(f'<a href="{html.escape(url_piece(piece_id, lien))}" download="{html.escape(nom)}" '
            f'style="{_STYLE_LIEN}" aria-label="Télécharger {html.escape(nom)}">⬇ {html.escape(texte)}</a>')


def titre_piece(nom: str, taille: int) -> None:
    st.markdown(texte_brut(f"{nom} · {taille_lisible(taille)}"))


def apercu_piece(piece_id: int, nom: str, vue: Apercu | None, lien: str | None = None) -> None:
    """The preview image, or the French message saying why there is none (nothing for a type without preview)."""
    if vue is None:
        st.caption(MESSAGE_APERCU)
    elif vue.image is not None:
        st.html(f'<img src="{html.escape(url_piece(piece_id, lien, apercu=True))}" alt="Aperçu de '
                f'{html.escape(nom)}" style="max-width:320px;width:100%;height:auto;border:1px solid #ddd">')
    elif vue.message:
        st.caption(texte_brut(vue.message))
