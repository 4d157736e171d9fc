"""SIECLE import: hand-made ElevesSansAdresses.xml files, every expectation written by hand.

The school of tests/ecole.py (UAI 0350001A, year 2026-2027): Léa Moreau (INE1) in 1GA1 (GA 2012), Noé Petit
(INE2) in 2AG1 (AGORA 2020). « Today » is 30/11/2026.
"""

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport.acces import OPERATEUR, AccesRefuse
from passeport.db import transaction
from passeport.models import Compte, Division, DivisionPassee, Eleve, Etablissement, EvenementAudit, Niveau, Role
from passeport.services.rentree import ApercuPerime, ImportScolariteInvalide
from passeport.services.rentree_siecle import appliquer_siecle, prevoir_siecle
from passeport.siecle import lire_siecle
from passeport.xml_sur import XmlInvalide
from tests.ecole import creer_ecole
from tests.fichiers_scolarite import ENTITE_EXTERNE, MILLIARD_DE_RIRES, E, siecle, zippe

pytestmark = pytest.mark.store

AUJOURD_HUI = dt.date(2026, 11, 30)

# The rentrée file of the tests: one student of each case the issue names.
RENTREE = [
    E("1001", "INE1", "Moreau", "Léa", "1GA2"),  # changed division (1GA1 → 1GA2, a new division)
    E("1002", "123456789AB", "DUPONT", "Lœtitia", "1GA1", nom_usage="DUPONT-LÉVÊQUE",
      groupes=("1GA1_G1",)),  # new, usage name, in a group and a division
    E("1003", "223456789AB", "BERNARD", "Jérôme", None, autres_divisions=("Inactifs",)),  # only « Inactifs »
    E("1004", "INE2", "Petit", "Noé", "2AG1", date_sortie="15/10/2026"),  # left on 15 October
    E("1005", "323456789AB", "ROUX", "Zoé", "1GA1", date_sortie="02/09/2026"),  # left before we knew her
    E("1006", "423456789AB", "FAURE", "Inès", "1GA1", date_sortie="30/06/2027"),  # leaves next summer: here now
]


@pytest.fixture
def ecole(fresh_db):
    return creer_ecole(fresh_db)


def _etab_id(engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(Etablissement.id))


def _prevoir(engine, acteur, contenu, **options):
    with Session(engine) as s:
        return prevoir_siecle(s, acteur, contenu, _etab_id(engine), aujourd_hui=AUJOURD_HUI, **options)


def _appliquer(engine, acteur, contenu, empreinte, **options):
    with transaction(engine) as s:
        return appliquer_siecle(s, acteur, contenu, _etab_id(engine), empreinte, aujourd_hui=AUJOURD_HUI, **options)


def _compter(engine, modele) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(modele))


def test_reading_keeps_accents_usage_names_and_only_division_structures():
    fichier = lire_siecle(siecle(RENTREE))
    assert (fichier.uaj, fichier.annee_scolaire) == ("0350001A", "2026-2027")
    lues = {e.eleve_id: e for e in fichier.eleves}
    assert (lues["1002"].nom, lues["1002"].prenom) == ("DUPONT-LÉVÊQUE", "Lœtitia")  # œ exists in ISO-8859-15 only
    assert (lues["1002"].division, lues["1002"].groupes) == ("1GA1", ("1GA1_G1",))
    assert lues["1003"].division is None  # « Inactifs » is no class
    assert lues["1004"].date_sortie == dt.date(2026, 10, 15)
    assert lues["1001"].nom == "Moreau"  # no usage name: the family name


def test_the_same_file_in_utf8_or_zipped_reads_the_same():
    iso = lire_siecle(siecle(RENTREE))
    assert lire_siecle(siecle(RENTREE, encodage="UTF-8")) == iso
    assert lire_siecle(zippe(siecle(RENTREE))) == iso


