"""Attachments: type by content, size, quota, clean names, access, previews."""

import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport import stockage
from passeport.acces import AccesRefuse
from passeport.apercu import apercu_png, vignette
from passeport.db import transaction
from passeport.models import Lieu, Nature, PieceJointe
from passeport.services import fiches, pieces
from passeport.services.fiches import ContenuFiche, FicheIntrouvable
from passeport.services.pieces import PieceRefusee
from tests import fichiers
from tests.ecole import creer_ecole

pytestmark = pytest.mark.store

CONTENU = ContenuFiche(situation="1.1.2", titre="Commande", date_debut=dt.date(2026, 10, 5), lieu=Lieu.PFMP,
                       nature=Nature.REELLE, complexite=1, aleas=0)


@pytest.fixture(autouse=True)
def dossier_pieces(tmp_path, monkeypatch):
    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path))
    return tmp_path / "pieces"


def _preparer(engine, quota_mo=200):
    ecole = creer_ecole(engine, quota_mo)
    with transaction(engine) as s:
        fiche_id = fiches.nouvelle_fiche(s, ecole.lea, CONTENU).id
    return ecole, fiche_id


@pytest.mark.parametrize(
    ("nom", "fabrique", "mime"),
    [
        ("bon.pdf", fichiers.pdf, "application/pdf"),
        ("photo.PNG", fichiers.png, "image/png"),
        ("photo.jpeg", fichiers.jpg, "image/jpeg"),
        ("lettre.odt", fichiers.odt, "application/vnd.oasis.opendocument.text"),
        ("tableau.ods", fichiers.ods, "application/vnd.oasis.opendocument.spreadsheet"),
        ("lettre.docx", fichiers.docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("tableau.xlsx", fichiers.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("notes.txt", lambda: "Bon de commande n° 12 – reçu".encode(), "text/plain"),
    ],
)
def test_accepted_types_are_recognised_by_content(fresh_db, dossier_pieces, nom, fabrique, mime):
    ecole, fiche_id = _preparer(fresh_db)
    contenu = fabrique()
    with transaction(fresh_db) as s:
        piece = pieces.ajouter(s, ecole.lea, fiche_id, nom, contenu)
        assert (piece.type_mime, piece.taille) == (mime, len(contenu))
    assert (dossier_pieces / stockage.empreinte(contenu)).read_bytes() == contenu
    with Session(fresh_db) as s:
        assert pieces.lire(s, ecole.martin, piece.id).donnees == contenu  # the teacher of 1GA1 reads it


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("facture.pdf", fichiers.exe(), "« facture.pdf » n'est pas un vrai fichier PDF"),
        ("photo.png", fichiers.pdf(), "« photo.png » n'est pas un vrai fichier PNG"),
        ("programme.exe", fichiers.exe(), "« programme.exe » : ce type de fichier n'est pas accepté"),
        ("sans_extension", b"texte", "« sans_extension » : ce type de fichier n'est pas accepté"),
        ("gros.pdf", b"%PDF-1.4\n" + b"0" * (30 * 1024 * 1024), "« gros.pdf » est trop gros (30 Mo)"),
        ("binaire.txt", b"abc\x00def", "« binaire.txt » n'est pas un vrai fichier TXT"),
    ],
)
def test_refused_files_say_why_and_store_nothing(fresh_db, dossier_pieces, nom, contenu, message):
    ecole, fiche_id = _preparer(fresh_db)
    with pytest.raises(PieceRefusee, match=re.escape(message)), transaction(fresh_db) as s:
        pieces.ajouter(s, ecole.lea, fiche_id, nom, contenu)
    with Session(fresh_db) as s:
        assert s.scalar(select(func.count()).select_from(PieceJointe)) == 0
    assert not dossier_pieces.exists() or list(dossier_pieces.iterdir()) == []


def test_quota_per_student(fresh_db):
    ecole, fiche_id = _preparer(fresh_db, quota_mo=1)
    gros = b"%PDF-1.4\n" + b"1" * (700 * 1024)
    with transaction(fresh_db) as s:
        pieces.ajouter(s, ecole.lea, fiche_id, "a.pdf", gros)
    with pytest.raises(PieceRefusee, match="Votre espace pour les pièces jointes est plein"), transaction(fresh_db) as s:
        pieces.ajouter(s, ecole.lea, fiche_id, "b.pdf", gros + b"2")
    with transaction(fresh_db) as s:
        pieces.retirer(s, ecole.lea, s.scalar(select(PieceJointe.id)))
    with transaction(fresh_db) as s:  # a removed file no longer counts
        pieces.ajouter(s, ecole.lea, fiche_id, "b.pdf", gros + b"2")


