"""Following students without grading them: appréciations, positionnements, the guide, the inboxes, the writing view."""

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analytics import Entrepot, carte
from passeport import guide
from passeport.acces import AccesRefuse
from passeport.db import transaction
from passeport.models import (
    Appreciation, AppreciationVersion, Compte, Division, Enseignant, Fiche, FicheVersion, Lieu, Nature, Positionnement,
)
from passeport.referentiel import charger
from passeport.services import appreciations, ecrits, fiches, formulations, nouveautes, objectifs, pfmp, suivi
from passeport.services.fiches import ContenuFiche
from tests.ecole import creer_ecole

pytestmark = pytest.mark.store

MIDI = dt.datetime(2026, 11, 20, 12, 0)
CONTENU = ContenuFiche(
    situation="1.1.2", titre="Commande de fournitures", date_debut=dt.date(2026, 11, 16), lieu=Lieu.PFMP,
    nature=Nature.REELLE, complexite=1, aleas=0, contexte="Chez BIOMAG, au service achats, pour la responsable.",
    conditions="Je dispose du PGI et du catalogue.",
    demarche="J'ai relevé les besoins du service. Puis j'ai comparé trois devis et saisi la commande dans le PGI. "
             "Enfin j'ai fait valider le bon par la responsable avant de l'envoyer au fournisseur par courriel.",
    productions="Bon de commande")


@pytest.fixture
def monde(fresh_db):
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        # Sophie Leroy also teaches in Léa's division: two teachers follow her.
        d1 = s.scalar(select(Division).where(Division.nom == "1GA1"))
        leroy = s.scalar(select(Enseignant).join(Compte).where(Compte.login == "sophie.leroy"))
        leroy.divisions.append(d1)
        for login, prenom, nom in (("claire.martin", "Claire", "Martin"), ("sophie.leroy", "Sophie", "Leroy")):
            compte = s.scalar(select(Compte).where(Compte.login == login))
            compte.prenom, compte.nom = prenom, nom
        fiche = fiches.nouvelle_fiche(s, ecole.lea, CONTENU)
        s.flush()
        ids = {"fiche": fiche.id, "eleve": ecole.lea.eleve_id, "division": d1.id}
    return fresh_db, ecole, ids


def _compter(engine, modele) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(modele))


# --- appréciations ------------------------------------------------------------------------------------------------


def test_an_appreciation_is_corrected_for_15_minutes_then_only_followed(monde):
    engine, ecole, ids = monde
    with transaction(engine) as s:
        a = appreciations.ecrire(s, ecole.martin, ids["eleve"], "Cherche une commande urgente.", ids["fiche"],
                                 genre="complexite", instant=MIDI)
        a_id = a.id
    with transaction(engine) as s:
        appreciations.corriger(s, ecole.martin, a_id, "Cherche une commande urgente, avec un délai.",
                               MIDI + dt.timedelta(minutes=14, seconds=59))
    # The clock moves past the 15 minutes: the text is frozen.
    with pytest.raises(appreciations.AppreciationFigee, match="15 minutes"), transaction(engine) as s:
        appreciations.corriger(s, ecole.martin, a_id, "Autre texte.", MIDI + dt.timedelta(minutes=15, seconds=1))
    with pytest.raises(appreciations.AppreciationFigee), transaction(engine) as s:
        appreciations.retirer(s, ecole.martin, a_id, MIDI + dt.timedelta(minutes=16))
    with transaction(engine) as s:
        suite = appreciations.ecrire(s, ecole.martin, ids["eleve"], "Bravo pour la nouvelle version.",
                                     suite_de_id=a_id, instant=MIDI + dt.timedelta(days=2))
        assert suite.fiche_id == ids["fiche"]  # a follow-up stays on the same fiche
    with Session(engine) as s:
        textes = [v.texte for v in appreciations.versions(s, ecole.lea, a_id)]
        assert textes == ["Cherche une commande urgente.", "Cherche une commande urgente, avec un délai."]
        lignes = appreciations.pour_l_eleve(s, ecole.lea, ids["eleve"])
        assert [(l.texte, l.versions, l.suite_de_id, l.genre) for l in lignes] == [
            ("Bravo pour la nouvelle version.", 1, a_id, ""),
            ("Cherche une commande urgente, avec un délai.", 2, None, "complexite")]


