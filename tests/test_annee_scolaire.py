"""The « Année scolaire » page's services: next year's divisions, the rentrée's journal, last year's divisions kept
readable (trigger of migration 0015), the first passwords of the new accounts only, the sheet by groups.

The school of tests/ecole.py (UAI 0350001A, year 2026-2027): Léa Moreau in 1GA1 (GA 2012), Noé Petit in 2AG1
(AGORA 2020), teachers Claire Martin and Sophie Leroy; no account has a password yet. Every expectation is written
by hand.
"""

import datetime as dt

import pypdfium2 as pdfium
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from passeport import annee
from passeport.db import transaction
from passeport.documents.identifiants import pdf_feuille
from passeport.models import (Compte, Division, DivisionPassee, Eleve, Enseignant, Etablissement, EvenementAudit,
                              Niveau, Role)
from passeport.services import administration, annee_scolaire
from passeport.services.administration import Identifiants, ReglageRefuse
from passeport.services.comptes import Utilisateur, hacher, verifier
from passeport.services.rentree_siecle import appliquer_siecle, prevoir_siecle
from tests.ecole import creer_ecole
from tests.fichiers_scolarite import E, siecle

pytestmark = pytest.mark.store


@pytest.fixture
def ecole(fresh_db):
    return creer_ecole(fresh_db)


def _autre_ecole(engine) -> Utilisateur:
    """Another school (its own 1GA1 of 2026-2027, a new student without password); returns its administrator."""
    with transaction(engine) as s:
        etab = Etablissement(uai="0350002B", nom="Lycée voisin")
        division = Division(etablissement=etab, nom="CAP1", niveau=Niveau.SECONDE, annee_scolaire="2020-2021")
        eleve = Eleve(compte=Compte(login="max.voisin", role=Role.ELEVE, prenom="Max", nom="Voisin",
                                    etablissement=etab), identifiant="INE-V1", division=division)
        admin = Compte(login="admin.voisin", role=Role.ADMIN, etablissement=etab)
        s.add_all([eleve, admin])
        s.flush()
        return Utilisateur(admin.id, admin.login, admin.role, admin.nom_complet, etab.id)


def _id_division(engine, nom: str, annee_scolaire_: str) -> int:
    with Session(engine) as s:
        return s.scalar(select(Division.id).where(Division.nom == nom, Division.annee_scolaire == annee_scolaire_))


def _ajouter_eleve(s, etablissement_id: int, division_id: int, login: str, prenom: str, nom: str,
                   **compte) -> Eleve:
    eleve = Eleve(compte=Compte(login=login, role=Role.ELEVE, prenom=prenom, nom=nom,
                                etablissement_id=etablissement_id, **compte),
                  identifiant=f"INE-{login}", division_id=division_id)
    s.add(eleve)
    s.flush()
    return eleve


def _evenements(engine, action: str) -> list[tuple[int | None, str]]:
    with Session(engine) as s:
        return [tuple(r) for r in s.execute(select(EvenementAudit.objet_id, EvenementAudit.details)
                                            .where(EvenementAudit.action == action).order_by(EvenementAudit.id))]


# --- 1. the year a rentrée prepares ----------------------------------------------------------------------------------


@pytest.mark.parametrize("jour, attendue", [
    (dt.date(2026, 10, 15), "2026-2027"),  # in the year: the current one
    (dt.date(2027, 5, 31), "2026-2027"),   # still the current one until the end of May
    (dt.date(2027, 6, 1), "2027-2028"),    # from June on, next September's
    (dt.date(2027, 6, 20), "2027-2028"),
    (dt.date(2027, 8, 31), "2027-2028"),
    (dt.date(2027, 9, 1), "2027-2028"),    # September: the new year has begun, it is the current one
])
def test_the_year_of_the_rentree(jour, attendue):
    assert annee.annee_de_la_rentree(jour) == attendue


def test_the_previous_year():
    assert annee.precedente("2026-2027") == "2025-2026"
    assert annee.precedente("2000-2001") == "1999-2000"


# --- 2. known years --------------------------------------------------------------------------------------------------


