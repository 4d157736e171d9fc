"""Retention and purge: former students are erased once their school's retention period is over, nothing else.

A hand-made school with students who left at different dates, the clock moved to 1 September 2028."""

import dataclasses
import datetime as dt
import sys

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport import stockage
from passeport.acces import OPERATEUR, AccesRefuse
from passeport.cli import main
from passeport.db import transaction
from passeport.models import (
    Appreciation, Base, Compte, Division, Eleve, Etablissement, EvenementAudit, Lieu, Nature, Niveau, Role,
)
from passeport.services import administration, brouillons, conservation, contextes, extraits, fiches, pfmp, pieces, \
    sessions, suivi
from passeport.services.audit import journaliser
from passeport.services.comptes import Utilisateur
from passeport.services.fiches import ContenuFiche
from passeport.web import DONNEES_PERSONNELLES
from tests.ecole import creer_ecole

pytestmark = [pytest.mark.store, pytest.mark.cli]

CONTENU = ContenuFiche(situation="1.1.2", titre="Commande", date_debut=dt.date(2026, 10, 5), lieu=Lieu.PFMP,
                       nature=Nature.REELLE, complexite=1, aleas=0)
JOUR = dt.date(2028, 9, 1)  # the moved clock
COMMUN = b"Compte rendu partage par deux eleves\n"  # one file on disk, used by Lea and by a purged student


def _eleve(s, etab, division, login, prenom, identifiant) -> Utilisateur:
    eleve = Eleve(compte=Compte(login=login, role=Role.ELEVE, prenom=prenom, nom="Test", etablissement=etab),
                  identifiant=identifiant, division=division)
    s.add(eleve)
    s.flush()
    return Utilisateur(eleve.compte.id, login, Role.ELEVE, prenom, etab.id, eleve.id)


def _passeport(engine, eleve: Utilisateur, enseignant: Utilisateur | None, propre: bytes) -> None:
    """What a student leaves behind: 1 fiche (2 versions), 2 attachments, a draft, a context, a PFMP with a tutor
    link, an extract, an appréciation (2 versions), a positionnement, a session, journal lines."""
    with transaction(engine) as s:
        fiche = fiches.nouvelle_fiche(s, eleve, CONTENU)
        fiches.enregistrer(s, eleve, fiche.id, dataclasses.replace(CONTENU, titre="Commande fournisseur"))
        pieces.ajouter(s, eleve, fiche.id, "commun.txt", COMMUN)
        pieces.ajouter(s, eleve, fiche.id, "propre.txt", propre)
        brouillons.enregistrer(s, eleve, f"cle-{eleve.login.replace('.', '-')}-0000000001",
                               {"demarche": "J'ai commencé."})
        contextes.enregistrer(s, eleve, contextes.Contexte("PFMP"))
        periode = pfmp.enregistrer_pfmp(s, eleve, eleve.eleve_id, "BIOMAG", dt.date(2026, 11, 16),
                                        dt.date(2026, 12, 11), "Julien Garnier")
        extraits.creer_extrait(s, eleve, "Pour un stage", [fiche.id])
        sessions.ouvrir(s, eleve.compte_id)
        journaliser(s, "connexion", eleve.compte_id, "eleve")
        if enseignant is not None:
            pfmp.creer_lien(s, enseignant, periode.id)
            appreciation = Appreciation(eleve_id=eleve.eleve_id, fiche_id=fiche.id, auteur_id=enseignant.compte_id,
                                        texte="Bien")
            s.add(appreciation)
            s.flush()
            from passeport.models import AppreciationVersion
            s.add_all([AppreciationVersion(appreciation_id=appreciation.id, numero=1, texte="Bien"),
                       AppreciationVersion(appreciation_id=appreciation.id, numero=2, texte="Très bien")])
            suivi.positionner(s, enseignant, fiche.id, 3)
            fiches.lire_fiche(s, enseignant, fiche.id)  # a teacher's reading: journaled about the student