def test_preview_lists_every_case_and_writes_nothing(fresh_db, ecole):
    comptes, divisions = _compter(fresh_db, Compte), _compter(fresh_db, Division)
    plan = _prevoir(fresh_db, ecole.admin, siecle(RENTREE))
    assert plan.problemes == ()
    assert plan.annee_scolaire == "2026-2027"
    assert [(d.nom, d.niveau, d.referentiel) for d in plan.divisions_creees] == [("1GA2", "1re", "ga-2012")]
    assert [(c.identifiant, c.nom, c.prenom, c.division) for c in plan.crees] == [
        ("123456789AB", "DUPONT-LÉVÊQUE", "Lœtitia", "1GA1"), ("423456789AB", "FAURE", "Inès", "1GA1")]
    assert [(d.identifiant, d.division, d.detail) for d in plan.deplaces] == [
        ("INE1", "1GA2", "1GA1 (2026-2027) → 1GA2")]
    assert [(s.identifiant, s.detail) for s in plan.sortis] == [("INE2", "sorti le 15/10/2026")]
    assert plan.ignores == ("1 élève(s) déjà sortis de l'établissement (pas créés)",
                            "1 élève(s) sans division (ou « Inactifs »)")
    assert plan.resume() == ("2 élèves créés, 1 élève déplacé, 1 élève sorti de l'établissement, 1 division créée "
                             "(année 2026-2027).")
    assert (_compter(fresh_db, Compte), _compter(fresh_db, Division)) == (comptes, divisions)


def test_apply_then_a_second_import_changes_nothing(fresh_db, ecole):
    contenu = siecle(RENTREE)
    plan = _appliquer(fresh_db, ecole.admin, contenu, _prevoir(fresh_db, ecole.admin, contenu).empreinte)
    assert len(plan.crees) == 2
    with Session(fresh_db) as s:
        lea = s.scalar(select(Eleve).where(Eleve.identifiant == "INE1"))
        assert (lea.division.nom, lea.division.niveau, lea.division.referentiel) == ("1GA2", Niveau.PREMIERE, "ga-2012")
        assert lea.compte.id_externe == "siecle:1001"
        # The division she left is kept with her: last year's class stays readable.
        passees = s.execute(select(DivisionPassee.eleve_id, Division.nom).join(
            Division, Division.id == DivisionPassee.division_id)).all()
        assert passees == [(lea.id, "1GA1")]
        noe = s.scalar(select(Eleve).where(Eleve.identifiant == "INE2"))
        assert (noe.sorti_le, noe.compte.actif, noe.division.nom) == (dt.date(2026, 10, 15), True, "2AG1")
        nouvelle = s.scalar(select(Eleve).where(Eleve.identifiant == "123456789AB"))
        assert (nouvelle.compte.nom, nouvelle.compte.prenom, nouvelle.division.nom) == (
            "DUPONT-LÉVÊQUE", "Lœtitia", "1GA1")
        assert (nouvelle.compte.role, nouvelle.compte.mot_de_passe_hash, nouvelle.compte.login) == (
            Role.ELEVE, None, "loetitia.dupont-leveque")
        assert s.scalar(select(Eleve).where(Eleve.identifiant.in_(["223456789AB", "323456789AB"]))) is None
        assert s.scalar(select(EvenementAudit.details).where(EvenementAudit.action == "siecle_importe")) == plan.resume()
    comptes = _compter(fresh_db, Compte)
    encore = _prevoir(fresh_db, ecole.admin, contenu)
    assert encore.rien_a_faire and encore.problemes == ()
    assert encore.inchanges == 4  # Léa, Lœtitia, Inès, and Noé already gone
    assert encore.resume() == "Rien à changer : les 4 élève(s) du fichier sont déjà à jour (année 2026-2027)."
    _appliquer(fresh_db, ecole.admin, contenu, encore.empreinte)
    assert _compter(fresh_db, Compte) == comptes
    assert _compter(fresh_db, DivisionPassee) == 1


def test_next_year_moves_students_into_new_divisions_with_their_passport(fresh_db, ecole):
    contenu = siecle([E("1001", "INE1", "Moreau", "Léa", "TGA1")], annee="2027")
    plan = _prevoir(fresh_db, ecole.admin, contenu)
    assert plan.annee_scolaire == "2027-2028"
    assert [(d.nom, d.niveau, d.referentiel) for d in plan.divisions_creees] == [("TGA1", "Tle", "ga-2012")]
    _appliquer(fresh_db, ecole.admin, contenu, plan.empreinte)
    with Session(fresh_db) as s:
        lea = s.scalar(select(Eleve).where(Eleve.identifiant == "INE1"))
        assert (lea.division.nom, lea.division.annee_scolaire, lea.compte_id) == ("TGA1", "2027-2028",
                                                                                 ecole.lea.compte_id)
        ancienne = s.scalar(select(Division).where(Division.nom == "1GA1"))
        assert ancienne.annee_scolaire == "2026-2027"  # last year's division is still there


