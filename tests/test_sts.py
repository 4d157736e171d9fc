"""The STS-web import (issue 16): hand-made sts_emp files, read, previewed, applied, imported again.

The school of tests/ecole.py (0350001A: 1GA1 and 2AG1 in 2026-2027, Claire Martin teaching 1GA1), plus a teacher
made by hand, Jean-Marc Durand (no STS-web number), and a 2NDE3 of the year before.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport.acces import OPERATEUR
from passeport.cli import main
from passeport.db import creer_engine, transaction
from passeport.models import Compte, Division, Enseignant, Etablissement, EvenementAudit, Niveau, Role
from passeport.services import rentree_sts
from passeport.services.rentree import ApercuPerime, ImportScolariteInvalide
from passeport.sts import IndividuSts, lire_sts
from passeport.xml_sur import XmlInvalide
from tests.ecole import creer_ecole
from tests.fichiers_scolarite import division, groupe, individu, sts

pytestmark = pytest.mark.store


LEVEQUE = individu("101", "LÉVÊQUE", "Hélène")
DURAND = individu("102", "DURAND", "Jean-Marc", discipline="LETT.HIST.")
ROUX = individu("103", "ROUX", "Ève")
DOCUMENTALISTE = individu("104", "BLANC", "Anne", fonction="DOC", discipline="DOCUMENTATION")
NGUYEN = individu("105", None, "François", patronyme="NGUYEN")

# Hélène Lévêque teaches 1GA1 (directly and through a group of 1GA1), Jean-Marc Durand 1GA1, Ève Roux only 2NDE3
# (no such division this year in the application), the librarian TGA1, François Nguyen a group of 1GA1 and 2AG1.
FICHIER = sts([LEVEQUE, DURAND, ROUX, DOCUMENTALISTE, NGUYEN],
              [division("1GA1", "101", "102"), division("2NDE3", "103"), division("TGA1", "104")],
              [groupe("1GA1_G1", ["1GA1"], "101"), groupe("AP_1_2", ["1GA1", "2AG1"], "105")])


# --- The school --------------------------------------------------------------------------------------------------

@pytest.fixture
def lycee(fresh_db):
    """(engine, school id, ecole): the school of tests/ecole.py, Jean-Marc Durand, and last year's 2NDE3."""
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        etab = s.get(Etablissement, ecole.admin.etablissement_id)
        s.add(Enseignant(compte=Compte(login="jm.durand", role=Role.ENSEIGNANT, etablissement=etab, nom="Durand",
                                       prenom="Jean-Marc")))
        s.add(Division(etablissement=etab, nom="2NDE3", niveau=Niveau.SECONDE, annee_scolaire="2025-2026"))
    return fresh_db, ecole.admin.etablissement_id, ecole


def _prevoir(engine, etab_id, contenu, acteur=OPERATEUR):
    with transaction(engine) as s:
        return rentree_sts.prevoir_sts(s, acteur, contenu, etab_id)


def _importer(engine, etab_id, contenu, acteur=OPERATEUR):
    """Preview then apply, as the page and the command do."""
    with transaction(engine) as s:
        plan = rentree_sts.prevoir_sts(s, acteur, contenu, etab_id)
        return rentree_sts.appliquer_sts(s, acteur, contenu, etab_id, plan.empreinte)


def _compter(engine, modele) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(modele))


def _enseignants(engine) -> dict[str, tuple]:
    """login → (prénom, nom, id_externe, discipline, divisions, has a password)."""
    with Session(engine) as s:
        return {e.compte.login: (e.compte.prenom, e.compte.nom, e.compte.id_externe, e.discipline,
                                 sorted(f"{d.nom} {d.annee_scolaire}" for d in e.divisions),
                                 e.compte.mot_de_passe_hash is not None)
                for e in s.scalars(select(Enseignant))}


# --- Reading -----------------------------------------------------------------------------------------------------

