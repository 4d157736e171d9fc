"""Imports and export of the interchange formats: detection, quoting, all or nothing, byte-for-byte round trip."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport.acces import OPERATEUR
from passeport.csvio import FichierInvalide
from passeport.db import transaction
from passeport.models import Compte, Division, Eleve, Etablissement, Fiche, FicheVersion
from passeport.services.exports import exporter_fiches
from passeport.services.imports import ImportInvalide, importer_eleves, importer_fiches
from tests import donnees
from tests.donnees import ENTETE_ELEVES, ENTETE_FICHES, texte_csv

pytestmark = pytest.mark.cli


@pytest.fixture
def etab_db(fresh_db):
    with transaction(fresh_db) as s:
        s.add(Etablissement(uai="0350001A", nom="Lycée test"))
    return fresh_db


def _importer_eleves(engine, contenu: bytes):
    with transaction(engine) as s:
        etab = s.scalar(select(Etablissement))
        return importer_eleves(s, OPERATEUR, contenu, etab)


def _importer_fiches(engine, contenu: bytes):
    with transaction(engine) as s:
        return importer_fiches(s, OPERATEUR, contenu)


def _compter(engine, modele) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(modele))


ELEVES = [
    ["INE1", "Moreau", "Léa", "1GA1", "1re", "2026-2027", "ga-2012", "lea@exemple.fr"],
    ["INE2", "N'Diaye", "Noé", "2AG1", "2nde", "2026-2027", "agora-2020", ""],
]


def test_students_import_creates_divisions_accounts_and_logins(etab_db):
    bilan = _importer_eleves(etab_db, texte_csv(ENTETE_ELEVES, ELEVES))
    assert (bilan.crees, bilan.mis_a_jour, bilan.divisions_creees) == (2, 0, 2)
    assert bilan.resume("élève") == "2 élèves importés, 2 divisions créées."
    with Session(etab_db) as s:
        assert sorted(s.execute(select(Division.nom, Division.niveau, Division.referentiel))) == [
            ("1GA1", "1re", "ga-2012"), ("2AG1", "2nde", "agora-2020")]
        assert sorted(s.scalars(select(Compte.login))) == ["lea.moreau", "noe.n-diaye"]
        assert s.scalar(select(Compte).where(Compte.login == "lea.moreau")).mot_de_passe_hash is None


def test_students_import_with_only_required_columns_and_commas(etab_db):
    contenu = "identifiant,nom,prenom,division\nINE9,Martin,Jules,TGA2\n".encode()
    bilan = _importer_eleves(etab_db, contenu)
    assert bilan.crees == 1
    with Session(etab_db) as s:
        division = s.scalar(select(Division))
        assert (division.nom, division.niveau, division.referentiel) == ("TGA2", "Tle", "ga-2012")


def test_students_reimport_updates_and_moves(etab_db):
    _importer_eleves(etab_db, texte_csv(ENTETE_ELEVES, ELEVES))
    deplace = [["INE1", "Moreau", "Léa", "TGA1", "Tle", "2027-2028", "ga-2012", ""]]
    bilan = _importer_eleves(etab_db, texte_csv(ENTETE_ELEVES, deplace))
    assert (bilan.crees, bilan.mis_a_jour, bilan.divisions_creees) == (0, 1, 1)
    with Session(etab_db) as s:
        eleve = s.scalar(select(Eleve).where(Eleve.identifiant == "INE1"))
        assert (eleve.division.nom, eleve.division.annee_scolaire) == ("TGA1", "2027-2028")
        assert eleve.compte.email == "lea@exemple.fr"


def test_bad_students_file_writes_nothing_and_names_every_line(etab_db):
    _importer_eleves(etab_db, texte_csv(ENTETE_ELEVES, ELEVES))
    lignes = [
        ["INE3", "Petit", "Zoé", "1GA1", "", "2026-2027", "agora-2020", ""],  # 2: clash with the existing division
        ["INE4", "", "Tom", "2GA9", "", "", "", ""],                           # 3: nom vide
        ["INE5", "Roux", "Lou", "BTS1", "", "", "", ""],                       # 4: niveau impossible à deviner
        ["INE6", "Roux", "Ana", "2GA9", "4e", "26-27", "bac-2030", "x"],       # 5: four problems
        ["INE7", "Blanc", "Ali", "2GA9", "", "", "", ""],                      # 6: fine
        ["INE7", "Blanc", "Ali", "2GA9", "", "", "", ""],                      # 7: same identifiant
    ]
    with pytest.raises(ImportInvalide) as exc:
        _importer_eleves(etab_db, texte_csv(ENTETE_ELEVES, lignes))
    assert exc.value.erreurs == [
        "ligne 2 : la division 1GA1 existe déjà avec le référentiel ga-2012",
        "ligne 3 : nom vide",
        "ligne 4 : niveau manquant pour la nouvelle division BTS1 (2nde, 1re ou Tle)",
        "ligne 5 : adresse électronique invalide « x » ; niveau « 4e » inconnu (2nde, 1re ou Tle) ; "
        "année scolaire « 26-27 » invalide (exemple : 2026-2027) ; "
        "référentiel « bac-2030 » inconnu (ga-2012, agora-2020)",
        "ligne 7 : identifiant INE7 déjà présent ligne 6",
    ]
    assert _compter(etab_db, Eleve) == 2
    assert _compter(etab_db, Division) == 2


FICHE_OK = ["INE1", "1.1.2", "Commande", "2026-10-05", "2026-10-06", "pfmp", "reelle", "BIOMAG", "c", "Je dispose : …",
            "d", "bon de commande", "2", "Urgence", "1", "Panne", "0"]


def _avec(**changes):
    ligne = list(FICHE_OK)
    for nom, valeur in changes.items():
        ligne[ENTETE_FICHES.index(nom)] = valeur
    return ligne


def test_bad_fiches_file_writes_nothing_and_names_every_line(etab_db):
    _importer_eleves(etab_db, texte_csv(ENTETE_ELEVES, ELEVES))
    lignes = [
        FICHE_OK,                                            # 2 fine
        _avec(situation="9.9.9"),                            # 3 unknown situation
        _avec(eleve="INE2", situation="4.1.1"),              # 4 pôle 4 does not exist in AGORA
        _avec(eleve="INE404"),                               # 5 unknown student
        _avec(date_debut="2026-13-01"),                      # 6 bad date
        _avec(date_debut="05/10/2026"),                      # 7 French date: not ISO
        _avec(date_fin="2026-10-01"),                        # 8 fin before début
        _avec(complexite="4"),                               # 9
        _avec(aleas="3"),                                    # 10
        _avec(lieu="entreprise"),                            # 11
        _avec(nature="virtuelle"),                           # 12
        _avec(situation="1.1.3", retenue="1"),               # 13 first retenue on 1.1.3: fine
        _avec(situation="1.1.3", retenue="1"),               # 14 second retenue on 1.1.3
        _avec(titre="   "),                                  # 15 empty title
        _avec(retenue="oui"),                                # 16
        FICHE_OK[:-3],                                       # 17 missing fields
    ]
    with pytest.raises(ImportInvalide) as exc:
        _importer_fiches(etab_db, texte_csv(ENTETE_FICHES, lignes))
    assert exc.value.erreurs == [
        "ligne 3 : situation « 9.9.9 » inconnue du référentiel ga-2012",
        "ligne 4 : situation « 4.1.1 » inconnue du référentiel agora-2020",
        "ligne 5 : élève inconnu « INE404 »",
        "ligne 6 : date_debut « 2026-13-01 » invalide (format attendu AAAA-MM-JJ)",
        "ligne 7 : date_debut « 05/10/2026 » invalide (format attendu AAAA-MM-JJ)",
        "ligne 8 : date_fin avant date_debut",
        "ligne 9 : complexite 4 hors de 1 à 3",
        "ligne 10 : aleas 3 hors de 0 à 2",
        "ligne 11 : lieu « entreprise » inconnu (etablissement, services_eple, projet, pfmp, hors_formation)",
        "ligne 12 : nature « virtuelle » inconnue (reelle ou simulee)",
        "ligne 14 : deux fiches retenues pour l'élève INE1 et la situation 1.1.3 (déjà ligne 13)",
        "ligne 15 : titre vide",
        "ligne 16 : retenue « oui » invalide (0 ou 1)",
        "ligne 17 : 14 champs au lieu de 17",
    ]
    assert _compter(etab_db, Fiche) == 0
    assert _compter(etab_db, FicheVersion) == 0


def test_a_second_retenue_against_the_database_is_refused(etab_db):
    _importer_eleves(etab_db, texte_csv(ENTETE_ELEVES, ELEVES))
    _importer_fiches(etab_db, texte_csv(ENTETE_FICHES, [_avec(retenue="1")]))
    with pytest.raises(ImportInvalide) as exc:
        _importer_fiches(etab_db, texte_csv(ENTETE_FICHES, [_avec(titre="Autre", retenue="1")]))
    assert exc.value.erreurs == ["ligne 2 : l'élève INE1 a déjà une fiche retenue pour la situation 1.1.2"]
    assert _compter(etab_db, Fiche) == 1


def test_header_problems_are_reported_on_line_1(etab_db):
    with pytest.raises(FichierInvalide) as exc:
        _importer_fiches(etab_db, b"eleve;situation;titre;couleur\n")
    assert exc.value.erreurs[0].startswith("ligne 1 : colonne(s) manquante(s) : date_debut, date_fin, lieu")
    assert exc.value.erreurs[1] == "ligne 1 : colonne(s) inconnue(s) : couleur"


def test_a_latin1_file_is_refused_with_advice(etab_db):
    with pytest.raises(FichierInvalide, match="n'est pas en UTF-8.*CSV UTF-8"):
        _importer_eleves(etab_db, "identifiant;nom;prenom;division\nINE1;Léa;Moreau;1GA1\n".encode("latin-1"))


def test_comma_file_with_quoted_separators_quotes_and_line_breaks(etab_db):
    _importer_eleves(etab_db, texte_csv(ENTETE_ELEVES, ELEVES))
    texte = 'Ligne 1 ; avec point-virgule, et virgule\n« guillemets » et "doubles"\r\nfin'
    ligne = _avec(demarche=texte)
    _importer_fiches(etab_db, texte_csv(ENTETE_FICHES, [ligne], sep=",", bom=False))
    with Session(etab_db) as s:
        assert s.scalar(select(FicheVersion.demarche)) == texte


def test_1500_fiches_for_70_students_round_trip_byte_for_byte(etab_db, tmp_path):
    eleves = donnees.eleves(70)
    fiches = donnees.fiches(eleves, 1500)
    _importer_eleves(etab_db, texte_csv(ENTETE_ELEVES, eleves))
    source = texte_csv(ENTETE_FICHES, fiches)
    assert _importer_fiches(etab_db, source).crees == 1500
    sortie = tmp_path / "export.csv"
    with Session(etab_db) as s:
        assert exporter_fiches(s, sortie) == 1500
    assert sortie.read_bytes() == source
    # Same texts whatever the separator of the source file.
    assert b"\r\n" in source and "Œuvre".encode() in source


def test_spreadsheet_quirks_are_read(etab_db):
    # Excel adds empty columns at the end of every line; a long démarche is welcome, up to the field's limit.
    texte = "identifiant;nom;prenom;division;;;\r\nINE1;Moreau;Léa;2GA1;;;\r\n"
    assert _importer_eleves(etab_db, texte.encode()).crees == 1
    with pytest.raises(ImportInvalide) as exc:
        _importer_fiches(etab_db, texte_csv(ENTETE_FICHES, [_avec(demarche="x" * 10_001)]))
    assert exc.value.erreurs == ["ligne 2 : Le champ « Démarche » dépasse 10000 caractères."]
    long = "Je dispose : " + "x" * 9_987
    _importer_fiches(etab_db, texte_csv(ENTETE_FICHES, [_avec(demarche=long)]))
    with Session(etab_db) as s:
        assert s.scalar(select(FicheVersion.demarche)) == long


@pytest.mark.parametrize(
    ("entete", "message"),
    [
        ("identifiant;nom;prenom;division;nom", "ligne 1 : colonne(s) en double : nom"),
        ("identifiant;;nom;prenom;division", "ligne 1 : colonne(s) sans nom (n° 2)"),
        ("identifiant;nom;Prénom;division;prenom", "ligne 1 : colonne(s) en double : prenom"),
        ("identifiant;nom;division;naissance", "ligne 1 : colonne(s) manquante(s) : prenom"),
    ],
)
def test_header_mistakes(etab_db, entete, message):
    with pytest.raises(FichierInvalide) as exc:
        _importer_eleves(etab_db, (entete + "\nINE1;Moreau;Léa;2GA1;x\n").encode())
    assert exc.value.erreurs[0] == message


def test_values_the_database_could_not_hold_are_bad_lines(etab_db):
    lignes = [
        ["I" * 41, "Moreau", "Léa", "2GA1", "", "", "", ""],
        ["INE2", "N" * 121, "Léa", "2GA1", "", "", "", ""],
        ["INE3", "Moreau", "Léa", "2" + "G" * 40, "", "", "", ""],
        ["INE4", "Moreau", "L\x00a", "2GA1", "", "", "", ""],
    ]
    with pytest.raises(ImportInvalide) as exc:
        _importer_eleves(etab_db, texte_csv(ENTETE_ELEVES, lignes))
    assert exc.value.erreurs == [
        "ligne 2 : identifiant trop long (40 caractères au plus)",
        "ligne 3 : nom trop long (120 caractères au plus)",
        "ligne 4 : division trop long (40 caractères au plus)",
        "ligne 5 : caractère NUL interdit dans le texte",
    ]


def test_only_plain_iso_dates_and_digits(etab_db):
    _importer_eleves(etab_db, texte_csv(ENTETE_ELEVES, ELEVES))
    with pytest.raises(ImportInvalide) as exc:
        _importer_fiches(etab_db, texte_csv(ENTETE_FICHES, [_avec(date_debut="2026-W05-1"), _avec(complexite="２"),
                                                             _avec(date_debut="2026-02-30")]))
    assert exc.value.erreurs == [
        "ligne 2 : date_debut « 2026-W05-1 » invalide (format attendu AAAA-MM-JJ)",
        "ligne 3 : complexite « ２ » n'est pas un nombre",
        "ligne 4 : date_debut « 2026-02-30 » invalide (format attendu AAAA-MM-JJ)",
    ]


def test_a_new_division_takes_the_values_given_on_any_of_its_lines(etab_db):
    lignes = [["X1", "Dupont", "Jean", "BTS9", "", "", "", ""],
              ["X2", "Durand", "Paul", "BTS9", "1re", "", "agora-2020", ""]]
    _importer_eleves(etab_db, texte_csv(ENTETE_ELEVES, lignes))
    with Session(etab_db) as s:
        division = s.scalar(select(Division))
        assert (division.nom, division.niveau, division.referentiel) == ("BTS9", "1re", "agora-2020")


def test_siecle_headers_and_absent_students_deactivated_never_deleted(etab_db):
    _importer_eleves(etab_db, texte_csv(ENTETE_ELEVES, ELEVES + [["INE3", "Petit", "Zoé", "1GA1", "", "", "", ""]]))
    _importer_fiches(etab_db, texte_csv(ENTETE_FICHES, [_avec(eleve="INE3")]))
    siecle = "NOM;PRENOM;DIVISION;INE\r\nMoreau;Léa;1GA1;INE1\r\nDurand;Tom;1GA1;INE4\r\n".encode()
    with transaction(etab_db) as s:
        bilan = importer_eleves(s, OPERATEUR, siecle, s.scalar(select(Etablissement)), desactiver_absents=True)
    assert bilan.resume("élève") == "1 élève importé, 1 mis à jour, 1 élève absent du fichier désactivé."
    with Session(etab_db) as s:
        actifs = dict(s.execute(select(Eleve.identifiant, Compte.actif).join(Compte)).all())
        assert actifs == {"INE1": True, "INE2": True, "INE3": False, "INE4": True}  # 2AG1 was not in the file
        assert s.scalar(select(func.count()).select_from(Fiche)) == 1  # Zoé's passport is kept