def test_a_file_of_another_school_is_refused_by_name(fresh_db, ecole):
    with pytest.raises(ImportScolariteInvalide) as refus:
        _prevoir(fresh_db, ecole.admin, siecle(RENTREE, uaj="0999999Z"))
    assert refus.value.erreurs == [
        "Ce fichier SIECLE est celui de l'établissement 0999999Z ; vous importez pour Lycée test (0350001A). "
        "Import refusé, rien n'a été enregistré."]


@pytest.mark.parametrize("contenu, attendu", [
    (MILLIARD_DE_RIRES, "Le fichier contient une définition de type de document (DTD) ou des entités : refusé par "
                        "sécurité. Les exports de SIECLE et de STS-web n'en contiennent jamais."),
    (ENTITE_EXTERNE, "Le fichier contient une définition de type de document (DTD) ou des entités : refusé par "
                     "sécurité. Les exports de SIECLE et de STS-web n'en contiennent jamais."),
    (siecle(RENTREE)[:700], "Fichier XML illisible, ligne 7, colonne 232 : le fichier s'arrête au milieu d'une "
                            "balise (fichier tronqué : téléchargez-le de nouveau)."),
    # Cut after the last student's structures (line 18): the parser reaches line 19 with elements still open.
    (siecle(RENTREE).split(b"</STRUCTURES>")[0], "Fichier XML illisible, ligne 19, colonne 0 : le fichier s'arrête "
                                                 "avant la fin (fichier tronqué : téléchargez-le de nouveau)."),
    (b"", "Le fichier est vide."),
    (b'<?xml version="1.0"?><STS_EDT><PARAMETRES/></STS_EDT>',
     "Ce fichier vient de STS-web (enseignants et services), pas de SIECLE : importez-le à l'étape « Import "
     "STS-web ». Pour les élèves, exportez de SIECLE le fichier ElevesSansAdresses.xml."),
    (b"<ELEVES/>", "Ce fichier n'est pas l'export des élèves de SIECLE (sa racine est « ELEVES », « BEE_ELEVES » "
                   "attendu). Dans SIECLE : Base élèves établissement > Exploitation > Exports XML génériques > "
                   "Élèves sans adresses."),
    (zippe(b"x", "lisez-moi.txt"), "L'archive ZIP doit contenir un seul fichier XML (0 trouvé(s)) : décompressez-la "
                                   "et envoyez le fichier XML."),
])
def test_hostile_or_wrong_files_get_a_french_message_and_change_nothing(fresh_db, ecole, contenu, attendu):
    comptes = _compter(fresh_db, Compte)
    with pytest.raises((XmlInvalide, ImportScolariteInvalide)) as refus:
        _prevoir(fresh_db, ecole.admin, contenu)
    assert refus.value.erreurs == [attendu]
    assert _compter(fresh_db, Compte) == comptes


def test_a_file_over_the_size_limit_is_refused_before_parsing(fresh_db, ecole, monkeypatch):
    from passeport import xml_sur

    monkeypatch.setattr(xml_sur, "TAILLE_MAX", 1000)
    with pytest.raises(XmlInvalide) as refus:
        _prevoir(fresh_db, ecole.admin, siecle(RENTREE))
    assert refus.value.erreurs[0].startswith("Fichier trop gros (0,0 Mo ; 0,0 Mo au plus)")
    with pytest.raises(XmlInvalide) as refus:  # a small ZIP that inflates beyond the limit
        _prevoir(fresh_db, ecole.admin, zippe(b" " * 5000 + siecle(RENTREE)))
    assert "décompressé dépasse" in refus.value.erreurs[0]


