"""Attachments that cannot hurt (issue 13, point 2): hostile files built here by code each get a French message,
nothing is decoded beyond the limits, previews never break a page, the disk and the database agree.

Memory: `test_peak_memory_of_a_process_handling_every_hostile_file` runs every hostile file through the same code
paths as the server (upload checks, previews, the /piece/ route) in a fresh Python process and reads that process's
own high-water mark (VmHWM); the browser journey polls the RSS of the real
`streamlit run serveur.py` process with psutil while a student uploads hostile files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import io
import json
import os
import re
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport import apercu, stockage
from passeport.db import transaction
from passeport.models import Lieu, Nature, PieceJointe, maintenant
from passeport.services import fiches, pieces
from passeport.services.fiches import ContenuFiche
from passeport.services.pieces import PieceRefusee
from tests import fichiers
from tests.conftest import RACINE
from tests.ecole import creer_ecole

CONTENU = ContenuFiche(situation="1.1.2", titre="Commande", date_debut=dt.date(2026, 10, 5), lieu=Lieu.PFMP,
                       nature=Nature.REELLE, complexite=1, aleas=0)
LIMITE_MEMOIRE_MO = 500
PDF = fichiers.pdf(3)  # one real PDF for the whole module (each build differs by its identifier)


# --- hostile files, built by code ------------------------------------------------------------------------------

def pdf_haut(hauteur: int = 14_000_000, largeur: int = 200) -> bytes:
    """A ~320-byte PDF whose one page is ``hauteur`` points tall (the issue's 329-byte PDF cost 4.3 GB to preview)."""
    objets = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
              b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 %d %d]>>" % (largeur, hauteur)]
    corps, positions = b"%PDF-1.4\n", []
    for i, objet in enumerate(objets, 1):
        positions.append(len(corps))
        corps += b"%d 0 obj\n" % i + objet + b"\nendobj\n"
    xref = len(corps)
    corps += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objets) + 1)
    corps += b"".join(b"%010d 00000 n \n" % p for p in positions)
    return corps + b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objets) + 1, xref)


def pdf_pages(n: int) -> bytes:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for _ in range(n):
        document.new_page(100, 100)
    tampon = io.BytesIO()
    document.save(tampon)
    return tampon.getvalue()


def _chunk(genre: bytes, donnees: bytes) -> bytes:
    return struct.pack(">I", len(donnees)) + genre + donnees + struct.pack(">I", zlib.crc32(genre + donnees))


def png_bombe(cote: int = 50_000) -> bytes:
    """A valid PNG header announcing cote × cote RGB pixels (7.5 GB decoded) in a few hundred bytes."""
    entete = struct.pack(">IIBBBBB", cote, cote, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", entete)
            + _chunk(b"IDAT", zlib.compress(b"\x00" * (1 + cote * 3) * 4, 9)) + _chunk(b"IEND", b""))


def jpeg_bombe(cote: int = 60_000) -> bytes:
    """A small real JPEG whose frame header is rewritten to announce cote × cote pixels."""
    from PIL import Image

    tampon = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 20, 30)).save(tampon, format="JPEG")
    donnees = bytearray(tampon.getvalue())
    i = donnees.find(b"\xff\xc0")
    donnees[i + 5:i + 9] = struct.pack(">HH", cote, cote)
    return bytes(donnees)


def zip_bombe(entrees: dict[str, str], bombe: str, taille_mo: int) -> bytes:
    """An Office-like ZIP with one entry of ``taille_mo`` MB of zeros (deflated about 1,000 times)."""
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as z:
        for nom, contenu in entrees.items():
            z.writestr(nom, contenu, compress_type=zipfile.ZIP_STORED if nom == "mimetype" else zipfile.ZIP_DEFLATED)
        with z.open(bombe, "w", force_zip64=True) as flux:
            for _ in range(taille_mo):
                flux.write(bytes(1024 * 1024))
    return tampon.getvalue()


