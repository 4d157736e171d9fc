"""The livret de compétences professionnelles and the extracts' document: rendered to PDF, read back as a person
would (pdftotext for the words and their positions, pdftoppm pages written to tests/artefacts/ and looked at)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.acces import AccesRefuse
from passeport.cli import main
from passeport.db import creer_engine, transaction
from passeport.documents.livret import html_extrait, html_livret, pdf_extrait, pdf_livret
from passeport.models import Eleve, EvenementAudit, Fiche, FicheVersion, Lieu, Nature, Role
from passeport.services import fiches, livret, pieces
from passeport.services.comptes import Utilisateur, authentifier
from passeport.services.fiches import ContenuFiche
from tests import fichiers
from tests.conftest import RACINE
from tests.ecole import creer_ecole
from tests.pdf import page_png, poppler

ARTEFACTS = RACINE / "tests" / "artefacts"
MM = 72 / 25.4  # PDF points per millimetre

TITRE = "Relance d’un fournisseur « en retard » <b>urgent</b>"
PHRASE = "J’ai téléphoné à l’entrepôt : la réception était décalée à cause d’une grève."
# About 8,600 characters: several pages, within the 10,000 a field accepts.
LONGUE = " ".join(["Ensuite, j’ai vérifié chaque ligne du bon de livraison et noté les écarts constatés."] * 100)
URL = "https://exemple.fr/" + "tres-long-chemin-sans-espace-" * 12
ALEAS = "Fournisseur injoignable le matin|Quantité livrée différente « au carton près »"


def _image() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 200), (255, 255, 255))
    dessin = ImageDraw.Draw(image)
    dessin.rectangle((20, 20, 280, 180), outline=(0, 0, 0), width=6)
    dessin.line((20, 20, 280, 180), fill=(0, 0, 0), width=6)
    tampon = io.BytesIO()
    image.save(tampon, format="PNG")
    return tampon.getvalue()


@pytest.fixture(scope="module")
def demo(demo_privee):
    """Léa's passport in a private demo copy, plus one fiche written to test the print: quotes, <b>, a long text,
    a long URL, an image and a PDF attached; retained."""
    url, dossier = demo_privee
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PASSEPORT_DONNEES", str(dossier / "donnees"))
        engine = creer_engine(url)
        with transaction(engine) as s:
            lea = authentifier(s, "lea.moreau", "passeport-demo")
            martin = authentifier(s, "claire.martin", "passeport-demo")
            fiche = fiches.nouvelle_fiche(s, lea, ContenuFiche(
                situation="1.1.5", titre=TITRE, date_debut=dt.date(2026, 11, 20), lieu=Lieu.PFMP,
                nature=Nature.REELLE, complexite=2, aleas=2, organisation="BIOMAG",
                contexte="Service achats de BIOMAG, « petite équipe » de trois personnes.",
                conditions="Je dispose : du PGI, du bon de commande et de l’accord de ma tutrice.",
                demarche=PHRASE + "\n\n" + LONGUE + "\n" + URL, productions="Courriel de relance.",
                complexite_details="Commande urgente", aleas_details=ALEAS))
            fiches.retenir(s, lea, fiche.id)
            pieces.ajouter(s, lea, fiche.id, "bon-de-livraison.png", _image())
            pieces.ajouter(s, lea, fiche.id, "courriel.pdf", fichiers.pdf())
            fiche_id = fiche.id
        with Session(engine) as s:
            donnees = livret.donnees_livret(s, lea, lea.eleve_id, appreciations=True, bilans=True,
                                            jour=dt.date(2026, 11, 30))
        yield {"engine": engine, "lea": lea, "martin": martin, "fiche": fiche_id, "donnees": donnees,
               "dossier": dossier}
        engine.dispose()


@pytest.fixture(scope="module")
def rendu(demo, tmp_path_factory):
    """The whole livret (with appréciations and PFMP reports) as a PDF file, its pages' text, its page size."""
    chemin = tmp_path_factory.mktemp("livret") / "livret.pdf"
    chemin.write_bytes(pdf_livret(demo["donnees"]))
    nombre = int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", chemin)).group(1))
    pages = poppler("pdftotext", "-layout", chemin, "-").split("\f")[:nombre]
    return {"chemin": chemin, "pages": pages, "nombre": nombre}


def _aplati(texte: str) -> str:
    return re.sub(r"\s+", " ", texte)


def _page_png(pdf: Path, page: int, nom: str) -> Path:
    return page_png(pdf, page, ARTEFACTS / nom)


def _page_de(rendu, texte: str) -> int:
    return next(i + 1 for i, p in enumerate(rendu["pages"]) if texte in _aplati(p))


