"""The CCF team meeting (passeport.services.ccf) on the tiny school: selection rules, decisions with their history
and the refusal of concurrent replacements, what the students see of a publication, épreuves entered for AGORA."""

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from passeport.db import transaction
from passeport.models import (
    Compte, DecisionCcf, Division, Enseignant, EpreuveLocale, Lieu, Nature, Role, SelectionCcf,
)
from passeport.services import audit, ccf, fiches
from passeport.services.comptes import Utilisateur
from passeport.services.fiches import ContenuFiche
from tests.ecole import creer_ecole

pytestmark = pytest.mark.store

CONTENU = ContenuFiche(situation="1.1.2", titre="Commande de fournitures", date_debut=dt.date(2026, 10, 5),
                       lieu=Lieu.PFMP, nature=Nature.REELLE, complexite=2, aleas=1)
JOUR = dt.datetime(2027, 3, 10, 9, 0)


@pytest.fixture
def monde(fresh_db):
    """Léa (1GA1) with three fiches: 1.1.2 and 1.2.1 (pôle 1), 3.1.1 (pôle 3); Noé (2AG1, AGORA) with one; Claire
    Martin and Hugo Roux (lettres) teach 1GA1; a meeting of 1GA1 for E31."""
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        division = s.scalar(select(Division).where(Division.nom == "1GA1"))
        roux = Enseignant(compte=Compte(login="hugo.roux", role=Role.ENSEIGNANT, prenom="Hugo", nom="Roux",
                                        etablissement_id=ecole.martin.etablissement_id),
                          discipline="Lettres-histoire", divisions=[division])
        s.add(roux)
        martin = s.scalar(select(Compte).where(Compte.login == "claire.martin"))
        martin.prenom, martin.nom = "Claire", "Martin"
        s.flush()
        roux_u = Utilisateur(roux.compte.id, "hugo.roux", Role.ENSEIGNANT, "Hugo Roux", ecole.martin.etablissement_id)
        f1 = fiches.nouvelle_fiche(s, ecole.lea, CONTENU).id
        f2 = fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(CONTENU, situation="1.2.1", titre="Devis")).id
        f3 = fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(CONTENU, situation="3.1.1", titre="Paie")).id
        fn = fiches.nouvelle_fiche(s, ecole.noe, CONTENU).id
        reunion = ccf.enregistrer_reunion(s, ecole.martin, division.id, "E31", dt.date(2027, 3, 10),
                                          [ecole.martin.compte_id, roux.compte.id], "Première réunion", instant=JOUR)
    martin_u = dataclasses.replace(ecole.martin, nom_complet="Claire Martin")
    return fresh_db, dataclasses.replace(ecole, martin=martin_u), roux_u, dict(
        division=division.id, f1=f1, f2=f2, f3=f3, fn=fn, reunion=reunion.id)


def _nb(engine, modele) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(modele))


def _refus(engine, appel, message: str, erreur=ccf.CcfInvalide) -> None:
    with pytest.raises(erreur) as exc, transaction(engine) as s:
        appel(s)
    assert exc.value.message == message


# --- épreuves and meetings -----------------------------------------------------------------------------------------


def test_the_division_sees_the_official_epreuves_in_file_order(monde):
    engine, ecole, _, x = monde
    with Session(engine) as s:
        liste = ccf.epreuves_de_la_division(s, ecole.martin, x["division"])
    assert [(e.code, e.poles, e.en_ccf) for e in liste] == [
        ("E2", ("2",), False), ("E31", ("1",), True), ("E32", ("3",), True), ("E33", ("4",), True)]


def test_a_meeting_lists_its_present_teachers_by_name(monde):
    engine, ecole, roux, x = monde
    with Session(engine) as s:
        equipe = ccf.equipe_de_la_division(s, ecole.martin, x["division"])
        liste = ccf.reunions(s, ecole.martin, x["division"], "e31")
    assert [(m.nom_complet, m.discipline) for m in equipe] == [("Claire Martin", ""), ("Hugo Roux", "Lettres-histoire")]
    assert [(r.date_reunion, r.presents, r.notes, r.cree_par, r.decisions) for r in liste] == [
        (dt.date(2027, 3, 10), ("Claire Martin", "Hugo Roux"), "Première réunion", "Claire Martin", 0)]


