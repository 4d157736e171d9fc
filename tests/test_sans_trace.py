"""Never a traceback: concurrent saves of one fiche, hostile characters and lengths, injected storage faults
(disk full, read-only database, IntegrityError) on every page of every role and on our HTTP routes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.db import creer_engine
from passeport.models import Fiche, FicheVersion, Lieu, Nature
from passeport.schema import initialiser
from passeport.services import fiches
from passeport.services.fiches import ContenuFiche
from tests.ecole import creer_ecole

LIVRAISON = ContenuFiche(
    situation="1.1.3", titre="Contrôle d'une livraison", date_debut=dt.date(2026, 10, 5), lieu=Lieu.PFMP,
    nature=Nature.REELLE, complexite=1, aleas=0, organisation="BIOMAG",
    contexte="Je suis assistante du chef de service dans l'entreprise BIOMAG.",
)
ECRIVAINS = 35


# --- 35 saves of one fiche at once ------------------------------------------------------------------------------


def _sauvegardes_concurrentes(url: str) -> None:
    engine = creer_engine(url)
    initialiser(engine)
    ecole = creer_ecole(engine)
    with Session(engine) as s:
        fiche_id = fiches.nouvelle_fiche(s, ecole.lea, LIVRAISON).id
        s.commit()
    engine.dispose()
    # A fresh engine whose pool lets every writer hold its own connection (two tabs, 35 tabs: one each).
    engine = creer_engine(url)
    engine.pool._pool.maxsize = ECRIVAINS + 5  # QueuePool: no writer waits for a connection from the pool
    depart = threading.Barrier(ECRIVAINS)
    acquittes: dict[int, int] = {}  # writer → the version number its save returned (after its commit)
    erreurs: list[BaseException] = []

    def ecrire(i: int) -> None:
        try:
            depart.wait()
            with Session(engine) as s:
                version = fiches.enregistrer(s, ecole.lea, fiche_id, dataclasses.replace(LIVRAISON, titre=f"Onglet {i}"))
                numero = version.numero
                s.commit()
            acquittes[i] = numero
        except BaseException as exc:  # noqa: BLE001 — any escape is the failure this test looks for
            erreurs.append(exc)

    fils = [threading.Thread(target=ecrire, args=(i,)) for i in range(ECRIVAINS)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(120)
    assert erreurs == []
    assert len(acquittes) == ECRIVAINS
    with Session(engine) as s:
        versions = {v.numero: v.titre for v in s.scalars(select(FicheVersion).where(FicheVersion.fiche_id == fiche_id))}
        fiche = s.get(Fiche, fiche_id)
        assert fiche.version_courante == ECRIVAINS + 1
    engine.dispose()
    # Numbers 1..36 without a gap; every acknowledged save is the version whose number it was told.
    assert sorted(versions) == list(range(1, ECRIVAINS + 2))
    assert versions[1] == "Contrôle d'une livraison"
    assert {versions[numero] for numero in acquittes.values()} == {f"Onglet {i}" for i in range(ECRIVAINS)}
    assert sorted(acquittes.values()) == list(range(2, ECRIVAINS + 2))


@pytest.mark.store
def test_35_concurrent_saves_of_one_fiche_on_sqlite(tmp_path):
    _sauvegardes_concurrentes(f"sqlite:///{tmp_path / 'passeport.sqlite'}")


@pytest.mark.store
def test_35_concurrent_saves_of_one_fiche_on_postgresql(pg_url):
    _sauvegardes_concurrentes(pg_url)
