"""The CCF dossier on the read side: the class synthesis of an épreuve, a student's dossier, a meeting's minutes,
their PDFs (pdftotext, pdftoppm pages under tests/artefacts/), the xlsx synthesis and the ZIP of a division.

A small school written by hand (tests/ecole.py plus two students and a second teacher in 1GA1); decisions,
selections and meetings are written straight through the ORM. Every expected number is counted by hand below.
"""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.acces import AccesRefuse
from passeport.cli import main
from passeport.db import creer_engine, transaction
from passeport.documents import ccf
from passeport.epreuves import EpreuveInconnue
from passeport.libelles import COULEURS_STATUT
from passeport.models import (
    Appreciation, Compte, DecisionCcf, Eleve, Enseignant, EvenementAudit, Lieu, Nature, Organisation, Pfmp,
    Positionnement, PublicationCcf, ReunionCcf, Role, SelectionCcf, Division, maintenant,
)
from passeport.schema import initialiser
from passeport.services import dossier_ccf
from passeport.services.fiches import ContenuFiche, creer_fiche
from passeport.statut import Statut
from tests.ecole import creer_ecole
from tests.pdf import page_png, poppler, texte_pdf

pytestmark = pytest.mark.store

ARTEFACTS = Path(__file__).resolve().parent / "artefacts"
T0 = dt.datetime(2027, 2, 1, 9, 0)
PHRASE = "J'ai relancé le fournisseur à l'échéance : il a répondu dès le lendemain, après vérification du bon."


def _contenu(situation, titre, complexite=1, aleas=0, **autres):
    return ContenuFiche(situation=situation, titre=titre, date_debut=dt.date(2026, 11, 20), lieu=Lieu.PFMP,
                        nature=Nature.REELLE, complexite=complexite, aleas=aleas, **autres)


