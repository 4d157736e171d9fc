"""PFMP and tutor links: who manages them, what a link opens, expiry, revocation, tokens never in clear."""

import dataclasses
import datetime as dt
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport.acces import AccesRefuse
from passeport.db import transaction
from passeport.models import Appreciation, Base, Fiche, LienTuteur, Lieu, Nature, Pfmp
from passeport.services import audit, objectifs, fiches, pfmp
from passeport.services.fiches import ContenuFiche
from tests.ecole import creer_ecole

pytestmark = pytest.mark.store
DEBUT, FIN = dt.date(2026, 11, 16), dt.date(2026, 12, 11)
CONTENU = ContenuFiche(situation="1.1.2", titre="Commande chez BIOMAG", date_debut=dt.date(2026, 11, 17),
                       lieu=Lieu.PFMP, nature=Nature.REELLE, complexite=1, aleas=0)


@pytest.fixture
def monde(fresh_db):
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        p = pfmp.enregistrer_pfmp(s, ecole.martin, ecole.lea.eleve_id, "BIOMAG", DEBUT, FIN, "Julien Garnier",
                                  "j.garnier@exemple.fr")
        ids = {"periode": p.id, "eleve": ecole.lea.eleve_id}
        # The shared one was lived in a summer job, the private one in class: neither is a fiche of the PFMP.
        for nom, situation, dans_pfmp, partagee, lieu in (
                ("pfmp", "1.1.2", True, False, Lieu.PFMP), ("partagee", "3.2.2", False, True, Lieu.HORS_FORMATION),
                ("privee", "1.1.3", False, False, Lieu.ETABLISSEMENT)):
            f = fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(CONTENU, situation=situation, titre=nom,
                                                                        lieu=lieu))
            f.pfmp_id, f.partagee_pfmp_id = (p.id if dans_pfmp else None), (p.id if partagee else None)
            ids[nom] = f.id
    return fresh_db, ecole, ids


def test_who_records_a_pfmp(fresh_db):
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        pfmp.enregistrer_pfmp(s, ecole.lea, ecole.lea.eleve_id, "Mairie", DEBUT, FIN, "Mme Roux")
    for intrus in (ecole.noe, ecole.leroy, ecole.admin):
        with pytest.raises(AccesRefuse), transaction(fresh_db) as s:
            pfmp.enregistrer_pfmp(s, intrus, ecole.lea.eleve_id, "Mairie", DEBUT, FIN, "Mme Roux")
    for probleme, valeurs in (("avant sa date de début", ("Mairie", FIN, DEBUT, "Mme Roux")),
                              ("organisation", ("  ", DEBUT, FIN, "Mme Roux")), ("tuteur", ("Mairie", DEBUT, FIN, ""))):
        with pytest.raises(pfmp.PfmpInvalide, match=probleme), transaction(fresh_db) as s:
            pfmp.enregistrer_pfmp(s, ecole.lea, ecole.lea.eleve_id, *valeurs)
    with Session(fresh_db) as s:
        assert len(s.scalars(select(Pfmp)).all()) == 1