def test_the_student_cannot_delete_nor_change_an_appreciation(monde):
    engine, ecole, ids = monde
    with transaction(engine) as s:
        a_id = appreciations.ecrire(s, ecole.martin, ids["eleve"], "Précise le fournisseur.", ids["fiche"],
                                    instant=MIDI).id
    for appel in (lambda s: appreciations.corriger(s, ecole.lea, a_id, "Parfait !", MIDI),
                  lambda s: appreciations.retirer(s, ecole.lea, a_id, MIDI),
                  lambda s: appreciations.corriger(s, ecole.leroy, a_id, "Pas son auteur", MIDI)):
        with pytest.raises(AccesRefuse), transaction(engine) as s:
            appel(s)
    # Sending the fiche to the bin, restoring it, marking as read: the appréciation and its text stay.
    with transaction(engine) as s:
        fiches.supprimer(s, ecole.lea, ids["fiche"])
        appreciations.marquer_lues(s, ecole.lea, [a_id])
    with transaction(engine) as s:
        fiches.restaurer(s, ecole.lea, ids["fiche"])
    with Session(engine) as s:
        a = s.get(Appreciation, a_id)
        assert (a.texte, a.retiree_le, a.lue_le is not None) == ("Précise le fournisseur.", None, True)
    assert (_compter(engine, Appreciation), _compter(engine, AppreciationVersion)) == (1, 1)


def test_the_author_may_withdraw_within_15_minutes_and_the_text_stays_in_the_store(monde):
    engine, ecole, ids = monde
    with transaction(engine) as s:
        a_id = appreciations.ecrire(s, ecole.martin, ids["eleve"], "Posée sur le mauvais élève.", instant=MIDI).id
    with transaction(engine) as s:
        appreciations.retirer(s, ecole.martin, a_id, MIDI + dt.timedelta(minutes=3))
    with Session(engine) as s:
        assert appreciations.pour_l_eleve(s, ecole.lea, ids["eleve"]) == []
        assert s.get(Appreciation, a_id).texte == "Posée sur le mauvais élève."
        assert nouveautes.nombre_pour_l_eleve(s, ecole.lea) == 0


@pytest.mark.parametrize("texte, genre, message", [
    ("   ", "", "vide"), ("x" * 4001, "", "4000"), ("Bien", "note", "inconnu")])
def test_a_bad_appreciation_is_refused_and_writes_nothing(monde, texte, genre, message):
    engine, ecole, ids = monde
    with pytest.raises(appreciations.AppreciationInvalide, match=message), transaction(engine) as s:
        appreciations.ecrire(s, ecole.martin, ids["eleve"], texte, ids["fiche"], genre=genre)
    assert _compter(engine, Appreciation) == 0


def test_a_nul_character_is_refused_the_same_way_on_both_databases(monde):
    engine, ecole, ids = monde
    with pytest.raises(appreciations.AppreciationInvalide, match="caractère interdit"), transaction(engine) as s:
        appreciations.ecrire(s, ecole.martin, ids["eleve"], "Bien\x00", ids["fiche"])
    with pytest.raises(suivi.SuiviInvalide, match="caractère interdit"), transaction(engine) as s:
        suivi.noter_questionnement(s, ecole.martin, ids["fiche"], ["alea_imprevu"], "a\x00")
    with pytest.raises(formulations.FormulationInvalide, match="caractère interdit"), transaction(engine) as s:
        formulations.ajouter(s, ecole.martin, "x\x00", "alea")
    assert _compter(engine, Appreciation) == 0


