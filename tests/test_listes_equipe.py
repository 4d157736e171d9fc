"""The référentiel completed by the team: lists per school, history, CSV import/export, students' suggestions."""

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from passeport.db import transaction
from passeport.models import (
    Compte, Division, Eleve, Etablissement, HistoriqueListe, LigneListe, Lieu, Nature, Niveau, Role,
)
from passeport.services import fiches, listes_equipe as L
from passeport.services.comptes import Utilisateur
from passeport.services.fiches import ContenuFiche
from tests.ecole import creer_ecole

pytestmark = pytest.mark.store
GA = "ga-2012"


def _eleves(engine, uai: str, n: int, etab_id: int | None = None) -> list[Utilisateur]:
    """``n`` students of a 1GA division of the school ``uai`` (created when ``etab_id`` is None)."""
    with transaction(engine) as s:
        etab = s.get(Etablissement, etab_id) if etab_id else Etablissement(uai=uai, nom=f"Lycée {uai}")
        division = Division(etablissement=etab, nom=f"1GA{uai[-1]}", niveau=Niveau.PREMIERE, annee_scolaire="2026-2027")
        eleves = [Eleve(compte=Compte(login=f"e{uai}{i}", role=Role.ELEVE, prenom="É", nom=f"{uai}-{i}",
                                      etablissement=etab), identifiant=f"{uai}-{i}", division=division)
                  for i in range(n)]
        s.add_all(eleves)
        s.flush()
        return [Utilisateur(e.compte.id, e.compte.login, Role.ELEVE, "", etab.id, e.id) for e in eleves]


def _fiche(engine, eleve, situation, complexite_details="", aleas_details=""):
    contenu = ContenuFiche(situation=situation, titre="Une situation", date_debut=dt.date(2026, 10, 5),
                           lieu=Lieu.ETABLISSEMENT, nature=Nature.REELLE, complexite=2, aleas=1,
                           complexite_details=complexite_details, aleas_details=aleas_details)
    with transaction(engine) as s:
        return fiches.nouvelle_fiche(s, eleve, contenu).id


@pytest.fixture
def deux_ecoles(fresh_db):
    ecole = creer_ecole(fresh_db)
    a = _eleves(fresh_db, "0350001A", 4, ecole.admin.etablissement_id)
    b = _eleves(fresh_db, "0290002B", 2)
    # School A, situation 1.2.1 (no official list, no team list). Written by hand: who wrote what.
    _fiche(fresh_db, a[0], "1.2.1", "Client étranger|Délai très court", "Panne du logiciel")
    _fiche(fresh_db, a[1], "1.2.1", "client etranger.|Plusieurs interlocuteurs", "Panne du logiciel")
    _fiche(fresh_db, a[2], "1.2.1", "Délai très court ; Client étranger\n- Plusieurs interlocuteurs")
    _fiche(fresh_db, a[3], "1.2.1", "Plusieurs interlocuteurs|CLIENT ÉTRANGER|Dossier incomplet")
    _fiche(fresh_db, ecole.lea, "1.2.1", "Dossier incomplet|Client étranger", "Panne du logiciel")
    # Deleted fiche: never counted.
    supprimee = _fiche(fresh_db, a[3], "1.2.1", "Erreur de TVA", "")
    with transaction(fresh_db) as s:
        fiches.supprimer(s, a[3], supprimee)
    _fiche(fresh_db, a[0], "1.2.1", "", "")  # a second fiche of a[0]: nothing more
    _fiche(fresh_db, a[2], "1.2.2", "Erreur de TVA", "")  # another situation
    _fiche(fresh_db, a[1], "1.2.2", "Erreur de TVA", "")
    # School B: the same situation, its own words.
    _fiche(fresh_db, b[0], "1.2.1", "Facture en devise|Client étranger")
    _fiche(fresh_db, b[1], "1.2.1", "Facture en devise", "Panne du logiciel")
    return fresh_db, ecole, a, b