def test_a_link_opens_the_pfmp_fiches_and_the_shared_ones_only(monde):
    engine, ecole, ids = monde
    with transaction(engine) as s:
        jeton = pfmp.creer_lien(s, ecole.martin, ids["periode"], dt.datetime(2026, 11, 20))
    assert len(jeton) >= 43
    with transaction(engine) as s:
        acces_tuteur = pfmp.ouvrir(s, jeton, dt.datetime(2026, 11, 21))
        assert (acces_tuteur.eleve, acces_tuteur.organisation, acces_tuteur.nom_tuteur) == ("Léa Moreau", "BIOMAG", "")
        with pytest.raises(AccesRefuse):  # the name first
            pfmp.fiches_du_tuteur(s, acces_tuteur)
        acces_tuteur = pfmp.se_presenter(s, acces_tuteur, "Julien Garnier, responsable des achats")
        assert [v.titre for v in pfmp.fiches_du_tuteur(s, acces_tuteur)] == ["pfmp", "partagee"]
        pfmp.commenter(s, acces_tuteur, ids["pfmp"], "Très bon travail.")
        with pytest.raises(AccesRefuse):
            pfmp.commenter(s, acces_tuteur, ids["privee"], "Je ne devrais pas voir cette fiche.")
        with pytest.raises(pfmp.PfmpInvalide, match="1.1.3"):
            pfmp.enregistrer_bilan(s, acces_tuteur, {"1.1.2": 3, "1.1.3": 2}, "")
        # A shared fiche from outside the PFMP is read, not positioned: the report is about this PFMP.
        with pytest.raises(pfmp.PfmpInvalide, match="3.2.2"):
            pfmp.enregistrer_bilan(s, acces_tuteur, {"1.1.2": 3, "3.2.2": 4}, "")
        # A goal of the PFMP can be positioned even when the student wrote no fiche on it.
        objectifs.enregistrer_objectifs(s, ecole.martin, ids["periode"], [objectifs.ObjectifSaisi("2.1.1", "")])
        assert [(x.code, x.fiches, x.objectif) for x in pfmp.situations_du_bilan(s, acces_tuteur)] == [
            ("1.1.2", 1, False), ("2.1.1", 0, True)]
        pfmp.enregistrer_bilan(s, acces_tuteur, {"1.1.2": 3, "2.1.1": 4}, "Stagiaire sérieuse.",
                               dt.datetime(2026, 12, 11, 17))
    with Session(engine) as s:
        commentaire = s.scalar(select(Appreciation))
        assert (commentaire.fiche_id, commentaire.auteur_id, commentaire.auteur_nom) == (
            ids["pfmp"], None, "Julien Garnier, responsable des achats (tuteur de PFMP)")
        p = s.get(Pfmp, ids["periode"])
        assert (json.loads(p.bilan_situations), p.bilan_tuteur) == ({"1.1.2": 3, "2.1.1": 4}, "Stagiaire sérieuse.")
        bilans = pfmp.bilans_de_l_eleve(s, ecole.martin, ids["eleve"])
        assert [(b.organisation, b.tuteur, b.positions, b.rempli_le) for b in bilans] == [
            ("BIOMAG", "Julien Garnier, responsable des achats", {"1.1.2": 3, "2.1.1": 4},
             dt.datetime(2026, 12, 11, 17))]
        assert pfmp.bilans_de_l_eleve(s, ecole.lea, ids["eleve"])[0].texte == "Stagiaire sérieuse."
        with pytest.raises(AccesRefuse):
            pfmp.commenter(s, acces_tuteur, ids["pfmp"] + 100, "Fiche d'un autre élève")


def test_expiry_revocation_and_reissue(monde):
    engine, ecole, ids = monde
    with transaction(engine) as s:
        premier = pfmp.creer_lien(s, ecole.martin, ids["periode"], dt.datetime(2026, 11, 20))
    with Session(engine) as s:
        assert pfmp.ouvrir(s, premier, dt.datetime(2027, 1, 10, 23, 59)) is not None  # end of PFMP + 30 days
        assert pfmp.ouvrir(s, premier, dt.datetime(2027, 1, 11, 0, 1)) is None
    with transaction(engine) as s:
        second = pfmp.creer_lien(s, ecole.martin, ids["periode"], dt.datetime(2026, 11, 21))
    with Session(engine) as s:
        assert pfmp.ouvrir(s, premier, dt.datetime(2026, 11, 22)) is None  # a new link revokes the old one
        assert pfmp.ouvrir(s, second, dt.datetime(2026, 11, 22)) is not None
    with transaction(engine) as s:
        assert pfmp.revoquer_lien(s, ecole.lea, ids["periode"]) == 1
    with Session(engine) as s:
        assert pfmp.ouvrir(s, second, dt.datetime(2026, 11, 22)) is None
        for faux in (None, "", "x" * 500, second[:-1] + "A"):
            assert pfmp.ouvrir(s, faux, dt.datetime(2026, 11, 22)) is None


def test_only_the_student_and_division_teachers_make_links(monde):
    engine, ecole, ids = monde
    for intrus in (ecole.noe, ecole.leroy, ecole.admin):
        with pytest.raises(AccesRefuse), transaction(engine) as s:
            pfmp.creer_lien(s, intrus, ids["periode"])
        with pytest.raises(AccesRefuse), transaction(engine) as s:
            pfmp.revoquer_lien(s, intrus, ids["periode"])