def odt_menteur(taille_mo: int = 50) -> bytes:
    """An ODT whose "mimetype" entry declares 39 bytes (directory and local header) but inflates to taille_mo MB:
    only a streamed, capped read is safe (the issue's 1 MB ODT took the process from 266 MB to 2.37 GB)."""
    type_odt = b"application/vnd.oasis.opendocument.text"
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("mimetype", "w") as flux:
            flux.write(type_odt)
            for _ in range(taille_mo):
                flux.write(b" " * (1024 * 1024))
        z.writestr("content.xml", "<x/>")
    donnees, vraie = bytearray(tampon.getvalue()), len(type_odt) + taille_mo * 1024 * 1024
    for signature, decalage in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        i = donnees.find(signature)
        while i >= 0:
            if struct.unpack_from("<I", donnees, i + decalage)[0] == vraie:
                donnees[i + decalage:i + decalage + 4] = struct.pack("<I", len(type_odt))
            i = donnees.find(signature, i + 4)
    return bytes(donnees)


def xlsx_nombreux(n: int = 6_000) -> bytes:
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", "<T/>")
        z.writestr("xl/workbook.xml", "<w/>")
        for i in range(n):
            z.writestr(f"xl/worksheets/s{i}.xml", "")
    return tampon.getvalue()


ODT = {"mimetype": "application/vnd.oasis.opendocument.text"}
DOCX = {"[Content_Types].xml": "<T/>", "_rels/.rels": "<R/>"}
HOSTILES = [
    ("haute.pdf", lambda: pdf_haut(), "« haute.pdf » est refusé : page 1 démesurée (71 × 4 938 889 mm ; 5 080 mm "
                                      "au plus de côté)"),
    ("pages.pdf", lambda: pdf_pages(2_001), "« pages.pdf » est refusé : trop de pages (2 001 ; 2 000 au plus)"),
    ("bombe.png", png_bombe, "« bombe.png » est refusé : image trop grande (50 000 × 50 000 pixels, soit 2 500 "
                             "millions ; 40 millions au plus)"),
    ("bombe.jpg", jpeg_bombe, "« bombe.jpg » est refusé : image trop grande (60 000 × 60 000 pixels"),
    ("bombe.odt", lambda: zip_bombe(ODT, "content.xml", 120),
     "« bombe.odt » est refusé : un de ses éléments ferait 120 Mo une fois décompressé (100 Mo au plus)"),
    ("bombe.docx", lambda: zip_bombe(DOCX, "word/document.xml", 60),
     "« bombe.docx » est refusé : un de ses éléments est compressé "),
    ("bombe.xlsx", xlsx_nombreux, "« bombe.xlsx » est refusé : il contient trop d'éléments (6002 ; 5000 au plus)"),
    ("menteur.odt", odt_menteur, "« menteur.odt » n'est pas un vrai fichier ODT"),
    ("photo.pdf", fichiers.png, "« photo.pdf » n'est pas un vrai fichier PDF"),
    ("photo.png", fichiers.exe, "« photo.png » n'est pas un vrai fichier PNG"),
    ("page.png", lambda: b"<html><script>alert(1)</script></html>", "« page.png » n'est pas un vrai fichier PNG"),
    ("lettre.docx", fichiers.pdf, "« lettre.docx » n'est pas un vrai fichier DOCX"),
    ("vide.pdf", lambda: b"", "« vide.pdf » est vide : ce n'est pas un vrai fichier PDF."),
    ("blancs.txt", lambda: b"  \r\n ", "« blancs.txt » est vide"),
    ("facture\u202efdp.exe", fichiers.exe, "« facturefdp.exe » : ce type de fichier n'est pas accepté"),
]


@pytest.fixture(autouse=True)
def dossier_pieces(tmp_path, monkeypatch):
    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "donnees"))
    return tmp_path / "donnees" / "pieces"


def _preparer(engine):
    ecole = creer_ecole(engine)
    with transaction(engine) as s:
        fiche_id = fiches.nouvelle_fiche(s, ecole.lea, CONTENU).id
    return ecole, fiche_id


def _nombre_de_pieces(engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(PieceJointe))