def test_suggested_factors_come_from_other_students_of_the_same_school(deux_ecoles):
    engine, ecole, a, b = deux_ecoles
    with transaction(engine) as s:
        p = L.propositions(s, ecole.lea, GA, "1.2.1")
    # Client étranger: a0, a1, a2, a3 (4 students; lea's own fiche does not count); Plusieurs interlocuteurs: a1,
    # a2, a3 (3); Délai très court: a0, a2 (2); Dossier incomplet: a3 only once lea is left out (1: not shown);
    # Facture en devise: school B only; Erreur de TVA: a deleted fiche and another situation.
    assert p.facteurs_suggeres == ["Client étranger", "Plusieurs interlocuteurs", "Délai très court"]
    assert p.aleas_suggeres == ["Panne du logiciel"]  # a0 and a1 besides lea herself (school B's b1 never counts)
    assert p.facteurs == [] and p.aleas == []


def test_aleas_need_two_other_students_and_other_schools_never_count(deux_ecoles):
    engine, ecole, a, b = deux_ecoles
    with transaction(engine) as s:
        pour_martin = L.propositions(s, ecole.martin, GA, "1.2.1")
        pour_b = L.propositions(s, b[0], GA, "1.2.1")
    # A teacher: every student of the school counts (lea too): Panne du logiciel a0, a1, lea.
    assert pour_martin.aleas_suggeres == ["Panne du logiciel"]
    assert pour_martin.facteurs_suggeres == ["Client étranger", "Plusieurs interlocuteurs", "Délai très court",
                                             "Dossier incomplet"]
    # School B's student: only b[1] besides themselves wrote there: under the minimum of two students.
    assert pour_b.facteurs_suggeres == [] and pour_b.aleas_suggeres == []


def test_a_team_list_replaces_the_suggestions_and_official_lines_stay(deux_ecoles):
    engine, ecole, a, b = deux_ecoles
    with transaction(engine) as s:
        L.ajouter(s, ecole.martin, GA, "1.2.1", "complexite", "Client étranger (hors UE)")
        L.ajouter(s, ecole.admin, GA, "1.1.1", "complexite", "Fournisseur en redressement judiciaire")
    with transaction(engine) as s:
        p = L.propositions(s, ecole.lea, GA, "1.2.1")
        officielle = L.propositions(s, ecole.lea, GA, "1.1.1")
        de_b = L.propositions(s, b[0], GA, "1.1.1")
    assert p.facteurs == ["Client étranger (hors UE)"] and p.facteurs_suggeres == []
    assert officielle.facteurs[:5] == ["Absence de fichier fournisseur", "Fournisseur également client",
                                       "Sous-traitant d'un fournisseur", "Tarifs conditionnels et variables",
                                       "Fournisseurs UE et hors UE"]
    assert officielle.facteurs[5:] == ["Fournisseur en redressement judiciaire"]
    assert de_b.facteurs == officielle.facteurs[:5]  # another school's team list is not theirs