def test_tokens_and_passwords_never_appear_in_clear_in_the_database(monde):
    engine, ecole, ids = monde
    from passeport.services import administration, sessions

    with transaction(engine) as s:
        jeton = pfmp.creer_lien(s, ecole.martin, ids["periode"])
        jeton_session = sessions.ouvrir(s, ecole.lea.compte_id)
        mot_de_passe = administration.premiers_mots_de_passe(s, ecole.admin, s.get(Fiche, ids["pfmp"]).eleve.division_id)[0].mot_de_passe
    secrets_ = [jeton, jeton_session, mot_de_passe]
    with Session(engine) as s:
        for table in Base.metadata.sorted_tables:
            for ligne in s.execute(select(table)).all():
                contenu = " ".join(str(v) for v in ligne)
                for secret in secrets_:
                    assert secret not in contenu, (table.name, secret)


def test_the_tutor_corrects_a_comment_for_15_minutes_through_the_same_link_only(monde):
    from passeport.models import AppreciationVersion
    from passeport.services.appreciations import AppreciationFigee

    engine, ecole, ids = monde
    with transaction(engine) as s:
        jeton = pfmp.creer_lien(s, ecole.martin, ids["periode"], dt.datetime(2026, 11, 20))
    with transaction(engine) as s:
        acces_tuteur = pfmp.se_presenter(s, pfmp.ouvrir(s, jeton, dt.datetime(2026, 11, 21)), "Julien Garnier")
        commentaire_id = pfmp.commenter(s, acces_tuteur, ids["pfmp"], "Tres bon travail").id
        ecrit_le = s.get(Appreciation, commentaire_id).cree_le
    with transaction(engine) as s:
        pfmp.corriger_commentaire(s, acces_tuteur, commentaire_id, "Très bon travail.",
                                  ecrit_le + dt.timedelta(minutes=14))
    with pytest.raises(AppreciationFigee), transaction(engine) as s:
        pfmp.corriger_commentaire(s, acces_tuteur, commentaire_id, "Trop tard.", ecrit_le + dt.timedelta(minutes=16))
    with transaction(engine) as s:  # a new link (the old one revoked) is not the author
        autre = pfmp.se_presenter(s, pfmp.ouvrir(s, pfmp.creer_lien(s, ecole.martin, ids["periode"])), "Quelqu'un")
    with pytest.raises(AccesRefuse), transaction(engine) as s:
        pfmp.corriger_commentaire(s, autre, commentaire_id, "Pas le mien.", ecrit_le)
    with Session(engine) as s:
        with pytest.raises(AccesRefuse, match="plus valable"):  # the revoked link reads nothing any more
            pfmp.commentaires_du_lien(s, acces_tuteur)
        assert s.get(Appreciation, commentaire_id).texte == "Très bon travail."
        assert pfmp.commentaires_du_lien(s, autre) == []
        assert [v.texte for v in s.scalars(select(AppreciationVersion).order_by(AppreciationVersion.numero))] == [
            "Tres bon travail", "Très bon travail."]


def test_the_fiches_of_a_pfmp_are_those_lived_there_during_its_dates(monde):
    """Students do not link a fiche to a PFMP by hand: lived in PFMP during its dates is enough."""
    engine, ecole, ids = monde
    with transaction(engine) as s:
        for titre, lieu, jour in (("pendant", Lieu.PFMP, DEBUT + dt.timedelta(days=3)),
                                  ("avant", Lieu.PFMP, DEBUT - dt.timedelta(days=1)),
                                  ("en classe", Lieu.ETABLISSEMENT, DEBUT + dt.timedelta(days=4))):
            fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(CONTENU, situation="4.1.1", titre=titre, lieu=lieu,
                                                                    date_debut=jour))
        jeton = pfmp.creer_lien(s, ecole.martin, ids["periode"])
    with transaction(engine) as s:
        acces_tuteur = pfmp.se_presenter(s, pfmp.ouvrir(s, jeton), "Julien Garnier")
        assert sorted(v.titre for v in pfmp.fiches_du_tuteur(s, acces_tuteur)) == ["partagee", "pendant", "pfmp"]
        assert [(x.code, x.fiches) for x in pfmp.situations_du_bilan(s, acces_tuteur)] == [("1.1.2", 1), ("4.1.1", 1)]