def test_problems_are_all_listed_and_nothing_can_be_applied(fresh_db, ecole):
    with transaction(fresh_db) as s:
        ailleurs = Etablissement(uai="0350002B", nom="Autre lycée")
        d = Division(etablissement=ailleurs, nom="1GA1", niveau=Niveau.PREMIERE, annee_scolaire="2026-2027")
        s.add(Eleve(compte=Compte(login="zoe.autre", role=Role.ELEVE, nom="AUTRE", prenom="Zoé", etablissement=ailleurs),
                    identifiant="INE9", division=d))
    contenu = siecle([
        E("1002", "INE2", "PETIT", "Noé", "1GA1"),  # AGORA student into a GA 2012 division
        E("1007", "INE9", "AUTRE", "Zoé", "1GA1"),  # another school's student
        E("1008", "523456789AB", "", "Sans", "1GA1", date_sortie="31/02/2026"),  # no name, impossible date
        E("1009", "623456789AB", "LIBRE", "Ana", "GA-B"),  # a new division whose level nobody tells
    ])
    plan = _prevoir(fresh_db, ecole.admin, contenu)
    assert sorted(plan.problemes) == sorted([
        "élève Noé PETIT (ELEVE_ID 1002, INE INE2) : ses fiches portent sur le référentiel agora-2020, la division "
        "1GA1 (2026-2027) suit ga-2012",
        "élève Zoé AUTRE (ELEVE_ID 1007, INE INE9) : l'INE INE9 est celui d'un élève d'un autre établissement",
        "élève Sans (ELEVE_ID 1008, INE 523456789AB) : nom absent (NOM_DE_FAMILLE) ; date de sortie « 31/02/2026 » "
        "illisible (format JJ/MM/AAAA attendu)",
        "division GA-B (2026-2027) : elle n'existe pas encore et son niveau ne se lit ni dans son nom ni dans le "
        "MEF ; créez-la d'abord (étape « Divisions de l'année »)",
    ])
    comptes = _compter(fresh_db, Compte)
    with pytest.raises(ImportScolariteInvalide) as refus:
        _appliquer(fresh_db, ecole.admin, contenu, plan.empreinte)
    assert len(refus.value.erreurs) == 4
    assert _compter(fresh_db, Compte) == comptes


def test_the_level_of_a_new_division_comes_from_the_mef_wording(fresh_db, ecole):
    contenu = siecle([E("1009", "623456789AB", "LIBRE", "Ana", "GA-B", mef="24732201210")],
                     mefs={"24732201210": "1ERE PRO GESTION-ADMINISTRATION"})
    plan = _prevoir(fresh_db, ecole.admin, contenu)
    assert [(d.nom, d.niveau) for d in plan.divisions_creees] == [("GA-B", "1re")]


def test_only_the_chosen_divisions_are_imported_with_the_chosen_referentiel(fresh_db, ecole):
    contenu = siecle([E("1010", "723456789AB", "NOUVEAU", "Max", "2GA3"), E("1011", "823456789AB", "AUTRE", "Lou", "3PREPA")])
    plan = _prevoir(fresh_db, ecole.admin, contenu, divisions_choisies={"2GA3"}, referentiel_nouvelles="agora-2020")
    assert [(c.prenom, c.division) for c in plan.crees] == [("Max", "2GA3")]
    assert [(d.nom, d.niveau, d.referentiel) for d in plan.divisions_creees] == [("2GA3", "2nde", "agora-2020")]
    assert plan.ignores == ("1 élève(s) hors des divisions choisies",)
    assert plan.divisions_du_fichier == (("2GA3", 1), ("3PREPA", 1))


def test_a_change_between_preview_and_confirmation_is_refused(fresh_db, ecole):
    contenu = siecle(RENTREE)
    vu = _prevoir(fresh_db, ecole.admin, contenu)
    with transaction(fresh_db) as s:  # someone creates 1GA2 meanwhile
        s.add(Division(etablissement_id=_etab_id(fresh_db), nom="1GA2", niveau=Niveau.PREMIERE,
                       annee_scolaire="2026-2027"))
    comptes = _compter(fresh_db, Compte)
    with pytest.raises(ApercuPerime):
        _appliquer(fresh_db, ecole.admin, contenu, vu.empreinte)
    assert _compter(fresh_db, Compte) == comptes
    assert _prevoir(fresh_db, ecole.admin, contenu).divisions_creees == ()


