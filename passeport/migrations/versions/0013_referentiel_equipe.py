"""référentiel complété par l'équipe : données, facteurs de complexité et aléas de chaque situation, avec historique

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 01:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # filled by the référentiel work of issue 14


def downgrade() -> None:
    pass