def test_known_years_are_the_divisions_years_with_the_current_and_the_next_newest_first(fresh_db, ecole):
    _autre_ecole(fresh_db)  # its 2020-2021 is none of ours
    with transaction(fresh_db) as s:
        etab_id = ecole.admin.etablissement_id
        s.add(Division(etablissement_id=etab_id, nom="TGA1", niveau=Niveau.TERMINALE, annee_scolaire="2024-2025"))
    with Session(fresh_db) as s:
        assert annee_scolaire.annees_connues(s, ecole.admin, aujourd_hui=dt.date(2026, 10, 15)) == [
            "2027-2028", "2026-2027", "2024-2025"]
        # Later on: the current and next years are added to those of the divisions.
        assert annee_scolaire.annees_connues(s, ecole.admin, aujourd_hui=dt.date(2028, 9, 1)) == [
            "2029-2030", "2028-2029", "2026-2027", "2024-2025"]
        # In August, the current year is still 2026-2027.
        assert annee_scolaire.annees_connues(s, ecole.admin, aujourd_hui=dt.date(2027, 8, 31)) == [
            "2027-2028", "2026-2027", "2024-2025"]


# --- 3. next year's divisions ------------------------------------------------------------------------------------------


def _divisions_de(engine, annee_scolaire_: str) -> list[tuple[str, Niveau, str, int]]:
    with Session(engine) as s:
        return [tuple(r) for r in s.execute(
            select(Division.nom, Division.niveau, Division.referentiel, Division.etablissement_id)
            .where(Division.annee_scolaire == annee_scolaire_).order_by(Division.nom))]


def test_carrying_the_divisions_over_creates_the_missing_ones_once(fresh_db, ecole):
    autre = _autre_ecole(fresh_db)
    etab_id = ecole.admin.etablissement_id
    with transaction(fresh_db) as s:  # TGA1 is already there in 2027-2028: kept, not doubled
        s.add_all([Division(etablissement_id=etab_id, nom="TGA1", niveau=Niveau.TERMINALE, annee_scolaire=a)
                   for a in ("2026-2027", "2027-2028")])
        s.add(Division(etablissement_id=autre.etablissement_id, nom="CAP2", niveau=Niveau.PREMIERE,
                       annee_scolaire="2026-2027"))
    with transaction(fresh_db) as s:
        assert annee_scolaire.reconduire_divisions(s, ecole.admin, "2026-2027", "2027-2028") == ["1GA1", "2AG1"]
    attendues = [("1GA1", Niveau.PREMIERE, "ga-2012", etab_id), ("2AG1", Niveau.SECONDE, "agora-2020", etab_id),
                 ("TGA1", Niveau.TERMINALE, "ga-2012", etab_id)]
    assert _divisions_de(fresh_db, "2027-2028") == attendues  # nothing of the other school (its CAP2)
    with transaction(fresh_db) as s:
        assert annee_scolaire.reconduire_divisions(s, ecole.admin, "2026-2027", "2027-2028") == []
    assert _divisions_de(fresh_db, "2027-2028") == attendues
    assert _evenements(fresh_db, "divisions_reconduites") == [
        (etab_id, "2 division(s) de 2026-2027 reprises en 2027-2028 : 1GA1, 2AG1"),
        (etab_id, "0 division(s) de 2026-2027 reprises en 2027-2028 : aucune")]


@pytest.mark.parametrize("depuis, vers", [
    ("2026-2027", "2026-2027"),  # the same year
    ("2026-2028", "2027-2028"),  # not two consecutive years
    ("2026-2027", "2027/2028"),
    ("", "2027-2028"),
    ("2026-2027", " 2027-2028"),
])
def test_carrying_over_refuses_invalid_or_equal_years_and_writes_nothing(fresh_db, ecole, depuis, vers):
    with pytest.raises(ReglageRefuse) as refus, transaction(fresh_db) as s:
        annee_scolaire.reconduire_divisions(s, ecole.admin, depuis, vers)
    assert str(refus.value) == "Choisissez deux années scolaires différentes, écrites ainsi : 2027-2028."
    with Session(fresh_db) as s:
        assert s.scalar(select(Division.id).where(Division.annee_scolaire != "2026-2027")) is None
    assert _evenements(fresh_db, "divisions_reconduites") == []


# --- 4. what the rentrée did ------------------------------------------------------------------------------------------