def test_a_withdrawn_appreciation_can_be_neither_followed_nor_read_by_the_student(monde):
    engine, ecole, ids = monde
    with transaction(engine) as s:
        a_id = appreciations.ecrire(s, ecole.martin, ids["eleve"], "Erreur d'élève.", instant=MIDI).id
        appreciations.retirer(s, ecole.martin, a_id, MIDI + dt.timedelta(minutes=1))
    with pytest.raises(AccesRefuse), Session(engine) as s:
        appreciations.versions(s, ecole.lea, a_id)
    with pytest.raises(appreciations.AppreciationInvalide), transaction(engine) as s:
        appreciations.ecrire(s, ecole.martin, ids["eleve"], "Suite", suite_de_id=a_id)
    with Session(engine) as s:  # its author still finds every text
        assert [v.texte for v in appreciations.versions(s, ecole.martin, a_id)] == ["Erreur d'élève."]


def test_the_library_offers_the_referentiel_then_grows_with_the_teacher(monde):
    engine, ecole, ids = monde
    ref = charger("ga-2012")
    with Session(engine) as s:
        depart = formulations.bibliotheque(s, ecole.martin, ref, "1.1.1", "complexite")
    facteurs = ref.facteurs_complexite("1.1.1")
    assert len(depart) == len(facteurs) + 1  # one per factor of the référentiel, then the general one
    assert facteurs[0][1:] in depart[0].texte and depart[0].formulation_id is None
    with transaction(engine) as s:
        mienne = formulations.ajouter(s, ecole.martin, "Cherche une commande avec un fournisseur étranger.",
                                      "complexite", "1.1.1")
        formulations.ajouter(s, ecole.martin, "Écris une phrase par étape.", "mise_en_mots")
        appreciations.ecrire(s, ecole.martin, ids["eleve"], mienne.texte, ids["fiche"], "complexite",
                             formulation_id=mienne.id)
    with Session(engine) as s:
        apres = formulations.bibliotheque(s, ecole.martin, ref, "1.1.1", "complexite")
        assert (apres[0].texte, apres[0].utilisations, len(apres)) == (
            "Cherche une commande avec un fournisseur étranger.", 1, len(depart) + 1)
        # Another situation does not get a sentence written for 1.1.1; a sentence for any situation shows everywhere.
        assert all(p.formulation_id is None for p in formulations.bibliotheque(s, ecole.martin, ref, "1.1.3",
                                                                                  "complexite"))
        assert formulations.bibliotheque(s, ecole.martin, ref, "3.2.2", "mise_en_mots")[0].texte == \
            "Écris une phrase par étape."
        # Each teacher has their own library.
        assert all(p.formulation_id is None for p in formulations.bibliotheque(s, ecole.leroy, ref, "1.1.1",
                                                                                  "complexite"))


# --- positionnements ----------------------------------------------------------------------------------------------


def test_several_teachers_positions_are_all_kept_and_the_latest_counts(monde):
    engine, ecole, ids = monde
    with transaction(engine) as s:
        suivi.positionner(s, ecole.martin, ids["fiche"], 2, "Démarche à détailler", MIDI)
        suivi.positionner(s, ecole.leroy, ids["fiche"], 3, "", MIDI + dt.timedelta(days=1))
        suivi.positionner(s, ecole.martin, ids["fiche"], 4, "Après l'oral", MIDI + dt.timedelta(days=3))
    with pytest.raises(suivi.SuiviInvalide, match="de 1"), transaction(engine) as s:
        suivi.positionner(s, ecole.martin, ids["fiche"], 5)
    with pytest.raises(AccesRefuse), transaction(engine) as s:
        suivi.positionner(s, ecole.lea, ids["fiche"], 4)
    assert _compter(engine, Positionnement) == 3
    with Session(engine) as s:
        historique = suivi.positionnements(s, ecole.lea, ids["fiche"])
        assert [(p.niveau, p.enseignant, p.commentaire, p.cree_le.day) for p in historique] == [
            (4, "Claire Martin", "Après l'oral", 23), (3, "Sophie Leroy", "", 21),
            (2, "Claire Martin", "Démarche à détailler", 20)]
    entrepot = Entrepot(engine.url.render_as_string(hide_password=False))
    try:
        vue = carte(entrepot, ids["division"], "positionnement")
        assert vue.valeurs.loc[:, "1.1.2"].tolist() == [4.0]
    finally:
        entrepot.fermer()


