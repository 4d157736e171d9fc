"""Exports worth handing to a meeting: French headers, title rows, names and identifiants, filters honoured, frozen
header, colours of the screen with a legend, and no formula injection (OWASP « CSV injection ») in xlsx or CSV.

The school (tests/ecole.py, 1GA1 taught by claire.martin) gets two more students whose names a spreadsheet would
run as formulas; every figure below is counted by hand:
- Léa MOREAU (INE1): 1.1.1 simulée at the établissement on 10/09/2026 (c1 a0) and réelle in PFMP on 20/11/2026
  (c1 a1, positioned « Maîtrisé ») → évaluable; 1.1.2 réelle in PFMP on 01/10/2026 (c2 a0) → une fois.
- « =1+1 » « +33 6 12 34 56 78 » (identifiant « @SUM(A1) »): 1.1.1 réelle in PFMP on 01/10/2026 (c1 a0) → une fois;
  2.1.1 twice simulée at the établissement on 01/10/2026 (c1 a0) → répétée.
- « -x » Zoé (INE4): nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

import analytics
from analytics import Entrepot, Filtres
from analytics.exports import classeur, csv_couverture, filtres_en_mots, xlsx_carte, xlsx_synthese, Feuille
from passeport.acces import OPERATEUR
from passeport.csvio import csv_octets, lire_csv, neutraliser, restaurer
from passeport.db import transaction
from passeport.libelles import COULEURS_NIVEAU, COULEURS_STATUT, ENCRES_STATUT, STATUTS
from passeport.models import (
    Compte, Division, Eleve, Fiche, FicheVersion, Lieu, Nature, Positionnement, Role,
)
from passeport.services import cockpit
from passeport.services.exports import exporter_fiches
from passeport.services.imports import importer_fiches
from passeport.statut import Statut
from tests.donnees import ENTETE_FICHES, texte_csv
from tests.ecole import creer_ecole

pytestmark = pytest.mark.store

JOUR = dt.date(2027, 3, 5)
DANGEREUX = ["=1+1", "+33 6 12 34 56 78", "-x", "@SUM(A1)"]


def _fiche(eleve, situation, complexite, aleas, nature, lieu, jour, titre=None):
    cree = dt.datetime.combine(jour, dt.time(10))
    return Fiche(eleve=eleve, cree_le=cree, modifiee_le=cree,
                 versions=[FicheVersion(numero=1, situation=situation, titre=titre or f"Fiche {situation}",
                                        date_debut=jour, lieu=lieu, nature=nature, organisation="BIOMAG",
                                        complexite=complexite, aleas=aleas, cree_le=cree)])


@pytest.fixture
def classe(fresh_db):
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        lea = s.get(Eleve, ecole.lea.eleve_id)
        division = s.scalar(select(Division).where(Division.nom == "1GA1"))
        formule = Eleve(identifiant="@SUM(A1)", division=division,
                        compte=Compte(login="formule", role=Role.ELEVE, nom="=1+1", prenom="+33 6 12 34 56 78"))
        zoe = Eleve(identifiant="INE4", division=division, compte=Compte(login="zoe", role=Role.ELEVE, nom="-x",
                                                                          prenom="Zoé"))
        R, S, P, E = Nature.REELLE, Nature.SIMULEE, Lieu.PFMP, Lieu.ETABLISSEMENT
        fiches = [
            _fiche(lea, "1.1.1", 1, 0, S, E, dt.date(2026, 9, 10)),
            _fiche(lea, "1.1.1", 1, 1, R, P, dt.date(2026, 11, 20)),
            _fiche(lea, "1.1.2", 2, 0, R, P, dt.date(2026, 10, 1)),
            _fiche(formule, "1.1.1", 1, 0, R, P, dt.date(2026, 10, 1)),
            _fiche(formule, "2.1.1", 1, 0, S, E, dt.date(2026, 10, 1)),
            _fiche(formule, "2.1.1", 1, 0, S, E, dt.date(2026, 10, 1)),
        ]
        s.add_all([formule, zoe, *fiches])
        s.flush()
        s.add(Positionnement(fiche_id=fiches[1].id, enseignant_id=ecole.martin.compte_id, niveau=4,
                             cree_le=dt.datetime(2026, 11, 21)))
        division_id = division.id
    entrepot = Entrepot(fresh_db.url.render_as_string(hide_password=False))
    yield fresh_db, ecole, entrepot, division_id
    entrepot.fermer()


def _lignes(contenu: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(contenu.decode("utf-8-sig"), newline=""), delimiter=";"))


# --- neutralisation ----------------------------------------------------------------------------------------------


def test_neutralise_and_restore_are_exact_inverses():
    assert [neutraliser(t) for t in DANGEREUX] == ["'=1+1", "'+33 6 12 34 56 78", "'-x", "'@SUM(A1)"]
    assert neutraliser("\tTab") == "'\tTab" and neutraliser("\rCR") == "'\rCR"
    # Plain numbers are numbers, not formulas; ordinary texts are left alone.
    assert [neutraliser(t) for t in ("-3", "+2", "-1,5", "Léa", "'déjà", "", "a=b")] == [
        "-3", "+2", "-1,5", "Léa", "'déjà", "", "a=b"]
    # A text that already begins with a quote before a formula character gets one more quote.
    assert neutraliser("'=x") == "''=x" and restaurer("''=x") == "'=x"
    for texte in [*DANGEREUX, "'=x", "''-y", "'déjà", "-3", "Léa", "", "'", "\t", "=", "'+"]:
        assert restaurer(neutraliser(texte)) == texte, texte
    assert restaurer("'=1+1") == "=1+1" and restaurer("'déjà") == "'déjà"


def test_csv_quotes_formula_texts_and_keeps_numbers():
    contenu = csv_octets(["Nom", "Écart"], [["=1+1", -3], ["-x", 2], ["Léa", None]], titre=["Titre", "Sous-titre"])
    assert _lignes(contenu) == [["Titre"], ["Sous-titre"], [], ["Nom", "Écart"], ["'=1+1", "-3"], ["'-x", "2"],
                                ["Léa", ""]]


def test_xlsx_keeps_formula_texts_as_strings():
    feuille = Feuille("Essai", "Essai", ["détail"], ["Nom", "Nombre"], [[t, -1] for t in DANGEREUX] + [["\tTab", 2]])
    ws = load_workbook(io.BytesIO(classeur([feuille])))["Essai"]
    valeurs = [(ws.cell(r, 1).value, ws.cell(r, 1).data_type, ws.cell(r, 2).value, ws.cell(r, 2).data_type)
               for r in range(5, 10)]
    assert valeurs == [("=1+1", "s", -1, "n"), ("+33 6 12 34 56 78", "s", -1, "n"), ("-x", "s", -1, "n"),
                       ("@SUM(A1)", "s", -1, "n"), ("\tTab", "s", 2, "n")]


def test_filters_in_words():
    assert filtres_en_mots() == "Filtres : période tout le passeport · lieux : tous · natures : réelles et simulées"
    assert filtres_en_mots(Filtres(debut=dt.date(2026, 9, 1), fin=dt.date(2027, 8, 31), lieux=("pfmp", "projet"),
                                   natures=("reelle",))) == (
        "Filtres : période du 01/09/2026 au 31/08/2027 · lieux : Projet, PFMP · natures : Réelle")
    assert filtres_en_mots(Filtres(debut=dt.date(2026, 11, 1))) == (
        "Filtres : période à partir du 01/11/2026 · lieux : tous · natures : réelles et simulées")


# --- the heatmap -------------------------------------------------------------------------------------------------


def _carte(classe, metrique="statut", filtres=analytics.TOUT):
    engine, ecole, entrepot, division_id = classe
    with transaction(engine) as s:
        carte = cockpit.carte_de_la_division(s, ecole.martin, entrepot, division_id, metrique, filtres)
    return load_workbook(io.BytesIO(xlsx_carte(carte, analytics.METRIQUES[metrique], "1GA1", "2026-2027", filtres,
                                               JOUR)))


def _rgb(cellule) -> str:
    return cellule.fill.fgColor.rgb[-6:].upper()


def test_heatmap_xlsx_for_a_meeting(classe):
    wb = _carte(classe)
    assert wb.sheetnames == ["Carte", "Situations", "Légende"]
    ws = wb["Carte"]
    assert ws["A1"].value == "Carte de la classe 1GA1 — Statut"
    assert ws["A2"].value == "Division 1GA1 (2026-2027) · exporté le 05/03/2027"
    assert ws["A3"].value == "Filtres : période tout le passeport · lieux : tous · natures : réelles et simulées"
    entetes = [c.value for c in ws[6]]
    assert entetes[:5] == ["Nom", "Prénom", "Identifiant", "1.1.1", "1.1.2"]
    assert entetes[-1] == "Situations évaluables" and len(entetes) == 3 + 55 + 1
    assert ws.freeze_panes == "D7"
    # Sorted by coverage: Léa (one évaluable), then « =1+1 » (two crossed), then « -x » (nothing).
    assert [[ws.cell(r, c).value for c in (1, 2, 3)] for r in (7, 8, 9)] == [
        ["Moreau", "Léa", "INE1"], ["=1+1", "+33 6 12 34 56 78", "@SUM(A1)"], ["-x", "Zoé", "INE4"]]
    assert {ws.cell(r, c).data_type for r in (8, 9) for c in (1, 2, 3)} == {"s"}
    col = {code: i + 1 for i, code in enumerate(entetes)}
    assert [ws.cell(7, col[c]).value for c in ("1.1.1", "1.1.2", "2.1.1")] == ["Évaluable", "Traversée une fois",
                                                                              "Non traversée"]
    assert ws.cell(8, col["2.1.1"]).value == "Répétée"
    # Colours of the screen, from passeport.libelles.
    for r, code, statut in [(7, "1.1.1", Statut.EVALUABLE), (7, "1.1.2", Statut.UNE_FOIS),
                            (8, "2.1.1", Statut.REPETEE), (9, "1.1.1", Statut.NON_TRAVERSEE)]:
        cellule = ws.cell(r, col[code])
        assert _rgb(cellule) == COULEURS_STATUT[statut].lstrip("#").upper()
        assert cellule.font.color.rgb[-6:].upper() == ENCRES_STATUT[statut].lstrip("#").upper()
    # Totals: évaluables per student, then per situation in the last row.
    assert [ws.cell(r, col["Situations évaluables"]).value for r in (7, 8, 9)] == [1, 0, 0]
    assert ws.cell(10, 1).value == "Situations évaluables" and ws.cell(10, col["1.1.1"]).value == 1
    assert ws.column_dimensions["A"].width == len("Situations évaluables") + 2
    # Columns fitted to their content.
    assert ws.column_dimensions["B"].width == len("+33 6 12 34 56 78") + 2
    assert ws.column_dimensions["D"].width == len("Traversée une fois") + 2
    situations = wb["Situations"]
    assert [c.value for c in situations[4]] == ["Situation", "Intitulé", "Pôle", "Classe de situations"]
    assert situations["A5"].value == "1.1.1" and situations.freeze_panes == "B5"
    legende = wb["Légende"]
    couleurs = {legende.cell(r, 1).value: _rgb(legende.cell(r, 1)) for r in range(5, legende.max_row + 1)
                if legende.cell(r, 1).fill.fill_type == "solid"}
    assert couleurs == {STATUTS[s]: COULEURS_STATUT[s].lstrip("#").upper() for s in Statut}


def test_heatmap_xlsx_of_positionnement_names_levels_and_never_averages(classe):
    ws = _carte(classe, "positionnement")["Carte"]
    entetes = [c.value for c in ws[6]]
    assert len(entetes) == 3 + 55  # no total column: levels are never averaged
    cellule = ws.cell(7, entetes.index("1.1.1") + 1)
    assert cellule.value == "Maîtrisé" and _rgb(cellule) == COULEURS_NIVEAU[4].lstrip("#").upper()
    assert ws.cell(7, entetes.index("1.1.2") + 1).value is None
    assert ws.max_row == 9  # three students, no total row


def test_heatmap_xlsx_honours_the_filters(classe):
    ws = _carte(classe, "nb_fiches", Filtres(lieux=("pfmp",)))
    assert ws["Carte"]["A3"].value == "Filtres : période tout le passeport · lieux : PFMP · natures : réelles et simulées"
    feuille = ws["Carte"]
    entetes = [c.value for c in feuille[6]]
    # By coverage with PFMP only: Léa (2 crossed), « =1+1 » (1 crossed), « -x ».
    assert [feuille.cell(r, 1).value for r in (7, 8, 9)] == ["Moreau", "=1+1", "-x"]
    assert [feuille.cell(7, entetes.index(c) + 1).value for c in ("1.1.1", "1.1.2", "2.1.1")] == [1, 1, 0]
    assert feuille.cell(8, entetes.index("2.1.1") + 1).value == 0
    assert [feuille.cell(r, len(entetes)).value for r in (7, 8, 9)] == [2, 1, 0]


# --- the coverage CSV --------------------------------------------------------------------------------------------


def _couverture(classe, filtres=analytics.TOUT) -> list[list[str]]:
    engine, ecole, entrepot, division_id = classe
    with transaction(engine) as s:
        export = cockpit.export_de_la_division(s, ecole.martin, entrepot, division_id, filtres)
    return _lignes(csv_couverture(export, "1GA1", "2026-2027", filtres, JOUR))


def _par_cle(lignes):
    return {(l[2], l[3]): l for l in lignes[5:]}


def test_coverage_csv_has_a_title_french_headers_names_and_identifiants(classe):
    lignes = _couverture(classe)
    assert lignes[:5] == [
        ["Couverture du référentiel — division 1GA1"], ["Division 1GA1 (2026-2027) · exporté le 05/03/2027"],
        ["Filtres : période tout le passeport · lieux : tous · natures : réelles et simulées"], [],
        ["Nom", "Prénom", "Identifiant", "Situation", "Intitulé", "Fiches", "dont réelles",
         "Complexité maximale (1 à 3)", "Aléas maximum (0 à 2)", "Statut"]]
    assert len(lignes) == 5 + 3 * 55
    # Students by name (« -x » and « =1+1 » before letters), situations in référentiel order; formulas neutralised.
    assert [l[:4] for l in (lignes[5], lignes[60], lignes[115])] == [
        ["'-x", "Zoé", "INE4", "1.1.1"], ["'=1+1", "'+33 6 12 34 56 78", "'@SUM(A1)", "1.1.1"],
        ["Moreau", "Léa", "INE1", "1.1.1"]]
    lea = _par_cle(lignes)
    assert lea[("INE1", "1.1.1")][4:] == ["Tenue des dossiers fournisseurs et sous-traitants", "2", "1", "1", "1",
                                          "Évaluable"]
    assert lea[("INE4", "1.1.1")][5:] == ["0", "0", "", "", "Non traversée"]


@pytest.mark.parametrize("filtres, attendu", [
    # (identifiant, situation) → fiches, statut; every other line has 0 fiches.
    (Filtres(lieux=("pfmp",)), {("INE1", "1.1.1"): ("1", "Traversée une fois"),
                                ("INE1", "1.1.2"): ("1", "Traversée une fois"),
                                ("'@SUM(A1)", "1.1.1"): ("1", "Traversée une fois")}),
    (Filtres(natures=("simulee",)), {("INE1", "1.1.1"): ("1", "Traversée une fois"),
                                     ("'@SUM(A1)", "2.1.1"): ("2", "Répétée")}),
    (Filtres(debut=dt.date(2026, 11, 1), fin=dt.date(2026, 11, 30)), {("INE1", "1.1.1"): ("1", "Traversée une fois")}),
])
def test_coverage_csv_honours_the_cockpit_filters(classe, filtres, attendu):
    lignes = _couverture(classe, filtres)
    assert lignes[2] == [filtres_en_mots(filtres)]
    comptees = {cle: (l[5], l[9]) for cle, l in _par_cle(lignes).items() if l[5] != "0"}
    assert comptees == attendu


# --- the synthesis -----------------------------------------------------------------------------------------------


def test_synthesis_xlsx_in_french(classe):
    engine, ecole, entrepot, division_id = classe
    filtres = Filtres(natures=("reelle",))
    with transaction(engine) as s:
        synthese = cockpit.synthese_de_la_division(s, ecole.martin, entrepot, division_id, filtres, 3, 1,
                                                   dt.date(2026, 12, 31))
    wb = load_workbook(io.BytesIO(xlsx_synthese(synthese, "1GA1", "2026-2027", filtres, 3, 1, JOUR)))
    assert wb.sheetnames == ["Situations", "Élèves silencieux", "Fiches par semaine", "Lieux par élève"]
    sit = wb["Situations"]
    assert sit["A1"].value == "Synthèse de la classe 1GA1 — situations"
    assert sit["A3"].value == "Filtres : période tout le passeport · lieux : tous · natures : Réelle"
    assert [c.value for c in sit[5]] == [
        "Situation", "Intitulé", "Pôle", "Classe de situations", "Élèves de la division", "Élèves l'ayant traversée",
        "Élèves pour qui elle est évaluable", "Fiches", "dont réelles", "dont simulées",
        "Peu traversée (1 élèves ou moins)", "Seulement en simulation"]
    assert sit.freeze_panes == "C6"
    # Real fiches only: 1.1.1 by Léa and « =1+1 ».
    assert [c.value for c in sit[6]][:1] + [c.value for c in sit[6]][4:] == [
        "1.1.1", 3, 2, 0, 2, 2, 0, "non", "non"]
    silence = wb["Élèves silencieux"]
    assert [c.value for c in silence[5]] == ["Nom", "Prénom", "Identifiant", "Dernière fiche écrite",
                                             "Semaines sans écrire", "Fiches"]
    assert [silence.cell(6, c).value for c in (1, 2, 3, 4)] == ["-x", "Zoé", "INE4", "jamais"]
    assert silence.cell(6, 1).data_type == "s"
    lieux = wb["Lieux par élève"]
    entetes = [c.value for c in lieux[5]]
    assert entetes[:3] == ["Nom", "Prénom", "Identifiant"] and "PFMP" in entetes and entetes[-1] == "Total"
    lignes = {lieux.cell(r, 3).value: [lieux.cell(r, c).value for c in range(1, len(entetes) + 1)]
              for r in range(6, 9)}
    assert lignes["INE1"][entetes.index("PFMP")] == 2 and lignes["INE1"][-1] == 2
    assert lignes["@SUM(A1)"][:2] == ["=1+1", "+33 6 12 34 56 78"] and lignes["@SUM(A1)"][-1] == 1


# --- interchange round trip ----------------------------------------------------------------------------------------


def test_fiches_export_import_round_trip_keeps_formula_like_texts(fresh_db, tmp_path):
    creer_ecole(fresh_db)
    titres = ["- Relance d'un client", "=1+1", "+33 6 12 34 56 78", "@SUM(A1)", "'=déjà cité", "\tTabulé"]
    ligne = ["INE1", "1.1.2", "", "2026-10-05", "2026-10-06", "pfmp", "reelle", "=HYPERLINK(\"x\")", "c", "Je …",
             "d", "bon", "2", "Urgence", "1", "Panne", "0"]
    lignes = [[*ligne[:2], t, *ligne[3:]] for t in titres]
    # A hand-made file without quotes is read as it is (the organisation); a field of quotes before a formula
    # character loses one quote (the titles, written as our export writes them).
    with transaction(fresh_db) as s:
        importer_fiches(s, OPERATEUR, texte_csv(ENTETE_FICHES, [[*l[:2], neutraliser(l[2]), *l[3:]] for l in lignes]))
    with Session(fresh_db) as s:
        assert sorted(s.scalars(select(FicheVersion.titre))) == sorted(titres)
    sortie = tmp_path / "fiches.csv"
    with Session(fresh_db) as s:
        assert exporter_fiches(s, sortie) == len(titres)
    exporte = _lignes(sortie.read_bytes())
    assert [l[2] for l in exporte[1:]] == ["'- Relance d'un client", "'=1+1", "'+33 6 12 34 56 78", "'@SUM(A1)",
                                           "''=déjà cité", "'\tTabulé"]
    assert {l[7] for l in exporte[1:]} == {"'=HYPERLINK(\"x\")"}
    assert [l.valeurs["titre"] for l in lire_csv(sortie, ENTETE_FICHES)] == titres
    # Import of our own export, then export again: the same file, byte for byte.
    with transaction(fresh_db) as s:
        s.query(FicheVersion).delete()
        s.query(Fiche).delete()
    with transaction(fresh_db) as s:
        importer_fiches(s, OPERATEUR, sortie.read_bytes())
    with Session(fresh_db) as s:
        assert sorted(s.scalars(select(FicheVersion.titre))) == sorted(titres)
        assert set(s.scalars(select(FicheVersion.organisation))) == {"=HYPERLINK(\"x\")"}
    encore = tmp_path / "encore.csv"
    with Session(fresh_db) as s:
        exporter_fiches(s, encore)
    assert encore.read_bytes() == sortie.read_bytes()


# --- the administrator's journal ------------------------------------------------------------------------------------


def test_journal_csv_has_french_headers_and_neutralises_what_a_tutor_typed(fresh_db):
    from passeport.services import audit

    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        audit.journaliser(s, "lien_tuteur_premier_usage", None, "tuteur", eleve_id=ecole.lea.eleve_id,
                          details='=HYPERLINK("http://exemple.invalid","Cliquez")')
    with transaction(fresh_db) as s:
        lignes = _lignes(audit.journal_csv(s, ecole.admin))
    assert lignes[0] == ["Date", "Compte", "Rôle", "Action", "Objet", "N° de l'objet", "Élève (identifiant)",
                         "Détails", "Adresse"]
    assert lignes[1][6:8] == ["INE1", "'=HYPERLINK(\"http://exemple.invalid\",\"Cliquez\")"]