def test_add_edit_remove_with_history_and_database_rules(deux_ecoles):
    engine, ecole, a, b = deux_ecoles
    with transaction(engine) as s:
        ligne = L.ajouter(s, ecole.martin, GA, "3.1.1", "alea", "Absence d'un salarié")
        with pytest.raises(L.ListeInvalide, match="déjà dans la liste"):
            L.ajouter(s, ecole.leroy, GA, "3.1.1", "alea", "absence d'un salarie")
        with pytest.raises(L.ListeInvalide, match="Type « risque » inconnu"):
            L.ajouter(s, ecole.leroy, GA, "3.1.1", "risque", "Grève")
        with pytest.raises(L.ListeInvalide, match="Libellé vide"):
            L.ajouter(s, ecole.leroy, GA, "3.1.1", "alea", "  ")
        L.modifier(s, ecole.leroy, ligne.ligne_id, "Absence imprévue d'un salarié")
        L.retirer(s, ecole.admin, ligne.ligne_id)
    with transaction(engine) as s:
        h = L.historique(s, ecole.martin, GA)
        assert [(x.action, x.auteur, x.ancien, x.nouveau) for x in reversed(h)] == [
            ("ajout", ecole.martin.nom_complet, "", "Absence d'un salarié"),
            ("modification", ecole.leroy.nom_complet, "Absence d'un salarié", "Absence imprévue d'un salarié"),
            ("suppression", ecole.admin.nom_complet, "Absence imprévue d'un salarié", ""),
        ]
        assert s.scalar(select(func.count(LigneListe.id))) == 0
    for valeurs in ({"type": "risque", "libelle": "Grève"}, {"type": "alea", "libelle": " "}):
        with pytest.raises(IntegrityError), transaction(engine) as s:
            s.add(LigneListe(etablissement_id=ecole.admin.etablissement_id, referentiel=GA, situation="3.1.1",
                             **valeurs))
    with transaction(engine) as s:
        s.add(LigneListe(etablissement_id=ecole.admin.etablissement_id, referentiel=GA, situation="3.1.1", type="alea",
                         libelle="Grève"))
    with pytest.raises(IntegrityError), transaction(engine) as s:
        s.add(LigneListe(etablissement_id=ecole.admin.etablissement_id, referentiel=GA, situation="3.1.1", type="alea",
                         libelle="Grève"))


FICHIER = ("situation_code;type;libelle\n"
           "1.1.1;complexite;Absence de fichier fournisseur\n"  # an official line: already there
           "2.1.1;donnee;Registre unique du personnel\n"
           "2.1.1;complexite;Salarié en contrat aidé\n"
           "2.1.1;alea;Pièce justificative manquante\n").encode()


def test_import_all_or_nothing_then_idempotent_and_export_round_trip(deux_ecoles):
    engine, ecole, a, b = deux_ecoles
    mauvais = ("situation_code;type;libelle\n"
               "9.9.9;alea;Grève\n"
               "2.1.1;risque;Grève\n"
               "2.1.1;alea;\n"
               "2.1.1;alea;" + "x" * 201 + "\n"
               "2.1.1;alea;Grève\n"
               "2.1.1;alea;grève.\n").encode()
    with pytest.raises(L.ListeInvalide) as refus, transaction(engine) as s:
        L.importer_csv(s, ecole.martin, GA, mauvais)
    assert refus.value.erreurs == [
        "ligne 2 : situation 9.9.9 inconnue du référentiel ga-2012",
        "ligne 3 : type « risque » inconnu (donnee, complexite ou alea)",
        "ligne 4 : libellé vide",
        "ligne 5 : libellé trop long (201 caractères, 200 au plus)",
        "ligne 7 : « grève. » en double (déjà à la ligne 6)",
    ]
    with transaction(engine) as s:
        assert s.scalar(select(func.count(LigneListe.id))) == 0
        assert L.importer_csv(s, ecole.martin, GA, FICHIER) == L.BilanImport(ajoutees=3, deja_presentes=1)
    with transaction(engine) as s:
        assert L.importer_csv(s, ecole.admin, GA, FICHIER) == L.BilanImport(ajoutees=0, deja_presentes=4)
        assert s.scalar(select(func.count(LigneListe.id))) == 3
        assert s.scalar(select(func.count(HistoriqueListe.id))) == 3
        export = L.exporter_csv(s, ecole.martin, GA)
    lignes = export.decode().splitlines()
    assert lignes[0] == "situation_code;type;libelle"
    assert len(lignes) == 1 + 16 + 3  # the 16 official lines of 1.1.1, then the team's, in référentiel order
    assert lignes[-3:] == ["2.1.1;donnee;Registre unique du personnel", "2.1.1;complexite;Salarié en contrat aidé",
                           "2.1.1;alea;Pièce justificative manquante"]
    with transaction(engine) as s:
        assert L.importer_csv(s, ecole.martin, GA, export) == L.BilanImport(ajoutees=0, deja_presentes=19)
        # Another school sees none of it.
        autre = _eleves(engine, "0290003C", 1)[0]
    with transaction(engine) as s:
        assert L.propositions(s, autre, GA, "2.1.1").facteurs == []


