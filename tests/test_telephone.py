"""Sizes in French units, one upload limit everywhere, select-box labels found without accents."""

import re
import tomllib
import unicodedata
from pathlib import Path

import pytest

from passeport.affichage import cherchable, taille_lisible
from passeport.services.pieces import TAILLE_MAX, TAILLE_MAX_MO, PieceRefusee, verifier_fichier

RACINE = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("octets, attendu", [
    (0, "0 octet"),
    (1, "1 octet"),
    (3, "3 octets"),
    (1023, "1023 octets"),
    (1024, "1 Ko"),
    (1536, "1,5 Ko"),
    (850 * 1024, "850 Ko"),
    (1024 * 1024 - 1, "1 Mo"),  # 1023,999 Ko: rounded into the next unit, never "1024 Ko"
    (13_212_058, "12,6 Mo"),  # 12,6 × 1024 × 1024
    (10 * 1024 * 1024, "10 Mo"),
    (11 * 1024 * 1024 + 9, "11 Mo"),
    (200 * 1024 * 1024, "200 Mo"),
    (3 * 1024 ** 3 // 2, "1,5 Go"),
])
def test_taille_lisible(octets, attendu):
    assert taille_lisible(octets) == attendu


def test_une_seule_limite_d_envoi():
    """The server setting, every uploader of the pages and the service say the same 10 Mo."""
    assert TAILLE_MAX_MO == 10 and TAILLE_MAX == 10 * 1024 * 1024
    reglages = tomllib.loads((RACINE / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert reglages["server"]["maxUploadSize"] == TAILLE_MAX_MO
    envois = []
    for fichier in sorted([*RACINE.glob("pages/*.py"), *RACINE.glob("ui/*.py")]):
        texte = fichier.read_text(encoding="utf-8")
        for appel in re.finditer(r"st\.file_uploader\((.*?)\n\S", texte, re.S):
            envois.append(fichier.name)
            assert re.search(r"max_upload_size=(pieces\.)?TAILLE_MAX_MO\b", appel.group(1)), \
                f"{fichier.name} : st.file_uploader sans max_upload_size=TAILLE_MAX_MO"
    assert "admin_eleves.py" in envois and "eleve_fiche.py" in envois


def test_le_service_refuse_au_dela_de_la_limite_en_unites_francaises():
    with pytest.raises(PieceRefusee, match=r"^« gros\.txt » est trop gros \(11 Mo\) : 10 Mo au maximum par fichier\.$"):
        verifier_fichier("gros.txt", b"a" * (11 * 1024 * 1024))
    assert verifier_fichier("juste.txt", b"a" * TAILLE_MAX) == "text/plain"


@pytest.mark.parametrize("libelle, tape", [
    ("1.2.5 — Traitement des règlements et suivi des litiges", "reglement"),
    ("2.1.1 — Tenue et suivi des dossiers des salariés", "salarie"),
    ("Établissement", "etablissement"),
])
def test_libelle_cherchable(libelle, tape):
    """Shown the same (same letters once recomposed), found by the unaccented word as a subsequence of its lower
    case (Streamlit's fuzzy filter), and by the accented word once decomposed (what ui/francais.js does)."""
    cherche = cherchable(libelle)
    assert unicodedata.normalize("NFC", cherche) == libelle
    assert cherche.count("\u0301") + cherche.count("\u0300") >= 1

    def sous_suite(mot, texte):
        position = 0
        for lettre in mot:
            position = texte.find(lettre, position) + 1
            if position == 0:
                return False
        return True

    assert sous_suite(tape, cherche.lower())
    assert sous_suite(unicodedata.normalize("NFD", libelle.lower()), cherche.lower())
