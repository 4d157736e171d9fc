"""The student's fiche services: versions, diff, bin, retained fiche, duplication."""

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport.acces import AccesRefuse
from passeport.db import transaction
from passeport.models import Fiche, FicheVersion, Lieu, Nature
from passeport.services import couverture, fiches
from passeport.services.fiches import ContenuFiche, FicheIntrouvable, FicheInvalide
from passeport.statut import Statut
from tests.ecole import creer_ecole

pytestmark = pytest.mark.store

LIVRAISON = ContenuFiche(
    situation="1.1.3", titre="Contrôle d'une livraison", date_debut=dt.date(2026, 10, 5), lieu=Lieu.PFMP,
    nature=Nature.REELLE, complexite=1, aleas=0, organisation="BIOMAG",
    contexte="Je suis assistante du chef de service dans l'entreprise BIOMAG.",
    conditions="Je dispose : d'un poste informatique, du PGI.", demarche="J'ai comparé le bon de livraison.",
)


@pytest.fixture
def ecole(fresh_db):
    return creer_ecole(fresh_db)


def _compter(engine, modele):
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(modele))


def _creer(engine, acteur, contenu=LIVRAISON) -> int:
    with transaction(engine) as s:
        return fiches.nouvelle_fiche(s, acteur, contenu).id


def test_each_save_appends_a_version_and_unchanged_saves_none(fresh_db, ecole):
    fiche_id = _creer(fresh_db, ecole.lea)
    v2 = dataclasses.replace(LIVRAISON, demarche=LIVRAISON.demarche + "\nLa quantité était fausse.", aleas=1,
                             aleas_details="Erreur de quantité")
    v3 = dataclasses.replace(v2, titre="Livraison incomplète")
    with transaction(fresh_db) as s:
        assert fiches.enregistrer(s, ecole.lea, fiche_id, v2).numero == 2
        assert fiches.enregistrer(s, ecole.lea, fiche_id, v3).numero == 3
        assert fiches.enregistrer(s, ecole.lea, fiche_id, v3) is None
    with Session(fresh_db) as s:
        versions = fiches.historique(s, ecole.lea, fiche_id)
        assert [v.numero for v in versions] == [3, 2, 1]
        assert versions[-1].titre == "Contrôle d'une livraison"  # the first text is still there
        ecarts = fiches.differences(fiches.contenu_de(versions[2]), fiches.contenu_de(versions[0]))
    assert [e.champ for e in ecarts] == ["titre", "demarche", "aleas", "aleas_details"]
    assert ecarts[1].lignes() == ["  J'ai comparé le bon de livraison.", "+ La quantité était fausse."]
    assert (ecarts[2].avant, ecarts[2].apres) == ("0", "1")


def test_word_level_differences_are_escaped():
    ecart = fiches.Difference("demarche", "Démarche", "J'ai vérifié la <b>facture</b>.", "J'ai contrôlé la <b>facture</b>.")
    assert ecart.html() == (
        '<div style="white-space:pre-wrap;line-height:1.5">J&#x27;ai '
        '<del style="background:#fdd;color:#8a1c12">vérifié</del><ins style="background:#dfd;color:#14532d">contrôlé</ins>'
        " la &lt;b&gt;facture&lt;/b&gt;.</div>"
    )


def test_bringing_back_an_old_text_adds_a_version(fresh_db, ecole):
    fiche_id = _creer(fresh_db, ecole.lea)
    with transaction(fresh_db) as s:
        fiches.enregistrer(s, ecole.lea, fiche_id, dataclasses.replace(LIVRAISON, titre="Autre titre"))
        assert fiches.revenir_a(s, ecole.lea, fiche_id, 1).numero == 3
    with Session(fresh_db) as s:
        fiche = s.get(Fiche, fiche_id)
        assert fiche.courante.titre == "Contrôle d'une livraison"
        assert [v.titre for v in fiche.versions] == ["Contrôle d'une livraison", "Autre titre", "Contrôle d'une livraison"]


def test_invalid_content_names_the_fields_and_writes_nothing(fresh_db, ecole):
    mauvais = dataclasses.replace(LIVRAISON, situation="4.1.1", titre="  ", date_fin=dt.date(2026, 10, 1))
    with pytest.raises(FicheInvalide) as exc, transaction(fresh_db) as s:
        fiches.nouvelle_fiche(s, ecole.noe, mauvais)  # AGORA has no pôle 4
    assert exc.value.problemes == {
        "situation": "situation « 4.1.1 » inconnue du référentiel agora-2020",
        "titre": "titre vide",
        "date_fin": "la date de fin est avant la date de début",
    }
    assert _compter(fresh_db, Fiche) == 0