def test_a_student_found_by_siecle_number_gets_a_new_ine_and_a_new_name(fresh_db, ecole):
    premier = siecle([E("1001", "", "Moreau", "Léa", "1GA1")])  # no INE in the file: found by SIECLE number
    with transaction(fresh_db) as s:
        lea = s.get(Compte, ecole.lea.compte_id)
        lea.id_externe = "siecle:1001"
    plan = _prevoir(fresh_db, ecole.admin, premier)
    assert plan.rien_a_faire and plan.inchanges == 1
    suivant = siecle([E("1001", "INE1B", "MOREAU", "Léa", "1GA1", nom_usage="MOREAU-LUCAS")])
    plan = _prevoir(fresh_db, ecole.admin, suivant)
    assert [(m.identifiant, m.detail) for m in plan.mis_a_jour] == [
        ("INE1B", "nom : Léa Moreau → Léa MOREAU-LUCAS ; identifiant : INE1 → INE1B")]
    _appliquer(fresh_db, ecole.admin, suivant, plan.empreinte)
    with Session(fresh_db) as s:
        eleve = s.scalar(select(Eleve).where(Eleve.compte_id == ecole.lea.compte_id))
        assert (eleve.identifiant, eleve.compte.nom) == ("INE1B", "MOREAU-LUCAS")


@pytest.mark.parametrize("qui", ["lea", "martin", "leroy"])
def test_only_the_administrator_or_the_operator_imports(fresh_db, ecole, qui):
    with pytest.raises(AccesRefuse):
        _prevoir(fresh_db, getattr(ecole, qui), siecle(RENTREE))
    assert _prevoir(fresh_db, OPERATEUR, siecle(RENTREE)).problemes == ()


@pytest.mark.cli
def test_the_command_previews_then_imports_and_refuses_a_bad_file(db_env, tmp_path, capsys):
    from passeport.cli import main

    main(["initialiser"])
    main(["etablissement", "0350001A", "Lycée Bréquigny"])
    fichier = tmp_path / "ElevesSansAdresses.xml"
    fichier.write_bytes(siecle([E("1002", "123456789AB", "DUPONT", "Lœtitia", "1GA1"),
                                E("1003", "223456789AB", "BERNARD", "Jérôme", "2GA1", groupes=("2GA1_G2",))]))
    capsys.readouterr()
    assert main(["importer", "siecle", str(fichier), "--apercu"]) == 0
    sortie = capsys.readouterr().out
    assert "Élèves créés (2) :" in sortie and "123456789AB    DUPONT Lœtitia — 1GA1" in sortie
    assert "  1GA1 (1re, ga-2012)\n  2GA1 (2nde, ga-2012)" in sortie
    assert sortie.endswith("Aperçu seulement : rien n'a été enregistré.\n")
    assert main(["importer", "siecle", str(fichier)]) == 0
    assert capsys.readouterr().out == "2 élèves créés, 2 divisions créées (année 2026-2027).\n"
    assert main(["importer", "siecle", str(fichier)]) == 0
    assert capsys.readouterr().out == "Rien à changer : les 2 élève(s) du fichier sont déjà à jour (année 2026-2027).\n"
    fichier.write_bytes(MILLIARD_DE_RIRES)
    assert main(["importer", "siecle", str(fichier)]) == 1
    erreur = capsys.readouterr().err
    assert "refusé par sécurité" in erreur and "Import refusé : rien n'a été enregistré." in erreur
    assert main(["importer", "siecle", str(tmp_path / "absent.xml")]) == 1
    assert "Fichier introuvable" in capsys.readouterr().err


def test_a_login_taken_by_another_import_meanwhile_asks_for_a_new_preview(fresh_db, ecole, monkeypatch):
    from passeport.services import rentree_siecle

    contenu = siecle([E("1002", "123456789AB", "Moreau", "Léa", "1GA1")])  # Léa's namesake: lea.moreau is taken
    vu = _prevoir(fresh_db, ecole.admin, contenu)
    # As if the other import's login had not been committed yet when this one read the logins.
    monkeypatch.setattr(rentree_siecle, "logins_pris", lambda session: set())
    comptes = _compter(fresh_db, Compte)
    with pytest.raises(ApercuPerime):
        _appliquer(fresh_db, ecole.admin, contenu, vu.empreinte)
    assert _compter(fresh_db, Compte) == comptes
