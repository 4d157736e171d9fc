"""The demo tells the truth: nothing dated after the moment it is built, and the team's lists of a few situations."""

import datetime as dt

import pytest
from sqlalchemy import Date, DateTime, func, select
from sqlalchemy.orm import Session

from passeport.db import creer_engine, transaction
from passeport.demo import COLONNES_DU_CALENDRIER, creer_ecole_demo
from passeport.demo_textes import LISTES_EQUIPE
from passeport.models import Base, Compte, Fiche, FicheVersion, HistoriqueListe, LigneListe, Pfmp, maintenant
from passeport.schema import initialiser
from passeport.services import listes_equipe
from passeport.services.comptes import utilisateur_de

pytestmark = pytest.mark.store


def test_nothing_in_the_demo_is_dated_after_now(tmp_path):
    """Built today (any day: no fixed date here), every date and datetime column of every table, read from the
    models' metadata, is at most today / now; only the planned PFMP of the calendar may lie ahead."""
    engine = creer_engine(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    initialiser(engine)
    with transaction(engine) as s:
        creer_ecole_demo(s)
    maintenant_, aujourd_hui = maintenant(), dt.date.today()
    colonnes, futures = [], {}
    with engine.connect() as c:
        for table in Base.metadata.sorted_tables:
            for colonne in table.columns:
                if not isinstance(colonne.type, (Date, DateTime)):
                    continue
                colonnes.append((table.name, colonne.name))
                borne = maintenant_ if isinstance(colonne.type, DateTime) else aujourd_hui
                n = c.execute(select(func.count()).select_from(table).where(colonne > borne)).scalar_one()
                if n and (table.name, colonne.name) not in COLONNES_DU_CALENDRIER:
                    futures[f"{table.name}.{colonne.name}"] = n
    assert ("positionnement", "cree_le") in colonnes and ("fiche_version", "date_fin") in colonnes
    assert len(colonnes) > 40  # the scan really went through the whole schema
    assert futures == {}
    with Session(engine) as s:
        # Nothing lived inside a PFMP that has not started yet.
        a_venir = select(Pfmp.id).where(Pfmp.date_debut > aujourd_hui)
        assert s.scalar(select(func.count(Fiche.id)).where(Fiche.pfmp_id.in_(a_venir))) == 0
        assert s.scalar(select(func.max(FicheVersion.date_debut))) <= aujourd_hui
    engine.dispose()


def _utilisateur(engine, login):
    with Session(engine) as s:
        return utilisateur_de(s, s.scalar(select(Compte).where(Compte.login == login)))


def test_the_team_filled_a_few_situations_and_students_words_show_elsewhere(demo_db_url):
    engine = creer_engine(demo_db_url)
    lea = _utilisateur(engine, "lea.moreau")
    with Session(engine) as s:
        assert s.scalar(select(func.count(LigneListe.id))) == sum(len(v) for v in LISTES_EQUIPE.values()) == 31
        assert s.scalar(select(func.count(HistoriqueListe.id))) == 31
        assert sorted(s.scalars(select(LigneListe.situation).distinct())) == ["1.2.3", "2.1.2", "3.2.2", "3.4.1"]
        equipe = listes_equipe.propositions(s, lea, "ga-2012", "1.2.3")
        # The team's list is used; no student's words for a situation the team filled.
        assert equipe.facteurs == ["Demande de devis incomplète ou imprécise",
                                   "Remises en cascade (remise, rabais, ristourne)",
                                   "Client étranger (TVA intracommunautaire, devise)", "Commande en plusieurs livraisons"]
        assert equipe.facteurs_suggeres == [] and equipe.aleas_suggeres == []
        # 1.2.1: no list; what students of the school wrote (the demo's students pick from their classe's items).
        autre = listes_equipe.propositions(s, lea, "ga-2012", "1.2.1")
        assert autre.facteurs == []
        assert set(autre.facteurs_suggeres) == {"Client étranger", "Remises en cascade", "Client également fournisseur"}
        assert autre.aleas_suggeres
    engine.dispose()
