"""règles tenues par la base : une fiche retenue par élève et situation, listes fermées

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 22:00:00

1. ``fiche.situation`` holds the situation of the current version (filled here from ``fiche_version``), and the
   partial unique index ``uq_fiche_retenue`` (eleve_id, situation) WHERE retenue allows one retained fiche per
   student and situation. Existing data breaking that rule (the bug of two concurrent "retenir") is repaired, never
   refused: a fiche in the bin loses its mark (it keeps ``retenue_avant_corbeille``, as the bin does); among several
   retained fiches of one situation the most recently changed one stays retained (then the highest id), the others
   are simply no longer retained (their text is untouched).
2. Closed lists get a database rule built from the constants of passeport/models.py: appreciation.genre and
   origine, formulation.genre, objectif_pfmp.motif, extrait.origine (lieu, nature, complexité, aléas, niveaux and
   rôles already have theirs since 0001). A value outside a list (only a bug could have written one) is replaced by
   the neutral value of the list before the rule is added.
   PostgreSQL: CHECK constraints (ALTER TABLE … ADD CONSTRAINT, no copy). SQLite cannot add a CHECK to a table
   without copying it, and copying ``appreciation`` or ``extrait`` with foreign keys on would cascade-delete
   ``appreciation_version`` and ``extrait_fiche`` (as ``fiche`` would ``fiche_version``, see 0009): SQLite gets the
   same rules as triggers (BEFORE INSERT / UPDATE … RAISE(ABORT)), named like the CHECK constraints.
"""

from alembic import op
import sqlalchemy as sa

from passeport.models import (
    GENRES_APPRECIATION, MOTIFS_OBJECTIF, ORIGINES_APPRECIATION, ORIGINES_EXTRAIT, dans,
)

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# (table, column, allowed values, neutral value replacing anything else)
LISTES = (
    ("appreciation", "genre", GENRES_APPRECIATION, ""),
    ("appreciation", "origine", ORIGINES_APPRECIATION, "enseignant"),
    ("formulation", "genre", GENRES_APPRECIATION[1:], "mise_en_mots"),
    ("objectif_pfmp", "motif", MOTIFS_OBJECTIF, ""),
    ("extrait", "origine", ORIGINES_EXTRAIT, "choix"),
)

_fiche = sa.table('fiche', sa.column('id', sa.Integer), sa.column('eleve_id', sa.Integer),
                  sa.column('version_courante', sa.Integer), sa.column('situation', sa.String),
                  sa.column('retenue', sa.Boolean), sa.column('retenue_avant_corbeille', sa.Boolean),
                  sa.column('modifiee_le', sa.DateTime), sa.column('supprimee_le', sa.DateTime))
_version = sa.table('fiche_version', sa.column('fiche_id', sa.Integer), sa.column('numero', sa.Integer),
                    sa.column('situation', sa.String))


def _nom(table: str, colonne: str) -> str:
    return f"ck_{table}_{colonne}"


def _fiches_retenues_une_par_situation(conn) -> None:
    """Repair the data before the unique index (see the module's docstring)."""
    conn.execute(sa.update(_fiche).where(_fiche.c.retenue == sa.true(), _fiche.c.supprimee_le.is_not(None))
                 .values(retenue=False, retenue_avant_corbeille=True))
    retenues = conn.execute(
        sa.select(_fiche.c.id, _fiche.c.eleve_id, _fiche.c.situation)
        .where(_fiche.c.retenue == sa.true())
        .order_by(_fiche.c.eleve_id, _fiche.c.situation, _fiche.c.modifiee_le.desc(), _fiche.c.id.desc())
    ).all()
    vues, en_trop = set(), []
    for f in retenues:
        if (f.eleve_id, f.situation) in vues:
            en_trop.append(f.id)
        vues.add((f.eleve_id, f.situation))
    if en_trop:
        conn.execute(sa.update(_fiche).where(_fiche.c.id.in_(en_trop)).values(retenue=False))


def upgrade() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    # A plain ADD COLUMN on both databases (no copy of ``fiche``: see 0009).
    op.add_column('fiche', sa.Column('situation', sa.String(length=20), server_default='', nullable=False))
    courante = (sa.select(_version.c.situation)
                .where(_version.c.fiche_id == _fiche.c.id, _version.c.numero == _fiche.c.version_courante)
                .scalar_subquery())
    conn.execute(sa.update(_fiche).values(situation=sa.func.coalesce(courante, '')))
    _fiches_retenues_une_par_situation(conn)
    op.create_index(op.f('uq_fiche_retenue'), 'fiche', ['eleve_id', 'situation'], unique=True,
                    sqlite_where=sa.text('retenue'), postgresql_where=sa.text('retenue'))

    for table, colonne, valeurs, neutre in LISTES:
        t = sa.table(table, sa.column(colonne, sa.String))
        conn.execute(sa.update(t).where(t.c[colonne].not_in(valeurs) | t.c[colonne].is_(None))
                     .values({colonne: neutre}))
        condition = dans(colonne, valeurs)
        if sqlite:
            for quand in ("INSERT", f"UPDATE OF {colonne}"):
                suffixe = "insert" if quand == "INSERT" else "update"
                conn.exec_driver_sql(
                    f"CREATE TRIGGER {_nom(table, colonne)}_{suffixe} BEFORE {quand} ON {table} "
                    f"FOR EACH ROW WHEN NOT (NEW.{condition}) "
                    f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {_nom(table, colonne)}'); END")
        else:
            op.create_check_constraint(op.f(_nom(table, colonne)), table, condition)


def downgrade() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    for table, colonne, _valeurs, _neutre in reversed(LISTES):
        if sqlite:
            for suffixe in ("insert", "update"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_nom(table, colonne)}_{suffixe}")
        else:
            op.drop_constraint(op.f(_nom(table, colonne)), table, type_='check')
    op.drop_index(op.f('uq_fiche_retenue'), table_name='fiche')
    op.drop_column('fiche', 'situation')  # a plain column: SQLite 3.35+ drops it without copying the table
