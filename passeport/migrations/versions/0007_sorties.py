"""sorties : extraits, épreuves locales, sélections et décisions CCF, réunions, publications, élèves sortis

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 15:43:24.917005
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('epreuve_locale',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('etablissement_id', sa.Integer(), nullable=False),
    sa.Column('referentiel', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('titre', sa.String(length=200), nullable=False),
    sa.Column('poles', sa.String(length=60), nullable=False),
    sa.Column('mode', sa.String(length=60), nullable=False),
    sa.Column('cree_par_id', sa.Integer(), nullable=False),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.Column('retiree_le', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['cree_par_id'], ['compte.id'], name=op.f('fk_epreuve_locale_cree_par_id_compte')),
    sa.ForeignKeyConstraint(['etablissement_id'], ['etablissement.id'], name=op.f('fk_epreuve_locale_etablissement_id_etablissement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_epreuve_locale')),
    sa.UniqueConstraint('etablissement_id', 'referentiel', 'code', name=op.f('uq_epreuve_locale_etablissement_id_referentiel_code'))
    )
    with op.batch_alter_table('epreuve_locale', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_epreuve_locale_etablissement_id'), ['etablissement_id'], unique=False)

    op.create_table('publication_ccf',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('division_id', sa.Integer(), nullable=False),
    sa.Column('epreuve', sa.String(length=20), nullable=False),
    sa.Column('publiee_par_id', sa.Integer(), nullable=False),
    sa.Column('publiee_le', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['division_id'], ['division.id'], name=op.f('fk_publication_ccf_division_id_division')),
    sa.ForeignKeyConstraint(['publiee_par_id'], ['compte.id'], name=op.f('fk_publication_ccf_publiee_par_id_compte')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication_ccf'))
    )
    with op.batch_alter_table('publication_ccf', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_ccf_division_id'), ['division_id'], unique=False)

    op.create_table('reunion_ccf',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('division_id', sa.Integer(), nullable=False),
    sa.Column('epreuve', sa.String(length=20), nullable=False),
    sa.Column('date_reunion', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('cree_par_id', sa.Integer(), nullable=False),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cree_par_id'], ['compte.id'], name=op.f('fk_reunion_ccf_cree_par_id_compte')),
    sa.ForeignKeyConstraint(['division_id'], ['division.id'], name=op.f('fk_reunion_ccf_division_id_division')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reunion_ccf'))
    )
    with op.batch_alter_table('reunion_ccf', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reunion_ccf_division_id'), ['division_id'], unique=False)

    op.create_table('decision_ccf',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('eleve_id', sa.Integer(), nullable=False),
    sa.Column('epreuve', sa.String(length=20), nullable=False),
    sa.Column('situation', sa.String(length=20), nullable=False),
    sa.Column('niveau', sa.Integer(), nullable=True),
    sa.Column('commentaire', sa.Text(), nullable=False),
    sa.Column('reunion_id', sa.Integer(), nullable=True),
    sa.Column('auteur_id', sa.Integer(), nullable=False),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.Column('remplace_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('niveau IS NULL OR niveau BETWEEN 1 AND 4', name=op.f('ck_decision_ccf_niveau')),
    sa.ForeignKeyConstraint(['auteur_id'], ['compte.id'], name=op.f('fk_decision_ccf_auteur_id_compte')),
    sa.ForeignKeyConstraint(['eleve_id'], ['eleve.id'], name=op.f('fk_decision_ccf_eleve_id_eleve')),
    sa.ForeignKeyConstraint(['remplace_id'], ['decision_ccf.id'], name=op.f('fk_decision_ccf_remplace_id_decision_ccf')),
    sa.ForeignKeyConstraint(['reunion_id'], ['reunion_ccf.id'], name=op.f('fk_decision_ccf_reunion_id_reunion_ccf')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_ccf')),
    sa.UniqueConstraint('remplace_id', name=op.f('uq_decision_ccf_remplace_id'))
    )
    with op.batch_alter_table('decision_ccf', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_ccf_eleve_id'), ['eleve_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_ccf_reunion_id'), ['reunion_id'], unique=False)
        batch_op.create_index('uq_decision_ccf_premiere', ['eleve_id', 'epreuve', 'situation'], unique=True, sqlite_where=sa.text('remplace_id IS NULL'), postgresql_where=sa.text('remplace_id IS NULL'))

    op.create_table('extrait',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('eleve_id', sa.Integer(), nullable=False),
    sa.Column('titre', sa.String(length=200), nullable=False),
    sa.Column('origine', sa.String(length=20), nullable=False),
    sa.Column('offre', sa.Text(), nullable=False),
    sa.Column('jeton_sha256', sa.String(length=64), nullable=True),
    sa.Column('expire_le', sa.DateTime(), nullable=True),
    sa.Column('revoque_le', sa.DateTime(), nullable=True),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['eleve_id'], ['eleve.id'], name=op.f('fk_extrait_eleve_id_eleve')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extrait')),
    sa.UniqueConstraint('jeton_sha256', name=op.f('uq_extrait_jeton_sha256'))
    )
    with op.batch_alter_table('extrait', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extrait_eleve_id'), ['eleve_id'], unique=False)

    op.create_table('reunion_present',
    sa.Column('reunion_id', sa.Integer(), nullable=False),
    sa.Column('compte_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['compte_id'], ['compte.id'], name=op.f('fk_reunion_present_compte_id_compte')),
    sa.ForeignKeyConstraint(['reunion_id'], ['reunion_ccf.id'], name=op.f('fk_reunion_present_reunion_id_reunion_ccf'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('reunion_id', 'compte_id', name=op.f('pk_reunion_present'))
    )
    op.create_table('extrait_fiche',
    sa.Column('extrait_id', sa.Integer(), nullable=False),
    sa.Column('fiche_id', sa.Integer(), nullable=False),
    sa.Column('rang', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['extrait_id'], ['extrait.id'], name=op.f('fk_extrait_fiche_extrait_id_extrait'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['fiche_id'], ['fiche.id'], name=op.f('fk_extrait_fiche_fiche_id_fiche')),
    sa.PrimaryKeyConstraint('extrait_id', 'fiche_id', name=op.f('pk_extrait_fiche'))
    )
    op.create_table('selection_ccf',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('eleve_id', sa.Integer(), nullable=False),
    sa.Column('epreuve', sa.String(length=20), nullable=False),
    sa.Column('fiche_id', sa.Integer(), nullable=False),
    sa.Column('choisie_par_id', sa.Integer(), nullable=False),
    sa.Column('choisie_le', sa.DateTime(), nullable=False),
    sa.Column('retiree_par_id', sa.Integer(), nullable=True),
    sa.Column('retiree_le', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['choisie_par_id'], ['compte.id'], name=op.f('fk_selection_ccf_choisie_par_id_compte')),
    sa.ForeignKeyConstraint(['eleve_id'], ['eleve.id'], name=op.f('fk_selection_ccf_eleve_id_eleve')),
    sa.ForeignKeyConstraint(['fiche_id'], ['fiche.id'], name=op.f('fk_selection_ccf_fiche_id_fiche')),
    sa.ForeignKeyConstraint(['retiree_par_id'], ['compte.id'], name=op.f('fk_selection_ccf_retiree_par_id_compte')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selection_ccf'))
    )
    with op.batch_alter_table('selection_ccf', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selection_ccf_eleve_id'), ['eleve_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_selection_ccf_fiche_id'), ['fiche_id'], unique=False)
        batch_op.create_index('uq_selection_ccf_active', ['epreuve', 'fiche_id'], unique=True, sqlite_where=sa.text('retiree_le IS NULL'), postgresql_where=sa.text('retiree_le IS NULL'))

    with op.batch_alter_table('eleve', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sorti_le', sa.Date(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('eleve', schema=None) as batch_op:
        batch_op.drop_column('sorti_le')

    with op.batch_alter_table('selection_ccf', schema=None) as batch_op:
        batch_op.drop_index('uq_selection_ccf_active', sqlite_where=sa.text('retiree_le IS NULL'), postgresql_where=sa.text('retiree_le IS NULL'))
        batch_op.drop_index(batch_op.f('ix_selection_ccf_fiche_id'))
        batch_op.drop_index(batch_op.f('ix_selection_ccf_eleve_id'))

    op.drop_table('selection_ccf')
    op.drop_table('extrait_fiche')
    op.drop_table('reunion_present')
    with op.batch_alter_table('extrait', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_extrait_eleve_id'))

    op.drop_table('extrait')
    with op.batch_alter_table('decision_ccf', schema=None) as batch_op:
        batch_op.drop_index('uq_decision_ccf_premiere', sqlite_where=sa.text('remplace_id IS NULL'), postgresql_where=sa.text('remplace_id IS NULL'))
        batch_op.drop_index(batch_op.f('ix_decision_ccf_reunion_id'))
        batch_op.drop_index(batch_op.f('ix_decision_ccf_eleve_id'))

    op.drop_table('decision_ccf')
    with op.batch_alter_table('reunion_ccf', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reunion_ccf_division_id'))

    op.drop_table('reunion_ccf')
    with op.batch_alter_table('publication_ccf', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_ccf_division_id'))

    op.drop_table('publication_ccf')
    with op.batch_alter_table('epreuve_locale', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_epreuve_locale_etablissement_id'))

    op.drop_table('epreuve_locale')