# --- guide de questionnement --------------------------------------------------------------------------------------


def test_the_guide_asks_about_what_the_fiche_lacks():
    assert guide.manques(CONTENU) == ["complexite", "alea"]
    vide = dataclasses.replace(CONTENU, contexte="Au bureau.", conditions="PGI", demarche="J'ai commandé.",
                               productions="")
    assert guide.manques(vide) == ["contexte", "je_dispose", "etapes", "complexite", "alea", "texte_court"]
    complete = dataclasses.replace(CONTENU, complexite=2, complexite_details="Urgence", aleas=1,
                                   aleas_details="Article en rupture")
    assert guide.manques(complete) == []
    assert [q.code for q in guide.questions(complete)] == ["approfondir_appris"]
    # Situation 1.1.1 has lists of complexity factors and aléas in the référentiel: the guide names them.
    codes = [q.code for q in guide.questions(dataclasses.replace(CONTENU, situation="1.1.1"), charger("ga-2012"))]
    assert codes[:2] == ["complexite_difficile", guide.CODE_FACTEURS]
    assert codes[2:] == ["alea_imprevu", "alea_si", guide.CODE_TYPES_ALEAS]


def test_a_questionnement_records_the_questions_and_what_the_student_added(monde):
    engine, ecole, ids = monde
    with transaction(engine) as s:
        suivi.noter_questionnement(s, ecole.martin, ids["fiche"], ["alea_imprevu", "complexite_difficile"],
                                   "Un article était en rupture : elle a proposé un équivalent.", MIDI)
    with pytest.raises(suivi.SuiviInvalide, match="inconnues"), transaction(engine) as s:
        suivi.noter_questionnement(s, ecole.martin, ids["fiche"], ["question_inventee"])
    with pytest.raises(suivi.SuiviInvalide, match="Cochez"), transaction(engine) as s:
        suivi.noter_questionnement(s, ecole.martin, ids["fiche"], [], "  ")
    with transaction(engine) as s:  # after the interview the student rewrites the fiche
        fiches.enregistrer(s, ecole.lea, ids["fiche"], dataclasses.replace(
            CONTENU, aleas=1, aleas_details="Article en rupture de stock"))
    with Session(engine) as s:
        vue = suivi.fiche_suivie(s, ecole.martin, ids["fiche"])
        (q,) = vue.questionnements
        assert (q.enseignant, q.version, q.ajout) == ("Claire Martin", 1,
                                                      "Un article était en rupture : elle a proposé un équivalent.")
        assert q.questions == [guide.LIBELLES_QUESTIONS["alea_imprevu"],
                               guide.LIBELLES_QUESTIONS["complexite_difficile"]]
        assert [(d.libelle, d.avant, d.apres) for d in q.ajouts_depuis] == [
            ("Aléas", "0", "1"), ("Aléas rencontrés", "", "Article en rupture de stock")]
        assert [x.code for x in vue.questions] == ["complexite_difficile"]  # the aléa is there now
    with pytest.raises(AccesRefuse), Session(engine) as s:
        suivi.fiche_suivie(s, ecole.lea, ids["fiche"])


# --- nouveautés ---------------------------------------------------------------------------------------------------


def _a(engine, numero: int, fiche_id: int, quand: dt.datetime) -> None:
    """Backdate version ``numero`` of a fiche (and the fiche's change time)."""
    with transaction(engine) as s:
        s.scalar(select(FicheVersion).where(FicheVersion.fiche_id == fiche_id, FicheVersion.numero == numero)) \
            .cree_le = quand
        f = s.get(Fiche, fiche_id)
        f.modifiee_le = max(f.modifiee_le, quand) if numero > 1 else quand