def test_the_rentree_journal_lists_the_steps_newest_first_and_only_this_school(fresh_db, ecole):
    autre = _autre_ecole(fresh_db)
    etab_id = ecole.admin.etablissement_id
    fichier = siecle([E("1001", "INE1", "Moreau", "Léa", "1GA1"), E("1002", "INE2", "Petit", "Noé", "2AG1"),
                      E("1003", "523456789AB", "ROUX", "Zoé", "1GA1")])
    with Session(fresh_db) as s:
        plan = prevoir_siecle(s, ecole.admin, fichier, etab_id, aujourd_hui=dt.date(2026, 11, 30))
    with transaction(fresh_db) as s:
        appliquer_siecle(s, ecole.admin, fichier, etab_id, plan.empreinte, aujourd_hui=dt.date(2026, 11, 30))
    with transaction(fresh_db) as s:
        annee_scolaire.reconduire_divisions(s, ecole.admin, "2026-2027", "2027-2028")
    with transaction(fresh_db) as s:
        administration.creer_division(s, ecole.admin, "TGA1", "Tle", "2027-2028", "ga-2012")
    with transaction(fresh_db) as s:
        administration.premiers_mots_de_passe_des_nouveaux(s, ecole.admin)
    with transaction(fresh_db) as s:  # the other school's rentrée, and an event that is no step
        annee_scolaire.reconduire_divisions(s, autre, "2020-2021", "2021-2022")
        administration.creer_division(s, autre, "CAP9", "2nde", "2021-2022", "ga-2012")
        administration.ouvrir_consultation(s, ecole.admin, ecole.lea.eleve_id, "vérification du dossier")
    with Session(fresh_db) as s:
        etapes = annee_scolaire.journal_de_la_rentree(s, ecole.admin)
        assert [(e.etape, e.details) for e in etapes] == [
            # Léa, Noé, Zoé, Claire Martin, Sophie Leroy: none had a password.
            ("Premiers mots de passe des nouveaux comptes", "5 comptes"),
            ("Division créée", "TGA1 (2027-2028)"),
            ("Divisions de l'année", "2 division(s) de 2026-2027 reprises en 2027-2028 : 1GA1, 2AG1"),
            ("Import SIECLE", "1 élève créé (année 2026-2027)."),
        ]
        assert all(isinstance(e.quand, dt.datetime) for e in etapes)
        assert [e.quand for e in etapes] == sorted((e.quand for e in etapes), reverse=True)
        assert [e.etape for e in annee_scolaire.journal_de_la_rentree(s, ecole.admin, limite=2)] == [
            "Premiers mots de passe des nouveaux comptes", "Division créée"]
        # The other school sees its own steps only.
        assert [(e.etape, e.details) for e in annee_scolaire.journal_de_la_rentree(s, autre)] == [
            ("Division créée", "CAP9 (2021-2022)"),
            ("Divisions de l'année", "1 division(s) de 2020-2021 reprises en 2021-2022 : CAP1")]


# --- 5. last year's divisions, with where their students are now -------------------------------------------------------


def test_last_years_division_keeps_its_students_whoever_moved_them(fresh_db, ecole):
    etab_id = ecole.admin.etablissement_id
    un_ga1 = _id_division(fresh_db, "1GA1", "2026-2027")
    with transaction(fresh_db) as s:
        hugo = _ajouter_eleve(s, etab_id, un_ga1, "hugo.bernard", "Hugo", "Bernard").id
        _ajouter_eleve(s, etab_id, un_ga1, "zoe.roux", "Zoé", "Roux")  # stays in last year's 1GA1
        ines = _ajouter_eleve(s, etab_id, un_ga1, "ines.faure", "Inès", "Faure").id
    with transaction(fresh_db) as s:
        annee_scolaire.reconduire_divisions(s, ecole.admin, "2026-2027", "2027-2028")
        tga1 = administration.creer_division(s, ecole.admin, "TGA1", "Tle", "2027-2028", "ga-2012").id
    un_ga1_suivante = _id_division(fresh_db, "1GA1", "2027-2028")
    with transaction(fresh_db) as s:  # by the service (the ORM)
        administration.changer_de_division(s, ecole.admin, ecole.lea.eleve_id, tga1)
    with fresh_db.begin() as conn:  # by plain SQL, as another writer would
        conn.execute(text("UPDATE eleve SET division_id = :d WHERE id = :e"), {"d": un_ga1_suivante, "e": hugo})
        conn.execute(text("UPDATE eleve SET division_id = division_id WHERE id = :e"), {"e": ines})  # no move
    with transaction(fresh_db) as s:
        administration.enregistrer_sortie(s, ecole.admin, ines, dt.date(2027, 1, 15))
    with Session(fresh_db) as s:  # one row per move, none for an update that moved nobody
        assert sorted(tuple(r) for r in s.execute(
            select(DivisionPassee.eleve_id, DivisionPassee.division_id))) == sorted(
            [(ecole.lea.eleve_id, un_ga1), (hugo, un_ga1)])
        assert all(isinstance(q, dt.datetime) for q in s.scalars(select(DivisionPassee.quittee_le)))

        def vues(annee_scolaire_):
            return [(d.nom, d.niveau, d.annee_scolaire, [(e.nom_complet, e.identifiant, e.aujourd_hui)
                                                         for e in d.eleves])
                    for d in annee_scolaire.divisions_de_l_annee(s, ecole.admin, annee_scolaire_)]

        assert vues("2026-2027") == [
            ("1GA1", "1re", "2026-2027", [
                ("Hugo Bernard", "INE-hugo.bernard", "1GA1 (2027-2028)"),
                ("Inès Faure", "INE-ines.faure", "sorti(e) le 15/01/2027"),
                ("Léa Moreau", "INE1", "TGA1 (2027-2028)"),
                ("Zoé Roux", "INE-zoe.roux", "1GA1 (2026-2027)"),
            ]),
            ("2AG1", "2nde", "2026-2027", [("Noé Petit", "INE2", "2AG1 (2026-2027)")]),
        ]
        assert vues("2027-2028") == [
            ("1GA1", "1re", "2027-2028", [("Hugo Bernard", "INE-hugo.bernard", "1GA1 (2027-2028)")]),
            ("2AG1", "2nde", "2027-2028", []),
            ("TGA1", "Tle", "2027-2028", [("Léa Moreau", "INE1", "TGA1 (2027-2028)")]),
        ]
        assert vues("2025-2026") == []