def _deposer_sans_controle(engine, fiche_id: int, nom: str, type_mime: str, contenu: bytes | None) -> int:
    """A row and a file as an older version (without these checks) may have stored them; None: no file on disk."""
    sha = stockage.enregistrer(contenu) if contenu is not None else "0" * 64
    with transaction(engine) as s:
        piece = PieceJointe(fiche_id=fiche_id, nom=nom, type_mime=type_mime, taille=len(contenu or b""), sha256=sha,
                            cree_le=maintenant())
        s.add(piece)
        s.flush()
        return piece.id


@pytest.mark.store
@pytest.mark.parametrize(("nom", "fabrique", "message"), HOSTILES, ids=[h[0] for h in HOSTILES])
def test_hostile_files_get_a_french_message_and_store_nothing(fresh_db, dossier_pieces, nom, fabrique, message):
    ecole, fiche_id = _preparer(fresh_db)
    contenu = fabrique()
    assert len(contenu) <= pieces.TAILLE_MAX  # small files: the danger is what they decode to
    with pytest.raises(PieceRefusee) as refus, transaction(fresh_db) as s:
        pieces.ajouter(s, ecole.lea, fiche_id, nom, contenu)
    assert message in str(refus.value)
    assert _nombre_de_pieces(fresh_db) == 0
    assert not dossier_pieces.exists() or list(dossier_pieces.iterdir()) == []


@pytest.mark.parametrize(
    ("brut", "propre"),
    [
        ("../../../etc/cron.d/tache.pdf", "tache.pdf"),
        ("..", "fichier"),
        ("**gras**.pdf", "__gras__.pdf"),
        ("[a](javascript:alert(1)).pdf", "_a_(javascript_alert(1)).pdf"),
        ("`code` $x$ ~~barré~~.pdf", "_code_ _x_ __barré__.pdf"),
        ("photo\u202egnp.pdf", "photognp.pdf"),  # right-to-left override: shown as « photopdf.png » otherwise
        ("zéro\u200blargeur\u2066isolé\u2069\ufeff.pdf", "zérolargeurisolé.pdf"),
        ("ligne\u2028deux\u00a0trois\x85.pdf", "ligne deux trois_.pdf"),
        ("<img src=x onerror=alert(1)>.png", "_img src=x onerror=alert(1)_.png"),
    ],
)
def test_hostile_names_are_cleaned(brut, propre):
    assert pieces.nom_propre(brut) == propre


@pytest.mark.store
def test_accepted_files_with_hostile_names_keep_a_clean_name_and_stay_in_the_store(fresh_db, dossier_pieces,
                                                                                  tmp_path):
    ecole, fiche_id = _preparer(fresh_db)
    contenu = fichiers.pdf()
    with transaction(fresh_db) as s:
        for nom in ("../../../etc/cron.d/tache.pdf", "**gras**.pdf", "photo\u202egnp.pdf"):
            pieces.ajouter(s, ecole.lea, fiche_id, nom, contenu)
    with Session(fresh_db) as s:
        assert [p.nom for p in pieces.lister(s, ecole.lea, fiche_id)] == ["tache.pdf", "__gras__.pdf", "photognp.pdf"]
    assert [p.name for p in dossier_pieces.iterdir()] == [stockage.empreinte(contenu)]  # named by content only
    assert not (tmp_path / "etc").exists() and not (dossier_pieces.parent / "etc").exists()