def _ecrire_classe(engine):
    """Léa Moreau, Émilie Durand and « =Dupont » Zoé in 1GA1; Claire Martin (login only) and Paul Roy teach there."""
    ecole = creer_ecole(engine)
    with transaction(engine) as s:
        lea = s.get(Eleve, ecole.lea.eleve_id)
        division = lea.division
        for identifiant, prenom, nom in (("INE3", "Émilie", "Durand"), ("INE4", "Zoé", "=Dupont")):
            s.add(Eleve(compte=Compte(login=identifiant.lower(), role=Role.ELEVE, prenom=prenom, nom=nom,
                                      etablissement_id=division.etablissement_id), identifiant=identifiant,
                        division=division))
        sorti = Eleve(compte=Compte(login="parti", role=Role.ELEVE, prenom="Paul", nom="Parti",
                                    etablissement_id=division.etablissement_id), identifiant="INE5",
                      division=division, sorti_le=dt.date(2026, 12, 1))
        roy = Enseignant(compte=Compte(login="paul.roy", role=Role.ENSEIGNANT, prenom="Paul", nom="Roy",
                                       etablissement_id=division.etablissement_id), divisions=[division])
        s.add_all([sorti, roy])
        s.flush()
        martin, roy_id, eleve = ecole.martin.compte_id, roy.compte_id, lea.id

        # 1.1.1: two fiches (c1 a0, c2 a1) → évaluable; 1.1.2: one (c3) → une fois; 1.2.1: two plain → répétée;
        # 1.1.3: only a fiche in the bin → non traversée; 2.1.1 belongs to pôle 2, not to E31.
        a = creer_fiche(s, eleve, _contenu("1.1.1", "Commande de fournitures"), eleve)
        b = creer_fiche(s, eleve, _contenu(
            "1.1.1", "Relance d'un fournisseur en retard", 2, 1, organisation="Mairie de Rennes",
            contexte="Service des achats de la mairie.", conditions="Je dispose du logiciel de gestion.",
            demarche=PHRASE, productions="Courriel de relance", complexite_details="Fournisseur étranger",
            aleas_details="Livraison incomplète"), eleve)
        c = creer_fiche(s, eleve, _contenu("1.1.2", "Devis comparés", 3), eleve)
        creer_fiche(s, eleve, _contenu("1.2.1", "Prospection 1"), eleve)
        creer_fiche(s, eleve, _contenu("1.2.1", "Prospection 2"), eleve)
        corbeille = creer_fiche(s, eleve, _contenu("1.1.3", "Stock", 3, 2), eleve)
        creer_fiche(s, eleve, _contenu("2.1.1", "Accueil d'un salarié", 3, 2), eleve)
        s.flush()
        corbeille.supprimee_le = T0

        # Positions: Martin said 2 then 3 (the later counts), Roy said 4; a position on the binned fiche is ignored.
        s.add_all([
            Positionnement(fiche_id=a.id, enseignant_id=martin, niveau=2, cree_le=T0),
            Positionnement(fiche_id=b.id, enseignant_id=martin, niveau=3, cree_le=T0 + dt.timedelta(days=2)),
            Positionnement(fiche_id=a.id, enseignant_id=roy_id, niveau=4, cree_le=T0 + dt.timedelta(days=1)),
            Positionnement(fiche_id=corbeille.id, enseignant_id=martin, niveau=1, cree_le=T0),
        ])
        organisation = Organisation(nom="BIOMAG")
        s.add(organisation)
        s.flush()
        s.add(Pfmp(eleve_id=eleve, organisation_id=organisation.id, date_debut=dt.date(2026, 11, 16),
                   date_fin=dt.date(2026, 12, 11), bilan_tuteur="Élève sérieuse, « autonome » au téléphone.",
                   bilan_situations='{"1.1.1": 3, "2.1.1": 2}', bilan_le=T0, bilan_par="Julien Garnier"))

        # Selections: b is selected; c was selected then withdrawn; the binned fiche's selection does not count.
        s.add_all([
            SelectionCcf(eleve_id=eleve, epreuve="E31", fiche_id=b.id, choisie_par_id=martin, choisie_le=T0),
            SelectionCcf(eleve_id=eleve, epreuve="E31", fiche_id=c.id, choisie_par_id=martin, choisie_le=T0,
                         retiree_par_id=roy_id, retiree_le=T0 + dt.timedelta(hours=1)),
            SelectionCcf(eleve_id=eleve, epreuve="E31", fiche_id=corbeille.id, choisie_par_id=martin, choisie_le=T0),
            SelectionCcf(eleve_id=eleve, epreuve="E32", fiche_id=a.id, choisie_par_id=martin, choisie_le=T0),
        ])
        s.add_all([
            Appreciation(eleve_id=eleve, fiche_id=b.id, auteur_id=martin, texte="Précise l'aléa rencontré.",
                         cree_le=T0),
            Appreciation(eleve_id=eleve, fiche_id=None, auteur_id=roy_id, texte="Passeport tenu avec régularité.",
                         cree_le=T0),
            Appreciation(eleve_id=eleve, fiche_id=a.id, auteur_id=martin, texte="Sur une fiche non choisie.",
                         cree_le=T0),
            Appreciation(eleve_id=eleve, fiche_id=b.id, auteur_id=martin, texte="Retirée.", cree_le=T0,
                         retiree_le=T0),
        ])
        reunion = ReunionCcf(division_id=division.id, epreuve="E31", date_reunion=dt.date(2027, 3, 4),
                             notes="Préparation de la session de juin.", cree_par_id=martin)
        reunion.presents = [s.get(Compte, martin), s.get(Compte, roy_id)]
        s.add(reunion)
        s.flush()
        # The chain on 1.1.1: d1 (before the meeting) ← d2 (at the meeting) ← d3 (at the meeting, its clock earlier
        # than d2's: the chain decides, not the dates). Then d4 corrects d3 after the meeting.
        d1 = DecisionCcf(eleve_id=eleve, epreuve="E31", situation="1.1.1", niveau=2, auteur_id=martin, cree_le=T0)
        s.add(d1)
        s.flush()
        d2 = DecisionCcf(eleve_id=eleve, epreuve="E31", situation="1.1.1", niveau=3, commentaire="Vu en réunion.",
                         reunion_id=reunion.id, auteur_id=roy_id, cree_le=T0 + dt.timedelta(days=31),
                         remplace_id=d1.id)
        s.add(d2)
        s.flush()
        d3 = DecisionCcf(eleve_id=eleve, epreuve="E31", situation="1.1.1", niveau=4, commentaire="Maîtrise réelle.",
                         reunion_id=reunion.id, auteur_id=martin, cree_le=T0 + dt.timedelta(days=30),
                         remplace_id=d2.id)
        s.add(d3)
        s.add(DecisionCcf(eleve_id=eleve, epreuve="E31", situation="", niveau=None, reunion_id=reunion.id,
                          commentaire="Dossier à compléter : un aléa en 1.2.1.", auteur_id=martin,
                          cree_le=T0 + dt.timedelta(days=31)))
        s.add(DecisionCcf(eleve_id=eleve, epreuve="E32", situation="3.1.1", niveau=1, auteur_id=martin, cree_le=T0))
        s.add(PublicationCcf(division_id=division.id, epreuve="E31", publiee_par_id=martin,
                             publiee_le=T0 + dt.timedelta(days=40)))
        s.flush()
        ids = {"division": division.id, "lea": eleve, "reunion": reunion.id, "b": b.id, "roy": roy_id,
               "d1": d1.id, "d2": d2.id, "d3": d3.id}
    with transaction(engine) as s:
        d4 = DecisionCcf(eleve_id=ids["lea"], epreuve="E31", situation="1.1.1", niveau=4, auteur_id=martin,
                         commentaire="Après la réunion : confirmé.", cree_le=T0 + dt.timedelta(days=32),
                         remplace_id=ids["d3"])
        s.add(d4)
        s.flush()
        ids["d4"] = d4.id
    return ecole, ids


