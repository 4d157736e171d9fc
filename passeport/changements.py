"""The store's change log for the analytics copy: a counter and one row per change, written by database triggers.

Every write the analytics read (fiches, their versions and positionnements, students and their account's name and
state, divisions) adds a row to ``analytique_changement`` in the same transaction, numbered by the one-row counter
``analytique_compteur``. A copy that has applied every change up to number *n* only reads the rows after *n* and
re-reads the few fiches, students or divisions they name: a refresh costs what changed, never a scan of the store.

Why triggers rather than Python: the rule holds for every writer (services, imports, the CLI, a fix typed in psql),
and the database keeps it true. Why numbers are in commit order:
- SQLite has one writer at a time, so the counter's order is the commit order;
- PostgreSQL takes the counter in *deferred* constraint triggers, which run at commit: the counter row stays locked
  from that moment to the end of the commit, so a transaction that got number 7 has committed before another can get
  number 8, and a reader who saw 8 can never later find a 7. Taking it only at commit keeps the lock short and
  always last (after the rows' own locks), so it adds no deadlock between two transactions.

``plancher``: rows up to that number were pruned (or never written, after a bulk load): a copy older than it
rebuilds fully. ``generation``: changes when the store is refilled; a copy of another generation rebuilds fully.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

# What each trigger logs: (table, genre, key of the row to re-read, division whose results it can change).
# The SQL expressions use the row variable "R" (NEW, or OLD for a deletion).
SOURCES = (
    ("fiche", "fiche", "R.id", "(SELECT division_id FROM eleve WHERE id = R.eleve_id)"),
    ("fiche_version", "fiche", "R.fiche_id",
     "(SELECT e.division_id FROM fiche f JOIN eleve e ON e.id = f.eleve_id WHERE f.id = R.fiche_id)"),
    ("positionnement", "fiche", "R.fiche_id",
     "(SELECT e.division_id FROM fiche f JOIN eleve e ON e.id = f.eleve_id WHERE f.id = R.fiche_id)"),
    ("eleve", "eleve", "R.id", "R.division_id"),
    ("division", "division", "R.id", "R.id"),
)
# An update is logged when one of these columns changes: the services lock a row by writing it unchanged.
COLONNES_LUES = {
    "fiche": ("eleve_id", "version_courante", "situation", "retenue", "pfmp_id", "cree_le", "modifiee_le",
              "supprimee_le"),
    "eleve": ("identifiant", "division_id", "compte_id"),
    "division": ("etablissement_id", "nom", "niveau", "annee_scolaire", "referentiel"),
}
# How long the log keeps a change: an app instance stopped for longer rebuilds its copy (seconds), nothing is lost.
CONSERVATION = dt.timedelta(days=7)
# Columns of ``compte`` the analytics read (through the student's row).
COLONNES_COMPTE = ("nom", "prenom", "actif")


@dataclass(frozen=True)
class Estampille:
    """The state of the store's change log."""

    generation: str
    numero: int
    plancher: int


@dataclass(frozen=True)
class Changement:
    numero: int
    genre: str
    cle: int
    division_id: int | None


def _connexion(connexion) -> Connection:
    """The SQLAlchemy Connection of ``connexion`` (a Connection, or a Session: its current connection)."""
    return connexion.connection() if isinstance(connexion, Session) else connexion


def _executer(connexion, requete: str, parametres: dict | None = None):
    return _connexion(connexion).execute(text(requete), parametres or {})


def _ddl(connexion, ordre: str) -> None:
    """Run DDL as written (no parameter parsing: PL/pgSQL has ':=')."""
    _connexion(connexion).exec_driver_sql(ordre)


def _dialecte(connexion) -> str:
    return _connexion(connexion).dialect.name


def estampille(connexion) -> Estampille:
    """The counter: generation, last change number, and the number up to which the log was pruned."""
    ligne = _executer(connexion, "SELECT generation, numero, plancher FROM analytique_compteur WHERE id = 1").fetchone()
    return Estampille(str(ligne[0]), int(ligne[1]), int(ligne[2]))


