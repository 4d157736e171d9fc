# Deux commandes suffisent : `make run` (lance l'application) et `make test` (lance les tests).
# Les étapes intermédiaires ne refont que ce qui a changé.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLE := $(VENV)/.installe
PORT ?= 8501

.PHONY: run test installer base bench bench-academie clean verrou

$(INSTALLE): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

installer: $(INSTALLE)

# Crée ou met à jour le schéma, puis charge l'école de démonstration si la base est vide.
base: $(INSTALLE)
	$(BIN)/passeport initialiser
	$(BIN)/passeport demo --si-vide

run: base
	$(BIN)/streamlit run serveur.py --server.address 127.0.0.1 --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

# Two processes: while a browser journey waits (a network cut lasts 3 minutes), the other runs the rest.
# A test file stays on one process (its server and module fixtures are set up once); the PostgreSQL test database
# is taken by one test at a time (a lock file, tests/conftest.py).
test: base
	$(BIN)/python -m pytest -n 2 --dist loadfile

# Mesures de bench/RESULTS.md (SQLite ; PostgreSQL aussi quand PASSEPORT_POSTGRES_URL est défini).
bench: base
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_cockpit.py
	$(BIN)/python bench/bench_suivi.py
	$(BIN)/python bench/bench_sorties.py
	$(BIN)/python bench/bench_brouillons.py
	$(BIN)/python bench/bench_rentree.py

# Mesures à l'échelle d'une académie (issue 15) : académies générées de 1 000, 5 000 et 20 000 élèves, sur SQLite et
# sur PostgreSQL si PASSEPORT_POSTGRES_URL est défini (son schéma public est effacé) ; tableau ajouté à
# bench/RESULTS.md. Long (20 000 élèves : plusieurs Go sur disque) ; TAILLES=1000,5000 pour une mesure plus courte.
TAILLES ?= 1000,5000,20000
bench-academie: $(INSTALLE)
	$(BIN)/python bench/bench_academie.py --tailles $(TAILLES) --ecrire

# Réécrit requirements.lock d'après l'environnement installé (après un changement de pyproject.toml).
verrou: $(INSTALLE)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	{ echo "# Versions exactes installées par make et par la CI (pip install -c requirements.lock)."; \
	  echo "# Régénérer après un changement de pyproject.toml : make verrou"; \
	  $(BIN)/python -m pip freeze --exclude-editable; } > requirements.lock

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