@pytest.fixture
def classe(fresh_db):
    ecole, ids = _ecrire_classe(fresh_db)
    return fresh_db, ecole, ids


def test_the_synthesis_counts_by_hand(classe):
    engine, ecole, ids = classe
    with transaction(engine) as s:
        synthese = dossier_ccf.synthese_division(s, ecole.martin, ids["division"], "e31")
    assert synthese.epreuve.code == "E31" and synthese.epreuve.en_ccf
    assert [x.code for x in synthese.situations][:3] == ["1.1.1", "1.1.2", "1.1.3"]
    assert len(synthese.situations) == 14 and all(x.pole_code == "1" for x in synthese.situations)
    assert synthese.situations[0].titre == "Tenue des dossiers fournisseurs et sous-traitants"
    # Sorted by name without accents; the student who left is not in the class any more.
    assert [l.nom for l in synthese.eleves] == ["=Dupont", "Durand", "Moreau"]
    assert synthese.publiee_le == T0 + dt.timedelta(days=40)
    lea = synthese.eleves[2]
    c = lea.cases["1.1.1"]
    assert (c.statut, c.fiches, c.max_complexite, c.max_aleas, c.selectionnees) == (Statut.EVALUABLE, 2, 2, 1, 1)
    assert [(p.enseignant, p.niveau) for p in c.positions] == [("claire.martin", 3), ("Paul Roy", 4)]
    assert [(t.tuteur, t.organisation, t.niveau) for t in c.tuteurs] == [("Julien Garnier", "BIOMAG", 3)]
    assert (c.decision.id, c.decision.niveau, c.decision.commentaire) == (ids["d4"], 4, "Après la réunion : confirmé.")
    c = lea.cases["1.1.2"]
    assert (c.statut, c.fiches, c.max_complexite, c.max_aleas, c.selectionnees) == (Statut.UNE_FOIS, 1, 3, 0, 0)
    assert c.positions == [] and c.tuteurs == [] and c.decision is None
    c = lea.cases["1.1.3"]
    assert (c.statut, c.fiches, c.max_complexite, c.positions, c.selectionnees) == (Statut.NON_TRAVERSEE, 0, None, [], 0)
    assert lea.cases["1.2.1"].statut == Statut.REPETEE
    assert "2.1.1" not in lea.cases
    assert lea.selectionnees == 1
    assert (lea.avis.niveau, lea.avis.commentaire) == (None, "Dossier à compléter : un aléa en 1.2.1.")
    durand = synthese.eleves[1]
    assert all(c.statut == Statut.NON_TRAVERSEE and c.decision is None for c in durand.cases.values())
    assert durand.avis is None