@pytest.mark.store
def test_stored_hostile_files_preview_as_french_messages_and_stay_removable(fresh_db, dossier_pieces):
    """Files stored before these checks: no preview decodes them, each says why in French, each can be removed,
    and the fiche takes and gives back another attachment afterwards."""
    ecole, fiche_id = _preparer(fresh_db)
    attendus = {
        _deposer_sans_controle(fresh_db, fiche_id, "haute.pdf", "application/pdf", pdf_haut()):
            "Pas d'aperçu : page 1 démesurée (71 × 4 938 889 mm ; 5 080 mm au plus de côté). Le fichier reste "
            "téléchargeable et peut être retiré.",
        _deposer_sans_controle(fresh_db, fiche_id, "bombe.png", "image/png", png_bombe()):
            "Pas d'aperçu : image trop grande (50 000 × 50 000 pixels, soit 2 500 millions ; 40 millions au plus). "
            "Le fichier reste téléchargeable et peut être retiré.",
        _deposer_sans_controle(fresh_db, fiche_id, "abime.pdf", "application/pdf", b"%PDF-1.4 abime"):
            apercu.MESSAGE_APERCU,
        _deposer_sans_controle(fresh_db, fiche_id, "perdu.pdf", "application/pdf", None):
            "Le fichier de cette pièce jointe est introuvable sur le serveur : vous pouvez la retirer de la fiche "
            "et prévenir l'administrateur.",
    }
    with Session(fresh_db) as s:
        for piece_id, message in attendus.items():
            vue = pieces.apercu_de_la_piece(s, ecole.lea, piece_id)
            assert (vue.image, vue.message) == (None, message)
    with transaction(fresh_db) as s:
        for piece_id in attendus:
            pieces.retirer(s, ecole.lea, piece_id)
        nouvelle = pieces.ajouter(s, ecole.lea, fiche_id, "bon.pdf", fichiers.pdf()).id
    with Session(fresh_db) as s:
        assert [p.nom for p in pieces.lister(s, ecole.lea, fiche_id)] == ["bon.pdf"]
        vue = pieces.apercu_de_la_piece(s, ecole.lea, nouvelle)
        assert vue.type_image == "image/png" and vue.image.startswith(b"\x89PNG")
    with transaction(fresh_db) as s:
        pieces.retirer(s, ecole.lea, nouvelle)
    with Session(fresh_db) as s:
        assert pieces.lister(s, ecole.lea, fiche_id) == []


def test_previews_are_rendered_at_a_bounded_size():
    from PIL import Image

    # A page as tall as the PDF standard allows (5.08 m): accepted, previewed 2,000 pixels high at most.
    haute = apercu.preparer("application/pdf", pdf_haut(14_400, 595))
    assert Image.open(io.BytesIO(haute.image)).size == (83, 2000)
    tampon = io.BytesIO()
    Image.new("RGB", (4000, 3000), (200, 30, 30)).save(tampon, format="JPEG")
    photo = apercu.preparer("image/jpeg", tampon.getvalue())  # 12 MP: a small copy, never the photo itself
    assert photo.type_image == "image/jpeg" and Image.open(io.BytesIO(photo.image)).size == (800, 600)
    assert apercu.preparer("image/png", fichiers.png()).image == fichiers.png()  # small: shown as it is
    assert apercu.preparer("application/vnd.oasis.opendocument.text", fichiers.odt()) == apercu.Apercu()
    assert apercu.vignette(png_bombe()) is None and apercu.vignette(jpeg_bombe()) is None


@pytest.mark.store
def test_a_full_disk_while_writing_leaves_no_temporary_file_and_a_french_message(fresh_db, dossier_pieces,
                                                                                 monkeypatch):
    ecole, fiche_id = _preparer(fresh_db)
    ecrire = os.write
    ecrits = []

    def disque_plein(descripteur, donnees):
        if os.readlink(f"/proc/self/fd/{descripteur}").startswith(str(dossier_pieces)):
            ecrits.append(ecrire(descripteur, bytes(donnees)[:100]))  # the disk takes a little, then is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return ecrire(descripteur, donnees)

    monkeypatch.setattr(os, "write", disque_plein)
    with pytest.raises(pieces.PieceNonEnregistree) as refus, transaction(fresh_db) as s:
        pieces.ajouter(s, ecole.lea, fiche_id, "bon.pdf", PDF)
    monkeypatch.setattr(os, "write", ecrire)
    assert ecrits == [100]
    assert str(refus.value) == ("« bon.pdf » n'a pas pu être enregistré : le disque du serveur est plein. Réessayez "
                                "plus tard ou prévenez l'administrateur de l'établissement.")
    assert list(dossier_pieces.iterdir()) == []  # no orphan temporary file
    assert _nombre_de_pieces(fresh_db) == 0
    with transaction(fresh_db) as s:  # the disk has room again: the same file goes in
        pieces.ajouter(s, ecole.lea, fiche_id, "bon.pdf", PDF)
    assert [p.name for p in dossier_pieces.iterdir()] == [stockage.empreinte(PDF)]