@pytest.fixture
def ecole_partie(fresh_db, db_env, tmp_path, monkeypatch):
    """Lycée test (12 months): Léa stays, Zoé left 4/7/2027, Hugo 20/10/2027. Lycée deux (6 months): Inès left
    10/1/2028, Tom 1/4/2028. On 1/9/2028 Zoé (until 4/7/2028) and Inès (until 10/7/2028) are past retention."""
    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "donnees"))
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        etab = s.get(Etablissement, ecole.admin.etablissement_id)
        d1 = s.get(Division, s.get(Eleve, ecole.lea.eleve_id).division_id)
        zoe = _eleve(s, etab, d1, "zoe.test", "Zoé", "INE3")
        hugo = _eleve(s, etab, d1, "hugo.test", "Hugo", "INE4")
        deux = Etablissement(uai="0350002B", nom="Lycée deux", conservation_mois=6)
        d2 = Division(etablissement=deux, nom="1GA2", niveau=Niveau.PREMIERE, annee_scolaire="2026-2027")
        ines = _eleve(s, deux, d2, "ines.test", "Inès", "INE5")
        tom = _eleve(s, deux, d2, "tom.test", "Tom", "INE6")
    _passeport(fresh_db, ecole.lea, ecole.martin, b"Texte de Lea\n")
    _passeport(fresh_db, zoe, ecole.martin, b"Texte de Zoe\n")
    _passeport(fresh_db, hugo, ecole.martin, b"Texte de Hugo\n")
    _passeport(fresh_db, ines, None, b"Texte de Ines\n")
    _passeport(fresh_db, tom, None, b"Texte de Tom\n")
    with transaction(fresh_db) as s:
        administration.enregistrer_sortie(s, ecole.admin, zoe.eleve_id, dt.date(2027, 7, 4))
        administration.enregistrer_sortie(s, ecole.admin, hugo.eleve_id, dt.date(2027, 10, 20))
        s.get(Eleve, ines.eleve_id).sorti_le = dt.date(2028, 1, 10)
        s.get(Eleve, tom.eleve_id).sorti_le = dt.date(2028, 4, 1)
        # The journal: one line of a year ago minus a day about Léa (kept), one of more than a year (purged).
        s.add_all([EvenementAudit(action="consultation", compte_id=ecole.martin.compte_id, eleve_id=ecole.lea.eleve_id,
                                  cree_le=dt.datetime(2027, 9, 3, 8, 0)),
                   EvenementAudit(action="consultation", compte_id=ecole.martin.compte_id, eleve_id=ecole.lea.eleve_id,
                                  cree_le=dt.datetime(2027, 9, 1, 8, 0))])
    # The clock moves for the purge and for the journal line it writes.
    monkeypatch.setattr(conservation, "maintenant", lambda: dt.datetime(2028, 9, 1, 3, 0))
    monkeypatch.setattr(sys.modules[journaliser.__module__], "maintenant", lambda: dt.datetime(2028, 9, 1, 3, 0))
    return fresh_db, ecole, {"zoe": zoe, "hugo": hugo, "ines": ines, "tom": tom}


def _comptes(engine) -> dict[str, int]:
    with Session(engine) as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def _journal_de(engine, *qui: Utilisateur) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(EvenementAudit).where(
            EvenementAudit.eleve_id.in_([u.eleve_id for u in qui]) | EvenementAudit.compte_id.in_(
                [u.compte_id for u in qui])))


def _vieux_journal(engine, *sauf: Utilisateur) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(EvenementAudit).where(
            EvenementAudit.cree_le < dt.datetime(2027, 9, 2),
            EvenementAudit.eleve_id.is_(None) | EvenementAudit.eleve_id.not_in([u.eleve_id for u in sauf]),
            EvenementAudit.compte_id.is_(None) | EvenementAudit.compte_id.not_in([u.compte_id for u in sauf])))


