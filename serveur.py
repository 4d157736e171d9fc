"""ASGI entry point: the Streamlit app (app.py) with our own routes (sign-in page, sign-out, headers).

Started by `streamlit run serveur.py` (see the Makefile).
"""

import streamlit as st

from passeport.web import MIDDLEWARE, ROUTES

app = st.App("app.py", routes=ROUTES, middleware=MIDDLEWARE)