def test_the_class_read_is_journaled_for_every_student(classe):
    engine, ecole, ids = classe
    with transaction(engine) as s:
        dossier_ccf.synthese_division(s, ecole.martin, ids["division"], "E31")
    with Session(engine) as s:
        lus = s.scalars(select(EvenementAudit.eleve_id).where(EvenementAudit.action == "consultation",
                                                              EvenementAudit.compte_id == ecole.martin.compte_id))
        noms = {s.get(Eleve, i).compte.nom for i in lus}
    assert noms == {"Moreau", "Durand", "=Dupont"}


def test_the_latest_decision_follows_the_chain_not_the_clock(classe):
    engine, _, ids = classe
    with Session(engine) as s:
        dossier = dossier_ccf.construire_dossier(s, ids["lea"], "E31")
    chaine = dossier.historique["1.1.1"]
    assert [d.id for d in chaine] == [ids["d1"], ids["d2"], ids["d3"], ids["d4"]]
    assert [d.niveau for d in chaine] == [2, 3, 4, 4]
    assert chaine[1].date_reunion == dt.date(2027, 3, 4) and chaine[0].date_reunion is None
    assert set(dossier.historique) == {"1.1.1", ""}  # E32's decision is not in E31's dossier
    decisions = list(chaine)
    assert dossier_ccf.dernieres(decisions[:3])["1.1.1"].id == ids["d3"]  # d3 is older than d2 by the clock


def test_the_dossier_holds_the_selected_fiches_reports_and_appreciations(classe):
    engine, ecole, ids = classe
    with transaction(engine) as s:
        dossier = dossier_ccf.dossier_eleve(s, ecole.martin, ids["lea"], "E31")
    assert dossier.ligne.nom_complet == "Léa Moreau"
    assert [f.titre for f in dossier.fiches] == ["Relance d'un fournisseur en retard"]
    f = dossier.fiches[0]
    assert (f.id, f.situation, f.demarche, f.organisation) == (ids["b"], "1.1.1", PHRASE, "Mairie de Rennes")
    assert (f.complexite_details, f.aleas_details, f.lieu, f.nature) == (["Fournisseur étranger"],
                                                                        ["Livraison incomplète"], "PFMP", "Réelle")
    assert f.choisie_par == "claire.martin"
    assert [a.texte for a in f.appreciations] == ["Précise l'aléa rencontré."]
    assert [(a.texte, a.fiche_id) for a in dossier.appreciations] == [
        ("Précise l'aléa rencontré.", ids["b"]), ("Passeport tenu avec régularité.", None)]
    assert [(b.organisation, b.tuteur, b.niveaux) for b in dossier.bilans] == [("BIOMAG", "Julien Garnier", {"1.1.1": 3})]


