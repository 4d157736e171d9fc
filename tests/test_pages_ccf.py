"""The CCF pages under AppTest on a private copy of the demo school: the teacher records the meeting, selects a fiche,
decides, is refused when a colleague decided meanwhile, publishes; the student then sees the fiche and the decision."""

import os

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from passeport.db import transaction
from passeport.models import (
    Compte, DecisionCcf, Division, Eleve, Enseignant, PublicationCcf, ReunionCcf, SelectionCcf,
)
from passeport.services import ccf
from passeport.services.comptes import Utilisateur
from tests.conftest import RACINE, jeton_de_session


def _app(login: str, page: str) -> AppTest:
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=60)
    at.session_state["jeton"] = jeton_de_session(os.environ["DATABASE_URL"], login)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def _nb(engine, modele) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(modele))


def _utilisateur(engine, login: str) -> Utilisateur:
    with Session(engine) as s:
        c = s.scalar(select(Compte).where(Compte.login == login))
        return Utilisateur(c.id, c.login, c.role, c.nom_complet, c.etablissement_id)


def test_meeting_selection_decision_refusal_publication_then_the_student_sees_them(base):
    at = _app("claire.martin", "pages/enseignant_ccf.py")
    with Session(base) as s:
        tga1 = s.scalar(select(Division).where(Division.nom == "TGA1"))
        leroy = s.scalar(select(Compte.id).where(Compte.login == "sophie.leroy"))
    assert (at.selectbox(key="ccf_division").value, at.selectbox(key="ccf_epreuve").value) == (tga1.id, "E31")
    assert "Aucune réunion enregistrée pour cette épreuve" in at.info[0].value

    # The meeting: Claire Martin is present by default, Sophie Leroy (lettres) is added.
    presents = at.multiselect(key="ccf_presents")
    assert presents.value == [at.session_state["utilisateur"].compte_id]
    presents.select(leroy)
    at.button(key="FormSubmitter:ccf_nouvelle_reunion-Enregistrer la réunion").click().run()
    assert not at.exception, at.exception
    with Session(base) as s:
        reunion = s.scalar(select(ReunionCcf))
        assert sorted(c.login for c in reunion.presents) == ["claire.martin", "sophie.leroy"]

    # The first student of the list: select their first fiche on pôle 1.
    eleve_id = at.selectbox(key=f"ccf_eleve_{tga1.id}").value
    martin = _utilisateur(base, "claire.martin")
    with Session(base) as s:
        fiche = ccf.fiches_pour_l_epreuve(s, martin, eleve_id, "E31")[0]
    # The situation's panel is drawn only once opened.
    with pytest.raises(KeyError):
        at.button(key=f"ccf_choix_{fiche.fiche_id}")
    at.session_state[f"ccf_sit_{eleve_id}_E31_{fiche.situation}"] = True
    at.run()
    at.button(key=f"ccf_choix_{fiche.fiche_id}").click().run()
    assert not at.exception, at.exception
    with Session(base) as s:
        assert s.scalars(select(SelectionCcf.fiche_id).where(SelectionCcf.retiree_le.is_(None))).all() == [
            fiche.fiche_id]

    # A decision on the fiche's situation, then the overall opinion.
    cle = f"ccf_dec_{eleve_id}_E31_{fiche.situation}"
    at.segmented_control(key=f"{cle}_0_niveau").set_value(3).run()
    at.text_input(key=f"{cle}_0_commentaire").input("Relances autonomes")
    at.button(key=f"{cle}_ok").click().run()
    assert not at.exception, at.exception
    with Session(base) as s:
        decision = s.scalar(select(DecisionCcf))
        assert (decision.eleve_id, decision.situation, decision.niveau, decision.commentaire, decision.reunion_id) == (
            eleve_id, fiche.situation, 3, "Relances autonomes", reunion.id)
    at.text_input(key=f"ccf_dec_{eleve_id}_E31_avis_0_commentaire").input("Dossier prêt pour le pôle 1.")
    at.button(key=f"ccf_dec_{eleve_id}_E31_avis_ok").click().run()
    assert _nb(base, DecisionCcf) == 2

    # Claire Martin's page shows her decision; Sophie Leroy replaces it from her own screen before Claire clicks.
    at.segmented_control(key=f"{cle}_1_niveau").set_value(2)
    with transaction(base) as s:
        ccf.decider(s, _utilisateur(base, "sophie.leroy"), eleve_id, "E31", fiche.situation, 4, "", decision.id,
                    reunion.id)
    at.button(key=f"{cle}_ok").click().run()
    assert any(e.value.startswith("Sophie Leroy a enregistré une autre décision le ") for e in at.error), \
        [e.value for e in at.error]
    assert _nb(base, DecisionCcf) == 3

    # Publication, with a confirmation.
    at.button(key="ccf_publier").click().run()
    assert _nb(base, PublicationCcf) == 0
    at.button(key="ccf_publier_confirme").click().run()
    assert not at.exception, at.exception
    assert _nb(base, PublicationCcf) == 1

    # The student sees the selected fiche and the published decisions, in words.
    with Session(base) as s:
        login = s.scalar(select(Compte.login).join(Eleve, Eleve.compte_id == Compte.id).where(Eleve.id == eleve_id))
    eleve = _app(login, "pages/eleve_ccf.py")
    textes = " ".join(m.value for m in eleve.markdown)
    assert fiche.titre.split()[0] in textes
    assert r"Dossier prêt pour le pôle 1\." in textes  # shown as text: markdown characters escaped
    assert "Maîtrisé" in " ".join(h.proto.body for h in eleve.get("html"))