def changements_depuis(connexion, numero: int) -> list[Changement]:
    """The changes after ``numero``, in order."""
    lignes = _executer(connexion, "SELECT numero, genre, cle, division_id FROM analytique_changement "
                                  "WHERE numero > :numero ORDER BY numero", {"numero": numero}).fetchall()
    return [Changement(int(n), g, int(c), None if d is None else int(d)) for n, g, c, d in lignes]


# --- Triggers -------------------------------------------------------------------------------------------------

def _sqlite_noter(genre: str, cle: str, division: str, ligne: str) -> str:
    cle, division = cle.replace("R.", f"{ligne}."), division.replace("R.", f"{ligne}.")
    return ("UPDATE analytique_compteur SET numero = numero + 1 WHERE id = 1; "
            "INSERT INTO analytique_changement (numero, genre, cle, division_id, fait_le) "
            f"SELECT numero, '{genre}', {cle}, {division}, CURRENT_TIMESTAMP FROM analytique_compteur WHERE id = 1;")


def _ddl_sqlite() -> list[str]:
    ordres = []
    for table, genre, cle, division in SOURCES:
        for quand, ligne in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            condition = ""
            if quand == "UPDATE" and table in COLONNES_LUES:
                condition = "WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COLONNES_LUES[table]) + " "
            ordres.append(f"CREATE TRIGGER analytique_{table}_{quand.lower()} AFTER {quand} ON {table} "
                          f"FOR EACH ROW {condition}BEGIN {_sqlite_noter(genre, cle, division, ligne)} END")
    # A student who changes class: the class they leave changes too.
    ordres.append("CREATE TRIGGER analytique_eleve_depart AFTER UPDATE OF division_id ON eleve "
                  "FOR EACH ROW WHEN OLD.division_id IS NOT NEW.division_id "
                  f"BEGIN {_sqlite_noter('eleve', 'R.id', 'R.division_id', 'OLD')} END")
    change = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COLONNES_COMPTE)
    ordres.append(f"CREATE TRIGGER analytique_compte_update AFTER UPDATE OF {', '.join(COLONNES_COMPTE)} ON compte "
                  f"FOR EACH ROW WHEN ({change}) AND EXISTS (SELECT 1 FROM eleve WHERE compte_id = NEW.id) "
                  "BEGIN UPDATE analytique_compteur SET numero = numero + 1 WHERE id = 1; "
                  "INSERT INTO analytique_changement (numero, genre, cle, division_id, fait_le) "
                  "SELECT c.numero, 'eleve', e.id, e.division_id, CURRENT_TIMESTAMP "
                  "FROM analytique_compteur c, eleve e WHERE c.id = 1 AND e.compte_id = NEW.id; END")
    return ordres


def _noms_sqlite() -> list[str]:
    noms = [f"analytique_{t}_{q}" for t, *_ in SOURCES for q in ("insert", "update", "delete")]
    return noms + ["analytique_eleve_depart", "analytique_compte_update"]


_PG_NOTER = """
CREATE OR REPLACE FUNCTION analytique_noter(p_genre text, p_cle bigint, p_division bigint) RETURNS void AS $$
BEGIN
    -- Runs at commit (deferred triggers): the counter row stays locked until the commit ends, so numbers follow
    -- the commit order.
    WITH compteur AS (UPDATE analytique_compteur SET numero = numero + 1 WHERE id = 1 RETURNING numero)
    INSERT INTO analytique_changement (numero, genre, cle, division_id, fait_le)
    SELECT numero, p_genre, p_cle, p_division, now() FROM compteur;
END $$ LANGUAGE plpgsql
"""


