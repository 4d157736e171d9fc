"""suivi : versions des appréciations, bibliothèque de formulations, questionnements, nouveautés, bilan du tuteur

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 09:43:07.635211
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('formulation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compte_id', sa.Integer(), nullable=False),
    sa.Column('situation', sa.String(length=20), nullable=False),
    sa.Column('genre', sa.String(length=20), nullable=False),
    sa.Column('texte', sa.Text(), nullable=False),
    sa.Column('utilisations', sa.Integer(), nullable=False),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.Column('retiree_le', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['compte_id'], ['compte.id'], name=op.f('fk_formulation_compte_id_compte')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_formulation'))
    )
    with op.batch_alter_table('formulation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_formulation_compte_id'), ['compte_id'], unique=False)

    op.create_table('lecture_fiche',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('compte_id', sa.Integer(), nullable=False),
    sa.Column('fiche_id', sa.Integer(), nullable=False),
    sa.Column('version_lue', sa.Integer(), nullable=False),
    sa.Column('lue_le', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['compte_id'], ['compte.id'], name=op.f('fk_lecture_fiche_compte_id_compte')),
    sa.ForeignKeyConstraint(['fiche_id'], ['fiche.id'], name=op.f('fk_lecture_fiche_fiche_id_fiche')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lecture_fiche')),
    sa.UniqueConstraint('compte_id', 'fiche_id', name=op.f('uq_lecture_fiche_compte_id_fiche_id'))
    )
    with op.batch_alter_table('lecture_fiche', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lecture_fiche_compte_id'), ['compte_id'], unique=False)

    op.create_table('questionnement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fiche_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('enseignant_id', sa.Integer(), nullable=False),
    sa.Column('questions', sa.Text(), nullable=False),
    sa.Column('ajout', sa.Text(), nullable=False),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enseignant_id'], ['compte.id'], name=op.f('fk_questionnement_enseignant_id_compte')),
    sa.ForeignKeyConstraint(['fiche_id'], ['fiche.id'], name=op.f('fk_questionnement_fiche_id_fiche')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnement'))
    )
    with op.batch_alter_table('questionnement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnement_fiche_id'), ['fiche_id'], unique=False)

    op.create_table('appreciation_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appreciation_id', sa.Integer(), nullable=False),
    sa.Column('numero', sa.Integer(), nullable=False),
    sa.Column('texte', sa.Text(), nullable=False),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['appreciation_id'], ['appreciation.id'], name=op.f('fk_appreciation_version_appreciation_id_appreciation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appreciation_version')),
    sa.UniqueConstraint('appreciation_id', 'numero', name=op.f('uq_appreciation_version_appreciation_id_numero'))
    )
    with op.batch_alter_table('appreciation_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appreciation_version_appreciation_id'), ['appreciation_id'], unique=False)

    with op.batch_alter_table('appreciation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origine', sa.String(length=20), server_default='enseignant', nullable=False))
        batch_op.add_column(sa.Column('genre', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('suite_de_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('version_courante', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('modifiee_le', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('retiree_le', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('lien_tuteur_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_appreciation_suite_de_id_appreciation'), 'appreciation', ['suite_de_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_appreciation_lien_tuteur_id_lien_tuteur'), 'lien_tuteur', ['lien_tuteur_id'], ['id'])

    with op.batch_alter_table('compte', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nouveautes_vues_le', sa.DateTime(), nullable=True))

    with op.batch_alter_table('objectif_pfmp', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vu_le', sa.DateTime(), nullable=True))

    with op.batch_alter_table('pfmp', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bilan_le', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('bilan_par', sa.String(length=200), server_default='', nullable=False))

    # Existing appréciations: those without an account or by a tutor's account came from the workplace, and each
    # one's text becomes its first version.
    op.execute("UPDATE appreciation SET origine = 'tuteur' WHERE auteur_id IS NULL "
               "OR auteur_id IN (SELECT id FROM compte WHERE role = 'tuteur')")
    op.execute("INSERT INTO appreciation_version (appreciation_id, numero, texte, cree_le) "
               "SELECT id, 1, texte, cree_le FROM appreciation")
    # Goals set before this version were shown in « Mes PFMP » already: they are not news.
    op.execute("UPDATE objectif_pfmp SET vu_le = cree_le")


def downgrade() -> None:
    with op.batch_alter_table('pfmp', schema=None) as batch_op:
        batch_op.drop_column('bilan_par')
        batch_op.drop_column('bilan_le')

    with op.batch_alter_table('objectif_pfmp', schema=None) as batch_op:
        batch_op.drop_column('vu_le')

    with op.batch_alter_table('compte', schema=None) as batch_op:
        batch_op.drop_column('nouveautes_vues_le')

    with op.batch_alter_table('appreciation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_appreciation_lien_tuteur_id_lien_tuteur'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_appreciation_suite_de_id_appreciation'), type_='foreignkey')
        batch_op.drop_column('lien_tuteur_id')
        batch_op.drop_column('retiree_le')
        batch_op.drop_column('modifiee_le')
        batch_op.drop_column('version_courante')
        batch_op.drop_column('suite_de_id')
        batch_op.drop_column('genre')
        batch_op.drop_column('origine')

    with op.batch_alter_table('appreciation_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appreciation_version_appreciation_id'))

    op.drop_table('appreciation_version')
    with op.batch_alter_table('questionnement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnement_fiche_id'))

    op.drop_table('questionnement')
    with op.batch_alter_table('lecture_fiche', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lecture_fiche_compte_id'))

    op.drop_table('lecture_fiche')
    with op.batch_alter_table('formulation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_formulation_compte_id'))

    op.drop_table('formulation')
