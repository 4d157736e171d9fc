"""objectifs de PFMP

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 09:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('objectif_pfmp',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pfmp_id', sa.Integer(), nullable=False),
    sa.Column('rang', sa.Integer(), nullable=False),
    sa.Column('situation', sa.String(length=20), nullable=False),
    sa.Column('motif', sa.String(length=40), nullable=False),
    sa.Column('consigne', sa.Text(), nullable=False),
    sa.Column('organisations', sa.Text(), nullable=False),
    sa.Column('cree_par_id', sa.Integer(), nullable=False),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cree_par_id'], ['compte.id'], name=op.f('fk_objectif_pfmp_cree_par_id_compte')),
    sa.ForeignKeyConstraint(['pfmp_id'], ['pfmp.id'], name=op.f('fk_objectif_pfmp_pfmp_id_pfmp')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objectif_pfmp')),
    sa.UniqueConstraint('pfmp_id', 'situation', name=op.f('uq_objectif_pfmp_pfmp_id_situation'))
    )
    with op.batch_alter_table('objectif_pfmp', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objectif_pfmp_pfmp_id'), ['pfmp_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('objectif_pfmp', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objectif_pfmp_pfmp_id'))
    op.drop_table('objectif_pfmp')