def test_reading_keeps_accents_and_gives_a_group_s_teacher_its_divisions():
    fichier = lire_sts(FICHIER)
    assert (fichier.uaj, fichier.annee_scolaire) == ("0350001A", "2026-2027")
    assert fichier.individus == (
        IndividuSts("101", "epp", "LÉVÊQUE", "Hélène", "ENS", "ECO.GEST.", ("1GA1",)),
        IndividuSts("102", "epp", "DURAND", "Jean-Marc", "ENS", "LETT.HIST.", ("1GA1",)),
        IndividuSts("103", "epp", "ROUX", "Ève", "ENS", "ECO.GEST.", ("2NDE3",)),
        IndividuSts("104", "epp", "BLANC", "Anne", "DOC", "DOCUMENTATION", ("TGA1",)),
        IndividuSts("105", "epp", "NGUYEN", "François", "ENS", "ECO.GEST.", ("1GA1", "2AG1")),
    )


def test_parameters_written_as_text_and_a_utf8_file_are_read_alike():
    en_texte = sts([LEVEQUE], [division("1GA1", "101")], uaj="0350001a", annee="2026", parametres_en_texte=True)
    fichier = lire_sts(en_texte)
    assert (fichier.uaj, fichier.annee_scolaire, fichier.individus[0].nom) == ("0350001A", "2026-2027", "LÉVÊQUE")
    utf8 = en_texte.decode("iso-8859-15").replace("ISO-8859-15", "UTF-8").encode("utf-8")
    assert lire_sts(utf8) == fichier


# --- Wrong files: each named in the message, nothing written -----------------------------------------------------

SIECLE = ('<?xml version="1.0" encoding="ISO-8859-15"?><BEE_ELEVES VERSION="3.1"><PARAMETRES><UAJ>0350001A</UAJ>'
          "</PARAMETRES><DONNEES><ELEVES><ELEVE ELEVE_ID=\"1\"><NOM_DE_FAMILLE>MOREAU</NOM_DE_FAMILLE>"
          "<PRENOM>Léa</PRENOM></ELEVE></ELEVES></DONNEES></BEE_ELEVES>").encode("iso-8859-15")