def test_the_minutes_show_the_meeting_decisions(classe):
    engine, ecole, ids = classe
    with transaction(engine) as s:
        cr = dossier_ccf.compte_rendu(s, ecole.martin, ids["reunion"])
    assert (cr.division, cr.date_reunion, cr.presents) == ("1GA1", dt.date(2027, 3, 4), ["claire.martin", "Paul Roy"])
    lea = next(e for e in cr.eleves if e.nom_complet == "Léa Moreau")
    assert [(d.situation, d.id) for d in lea.decisions] == [("1.1.1", ids["d3"])]  # d4 came after the meeting
    assert lea.avis.commentaire == "Dossier à compléter : un aléa en 1.2.1."
    assert [e.decisions for e in cr.eleves if e.nom_complet != "Léa Moreau"] == [[], []]


def test_a_teacher_of_another_division_is_refused_and_unknown_epreuves_are_named(classe):
    engine, ecole, ids = classe
    with pytest.raises(AccesRefuse), transaction(engine) as s:
        dossier_ccf.synthese_division(s, ecole.leroy, ids["division"], "E31")
    with pytest.raises(AccesRefuse), transaction(engine) as s:
        dossier_ccf.compte_rendu(s, ecole.leroy, ids["reunion"])
    with pytest.raises(EpreuveInconnue, match="« E99 » inconnue"), transaction(engine) as s:
        dossier_ccf.synthese_division(s, ecole.martin, ids["division"], "E99")


def _texte(pdf: bytes, tmp_path: Path, nom: str) -> str:
    chemin = tmp_path / f"{nom}.pdf"
    chemin.write_bytes(pdf)
    return texte_pdf(chemin)


def _capture(pdf: bytes, tmp_path: Path, nom: str, page: int = 1) -> Path:
    chemin = tmp_path / f"{nom}.pdf"
    chemin.write_bytes(pdf)
    return page_png(chemin, page, ARTEFACTS / f"{nom}.png")


def test_the_dossier_pdf_reads_right(classe, tmp_path):
    engine, _, ids = classe
    with Session(engine) as s:
        dossier = dossier_ccf.construire_dossier(s, ids["lea"], "E31")
    pdf = ccf.pdf_dossier(dossier, jour=dt.date(2027, 3, 5))
    texte = _texte(pdf, tmp_path, "dossier")
    pages = texte.count("\f")
    assert pages >= 2
    assert "page 1 / " + str(pages) in texte and f"page {pages} / {pages}" in texte
    assert texte.count("Léa Moreau") >= pages  # the running header on every page
    for attendu in ("1.1.1", "Tenue des dossiers fournisseurs et", "1.3.4", "Relance d'un fournisseur en retard",
                    "Livraison incomplète", "Julien Garnier", "Élève sérieuse, « autonome » au téléphone.",
                    "Passeport tenu avec régularité.", "Précise l'aléa rencontré.", "Dossier à compléter",
                    "AC acquis", "MA maîtrisé", "(en vigueur)", "(remplacée)", "évaluable"):
        assert attendu in texte, attendu
    assert " ".join(PHRASE.split()) in " ".join(texte.split())
    assert "Sur une fiche non choisie." not in texte and "Retirée." not in texte
    assert "ponctuelle écrite" not in texte
    _capture(pdf, tmp_path, "ccf_dossier", 1)
    _capture(pdf, tmp_path, "ccf_dossier_fiche", 2)


def test_the_minutes_pdf_reads_right(classe, tmp_path):
    engine, _, ids = classe
    with Session(engine) as s:
        cr = dossier_ccf.construire_compte_rendu(s, ids["reunion"])
    pdf = ccf.pdf_compte_rendu(cr, jour=dt.date(2027, 3, 5))
    texte = _texte(pdf, tmp_path, "cr")
    for attendu in ("Compte rendu de la réunion d'équipe", "Division 1GA1", "réunion du 04/03/2027", "Paul Roy",
                    "claire.martin", "Préparation de la session de juin.", "Maîtrise réelle.", "Léa Moreau",
                    "Sans décision à cette réunion", "Émilie Durand", "Signatures", "page 1 / 1"):
        assert attendu in texte, attendu
    assert "Après la réunion" not in texte
    _capture(pdf, tmp_path, "ccf_compte_rendu")


