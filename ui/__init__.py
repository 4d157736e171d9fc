"""Widgets shared by several pages: the only place besides pages/ and app.py that imports streamlit."""