@pytest.mark.parametrize(
    ("brut", "propre"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\Léa\\Bon de commande.pdf", "Bon de commande.pdf"),
        ("fac<ture>:\x07.pdf", "fac_ture___.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
        (".pdf", "fichier.pdf"),
    ],
)
def test_names_are_cleaned(brut, propre):
    assert pieces.nom_propre(brut) == propre


def test_only_the_owner_attaches_and_strangers_cannot_read(fresh_db):
    ecole, fiche_id = _preparer(fresh_db)
    for autre in (ecole.noe, ecole.martin, ecole.admin):
        with pytest.raises(AccesRefuse), transaction(fresh_db) as s:
            pieces.ajouter(s, autre, fiche_id, "a.pdf", fichiers.pdf())
    with transaction(fresh_db) as s:
        piece_id = pieces.ajouter(s, ecole.lea, fiche_id, "a.pdf", fichiers.pdf()).id
    with Session(fresh_db) as s:
        for intrus in (ecole.noe, ecole.leroy, ecole.admin):
            with pytest.raises(FicheIntrouvable):
                pieces.lire(s, intrus, piece_id)
        with pytest.raises(AccesRefuse):
            pieces.retirer(s, ecole.noe, piece_id)


def test_previews():
    image = apercu_png("application/pdf", fichiers.pdf(), largeur=200)
    assert image.startswith(b"\x89PNG")
    from PIL import Image

    largeur, hauteur = Image.open(io.BytesIO(image)).size
    assert abs(largeur - 200) <= 1 and abs(hauteur - 283) <= 1  # A4 ratio, rounded up by the renderer
    assert apercu_png("image/png", fichiers.png()) == fichiers.png()
    assert apercu_png("application/pdf", b"%PDF-1.4 abime") is None
    assert apercu_png("text/plain", b"abc") is None


def test_the_administrator_sets_the_quota(fresh_db):
    from passeport.models import Etablissement
    from passeport.services import etablissement

    ecole, fiche_id = _preparer(fresh_db, quota_mo=200)
    for intrus in (ecole.lea, ecole.martin):
        with pytest.raises(AccesRefuse), transaction(fresh_db) as s:
            etablissement.definir_quota(s, intrus, 1)
    with pytest.raises(etablissement.ReglageInvalide, match="entre 1 et 5000 Mo"), transaction(fresh_db) as s:
        etablissement.definir_quota(s, ecole.admin, 0)
    with transaction(fresh_db) as s:
        etablissement.definir_quota(s, ecole.admin, 1)
    with Session(fresh_db) as s:
        assert s.scalar(select(Etablissement.quota_pieces_jointes_mo)) == 1
    gros = b"%PDF-1.4\n" + b"1" * (1100 * 1024)
    with pytest.raises(PieceRefusee, match="sur 1 Mo"), transaction(fresh_db) as s:
        pieces.ajouter(s, ecole.lea, fiche_id, "a.pdf", gros)


@pytest.mark.parametrize(
    ("nom", "fabrique"),
    [
        # LibreOffice and python-docx put docProps/ before word/: the type is read inside the archive.
        ("rapport.docx", lambda: fichiers._zip({"[Content_Types].xml": "<T/>", "_rels/.rels": "<R/>",
                                                 "docProps/core.xml": "<c/>", "docProps/app.xml": "<a/>",
                                                 "word/document.xml": "<w/>"})),
        ("notes.txt", lambda: "Réunion à 9 h – café".encode("cp1252")),
    ],
)
def test_real_world_files_are_accepted(fresh_db, nom, fabrique):
    ecole, fiche_id = _preparer(fresh_db)
    with transaction(fresh_db) as s:
        pieces.ajouter(s, ecole.lea, fiche_id, nom, fabrique())


@pytest.mark.parametrize(
    ("nom", "contenu"),
    [("casse.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4), ("vide.txt", b""),
     ("archive.docx", fichiers._zip({"autre.xml": "<x/>"}))],
)
def test_broken_or_empty_files_are_refused(fresh_db, nom, contenu):
    ecole, fiche_id = _preparer(fresh_db)
    with pytest.raises(PieceRefusee, match="n'est pas un vrai fichier"), transaction(fresh_db) as s:
        pieces.ajouter(s, ecole.lea, fiche_id, nom, contenu)


def test_printed_copies_of_images_are_small_and_unreadable_ones_are_none():
    from PIL import Image

    mime, petite = vignette(fichiers.png(3000, 2000))
    with Image.open(io.BytesIO(petite)) as image:
        assert (mime, image.format, image.size) == ("image/jpeg", "JPEG", (600, 400))
    tampon = io.BytesIO()
    Image.new("RGBA", (50, 900), (0, 0, 0, 0)).save(tampon, format="PNG")
    mime, petite = vignette(tampon.getvalue())
    with Image.open(io.BytesIO(petite)) as image:
        assert (mime, image.mode, image.size) == ("image/png", "RGBA", (33, 600))  # transparency kept
    assert vignette(fichiers.png(40, 30))[0] == "image/jpeg"  # small ones keep their size
    assert vignette(b"\x89PNG\r\n\x1a\n abime") is None
