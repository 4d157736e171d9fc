"""référentiel complété par l'équipe : données, facteurs de complexité et aléas de chaque situation, avec historique

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 01:00:00

Two new tables: ``liste_equipe`` (the lines a school's team adds to a situation card, beside the official ones of
referentiels/<nom>-complexite-aleas.csv) and ``liste_equipe_historique`` (who added, changed or removed what, when).
The rules that must never be false are the database's: one label once per school × référentiel × situation × type
(unique constraint), a type in the closed list of passeport/models.py TYPES_LISTE and a non-empty label (CHECK).
Migration 0011 used triggers on SQLite because SQLite cannot add a CHECK to an existing table without copying it;
these tables are new, so both databases get real CHECK constraints at creation, the same ones as the models.
"""

from alembic import op
import sqlalchemy as sa

from passeport.models import ACTIONS_LISTE, TYPES_LISTE, dans

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'liste_equipe',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('etablissement_id', sa.Integer(), nullable=False),
        sa.Column('referentiel', sa.String(length=40), nullable=False),
        sa.Column('situation', sa.String(length=20), nullable=False),
        sa.Column('type', sa.String(length=20), nullable=False),
        sa.Column('libelle', sa.String(length=200), nullable=False),
        sa.Column('cree_par_id', sa.Integer(), nullable=True),
        sa.Column('cree_le', sa.DateTime(), nullable=False),
        sa.Column('modifie_par_id', sa.Integer(), nullable=True),
        sa.Column('modifie_le', sa.DateTime(), nullable=True),
        sa.CheckConstraint(dans('type', TYPES_LISTE), name=op.f('ck_liste_equipe_type')),
        sa.CheckConstraint('length(trim(libelle)) > 0', name=op.f('ck_liste_equipe_libelle')),
        sa.ForeignKeyConstraint(['etablissement_id'], ['etablissement.id'],
                                name=op.f('fk_liste_equipe_etablissement_id_etablissement')),
        sa.ForeignKeyConstraint(['cree_par_id'], ['compte.id'], name=op.f('fk_liste_equipe_cree_par_id_compte')),
        sa.ForeignKeyConstraint(['modifie_par_id'], ['compte.id'], name=op.f('fk_liste_equipe_modifie_par_id_compte')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_liste_equipe')),
        sa.UniqueConstraint('etablissement_id', 'referentiel', 'situation', 'type', 'libelle',
                            name='uq_liste_equipe_ligne'),
    )
    op.create_index(op.f('ix_liste_equipe_etablissement_id'), 'liste_equipe', ['etablissement_id'], unique=False)
    op.create_table(
        'liste_equipe_historique',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('etablissement_id', sa.Integer(), nullable=False),
        sa.Column('referentiel', sa.String(length=40), nullable=False),
        sa.Column('situation', sa.String(length=20), nullable=False),
        sa.Column('type', sa.String(length=20), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('ancien', sa.String(length=200), nullable=False),
        sa.Column('nouveau', sa.String(length=200), nullable=False),
        sa.Column('compte_id', sa.Integer(), nullable=True),
        sa.Column('auteur_nom', sa.String(length=200), nullable=False),
        sa.Column('cree_le', sa.DateTime(), nullable=False),
        sa.CheckConstraint(dans('action', ACTIONS_LISTE), name=op.f('ck_liste_equipe_historique_action')),
        sa.CheckConstraint(dans('type', TYPES_LISTE), name=op.f('ck_liste_equipe_historique_type')),
        sa.ForeignKeyConstraint(['etablissement_id'], ['etablissement.id'],
                                name=op.f('fk_liste_equipe_historique_etablissement_id_etablissement')),
        sa.ForeignKeyConstraint(['compte_id'], ['compte.id'], name=op.f('fk_liste_equipe_historique_compte_id_compte')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_liste_equipe_historique')),
    )
    op.create_index(op.f('ix_liste_equipe_historique_etablissement_id'), 'liste_equipe_historique',
                    ['etablissement_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_liste_equipe_historique_etablissement_id'), table_name='liste_equipe_historique')
    op.drop_table('liste_equipe_historique')
    op.drop_index(op.f('ix_liste_equipe_etablissement_id'), table_name='liste_equipe')
    op.drop_table('liste_equipe')
