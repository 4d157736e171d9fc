"""The PFMP pages under AppTest, on a private copy of the demo school: the teacher creates (and is warned before
replacing) the tutor's link, the student only sees that it exists, the tutor's page refuses a report written from
the student's own session, and the student sees the tutor's reading in "Qui a vu mon passeport".

Léa Moreau's PFMP in the demo (listed latest first): Agence immobilière Horizon (2027-03-15 → 2027-04-09), Garage
Martin Automobiles (2026-11-16 → 2026-12-11), BIOMAG (2026-01-12 → 2026-02-06, ended more than 30 days ago)."""

import os

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from passeport.db import transaction
from passeport.models import Compte, Eleve, LienTuteur, Organisation, Pfmp
from passeport.services import pfmp
from tests.conftest import RACINE, jeton_de_session


def _app(login: str | None, page: str | None = None, lien: str | None = None) -> AppTest:
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=60)
    if login:
        at.session_state["jeton"] = jeton_de_session(os.environ["DATABASE_URL"], login)
    if lien:
        at.query_params["lien"] = lien
    at.run()
    if page:
        at.switch_page(f"pages/{page}.py")
        at.run()
    assert not at.exception, at.exception
    return at


def _pfmp_de_lea(engine) -> dict[str, int]:
    with Session(engine) as s:
        return dict(s.execute(select(Organisation.nom, Pfmp.id).join(Pfmp.organisation).join(Pfmp.eleve)
                              .join(Eleve.compte).where(Compte.login == "lea.moreau")).all())


def _liens(engine, pfmp_id: int) -> tuple[int, int]:
    """(links of the PFMP, of which live)."""
    with Session(engine) as s:
        tous = s.scalar(select(func.count(LienTuteur.id)).where(LienTuteur.pfmp_id == pfmp_id))
        actifs = s.scalar(select(func.count(LienTuteur.id)).where(LienTuteur.pfmp_id == pfmp_id,
                                                                 LienTuteur.revoque_le.is_(None)))
    return tous, actifs


def _bouton(at, cle):
    return next(b for b in at.button if b.key == cle)


def test_the_teacher_is_warned_before_a_new_link_revokes_the_printed_one(base):
    ids = _pfmp_de_lea(base)
    horizon, biomag = ids["Agence immobilière Horizon"], ids["BIOMAG"]
    at = _app("claire.martin", "enseignant_pfmp")
    eleves = at.selectbox(key="eleve_pfmp")
    eleves.select_index(eleves.options.index("1GA1 — Léa Moreau")).run()
    _bouton(at, f"lien_{horizon}").click().run()
    assert not at.exception, at.exception
    assert len(at.code) == 1 and "/?lien=" in at.code[0].value and _liens(base, horizon) == (1, 1)
    _bouton(at, f"lien_{horizon}").click().run()  # a live link exists: a warning, nothing created yet
    assert any("Un lien est déjà actif pour cette PFMP : en créer un nouveau le révoque" in w.value
               for w in at.warning)
    assert _liens(base, horizon) == (1, 1)
    _bouton(at, f"garder_{horizon}").click().run()
    assert not at.warning and _liens(base, horizon) == (1, 1)
    _bouton(at, f"lien_{horizon}").click().run()
    _bouton(at, f"confirmer_{horizon}").click().run()
    assert _liens(base, horizon) == (2, 1)
    # A PFMP that ended more than 30 days ago: refused, never shown as created.
    _bouton(at, f"lien_{biomag}").click().run()
    assert [e.value for e in at.error] == [
        "Cette PFMP s'est terminée le 06/02/2026, il y a plus de 30 jours : un lien pour le tuteur ne peut plus "
        "être créé."]
    assert _liens(base, biomag) == (0, 0) and len(at.code) == 1  # only Horizon's link


def test_the_student_sees_that_a_link_exists_never_the_link(base):
    garage = _pfmp_de_lea(base)["Garage Martin Automobiles"]
    with transaction(base) as s:
        martin = s.scalar(select(Compte).where(Compte.login == "claire.martin"))
        from passeport.services.comptes import utilisateur_de

        jeton = pfmp.creer_lien(s, utilisateur_de(s, martin), garage)
    at = _app("lea.moreau", "eleve_pfmp")
    assert not [b for b in at.button if b.label == "Créer un lien pour le tuteur"]
    assert not at.code and jeton not in str([m.value for m in [*at.markdown, *at.caption]])
    etats = [c.value for c in at.caption if c.value.startswith("Lien du tuteur actif")]
    assert len(etats) == 1 and "prévu pour Rivière, pas encore ouvert" in etats[0]
    _bouton(at, f"revoquer_{garage}").click().run()  # the student may still close it
    assert _liens(base, garage) == (1, 0)