def test_a_meeting_needs_present_teachers_of_the_division(monde):
    engine, ecole, _, x = monde
    avant = _nb(engine, ccf.ReunionCcf)
    _refus(engine, lambda s: ccf.enregistrer_reunion(s, ecole.martin, x["division"], "E31", dt.date(2027, 3, 11), []),
           "Indiquez au moins un enseignant présent.")
    _refus(engine, lambda s: ccf.enregistrer_reunion(s, ecole.martin, x["division"], "E31", dt.date(2027, 3, 11),
                                                     [ecole.leroy.compte_id]),
           "Les présents sont choisis parmi les enseignants de la division.")
    _refus(engine, lambda s: ccf.enregistrer_reunion(s, ecole.martin, x["division"], "E9", dt.date(2027, 3, 11),
                                                     [ecole.martin.compte_id]),
           "Épreuve « E9 » inconnue pour le référentiel ga-2012.")
    assert _nb(engine, ccf.ReunionCcf) == avant


# --- selection ------------------------------------------------------------------------------------------------------


def test_selecting_then_unselecting_keeps_who_and_when(monde):
    engine, ecole, roux, x = monde
    with transaction(engine) as s:
        ccf.selectionner(s, ecole.martin, x["f1"], "E31", instant=JOUR)
    with Session(engine) as s:
        liste = ccf.fiches_pour_l_epreuve(s, roux, ecole.lea.eleve_id, "E31")
    # Pôle 1 only: 1.1.2 before 1.2.1 (référentiel order); the pôle-3 fiche is not offered.
    assert [(f.situation, f.titre, f.selectionnee, f.choisie_par) for f in liste] == [
        ("1.1.2", "Commande de fournitures", True, "Claire Martin"), ("1.2.1", "Devis", False, "")]
    with transaction(engine) as s:
        ccf.retirer_selection(s, roux, x["f1"], "E31", instant=JOUR + dt.timedelta(hours=1))
    with transaction(engine) as s:  # selecting again makes a new row; the withdrawn one stays
        ccf.selectionner(s, roux, x["f1"], "E31", instant=JOUR + dt.timedelta(hours=2))
    with Session(engine) as s:
        lignes = s.execute(select(SelectionCcf.choisie_par_id, SelectionCcf.retiree_par_id, SelectionCcf.retiree_le)
                           .order_by(SelectionCcf.id)).all()
    assert lignes == [(ecole.martin.compte_id, roux.compte_id, JOUR + dt.timedelta(hours=1)),
                      (roux.compte_id, None, None)]


def test_selection_rules_refuse_with_a_clear_message_and_write_nothing(monde):
    engine, ecole, _, x = monde
    with transaction(engine) as s:
        ccf.selectionner(s, ecole.martin, x["f1"], "E31")
        fiches.supprimer(s, ecole.lea, x["f2"])
    avant = _nb(engine, SelectionCcf)
    _refus(engine, lambda s: ccf.selectionner(s, ecole.martin, x["f1"], "E31"),
           "Cette fiche est déjà choisie pour l'épreuve E31.")
    _refus(engine, lambda s: ccf.selectionner(s, ecole.martin, x["f2"], "E31"),
           "Cette fiche est dans la corbeille de l'élève : elle ne peut pas être choisie.")
    _refus(engine, lambda s: ccf.selectionner(s, ecole.martin, x["f3"], "E31"),
           "La situation 3.1.1 de cette fiche n'appartient pas aux pôles de l'épreuve E31 (1).")
    _refus(engine, lambda s: ccf.retirer_selection(s, ecole.martin, x["f3"], "E32"),
           "Cette fiche n'est pas choisie pour l'épreuve E32.")
    # Another student's fiche: Noé is not in Claire Martin's division.
    with pytest.raises(ccf.acces.AccesRefuse), transaction(engine) as s:
        ccf.selectionner(s, ecole.martin, x["fn"], "E31")
    assert _nb(engine, SelectionCcf) == avant


def test_the_unique_index_refuses_a_double_active_selection(monde):
    engine, ecole, _, x = monde
    with transaction(engine) as s:
        ccf.selectionner(s, ecole.martin, x["f1"], "E31")
    # A colleague's page read "not selected" just before: the check passes, the database refuses.
    with pytest.raises(ccf.CcfInvalide) as exc, transaction(engine) as s:
        original = ccf._selection_active
        try:
            ccf._selection_active = lambda *a: None
            ccf.selectionner(s, ecole.martin, x["f1"], "E31")
        finally:
            ccf._selection_active = original
    assert exc.value.message == "Cette fiche est déjà choisie pour l'épreuve E31."
    assert _nb(engine, SelectionCcf) == 1