# --- issue 12: the tutor sees only their PFMP ---------------------------------------------------------------------

MAIRIE_DEBUT, MAIRIE_FIN = dt.date(2027, 3, 1), dt.date(2027, 3, 26)


@pytest.fixture
def deux_pfmp(fresh_db):
    """Léa's PFMP at BIOMAG (A) and at the Mairie (B), each with a named tutor's link open on 2026-11-20."""
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        a = pfmp.enregistrer_pfmp(s, ecole.martin, ecole.lea.eleve_id, "BIOMAG", DEBUT, FIN, "Julien Garnier")
        b = pfmp.enregistrer_pfmp(s, ecole.martin, ecole.lea.eleve_id, "Mairie de Rennes", MAIRIE_DEBUT, MAIRIE_FIN,
                                  "Mme Roux")
        jetons = {"A": pfmp.creer_lien(s, ecole.martin, a.id, dt.datetime(2026, 11, 20)),
                  "B": pfmp.creer_lien(s, ecole.martin, b.id, dt.datetime(2026, 11, 20))}
        periodes = {"A": a.id, "B": b.id}
    with transaction(fresh_db) as s:
        acces_ = {cle: pfmp.se_presenter(s, pfmp.ouvrir(s, jeton, dt.datetime(2026, 11, 21)), nom)
                  for (cle, jeton), nom in zip(jetons.items(), ("Julien Garnier", "Anne Roux"))}
    return fresh_db, ecole, periodes, acces_


# title, place, organisation written in the fiche, day, attached to, shared with → seen through A's link, B's link
PORTEE = [
    ("rattachée à A", Lieu.PFMP, "", DEBUT + dt.timedelta(days=1), "A", None, True, False),
    ("chez Biomag pendant A", Lieu.PFMP, "  biomag ", DEBUT + dt.timedelta(days=2), None, None, True, False),
    ("sans organisation pendant A", Lieu.PFMP, "", DEBUT + dt.timedelta(days=3), None, None, True, False),
    ("autre entreprise pendant A", Lieu.PFMP, "Transports Durand", DEBUT + dt.timedelta(days=4), None, None,
     False, False),
    ("chez Biomag avant A", Lieu.PFMP, "BIOMAG", DEBUT - dt.timedelta(days=1), None, None, False, False),
    ("en classe pendant A", Lieu.ETABLISSEMENT, "", DEBUT + dt.timedelta(days=5), None, None, False, False),
    ("rattachée à B, datée pendant A", Lieu.PFMP, "BIOMAG", DEBUT + dt.timedelta(days=6), "B", None, False, True),
    ("en classe, partagée pour A", Lieu.ETABLISSEMENT, "", dt.date(2026, 10, 5), None, "A", True, False),
    ("en classe, partagée pour B", Lieu.ETABLISSEMENT, "", dt.date(2026, 10, 6), None, "B", False, True),
    ("autre entreprise, partagée pour A", Lieu.PFMP, "Transports Durand", DEBUT + dt.timedelta(days=7), None, "A",
     True, False),
    ("à la mairie pendant B", Lieu.PFMP, "Mairie de Rennes", MAIRIE_DEBUT, None, None, False, True),
]


def test_a_link_opens_only_the_fiches_of_its_pfmp_and_those_shared_for_it(deux_pfmp):
    engine, ecole, periodes, acces_ = deux_pfmp
    ids = {}
    with transaction(engine) as s:
        for titre, lieu, organisation, jour, rattachee, partagee, _, _ in PORTEE:
            f = fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(
                CONTENU, titre=titre, lieu=lieu, organisation=organisation, date_debut=jour))
            f.pfmp_id, ids[titre] = periodes.get(rattachee), f.id
            if partagee:
                fiches.partager_avec_tuteur(s, ecole.lea, f.id, periodes[partagee])
    with transaction(engine) as s:
        vues = {cle: {v.titre for v in pfmp.fiches_du_tuteur(s, a)} for cle, a in acces_.items()}
    for titre, *_, par_a, par_b in PORTEE:
        assert (titre in vues["A"], titre in vues["B"]) == (par_a, par_b), titre
    # Nor can they be commented through A's link.
    for titre in ("autre entreprise pendant A", "en classe, partagée pour B"):
        with pytest.raises(AccesRefuse), transaction(engine) as s:
            pfmp.commenter(s, acces_["A"], ids[titre], "Je ne devrais pas la voir.")
    # Only the fiches of the PFMP are positioned in its report, not those only shared with its tutor.
    with Session(engine) as s:
        assert [(x.code, x.fiches) for x in pfmp.situations_du_bilan(s, acces_["A"])] == [("1.1.2", 3)]


