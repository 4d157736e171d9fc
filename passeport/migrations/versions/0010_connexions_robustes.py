"""compteurs de connexion et de liens partagés en base, journal avec adresse, sessions à durée absolue

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 22:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
