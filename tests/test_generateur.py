"""The generated académie (passeport/generateur.py, `passeport generer`): sizes, content, seed, refusal."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import func, select, text

from passeport import referentiel
from passeport.cli import main
from passeport.db import creer_engine
from passeport.generateur import AcademieNonVide, divisions_prevues, generer_academie
from passeport.models import (
    Compte, Division, Eleve, Enseignant, Etablissement, Fiche, FicheVersion, Organisation, Pfmp, Positionnement,
    enseignant_division,
)
from passeport.schema import initialiser

JOUR = dt.date(2026, 11, 29)
# What is compared between two generations (the password hash is salted: left out).
TABLES_COMPAREES = [Etablissement, Division, Eleve, Enseignant, enseignant_division, Organisation, Pfmp, Fiche,
                    FicheVersion, Positionnement]


def _petite_academie(engine):
    return generer_academie(engine, 60, fiches_par_eleve=10, etablissements=2, graine=7, aujourd_hui=JOUR)


def _compter(engine, modele) -> int:
    table = getattr(modele, "__table__", modele)
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def _empreinte(engine) -> str:
    """SHA-256 of every row of the generated tables (sorted), accounts without their salted hash."""
    h = hashlib.sha256()
    with engine.connect() as conn:
        for modele in TABLES_COMPAREES:
            table = getattr(modele, "__table__", modele)
            for ligne in sorted(tuple(map(repr, r)) for r in conn.execute(select(table))):
                h.update(repr(ligne).encode())
        colonnes = [c for c in Compte.__table__.c if c.name != "mot_de_passe_hash"]
        for ligne in sorted(tuple(map(repr, r)) for r in conn.execute(select(*colonnes))):
            h.update(repr(ligne).encode())
    return h.hexdigest()


@pytest.mark.store
def test_a_small_academie_has_the_sizes_written_by_hand(fresh_db):
    bilan = _petite_academie(fresh_db)
    # 2 établissements of 30 students: 10 per level, one division of 10 per level each.
    assert (bilan.etablissements, bilan.divisions, bilan.eleves) == (2, 6, 60)
    # Fiches per student: 5 in 2nde, 10 in 1re, 15 in Tle (M × 0.5 / 1 / 1.5): 2 × 10 × (5 + 10 + 15).
    assert bilan.fiches == 600
    # Every tenth fiche of a student (the 4th, the 14th…) has a second version: 2 × 10 × (1 + 1 + 2) more.
    assert bilan.versions == 680
    # Per établissement: 2 économie-gestion teachers (3 divisions / 2) and 1 lettres-histoire teacher.
    assert bilan.enseignants == 6
    # PFMP begun or planned up to 120 days ahead (29 November 2026): 2nde 1, 1re 3, Tle 5 per student.
    assert bilan.pfmp == 2 * 10 * (1 + 3 + 5)
    for modele, attendu in [(Etablissement, 2), (Division, 6), (Eleve, 60), (Fiche, 600), (FicheVersion, 680),
                            (Enseignant, 6), (enseignant_division, 18), (Compte, 60 + 6 + 2), (Organisation, 80),
                            (Pfmp, 180), (Positionnement, bilan.positionnements)]:
        assert _compter(fresh_db, modele) == attendu, modele
    assert 0 < bilan.positionnements < 600 * 0.3
    assert divisions_prevues(60, 2) == 6 and divisions_prevues(20_000) == 8 * (34 + 34 + 34)
    with fresh_db.connect() as conn:
        noms = conn.execute(text("SELECT e.uai, d.nom, count(*) FROM division d JOIN etablissement e "
                                 "ON e.id = d.etablissement_id JOIN eleve l ON l.division_id = d.id "
                                 "GROUP BY e.uai, d.nom ORDER BY e.uai, d.nom")).all()
        assert [(n, c) for _, n, c in noms] == [("1GA01", 10), ("2GA01", 10), ("TGA01", 10)] * 2
        # Each division has its three teachers, all of its établissement.
        equipes = conn.execute(text("SELECT d.id, count(*) FROM enseignant_division ed JOIN division d "
                                    "ON d.id = ed.division_id JOIN enseignant n ON n.id = ed.enseignant_id "
                                    "JOIN compte c ON c.id = n.compte_id AND c.etablissement_id = d.etablissement_id "
                                    "GROUP BY d.id")).all()
        assert sorted(c for _, c in equipes) == [3] * 6


@pytest.mark.store
def test_fiches_are_plausible_and_not_in_the_future(fresh_db):
    _petite_academie(fresh_db)
    codes = set(referentiel.charger("ga-2012").situations)
    with fresh_db.connect() as conn:
        situations = set(conn.scalars(text("SELECT situation FROM fiche_version")))
        assert situations <= codes and len(situations) > 30
        # The fiche keeps its current version's situation (the unique index of retained fiches relies on it).
        assert conn.scalar(text("SELECT count(*) FROM fiche f JOIN fiche_version v ON v.fiche_id = f.id "
                                "AND v.numero = f.version_courante WHERE v.situation <> f.situation")) == 0
        assert conn.scalar(text("SELECT count(*) FROM fiche f WHERE NOT EXISTS (SELECT 1 FROM fiche_version v "
                                "WHERE v.fiche_id = f.id AND v.numero = f.version_courante)")) == 0
        debut, fin = conn.execute(text("SELECT max(date_debut), max(date_fin) FROM fiche_version")).one()
        assert str(debut) <= str(JOUR) and str(fin) <= str(JOUR)
        assert str(conn.scalar(text("SELECT max(cree_le) FROM fiche_version")))[:10] <= str(JOUR)
        assert str(conn.scalar(text("SELECT max(modifiee_le) FROM fiche")))[:10] <= str(JOUR)
        # Texts of a few sentences.
        longueur = conn.scalar(text("SELECT avg(length(titre) + length(contexte) + length(conditions) "
                                    "+ length(demarche) + length(productions)) FROM fiche_version"))
        assert 350 < float(longueur) < 1200
        lieux = dict(conn.execute(text("SELECT lieu, count(*) FROM fiche_version GROUP BY lieu")).all())
        assert set(lieux) == {"etablissement", "services_eple", "projet", "pfmp", "hors_formation"}
        assert {c for c, in conn.execute(text("SELECT DISTINCT complexite FROM fiche_version"))} == {1, 2, 3}
        assert {a for a, in conn.execute(text("SELECT DISTINCT aleas FROM fiche_version"))} == {0, 1, 2}
        # PFMP fiches point to a PFMP of their student, dated inside it.
        assert conn.scalar(text("SELECT count(*) FROM fiche f JOIN fiche_version v ON v.fiche_id = f.id "
                                "JOIN pfmp p ON p.id = f.pfmp_id WHERE p.eleve_id <> f.eleve_id "
                                "OR v.date_debut < p.date_debut OR v.date_debut > p.date_fin")) == 0
        assert conn.scalar(text("SELECT count(*) FROM fiche WHERE pfmp_id IS NOT NULL")) > 0
        # Retained fiches only from 1re on, never in the bin; positionnements by a teacher of the division.
        assert conn.scalar(text("SELECT count(*) FROM fiche f JOIN eleve e ON e.id = f.eleve_id JOIN division d "
                                "ON d.id = e.division_id WHERE f.retenue AND (d.niveau = '2nde' "
                                "OR f.supprimee_le IS NOT NULL)")) == 0
        assert conn.scalar(text("SELECT count(*) FROM fiche WHERE retenue")) > 0
        assert conn.scalar(text(
            "SELECT count(*) FROM positionnement p JOIN fiche f ON f.id = p.fiche_id JOIN eleve e "
            "ON e.id = f.eleve_id WHERE NOT EXISTS (SELECT 1 FROM enseignant n JOIN enseignant_division ed "
            "ON ed.enseignant_id = n.id WHERE n.compte_id = p.enseignant_id AND ed.division_id = e.division_id)")) == 0


@pytest.mark.store
def test_the_same_seed_gives_the_same_academie_and_another_seed_another(tmp_path):
    empreintes = []
    for nom, graine in (("a", 7), ("b", 7), ("c", 8)):
        engine = creer_engine(f"sqlite:///{tmp_path / nom}.sqlite")
        generer_academie(engine, 60, fiches_par_eleve=10, etablissements=2, graine=graine, aujourd_hui=JOUR)
        empreintes.append(_empreinte(engine))
        engine.dispose()
    assert empreintes[0] == empreintes[1] != empreintes[2]


@pytest.mark.store
def test_a_store_with_students_is_refused_and_left_unchanged(fresh_db):
    _petite_academie(fresh_db)
    avant = _compter(fresh_db, Fiche)
    with pytest.raises(AcademieNonVide):
        _petite_academie(fresh_db)
    assert _compter(fresh_db, Fiche) == avant


@pytest.mark.store
def test_the_change_log_restarts_after_the_load(fresh_db):
    from passeport import changements

    with fresh_db.begin() as conn:
        avant = changements.estampille(conn)
    _petite_academie(fresh_db)
    with fresh_db.begin() as conn:
        apres = changements.estampille(conn)
        # Nothing logged row by row during the load; every copy rebuilds (new generation, floor at the counter).
        assert conn.scalar(text("SELECT count(*) FROM analytique_changement")) == 0
        assert apres.generation != avant.generation and apres.plancher == apres.numero
        # The triggers are back: the next write is logged.
        conn.execute(text("UPDATE fiche SET supprimee_le = :t, modifiee_le = :t WHERE id = 1"),
                     {"t": dt.datetime(2026, 11, 29, 18, 0, 1)})
    with fresh_db.begin() as conn:
        assert changements.estampille(conn).numero > apres.numero


def test_postgresql_gives_the_same_academie_as_sqlite(pg_url, tmp_path):
    sqlite = creer_engine(f"sqlite:///{tmp_path / 'a.sqlite'}")
    postgres = creer_engine(pg_url)
    try:
        for engine in (sqlite, postgres):
            _petite_academie(engine)
        assert _compter(postgres, FicheVersion) == 680
        assert _empreinte(postgres) == _empreinte(sqlite)
        # The sequences were moved past the inserted ids: the application can add rows.
        with postgres.begin() as conn:
            assert conn.scalar(text("SELECT nextval(pg_get_serial_sequence('fiche', 'id'))")) == 601
    finally:
        sqlite.dispose()
        postgres.dispose()


@pytest.mark.cli
def test_cli_generer_then_refuses_a_store_with_students(db_env, capsys):
    assert main(["generer", "--eleves", "30", "--fiches-par-eleve", "4"]) == 0
    sortie = capsys.readouterr().out
    assert "1 établissement(s), 3 divisions, 30 élèves, 3 enseignants, 120 fiches" in sortie
    assert "mot de passe academie-generee" in sortie
    engine = creer_engine(db_env)
    with engine.connect() as conn:
        assert str(conn.scalar(text("SELECT max(date_debut) FROM fiche_version"))) <= str(dt.date.today())
    assert main(["generer", "--eleves", "30"]) == 1
    assert capsys.readouterr().err.strip() == (
        "La base contient déjà des élèves : l'académie générée ne se charge que dans une base sans élève "
        "(base neuve ou vidée).")
    assert _compter(engine, Fiche) == 120
    engine.dispose()


@pytest.mark.cli
def test_cli_generer_checks_its_numbers_before_writing(db_env, capsys):
    with pytest.raises(SystemExit):
        main(["generer", "--eleves", "0"])
    assert "nombre au moins égal à 1 attendu : 0" in capsys.readouterr().err
    assert main(["generer", "--eleves", "3", "--etablissements", "4"]) == 1
    assert "entre 1 et le nombre d'élèves" in capsys.readouterr().err
    engine = creer_engine(db_env)
    assert initialiser(engine) is True  # refused before anything was written, the schema included
    engine.dispose()
