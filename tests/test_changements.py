"""The change log of the analytics copy: every write the analytics read moves the counter, in the same transaction,
with the fiche, student or division to re-read and the division it touches (SQLite, and PostgreSQL in CI)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select, text, update

from passeport import changements
from passeport.db import creer_engine, transaction
from passeport.models import Compte, Division, Eleve, Fiche, Lieu, Nature, Niveau, Positionnement
from passeport.schema import initialiser
from passeport.services import fiches
from passeport.services.fiches import ContenuFiche
from tests.ecole import creer_ecole

pytestmark = pytest.mark.store

CONTENU = ContenuFiche(situation="1.1.2", titre="Commande", date_debut=dt.date(2026, 10, 5), lieu=Lieu.PFMP,
                       nature=Nature.REELLE, complexite=1, aleas=0)


@pytest.fixture
def ecole(fresh_db):
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        fiche = fiches.nouvelle_fiche(s, ecole.lea, CONTENU)
        s.flush()
        ids = {"fiche": fiche.id, "lea": ecole.lea.eleve_id, "noe": ecole.noe.eleve_id,
               "1GA1": s.scalar(select(Division.id).where(Division.nom == "1GA1")),
               "2AG1": s.scalar(select(Division.id).where(Division.nom == "2AG1"))}
    return fresh_db, ecole, ids


def _changements_pendant(engine, ecrire) -> list[tuple[str, int, int | None]]:
    with engine.connect() as conn:
        avant = changements.estampille(conn).numero
    with transaction(engine) as s:
        ecrire(s)
    with engine.connect() as conn:
        apres = changements.estampille(conn)
        lignes = changements.changements_depuis(conn, avant)
    assert [c.numero for c in lignes] == list(range(avant + 1, apres.numero + 1)), "numéros sans trou, dans l'ordre"
    return sorted({(c.genre, c.cle, c.division_id) for c in lignes})


def _nouvelle_version(s, e, ids):
    fiches.enregistrer(s, e.lea, ids["fiche"], ContenuFiche(**{**CONTENU.__dict__, "titre": "Commande urgente"}))


def _positionner(s, e, ids):
    s.add(Positionnement(fiche_id=ids["fiche"], enseignant_id=e.martin.compte_id, niveau=3))


def _renommer_compte(s, e, ids):
    s.execute(update(Compte).where(Compte.id == e.lea.compte_id).values(nom="Moreau-Durand"))


def _desactiver(s, e, ids):
    s.execute(update(Compte).where(Compte.id == e.lea.compte_id).values(actif=False))


def _changer_de_classe(s, e, ids):
    s.execute(update(Eleve).where(Eleve.id == ids["lea"]).values(division_id=ids["2AG1"]))


def _renommer_division(s, e, ids):
    s.execute(update(Division).where(Division.id == ids["1GA1"]).values(nom="1GA1 bis"))


def _nouvelle_division(s, e, ids):
    s.add(Division(etablissement_id=e.lea.etablissement_id, nom="TGA1", niveau=Niveau.TERMINALE,
                   annee_scolaire="2026-2027"))


# (what the user does, the write, the changes expected as (genre, key name, division name)).
ECRITURES = [
    ("nouvelle fiche", lambda s, e, ids: fiches.nouvelle_fiche(s, e.lea, CONTENU), None),
    ("nouvelle version", _nouvelle_version, [("fiche", "fiche", "1GA1")]),
    ("mise à la corbeille", lambda s, e, ids: fiches.supprimer(s, e.lea, ids["fiche"]), [("fiche", "fiche", "1GA1")]),
    ("fiche retenue", lambda s, e, ids: fiches.retenir(s, e.lea, ids["fiche"]), [("fiche", "fiche", "1GA1")]),
    ("positionnement", _positionner, [("fiche", "fiche", "1GA1")]),
    ("nom de l'élève", _renommer_compte, [("eleve", "lea", "1GA1")]),
    ("élève désactivé", _desactiver, [("eleve", "lea", "1GA1")]),
    ("changement de classe", _changer_de_classe, [("eleve", "lea", "1GA1"), ("eleve", "lea", "2AG1")]),
    ("division renommée", _renommer_division, [("division", "1GA1", "1GA1")]),
]


@pytest.mark.parametrize("ecrire, attendus", [(e, a) for _, e, a in ECRITURES], ids=[n for n, *_ in ECRITURES])
def test_every_write_the_analytics_read_is_logged(ecole, ecrire, attendus):
    engine, e, ids = ecole
    vus = _changements_pendant(engine, lambda s: ecrire(s, e, ids))
    if attendus is None:  # a new fiche: its own id, not known before
        assert len(vus) == 1 and vus[0][0] == "fiche" and vus[0][1] > ids["fiche"] and vus[0][2] == ids["1GA1"]
    else:
        assert vus == sorted((g, ids[c], ids[d]) for g, c, d in attendus)


def test_a_new_division_is_logged_with_its_own_id(ecole):
    engine, e, ids = ecole
    vus = _changements_pendant(engine, lambda s: _nouvelle_division(s, e, ids))
    assert len(vus) == 1 and vus[0][0] == "division" and vus[0][1] == vus[0][2] > ids["2AG1"]


def test_writes_the_analytics_do_not_read_leave_the_counter_alone(ecole):
    engine, e, ids = ecole
    maintenant = dt.datetime(2026, 12, 1, 8, 0)
    assert _changements_pendant(engine, lambda s: s.execute(
        update(Compte).where(Compte.id == e.lea.compte_id).values(nouveautes_vues_le=maintenant))) == []
    # A teacher's name is not read by the analytics (only students' names are).
    assert _changements_pendant(engine, lambda s: s.execute(
        update(Compte).where(Compte.id == e.martin.compte_id).values(nom="Martin-Leroy"))) == []
    # The same name written again is no change.
    assert _changements_pendant(engine, lambda s: s.execute(
        update(Compte).where(Compte.id == e.lea.compte_id).values(nom="Moreau"))) == []


def test_a_rolled_back_write_leaves_no_trace(ecole):
    engine, e, ids = ecole
    with engine.connect() as conn:
        avant = changements.estampille(conn)
    with pytest.raises(RuntimeError):
        with transaction(engine) as s:
            _positionner(s, e, ids)
            s.flush()
            raise RuntimeError("annulé")
    with engine.connect() as conn:
        assert changements.estampille(conn) == avant
        assert changements.changements_depuis(conn, avant.numero) == []


def test_a_bulk_load_starts_a_new_generation_and_raises_the_floor(ecole):
    engine, e, ids = ecole
    with engine.begin() as conn:
        avant = changements.estampille(conn)
        changements.suspendre_declencheurs(conn)
        conn.execute(update(Fiche).where(Fiche.id == ids["fiche"]).values(retenue=True))
        assert changements.estampille(conn).numero == avant.numero  # no trigger while loading
        changements.retablir_declencheurs(conn)
        apres = changements.repartir(conn)
    assert apres.generation != avant.generation
    assert apres.plancher == apres.numero == avant.numero + 1
    with engine.connect() as conn:
        assert changements.changements_depuis(conn, 0) == []
    # Triggers are back.
    assert _changements_pendant(engine, lambda s: _renommer_division(s, e, ids)) == [("division", ids["1GA1"],
                                                                                      ids["1GA1"])]


def test_pruning_deletes_old_rows_and_raises_the_floor(ecole):
    engine, e, ids = ecole
    with engine.connect() as conn:
        numero = changements.estampille(conn).numero
    with transaction(engine) as s:
        s.execute(text("UPDATE analytique_changement SET fait_le = :t WHERE numero <= :n"),
                  {"t": dt.datetime(2026, 1, 1), "n": numero - 1})
    with transaction(engine) as s:
        assert changements.elaguer(s, dt.datetime(2026, 6, 1)) == numero - 1
    with engine.connect() as conn:
        etat = changements.estampille(conn)
        assert (etat.numero, etat.plancher) == (numero, numero - 1)
        assert [c.numero for c in changements.changements_depuis(conn, 0)] == [numero]


def test_postgresql_numbers_follow_the_commit_order(pg_url):
    """Two writers: the one that wrote first but commits last gets the larger number, so a reader that has seen a
    number never later finds a smaller one."""
    engine = creer_engine(pg_url)
    initialiser(engine)
    ecole = creer_ecole(engine)
    with transaction(engine) as s:
        fiche_id = fiches.nouvelle_fiche(s, ecole.lea, CONTENU).id
    with engine.connect() as conn:
        depart = changements.estampille(conn).numero

    lent = engine.connect()
    transaction_lente = lent.begin()
    lent.execute(Positionnement.__table__.insert().values(fiche_id=fiche_id, enseignant_id=ecole.martin.compte_id,
                                                          niveau=2, commentaire="", cree_le=dt.datetime.now()))
    fini = threading.Event()

    def ecrire_vite():
        with transaction(engine) as s:
            s.add(Positionnement(fiche_id=fiche_id, enseignant_id=ecole.martin.compte_id, niveau=4))
        fini.set()

    rapide = threading.Thread(target=ecrire_vite)
    rapide.start()
    assert fini.wait(10), "l'écriture rapide ne doit pas attendre une transaction en cours avant son commit"
    rapide.join()
    with engine.connect() as conn:
        vus = changements.changements_depuis(conn, depart)
    assert [c.numero for c in vus] == [depart + 1]
    transaction_lente.commit()
    lent.close()
    with engine.connect() as conn:
        assert [c.numero for c in changements.changements_depuis(conn, depart)] == [depart + 1, depart + 2]
        niveaux = conn.execute(select(Positionnement.niveau).order_by(Positionnement.id)).scalars().all()
    assert niveaux == [2, 4]
    engine.dispose()


@pytest.mark.cli
def test_the_nightly_purge_prunes_changes_older_than_a_week(ecole, monkeypatch, capsys):
    from passeport.cli import main

    engine, e, ids = ecole
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    with engine.connect() as conn:
        numero = changements.estampille(conn).numero
    il_y_a_huit_jours = dt.datetime.now() - dt.timedelta(days=8)
    with transaction(engine) as s:  # every change but the last one is eight days old
        s.execute(text("UPDATE analytique_changement SET fait_le = :t WHERE numero < :n"),
                  {"t": il_y_a_huit_jours, "n": numero})
    assert main(["purger"]) == 0
    sortie = capsys.readouterr().out.splitlines()
    assert (f"Journal des changements de la copie d'analyse : {numero - 1} ligne(s) de plus de 7 jours "
            "effacée(s).") in sortie
    with engine.connect() as conn:
        assert changements.estampille(conn).plancher == numero - 1
        assert [c.numero for c in changements.changements_depuis(conn, 0)] == [numero]