def test_the_inbox_lists_exactly_the_fiches_changed_since_the_last_visit(monde):
    engine, ecole, ids = monde
    visite = dt.datetime(2026, 11, 18, 18, 0)
    avant, apres = visite - dt.timedelta(days=2), visite + dt.timedelta(days=1)
    with transaction(engine) as s:
        creees = {nom: fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(CONTENU, titre=nom)).id
                  for nom in ("ancienne", "ancienne_reecrite", "nouvelle", "nouvelle_supprimee", "lue",
                              "lue_puis_reecrite")}
        autre = fiches.nouvelle_fiche(s, ecole.noe, dataclasses.replace(
            CONTENU, situation="1.1.1", titre="autre division")).id  # Noé is in Sophie Leroy's other division
    for nom in ("ancienne", "ancienne_reecrite"):
        _a(engine, 1, creees[nom], avant)
    _a(engine, 1, ids["fiche"], avant)
    for nom in ("nouvelle", "nouvelle_supprimee", "lue", "lue_puis_reecrite"):
        _a(engine, 1, creees[nom], apres)
    _a(engine, 1, autre, apres)
    with transaction(engine) as s:
        nouveautes.tout_marquer_lu(s, ecole.martin, visite)
        fiches.enregistrer(s, ecole.lea, creees["ancienne_reecrite"], dataclasses.replace(CONTENU, titre="réécrite"))
        fiches.supprimer(s, ecole.lea, creees["nouvelle_supprimee"])
        fiches.retenir(s, ecole.lea, creees["ancienne"])  # a change without a new version
        nouveautes.marquer_lue(s, ecole.martin, creees["lue"])
        nouveautes.marquer_lue(s, ecole.martin, creees["lue_puis_reecrite"])
    with transaction(engine) as s:
        fiches.enregistrer(s, ecole.lea, creees["lue_puis_reecrite"], dataclasses.replace(CONTENU, titre="v2"))
    with Session(engine) as s:
        boite = nouveautes.fiches_nouvelles(s, ecole.martin)
        assert sorted((n.fiche_id, n.version, n.version_precedente) for n in boite) == sorted([
            (creees["ancienne_reecrite"], 2, 1), (creees["nouvelle"], 1, None), (creees["lue_puis_reecrite"], 2, 1)])
        assert nouveautes.nombre_de_fiches_nouvelles(s, ecole.martin) == 3
        # Sophie Leroy never visited: her inbox starts when her account was created (today), after the backdated ones.
        assert {n.titre for n in nouveautes.fiches_nouvelles(s, ecole.leroy)} == {"réécrite", "v2"}
        with pytest.raises(AccesRefuse):
            nouveautes.fiches_nouvelles(s, ecole.lea)
    with pytest.raises(AccesRefuse), transaction(engine) as s:
        nouveautes.marquer_lue(s, ecole.martin, autre)  # not one of her divisions
    with transaction(engine) as s:
        nouveautes.marquer_lue(s, ecole.martin, creees["nouvelle"])
    with Session(engine) as s:
        assert nouveautes.nombre_de_fiches_nouvelles(s, ecole.martin) == 2
    with transaction(engine) as s:
        nouveautes.tout_marquer_lu(s, ecole.martin)
    with Session(engine) as s:
        assert nouveautes.fiches_nouvelles(s, ecole.martin) == []
    with transaction(engine) as s:  # several at once, as a filtered inbox does; all or nothing
        fiches.enregistrer(s, ecole.lea, creees["nouvelle"], dataclasses.replace(CONTENU, titre="v3"))
        fiches.enregistrer(s, ecole.lea, creees["lue"], dataclasses.replace(CONTENU, titre="v3"))
    with pytest.raises(AccesRefuse), transaction(engine) as s:
        nouveautes.marquer_lues(s, ecole.martin, [creees["nouvelle"], autre])
    with Session(engine) as s:
        assert nouveautes.nombre_de_fiches_nouvelles(s, ecole.martin) == 2
    with transaction(engine) as s:
        nouveautes.marquer_lues(s, ecole.martin, [creees["nouvelle"], creees["lue"]])
    with Session(engine) as s:
        assert nouveautes.nombre_de_fiches_nouvelles(s, ecole.martin) == 0


