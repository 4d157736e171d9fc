"""Passeport professionnel numérique: the domain (référentiel, store, services, CLI). Never imports streamlit."""
