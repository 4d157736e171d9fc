"""rentrée depuis SIECLE et STS-web : identifiant externe des comptes, divisions passées des élèves

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 08:30:00

``compte.id_externe`` keeps the person's number in SIECLE or STS-web (unique within the school) so that the next
year's import finds the same account. ``division_passee`` is written by a trigger on ``eleve.division_id``: the
students a division had stay known after they move on, whatever moved them.
"""

from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

_SQLITE = """
CREATE TRIGGER division_passee_eleve AFTER UPDATE OF division_id ON eleve
WHEN OLD.division_id <> NEW.division_id
BEGIN
    INSERT INTO division_passee (eleve_id, division_id, quittee_le)
    VALUES (OLD.id, OLD.division_id, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END
"""
_POSTGRESQL = [
    """
    CREATE FUNCTION division_passee_noter() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO division_passee (eleve_id, division_id, quittee_le)
        VALUES (OLD.id, OLD.division_id, timezone('utc', clock_timestamp()));
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER division_passee_eleve AFTER UPDATE OF division_id ON eleve FOR EACH ROW
    WHEN (OLD.division_id IS DISTINCT FROM NEW.division_id) EXECUTE FUNCTION division_passee_noter()
    """,
]


def upgrade() -> None:
    # A plain ADD COLUMN and an index: no rebuild of compte (SQLite would drop its triggers of migration 0014).
    op.add_column('compte', sa.Column('id_externe', sa.String(length=60), nullable=True))
    op.create_index('uq_compte_id_externe', 'compte', ['etablissement_id', 'id_externe'], unique=True)
    op.create_table(
        'division_passee',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('eleve_id', sa.Integer(), nullable=False),
        sa.Column('division_id', sa.Integer(), nullable=False),
        sa.Column('quittee_le', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['division_id'], ['division.id'], name=op.f('fk_division_passee_division_id_division'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['eleve_id'], ['eleve.id'], name=op.f('fk_division_passee_eleve_id_eleve'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_division_passee')),
    )
    op.create_index(op.f('ix_division_passee_division_id'), 'division_passee', ['division_id'], unique=False)
    op.create_index(op.f('ix_division_passee_eleve_id'), 'division_passee', ['eleve_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        for instruction in _POSTGRESQL:
            op.execute(instruction)
    else:
        op.execute(_SQLITE)


def downgrade() -> None:
    op.execute('DROP TRIGGER IF EXISTS division_passee_eleve' +
               (' ON eleve' if op.get_bind().dialect.name == 'postgresql' else ''))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS division_passee_noter()')
    op.drop_index(op.f('ix_division_passee_eleve_id'), table_name='division_passee')
    op.drop_index(op.f('ix_division_passee_division_id'), table_name='division_passee')
    op.drop_table('division_passee')
    op.drop_index('uq_compte_id_externe', table_name='compte')
    op.drop_column('compte', 'id_externe')  # ALTER TABLE … DROP COLUMN: SQLite ≥ 3.35 keeps the triggers
