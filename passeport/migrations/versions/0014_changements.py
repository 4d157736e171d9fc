"""journal des changements pour la copie d'analyse : compteur, une ligne par changement, déclencheurs

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 04:30:00

The analytics copy (analytics/entrepot.py) is refreshed from this log instead of scanning the store: see
passeport/changements.py for why triggers and why the numbers follow the commit order. The counter starts after
every existing row: a copy built before this migration has no generation and rebuilds once.
"""

import uuid

from alembic import op
import sqlalchemy as sa

from passeport import changements

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'analytique_compteur',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('numero', sa.BigInteger(), nullable=False),
        sa.Column('plancher', sa.BigInteger(), nullable=False),
        sa.Column('generation', sa.String(length=36), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_analytique_compteur_unique')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_analytique_compteur')),
    )
    op.create_table(
        'analytique_changement',
        sa.Column('numero', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('genre', sa.String(length=20), nullable=False),
        sa.Column('cle', sa.BigInteger(), nullable=False),
        sa.Column('division_id', sa.BigInteger(), nullable=True),
        sa.Column('fait_le', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('numero', name=op.f('pk_analytique_changement')),
    )
    op.create_index(op.f('ix_analytique_changement_fait_le'), 'analytique_changement', ['fait_le'], unique=False)
    compteur = sa.table('analytique_compteur', sa.column('id', sa.Integer), sa.column('numero', sa.BigInteger),
                        sa.column('plancher', sa.BigInteger), sa.column('generation', sa.String))
    op.bulk_insert(compteur, [{'id': 1, 'numero': 0, 'plancher': 0, 'generation': str(uuid.uuid4())}])
    changements.retablir_declencheurs(op.get_bind())


def downgrade() -> None:
    conn = op.get_bind()
    changements.suspendre_declencheurs(conn)
    if conn.dialect.name == 'postgresql':
        changements.supprimer_fonctions_postgresql(conn)
    op.drop_index(op.f('ix_analytique_changement_fait_le'), table_name='analytique_changement')
    op.drop_table('analytique_changement')
    op.drop_table('analytique_compteur')