def test_every_retained_fiche_and_the_latest_otherwise_are_printed(demo, rendu):
    tout = _aplati(" ".join(rendu["pages"]))
    with Session(demo["engine"]) as s:
        retenues = list(s.scalars(
            select(FicheVersion.titre).join(Fiche, (Fiche.id == FicheVersion.fiche_id)
                                            & (FicheVersion.numero == Fiche.version_courante))
            .where(Fiche.eleve_id == demo["lea"].eleve_id, Fiche.retenue, Fiche.supprimee_le.is_(None))))
    assert len(retenues) == 4 and TITRE in retenues
    for titre in retenues:
        assert _aplati(titre) in tout
    # Léa has fiches on 54 of the 55 situations, 4 retained (3 in the demo, and ours): 50 stand-ins are the latest.
    donnees = demo["donnees"]
    assert len(donnees.sections) == 54 and donnees.nombre_de_fiches == 54
    assert sum(f.la_plus_recente for s in donnees.sections for f in s.fiches) == 50
    assert tout.count("Aucune fiche retenue : fiche la plus récente") == 50
    assert tout.count("Fiche retenue") == 4
    # Accents, typographic quotes and apostrophes come out as written; student text with "<b>" stays text.
    assert PHRASE in tout
    assert "Relance d’un fournisseur « en retard » <b>urgent</b>" in tout
    assert "Quantité livrée différente « au carton près »" in tout
    assert "Je dispose : du PGI, du bon de commande et de l’accord de ma tutrice." in tout


def test_cover_contents_and_coverage_table(rendu):
    couverture = _aplati(rendu["pages"][0])
    for attendu in ("Livret de compétences professionnelles", "Léa Moreau", "Division 1GA1",
                    "Baccalauréat professionnel Gestion- Administration", "Référentiel Gestion-Administration (2012)",
                    "2025-2026, 2026-2027", "Lycée professionnel Jean Moulin", "Édité le 30/11/2026"):
        assert attendu in couverture, attendu
    page = _page_de(rendu, "Couverture du référentiel Statut")
    tableau = rendu["pages"][page - 1]
    assert "E Évaluable · R Répétée · 1 Traversée" in _aplati(tableau)
    # 1.1.5 now has two fiches, ours with complexity 2 and two aléas: évaluable, maxima 2 and 2.
    ligne = next(l for l in tableau.splitlines() if l.strip().startswith("1.1.5"))
    assert ligne.split()[-4:] == ["E", "2", "2", "2"]


def test_page_numbers_and_running_header_on_every_page(rendu):
    n = rendu["nombre"]
    assert n > 40
    for i, page in enumerate(rendu["pages"], start=1):
        assert f"page {i} / {n}" in page
        assert page.lstrip().startswith("Léa Moreau")
    # The table of contents points to the right pages.
    sommaire = _aplati(rendu["pages"][1])
    cible = int(re.search(r"1\.1\.5 Gestion des règlements et traitement des litiges \.+ ?(\d+)", sommaire).group(1))
    assert TITRE in _aplati(rendu["pages"][cible - 1])