def test_the_student_inbox_holds_new_appreciations_and_goals(monde):
    engine, ecole, ids = monde
    with transaction(engine) as s:
        periode = pfmp.enregistrer_pfmp(s, ecole.martin, ids["eleve"], "BIOMAG", dt.date(2027, 1, 4),
                                        dt.date(2027, 1, 29), "Julien Garnier")
        s.flush()
        periode_id = periode.id
        objectifs.enregistrer_objectifs(s, ecole.martin, periode_id, [
            objectifs.ObjectifSaisi("2.1.1", "jamais_traversee"), objectifs.ObjectifSaisi("1.1.3", "")])
        appreciations.ecrire(s, ecole.martin, ids["eleve"], "Ajoute le devis retenu.", ids["fiche"])
    with Session(engine) as s:
        boite = nouveautes.pour_l_eleve(s, ecole.lea)
        assert [a.texte for a in boite.appreciations] == ["Ajoute le devis retenu."]
        assert [(periode_, [b.situation for b in buts]) for periode_, buts in boite.objectifs] == [
            ("BIOMAG, du 04/01/2027 au 29/01/2027", ["2.1.1", "1.1.3"])]
        assert (boite.nombre, nouveautes.nombre_pour_l_eleve(s, ecole.lea)) == (3, 3)
    # An appréciation written after the student's page was drawn stays new when she marks the rest as read.
    lu_a = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with transaction(engine) as s:
        appreciations.ecrire(s, ecole.martin, ids["eleve"], "Arrivée pendant la lecture.",
                             instant=lu_a + dt.timedelta(seconds=5))
    with transaction(engine) as s:
        nouveautes.marquer_vues(s, ecole.lea, lu_a)
    with Session(engine) as s:
        assert [a.texte for a in nouveautes.pour_l_eleve(s, ecole.lea).appreciations] == [
            "Arrivée pendant la lecture."]
    with transaction(engine) as s:
        nouveautes.marquer_vues(s, ecole.lea, lu_a + dt.timedelta(minutes=1))
    with Session(engine) as s:
        assert nouveautes.nombre_pour_l_eleve(s, ecole.lea) == 0
        assert nouveautes.pour_l_eleve(s, ecole.lea).nombre == 0
    # Saved again, a goal kept as it was is not news; a changed or added one is.
    with transaction(engine) as s:
        objectifs.enregistrer_objectifs(s, ecole.martin, periode_id, [
            objectifs.ObjectifSaisi("2.1.1", "jamais_traversee"),
            objectifs.ObjectifSaisi("1.1.3", "", "Demande à classer les bons de livraison."),
            objectifs.ObjectifSaisi("3.2.2", "")])
    with Session(engine) as s:
        assert [[b.situation for b in buts] for _, buts in nouveautes.pour_l_eleve(s, ecole.lea).objectifs] == [
            ["2.1.1", "1.1.3", "3.2.2"]]
        assert nouveautes.nombre_pour_l_eleve(s, ecole.lea) == 2


# --- the Lettres teacher's view -----------------------------------------------------------------------------------


def test_the_writing_view_gives_each_students_indicators(monde):
    engine, ecole, ids = monde
    with transaction(engine) as s:
        fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(
            CONTENU, date_debut=dt.date(2026, 10, 5), contexte="", conditions="", productions="",
            demarche="Je classe les factures. Je les range."))
    with Session(engine) as s:
        vue = ecrits.ecrits_de_la_division(s, ecole.martin, ids["division"])
        assert [e.date_debut.month for e in vue.ecrits] == [11, 10]
        assert vue.ecrits[1].indicateurs.mots == 7
        assert vue.ecrits[1].indicateurs.sections_remplies == 1
        assert vue.par_periode[["periode", "fiches"]].values.tolist() == [
            [dt.date(2026, 10, 1), 1], [dt.date(2026, 11, 1), 1]]
        assert vue.par_eleve["eleve"].tolist() == ["Léa Moreau"]
    with pytest.raises(AccesRefuse), Session(engine) as s:
        ecrits.ecrits_de_la_division(s, ecole.lea, ids["division"])
