"""conservation et purge : durée de conservation des comptes d'anciens élèves, réglée par établissement

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 22:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no table rebuild on SQLite): the range 3–36 months is checked by the service.
    with op.batch_alter_table('etablissement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conservation_mois', sa.Integer(), server_default='12', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('etablissement', schema=None) as batch_op:
        batch_op.drop_column('conservation_mois')