def test_long_texts_break_across_pages_and_nothing_runs_off_the_page(rendu):
    debut, fin = _page_de(rendu, PHRASE), _page_de(rendu, URL[-40:].strip("-"))
    assert fin > debut + 1  # the long démarche goes on over several pages
    boites = poppler("pdftotext", "-bbox", rendu["chemin"], "-")
    largeur, hauteur = (float(x) for x in re.search(r'<page width="([\d.]+)" height="([\d.]+)"', boites).groups())
    assert (round(largeur / MM), round(hauteur / MM)) == (210, 297)
    mots = [(float(a), float(b), float(c), float(d)) for a, b, c, d in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', boites)]
    assert len(mots) > 10000
    # Every word within the 16 mm side margins (header and footer included), none below or above the page.
    assert min(m[0] for m in mots) >= 16 * MM - 1
    assert max(m[2] for m in mots) <= largeur - 16 * MM + 1
    assert min(m[1] for m in mots) >= 0 and max(m[3] for m in mots) <= hauteur
    # The long URL is cut inside the page, all of it printed.
    assert URL.replace("-", "") in _aplati(" ".join(rendu["pages"][fin - 2:fin])).replace(" ", "").replace("-", "")


def test_attachments_images_small_and_other_files_by_name(demo, rendu):
    fiche = next(f for s in demo["donnees"].sections for f in s.fiches if f.id == demo["fiche"])
    image, autre = fiche.pieces
    # A small JPEG copy of the picture (vignette), not the stored file.
    assert image.image.startswith("data:image/jpeg;base64,") and autre.image is None and not autre.manquante
    page = _page_de(rendu, "Fichiers joints : • courriel.pdf")
    assert "bon-de-livraison.png" in rendu["pages"][page - 1]
    images = poppler("pdfimages", "-list", "-f", page, "-l", page, rendu["chemin"])
    assert " 300   200 " in images  # our 300 × 200 picture, shown on the fiche's page


def test_screenshots_of_cover_table_and_fiche(rendu):
    faits = [
        _page_png(rendu["chemin"], 1, "livret-couverture.png"),
        _page_png(rendu["chemin"], _page_de(rendu, "Couverture du référentiel Statut"), "livret-tableau.png"),
        _page_png(rendu["chemin"], _page_de(rendu, _aplati(TITRE)), "livret-fiche.png"),
    ]
    for png in faits:
        assert png.stat().st_size > 10_000


def test_html_escapes_student_text_and_appreciations_are_optional(demo):
    html = html_livret(demo["donnees"])
    assert "&lt;b&gt;urgent&lt;/b&gt;" in html and "<b>urgent</b>" not in html
    assert "Appréciations sur le passeport" in html and "Bilans de PFMP des tuteurs" in html
    with Session(demo["engine"]) as s:
        sans = livret.donnees_livret(s, demo["lea"], demo["lea"].eleve_id)
    assert "Appréciations sur le passeport" not in html_livret(sans)
    assert all(not f.appreciations for s_ in sans.sections for f in s_.fiches)


def test_one_pole_all_fiches_and_an_unknown_pole(demo):
    eleve_id = demo["lea"].eleve_id
    with Session(demo["engine"]) as s:
        pole2 = livret.donnees_livret(s, demo["lea"], eleve_id, pole="2", toutes_les_fiches=True)
        toutes = len(s.scalars(select(Fiche.id).join(FicheVersion, (FicheVersion.fiche_id == Fiche.id)
                                                     & (FicheVersion.numero == Fiche.version_courante))
                                .where(Fiche.eleve_id == eleve_id, Fiche.supprimee_le.is_(None),
                                       FicheVersion.situation.like("2.%"))).all())
        with pytest.raises(livret.PoleInconnu, match="Pôle « 9 » inconnu"):
            livret.donnees_livret(s, demo["lea"], eleve_id, pole="9")
    assert [p.code for p in pole2.poles] == ["2"] and len(pole2.poles[0].lignes) == 15
    assert {s.pole_code for s in pole2.sections} == {"2"}
    assert pole2.nombre_de_fiches == toutes > 15
    assert not any(f.la_plus_recente for s in pole2.sections for f in s.fiches)


def test_a_teacher_reads_it_journaled_another_student_is_refused(demo):
    lea_id = demo["lea"].eleve_id
    with transaction(demo["engine"]) as s:
        livret.donnees_livret(s, demo["martin"], lea_id)
        journal = s.scalar(select(EvenementAudit).where(EvenementAudit.compte_id == demo["martin"].compte_id,
                                                        EvenementAudit.eleve_id == lea_id))
        assert journal is not None and journal.action == "consultation"
        autre = s.scalar(select(Eleve).where(Eleve.id != lea_id).order_by(Eleve.id))
        intrus = Utilisateur(autre.compte_id, autre.compte.login, Role.ELEVE, autre.compte.nom_complet,
                             autre.compte.etablissement_id, autre.id)
    with Session(demo["engine"]) as s, pytest.raises(AccesRefuse):
        livret.donnees_livret(s, intrus, lea_id)


def test_extract_prints_the_chosen_fiches_in_order_and_nothing_else(demo, tmp_path):
    with Session(demo["engine"]) as s:
        autre = s.scalar(select(Fiche.id).where(Fiche.eleve_id != demo["lea"].eleve_id))
        premiere = s.scalar(select(Fiche.id).where(Fiche.eleve_id == demo["lea"].eleve_id).order_by(Fiche.id))
        donnees = livret.donnees_extrait(s, demo["lea"].eleve_id, [demo["fiche"], autre, premiere],
                                         "Candidature « assistante administrative »", jour=dt.date(2026, 12, 1))
    assert [f.id for f in donnees.fiches] == [demo["fiche"], premiere]  # another student's fiche is left out
    html = html_extrait(donnees)
    assert "Appréciation" not in html and "&lt;b&gt;" in html
    chemin = tmp_path / "extrait.pdf"
    chemin.write_bytes(pdf_extrait(donnees))
    texte = _aplati(poppler("pdftotext", chemin, "-"))
    assert "Candidature « assistante administrative »" in texte and "Léa Moreau" in texte
    assert "extrait du 01/12/2026" in texte and TITRE in texte and PHRASE in texte
    nombre = int(re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", chemin)).group(1))
    assert f"page {nombre} / {nombre}" in texte


# --- the `passeport exporter livret` command, on a tiny school (SQLite, or PostgreSQL in CI) --------------------


@pytest.fixture
def petite_ecole(db_env, tmp_path, monkeypatch):
    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "donnees"))
    assert main(["initialiser"]) == 0
    engine = creer_engine(db_env)
    ecole = creer_ecole(engine)
    with transaction(engine) as s:
        for situation, titre in (("1.1.2", "Commande de papier"), ("2.1.1", "Dossier d’un salarié « nouveau »")):
            fiches.nouvelle_fiche(s, ecole.lea, ContenuFiche(
                situation=situation, titre=titre, date_debut=dt.date(2026, 10, 5), lieu=Lieu.ETABLISSEMENT,
                nature=Nature.SIMULEE, complexite=1, aleas=0, demarche="J’ai vérifié la référence."))
    engine.dispose()
    return tmp_path