def test_the_file_is_synced_before_it_gets_its_name(tmp_path, monkeypatch):
    evenements = []
    synchroniser, renommer = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda d: (evenements.append("fsync"), synchroniser(d))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (evenements.append("rename"), renommer(a, b))[1])
    stockage.enregistrer(b"contenu", tmp_path)
    assert evenements[:2] == ["fsync", "rename"]


# --- the /piece/ route and /media/ -----------------------------------------------------------------------------

@pytest.fixture
def client(fresh_db, empty_db_url, monkeypatch):
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from passeport import web

    monkeypatch.setenv("DATABASE_URL", empty_db_url)
    web.reinitialiser_pour_les_tests()
    media = Route("/media/{nom}", lambda r: PlainTextResponse("octets du média"))  # stands for Streamlit's
    metriques = Route("/_stcore/metrics", lambda r: PlainTextResponse("cache_memory_bytes 12"))  # idem
    app = Starlette(routes=[*web.ROUTES, media, metriques], middleware=web.MIDDLEWARE)
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as c:
        yield c
    web.reinitialiser_pour_les_tests()


def _cookie(engine, utilisateur) -> dict[str, str]:
    from passeport import web
    from passeport.services import sessions

    with transaction(engine) as s:
        return {web.COOKIE: sessions.ouvrir(s, utilisateur.compte_id)}


@pytest.mark.store
def test_attachments_are_served_only_to_who_may_read_the_fiche(fresh_db, client):
    from passeport.services import pfmp

    ecole = creer_ecole(fresh_db)
    aujourd_hui = maintenant().date()
    nom = "Bon de commande n°3 « été ».pdf"
    with transaction(fresh_db) as s:  # a fiche lived during a PFMP going on now: its tutor's link opens it
        fiche_id = fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(
            CONTENU, date_debut=aujourd_hui - dt.timedelta(days=5))).id
        piece_id = pieces.ajouter(s, ecole.lea, fiche_id, nom, PDF).id
        periode = pfmp.enregistrer_pfmp(s, ecole.martin, ecole.lea.eleve_id, "BIOMAG",
                                        aujourd_hui - dt.timedelta(days=10), aujourd_hui + dt.timedelta(days=20),
                                        "Julien Garnier")
        lien = pfmp.creer_lien(s, ecole.martin, periode.id)
        pfmp.se_presenter(s, pfmp.ouvrir(s, lien), "Julien Garnier, responsable")
    haute = _deposer_sans_controle(fresh_db, fiche_id, "haute.pdf", "application/pdf", pdf_haut())

    r = client.get(f"/piece/{piece_id}", headers={"accept": "*/*"})
    assert (r.status_code, r.text) == (401, "Connectez-vous pour ouvrir cette pièce jointe.")
    for qui in (ecole.lea, ecole.martin):
        r = client.get(f"/piece/{piece_id}", cookies=_cookie(fresh_db, qui))
        assert r.status_code == 200 and r.content == PDF
        assert r.headers["content-type"] == "application/pdf"
        assert r.headers["content-disposition"] == ("attachment; filename=\"Bon de commande n_3 _ _t_ _.pdf\"; "
                                                    "filename*=UTF-8''Bon%20de%20commande%20n%C2%B03%20%C2%AB%20"
                                                    "%C3%A9t%C3%A9%20%C2%BB.pdf")
        assert r.headers["content-security-policy"] == "sandbox; default-src 'none'"
        assert r.headers["x-content-type-options"] == "nosniff"
    for intrus in (ecole.noe, ecole.leroy, ecole.admin):
        r = client.get(f"/piece/{piece_id}", cookies=_cookie(fresh_db, intrus))
        assert (r.status_code, r.text) == (404, "Cette pièce jointe n'existe pas ou n'est pas accessible.")
    r = client.get(f"/piece/{piece_id}/apercu", cookies=_cookie(fresh_db, ecole.lea))
    assert r.status_code == 200 and r.headers["content-type"] == "image/png" and r.content.startswith(b"\x89PNG")
    r = client.get(f"/piece/{haute}/apercu", cookies=_cookie(fresh_db, ecole.lea))
    assert r.status_code == 404 and r.text.startswith("Pas d'aperçu : page 1 démesurée")

    # The tutor's link opens the attachments of its PFMP's fiches, without an account; a wrong link nothing.
    r = client.get(f"/piece/{piece_id}", params={"lien": lien})
    assert r.status_code == 200 and r.content == PDF
    r = client.get(f"/piece/{piece_id}", params={"lien": "x" * 43})
    assert r.status_code == 404
    with transaction(fresh_db) as s:
        pieces.retirer(s, ecole.lea, piece_id)
    assert client.get(f"/piece/{piece_id}", params={"lien": lien}).status_code == 404  # removed: not for the tutor

    # Streamlit's /media/ (generated documents): only with a valid session.
    assert client.get("/media/abc.png").status_code == 401
    assert client.get("/media/abc.png", cookies={"passeport_session": "invente"}).status_code == 401
    r = client.get("/media/abc.png", cookies=_cookie(fresh_db, ecole.lea))
    assert (r.status_code, r.text) == (200, "octets du média")
    # Streamlit's internal counters: for nobody, signed in or not.
    assert client.get("/_stcore/metrics").status_code == 404
    assert client.get("/_stcore/metrics", cookies=_cookie(fresh_db, ecole.admin)).status_code == 404