def test_an_empty_meeting_is_refused_and_writes_nothing(base):
    at = _app("claire.martin", "pages/enseignant_ccf.py")
    at.multiselect(key="ccf_presents").set_value([])
    at.button(key="FormSubmitter:ccf_nouvelle_reunion-Enregistrer la réunion").click().run()
    assert "Indiquez au moins un enseignant présent." in [e.value for e in at.error]
    assert _nb(base, ReunionCcf) == 0


def test_an_agora_division_enters_its_epreuve_then_meets(base):
    with transaction(base) as s:
        martin = s.scalar(select(Compte).where(Compte.login == "claire.martin"))
        tga1 = s.scalar(select(Division).where(Division.nom == "TGA1"))
        agora = Division(etablissement_id=tga1.etablissement_id, nom="2AG1", niveau="2nde",
                         annee_scolaire=tga1.annee_scolaire, referentiel="agora-2020")
        s.add(agora)
        s.flush()
        enseignant = s.scalar(select(Enseignant).where(Enseignant.compte_id == martin.id))
        enseignant.divisions.append(agora)
        agora_id = agora.id
    at = _app("claire.martin", "pages/enseignant_ccf.py")
    at.selectbox(key="ccf_division").set_value(agora_id).run()
    assert "Aucune épreuve pour ce référentiel : saisissez-en une ci-dessus." in [i.value for i in at.info]
    # A title is missing: refused, nothing written.
    at.text_input(key="ccf_ep_code").input("e1")
    at.multiselect(key="ccf_ep_poles").set_value(["1"])
    at.button(key="ccf_ajouter_epreuve").click().run()
    assert [e.value for e in at.error] == ["Épreuve non enregistrée : le titre de l'épreuve est vide."]
    assert _nb(base, ccf.EpreuveLocale) == 0
    at.text_input(key="ccf_ep_titre").input("Gestion des relations avec les clients")
    at.button(key="ccf_ajouter_epreuve").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="ccf_epreuve").value == "E1"
    with Session(base) as s:
        locale = s.scalar(select(ccf.EpreuveLocale))
        assert (locale.referentiel, locale.code, locale.titre, locale.poles, locale.mode) == (
            "agora-2020", "E1", "Gestion des relations avec les clients", "1", "CCF")
    assert "Aucune réunion enregistrée pour cette épreuve" in at.info[0].value