def test_a_student_moved_back_is_listed_once(fresh_db, ecole):
    un_ga1 = _id_division(fresh_db, "1GA1", "2026-2027")
    with transaction(fresh_db) as s:
        annee_scolaire.reconduire_divisions(s, ecole.admin, "2026-2027", "2027-2028")
    un_ga1_suivante = _id_division(fresh_db, "1GA1", "2027-2028")
    for cible in (un_ga1_suivante, un_ga1, un_ga1_suivante, un_ga1):
        with transaction(fresh_db) as s:
            administration.changer_de_division(s, ecole.admin, ecole.lea.eleve_id, cible)
    with Session(fresh_db) as s:
        divisions = {(d.nom, d.annee_scolaire): [(e.nom_complet, e.aujourd_hui) for e in d.eleves]
                     for a in ("2026-2027", "2027-2028") for d in annee_scolaire.divisions_de_l_annee(s, ecole.admin, a)}
    assert divisions[("1GA1", "2026-2027")] == [("Léa Moreau", "1GA1 (2026-2027)")]
    assert divisions[("1GA1", "2027-2028")] == [("Léa Moreau", "1GA1 (2026-2027)")]


# --- 6. first passwords of the new accounts only ---------------------------------------------------------------------


def test_first_passwords_go_to_the_new_active_accounts_only(fresh_db, ecole):
    autre = _autre_ecole(fresh_db)  # its new student (max.voisin) is none of ours
    etab_id = ecole.admin.etablissement_id
    un_ga1 = _id_division(fresh_db, "1GA1", "2026-2027")
    ancien = hacher("mot-de-passe-de-lea")
    with transaction(fresh_db) as s:
        s.get(Compte, ecole.lea.compte_id).mot_de_passe_hash = ancien  # Léa already signed in
        s.get(Compte, ecole.leroy.compte_id).mot_de_passe_hash = hacher("mot-de-passe-de-sophie")
        _ajouter_eleve(s, etab_id, un_ga1, "ali.benali", "Ali", "Benali")  # new, in 1GA1 (Noé: new, in 2AG1)
        _ajouter_eleve(s, etab_id, un_ga1, "ines.faure", "Inès", "Faure").sorti_le = dt.date(2026, 10, 1)
        _ajouter_eleve(s, etab_id, un_ga1, "tom.blanc", "Tom", "Blanc", actif=False)
        s.add(Enseignant(compte=Compte(login="paul.durand", role=Role.ENSEIGNANT, prenom="Paul", nom="Durand",
                                       etablissement_id=etab_id, actif=False)))
    with Session(fresh_db) as s:
        assert administration.nouveaux_comptes(s, ecole.admin) == [
            ("1GA1 (2026-2027)", 1), ("2AG1 (2026-2027)", 1), ("Enseignants", 1)]
    with transaction(fresh_db) as s:
        groupes = administration.premiers_mots_de_passe_des_nouveaux(s, ecole.admin)
    assert [(g, [(i.prenom, i.nom, i.login) for i in ids]) for g, ids in groupes] == [
        ("1GA1 (2026-2027)", [("Ali", "Benali", "ali.benali")]),
        ("2AG1 (2026-2027)", [("Noé", "Petit", "noe.petit")]),
        ("Enseignants", [("", "", "claire.martin")]),
    ]
    with Session(fresh_db) as s:
        comptes = {c.login: c for c in s.scalars(select(Compte))}
        for _, ids in groupes:
            for i in ids:
                assert len(i.mot_de_passe) >= 10
                assert verifier(comptes[i.login].mot_de_passe_hash, i.mot_de_passe)
                assert comptes[i.login].doit_changer_mot_de_passe is True
        assert comptes["lea.moreau"].mot_de_passe_hash == ancien
        assert verifier(comptes["lea.moreau"].mot_de_passe_hash, "mot-de-passe-de-lea")
        assert comptes["lea.moreau"].doit_changer_mot_de_passe is False
        assert verifier(comptes["sophie.leroy"].mot_de_passe_hash, "mot-de-passe-de-sophie")
        for login in ("ines.faure", "tom.blanc", "paul.durand", "max.voisin", "admin"):
            assert comptes[login].mot_de_passe_hash is None, login
        assert administration.nouveaux_comptes(s, ecole.admin) == []
        assert administration.nouveaux_comptes(s, autre) == [("CAP1 (2020-2021)", 1)]
    with transaction(fresh_db) as s:
        assert administration.premiers_mots_de_passe_des_nouveaux(s, ecole.admin) == []
    assert _evenements(fresh_db, "premiers_mots_de_passe_nouveaux") == [(etab_id, "3 comptes"), (etab_id, "0 comptes")]


