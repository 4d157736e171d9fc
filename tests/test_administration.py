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
