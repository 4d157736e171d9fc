"""Migrations: from an empty database to the models, twice, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from passeport.db import creer_engine
from passeport.models import Base
from passeport.schema import config_alembic, initialiser, revision_actuelle, revision_cible

pytestmark = pytest.mark.store

TABLES = {
    "alembic_version", "appreciation", "appreciation_version", "formulation", "lecture_fiche", "questionnement", "compte", "contexte_reutilisable", "division", "session_utilisateur", "eleve", "enseignant", "enseignant_division",
    "etablissement", "evenement_audit", "fiche", "fiche_version", "lien_tuteur", "objectif_pfmp", "organisation", "pfmp", "piece_jointe",
    "positionnement", "tuteur", "extrait", "extrait_fiche", "epreuve_locale", "selection_ccf", "reunion_ccf",
    "reunion_present", "decision_ccf", "publication_ccf", "brouillon", "compteur_echecs", "liste_equipe", "liste_equipe_historique",
    "analytique_compteur", "analytique_changement", "division_passee",
}


def _verifier_initialiser_deux_fois(url):
    engine = creer_engine(url)
    assert revision_actuelle(engine) is None
    assert initialiser(engine) is True
    assert set(inspect(engine).get_table_names()) == TABLES
    assert revision_actuelle(engine) == revision_cible()
    assert initialiser(engine) is False
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
        # The migrated schema is exactly the models' schema: nothing left for autogenerate to add.
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    engine.dispose()


def test_initialiser_twice_on_empty_database(empty_db_url):
    _verifier_initialiser_deux_fois(empty_db_url)


def test_initialiser_twice_on_postgresql(pg_url):
    _verifier_initialiser_deux_fois(pg_url)


def test_migrations_form_one_linear_chain():
    script = ScriptDirectory.from_config(config_alembic())
    revisions = list(script.walk_revisions())
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1
    for revision in revisions:
        assert revision.down_revision is None or isinstance(revision.down_revision, str)


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path):
    engine = creer_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    engine.dispose()


def test_database_url_spellings(monkeypatch):
    from passeport.db import normaliser_url, url_configuree

    assert normaliser_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert normaliser_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert url_configuree().endswith("data/passeport.sqlite")


def test_migration_0006_keeps_existing_appreciations_and_goals(tmp_path):
    """Upgraded from 0005: each appréciation gets its text as version 1 and tutors' ones are marked as such;
    goals already shown are not news."""
    from alembic import command

    engine = creer_engine(f"sqlite:///{tmp_path / 'ancienne.sqlite'}")
    command.upgrade(config_alembic(engine), "0005")
    with engine.begin() as c:
        for sql in (
            "INSERT INTO etablissement (id, uai, nom, quota_pieces_jointes_mo) VALUES (1, '0350001A', 'Lycée', 200)",
            "INSERT INTO compte (id, login, role, nom, prenom, email, actif, doit_changer_mot_de_passe, "
            "echecs_connexion, cree_le) VALUES (1, 'eleve', 'eleve', '', '', '', 1, 0, 0, '2026-09-01'), "
            "(2, 'prof', 'enseignant', '', '', '', 1, 0, 0, '2026-09-01'), "
            "(3, 'tuteur', 'tuteur', '', '', '', 1, 0, 0, '2026-09-01')",
            "INSERT INTO division (id, etablissement_id, nom, niveau, annee_scolaire, referentiel) "
            "VALUES (1, 1, '1GA1', '1re', '2026-2027', 'ga-2012')",
            "INSERT INTO eleve (id, compte_id, identifiant, division_id) VALUES (1, 1, 'INE1', 1)",
            "INSERT INTO organisation (id, nom, forme, secteur, ville) VALUES (1, 'BIOMAG', '', '', '')",
            "INSERT INTO pfmp (id, eleve_id, organisation_id, date_debut, date_fin, objectifs, bilan_tuteur, "
            "bilan_situations) VALUES (1, 1, 1, '2026-11-16', '2026-12-11', '', '', '{}')",
            "INSERT INTO objectif_pfmp (pfmp_id, rang, situation, motif, consigne, organisations, cree_par_id, cree_le) "
            "VALUES (1, 1, '2.1.1', '', '', '', 2, '2026-11-10 10:00:00')",
            "INSERT INTO appreciation (id, eleve_id, auteur_id, auteur_nom, texte, cree_le) VALUES "
            "(1, 1, 2, 'Prof', 'Bien vu.', '2026-11-02 10:00:00'), (2, 1, 3, 'Tuteur', 'Sérieuse.', '2026-11-03'), "
            "(3, 1, NULL, 'Par le lien', 'Ponctuelle.', '2026-11-04')",
        ):
            c.execute(text(sql))
    initialiser(engine)
    with engine.connect() as c:
        assert c.execute(text("SELECT id, origine, version_courante FROM appreciation ORDER BY id")).all() == [
            (1, "enseignant", 1), (2, "tuteur", 1), (3, "tuteur", 1)]
        assert c.execute(text("SELECT appreciation_id, numero, texte FROM appreciation_version ORDER BY 1")).all() == [
            (1, 1, "Bien vu."), (2, 1, "Sérieuse."), (3, 1, "Ponctuelle.")]
        assert c.execute(text("SELECT vu_le FROM objectif_pfmp")).scalar() == "2026-11-10 10:00:00"
    engine.dispose()


def test_migration_0009_shares_each_shared_fiche_with_one_pfmp(tmp_path):
    """Upgraded from 0008: a fiche shared "with my tutors" goes to its attached PFMP, else to the PFMP holding its
    date, else to the latest; a student without PFMP keeps nothing shared; unshared fiches stay unshared."""
    from alembic import command

    engine = creer_engine(f"sqlite:///{tmp_path / 'ancienne.sqlite'}")
    command.upgrade(config_alembic(engine), "0008")
    fiches = [  # id, student, attached PFMP, shared, date of the current version (version 2; version 1 is older)
        (1, 1, 1, 1, "2026-10-05"), (2, 1, None, 1, "2026-11-20"), (3, 1, None, 1, "2026-09-01"),
        (4, 1, None, 0, "2026-11-20"), (5, 2, None, 1, "2026-11-20"),
    ]
    with engine.begin() as c:
        for sql in (
            "INSERT INTO etablissement (id, uai, nom, quota_pieces_jointes_mo) VALUES (1, '0350001A', 'Lycée', 200)",
            "INSERT INTO compte (id, login, role, nom, prenom, email, actif, doit_changer_mot_de_passe, "
            "echecs_connexion, cree_le) VALUES (1, 'lea', 'eleve', '', '', '', 1, 0, 0, '2026-09-01'), "
            "(2, 'noe', 'eleve', '', '', '', 1, 0, 0, '2026-09-01')",
            "INSERT INTO division (id, etablissement_id, nom, niveau, annee_scolaire, referentiel) "
            "VALUES (1, 1, '1GA1', '1re', '2026-2027', 'ga-2012')",
            "INSERT INTO eleve (id, compte_id, identifiant, division_id) VALUES (1, 1, 'INE1', 1), (2, 2, 'INE2', 1)",
            "INSERT INTO organisation (id, nom, forme, secteur, ville) VALUES (1, 'BIOMAG', '', '', '')",
            "INSERT INTO pfmp (id, eleve_id, organisation_id, date_debut, date_fin, objectifs, bilan_tuteur, "
            "bilan_situations) VALUES (1, 1, 1, '2026-06-01', '2026-06-26', '', '', '{}'), "
            "(2, 1, 1, '2026-11-16', '2026-12-11', '', '', '{}'), (3, 1, 1, '2027-03-01', '2027-03-26', '', '', '{}')",
        ):
            c.execute(text(sql))
        for fiche_id, eleve_id, pfmp_id, partagee, jour in fiches:
            c.execute(text("INSERT INTO fiche (id, eleve_id, version_courante, retenue, pfmp_id, partagee_tuteur, "
                           "cree_le, modifiee_le) VALUES (:i, :e, 2, 0, :p, :s, '2026-09-01', '2026-09-01')"),
                      {"i": fiche_id, "e": eleve_id, "p": pfmp_id, "s": partagee})
            for numero, date in ((1, "2026-11-25"), (2, jour)):
                c.execute(text(
                    "INSERT INTO fiche_version (fiche_id, numero, situation, titre, date_debut, lieu, nature, "
                    "organisation, contexte, conditions, demarche, productions, complexite, complexite_details, "
                    "aleas, aleas_details, cree_le) VALUES (:f, :n, '1.1.2', 't', :d, 'pfmp', 'reelle', '', '', '', "
                    "'', '', 1, '', 0, '', '2026-09-01')"), {"f": fiche_id, "n": numero, "d": date})
    command.upgrade(config_alembic(engine), "0009")  # later revisions go down one at a time
    with engine.connect() as c:
        assert c.execute(text("SELECT id, partagee_pfmp_id, retenue_avant_corbeille FROM fiche ORDER BY id")).all() == [
            (1, 1, 0), (2, 2, 0), (3, 3, 0), (4, None, 0), (5, None, 0)]
        assert "partagee_tuteur" not in {col["name"] for col in inspect(engine).get_columns("fiche")}
        assert c.execute(text("SELECT count(*) FROM fiche_version")).scalar() == 10  # nothing cascaded away
    command.downgrade(config_alembic(engine), "0008")
    with engine.connect() as c:
        assert c.execute(text("SELECT id, partagee_tuteur FROM fiche ORDER BY id")).all() == [
            (1, 1), (2, 1), (3, 1), (4, 0), (5, 0)]
        assert c.execute(text("SELECT count(*) FROM fiche_version")).scalar() == 10
    engine.dispose()
