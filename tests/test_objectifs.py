"""PFMP goals: saved by a teacher of the division (all or nothing), read by the student and by the tutor's link;
the cockpit commands for scripts."""

import datetime as dt
import json

import pytest

from passeport.cli import main
from passeport.db import transaction
from passeport.documents.objectifs import html_objectifs
from passeport.services import objectifs, pfmp
from passeport.services.objectifs import ObjectifSaisi, ObjectifsInvalides
from tests.ecole import creer_ecole

pytestmark = pytest.mark.store

AUJOURD_HUI = dt.date(2026, 11, 29)


@pytest.fixture
def monde(fresh_db):
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        passee = pfmp.enregistrer_pfmp(s, ecole.martin, ecole.lea.eleve_id, "Mairie", dt.date(2026, 1, 5),
                                       dt.date(2026, 1, 30), "M. Roy")
        en_cours = pfmp.enregistrer_pfmp(s, ecole.martin, ecole.lea.eleve_id, "BIOMAG", dt.date(2026, 11, 16),
                                         dt.date(2026, 12, 11), "Julien Garnier")
        prochaine = pfmp.enregistrer_pfmp(s, ecole.martin, ecole.lea.eleve_id, "Pharmacie", dt.date(2027, 3, 15),
                                          dt.date(2027, 4, 9), "Mme Roux")
        ids = {"passee": passee.id, "en_cours": en_cours.id, "prochaine": prochaine.id}
    return fresh_db, ecole, ids


def test_next_pfmp_comes_first_then_the_current_one(monde):
    engine, ecole, ids = monde
    with transaction(engine) as s:
        a_venir = objectifs.pfmp_a_venir(s, ecole.martin, ecole.lea.eleve_id, AUJOURD_HUI)
        assert [p.id for p in a_venir] == [ids["prochaine"], ids["en_cours"]]


def test_goals_saved_in_order_then_read_by_student_and_tutor(monde):
    engine, ecole, ids = monde
    with transaction(engine) as s:
        objectifs.enregistrer_objectifs(s, ecole.martin, ids["prochaine"], [
            ObjectifSaisi("2.1.2", "jamais_traversee", "Demander le registre du personnel", ("Mairie", "BIOMAG")),
            ObjectifSaisi("1.1.2", "", "  Passer une commande  "),
        ])
    with transaction(engine) as s:
        lus = objectifs.objectifs_de_la_pfmp(s, ecole.lea, ids["prochaine"])
        assert [(o.rang, o.situation, o.motif, o.consigne, o.organisations) for o in lus] == [
            (1, "2.1.2", "jamais_traversee", "Demander le registre du personnel", ["Mairie", "BIOMAG"]),
            (2, "1.1.2", "", "Passer une commande", [])]
        assert lus[1].titre == "Traitement des ordres d'achat, des commandes"
        jeton = pfmp.creer_lien(s, ecole.martin, ids["prochaine"])
    with transaction(engine) as s:
        acces_tuteur = pfmp.ouvrir(s, jeton, dt.datetime(2027, 3, 16))
        assert [o.situation for o in objectifs.objectifs_pour_le_tuteur(s, acces_tuteur)] == ["2.1.2", "1.1.2"]
    # Saving again replaces the list.
    with transaction(engine) as s:
        objectifs.enregistrer_objectifs(s, ecole.martin, ids["prochaine"], [ObjectifSaisi("4.1.1")])
    with transaction(engine) as s:
        assert [o.situation for o in objectifs.objectifs_de_la_pfmp(s, ecole.martin, ids["prochaine"])] == ["4.1.1"]


def test_a_bad_list_is_refused_whole_with_every_mistake(monde):
    engine, ecole, ids = monde
    with transaction(engine) as s:
        objectifs.enregistrer_objectifs(s, ecole.martin, ids["prochaine"], [ObjectifSaisi("1.1.1")])
    with pytest.raises(ObjectifsInvalides) as exc, transaction(engine) as s:
        objectifs.enregistrer_objectifs(s, ecole.martin, ids["prochaine"], [
            ObjectifSaisi("9.9.9"), ObjectifSaisi("1.1.2"), ObjectifSaisi("1.1.2"),
            ObjectifSaisi("2.1.1", "au_hasard"), ObjectifSaisi("2.1.2", consigne="x" * 501)])
    assert exc.value.erreurs == [
        "ligne 1 : la situation « 9.9.9 » n'est pas dans le référentiel de l'élève.",
        "ligne 3 : la situation 1.1.2 est déjà dans la liste.",
        "ligne 4 : motif inconnu « au_hasard ».",
        "ligne 5 : la consigne dépasse 500 caractères.",
    ]
    with transaction(engine) as s:  # nothing changed
        assert [o.situation for o in objectifs.objectifs_de_la_pfmp(s, ecole.martin, ids["prochaine"])] == ["1.1.1"]


def test_printable_goals_escape_text():
    html = html_objectifs("Léa <b>Moreau</b>", "1GA1", "BIOMAG", dt.date(2027, 3, 15), dt.date(2027, 4, 9),
                          [objectifs.Objectif(1, "2.1.2", "Titre", "jamais_traversee", "<script>x</script>", ["A&B"])])
    assert "<script>" not in html and "&lt;script&gt;" in html and "A&amp;B" in html
    assert "jamais traversée" in html and "du 15/03/2027 au 09/04/2027" in html


@pytest.mark.cli
def test_cli_coverage_export_and_goals(db_env, tmp_path, capsys):
    assert main(["initialiser"]) == 0
    assert main(["demo", "--graine", "2026"]) == 0
    capsys.readouterr()
    sortie = tmp_path / "couverture.csv"
    assert main(["exporter", "couverture", "--division", "1GA1", "--sortie", str(sortie)]) == 0
    assert capsys.readouterr().out.strip() == f"1320 ligne(s) exportée(s) (24 élève(s)) dans {sortie}."
    lignes = sortie.read_text(encoding="utf-8-sig").splitlines()
    assert lignes[0] == "eleve;division;situation;nb_fiches;nb_reelles;max_complexite;max_aleas;statut"
    assert len(lignes) == 1 + 24 * 55
    vides = [l for l in lignes[1:] if l.split(";")[3] == "0"]
    assert vides and all(l.endswith(";0;0;;;non_traversee") for l in vides)  # max_* empty when no fiche

    eleve = lignes[1].split(";")[0]
    assert main(["objectifs", "--eleve", eleve, "--nombre", "3"]) == 0
    csv_sortie = capsys.readouterr().out.splitlines()
    assert csv_sortie[0] == "rang;situation;motif;organisations" and len(csv_sortie) == 4
    assert [l.split(";")[0] for l in csv_sortie[1:]] == ["1", "2", "3"]
    assert main(["objectifs", "--eleve", eleve, "--nombre", "3", "--format", "json"]) == 0
    donnees = json.loads(capsys.readouterr().out)
    assert [d["situation"] for d in donnees] == [l.split(";")[1] for l in csv_sortie[1:]]
    assert set(donnees[0]) == {"rang", "situation", "motif", "organisations"}

    assert main(["objectifs", "--eleve", "INCONNU"]) == 1
    assert "aucun élève n'a l'identifiant INCONNU" in capsys.readouterr().err
    assert main(["exporter", "couverture", "--division", "9ZZ9", "--sortie", str(sortie)]) == 1
    assert "Division introuvable : 9ZZ9." in capsys.readouterr().err
    assert main(["objectifs", "--eleve", eleve, "--nombre", "0"]) == 1