EMP_STS = ('<?xml version="1.0" encoding="ISO-8859-15"?><STS_EDT><PARAMETRES><UAJ CODE="0350001A"/>'
           '<ANNEE_SCOLAIRE ANNEE="2026"/></PARAMETRES><DONNEES><STRUCTURE><DIVISIONS>'
           '<DIVISION CODE="1GA1"/></DIVISIONS></STRUCTURE></DONNEES></STS_EDT>').encode("iso-8859-15")
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<STS_EDT><PARAMETRES><UAJ CODE="&lol3;"/></PARAMETRES></STS_EDT>"""

EMP_STS_MESSAGE = ("Ce fichier est celui que le logiciel d'emploi du temps renvoie à STS-web (emp_sts…), pas l'export "
                   "de STS-web : il ne contient pas les enseignants. Dans STS-web : Mise à jour > Exports > Emplois "
                   "du temps, puis importez le fichier sts_emp_<UAI>_<année>.xml. Rien n'a été enregistré.")


@pytest.mark.parametrize("contenu, message", [
    (SIECLE, "Ce fichier est l'export des élèves de SIECLE (ElevesSansAdresses.xml), à importer comme fichier "
             "SIECLE, pas comme fichier STS-web. Rien n'a été enregistré."),
    (EMP_STS, EMP_STS_MESSAGE),
    (EMP_STS.replace(b"STS_EDT", b"EDT_STS"), EMP_STS_MESSAGE),
    (b'<?xml version="1.0"?><html><body>Connexion</body></html>',
     "Ce fichier n'est pas un export de STS-web (racine html, au lieu de STS_EDT). Rien n'a été enregistré."),
    (sts([LEVEQUE], [division("1GA1", "101")], uaj="0359999Z"),
     "Ce fichier STS-web est celui de l'établissement 0359999Z ; vous importez pour Lycée test (0350001A). Import "
     "refusé, rien n'a été enregistré."),
    (sts([LEVEQUE], [division("1GA1", "101")], uaj=""),
     "Code de l'établissement (PARAMETRES/UAJ) absent dans le fichier STS-web : il doit être de 7 chiffres et une "
     "lettre. Rien n'a été enregistré."),
    (sts([LEVEQUE], [division("1GA1", "101")], annee="26-27"),
     "Année scolaire (PARAMETRES/ANNEE_SCOLAIRE) illisible : « 26-27 » dans le fichier STS-web : l'année de la "
     "rentrée est attendue (par exemple 2026). Rien n'a été enregistré."),
    (BILLION_LAUGHS, "Le fichier contient une définition de type de document (DTD) ou des entités : refusé par "
                     "sécurité. Les exports de SIECLE et de STS-web n'en contiennent jamais."),
    # Cut after the teachers (1,715 bytes: the declaration's line, then 1,670 characters on line 2), then in a tag.
    (FICHIER[:FICHIER.index(b"<STRUCTURE>")], "Fichier XML illisible, ligne 2, colonne 1670 : le fichier s'arrête "
                                              "avant la fin (fichier tronqué : téléchargez-le de nouveau)."),
    (FICHIER[:700], "Fichier XML illisible, ligne 2, colonne 651 : le fichier s'arrête au milieu d'une balise "
                    "(fichier tronqué : téléchargez-le de nouveau)."),
])
def test_a_wrong_file_is_refused_named_and_nothing_is_written(lycee, contenu, message):
    engine, etab_id, _ = lycee
    comptes = _compter(engine, Compte)
    with pytest.raises((ImportScolariteInvalide, XmlInvalide)) as refus:
        _importer(engine, etab_id, contenu)
    assert refus.value.erreurs == [message]
    assert _compter(engine, Compte) == comptes


# --- Preview, then apply -----------------------------------------------------------------------------------------

def test_the_preview_says_what_the_import_will_do_and_writes_nothing(lycee):
    engine, etab_id, _ = lycee
    avant = (_compter(engine, Compte), _enseignants(engine), _compter(engine, EvenementAudit))
    plan = _prevoir(engine, etab_id, FICHIER)
    assert (_compter(engine, Compte), _enseignants(engine), _compter(engine, EvenementAudit)) == avant
    assert plan.annee_scolaire == "2026-2027"
    assert plan.enseignants_crees == (
        rentree_sts.EnseignantCree("101", "Hélène", "LÉVÊQUE", "helene.leveque", "ECO.GEST.", ("1GA1",)),
        rentree_sts.EnseignantCree("105", "François", "NGUYEN", "francois.nguyen", "ECO.GEST.", ("1GA1", "2AG1")),
    )
    with Session(engine) as s:
        durand_id = s.scalar(select(Compte.id).where(Compte.login == "jm.durand"))
    assert plan.enseignants_retrouves == (
        rentree_sts.EnseignantRetrouve(durand_id, "102", "Jean-Marc", "Durand", "jm.durand", True, ("1GA1",)),)
    # Ève Roux teaches only 2NDE3, which the application has for 2025-2026, not for the file's year; the librarian
    # is not a teacher of a division and is not counted.
    assert (plan.ignores, plan.ignores_exemples, plan.divisions_du_fichier_absentes) == (1, ("Ève ROUX",), ("2NDE3",))
    assert (plan.liens_ajoutes, plan.deja_a_jour, plan.problemes, plan.rien_a_faire) == (4, 0, (), False)
    assert plan.resume() == ("2 enseignants créés, 1 retrouvé, 4 liens avec des divisions ajoutés. "
                             "1 enseignant ignoré (aucune division du passeport).")


def test_applying_creates_accounts_without_password_finds_the_existing_one_and_journals(lycee):
    engine, etab_id, _ = lycee
    comptes = _compter(engine, Compte)
    plan = _importer(engine, etab_id, FICHIER)
    assert plan.resume().startswith("2 enseignants créés, 1 retrouvé, 4 liens")
    assert _compter(engine, Compte) == comptes + 2
    enseignants = _enseignants(engine)
    assert enseignants["helene.leveque"] == ("Hélène", "LÉVÊQUE", "sts:101", "ECO.GEST.", ["1GA1 2026-2027"], False)
    assert enseignants["francois.nguyen"] == ("François", "NGUYEN", "sts:105", "ECO.GEST.",
                                              ["1GA1 2026-2027", "2AG1 2026-2027"], False)
    # Found by name: the STS-web number is noted, the name and discipline typed by the administrator stay.
    assert enseignants["jm.durand"] == ("Jean-Marc", "Durand", "sts:102", "", ["1GA1 2026-2027"], False)
    assert "ROUX" not in str(enseignants) and "BLANC" not in str(enseignants)
    with Session(engine) as s:
        assert s.scalar(select(Compte.role).where(Compte.login == "helene.leveque")) == Role.ENSEIGNANT
        evenement = s.scalar(select(EvenementAudit).where(EvenementAudit.action == "sts_importe"))
        assert (evenement.objet_type, evenement.objet_id, evenement.details) == ("etablissement", etab_id,
                                                                                   plan.resume())


def test_a_second_import_of_the_same_file_changes_nothing(lycee):
    engine, etab_id, _ = lycee
    _importer(engine, etab_id, FICHIER)
    apres = (_compter(engine, Compte), _enseignants(engine))
    plan = _importer(engine, etab_id, FICHIER)
    assert (plan.enseignants_crees, plan.enseignants_retrouves, plan.liens_ajoutes) == ((), (), 0)
    assert (plan.rien_a_faire, plan.deja_a_jour) == (True, 3)
    assert plan.resume() == ("Rien à changer : 3 enseignants du fichier déjà à jour. "
                             "1 enseignant ignoré (aucune division du passeport).")
    assert (_compter(engine, Compte), _enseignants(engine)) == apres


def test_the_next_import_finds_the_account_by_its_number_even_renamed(lycee):
    engine, etab_id, _ = lycee
    _importer(engine, etab_id, FICHIER)
    with transaction(engine) as s:
        # The administrator renamed the account, and created TGA1 for this year.
        s.scalar(select(Compte).where(Compte.login == "jm.durand")).nom = "Durand-Leclerc"
        etab = s.get(Etablissement, etab_id)
        s.add(Division(etablissement=etab, nom="TGA1", niveau=Niveau.TERMINALE, annee_scolaire="2026-2027"))
        durand_id = s.scalar(select(Compte.id).where(Compte.login == "jm.durand"))
    suivant = sts([LEVEQUE, DURAND], [division("1GA1", "101", "102"), division("TGA1", "102")])
    plan = _importer(engine, etab_id, suivant)
    assert plan.enseignants_crees == ()
    assert plan.enseignants_retrouves == (
        rentree_sts.EnseignantRetrouve(durand_id, "102", "Jean-Marc", "Durand-Leclerc", "jm.durand", False, ("TGA1",)),)
    assert plan.resume() == "0 enseignant créé, 1 retrouvé, 1 lien avec une division ajouté."
    assert _enseignants(engine)["jm.durand"][4] == ["1GA1 2026-2027", "TGA1 2026-2027"]


def test_a_link_set_by_hand_stays(lycee):
    engine, etab_id, ecole = lycee
    _importer(engine, etab_id, FICHIER)
    with transaction(engine) as s:
        helene = s.scalar(select(Enseignant).join(Compte).where(Compte.login == "helene.leveque"))
        helene.divisions.append(s.scalar(select(Division).where(Division.nom == "2AG1")))
    plan = _importer(engine, etab_id, FICHIER)
    assert plan.rien_a_faire
    assert _enseignants(engine)["helene.leveque"][4] == ["1GA1 2026-2027", "2AG1 2026-2027"]
    # Claire Martin, linked by hand and absent from the file, keeps her division too.
    assert _enseignants(engine)["claire.martin"][4] == ["1GA1 2026-2027"]


def test_namesakes_are_a_problem_and_nothing_is_applied(lycee):
    engine, etab_id, _ = lycee
    with transaction(engine) as s:
        etab = s.get(Etablissement, etab_id)
        for login in ("h.leveque", "helene.leveque"):
            s.add(Enseignant(compte=Compte(login=login, role=Role.ENSEIGNANT, etablissement=etab, nom="Lévêque",
                                           prenom="Hélène")))
    avant = (_compter(engine, Compte), _enseignants(engine))
    plan = _prevoir(engine, etab_id, FICHIER)
    probleme = ("2 comptes enseignants s'appellent Hélène LÉVÊQUE (h.leveque, helene.leveque) : impossible de savoir "
                "lequel est celui du fichier (n° STS-web 101). Corrigez le nom du compte en trop, puis relancez "
                "l'import.")
    assert plan.problemes == (probleme,)
    assert plan.resume() == "Import impossible : 1 problème à régler d'abord."
    with pytest.raises(ImportScolariteInvalide) as refus, transaction(engine) as s:
        rentree_sts.appliquer_sts(s, OPERATEUR, FICHIER, etab_id, plan.empreinte)
    assert refus.value.erreurs == [probleme]
    assert (_compter(engine, Compte), _enseignants(engine)) == avant


def test_two_namesakes_of_the_file_cannot_share_one_account(lycee):
    engine, etab_id, _ = lycee
    deux = sts([DURAND, individu("106", "Durand", "Jean-Marc")], [division("1GA1", "102", "106")])
    plan = _prevoir(engine, etab_id, deux)
    assert plan.problemes == (
        "2 enseignants du fichier s'appellent Jean-Marc DURAND (n° STS-web 102, 106) et un seul compte sans numéro "
        "porte ce nom (jm.durand) : impossible de savoir lequel il est. Corrigez le nom du compte, puis relancez "
        "l'import.",)


def test_a_preview_outdated_by_a_change_of_the_base_is_refused(lycee):
    engine, etab_id, _ = lycee
    plan = _prevoir(engine, etab_id, FICHIER)
    with transaction(engine) as s:  # meanwhile, the administrator creates Hélène Lévêque's account by hand
        s.add(Enseignant(compte=Compte(login="hlev", role=Role.ENSEIGNANT, etablissement_id=etab_id, nom="Leveque",
                                       prenom="Helene")))
    avant = (_compter(engine, Compte), _enseignants(engine))
    with pytest.raises(ApercuPerime), transaction(engine) as s:
        rentree_sts.appliquer_sts(s, OPERATEUR, FICHIER, etab_id, plan.empreinte)
    assert (_compter(engine, Compte), _enseignants(engine)) == avant
    # The new preview finds her account instead of making a second one.
    nouveau = _prevoir(engine, etab_id, FICHIER)
    assert [e.login for e in nouveau.enseignants_retrouves] == ["jm.durand", "hlev"]  # DURAND, then LÉVÊQUE
    assert nouveau.empreinte != plan.empreinte


def test_the_administrator_of_the_school_imports(lycee):
    engine, etab_id, ecole = lycee
    plan = _importer(engine, etab_id, FICHIER, acteur=ecole.admin)
    assert len(plan.enseignants_crees) == 2
    with Session(engine) as s:
        assert s.scalar(select(EvenementAudit.compte_id).where(EvenementAudit.action == "sts_importe")) == \
            ecole.admin.compte_id


# --- The command -------------------------------------------------------------------------------------------------

ELEVES_CSV = ("identifiant;nom;prenom;division;niveau;annee_scolaire\n"
              "INE1;Moreau;Léa;1GA1;1re;2026-2027\nINE2;Petit;Noé;2AG1;2nde;2026-2027\n").encode()


@pytest.mark.cli
def test_the_command_previews_imports_then_finds_nothing_to_do(db_env, tmp_path, capsys):
    main(["initialiser"])
    main(["etablissement", "0350001A", "Lycée Bréquigny"])
    (tmp_path / "eleves.csv").write_bytes(ELEVES_CSV)
    main(["importer", "eleves", str(tmp_path / "eleves.csv")])
    (tmp_path / "sts_emp_0350001A_2026.xml").write_bytes(FICHIER)
    fichier = str(tmp_path / "sts_emp_0350001A_2026.xml")
    capsys.readouterr()
    assert main(["importer", "sts", fichier, "--apercu"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Aperçu de l'import STS-web pour Lycée Bréquigny (0350001A) ; rien n'a été enregistré.",
        "Année scolaire du fichier : 2026-2027.",
        "Comptes enseignants à créer (3, sans mot de passe : imprimez ensuite la feuille des premiers mots de passe) :",
        "  - Jean-Marc DURAND (jean-marc.durand), LETT.HIST. : 1GA1",
        "  - Hélène LÉVÊQUE (helene.leveque), ECO.GEST. : 1GA1",
        "  - François NGUYEN (francois.nguyen), ECO.GEST. : 1GA1, 2AG1",
        "Ignorés, sans division du passeport : 1 (Ève ROUX).",
        "Divisions du fichier absentes de l'application pour 2026-2027 (pour information) : 2NDE3.",
        "3 enseignants créés, 0 retrouvé, 4 liens avec des divisions ajoutés. 1 enseignant ignoré (aucune division "
        "du passeport).",
    ]
    engine = creer_engine(db_env)
    assert _compter(engine, Enseignant) == 0
    assert main(["importer", "sts", fichier, "--etablissement", "0350001a"]) == 0
    assert main(["importer", "sts", fichier]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "3 enseignants créés, 0 retrouvé, 4 liens avec des divisions ajoutés. 1 enseignant ignoré (aucune division "
        "du passeport).",
        "Rien à changer : 3 enseignants du fichier déjà à jour. 1 enseignant ignoré (aucune division du passeport).",
    ]
    assert sorted(_enseignants(engine)) == ["francois.nguyen", "helene.leveque", "jean-marc.durand"]
    engine.dispose()


@pytest.mark.cli
def test_the_command_refuses_a_wrong_file_on_stderr_and_writes_nothing(db_env, tmp_path, capsys):
    main(["initialiser"])
    main(["etablissement", "0350001A", "Lycée Bréquigny"])
    (tmp_path / "ElevesSansAdresses.xml").write_bytes(SIECLE)
    capsys.readouterr()
    assert main(["importer", "sts", str(tmp_path / "ElevesSansAdresses.xml")]) == 1
    sortie = capsys.readouterr()
    assert sortie.out == ""
    assert sortie.err.splitlines() == [
        "Ce fichier est l'export des élèves de SIECLE (ElevesSansAdresses.xml), à importer comme fichier SIECLE, pas "
        "comme fichier STS-web. Rien n'a été enregistré.",
        "Import refusé : rien n'a été enregistré.",
    ]
    assert main(["importer", "sts", str(tmp_path / "absent.xml")]) == 1
    assert capsys.readouterr().err == f"Fichier introuvable : {tmp_path / 'absent.xml'}\n"
    engine = creer_engine(db_env)
    assert _compter(engine, Enseignant) == 0
    engine.dispose()


@pytest.mark.cli
def test_the_command_lists_the_problems_of_the_preview_and_exits_1(db_env, tmp_path, capsys):
    main(["initialiser"])
    main(["etablissement", "0350001A", "Lycée Bréquigny"])
    (tmp_path / "eleves.csv").write_bytes(ELEVES_CSV)
    main(["importer", "eleves", str(tmp_path / "eleves.csv")])
    sans_prenom = sts([individu("101", "LÉVÊQUE", "")], [division("1GA1", "101")])
    (tmp_path / "sts.xml").write_bytes(sans_prenom)
    capsys.readouterr()
    probleme = ("L'enseignant n° 101 du fichier (LÉVÊQUE) n'a pas de nom ou pas de prénom : complétez-le dans "
                "STS-web, puis exportez de nouveau.")
    assert main(["importer", "sts", str(tmp_path / "sts.xml"), "--apercu"]) == 1
    sortie = capsys.readouterr()
    assert f"  - {probleme}" in sortie.out.splitlines()
    assert sortie.err == "Import impossible en l'état : réglez les problèmes ci-dessus.\n"
    assert main(["importer", "sts", str(tmp_path / "sts.xml")]) == 1
    assert capsys.readouterr().err.splitlines() == [probleme, "Import refusé : rien n'a été enregistré."]
