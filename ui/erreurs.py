"""Never a traceback on screen: an unexpected error shows a French message with a reference found in the log.

``executer`` runs the page chosen by st.navigation (app.py); ``sur_erreur_du_script`` is the ``on_script_error``
handler of serveur.py (errors in callbacks and in app.py itself). st.stop, st.rerun and st.switch_page raise
control-flow exceptions that derive from BaseException, not Exception: they pass through untouched.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from passeport import erreurs


def afficher(exc: BaseException, ou: str = "page") -> str:
    """Log ``exc`` under a new reference and show the French message with it; return the reference."""
    ref = erreurs.journaliser(exc, ou)
    st.error(erreurs.message(ref, exc), icon=":material/error:")
    return ref


def executer(page) -> None:
    """Run the page (st.navigation's choice); an unexpected error becomes the French message, never st.exception."""
    try:
        page.run()
    except Exception as exc:  # noqa: BLE001 — every error of a page: the person must never see a traceback
        afficher(exc, f"page {getattr(page, 'url_path', '') or 'accueil'}")


def sur_erreur_du_script(exc: Exception) -> bool:
    """st.App's on_script_error: the message instead of Streamlit's exception box (True suppresses it)."""
    afficher(exc, "script")
    return True


def valider_si_possible(session: Session) -> bool:
    """Commit a bookkeeping write (a session's last-seen time); a store that cannot be written (read-only, full)
    still lets everyone read: the failure is logged, not shown. Return whether it was written."""
    try:
        session.commit()
        return True
    except SQLAlchemyError as exc:
        session.rollback()
        if not erreurs.stockage_indisponible(exc) and not erreurs.conflit(exc):
            raise
        erreurs.JOURNAL.warning("Écriture de service impossible (%s) : lecture seule pour cette page.", type(exc).__name__)
        return False
