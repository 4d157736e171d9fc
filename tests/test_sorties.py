"""The académie-wide outputs: the coverage export (in the app, and `passeport exporter couverture --format`).

The expected CSV files under tests/attendus/ were written by the implementation before issue 15 (pandas rows sorted
by name, then csv.writer cell by cell) on tests/petite_academie.py: the new one must give the same bytes."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from sqlalchemy.orm import Session

import analytics
from analytics import fichier_couverture
from analytics.exports import lignes_csv
from passeport.cli import main
from passeport.csvio import csv_octets
from passeport.db import creer_engine
from tests.petite_academie import creer_petite_academie

ATTENDUS = Path(__file__).parent / "attendus"
COLONNES = ["eleve", "division", "situation", "nb_fiches", "nb_reelles", "max_complexite", "max_aleas", "statut"]

pytestmark = [pytest.mark.store, pytest.mark.cli]


@pytest.fixture
def academie(db_env):
    engine = creer_engine(db_env)
    from passeport.schema import initialiser

    initialiser(engine)
    a = creer_petite_academie(engine)
    engine.dispose()
    e = analytics.Entrepot(db_env)
    e.actualiser()
    yield a, e
    e.fermer()


def test_the_export_in_numbers_written_by_hand(academie):
    a, e = academie
    df = analytics.export_couverture(e)
    assert list(df.columns) == COLONNES
    # 4 GA students × 55 situations + Noé's 37 AGORA situations; the inactive INE7 is not there.
    assert len(df) == 4 * 55 + 37
    # By division name (« "B" 1GA » < « -2GA;B » < 1GA1 < 2AG1), then identifiant (INE0 before INE1, created later).
    assert list(dict.fromkeys(df["eleve"])) == ["@E5", "=1+1", "INE0", "INE1", "INE2"]
    assert list(df["situation"][:3]) == ["1.1.1", "1.1.2", "1.1.3"]

    def ligne(eleve, situation):
        r = df[(df["eleve"] == eleve) & (df["situation"] == situation)]
        assert len(r) == 1
        return [None if pd.isna(v) else v for v in r.iloc[0].tolist()]

    assert ligne("INE1", "1.1.1") == ["INE1", "1GA1", "1.1.1", 2, 1, 1, 1, "evaluable"]
    assert ligne("INE1", "1.1.2") == ["INE1", "1GA1", "1.1.2", 1, 1, 2, 0, "une_fois"]
    assert ligne("INE1", "4.1.1") == ["INE1", "1GA1", "4.1.1", 0, 0, None, None, "non_traversee"]  # deleted fiche
    assert ligne("INE0", "1.1.3") == ["INE0", "1GA1", "1.1.3", 2, 0, 1, 0, "repetee"]
    assert ligne("INE2", "1.1.1") == ["INE2", "2AG1", "1.1.1", 1, 1, 3, 0, "une_fois"]
    assert ligne("=1+1", "2.1.1") == ["=1+1", "-2GA;B", "2.1.1", 1, 0, 1, 0, "une_fois"]
    assert df["nb_fiches"].sum() == 2 + 1 + 2 + 1 + 1
    # A division, an établissement.
    division = analytics.export_couverture(e, division_id=a.divisions["1GA1"])
    assert list(dict.fromkeys(division["eleve"])) == ["INE0", "INE1"] and len(division) == 110
    autre = analytics.export_couverture(e, etablissement_id=a.etablissements["0350002B"])
    assert list(dict.fromkeys(autre["eleve"])) == ["@E5"] and autre["nb_fiches"].sum() == 0


def test_cli_csv_is_byte_for_byte_the_former_export(academie, tmp_path, capsys):
    sortie = tmp_path / "couverture.csv"
    assert main(["exporter", "couverture", "--sortie", str(sortie)]) == 0
    assert "257 ligne(s) exportée(s) (5 élève(s))" in capsys.readouterr().out
    assert sortie.read_bytes() == (ATTENDUS / "couverture_petite_academie.csv").read_bytes()
    division = tmp_path / "division.csv"
    assert main(["exporter", "couverture", "--division=-2GA;B", "--format", "csv", "--sortie", str(division)]) == 0
    assert division.read_bytes() == (ATTENDUS / "couverture_petite_academie_division.csv").read_bytes()


def test_csv_neutralises_and_quotes_the_texts(academie):
    _, e = academie
    octets = fichier_couverture.octets_csv(analytics.export_couverture(e))
    assert octets.startswith("\ufeffeleve;division;situation;nb_fiches;nb_reelles;max_complexite;max_aleas;statut\r\n"
                             .encode())
    lignes = octets.decode("utf-8-sig").split("\r\n")
    assert lignes[1] == "'@E5;\"\"\"B\"\" 1GA\";1.1.1;0;0;;;non_traversee"
    assert "'=1+1;\"'-2GA;B\";2.1.1;1;0;1;0;une_fois" in lignes
    assert lignes[-1] == "" and len(lignes) == 1 + 257 + 1


def test_csv_is_the_csv_module_on_odd_texts():
    """Texts a spreadsheet or a CSV reader could misread: the same bytes as passeport.csvio's writer."""
    textes = ["-3", "+33 6", "'=x", "\tTab", "a\r\nb", 'dit "non"', "", "é;è", "@", "=", "ok"]
    df = pd.DataFrame({
        "eleve": pd.Categorical(textes), "division": pd.Categorical(["1GA1"] * len(textes)),
        "situation": pd.Categorical(["1.1.1"] * len(textes)), "nb_fiches": range(len(textes)),
        "nb_reelles": [0] * len(textes), "max_complexite": pd.array([None, 1] + [2] * 9, dtype="Int64"),
        "max_aleas": pd.array([0] * 10 + [None], dtype="Int64"),
        "statut": pd.Categorical(["une_fois"] * len(textes)),
    })
    attendu = csv_octets(list(df.columns), lignes_csv(df.astype(object)))
    assert fichier_couverture.octets_csv(df) == attendu