# --- decisions ------------------------------------------------------------------------------------------------------


def test_decisions_keep_their_history_latest_first(monde):
    engine, ecole, roux, x = monde
    eleve = ecole.lea.eleve_id
    with transaction(engine) as s:
        d1 = ccf.decider(s, ecole.martin, eleve, "E31", "1.1.2", 2, "Encore guidée", None, x["reunion"], instant=JOUR)
    with transaction(engine) as s:
        d2 = ccf.decider(s, roux, eleve, "E31", "1.1.2", 3, "Autonome sur la relance", d1.id, x["reunion"],
                         instant=JOUR + dt.timedelta(minutes=5))
        ccf.decider(s, roux, eleve, "E31", "", None, "Dossier solide pour le pôle 1.", None, x["reunion"],
                    instant=JOUR + dt.timedelta(minutes=6))
    with Session(engine) as s:
        liste = ccf.historique(s, ecole.martin, eleve, "E31", "1.1.2")
        courantes = ccf.decisions_courantes(s, ecole.martin, x["division"], "E31")
        reunion = ccf.reunions(s, ecole.martin, x["division"], "E31")[0]
    assert [(d.niveau, d.commentaire, d.auteur, d.cree_le, d.date_reunion, d.remplace_id) for d in liste] == [
        (3, "Autonome sur la relance", "Hugo Roux", JOUR + dt.timedelta(minutes=5), dt.date(2027, 3, 10), d1.id),
        (2, "Encore guidée", "Claire Martin", JOUR, dt.date(2027, 3, 10), None)]
    assert {k: (d.niveau, d.commentaire) for k, d in courantes.items()} == {
        (eleve, "1.1.2"): (3, "Autonome sur la relance"), (eleve, ""): (None, "Dossier solide pour le pôle 1.")}
    assert courantes[(eleve, "1.1.2")].id == d2.id
    assert reunion.decisions == 3


def test_a_second_teacher_replacing_the_same_decision_is_refused_with_who_and_when(monde):
    engine, ecole, roux, x = monde
    eleve = ecole.lea.eleve_id
    with transaction(engine) as s:
        d1 = ccf.decider(s, ecole.martin, eleve, "E31", "1.1.2", 2, "", None, x["reunion"], instant=JOUR)
    # Both read d1; Hugo Roux saves first (10:05 UTC = 11:05 in Paris), Claire Martin's replacement is refused.
    with transaction(engine) as s:
        ccf.decider(s, roux, eleve, "E31", "1.1.2", 3, "", d1.id, x["reunion"], instant=dt.datetime(2027, 3, 10, 10, 5))
    avant = _nb(engine, DecisionCcf)
    message = ("Hugo Roux a enregistré une autre décision le 10/03/2027 à 11:05 : la vôtre n'a pas été enregistrée. "
               "Relisez la décision actuelle avant de la remplacer.")
    _refus(engine, lambda s: ccf.decider(s, ecole.martin, eleve, "E31", "1.1.2", 4, "", d1.id, x["reunion"]),
           message, ccf.DecisionConcurrente)
    # Someone who saw no decision at all is refused too, rather than starting a second history.
    _refus(engine, lambda s: ccf.decider(s, ecole.martin, eleve, "E31", "1.1.2", 4, "", None, x["reunion"]),
           message, ccf.DecisionConcurrente)
    assert _nb(engine, DecisionCcf) == avant