def test_the_synthesis_pdf_is_landscape_with_signs_and_letters(classe, tmp_path):
    engine, _, ids = classe
    with Session(engine) as s:
        synthese = dossier_ccf.construire_synthese(s, ids["division"], "E31")
    pdf = ccf.pdf_synthese(synthese, jour=dt.date(2027, 3, 5))
    chemin = tmp_path / "synthese.pdf"
    chemin.write_bytes(pdf)
    info = poppler("pdfinfo", chemin)
    largeur, hauteur = [float(x) for x in info.split("Page size:")[1].split("pts")[0].split(" x ")]
    assert largeur > hauteur  # landscape
    texte = _texte(pdf, tmp_path, "synthese")
    for attendu in ("Synthèse de la classe", "Moreau", "Durand", "=Dupont", "1.1.1", "1.3.4", "c2 a1", "MA", "×2",
                    "Évaluables / décidées", "page 1 / 1"):
        assert attendu in texte, attendu
    _capture(pdf, tmp_path, "ccf_synthese")


def test_a_written_epreuve_is_allowed_with_a_note(classe, tmp_path):
    engine, _, ids = classe
    with Session(engine) as s:
        synthese = dossier_ccf.construire_synthese(s, ids["division"], "E2")
        dossier = dossier_ccf.construire_dossier(s, ids["lea"], "E2")
    assert not synthese.epreuve.en_ccf and synthese.situations[0].code.startswith("2.")
    assert dossier.ligne.cases["2.1.1"].statut == Statut.UNE_FOIS
    texte = " ".join(_texte(ccf.pdf_dossier(dossier), tmp_path, "e2").split())
    assert "E2 est une épreuve ponctuelle écrite" in texte


def test_the_xlsx_keeps_names_as_text(classe):
    engine, _, ids = classe
    with Session(engine) as s:
        synthese = dossier_ccf.construire_synthese(s, ids["division"], "E31")
    classeur = load_workbook(io.BytesIO(ccf.xlsx_synthese(synthese, jour=dt.date(2027, 3, 5))))
    assert classeur.sheetnames == ["Synthèse", "Détail", "Légende"]
    f = classeur["Synthèse"]
    assert f["A1"].value == "Synthèse CCF — E31 — Gestion administrative des relations externes (pôle 1)"
    assert [f.cell(4, i).value for i in (1, 2, 3, 4)] == ["Nom", "Prénom", "Identifiant",
                                                          "1.1.1 Tenue des dossiers fournisseurs et sous-traitants"]
    assert f["A5"].value == "=Dupont" and f["A5"].data_type == "s"
    assert [f.cell(r, 1).value for r in (5, 6, 7)] == ["=Dupont", "Durand", "Moreau"]
    assert f["D7"].value == "E ×2 c2 a1 · équipe MA"
    assert f["D7"].fill.fgColor.rgb[-6:].upper() == COULEURS_STATUT[Statut.EVALUABLE].lstrip("#").upper()
    assert f.cell(7, 18).value == "Dossier à compléter : un aléa en 1.2.1." and f.cell(7, 19).value == 1
    assert f.freeze_panes == "D5" and f.column_dimensions["A"].width == 22
    d = classeur["Détail"]
    ligne = next(r for r in d.iter_rows(min_row=5, values_only=True) if r[0] == "Moreau" and r[3] == "1.1.1")
    assert ligne[5:9] == ("Évaluable", 2, 2, 1)
    assert ligne[9] == "claire.martin : AC acquis ; Paul Roy : MA maîtrisé"
    assert ligne[11:13] == ("MA maîtrisé", "Après la réunion : confirmé.")
    assert d["A5"].data_type == "s" and d.freeze_panes == "D5"
    legende = {r[0].value: r[0].fill.fgColor.rgb[-6:].upper() for r in classeur["Légende"].iter_rows(min_row=3)
               if r[0].fill.fill_type == "solid"}
    assert legende == {signe: COULEURS_STATUT[st].lstrip("#").upper() for st, signe in
                       [(Statut.EVALUABLE, "E"), (Statut.REPETEE, "R"), (Statut.UNE_FOIS, "1"),
                        (Statut.NON_TRAVERSEE, "—")]}