def test_cli_parquet_reads_back_equal(academie, tmp_path, capsys):
    _, e = academie
    sortie = tmp_path / "couverture.parquet"
    assert main(["exporter", "couverture", "--format", "parquet", "--sortie", str(sortie)]) == 0
    assert "257 ligne(s) exportée(s) (5 élève(s))" in capsys.readouterr().out
    table = pq.read_table(sortie)
    assert table.column_names == COLONNES and table.num_rows == 257
    assert str(table.schema.field("eleve").type) == "string"
    assert str(table.schema.field("max_complexite").type) == "int64"
    relu = table.to_pandas(types_mapper={"int64": pd.Int64Dtype()}.get)
    attendu = analytics.export_couverture(e)
    pd.testing.assert_frame_equal(relu.astype(object), attendu.astype(object), check_dtype=False)
    assert relu.iloc[1].tolist()[:3] == ["@E5", '"B" 1GA', "1.1.2"]  # texts as they are: no quote added


def test_cli_xlsx_for_a_division_only(academie, tmp_path, capsys):
    from openpyxl import load_workbook

    refus = tmp_path / "academie.xlsx"
    assert main(["exporter", "couverture", "--format", "xlsx", "--sortie", str(refus)]) == 1
    assert "réservé à une division" in capsys.readouterr().err and not refus.exists()
    sortie = tmp_path / "division.xlsx"
    assert main(["exporter", "couverture", "--division", "1GA1", "--format", "xlsx", "--sortie", str(sortie)]) == 0
    feuille = load_workbook(sortie)["Couverture"]
    lignes = [[c.value for c in r] for r in feuille.iter_rows()]
    entete = lignes.index(COLONNES)
    assert lignes[entete + 1] == ["INE0", "1GA1", "1.1.1", 0, 0, None, None, "non_traversee"]
    assert len(lignes) - entete - 1 == 110


@pytest.mark.parametrize("format_", ["xls", "json", ""])
def test_a_bad_format_gets_a_french_message_and_writes_nothing(academie, tmp_path, capsys, format_):
    sortie = tmp_path / "x.out"
    assert main(["exporter", "couverture", "--format", format_, "--sortie", str(sortie)]) == 1
    erreur = capsys.readouterr().err
    assert f"Format inconnu : « {format_} »" in erreur and "csv (par défaut), parquet" in erreur
    assert not sortie.exists()


def test_an_unwritable_file_gets_a_french_message(academie, tmp_path, capsys):
    for format_ in ("csv", "parquet"):
        assert main(["exporter", "couverture", "--format", format_,
                     "--sortie", str(tmp_path / "absent" / "x")]) == 1
        assert "Impossible d'écrire" in capsys.readouterr().err


def _ancien_export(e) -> pd.DataFrame:
    """The export before issue 15 (analytics.couverture.export_couverture then), kept as the reference."""
    df = analytics.couverture(e)
    df = df.sort_values(["division", "identifiant", "ordre"], kind="stable")
    return pd.DataFrame({
        "eleve": df["identifiant"], "division": df["division"], "situation": df["situation"],
        "nb_fiches": df["nb_fiches"].astype(int), "nb_reelles": df["nb_reelles"].astype(int),
        "max_complexite": df["max_complexite"].astype("Int64"), "max_aleas": df["max_aleas"].astype("Int64"),
        "statut": df["statut"],
    }).reset_index(drop=True)


def test_the_demo_school_exports_as_before(demo_db_url):
    e = analytics.Entrepot(demo_db_url)
    e.actualiser()
    try:
        ancien, nouveau = _ancien_export(e), analytics.export_couverture(e)
    finally:
        e.fermer()
    assert len(nouveau) == 72 * 55
    pd.testing.assert_frame_equal(nouveau.astype(object), ancien.astype(object))
    tampon = io.BytesIO()
    fichier_couverture.ecrire_csv(nouveau, tampon)
    assert tampon.getvalue() == csv_octets(list(ancien.columns), lignes_csv(ancien))


# --- what the pages show: the teacher's home counts, the organisations of the PFMP goals --------------------------


