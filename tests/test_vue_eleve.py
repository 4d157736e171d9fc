"""The teacher's view of one student: the situations of the référentiel with statut, fiches and each teacher's latest
positionnement (service, then page under AppTest); the PFMP goals editor chosen in clear (« code — titre »)."""

import datetime as dt
import os

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from passeport.acces import AccesRefuse
from passeport.db import transaction
from passeport.models import Compte, Division, Eleve, Enseignant, Fiche, ObjectifPfmp, Pfmp, Positionnement, Role
from passeport.services import fiches, situations, suivi
from passeport.services.comptes import Utilisateur
from passeport.services.fiches import ContenuFiche
from passeport.models import Lieu, Nature
from passeport.statut import Statut
from tests.conftest import RACINE, jeton_de_session
from tests.ecole import creer_ecole


def _contenu(situation: str, titre: str, jour: dt.date, complexite: int = 1, aleas: int = 0) -> ContenuFiche:
    return ContenuFiche(situation=situation, titre=titre, date_debut=jour, lieu=Lieu.PFMP, nature=Nature.REELLE,
                        complexite=complexite, aleas=aleas)


@pytest.fixture
def monde(fresh_db):
    """Léa (1GA1) with three fiches on 1.1.2 and one on 3.1.1, one in the bin; Martin and Bernard teach 1GA1."""
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        division = s.scalar(select(Division).where(Division.nom == "1GA1"))
        bernard = Enseignant(compte=Compte(login="paul.bernard", role=Role.ENSEIGNANT, prenom="Paul", nom="Bernard",
                                           etablissement_id=ecole.martin.etablissement_id), divisions=[division])
        s.add(bernard)
        s.flush()
        bernard_u = Utilisateur(bernard.compte.id, "paul.bernard", Role.ENSEIGNANT, bernard.compte.nom_complet,
                                ecole.martin.etablissement_id, None)
        f1 = fiches.nouvelle_fiche(s, ecole.lea, _contenu("1.1.2", "Commande de fournitures", dt.date(2026, 9, 14))).id
        f2 = fiches.nouvelle_fiche(s, ecole.lea, _contenu("1.1.2", "Commande urgente", dt.date(2026, 10, 5),
                                                          aleas=1)).id
        f3 = fiches.nouvelle_fiche(s, ecole.lea, _contenu("1.1.2", "Commande annulée", dt.date(2026, 10, 20))).id
        f4 = fiches.nouvelle_fiche(s, ecole.lea, _contenu("3.1.1", "Accueil", dt.date(2026, 9, 30))).id
        fiches.supprimer(s, ecole.lea, f3)
        t = dt.datetime(2026, 10, 10, 9, 0)
        # Martin: 1 on f1, then 3 on f2 (her latest on 1.1.2), then 2 on f1 earlier than that → latest stays 3.
        suivi.positionner(s, ecole.martin, f1, 1, instant=t)
        suivi.positionner(s, ecole.martin, f2, 3, instant=t + dt.timedelta(days=5))
        suivi.positionner(s, ecole.martin, f1, 2, instant=t + dt.timedelta(days=2))
        # Bernard: 4 on f1, then 2 on f1 later → his latest is 2 (never an average with Martin's).
        suivi.positionner(s, bernard_u, f1, 4, instant=t + dt.timedelta(days=1))
        suivi.positionner(s, bernard_u, f1, 2, instant=t + dt.timedelta(days=6))
        # A position on the fiche later put in the bin does not count.
        s.add(Positionnement(fiche_id=f3, enseignant_id=bernard_u.compte_id, niveau=4,
                             cree_le=t + dt.timedelta(days=9)))
    return fresh_db, ecole, {"f1": f1, "f2": f2, "f3": f3, "f4": f4, "bernard": bernard_u}


@pytest.mark.store
def test_each_teacher_latest_position_per_situation(monde):
    engine, ecole, x = monde
    with transaction(engine) as s:
        vue = situations.situations_de_l_eleve(s, ecole.martin, ecole.lea.eleve_id)
    assert len(vue) == 55
    par_code = {v.code: v for v in vue}
    commande = par_code["1.1.2"]
    assert commande.statut == Statut.EVALUABLE and commande.nb_fiches == 2
    assert [f.titre for f in commande.fiches] == ["Commande urgente", "Commande de fournitures"]
    assert commande.derniere_date == dt.date(2026, 10, 5)
    # One line a teacher, by name: Martin's account has no name in the tiny school, so it shows its login.
    assert [(p.enseignant, p.niveau, p.fiche_id) for p in commande.positions] == [
        ("Paul Bernard", 2, x["f1"]), ("claire.martin", 3, x["f2"])]
    accueil = par_code["3.1.1"]
    assert (accueil.statut, accueil.nb_fiches, accueil.positions) == (Statut.UNE_FOIS, 1, [])
    vide = par_code["1.1.1"]
    assert (vide.statut, vide.nb_fiches, vide.derniere_date, vide.positions) == (Statut.NON_TRAVERSEE, 0, None, [])
    assert (vide.classe_code, vide.pole_code) == ("1.1", "1") and vide.titre
    # The same statuts as the student's home page (one definition).
    from passeport.services import couverture
    with transaction(engine) as s:
        accueil_eleve = couverture.couverture_eleve(s, ecole.lea, ecole.lea.eleve_id)
    assert [(l.code, l.statut, l.fiches) for l in accueil_eleve] == [(v.code, v.statut, v.nb_fiches) for v in vue]


@pytest.mark.store
def test_a_teacher_of_another_division_is_refused(monde):
    engine, ecole, _ = monde
    with transaction(engine) as s:
        with pytest.raises(AccesRefuse):
            situations.situations_de_l_eleve(s, ecole.leroy, ecole.lea.eleve_id)