def test_the_zip_holds_one_pdf_per_student(classe):
    engine, _, ids = classe
    with Session(engine) as s:
        synthese = dossier_ccf.construire_synthese(s, ids["division"], "E31")
        dossiers = dossier_ccf.construire_dossiers(s, ids["division"], "E31")
    with zipfile.ZipFile(io.BytesIO(ccf.zip_dossiers_division(synthese, dossiers))) as z:
        noms = sorted(z.namelist())
        assert all(z.read(n)[:5] == b"%PDF-" for n in noms if n.endswith(".pdf"))
    assert noms == ["DUPONT_Zoe_E31.pdf", "DURAND_Emilie_E31.pdf", "MOREAU_Lea_E31.pdf", "synthese_1GA1_E31.pdf",
                    "synthese_1GA1_E31.xlsx"]
    assert ccf.nom_de_fichier("d'Arc", "Émilie-Rose", "E31") == "D-ARC_Emilie-Rose_E31.pdf"


# --- the command -------------------------------------------------------------------------------------------------


@pytest.fixture
def base_cli(db_env):
    engine = creer_engine(db_env)
    initialiser(engine)
    _ecrire_classe(engine)
    engine.dispose()
    return db_env


@pytest.mark.cli
def test_the_command_writes_the_zip(base_cli, tmp_path, capsys):
    sortie = tmp_path / "ccf.zip"
    assert main(["exporter", "dossier-ccf", "--division", "1GA1", "--epreuve", "E31", "--sortie", str(sortie)]) == 0
    assert capsys.readouterr().out == (f"Dossiers CCF E31 de 1GA1 (2026-2027) écrits dans {sortie} : 3 élève(s), "
                                       "synthèse en PDF et xlsx.\n")
    with zipfile.ZipFile(sortie) as z:
        assert len([n for n in z.namelist() if n.endswith("_E31.pdf") and not n.startswith("synthese")]) == 3


@pytest.mark.cli
def test_the_command_accepts_a_written_epreuve_with_a_warning(base_cli, tmp_path, capsys):
    sortie = tmp_path / "e2.zip"
    assert main(["exporter", "dossier-ccf", "--division", "1GA1", "--epreuve", "E2", "--sortie", str(sortie)]) == 0
    assert "Attention : E2 est une épreuve ponctuelle écrite (ponctuel écrit 3 h), pas un CCF." in capsys.readouterr().out


@pytest.mark.cli
@pytest.mark.parametrize("arguments, message", [
    (["--division", "TGA9", "--epreuve", "E31"], "Division introuvable : TGA9."),
    (["--division", "1GA1", "--epreuve", "E99"], "Épreuve « E99 » inconnue pour le référentiel ga-2012."),
    (["--division", "1GA1", "--annee", "2030-2031", "--epreuve", "E31"], "Division introuvable : 1GA1 (2030-2031)."),
])
def test_the_command_names_what_is_wrong(base_cli, tmp_path, capsys, arguments, message):
    sortie = tmp_path / "x.zip"
    assert main(["exporter", "dossier-ccf", *arguments, "--sortie", str(sortie)]) == 1
    assert capsys.readouterr().err.strip() == message
    assert not sortie.exists()


@pytest.mark.cli
def test_the_command_refuses_an_unwritable_file(base_cli, tmp_path, capsys):
    sortie = tmp_path / "absent" / "x.zip"
    assert main(["exporter", "dossier-ccf", "--division", "1GA1", "--epreuve", "E31", "--sortie", str(sortie)]) == 1
    assert capsys.readouterr().err.strip() == f"Impossible d'écrire {sortie} (dossier introuvable : {sortie.parent})."