# --- the check command -----------------------------------------------------------------------------------------

@pytest.mark.cli
def test_verifier_pieces_lists_and_removes_orphans(fresh_db, db_env, dossier_pieces, capsys):
    from passeport.cli import main

    ecole, fiche_id = _preparer(fresh_db)
    with transaction(fresh_db) as s:
        gardee = pieces.ajouter(s, ecole.lea, fiche_id, "bon.pdf", PDF)
    _deposer_sans_controle(fresh_db, fiche_id, "perdu.pdf", "application/pdf", None)
    vieux = time.time() - 3600
    orphelin = stockage.chemin(stockage.empreinte(b"orphelin"))
    orphelin.write_bytes(b"orphelin")
    temporaire = dossier_pieces / (stockage.PREFIXE_TEMPORAIRE + "abc123")
    temporaire.write_bytes(b"moiti")
    for f in (orphelin, temporaire):
        os.utime(f, (vieux, vieux))
    recent = stockage.chemin(stockage.empreinte(b"recent"))
    recent.write_bytes(b"recent")

    assert main(["verifier-pieces"]) == 1  # a row without its file
    sortie = capsys.readouterr()
    assert sortie.out.splitlines() == [
        f"4 fichier(s) dans {dossier_pieces} ; 2 pièce(s) jointe(s) en base.",
        f"fichier sans pièce jointe : {temporaire.name}",
        f"fichier sans pièce jointe : {orphelin.name}",
        f"fichier récent sans pièce jointe (enregistrement peut-être en cours), gardé : {recent.name}",
        f"pièce(s) jointe(s) {gardee.id + 1} sans fichier : {'0' * 64}",
        "Relancez avec --supprimer pour supprimer les fichiers sans pièce jointe.",
    ]
    assert sortie.err.strip() == ("1 contenu(s) de pièces jointes manquent sur le disque : restaurez-les depuis une "
                                  "sauvegarde.")
    assert orphelin.exists() and temporaire.exists()
    main(["verifier-pieces", "--supprimer"])
    assert "2 fichier(s) sans pièce jointe supprimé(s)." in capsys.readouterr().out
    assert sorted(p.name for p in dossier_pieces.iterdir()) == sorted([gardee.sha256, recent.name])
    with Session(fresh_db) as s:
        assert pieces.lire(s, ecole.lea, gardee.id).donnees == PDF