def test_the_official_file_imports_as_already_there(deux_ecoles):
    from pathlib import Path

    engine, ecole, a, b = deux_ecoles
    officiel = (Path(__file__).resolve().parent.parent / "referentiels" / "ga-2012-complexite-aleas.csv").read_bytes()
    with transaction(engine) as s:
        assert L.importer_csv(s, ecole.admin, GA, officiel) == L.BilanImport(ajoutees=0, deja_presentes=16)


def test_items_and_counting_keys():
    assert L.cle("  Client ÉTRANGER ! ") == "client etranger"
    assert L.items_de("Délai court ; client étranger|\n- Dossier incomplet.|ok") == [
        "Délai court", "client étranger", "Dossier incomplet"]


def test_the_guide_names_the_team_list_or_the_students_words():
    from passeport import guide

    contenu = ContenuFiche(situation="1.2.1", titre="Prospection", date_debut=dt.date(2026, 10, 5),
                           lieu=Lieu.ETABLISSEMENT, nature=Nature.REELLE, complexite=1, aleas=0)
    eleves = L.Propositions("1.2.1", [], [], [], ["Client étranger", "Délai très court"], ["Panne du logiciel"])
    par_code = {q.code: q.texte for q in guide.questions(contenu, None, eleves)}
    assert par_code["complexite_facteurs_eleves"] == ("D'autres élèves du lycée ont rencontré, sur cette situation : "
                                                      "client étranger ; délai très court. Et toi ?")
    assert par_code["alea_eleves"] == ("D'autres élèves du lycée ont eu ces imprévus sur cette situation : "
                                       "panne du logiciel. Et toi ?")
    assert "complexite_facteurs" not in par_code
    equipe = L.Propositions("1.2.1", [], ["Fichier de prospects non à jour", "Cible UE"], [], [], [])
    par_code = {q.code: q.texte for q in guide.questions(contenu, None, equipe)}
    assert par_code["complexite_facteurs"] == ("As-tu rencontré l'un de ces facteurs de complexité : fichier de "
                                               "prospects non à jour ; cible UE ?")
    assert "complexite_facteurs_eleves" not in par_code and "alea_types" not in par_code


@pytest.mark.cli
def test_command_exports_and_imports_the_lists(db_env, tmp_path, capsys):
    from passeport.cli import main

    assert main(["initialiser"]) == 0
    assert main(["etablissement", "0350001A", "Lycée test"]) == 0
    (tmp_path / "listes.csv").write_bytes(FICHIER)
    assert main(["referentiel", "importer", str(tmp_path / "listes.csv")]) == 0
    assert main(["referentiel", "importer", str(tmp_path / "listes.csv")]) == 0
    assert main(["referentiel", "exporter", "--sortie", str(tmp_path / "export.csv")]) == 0
    sortie = capsys.readouterr().out.splitlines()
    assert sortie[-3:] == ["3 ligne(s) ajoutée(s), 1 déjà présente(s).", "0 ligne(s) ajoutée(s), 4 déjà présente(s).",
                           f"19 ligne(s) exportée(s) dans {tmp_path / 'export.csv'}."]
    (tmp_path / "faux.csv").write_text("situation_code;type;libelle\n2.1.1;risque;Grève\n", encoding="utf-8")
    assert main(["referentiel", "importer", str(tmp_path / "faux.csv")]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "ligne 2 : type « risque » inconnu (donnee, complexite ou alea)", "Import refusé : rien n'a été enregistré."]