def _ddl_postgresql() -> list[str]:
    ordres = [_PG_NOTER]
    for table, genre, cle, division in SOURCES:
        depart = ""
        if table == "eleve":
            depart = ("IF TG_OP = 'UPDATE' AND OLD.division_id IS DISTINCT FROM NEW.division_id THEN "
                      "PERFORM analytique_noter('eleve', OLD.id, OLD.division_id); END IF; ")
        ordres.append(
            f"CREATE OR REPLACE FUNCTION analytique_{table}() RETURNS trigger AS $$ "
            "DECLARE R record; BEGIN "
            "IF TG_OP = 'DELETE' THEN R := OLD; ELSE R := NEW; END IF; "
            f"PERFORM analytique_noter('{genre}', {cle}, {division}); {depart}"
            "RETURN NULL; END $$ LANGUAGE plpgsql")
        if table in COLONNES_LUES:
            change = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COLONNES_LUES[table])
            ordres.append(f"CREATE CONSTRAINT TRIGGER analytique_{table} AFTER INSERT OR DELETE ON {table} "
                          f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION analytique_{table}()")
            ordres.append(f"CREATE CONSTRAINT TRIGGER analytique_{table}_maj AFTER UPDATE ON {table} "
                          f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({change}) "
                          f"EXECUTE FUNCTION analytique_{table}()")
        else:
            ordres.append(f"CREATE CONSTRAINT TRIGGER analytique_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                          f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION analytique_{table}()")
    ordres.append(
        "CREATE OR REPLACE FUNCTION analytique_compte() RETURNS trigger AS $$ "
        "DECLARE e record; BEGIN "
        "FOR e IN SELECT id, division_id FROM eleve WHERE compte_id = NEW.id LOOP "
        "PERFORM analytique_noter('eleve', e.id, e.division_id); END LOOP; "
        "RETURN NULL; END $$ LANGUAGE plpgsql")
    change = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COLONNES_COMPTE)
    ordres.append(f"CREATE CONSTRAINT TRIGGER analytique_compte AFTER UPDATE OF {', '.join(COLONNES_COMPTE)} "
                  f"ON compte DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({change}) "
                  "EXECUTE FUNCTION analytique_compte()")
    return ordres


def _suppressions_postgresql() -> list[str]:
    tables = [t for t, *_ in SOURCES] + ["compte"]
    return ([f"DROP TRIGGER IF EXISTS analytique_{t} ON {t}" for t in tables]
            + [f"DROP TRIGGER IF EXISTS analytique_{t}_maj ON {t}" for t in COLONNES_LUES])


def retablir_declencheurs(connexion) -> None:
    """Create the triggers that log every change (idempotent: drops them first)."""
    suspendre_declencheurs(connexion)
    ordres = _ddl_sqlite() if _dialecte(connexion) == "sqlite" else _ddl_postgresql()
    for ordre in ordres:
        _ddl(connexion, ordre)


def suspendre_declencheurs(connexion) -> None:
    """Drop the triggers, for a bulk load that then calls ``retablir_declencheurs`` and ``repartir``."""
    if _dialecte(connexion) == "sqlite":
        ordres = [f"DROP TRIGGER IF EXISTS {nom}" for nom in _noms_sqlite()]
    else:
        ordres = _suppressions_postgresql()
    for ordre in ordres:
        _ddl(connexion, ordre)


def supprimer_fonctions_postgresql(connexion) -> None:
    """Drop the PostgreSQL functions (the migration's downgrade)."""
    for t in [t for t, *_ in SOURCES] + ["compte"]:
        _ddl(connexion, f"DROP FUNCTION IF EXISTS analytique_{t}()")
    _ddl(connexion, "DROP FUNCTION IF EXISTS analytique_noter(text, bigint, bigint)")


def repartir(connexion) -> Estampille:
    """After a bulk load: empty the log and start a new generation, so every analytics copy rebuilds fully."""
    _executer(connexion, "DELETE FROM analytique_changement")
    _executer(connexion, "UPDATE analytique_compteur SET numero = numero + 1, plancher = numero + 1, "
                         "generation = :generation WHERE id = 1", {"generation": str(uuid.uuid4())})
    return estampille(connexion)


def elaguer(session: Session, avant: dt.datetime) -> int:
    """Delete the log rows written before ``avant`` and raise the floor; return how many rows went.

    A copy that had not applied them rebuilds fully at its next refresh (a server stopped for that long)."""
    dernier = session.execute(text("SELECT max(numero) FROM analytique_changement WHERE fait_le < :avant"),
                              {"avant": avant}).scalar()
    if dernier is None:
        return 0
    n = session.execute(text("DELETE FROM analytique_changement WHERE numero <= :n"), {"n": dernier}).rowcount
    session.execute(text("UPDATE analytique_compteur SET plancher = :n WHERE id = 1 AND plancher < :n"),
                    {"n": dernier})
    return n