@pytest.mark.parametrize("qui", ["noe", "martin", "admin"])
def test_only_the_owner_writes_a_fiche(fresh_db, ecole, qui):
    fiche_id = _creer(fresh_db, ecole.lea)
    autre = getattr(ecole, qui)
    for action in (
        lambda s: fiches.enregistrer(s, autre, fiche_id, dataclasses.replace(LIVRAISON, titre="Piraté")),
        lambda s: fiches.supprimer(s, autre, fiche_id),
        lambda s: fiches.restaurer(s, autre, fiche_id),
        lambda s: fiches.retenir(s, autre, fiche_id),
        lambda s: fiches.revenir_a(s, autre, fiche_id, 1),
        lambda s: fiches.contenu_a_dupliquer(s, autre, fiche_id),
    ):
        with pytest.raises(AccesRefuse), transaction(fresh_db) as s:
            action(s)
    if qui != "noe":
        with pytest.raises(AccesRefuse), transaction(fresh_db) as s:
            fiches.nouvelle_fiche(s, autre, LIVRAISON)
    assert _compter(fresh_db, FicheVersion) == 1
    with Session(fresh_db) as s:
        fiche = s.get(Fiche, fiche_id)
        assert (fiche.supprimee_le, fiche.retenue, fiche.courante.titre) == (None, False, "Contrôle d'une livraison")


def test_reading_a_fiche(fresh_db, ecole):
    fiche_id = _creer(fresh_db, ecole.lea)
    with Session(fresh_db) as s:
        assert fiches.lire_fiche(s, ecole.lea, fiche_id).id == fiche_id
        assert fiches.lire_fiche(s, ecole.martin, fiche_id).id == fiche_id   # teacher of 1GA1
        for intrus in (ecole.noe, ecole.leroy, ecole.admin):
            with pytest.raises(FicheIntrouvable):
                fiches.lire_fiche(s, intrus, fiche_id)
        with pytest.raises(FicheIntrouvable):
            fiches.lire_fiche(s, ecole.lea, 9999)


def test_bin_and_restore(fresh_db, ecole):
    fiche_id = _creer(fresh_db, ecole.lea)
    with transaction(fresh_db) as s:
        fiches.supprimer(s, ecole.lea, fiche_id)
    with Session(fresh_db) as s:
        assert fiches.fiches_de_l_eleve(s, ecole.lea, ecole.lea.eleve_id) == []
        assert [f.id for f in fiches.fiches_de_l_eleve(s, ecole.lea, ecole.lea.eleve_id, corbeille=True)] == [fiche_id]
    with transaction(fresh_db) as s:
        fiches.restaurer(s, ecole.lea, fiche_id)
    with Session(fresh_db) as s:
        assert [f.id for f in fiches.fiches_de_l_eleve(s, ecole.lea, ecole.lea.eleve_id)] == [fiche_id]
    assert _compter(fresh_db, FicheVersion) == 1


def test_at_most_one_retained_fiche_per_situation(fresh_db, ecole):
    a, b = _creer(fresh_db, ecole.lea), _creer(fresh_db, ecole.lea)
    with transaction(fresh_db) as s:
        assert fiches.retenir(s, ecole.lea, a) is None
    with transaction(fresh_db) as s:
        assert fiches.retenir(s, ecole.lea, b).id == a
    with Session(fresh_db) as s:
        assert (s.get(Fiche, a).retenue, s.get(Fiche, b).retenue) == (False, True)


# The bin keeps the "retenue" mark aside: restoring gives it back unless the student retained another fiche of the
# same situation meanwhile (their later choice stands), or the fiche was not retained when it went to the bin.
# retained when binned, what happened meanwhile → retained after restore (a, b)
RESTAURATIONS = [
    (True, "rien", (True, False)),
    (True, "b retenue", (False, True)),
    (True, "b retenue puis corbeille", (True, False)),
    (False, "rien", (False, False)),
]


@pytest.mark.parametrize("retenue, entre_temps, apres", RESTAURATIONS)
def test_restoring_gives_back_the_retained_mark_when_still_free(fresh_db, ecole, retenue, entre_temps, apres):
    a, b = _creer(fresh_db, ecole.lea), _creer(fresh_db, ecole.lea)
    with transaction(fresh_db) as s:
        fiches.retenir(s, ecole.lea, a, retenue)
        fiches.supprimer(s, ecole.lea, a)
        fiches.supprimer(s, ecole.lea, a)  # twice: the mark aside is not lost
    with transaction(fresh_db) as s:
        assert s.get(Fiche, a).retenue is False  # a fiche in the bin is never the retained one
        if entre_temps != "rien":
            fiches.retenir(s, ecole.lea, b)
        if entre_temps == "b retenue puis corbeille":
            fiches.supprimer(s, ecole.lea, b)
    with transaction(fresh_db) as s:
        assert fiches.restaurer(s, ecole.lea, a) is apres[0]
    with Session(fresh_db) as s:
        assert (s.get(Fiche, a).retenue, s.get(Fiche, b).retenue) == apres
        assert s.get(Fiche, a).retenue_avant_corbeille is False


def test_duplicate_for_another_situation(fresh_db, ecole):
    fiche_id = _creer(fresh_db, ecole.lea)
    with Session(fresh_db) as s:
        brouillon = fiches.contenu_a_dupliquer(s, ecole.lea, fiche_id, "1.1.2")
    assert brouillon == dataclasses.replace(LIVRAISON, situation="1.1.2")
    assert _compter(fresh_db, Fiche) == 1  # nothing saved until the student saves