# --- memory of a process handling every hostile file -----------------------------------------------------------

SCRIPT_MEMOIRE = r'''
import json, sys
sys.path.insert(0, sys.argv[1])
from tests import test_pieces_hostiles as h
from passeport import apercu
from passeport.services import pieces

refus = {}
for nom, fabrique, _ in h.HOSTILES:
    contenu = fabrique()
    try:
        pieces.verifier_fichier(nom, contenu)
        refus[nom] = None
    except pieces.PieceRefusee as exc:
        refus[nom] = str(exc)
    # What a preview would do with it had it been stored before these checks (the type its name claims).
    extension = pieces.nom_propre(nom).rpartition(".")[2].lower()
    apercu.preparer(pieces.TYPES_ACCEPTES.get(extension, "application/pdf"), contenu)
    apercu.preparer("application/pdf", contenu)
    apercu.preparer("image/png", contenu)
    apercu.vignette(contenu)
apercu.preparer("application/pdf", h.pdf_haut(14_400, 595))
# VmHWM: the peak of this process's own memory. Not ru_maxrss, which Linux carries over from the forking parent
# (a pytest worker of 1.5 GB made this process "peak" at 1.5 GB before doing anything).
pic_ko = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"refus": refus, "pic_mo": pic_ko / 1024}))
'''


def test_peak_memory_of_a_process_handling_every_hostile_file():
    resultat = subprocess.run([sys.executable, "-c", SCRIPT_MEMOIRE, str(RACINE)], capture_output=True, text=True,
                              timeout=300, cwd=RACINE)
    assert resultat.returncode == 0, resultat.stderr
    bilan = json.loads(resultat.stdout.splitlines()[-1])
    assert all(bilan["refus"].values()), bilan["refus"]  # every hostile file refused with a message
    assert bilan["pic_mo"] < LIMITE_MEMOIRE_MO, bilan


# --- in a real browser -----------------------------------------------------------------------------------------