def _lien_nomme(engine, organisation: str) -> str:
    pfmp_id = _pfmp_de_lea(engine)[organisation]
    with transaction(engine) as s:
        from passeport.services.comptes import utilisateur_de

        martin = utilisateur_de(s, s.scalar(select(Compte).where(Compte.login == "claire.martin")))
        jeton = pfmp.creer_lien(s, martin, pfmp_id)
        pfmp.se_presenter(s, pfmp.ouvrir(s, jeton), "Paul Rivière, chef d'atelier")
    return jeton


def _remplir_bilan(at: AppTest, texte: str) -> None:
    next(t for t in at.text_area if t.label == "Appréciation générale").input(texte)
    next(b for b in at.button if b.label == "Enregistrer le bilan").click().run()
    assert not at.exception, at.exception


def test_the_tutor_page_refuses_a_report_from_the_students_session(base):
    jeton = _lien_nomme(base, "Garage Martin Automobiles")
    garage = _pfmp_de_lea(base)["Garage Martin Automobiles"]
    at = _app("lea.moreau", lien=jeton)
    assert any("connecté au compte de l'élève" in w.value for w in at.warning)
    _remplir_bilan(at, "Je suis excellente.")
    assert any("connecté au compte de l'élève" in e.value for e in at.error)
    with Session(base) as s:
        assert (s.get(Pfmp, garage).bilan_tuteur, s.get(Pfmp, garage).bilan_lien_id) == ("", None)
    tuteur = _app(None, lien=jeton)  # the tutor's own browser
    _remplir_bilan(tuteur, "Apprentie sérieuse.")
    assert not tuteur.error
    with Session(base) as s:
        lien_id = s.scalar(select(LienTuteur.id).where(LienTuteur.pfmp_id == garage))
        assert (s.get(Pfmp, garage).bilan_tuteur, s.get(Pfmp, garage).bilan_lien_id) == ("Apprentie sérieuse.", lien_id)
    vues = _app("lea.moreau", "eleve_consultations").dataframe[0].value
    tuteur_vu = vues[vues["Qui"] == "Paul Rivière, chef d'atelier (lien de la PFMP chez Garage Martin Automobiles)"]
    assert sorted(tuteur_vu["Quoi"]) == ["bilan de PFMP", "lecture", "première ouverture du lien"]
    assert set(tuteur_vu["Rôle"]) == {"tuteur ou tutrice"}


def test_the_student_shares_a_fiche_with_the_tutor_of_one_chosen_pfmp(base):
    """ui.pfmp.partage_tuteur, the widget the fiche page draws: one PFMP, or nobody."""
    from passeport.models import Fiche, FicheVersion, Lieu

    ids = _pfmp_de_lea(base)
    with Session(base) as s:
        fiche_id = s.scalar(select(Fiche.id).join(Fiche.eleve).join(Eleve.compte).join(
            FicheVersion, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
            .where(Compte.login == "lea.moreau", FicheVersion.lieu == Lieu.ETABLISSEMENT, Fiche.supprimee_le.is_(None))
            .order_by(Fiche.id).limit(1))
    script = f"""
from sqlalchemy import select
from passeport.models import Compte
from passeport.services.comptes import utilisateur_de
from ui.commun import session
from ui.pfmp import partage_tuteur

with session() as s:
    lea = utilisateur_de(s, s.scalar(select(Compte).where(Compte.login == "lea.moreau")))
partage_tuteur(lea, {fiche_id})
"""
    at = AppTest.from_string(script, default_timeout=60).run()
    assert not at.exception, at.exception
    choix = at.selectbox(key=f"partage-{fiche_id}")
    assert choix.label == "Partager avec le tuteur de la PFMP" and choix.value == 0
    assert choix.options == [
        "Personne (non partagée)",
        "Agence immobilière Horizon (du 15/03/2027 au 09/04/2027)",
        "Garage Martin Automobiles (du 16/11/2026 au 11/12/2026)",
        "BIOMAG (du 12/01/2026 au 06/02/2026)",
    ]
    choix.set_value(ids["Garage Martin Automobiles"]).run()
    assert not at.exception, at.exception
    with Session(base) as s:
        assert s.get(Fiche, fiche_id).partagee_pfmp_id == ids["Garage Martin Automobiles"]
    at.selectbox(key=f"partage-{fiche_id}").set_value(0).run()
    with Session(base) as s:
        assert s.get(Fiche, fiche_id).partagee_pfmp_id is None