def test_sharing_goes_to_one_pfmp_of_the_student_and_can_be_withdrawn(deux_pfmp):
    engine, ecole, periodes, acces_ = deux_pfmp
    with transaction(engine) as s:
        fiche_id = fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(CONTENU, lieu=Lieu.ETABLISSEMENT)).id
        fiches.partager_avec_tuteur(s, ecole.lea, fiche_id, periodes["A"])
        fiches.partager_avec_tuteur(s, ecole.lea, fiche_id, periodes["B"])  # moved, not added
    with transaction(engine) as s:
        assert [len(pfmp.fiches_du_tuteur(s, acces_[cle])) for cle in ("A", "B")] == [0, 1]
        fiches.partager_avec_tuteur(s, ecole.lea, fiche_id, None)
    with transaction(engine) as s:
        assert [len(pfmp.fiches_du_tuteur(s, acces_[cle])) for cle in ("A", "B")] == [0, 0]
        autre = pfmp.enregistrer_pfmp(s, ecole.noe, ecole.noe.eleve_id, "Garage", DEBUT, FIN, "M. Petit").id
    with pytest.raises(AccesRefuse, match="pas l'une des vôtres"), transaction(engine) as s:
        fiches.partager_avec_tuteur(s, ecole.lea, fiche_id, autre)  # another student's PFMP
    with Session(engine) as s:
        assert s.get(Fiche, fiche_id).partagee_pfmp_id is None


# who is signed in on the tutor's browser → report accepted?
SESSIONS_DU_NAVIGATEUR = [("personne", True), ("lea", False), ("noe", True), ("martin", True)]


@pytest.mark.parametrize("connecte, accepte", SESSIONS_DU_NAVIGATEUR)
def test_a_report_cannot_be_written_from_the_students_own_session(deux_pfmp, connecte, accepte):
    engine, ecole, periodes, acces_ = deux_pfmp
    qui = None if connecte == "personne" else getattr(ecole, connecte)
    if accepte:
        with transaction(engine) as s:
            pfmp.enregistrer_bilan(s, acces_["A"], {}, "Stagiaire ponctuelle.", connecte=qui)
            pfmp.commenter(s, acces_["A"], fiches.nouvelle_fiche(s, ecole.lea, CONTENU).id, "Bien.", connecte=qui)
    else:
        with pytest.raises(AccesRefuse, match="connecté au compte de l'élève"), transaction(engine) as s:
            pfmp.enregistrer_bilan(s, acces_["A"], {}, "Je me note moi-même.", connecte=qui)
        with pytest.raises(AccesRefuse, match="connecté au compte de l'élève"), transaction(engine) as s:
            pfmp.commenter(s, acces_["A"], fiches.nouvelle_fiche(s, ecole.lea, CONTENU).id, "Bravo moi.",
                           connecte=qui)
    with Session(engine) as s:
        p = s.get(Pfmp, periodes["A"])
        assert (p.bilan_tuteur, p.bilan_lien_id, s.scalar(select(func.count(Appreciation.id)))) == (
            ("Stagiaire ponctuelle.", acces_["A"].lien_id, 1) if accepte else ("", None, 0))