def test_home_counts_only_the_teachers_divisions(academie, db_env):
    from passeport.services.accueil import divisions_enseignant

    a, _ = academie
    engine = creer_engine(db_env)
    with Session(engine) as s:
        martin = divisions_enseignant(s, a.ecole.martin)
        leroy = divisions_enseignant(s, a.ecole.leroy)
    engine.dispose()
    # 1GA1: Léa, INE0 and the inactive INE7; fiches: Léa 3 (her deleted one does not count), INE0 2, INE7 1.
    assert [(d.division, d.eleves, d.fiches) for d in martin] == [("1GA1", 3, 6)]
    # 2AG1: Noé and his one fiche; none of 1GA1's or « -2GA;B »'s.
    assert [(d.division, d.referentiel, d.eleves, d.fiches) for d in leroy] == [("2AG1", "agora-2020", 1, 1)]


def test_pfmp_organisations_are_those_of_the_other_students_of_the_school(academie):
    from analytics.objectifs import organisations_pour

    a, e = academie

    def organisations(identifiant):
        return [tuple(r) for r in organisations_pour(e, a.eleves[identifiant]).itertuples(index=False)]

    # Real workplace fiches of Lycée test: Léa 1.1.1 and 1.1.2 at BIOMAG, Noé 1.1.1 at Mairie, the former student
    # INE7 1.1.1 at « Mairie » (spaces trimmed). Léa's simulated fiches and INE0's never count.
    assert organisations("INE0") == [("1.1.1", "Mairie", 2), ("1.1.1", "BIOMAG", 1), ("1.1.2", "BIOMAG", 1)]
    assert organisations("INE1") == [("1.1.1", "Mairie", 2)]  # not her own BIOMAG
    assert organisations("INE2") == [("1.1.1", "BIOMAG", 1), ("1.1.1", "Mairie", 1), ("1.1.2", "BIOMAG", 1)]
    assert organisations("@E5") == []  # another school
    # The goals carry them, most students first.
    o = analytics.objectifs(e, a.eleves["INE0"]).set_index("situation")
    assert o.loc["1.1.1", "organisations"] == ["Mairie", "BIOMAG"]


def test_after_a_change_only_that_class_is_computed_again(academie, db_env):
    """The académie export keeps each division's figures with the division's stamp: a fiche written in 1GA1
    recomputes 1GA1 only, and the export equals the one of a copy built afresh."""
    from sqlalchemy import select, update

    from passeport.db import transaction
    from passeport.models import Eleve, Fiche

    a, e = academie
    analytics.export_couverture(e)
    calculees = []
    vraie = e.requete_numpy

    def espionne(nom, **parametres):
        if nom == "export_couverture":
            calculees.append(sorted(parametres["divisions"]))
        return vraie(nom, **parametres)

    e.requete_numpy = espionne
    analytics.export_couverture(e)
    assert calculees == []  # nothing changed: every part is ready
    engine = creer_engine(db_env)
    with transaction(engine) as s:
        fiche_id = s.scalar(select(Fiche.id).join(Eleve, Eleve.id == Fiche.eleve_id)
                            .where(Eleve.division_id == a.divisions["1GA1"], Fiche.supprimee_le.is_(None)).limit(1))
        s.execute(update(Fiche).where(Fiche.id == fiche_id).values(supprimee_le=Fiche.modifiee_le))
    engine.dispose()
    e.actualiser()
    apres = analytics.export_couverture(e)
    assert calculees == [[a.divisions["1GA1"]]]
    assert apres["nb_fiches"].sum() == 2 + 1 + 2 + 1 + 1 - 1
    neuve = analytics.Entrepot(db_env, dossier=e.dossier / "neuve")
    try:
        neuve.actualiser()
        pd.testing.assert_frame_equal(apres, analytics.export_couverture(neuve))
    finally:
        neuve.fermer()


@pytest.mark.parametrize("taille", [1, 2, 100])
def test_written_lot_by_lot_the_file_is_the_same(academie, tmp_path, taille):
    """The command writes the académie lot by lot (its memory is a lot's): the same bytes as the whole table, and
    no division name is split between two lots (two schools' divisions of one name interleave by identifiant)."""
    from analytics.couverture import export_des_eleves, lots_d_eleves

    a, e = academie
    lots = list(lots_d_eleves(e, taille=taille))
    assert sum(len(lot) for lot in lots) == 5
    noms = [set(lot["division"]) for lot in lots]
    assert all(not (x & y) for i, x in enumerate(noms) for y in noms[i + 1:])
    entier = analytics.export_couverture(e)
    for format_ in ("csv", "parquet"):
        fichier_couverture.ecrire(entier, tmp_path / f"entier.{format_}", format_)
        n, eleves = fichier_couverture.ecrire_par_lots((export_des_eleves(e, lot) for lot in lots),
                                                      tmp_path / f"lots.{format_}", format_)
        assert (n, eleves) == (4 * 55 + 37, 5)
        if format_ == "csv":
            assert (tmp_path / "lots.csv").read_bytes() == (tmp_path / "entier.csv").read_bytes()
        else:
            assert pq.read_table(tmp_path / "lots.parquet").equals(pq.read_table(tmp_path / "entier.parquet"))