@pytest.mark.cli
def test_cli_exports_the_livret_as_pdf_and_html(petite_ecole, capsys):
    sortie = petite_ecole / "livret.pdf"
    assert main(["exporter", "livret", "--eleve", "INE1", "--sortie", str(sortie)]) == 0
    assert "Livret de Léa Moreau (INE1) écrit dans" in capsys.readouterr().out
    texte = _aplati(poppler("pdftotext", sortie, "-"))
    assert "Commande de papier" in texte and "Dossier d’un salarié « nouveau »" in texte
    html = petite_ecole / "livret.html"
    assert main(["exporter", "livret", "--eleve", "INE1", "--sortie", str(html), "--pole", "2", "--format", "html",
                 "--toutes-les-fiches"]) == 0
    contenu = html.read_text(encoding="utf-8")
    assert "Dossier d’un salarié « nouveau »" in contenu and "Commande de papier" not in contenu
    assert "1 fiche(s), format html" in capsys.readouterr().out


@pytest.mark.cli
def test_cli_livret_errors_are_french_and_write_nothing(petite_ecole, capsys):
    sortie = petite_ecole / "x.pdf"
    assert main(["exporter", "livret", "--eleve", "INCONNU", "--sortie", str(sortie)]) == 1
    assert "Élève introuvable : aucun élève n'a l'identifiant INCONNU." in capsys.readouterr().err
    assert main(["exporter", "livret", "--eleve", "INE1", "--sortie", str(sortie), "--pole", "7"]) == 1
    assert "Pôle « 7 » inconnu du référentiel ga-2012 (pôles : 1, 2, 3, 4)." in capsys.readouterr().err
    assert main(["exporter", "livret", "--eleve", "INE1", "--sortie", str(petite_ecole / "absent" / "x.pdf")]) == 1
    assert "Impossible d'écrire" in (erreur := capsys.readouterr().err) and "(dossier introuvable :" in erreur
    assert main(["exporter", "livret", "--eleve", "INE1", "--sortie", str(petite_ecole)]) == 1
    assert "(c'est un dossier)" in capsys.readouterr().err
    assert not sortie.exists()


# --- the download buttons, under AppTest ------------------------------------------------------------------------


@pytest.fixture
def app_demo(demo, monkeypatch):
    import streamlit as st

    url = demo["engine"].url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PASSEPORT_DONNEES", str(demo["dossier"] / "donnees"))
    st.cache_data.clear()
    st.cache_resource.clear()

    def ouvrir(login: str, page: str, **etat):
        from streamlit.testing.v1 import AppTest

        from tests.conftest import jeton_de_session

        at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=60)
        at.session_state["jeton"] = jeton_de_session(url, login)
        for cle, valeur in etat.items():
            at.session_state[cle] = valeur
        at.run()
        at.switch_page(page)
        at.run()
        assert not at.exception, at.exception
        return at

    yield ouvrir
    st.cache_resource.clear()


def test_the_student_downloads_the_livret_from_mon_passeport(app_demo):
    at = app_demo("lea.moreau", "pages/eleve_accueil.py")
    assert "Mon livret" in [e.label for e in at.expander]
    assert [b.proto.label for b in at.get("download_button") if "livret_eleve" in b.proto.id] == [
        "Télécharger le livret (PDF)"]
    assert at.selectbox(key="livret_eleve_pole").options == [
        "Tous les pôles", "Pôle 1 — Gestion administrative des relations externes",
        "Pôle 2 — Gestion administrative des relations avec le personnel", "Pôle 3 — Gestion administrative interne",
        "Pôle 4 — Gestion administrative des projets"]
    assert at.checkbox(key="livret_eleve_toutes").label == "Toutes les fiches"
    assert at.checkbox(key="livret_eleve_appreciations").label == "Avec les appréciations"


def test_a_teacher_downloads_it_from_the_student_profile(app_demo, demo):
    eleve_id = demo["lea"].eleve_id
    at = app_demo("claire.martin", "pages/enseignant_eleve.py", cockpit_eleve=eleve_id)
    assert "Livret de l'élève" in [e.label for e in at.expander]
    assert [b.proto.label for b in at.get("download_button") if f"livret_{eleve_id}" in b.proto.id] == [
        "Télécharger le livret (PDF)"]