def test_coverage_follows_the_statut_rule(fresh_db, ecole):
    _creer(fresh_db, ecole.lea)
    _creer(fresh_db, ecole.lea)
    _creer(fresh_db, ecole.lea, dataclasses.replace(LIVRAISON, situation="1.1.2"))
    _creer(fresh_db, ecole.lea, dataclasses.replace(LIVRAISON, situation="2.1.1"))
    _creer(fresh_db, ecole.lea, dataclasses.replace(LIVRAISON, situation="2.1.1", complexite=2))
    with Session(fresh_db) as s:
        lignes = {l.code: (l.statut, l.fiches) for l in couverture.couverture_eleve(s, ecole.lea, ecole.lea.eleve_id)}
        with pytest.raises(AccesRefuse):
            couverture.couverture_eleve(s, ecole.noe, ecole.lea.eleve_id)
    assert len(lignes) == 55
    assert lignes["1.1.3"] == (Statut.REPETEE, 2)
    assert lignes["1.1.2"] == (Statut.UNE_FOIS, 1)
    assert lignes["2.1.1"] == (Statut.EVALUABLE, 2)
    assert lignes["4.2.3"] == (Statut.NON_TRAVERSEE, 0)


def test_appreciations_newest_first_and_only_the_owner_marks_them_read(fresh_db, ecole):
    from passeport.models import Appreciation
    from passeport.services import appreciations

    fiche_id = _creer(fresh_db, ecole.lea)
    with transaction(fresh_db) as s:
        for jour, texte, fiche in ((3, "Ancienne", fiche_id), (20, "Récente", None), (10, "Milieu", fiche_id)):
            s.add(Appreciation(eleve_id=ecole.lea.eleve_id, fiche_id=fiche, auteur_id=ecole.martin.compte_id,
                               texte=texte, cree_le=dt.datetime(2026, 11, jour)))
    with Session(fresh_db) as s:
        lignes = appreciations.pour_l_eleve(s, ecole.lea, ecole.lea.eleve_id)
        assert [(a.texte, a.nouvelle, a.fiche_titre) for a in lignes] == [
            ("Récente", True, ""), ("Milieu", True, "Contrôle d'une livraison"),
            ("Ancienne", True, "Contrôle d'une livraison")]
        sur_la_fiche = appreciations.pour_l_eleve(s, ecole.lea, ecole.lea.eleve_id, fiche_id)
        assert [a.texte for a in sur_la_fiche] == ["Milieu", "Ancienne"]
    with pytest.raises(AccesRefuse), transaction(fresh_db) as s:
        appreciations.marquer_lues(s, ecole.martin, [a.id for a in lignes])
    with transaction(fresh_db) as s:
        appreciations.marquer_lues(s, ecole.noe, [a.id for a in lignes])  # not hers: nothing changes
        assert appreciations.non_lues(s, ecole.lea, ecole.lea.eleve_id) == 3
        appreciations.marquer_lues(s, ecole.lea, [lignes[0].id])
    with Session(fresh_db) as s:
        assert appreciations.non_lues(s, ecole.lea, ecole.lea.eleve_id) == 2


def test_moving_a_retained_fiche_to_another_situation_unretains_it(fresh_db, ecole):
    a = _creer(fresh_db, ecole.lea)
    b = _creer(fresh_db, ecole.lea, dataclasses.replace(LIVRAISON, situation="1.1.2"))
    with transaction(fresh_db) as s:
        fiches.retenir(s, ecole.lea, a)
        fiches.retenir(s, ecole.lea, b)
    with transaction(fresh_db) as s:
        fiches.enregistrer(s, ecole.lea, a, dataclasses.replace(LIVRAISON, situation="1.1.2"))
    with Session(fresh_db) as s:
        assert (s.get(Fiche, a).retenue, s.get(Fiche, b).retenue) == (False, True)


def test_a_fiche_in_the_bin_cannot_be_changed_until_restored(fresh_db, ecole):
    from passeport.services import pieces
    from tests import fichiers

    fiche_id = _creer(fresh_db, ecole.lea)
    with transaction(fresh_db) as s:
        fiches.supprimer(s, ecole.lea, fiche_id)
    for action in (
        lambda s: fiches.enregistrer(s, ecole.lea, fiche_id, dataclasses.replace(LIVRAISON, titre="Autre")),
        lambda s: fiches.retenir(s, ecole.lea, fiche_id),
        lambda s: fiches.revenir_a(s, ecole.lea, fiche_id, 1),
    ):
        with pytest.raises(fiches.FicheALaCorbeille), transaction(fresh_db) as s:
            action(s)
    with pytest.raises(pieces.PieceRefusee, match="dans la corbeille"), transaction(fresh_db) as s:
        pieces.ajouter(s, ecole.lea, fiche_id, "a.pdf", fichiers.pdf())
    with Session(fresh_db) as s:
        fiche = s.get(Fiche, fiche_id)
        assert (fiche.version_courante, fiche.retenue) == (1, False)