# --- 7. the sheet by groups ---------------------------------------------------------------------------------------------


def test_the_sheet_starts_each_group_on_a_new_page():
    groupes = [
        ("1GA1 (2026-2027)", [Identifiants("Benali", "Ali", "ali.benali", "ABCD-efgh-2345"),
                              Identifiants("Petit", "Noé", "noe.petit", "WXYZ-mnpq-6789")]),
        ("Enseignants", [Identifiants("Martin", "Claire", "claire.martin", "KLMN-rstu-2468")]),
    ]
    document = pdfium.PdfDocument(pdf_feuille("Lycée test", "https://passeport.example", groupes,
                                              jour=dt.date(2026, 12, 1)))
    try:
        pages = [document[n].get_textpage().get_text_range() for n in range(len(document))]
    finally:
        document.close()
    # Three slips would fit on one page: two pages say the second group starts a new one.
    assert len(pages) == 2
    premiere, seconde = (" ".join(p.split()) for p in pages)
    assert premiere.startswith("Passeport professionnel — premiers mots de passe — 1GA1 (2026-2027)")
    assert "Lycée test · feuille produite le 01/12/2026" in premiere
    assert "Ali Benali — 1GA1 (2026-2027) Identifiant : ali.benali Mot de passe provisoire : ABCD-efgh-2345" in premiere
    assert "Noé Petit — 1GA1 (2026-2027) Identifiant : noe.petit Mot de passe provisoire : WXYZ-mnpq-6789" in premiere
    assert "Claire Martin" not in premiere and "Enseignants" not in premiere
    assert seconde.startswith("Passeport professionnel — premiers mots de passe — Enseignants")
    assert "Claire Martin — Enseignants Identifiant : claire.martin Mot de passe provisoire : KLMN-rstu-2468" in seconde
    assert "Ali Benali" not in seconde and "Noé Petit" not in seconde
    assert "Page 1 / 2" in premiere and "Page 2 / 2" in seconde


def test_students_of_a_year_are_sorted_without_case_nor_accents(fresh_db):
    from passeport.models import Compte, Division, Eleve, Etablissement, Niveau, Role
    from passeport.services.annee_scolaire import divisions_de_l_annee
    from passeport.services.comptes import Utilisateur

    with transaction(fresh_db) as s:
        etab = Etablissement(uai="0350001A", nom="Lycée")
        d = Division(etablissement=etab, nom="1GA1", niveau=Niveau.PREMIERE, annee_scolaire="2026-2027")
        for i, (nom, prenom) in enumerate([("ZOLA", "Émile"), ("de Souza", "Ana"), ("DUPONT", "Léo"),
                                           ("Émond", "Lou")]):
            s.add(Eleve(compte=Compte(login=f"e{i}", role=Role.ELEVE, nom=nom, prenom=prenom, etablissement=etab),
                        identifiant=f"I{i}", division=d))
        admin = Compte(login="admin", role=Role.ADMIN, etablissement=etab)
        s.add(admin)
        s.flush()
        acteur = Utilisateur(admin.id, "admin", Role.ADMIN, "admin", etab.id)
    with Session(fresh_db) as s:
        [division] = divisions_de_l_annee(s, acteur, "2026-2027")
    assert [e.nom_complet for e in division.eleves] == ["Ana de Souza", "Léo DUPONT", "Lou Émond", "Émile ZOLA"]