def test_essai_lists_exactly_the_accounts_past_retention_and_writes_nothing(ecole_partie, capsys):
    engine, _ecole, eleves = ecole_partie
    avant = _comptes(engine)
    assert main(["purger", "--essai"]) == 0
    sortie = capsys.readouterr().out.splitlines()
    assert sortie[0] == "Comptes d'anciens élèves arrivés au terme de leur conservation avant le 01/09/2028 : 2"
    assert sortie[1:3] == [
        "  INE3 zoe.test (Zoé Test, 1GA1, Lycée test) : sorti le 04/07/2027, conservé jusqu'au 04/07/2028",
        "  INE5 ines.test (Inès Test, 1GA2, Lycée deux) : sorti le 10/01/2028, conservé jusqu'au 10/07/2028",
    ]
    assert "  fiche : 2 ligne(s)" in sortie and "  piece_jointe : 4 ligne(s)" in sortie
    assert sortie[-2:] == ["Pièces jointes : 2 fichier(s).", "Essai : rien n'a été effacé."]
    assert _comptes(engine) == avant
    # --avant: the accounts whose retention ended before that day only (Zoé's ended on the 4th of July).
    assert main(["purger", "--essai", "--avant", "2028-07-05"]) == 0
    assert [l for l in capsys.readouterr().out.splitlines() if l.startswith("  INE")] == [
        "  INE3 zoe.test (Zoé Test, 1GA1, Lycée test) : sorti le 04/07/2027, conservé jusqu'au 04/07/2028"]
    assert main(["purger", "--essai", "--avant", "2028-07-04"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith("avant le 04/07/2028 : 0")
    assert _comptes(engine) == avant


def test_purger_removes_them_and_nothing_else(ecole_partie, capsys):
    engine, ecole, eleves = ecole_partie
    zoe, ines = eleves["zoe"], eleves["ines"]
    avant = _comptes(engine)
    journal_purge = _journal_de(engine, zoe, ines) + _vieux_journal(engine, zoe, ines)
    propres = [stockage.chemin(stockage.empreinte(b"Texte de Zoe\n")),
               stockage.chemin(stockage.empreinte(b"Texte de Ines\n"))]
    assert all(p.exists() for p in propres)
    assert main(["purger"]) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "Pièces jointes : 2 fichier(s) effacé(s).", f"Purge faite : {31 + journal_purge} ligne(s) effacée(s)."]
    apres = _comptes(engine)
    # By table, written by hand: Zoé (with her teacher's appréciation, positionnement and tutor link) and Inès.
    effaces = {"compte": 2, "eleve": 2, "fiche": 2, "fiche_version": 4, "piece_jointe": 4, "brouillon": 2,
               "contexte_reutilisable": 2, "pfmp": 2, "lien_tuteur": 1, "extrait": 2, "extrait_fiche": 2,
               "appreciation": 1, "appreciation_version": 2, "positionnement": 1, "session_utilisateur": 2,
               "evenement_audit": journal_purge - 1,  # the purge's own line stays
               # The analytics copy is told of each deleted row it reads: 2 fiches, 4 versions, 1 positionnement,
               # 2 students (the log grows by 9).
               "analytique_changement": -9}
    assert sum(v for k, v in effaces.items() if k not in ("evenement_audit", "analytique_changement")) == 31
    assert {t: avant[t] - apres[t] for t in avant if avant[t] != apres[t]} == effaces
    assert not any(p.exists() for p in propres)
    assert stockage.chemin(stockage.empreinte(COMMUN)).exists()  # still Léa's (and Hugo's, Tom's)
    with Session(engine) as s:
        assert s.scalars(select(Compte.login).where(Compte.role == Role.ELEVE).order_by(Compte.login)).all() == [
            "hugo.test", "lea.moreau", "noe.petit", "tom.test"]
        # The recent line about Léa stays, the one of more than a year goes; the purge is journaled, without names.
        assert s.scalars(select(EvenementAudit.cree_le).where(EvenementAudit.eleve_id == ecole.lea.eleve_id)).all() \
            == [dt.datetime(2027, 9, 3, 8, 0)]
        ligne = s.scalars(select(EvenementAudit).where(EvenementAudit.action == "purge")).one()
        assert ligne.details.startswith("2 compte(s) d'anciens élèves") and "zoe" not in ligne.details.lower()
    # Nothing left to purge: a second run erases nothing but finds its own line too young.
    assert main(["purger"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Purge faite : 0 ligne(s) effacée(s)."


def test_purge_on_students_who_stay_reads_their_passport(ecole_partie):
    """After the purge the others' passports are whole: Léa reads her fiche and her shared attachment."""
    engine, ecole, _eleves = ecole_partie
    with transaction(engine) as s:
        conservation.purger(s, OPERATEUR)
    with transaction(engine) as s:
        ligne = fiches.fiches_de_l_eleve(s, ecole.lea, ecole.lea.eleve_id)[0]
        contenus = sorted(pieces.lire(s, ecole.lea, p.id).donnees for p in pieces.lister(s, ecole.lea, ligne.id))
    assert contenus == [COMMUN, b"Texte de Lea\n"]


def test_bad_dates_are_refused_in_french(ecole_partie, capsys):
    engine, _ecole, _eleves = ecole_partie
    avant = _comptes(engine)
    assert main(["purger", "--avant", "2028-09-02"]) == 1
    assert "ne peut pas être dans l'avenir" in capsys.readouterr().err
    assert main(["purger", "--avant", "1er septembre"]) == 1
    assert "Date --avant invalide : « 1er septembre » (format AAAA-MM-JJ)." in capsys.readouterr().err
    assert _comptes(engine) == avant


def test_the_administrator_sets_the_retention_period(ecole_partie):
    engine, ecole, eleves = ecole_partie
    with transaction(engine) as s:
        etat = conservation.etat_conservation(s, ecole.admin)
    assert etat.mois == 12
    assert [(a.nom_complet, a.conserve_jusqu_au) for a in etat.anciens] == [
        ("Zoé Test", dt.date(2028, 7, 4)), ("Hugo Test", dt.date(2028, 10, 20))]
    for mois in (2, 37):
        with pytest.raises(conservation.ConservationInvalide, match="entre 3 et 36 mois"), \
                transaction(engine) as s:
            conservation.definir_conservation(s, ecole.admin, mois)
    with transaction(engine) as s:
        conservation.definir_conservation(s, ecole.admin, 3)
    with Session(engine) as s:
        # 3 months: Hugo (until 20/1/2028) goes too; Tom's school keeps 6 months (until 1/10/2028).
        assert [c.login for c in conservation.comptes_a_purger(s, OPERATEUR, JOUR)] == ["zoe.test", "hugo.test", "ines.test"]
    with pytest.raises(AccesRefuse), transaction(engine) as s:
        conservation.definir_conservation(s, ecole.martin, 24)


def test_month_arithmetic():
    assert conservation.ajouter_mois(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
    assert conservation.ajouter_mois(dt.date(2027, 12, 15), 12) == dt.date(2028, 12, 15)
    assert conservation.ajouter_mois(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)


def test_the_privacy_page_states_the_numbers_of_the_code():
    assert "puis un an après son départ" in DONNEES_PERSONNELLES
    assert (f"entre {conservation.CONSERVATION_MIN_MOIS} et {conservation.CONSERVATION_MAX_MOIS} mois"
            in DONNEES_PERSONNELLES)
    assert conservation.CONSERVATION_DEFAUT_MOIS == 12 and conservation.JOURNAL_JOURS == 365
    assert "consultations est gardé un an (365 jours)" in DONNEES_PERSONNELLES


def test_the_administrator_page_shows_former_students_and_sets_the_period(base):
    """On the demo school: mark one student as left, then the admin sees when their data go and changes the period."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.conftest import RACINE

    with transaction(base) as s:
        eleve = s.scalars(select(Eleve).join(Compte, Compte.id == Eleve.compte_id)
                          .where(Compte.login == "lea.moreau")).one()
        eleve.sorti_le = dt.date(2026, 7, 3)
    st.cache_resource.clear()
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=30)
    with transaction(base) as s:
        at.session_state["jeton"] = sessions.ouvrir(s, s.scalars(select(Compte.id).where(Compte.login == "admin")).one())
    at.run()
    assert not at.exception
    duree = next(n for n in at.number_input if n.label == "Durée de conservation après le départ (mois)")
    assert duree.value == 12
    ligne = at.dataframe[0].value.iloc[0].to_dict()
    assert ligne == {"Ancien élève": "Léa Moreau", "Division": "1GA1", "Sorti le": "03/07/2026",
                     "Effacé après le": "03/07/2027"}
    duree.set_value(18)
    next(b for b in at.button if b.label == "Enregistrer la durée").click()
    at.run()
    assert not at.exception
    assert "Durée de conservation enregistrée : 18 mois après le départ." in [m.value for m in at.success]
    assert at.dataframe[0].value.iloc[0]["Effacé après le"] == "03/01/2028"
    with Session(base) as s:
        assert s.scalars(select(Etablissement.conservation_mois)).all() == [18]


def test_a_former_student_is_told_when_their_data_go(ecole_partie):
    engine, ecole, eleves = ecole_partie
    with Session(engine) as s:
        assert conservation.fin_de_conservation(s, dataclasses.replace(eleves["zoe"], lecture_seule=True)) \
            == dt.date(2028, 7, 4)
        assert conservation.fin_de_conservation(s, dataclasses.replace(eleves["tom"], lecture_seule=True)) \
            == dt.date(2028, 10, 1)
        assert conservation.fin_de_conservation(s, ecole.lea) is None


def test_the_former_students_home_page_gives_the_day_of_erasure(base):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.conftest import RACINE

    with transaction(base) as s:
        eleve = s.scalars(select(Eleve).join(Compte, Compte.id == Eleve.compte_id)
                          .where(Compte.login == "lea.moreau")).one()
        eleve.sorti_le = dt.date(2026, 7, 3)
        jeton = sessions.ouvrir(s, eleve.compte_id)
    st.cache_resource.clear()
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=30)
    at.session_state["jeton"] = jeton
    at.run()
    assert not at.exception
    assert at.info[0].value.endswith("Votre compte et votre passeport seront effacés après le 03/07/2027.")
