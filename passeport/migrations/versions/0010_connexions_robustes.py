"""compteurs de connexion et de liens partagés en base, journal avec adresse, sessions à durée absolue

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 22:00:00

Failure counters move from one process's memory (and ``compte.echecs_connexion`` / ``compte.bloque_jusqua``, no
longer read) to the table ``compteur_echecs`` shared by every app instance; the journal gains the client's address.
No batch rebuild: SQLite adds a plain column in place.
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'compteur_echecs',
        sa.Column('cle', sa.String(length=80), nullable=False),
        sa.Column('echecs', sa.Integer(), nullable=False),
        sa.Column('dernier_le', sa.DateTime(), nullable=False),
        sa.Column('attente_jusqua', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('cle', name=op.f('pk_compteur_echecs')),
    )
    op.add_column('evenement_audit', sa.Column('adresse', sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column('evenement_audit', 'adresse')
    op.drop_table('compteur_echecs')
