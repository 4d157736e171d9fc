"""First passwords and resets by the administrator, and the sheet to print."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.acces import AccesRefuse
from passeport.db import transaction
from passeport.documents.identifiants import pdf_identifiants
from passeport.models import Compte, Division, Etablissement, EvenementAudit
from passeport.services import administration
from passeport.services.comptes import Utilisateur, authentifier
from tests.ecole import creer_ecole

pytestmark = pytest.mark.store


def _division(engine, nom="1GA1"):
    with Session(engine) as s:
        return s.scalar(select(Division.id).where(Division.nom == nom))


def test_first_passwords_for_a_division(fresh_db):
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        identifiants = administration.premiers_mots_de_passe(s, ecole.admin, _division(fresh_db))
    assert [(i.login, i.prenom) for i in identifiants] == [("lea.moreau", "Léa")]
    mot_de_passe = identifiants[0].mot_de_passe
    assert len(mot_de_passe) >= 20 and mot_de_passe.count("-") == 4
    with transaction(fresh_db) as s:
        lea = authentifier(s, "lea.moreau", mot_de_passe)
        assert lea.doit_changer_mot_de_passe is True
    with Session(fresh_db) as s:
        hashes = s.scalars(select(Compte.mot_de_passe_hash)).all()
        journal = " ".join(f"{e.action} {e.details}" for e in s.scalars(select(EvenementAudit)))
    assert all(h is None or mot_de_passe not in h for h in hashes)
    assert "premiers_mots_de_passe 1 comptes" in journal and mot_de_passe not in journal


def test_two_sheets_never_share_a_password(fresh_db):
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        a = administration.premiers_mots_de_passe(s, ecole.admin, _division(fresh_db))[0].mot_de_passe
        b = administration.premiers_mots_de_passe(s, ecole.admin, _division(fresh_db))[0].mot_de_passe
    assert a != b
    with Session(fresh_db) as s, pytest.raises(Exception):
        authentifier(s, "lea.moreau", a)  # the first sheet no longer works


def test_only_the_schools_administrator(fresh_db):
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        autre = Etablissement(uai="0350002B", nom="Autre lycée")
        s.add(autre)
        s.flush()
        admin_ailleurs = Utilisateur(999, "admin2", ecole.admin.role, "Admin 2", autre.id)
    for intrus in (ecole.lea, ecole.martin, admin_ailleurs):
        with pytest.raises(AccesRefuse), transaction(fresh_db) as s:
            administration.premiers_mots_de_passe(s, intrus, _division(fresh_db))
        with pytest.raises(AccesRefuse), transaction(fresh_db) as s:
            administration.reinitialiser_mot_de_passe(s, intrus, ecole.lea.compte_id)
    with Session(fresh_db) as s:
        assert s.scalar(select(Compte.mot_de_passe_hash).where(Compte.login == "lea.moreau")) is None


def test_reset_one_account(fresh_db):
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        nouveaux = administration.reinitialiser_mot_de_passe(s, ecole.admin, ecole.martin.compte_id)
    with Session(fresh_db) as s:
        assert authentifier(s, "claire.martin", nouveaux.mot_de_passe).doit_changer_mot_de_passe is True


def test_the_sheet_lists_each_student_with_login_and_password():
    import pypdfium2 as pdfium

    identifiants = [administration.Identifiants("Moreau", "Léa", "lea.moreau", "tomate-velo-lune-piano-42"),
                    administration.Identifiants("N'Diaye", "Noé <b>", "noe.n-diaye", "sapin-ours-miel-cube-17")]
    pdf = pdf_identifiants("Lycée Jean Moulin", "1GA1", "https://passeport.exemple.fr/connexion", identifiants)
    document = pdfium.PdfDocument(pdf)
    texte = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    for attendu in ("premiers mots de passe — 1GA1", "Léa Moreau — 1GA1", "lea.moreau", "tomate-velo-lune-piano-42",
                    "Noé <b> N'Diaye", "sapin-ours-miel-cube-17", "https://passeport.exemple.fr/connexion"):
        assert attendu in texte.replace("\r\n", " ").replace("\n", " "), attendu


def test_teacher_accounts_and_their_divisions(fresh_db):
    from passeport.models import Enseignant

    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        ident = administration.creer_enseignant(s, ecole.admin, "Sophie", "Leroy", "s.leroy@exemple.fr",
                                                "Lettres-histoire")
    assert ident.login == "sophie.leroy2"  # sophie.leroy exists in the test school
    with transaction(fresh_db) as s:
        compte_id = s.scalar(select(Compte.id).where(Compte.login == ident.login))
        administration.lier_enseignant(s, ecole.admin, compte_id, [_division(fresh_db, "1GA1"), _division(fresh_db, "2AG1")])
    with Session(fresh_db) as s:
        lignes = {e.login: e for e in administration.enseignants(s, ecole.admin)}
        assert len(lignes["sophie.leroy2"].division_ids) == 2
        assert authentifier(s, ident.login, ident.mot_de_passe).doit_changer_mot_de_passe is True
        assert s.scalar(select(Enseignant.discipline).where(Enseignant.compte_id == compte_id)) == "Lettres-histoire"
    with pytest.raises(administration.ReglageRefuse), transaction(fresh_db) as s:
        administration.creer_enseignant(s, ecole.admin, "", "Sans prénom")


def test_next_years_division_and_moving_a_student_keeps_the_passport(fresh_db):
    import datetime as dt

    from passeport.models import Eleve, Fiche, Lieu, Nature
    from passeport.services import fiches

    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        fiches.nouvelle_fiche(s, ecole.lea, fiches.ContenuFiche(
            situation="1.1.2", titre="Commande", date_debut=dt.date(2026, 10, 5), lieu=Lieu.PFMP, nature=Nature.REELLE,
            complexite=1, aleas=0))
        tle = administration.creer_division(s, ecole.admin, "TGA1", "Tle", "2027-2028", "ga-2012").id
        agora = administration.creer_division(s, ecole.admin, "1AG1", "1re", "2027-2028", "agora-2020").id
    for valeurs, message in ((("TGA1", "Tle", "2027-2028", "ga-2012"), "existe déjà"),
                             (("TGA2", "Tle", "27-28", "ga-2012"), "2027-2028"),
                             (("TGA2", "Tle", "2027-2028", "bac-2040"), "Référentiel inconnu")):
        with pytest.raises(administration.ReglageRefuse, match=message), transaction(fresh_db) as s:
            administration.creer_division(s, ecole.admin, *valeurs)
    with pytest.raises(administration.ReglageRefuse, match="agora-2020"), transaction(fresh_db) as s:
        administration.changer_de_division(s, ecole.admin, ecole.lea.eleve_id, agora)
    with transaction(fresh_db) as s:
        administration.changer_de_division(s, ecole.admin, ecole.lea.eleve_id, tle)
    with Session(fresh_db) as s:
        lea = s.get(Eleve, ecole.lea.eleve_id)
        assert (lea.division.nom, lea.division.annee_scolaire) == ("TGA1", "2027-2028")
        assert s.scalar(select(Fiche.id).where(Fiche.eleve_id == lea.id)) is not None


def test_a_divisions_year_and_referentiel(fresh_db):
    import datetime as dt

    from passeport.models import Lieu, Nature
    from passeport.services import fiches

    ecole = creer_ecole(fresh_db)
    division = _division(fresh_db, "1GA1")
    with transaction(fresh_db) as s:
        administration.regler_division(s, ecole.admin, division, "2027-2028", "agora-2020")  # no fiche yet
        administration.regler_division(s, ecole.admin, division, "2026-2027", "ga-2012")
        fiches.nouvelle_fiche(s, ecole.lea, fiches.ContenuFiche(
            situation="4.1.1", titre="Projet", date_debut=dt.date(2026, 10, 5), lieu=Lieu.PROJET, nature=Nature.REELLE,
            complexite=1, aleas=0))
    with pytest.raises(administration.ReglageRefuse, match="1 fiche"), transaction(fresh_db) as s:
        administration.regler_division(s, ecole.admin, division, "2026-2027", "agora-2020")  # no pôle 4 in AGORA
    with Session(fresh_db) as s:
        assert s.get(Division, division).referentiel == "ga-2012"