def test_qui_a_vu_mon_passeport_lists_the_tutors_readings_and_report(deux_pfmp):
    engine, ecole, periodes, acces_ = deux_pfmp
    with transaction(engine) as s:
        for _ in range(3):  # the tutor's page reruns on every click: one line per quarter of an hour
            pfmp.fiches_du_tuteur(s, acces_["A"])
        pfmp.enregistrer_bilan(s, acces_["A"], {}, "Sérieuse.")
    with Session(engine) as s:
        vues = [(c.qui, c.role, c.quoi) for c in audit.consultations_de_mon_passeport(s, ecole.lea)]
    assert vues == [
        ("Julien Garnier (lien de la PFMP chez BIOMAG)", "tuteur ou tutrice", "bilan de PFMP"),
        ("Julien Garnier (lien de la PFMP chez BIOMAG)", "tuteur ou tutrice", "lecture"),
        ("Anne Roux (lien de la PFMP chez Mairie de Rennes)", "tuteur ou tutrice", "première ouverture du lien"),
        ("Julien Garnier (lien de la PFMP chez BIOMAG)", "tuteur ou tutrice", "première ouverture du lien"),
    ]
    with Session(engine) as s:
        assert audit.consultations_de_mon_passeport(s, ecole.noe) == []


def test_the_journal_export_contains_the_tutors_events(deux_pfmp):
    engine, ecole, periodes, acces_ = deux_pfmp
    with transaction(engine) as s:
        pfmp.fiches_du_tuteur(s, acces_["A"])
        pfmp.enregistrer_bilan(s, acces_["A"], {}, "Sérieuse.")
    with transaction(engine) as s:
        lignes = [l.split(";") for l in audit.journal_csv(s, ecole.admin).decode("utf-8-sig").splitlines()[1:]]
    # compte, role, action, eleve, details
    assert [[l[1], l[2], l[3], l[6], l[7]] for l in lignes] == [
        ["claire.martin", "enseignant", "lien_tuteur_cree", "INE1", ""],
        ["claire.martin", "enseignant", "lien_tuteur_cree", "INE1", ""],
        ["", "tuteur", "lien_tuteur_premier_usage", "INE1", "Julien Garnier"],
        ["", "tuteur", "lien_tuteur_premier_usage", "INE1", "Anne Roux"],
        ["", "tuteur", "consultation", "INE1", "Julien Garnier"],
        ["", "tuteur", "bilan_pfmp", "INE1", "Julien Garnier"],
    ]


# days between the end of the PFMP and the link's creation → created?
DELAIS = [(-10, True), (0, True), (29, True), (30, True), (31, False), (200, False)]


@pytest.mark.parametrize("jours, cree", DELAIS)
def test_no_link_for_a_pfmp_ended_more_than_30_days_ago(monde, jours, cree):
    engine, ecole, ids = monde
    instant = dt.datetime.combine(FIN + dt.timedelta(days=jours), dt.time(9))
    if cree:
        with transaction(engine) as s:
            assert pfmp.ouvrir(s, pfmp.creer_lien(s, ecole.martin, ids["periode"], instant), instant) is not None
    else:
        with pytest.raises(pfmp.PfmpInvalide, match="terminée le 11/12/2026, il y a plus de 30 jours"), \
                transaction(engine) as s:
            pfmp.creer_lien(s, ecole.martin, ids["periode"], instant)
    with Session(engine) as s:
        assert s.scalar(select(func.count(LienTuteur.id))) == (1 if cree else 0)


def test_the_student_sees_that_a_link_exists_never_the_link(monde):
    engine, ecole, ids = monde
    with pytest.raises(AccesRefuse, match="Seuls les enseignants"), transaction(engine) as s:
        pfmp.creer_lien(s, ecole.lea, ids["periode"], dt.datetime(2026, 11, 20))
    with Session(engine) as s:
        assert pfmp.lien_actif(s, ecole.lea, ids["periode"], dt.datetime(2026, 11, 20)) is None
    with transaction(engine) as s:
        jeton = pfmp.creer_lien(s, ecole.martin, ids["periode"], dt.datetime(2026, 11, 20))
        pfmp.se_presenter(s, pfmp.ouvrir(s, jeton, dt.datetime(2026, 11, 20)), "Julien Garnier")
    with Session(engine) as s:
        actif = pfmp.lien_actif(s, ecole.lea, ids["periode"], dt.datetime(2026, 11, 21))
        assert (actif.nom_tuteur, actif.tuteur_prevu, actif.expire_le.date()) == (
            "Julien Garnier", "Julien Garnier", dt.date(2027, 1, 10))
        assert jeton not in repr(actif)
        assert pfmp.lien_actif(s, ecole.lea, ids["periode"], dt.datetime(2027, 1, 11, 0, 1)) is None  # expired