def test_the_race_between_check_and_write_is_refused_by_the_database(monde, monkeypatch):
    engine, ecole, roux, x = monde
    eleve = ecole.lea.eleve_id
    # Two first decisions written through the ORM directly: the partial unique index refuses the second.
    with pytest.raises(IntegrityError), transaction(engine) as s:
        for auteur in (ecole.martin, roux):
            s.add(DecisionCcf(eleve_id=eleve, epreuve="E31", situation="1.1.2", niveau=3, auteur_id=auteur.compte_id,
                              reunion_id=x["reunion"]))
            s.flush()
    assert _nb(engine, DecisionCcf) == 0
    with transaction(engine) as s:
        d1 = ccf.decider(s, roux, eleve, "E31", "1.1.2", 3, "", None, x["reunion"], instant=JOUR)
    # The service's check sees a stale state (as if the colleague's commit had not landed yet): the database refuses
    # and the message still names the colleague.
    premiere_lecture = []
    vrai_courante = ccf._courante

    def courante_perimee(session, *args):
        if not premiere_lecture:  # the check before the write reads nothing yet
            premiere_lecture.append(True)
            return None
        return vrai_courante(session, *args)

    monkeypatch.setattr(ccf, "_courante", courante_perimee)
    with pytest.raises(ccf.DecisionConcurrente) as exc, transaction(engine) as s:
        ccf.decider(s, ecole.martin, eleve, "E31", "1.1.2", 4, "", None, x["reunion"])
    assert exc.value.message.startswith("Hugo Roux a enregistré une autre décision le 10/03/2027 à 10:00")
    # Two replacements of the same decision: the unique remplace_id refuses the second.
    with pytest.raises(IntegrityError), transaction(engine) as s:
        for auteur in (ecole.martin, roux):
            s.add(DecisionCcf(eleve_id=eleve, epreuve="E31", situation="1.1.2", niveau=2, auteur_id=auteur.compte_id,
                              reunion_id=x["reunion"], remplace_id=d1.id))
            s.flush()
    assert _nb(engine, DecisionCcf) == 1


def test_bad_decisions_are_refused_and_write_nothing(monde):
    engine, ecole, _, x = monde
    eleve = ecole.lea.eleve_id
    cas = [
        (dict(situation="3.1.1", niveau=3), "La situation 3.1.1 n'appartient pas à l'épreuve E31."),
        (dict(niveau=5), "Choisissez un niveau de 1 (à reprendre) à 4 (maîtrisé)."),
        (dict(niveau=None), "Choisissez le niveau retenu par l'équipe pour cette situation."),
        (dict(commentaire="x" * 501), "Le commentaire dépasse 500 caractères."),
        (dict(situation="", niveau=None, commentaire="  "),
         "L'avis sur l'épreuve est vide : choisissez un niveau ou écrivez un commentaire."),
        (dict(reunion_id=None), "Enregistrez d'abord la réunion de l'équipe pour l'épreuve E31 : chaque décision est "
                                "prise en réunion."),
        (dict(remplace_id=999), "La décision que vous remplacez n'existe pas : rechargez la page."),
    ]
    for changement, message in cas:
        arguments = dict(situation="1.1.2", niveau=3, commentaire="", remplace_id=None, reunion_id=x["reunion"])
        arguments.update(changement)
        _refus(engine, lambda s: ccf.decider(s, ecole.martin, eleve, "E31", **arguments), message)
    assert _nb(engine, DecisionCcf) == 0


# --- what the student sees ------------------------------------------------------------------------------------------


def _vue_e31(engine, acteur, eleve_id):
    with Session(engine) as s:
        return next(v for v in ccf.ccf_de_l_eleve(s, acteur, eleve_id) if v.epreuve.code == "E31")


def test_students_see_selections_always_and_decisions_only_as_published(monde):
    engine, ecole, roux, x = monde
    eleve = ecole.lea.eleve_id
    with transaction(engine) as s:
        ccf.selectionner(s, ecole.martin, x["f2"], "E31")
        d1 = ccf.decider(s, ecole.martin, eleve, "E31", "1.1.2", 2, "À consolider", None, x["reunion"], instant=JOUR)
    vue = _vue_e31(engine, ecole.lea, eleve)
    assert [f.titre for f in vue.selections] == ["Devis"]
    assert (vue.publication, vue.decisions) == (None, [])

    with transaction(engine) as s:
        ccf.publier(s, roux, x["division"], "E31", instant=JOUR + dt.timedelta(hours=1))
        ccf.decider(s, ecole.martin, eleve, "E31", "1.1.2", 4, "Maîtrise la relance", d1.id, x["reunion"],
                    instant=JOUR + dt.timedelta(hours=2))
        ccf.decider(s, ecole.martin, eleve, "E31", "", 3, "Prêt pour l'épreuve", None, x["reunion"],
                    instant=JOUR + dt.timedelta(hours=2))
    vue = _vue_e31(engine, ecole.lea, eleve)
    assert vue.publication.publiee_par == "Hugo Roux"
    # The decisions recorded after the publication stay with the team.
    assert [(d.situation, d.niveau, d.commentaire) for d in vue.decisions] == [("1.1.2", 2, "À consolider")]

    with transaction(engine) as s:
        ccf.publier(s, ecole.martin, x["division"], "E31", instant=JOUR + dt.timedelta(hours=3))
    vue = _vue_e31(engine, ecole.lea, eleve)
    assert [(d.situation, d.niveau, d.commentaire) for d in vue.decisions] == [
        ("", 3, "Prêt pour l'épreuve"), ("1.1.2", 4, "Maîtrise la relance")]
    # Other épreuves: nothing selected, nothing published.
    with Session(engine) as s:
        autres = [v for v in ccf.ccf_de_l_eleve(s, ecole.lea, eleve) if v.epreuve.code != "E31"]
    assert [(v.epreuve.code, v.selections, v.publication) for v in autres] == [
        ("E2", [], None), ("E32", [], None), ("E33", [], None)]