class SuiviMemoire(threading.Thread):
    """Polls the resident memory of a process (and its children) every 50 ms; keeps the peak."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        import psutil

        self.processus, self.pic, self.fini = psutil.Process(pid), 0, threading.Event()

    def run(self):
        import psutil

        while not self.fini.is_set():
            try:
                self.pic = max(self.pic, self.processus.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.05)


def _pid_du_serveur(url: str) -> int:
    import psutil

    port = int(url.rsplit(":", 1)[1])
    for connexion in psutil.net_connections(kind="tcp"):
        if connexion.laddr and connexion.laddr.port == port and connexion.status == psutil.CONN_LISTEN:
            return connexion.pid
    raise AssertionError("processus du serveur introuvable")


@pytest.mark.browser
def test_a_student_uploads_hostile_files_sees_french_messages_and_keeps_her_fiche(demo_privee, navigateur,
                                                                                   tmp_path):
    from passeport.db import creer_engine
    from passeport.models import Compte, Eleve, Fiche
    from tests.navigateur import attendre_fin_execution, cliquer, se_connecter, serveur_streamlit

    url_base, dossier = demo_privee
    engine = creer_engine(url_base)
    with Session(engine) as s:
        eleve_id = s.scalar(select(Eleve.id).join(Compte).where(Compte.login == "lea.moreau"))
        fiche_id = s.scalar(select(Fiche.id).where(Fiche.eleve_id == eleve_id, Fiche.supprimee_le.is_(None))
                            .order_by(Fiche.id))
    bombes = {"bombe.png": png_bombe(), "haute.pdf": pdf_haut(), "bombe.odt": zip_bombe(ODT, "content.xml", 120)}
    for nom, contenu in bombes.items():
        (tmp_path / nom).write_bytes(contenu)
    (tmp_path / "**gras**\u202egnp.pdf").write_bytes(PDF)

    with serveur_streamlit(url_base, dossier) as url:
        os.environ["PASSEPORT_DONNEES"] = str(dossier / "donnees")  # the server's attachments folder, for this test
        ancienne = _deposer_sans_controle(engine, fiche_id, "ancienne-haute.pdf", "application/pdf",
                                          pdf_haut(30_000_000))
        suivi = SuiviMemoire(_pid_du_serveur(url))
        suivi.start()
        page = navigateur.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(60_000)
        try:
            se_connecter(page, url, "lea.moreau")
            page.get_by_role("heading", name="Mon passeport").wait_for()
            page.goto(f"{url}/eleve_fiche?fiche={fiche_id}")
            # A file stored before these checks: a French message instead of a preview, and its buttons drawn.
            page.get_by_text("Pas d'aperçu : page 1 démesurée").wait_for()
            page.locator(f".st-key-retirer_{ancienne} button").wait_for()
            attendre_fin_execution(page)
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
                [tmp_path / n for n in (*bombes, "**gras**\u202egnp.pdf")])
            page.get_by_text("4 fichier(s) prêt(s) à joindre").wait_for()
            cliquer(page, page.get_by_role("button", name="Enregistrer"), page.get_by_text("« __gras__gnp.pdf » joint."))
            for attendu in ("« bombe.png » est refusé : image trop grande (50 000 × 50 000 pixels",
                            "« haute.pdf » est refusé : page 1 démesurée",
                            "« bombe.odt » est refusé : un de ses éléments ferait 120 Mo"):
                page.get_by_text(attendu).wait_for()
            page.screenshot(path=str(RACINE / "tests" / "artefacts" / "pieces_hostiles.png"))
            page.get_by_role("heading", name="Productions jointes").scroll_into_view_if_needed()
            page.locator(f".st-key-retirer_{ancienne}").scroll_into_view_if_needed()
            page.get_by_role("img", name="Aperçu de __gras__gnp.pdf").wait_for()  # its bounded preview, by /piece/
            page.screenshot(path=str(RACINE / "tests" / "artefacts" / "pieces_hostiles_productions.png"))
            with Session(engine) as s:
                nouvelle = s.scalar(select(PieceJointe.id).where(PieceJointe.fiche_id == fiche_id,
                                                                 PieceJointe.nom == "__gras__gnp.pdf"))
            # The new attachment downloads through /piece/<id>; another browser without a session gets nothing.
            reponse = page.request.get(f"{url}/piece/{nouvelle}")
            assert reponse.status == 200 and reponse.body() == PDF
            autre = navigateur.new_context()
            assert autre.request.get(f"{url}/piece/{nouvelle}", headers={"accept": "*/*"}).status == 401
            autre.close()
            # Both the old hostile file and the new one can be removed: the fiche stays usable.
            for piece_id in (ancienne, nouvelle):
                cliquer(page, page.locator(f".st-key-retirer_{piece_id} button"),
                        page.locator(f".st-key-retirer_{piece_id}_oui button"))
                # The question replaces the button: only the question gone as well says the piece was removed
                # (waiting for the button alone passed before the confirmation was even handled, under load).
                page.locator(f".st-key-retirer_{piece_id}_oui button").click()
                page.locator(f".st-key-retirer_{piece_id}_question").wait_for(state="detached", timeout=30_000)
                page.locator(f".st-key-retirer_{piece_id}").wait_for(state="detached")
                attendre_fin_execution(page)
        finally:
            suivi.fini.set()
            suivi.join()
            page.close()
            os.environ.pop("PASSEPORT_DONNEES", None)
    with Session(engine) as s:
        restantes = s.scalars(select(PieceJointe).where(PieceJointe.fiche_id == fiche_id,
                                                        PieceJointe.supprimee_le.is_(None))).all()
        assert [p.nom for p in restantes if p.id in (ancienne, nouvelle)] == []
    engine.dispose()
    print(f"pic de mémoire du serveur : {suivi.pic / 2**20:.0f} Mo")
    assert 0 < suivi.pic < LIMITE_MEMOIRE_MO * 1024 * 1024, f"pic de mémoire du serveur : {suivi.pic / 2**20:.0f} Mo"
