"""ASGI entry point: the Streamlit app (app.py) with our own routes (sign-in page, sign-out, headers).

Started by `streamlit run serveur.py` (see the Makefile).
"""

import streamlit as st

from passeport.web import ERREURS_DES_ROUTES, MIDDLEWARE, ROUTES
from ui.erreurs import sur_erreur_du_script

# on_script_error: an error in a callback or in app.py itself shows the French message with a reference (the page
# errors are caught by app.py); our routes answer a French page with a reference (web.ERREURS_DES_ROUTES).
app = st.App("app.py", routes=ROUTES, middleware=MIDDLEWARE, on_script_error=sur_erreur_du_script,
             exception_handlers=ERREURS_DES_ROUTES)