# --- épreuves entered by the team (AGORA) ---------------------------------------------------------------------------


def test_an_agora_epreuve_is_entered_validated_and_withdrawn(monde):
    engine, ecole, _, x = monde
    with transaction(engine) as s:
        saisie = ccf.ajouter_epreuve(s, ecole.leroy, "agora-2020", " e1 ", "Gestion des relations  clients",
                                     ["1", "1"])
    assert (saisie.code, saisie.titre, saisie.poles, saisie.mode) == ("E1", "Gestion des relations clients", ("1",),
                                                                      "CCF")
    avant = _nb(engine, EpreuveLocale)
    _refus(engine, lambda s: ccf.ajouter_epreuve(s, ecole.leroy, "agora-2020", "E1", "Autre", ["2"]),
           "L'épreuve E1 existe déjà pour ce référentiel.")
    _refus(engine, lambda s: ccf.ajouter_epreuve(s, ecole.leroy, "agora-2020", "E 1!", "", ["7"]),
           "Épreuve non enregistrée : le code de l'épreuve est fait de 1 à 20 lettres, chiffres, points ou tirets "
           "(ex. E31) ; le titre de l'épreuve est vide ; pôle(s) inconnu(s) du référentiel agora-2020 : 7.")
    _refus(engine, lambda s: ccf.ajouter_epreuve(s, ecole.leroy, "agora-2020", "E2", "Sans pôle", []),
           "Épreuve non enregistrée : choisissez au moins un pôle (bloc).")
    _refus(engine, lambda s: ccf.ajouter_epreuve(s, ecole.martin, "ga-2012", "E4", "En trop", ["1"]),
           "Les épreuves du référentiel ga-2012 sont officielles : elles ne se saisissent pas.")
    _refus(engine, lambda s: ccf.ajouter_epreuve(s, ecole.martin, "inconnu", "E4", "X", ["1"]),
           "Référentiel « inconnu » inconnu.")
    assert _nb(engine, EpreuveLocale) == avant
    with Session(engine) as s:
        division = s.scalar(select(Division.id).where(Division.nom == "2AG1"))
        assert [(e.code, e.poles, e.officielle) for e in ccf.epreuves_de_la_division(s, ecole.leroy, division)] == [
            ("E1", ("1",), False)]
    with transaction(engine) as s:
        reunion = ccf.enregistrer_reunion(s, ecole.leroy, division, "E1", dt.date(2027, 3, 1), [ecole.leroy.compte_id])
        ccf.selectionner(s, ecole.leroy, x["fn"], "E1")
        ccf.retirer_epreuve(s, ecole.leroy, saisie.id)
    with Session(engine) as s:
        assert ccf.epreuves_de_la_division(s, ecole.leroy, division) == []
        assert s.get(EpreuveLocale, saisie.id).retiree_le is not None  # withdrawn, never deleted
    assert reunion.epreuve == "E1"
    # Entered again: the same row comes back with its new title and pôles.
    with transaction(engine) as s:
        de_retour = ccf.ajouter_epreuve(s, ecole.leroy, "agora-2020", "E1", "Relations clients", ["1", "3"])
    assert (de_retour.id, de_retour.poles) == (saisie.id, ("1", "3"))


def test_a_teachers_read_of_the_fiches_is_in_the_students_journal(monde):
    engine, ecole, _, _ = monde
    with transaction(engine) as s:
        ccf.fiches_pour_l_epreuve(s, ecole.martin, ecole.lea.eleve_id, "E31")
    with Session(engine) as s:
        assert [c.qui for c in audit.consultations_de_mon_passeport(s, ecole.lea)] == ["Claire Martin"]
