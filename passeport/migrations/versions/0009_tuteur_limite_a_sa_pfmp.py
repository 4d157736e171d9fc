"""tuteur limité à sa PFMP : partage d'une fiche avec le tuteur d'une PFMP choisie, lien auteur du bilan,
marque « retenue » gardée dans la corbeille

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 18:53:19.909586

A fiche shared "with my tutors" (``partagee_tuteur``, every tutor) becomes shared with the tutor of ONE PFMP
(``partagee_pfmp_id``): the PFMP it is attached to; else the student's PFMP whose dates contain the fiche's date;
else the student's latest PFMP; a student without any PFMP keeps nothing shared (no tutor could read it anyway).
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_fiche = sa.table('fiche', sa.column('id', sa.Integer), sa.column('eleve_id', sa.Integer),
                  sa.column('pfmp_id', sa.Integer), sa.column('version_courante', sa.Integer),
                  sa.column('partagee_tuteur', sa.Boolean), sa.column('partagee_pfmp_id', sa.Integer))
_version = sa.table('fiche_version', sa.column('fiche_id', sa.Integer), sa.column('numero', sa.Integer),
                    sa.column('date_debut', sa.Date))
_pfmp = sa.table('pfmp', sa.column('id', sa.Integer), sa.column('eleve_id', sa.Integer),
                 sa.column('date_debut', sa.Date), sa.column('date_fin', sa.Date))


def _pfmp_du_partage(periodes: list, pfmp_id, jour):
    """The PFMP a fiche shared with "every tutor" is now shared with (see the module's docstring)."""
    if pfmp_id is not None:
        return pfmp_id
    pendant = [p for p in periodes if p.date_debut <= jour <= p.date_fin]
    choix = pendant or periodes
    return max(choix, key=lambda p: (p.date_debut, p.id)).id if choix else None


def upgrade() -> None:
    # No batch (copy-and-move) on SQLite here: dropping the old ``fiche`` table with foreign keys on would cascade
    # to ``fiche_version``. SQLite (3.35 or later) adds a column with an inline REFERENCES and drops a plain one.
    sqlite = op.get_bind().dialect.name == "sqlite"
    colonne = sa.Column('partagee_pfmp_id', sa.Integer(),
                        sa.ForeignKey('pfmp.id', name=op.f('fk_fiche_partagee_pfmp_id_pfmp')), nullable=True)
    if sqlite:
        op.add_column('fiche', colonne, inline_references=True)
    else:
        op.add_column('fiche', sa.Column('partagee_pfmp_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_fiche_partagee_pfmp_id_pfmp'), 'fiche', 'pfmp', ['partagee_pfmp_id'], ['id'])
    op.add_column('fiche', sa.Column('retenue_avant_corbeille', sa.Boolean(), server_default=sa.false(),
                                     nullable=False))
    op.create_index(op.f('ix_fiche_partagee_pfmp_id'), 'fiche', ['partagee_pfmp_id'], unique=False)

    conn = op.get_bind()
    partagees = conn.execute(
        sa.select(_fiche.c.id, _fiche.c.eleve_id, _fiche.c.pfmp_id, _version.c.date_debut)
        .join(_version, (_version.c.fiche_id == _fiche.c.id) & (_version.c.numero == _fiche.c.version_courante))
        .where(_fiche.c.partagee_tuteur == sa.true())
    ).all()
    periodes: dict[int, list] = {}
    for p in conn.execute(sa.select(_pfmp.c.id, _pfmp.c.eleve_id, _pfmp.c.date_debut, _pfmp.c.date_fin)):
        periodes.setdefault(p.eleve_id, []).append(p)
    for f in partagees:
        cible = _pfmp_du_partage(periodes.get(f.eleve_id, []), f.pfmp_id, f.date_debut)
        if cible is not None:
            conn.execute(sa.update(_fiche).where(_fiche.c.id == f.id).values(partagee_pfmp_id=cible))

    op.drop_column('fiche', 'partagee_tuteur')
    op.add_column('pfmp', sa.Column('bilan_lien_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        # SQLite cannot drop a column holding a foreign key: the table is copied, which is only safe with foreign
        # keys off (else dropping the old table cascades to fiche_version). Refuse rather than lose fiches.
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        if conn.exec_driver_sql("PRAGMA foreign_keys").scalar():
            raise RuntimeError("Retour à 0008 impossible sur SQLite dans une transaction déjà ouverte (clés "
                               "étrangères actives) : lancez-le seul, depuis 0009.")
    op.drop_column('pfmp', 'bilan_lien_id')
    op.add_column('fiche', sa.Column('partagee_tuteur', sa.Boolean(), server_default=sa.false(), nullable=False))
    conn.execute(sa.update(_fiche).where(_fiche.c.partagee_pfmp_id.is_not(None)).values(partagee_tuteur=True))
    op.drop_index(op.f('ix_fiche_partagee_pfmp_id'), table_name='fiche')
    op.drop_column('fiche', 'retenue_avant_corbeille')
    if sqlite:
        with op.batch_alter_table('fiche', schema=None) as batch_op:
            batch_op.drop_column('partagee_pfmp_id')
    else:
        op.drop_constraint(op.f('fk_fiche_partagee_pfmp_id_pfmp'), 'fiche', type_='foreignkey')
        op.drop_column('fiche', 'partagee_pfmp_id')