# ---- The page under AppTest, on a private copy of the demo school -----------------------------------------------

def _app(login: str, page: str, **etat) -> AppTest:
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=60)
    at.session_state["jeton"] = jeton_de_session(os.environ["DATABASE_URL"], login)
    for cle, valeur in etat.items():
        at.session_state[cle] = valeur
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def _lea(engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(Eleve.id).join(Compte).where(Compte.login == "lea.moreau"))


def test_the_profile_lists_the_55_situations_with_titles_and_statuts(base):
    eleve_id = _lea(base)
    at = _app("claire.martin", "pages/enseignant_eleve.py", cockpit_eleve=eleve_id)
    corps = [h.proto.body for h in at.get("html")]
    lignes = [b for b in corps if 'class="sit-ligne"' in b]
    assert len(lignes) == 55
    assert any("1.1.1</span> — " in b for b in lignes)
    assert all(any(libelle in b for libelle in ("Non traversée", "Traversée une fois", "Répétée", "Évaluable"))
               for b in lignes)
    assert at.tabs[0].label == "Situations"
    # Every fiche of a situation is reachable: its button opens the teacher's follow-up of that fiche.
    with Session(base) as s:
        fiche_id = s.scalar(select(Fiche.id).where(Fiche.eleve_id == eleve_id, Fiche.supprimee_le.is_(None))
                            .order_by(Fiche.id))
    boutons = [b.key for b in at.button if b.key and b.key.startswith(f"situations_{eleve_id}_fiche_")]
    with Session(base) as s:
        toutes = set(s.scalars(select(Fiche.id).where(Fiche.eleve_id == eleve_id, Fiche.supprimee_le.is_(None))))
    assert {int(k.rsplit("_", 1)[1]) for k in boutons} == toutes and len(boutons) == len(toutes)
    at.button(key=f"situations_{eleve_id}_fiche_{fiche_id}").click().run()
    assert at.session_state["fiche_suivie"] == fiche_id


def test_goals_picked_in_clear_then_saved_with_advice(base):
    eleve_id = _lea(base)
    at = _app("claire.martin", "pages/enseignant_eleve.py", cockpit_eleve=eleve_id)
    with Session(base) as s:
        pfmp_id = s.scalar(select(Pfmp.id).where(Pfmp.eleve_id == eleve_id, Pfmp.date_debut > dt.date.today())
                           .order_by(Pfmp.date_debut))
    if pfmp_id is None:
        pytest.skip("la démo n'a pas de PFMP à venir pour Léa")
    cle_pfmp = f"objectifs_pfmp_{eleve_id}"
    pfmp_id = at.selectbox(key=cle_pfmp).value
    # Every box of the référentiel reads « code — titre ».
    cases = {c.key: c for c in at.checkbox if c.key.startswith(f"objectifs_choix_{pfmp_id}_")}
    assert len(cases) == 55
    # (labels are markdown: the page escapes them, the reader sees « 1.1.1 — Tenue … »)
    assert cases[f"objectifs_choix_{pfmp_id}_1.1.1"].label.replace("\\", "").startswith(
        "1.1.1 — Tenue des dossiers fournisseurs et sous-traitants")
    choisies = at.session_state[f"objectifs_liste_{pfmp_id}"]["codes"]
    assert len(choisies) == 5
    # A situation picked from the référentiel, outside the suggestions, goes to the end of the list.
    hors = next(k.rsplit("_", 1)[1] for k, c in cases.items() if not c.value
                and k.rsplit("_", 1)[1] not in choisies)
    at.checkbox(key=f"objectifs_choix_{pfmp_id}_{hors}").check().run()
    assert at.session_state[f"objectifs_liste_{pfmp_id}"]["codes"][-1] == hors
    at.text_input(key=f"objectifs_consigne_{pfmp_id}_{hors}").input("Demander le classement").run()
    # Moved up once, then the first suggestion removed: the advice typed stays through the reruns.
    at.button(key=f"objectifs_monter_{pfmp_id}_{hors}").click().run()
    premiere = at.session_state[f"objectifs_liste_{pfmp_id}"]["codes"][0]
    at.button(key=f"objectifs_retirer_{pfmp_id}_{premiere}").click().run()
    codes = list(at.session_state[f"objectifs_liste_{pfmp_id}"]["codes"])
    assert len(codes) == 5 and codes[-2] == hors and premiere not in codes
    assert at.text_input(key=f"objectifs_consigne_{pfmp_id}_{hors}").value == "Demander le classement"
    at.button(key=f"objectifs_enregistrer_{pfmp_id}").click().run()
    assert not at.exception, at.exception
    with Session(base) as s:
        lignes = list(s.scalars(select(ObjectifPfmp).where(ObjectifPfmp.pfmp_id == pfmp_id)
                                .order_by(ObjectifPfmp.rang)))
    assert [o.situation for o in lignes] == codes
    # Its motif is the suggestion's when the rules suggest it (beyond the boxes shown), else « choisie par l'équipe ».
    from analytics import Entrepot
    from passeport.services import cockpit
    from passeport.services.comptes import authentifier
    with Session(base) as s:
        martin = authentifier(s, "claire.martin", "passeport-demo")
        suggestions = cockpit.objectifs_suggeres(s, martin, Entrepot(os.environ["DATABASE_URL"]), eleve_id)
    motif = dict(zip(suggestions["situation"], suggestions["motif"])).get(hors, "")
    assert (lignes[3].situation, lignes[3].motif, lignes[3].consigne) == (hors, motif, "Demander le classement")
