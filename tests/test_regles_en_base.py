"""The database holds the rules (issue 13): one retained fiche per student and situation, closed lists, on SQLite
and on PostgreSQL; "retenir" twice at once; migration 0011 on a store with data; the teacher's fiche page journals
only the fiche it shows; passeport.acces imports no service."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
import threading

import pytest
from alembic import command
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from passeport.acces import OPERATEUR
from passeport.db import creer_engine, transaction
from passeport.models import (
    GENRES_APPRECIATION, MOTIFS_OBJECTIF, NIVEAUX_ALEAS, NIVEAUX_COMPLEXITE, Fiche, FicheVersion, Lieu, Nature,
)
from passeport.schema import config_alembic, initialiser
from passeport.services import appreciations, extraits, fiches, formulations, objectifs, pfmp
from passeport.services.exports import exporter_fiches
from passeport.services.fiches import ContenuFiche
from passeport.services.imports import importer_fiches
from tests.conftest import RACINE
from tests.ecole import creer_ecole

pytestmark = pytest.mark.store

COMMANDE = ContenuFiche(situation="1.1.2", titre="Commande", date_debut=dt.date(2026, 10, 5), lieu=Lieu.PFMP,
                        nature=Nature.REELLE, complexite=1, aleas=0)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """An empty store on each database (PostgreSQL: PASSEPORT_POSTGRES_URL, its schema emptied)."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{tmp_path / 'regles.sqlite'}"


@pytest.fixture
def ecole_(url):
    engine = creer_engine(url)
    initialiser(engine)
    yield engine, creer_ecole(engine)
    engine.dispose()


def _deux_fiches(engine, ecole, situation="1.1.2") -> tuple[int, int]:
    with transaction(engine) as s:
        a = fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(COMMANDE, situation=situation, titre="A")).id
        b = fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(COMMANDE, situation=situation, titre="B")).id
    return a, b


def _retenues(engine) -> list[tuple[int, str]]:
    with Session(engine) as s:
        return list(s.execute(select(Fiche.id, Fiche.situation).where(Fiche.retenue.is_(True)).order_by(Fiche.id)))


def test_a_second_retained_fiche_of_a_situation_is_refused_by_the_database(ecole_):
    engine, ecole = ecole_
    a, b = _deux_fiches(engine, ecole)
    with transaction(engine) as s:
        fiches.retenir(s, ecole.lea, a)
    with pytest.raises(IntegrityError), engine.begin() as c:  # past the services, straight to the table
        c.execute(text("UPDATE fiche SET retenue = TRUE WHERE id = :b"), {"b": b})
    eleve = ecole.lea.eleve_id
    with pytest.raises(IntegrityError), engine.begin() as c:
        c.execute(text("INSERT INTO fiche (eleve_id, version_courante, situation, retenue, retenue_avant_corbeille, "
                       "cree_le, modifiee_le) VALUES (:e, 1, '1.1.2', TRUE, FALSE, '2026-11-30', '2026-11-30')"),
                  {"e": eleve})
    assert _retenues(engine) == [(a, "1.1.2")]
    # Another situation, or another student, is free; so are fiches that are not retained.
    c_id = _deux_fiches(engine, ecole, "1.1.3")[0]
    with transaction(engine) as s:
        fiches.retenir(s, ecole.lea, c_id)
        noe = fiches.nouvelle_fiche(s, ecole.noe, dataclasses.replace(COMMANDE, situation="1.1.1")).id
        fiches.retenir(s, ecole.noe, noe)
    assert _retenues(engine) == [(a, "1.1.2"), (c_id, "1.1.3"), (noe, "1.1.1")]


def test_the_situation_on_fiche_follows_every_save_path(ecole_):
    engine, ecole = ecole_
    a, _ = _deux_fiches(engine, ecole)
    with transaction(engine) as s:
        fiches.retenir(s, ecole.lea, a)
        fiches.enregistrer(s, ecole.lea, a, dataclasses.replace(COMMANDE, situation="1.1.3", titre="A"))
    with Session(engine) as s:
        fiche = s.get(Fiche, a)
        assert (fiche.situation, fiche.retenue) == ("1.1.3", False)  # a new situation: no longer retained
    with transaction(engine) as s:
        fiches.revenir_a(s, ecole.lea, a, 1)
    with Session(engine) as s:
        assert s.get(Fiche, a).situation == "1.1.2"
    with transaction(engine) as s:  # a version added by hand through the ORM (reimport, demo, tests do so)
        fiche = s.get(Fiche, a)
        fiche.versions.append(fiches.version_depuis_contenu(dataclasses.replace(COMMANDE, situation="1.1.1"), 4, None))
        fiche.version_courante = 4
    with Session(engine) as s:
        assert s.get(Fiche, a).situation == "1.1.1"


def _en_meme_temps(engine, appels) -> list[BaseException | None]:
    """Run each call in its own thread and transaction, all released together; what each raised (None: fine)."""
    depart = threading.Barrier(len(appels))
    resultats: list[BaseException | None] = [None] * len(appels)

    def courir(i, appel):
        try:
            with transaction(engine) as s:
                depart.wait()
                appel(s)
        except BaseException as exc:  # noqa: BLE001 — the test reports it
            resultats[i] = exc

    fils = [threading.Thread(target=courir, args=(i, a)) for i, a in enumerate(appels)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    return resultats


def test_two_retenir_at_once_leave_exactly_one_retained_fiche_and_the_export_imports(ecole_, tmp_path):
    engine, ecole = ecole_
    a, b = _deux_fiches(engine, ecole)
    for tour in range(8):
        resultats = _en_meme_temps(engine, [lambda s: fiches.retenir(s, ecole.lea, a),
                                            lambda s: fiches.retenir(s, ecole.lea, b)])
        # Both are served one after the other (the later choice stands); never a traceback.
        assert resultats == [None, None], (tour, resultats)
        retenues = _retenues(engine)
        assert len(retenues) == 1 and retenues[0][0] in (a, b), (tour, retenues)
    # The store exports a file its own import accepts (the bug: two retained fiches, and an import refusing them).
    with Session(engine) as s:
        assert exporter_fiches(s, tmp_path / "fiches.csv") == 2
    autre = creer_engine(f"sqlite:///{tmp_path / 'autre.sqlite'}")
    initialiser(autre)
    creer_ecole(autre)
    with transaction(autre) as s:
        assert importer_fiches(s, OPERATEUR, tmp_path / "fiches.csv").crees == 2
    assert [situation for _, situation in _retenues(autre)] == ["1.1.2"]
    autre.dispose()


def test_restoring_from_the_bin_while_another_fiche_is_retained_keeps_one(ecole_):
    engine, ecole = ecole_
    a, b = _deux_fiches(engine, ecole)
    with transaction(engine) as s:
        fiches.retenir(s, ecole.lea, a)
        fiches.supprimer(s, ecole.lea, a)
    resultats = _en_meme_temps(engine, [lambda s: fiches.restaurer(s, ecole.lea, a),
                                        lambda s: fiches.retenir(s, ecole.lea, b)])
    assert resultats == [None, None]
    assert len(_retenues(engine)) == 1


def _refusee(engine, sql: str, **valeurs) -> None:
    with pytest.raises(IntegrityError), engine.begin() as c:
        c.execute(text(sql), valeurs)


def test_closed_lists_are_checked_by_the_database(ecole_):
    engine, ecole = ecole_
    with transaction(engine) as s:
        fiche = fiches.nouvelle_fiche(s, ecole.lea, COMMANDE)
        periode = pfmp.enregistrer_pfmp(s, ecole.martin, ecole.lea.eleve_id, "BIOMAG", dt.date(2026, 11, 16),
                                        dt.date(2026, 12, 11), "Julien Garnier")
        objectifs.enregistrer_objectifs(s, ecole.martin, periode.id, [objectifs.ObjectifSaisi("2.1.1", "jamais_traversee")])
        appreciation = appreciations.ecrire(s, ecole.martin, ecole.lea.eleve_id, "Précise les étapes.", fiche.id)
        formulation = formulations.ajouter(s, ecole.martin, "Cherche un aléa.", "alea")
        extrait = extraits.creer_extrait(s, ecole.lea, "Stage", [fiche.id])
        ids = {"fiche": fiche.id, "appreciation": appreciation.id, "formulation": formulation.id,
               "extrait": extrait.id, "pfmp": periode.id}
    version = "UPDATE fiche_version SET {} WHERE fiche_id = :i"
    _refusee(engine, version.format("lieu = 'lune'"), i=ids["fiche"])
    _refusee(engine, version.format("nature = 'inventee'"), i=ids["fiche"])
    _refusee(engine, version.format(f"complexite = {max(NIVEAUX_COMPLEXITE) + 1}"), i=ids["fiche"])
    _refusee(engine, version.format(f"aleas = {min(NIVEAUX_ALEAS) - 1}"), i=ids["fiche"])
    _refusee(engine, "INSERT INTO fiche_version (fiche_id, numero, situation, titre, date_debut, lieu, nature, "
             "organisation, contexte, conditions, demarche, productions, complexite, complexite_details, aleas, "
             "aleas_details, cree_le) VALUES (:i, 9, '1.1.2', 'x', '2026-10-05', 'mars', 'reelle', '', '', '', '', "
             "'', 1, '', 0, '', '2026-11-30')", i=ids["fiche"])
    _refusee(engine, "UPDATE appreciation SET genre = 'note' WHERE id = :i", i=ids["appreciation"])
    _refusee(engine, "UPDATE appreciation SET origine = 'parent' WHERE id = :i", i=ids["appreciation"])
    _refusee(engine, "UPDATE formulation SET genre = '' WHERE id = :i", i=ids["formulation"])
    _refusee(engine, "UPDATE objectif_pfmp SET motif = 'au_hasard' WHERE pfmp_id = :i", i=ids["pfmp"])
    _refusee(engine, "UPDATE extrait SET origine = 'vole' WHERE id = :i", i=ids["extrait"])
    # Every value of the lists is accepted (the Python constants are the single source of the rules).
    with engine.begin() as c:
        for genre in GENRES_APPRECIATION:
            c.execute(text("UPDATE appreciation SET genre = :g WHERE id = :i"), {"g": genre, "i": ids["appreciation"]})
        for motif in MOTIFS_OBJECTIF:
            c.execute(text("UPDATE objectif_pfmp SET motif = :m WHERE pfmp_id = :i"), {"m": motif, "i": ids["pfmp"]})
        for lieu in Lieu:
            c.execute(text(version.format("lieu = :l")), {"l": lieu.value, "i": ids["fiche"]})


def test_the_services_lists_are_those_of_the_database():
    from passeport.services.appreciations import GENRES
    from passeport.services.fiches import LIBELLES_ALEAS, LIBELLES_COMPLEXITE
    from passeport.services.formulations import GENRES_BIBLIOTHEQUE

    assert tuple(GENRES) == GENRES_APPRECIATION
    assert tuple(GENRES_BIBLIOTHEQUE) == GENRES_APPRECIATION[1:]
    assert objectifs.MOTIFS_CONNUS == set(MOTIFS_OBJECTIF)
    assert (tuple(LIBELLES_COMPLEXITE), tuple(LIBELLES_ALEAS)) == (NIVEAUX_COMPLEXITE, NIVEAUX_ALEAS)


def _vrai(url: str) -> str:
    return "1" if url.startswith("sqlite") else "TRUE"


def test_migration_0011_fills_the_situation_and_repairs_duplicate_retained_fiches(url):
    """Upgraded from 0010 with the bug's data: the most recently changed of two retained fiches of one situation stays
    retained, a retained fiche in the bin keeps only the memory of it, an unknown genre becomes "générale"."""
    engine = creer_engine(url)
    command.upgrade(config_alembic(engine), "0010")
    v, f = _vrai(url), ("0" if url.startswith("sqlite") else "FALSE")
    fiches_ = [  # id, retenue, modifiee_le, supprimee_le, situations of versions 1 and 2 (current: 2)
        (1, v, "2026-11-01", None, "1.1.1", "1.1.2"),  # retained, changed first: loses the mark
        (2, v, "2026-11-05", None, "1.1.2", "1.1.2"),  # retained, changed last: keeps it
        (3, v, "2026-11-09", "2026-11-10", "1.1.2", "1.1.2"),  # retained in the bin: remembers it only
        (4, v, "2026-11-02", None, "1.1.3", "1.1.3"),  # alone on its situation: keeps it
        (5, f, "2026-11-03", None, "1.1.2", "1.1.4"),
    ]
    with engine.begin() as c:
        for sql in (
            "INSERT INTO etablissement (id, uai, nom, quota_pieces_jointes_mo) VALUES (1, '0350001A', 'Lycée', 200)",
            f"INSERT INTO compte (id, login, role, nom, prenom, email, actif, doit_changer_mot_de_passe, "
            f"echecs_connexion, cree_le) VALUES (1, 'eleve', 'eleve', '', '', '', {v}, {f}, 0, '2026-09-01'), "
            f"(2, 'prof', 'enseignant', '', '', '', {v}, {f}, 0, '2026-09-01')",
            "INSERT INTO division (id, etablissement_id, nom, niveau, annee_scolaire, referentiel) "
            "VALUES (1, 1, '1GA1', '1re', '2026-2027', 'ga-2012')",
            "INSERT INTO eleve (id, compte_id, identifiant, division_id) VALUES (1, 1, 'INE1', 1)",
            "INSERT INTO appreciation (id, eleve_id, auteur_id, auteur_nom, texte, origine, genre, version_courante, "
            "cree_le) VALUES (1, 1, 2, 'Prof', 'Bien vu.', 'enseignant', 'bizarre', 1, '2026-11-02')",
        ):
            c.execute(text(sql))
        for i, retenue, modifiee, supprimee, s1, s2 in fiches_:
            c.execute(text(f"INSERT INTO fiche (id, eleve_id, version_courante, retenue, retenue_avant_corbeille, "
                           f"cree_le, modifiee_le, supprimee_le) VALUES (:i, 1, 2, {retenue}, {f}, '2026-10-01', "
                           f":m, :s)"), {"i": i, "m": modifiee, "s": supprimee})
            for numero, situation in ((1, s1), (2, s2)):
                c.execute(text("INSERT INTO fiche_version (fiche_id, numero, situation, titre, date_debut, lieu, "
                               "nature, organisation, contexte, conditions, demarche, productions, complexite, "
                               "complexite_details, aleas, aleas_details, cree_le) VALUES (:i, :n, :s, 'Titre', "
                               "'2026-10-01', 'pfmp', 'reelle', '', '', '', '', '', 1, '', 0, '', '2026-10-01')"),
                          {"i": i, "n": numero, "s": situation})
        if not url.startswith("sqlite"):
            c.execute(text("SELECT setval('fiche_id_seq', 10)"))
    command.upgrade(config_alembic(engine), "0011")  # this migration alone (0012 and later have their own tests)
    with engine.connect() as c:
        assert [tuple(r) for r in c.execute(text(
            "SELECT id, situation, retenue, retenue_avant_corbeille FROM fiche ORDER BY id"))] == [
            (1, "1.1.2", False, False), (2, "1.1.2", True, False), (3, "1.1.2", False, True),
            (4, "1.1.3", True, False), (5, "1.1.4", False, False)]
        assert c.execute(text("SELECT genre FROM appreciation")).scalar_one() == ""
    with pytest.raises(IntegrityError), engine.begin() as c:
        c.execute(text(f"UPDATE fiche SET retenue = {v} WHERE id = 1"))
    # And back: 0010 has no column nor rule of 0011 (fiche_version untouched), then up again.
    command.downgrade(config_alembic(engine), "0010")
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM fiche_version")).scalar_one() == 10
        c.execute(text("UPDATE appreciation SET genre = 'libre'"))
        c.rollback()
    command.upgrade(config_alembic(engine), "0011")
    engine.dispose()


def test_acces_imports_no_service():
    """The acces ↔ services.audit cycle is broken: the journal's writers live in passeport.journal."""
    sortie = subprocess.run(
        [sys.executable, "-c", "import sys, passeport.acces; "
                               "print(sorted(m for m in sys.modules if m.startswith('passeport.services')))"],
        capture_output=True, text=True, cwd=RACINE, check=True)
    assert sortie.stdout.strip() == "[]"


def test_a_teacher_opening_a_fiche_of_one_student_journals_only_that_student(demo_db_url, tmp_path, monkeypatch):
    """The bug: the hidden « Ouvrir une autre fiche » list loaded the first student of the teacher's divisions, and
    that student's « Qui a vu mon passeport » showed a reading that never happened."""
    import shutil

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from passeport.models import Compte, Eleve, EvenementAudit
    from passeport.services.accueil import eleves_de_mes_divisions
    from passeport.services.comptes import utilisateur_de
    from passeport.services import sessions

    shutil.copy(demo_db_url.removeprefix("sqlite:///"), tmp_path / "demo.sqlite")
    adresse = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", adresse)
    st.cache_resource.clear()
    engine = creer_engine(adresse)
    with Session(engine) as s:
        martin = utilisateur_de(s, s.scalar(select(Compte).where(Compte.login == "claire.martin")))
        eleves = eleves_de_mes_divisions(s, martin)
        b = eleves[3].eleve_id  # not the first student of the lists
        fiche_b = s.scalar(select(Fiche.id).where(Fiche.eleve_id == b, Fiche.supprimee_le.is_(None)).limit(1))
        depuis = s.scalar(select(func.coalesce(func.max(EvenementAudit.id), 0)))
        assert eleves[0].eleve_id != b and fiche_b is not None
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=30)
    with transaction(engine) as s:  # signed in (the session's token, as the sign-in route gives it)
        at.session_state["jeton"] = sessions.ouvrir(s, martin.compte_id)
    at.session_state["fiche_suivie"] = fiche_b
    at.run()
    at.switch_page("pages/enseignant_fiche.py")
    at.run()
    assert not at.exception, at.exception
    with Session(engine) as s:
        lus = s.execute(select(EvenementAudit.eleve_id, func.count()).where(
            EvenementAudit.id > depuis, EvenementAudit.action == "consultation").group_by(EvenementAudit.eleve_id)).all()
    assert [tuple(l) for l in lus] == [(b, 1)]
    assert at.selectbox(key="suivi_eleve").value is None  # the hidden list loads no student until one is chosen
    engine.dispose()
    st.cache_resource.clear()


def _archive_modifiee(archive: bytes, changer) -> bytes:
    """The ZIP with its passeport.json changed by ``changer`` (and the manifest's SHA-256 and size updated)."""
    import hashlib
    import io
    import json
    import zipfile

    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        contenus = {nom: z.read(nom) for nom in z.namelist()}
    document = json.loads(contenus["passeport.json"])
    changer(document)
    contenus["passeport.json"] = json.dumps(document, ensure_ascii=False).encode()
    manifeste = json.loads(contenus["manifeste.json"])
    for ligne in manifeste["fichiers"]:
        if ligne["chemin"] == "passeport.json":
            ligne.update(sha256=hashlib.sha256(contenus["passeport.json"]).hexdigest(),
                         taille=len(contenus["passeport.json"]))
    contenus["manifeste.json"] = json.dumps(manifeste).encode()
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w") as z:
        for nom, octets in contenus.items():
            z.writestr(nom, octets)
    return sortie.getvalue()


def test_an_older_archive_with_two_retained_fiches_reimports_with_one(tmp_path, monkeypatch):
    """A passport exported by a store that had the bug: the most recently changed fiche stays retained, the one in the
    bin remembers it was; an unknown genre of appréciation is refused in French, nothing written."""
    import io

    from passeport.archive_lecture import ArchiveInvalide
    from passeport.services import exploitation

    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "donnees"))
    depart = creer_engine(f"sqlite:///{tmp_path / 'depart.sqlite'}")
    initialiser(depart)
    ecole = creer_ecole(depart)
    a, b = _deux_fiches(depart, ecole)
    with transaction(depart) as s:
        c_id = fiches.nouvelle_fiche(s, ecole.lea, dataclasses.replace(COMMANDE, titre="C")).id
        fiches.supprimer(s, ecole.lea, c_id)
        appreciations.ecrire(s, ecole.martin, ecole.lea.eleve_id, "Bien.", a)
        tampon = io.BytesIO()
        exploitation.exporter_passeport(s, OPERATEUR, ecole.lea.eleve_id, tampon)
    depart.dispose()

    def deux_retenues(document):
        for f in document["fiches"]:
            f["retenue"] = True
            f["modifiee_le"] = {a: "2026-11-01T10:00:00Z", b: "2026-11-05T10:00:00Z"}.get(f["id"], f["modifiee_le"])

    arrivee = creer_engine(f"sqlite:///{tmp_path / 'arrivee.sqlite'}")
    initialiser(arrivee)
    creer_ecole(arrivee)
    mauvaise = _archive_modifiee(tampon.getvalue(), lambda d: d["appreciations"][0].update(genre="note"))
    with pytest.raises(ArchiveInvalide) as refus, transaction(arrivee) as s:
        exploitation.importer_passeport(s, OPERATEUR, io.BytesIO(mauvaise), division="1GA1")
    assert any("genre « note »" in e for e in refus.value.erreurs)
    with Session(arrivee) as s:
        assert s.scalar(select(func.count()).select_from(Fiche)) == 0
    with transaction(arrivee) as s:
        exploitation.importer_passeport(s, OPERATEUR, io.BytesIO(_archive_modifiee(tampon.getvalue(), deux_retenues)),
                                        division="1GA1")
    with Session(arrivee) as s:
        lignes = s.execute(select(FicheVersion.titre, Fiche.retenue, Fiche.retenue_avant_corbeille).join(
            Fiche, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
            .order_by(FicheVersion.titre)).all()
    assert [tuple(l) for l in lignes] == [("A", False, False), ("B", True, False), ("C", False, True)]
    arrivee.dispose()


def test_an_import_racing_a_retenir_is_refused_in_french(ecole_, monkeypatch):
    """The import checks the retained fiches, then writes: a fiche retained in between (simulated here by hiding it
    from the check) makes the database refuse, and the import says so, writing nothing."""
    from passeport.services import imports

    engine, ecole = ecole_
    a, _ = _deux_fiches(engine, ecole)
    with transaction(engine) as s:
        fiches.retenir(s, ecole.lea, a)
    monkeypatch.setattr(imports, "_retenues_existantes", lambda session, eleve_ids: set())
    fichier = ("eleve;situation;titre;date_debut;date_fin;lieu;nature;organisation;contexte;conditions;demarche;"
               "productions;complexite;complexite_details;aleas;aleas_details;retenue\n"
               "INE1;1.1.2;Importée;2026-10-01;;pfmp;reelle;;;;;;1;;0;;1\n").encode()
    with pytest.raises(imports.ImportInvalide, match="relancez l'import"), transaction(engine) as s:
        importer_fiches(s, OPERATEUR, fichier)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Fiche)) == 2
    assert _retenues(engine) == [(a, "1.1.2")]


def test_a_tutor_link_ends_when_it_expires_or_the_student_leaves(ecole_):
    from passeport.acces import AccesRefuse
    from passeport.models import Eleve, LienTuteur

    engine, ecole = ecole_
    with transaction(engine) as s:
        periode = pfmp.enregistrer_pfmp(s, ecole.martin, ecole.lea.eleve_id, "BIOMAG", dt.date(2026, 11, 16),
                                        dt.date(2026, 12, 11), "Julien Garnier")
        tuteur = pfmp.se_presenter(s, pfmp.ouvrir(s, pfmp.creer_lien(s, ecole.martin, periode.id)), "Julien Garnier")
    with Session(engine) as s:
        assert pfmp.fiches_du_tuteur(s, tuteur) == []
    for changer in (lambda s: setattr(s.get(Eleve, ecole.lea.eleve_id), "sorti_le", dt.date(2026, 11, 1)),
                    lambda s: setattr(s.get(LienTuteur, tuteur.lien_id), "expire_le", dt.datetime(2026, 11, 1))):
        with transaction(engine) as s:
            changer(s)
        with Session(engine) as s, pytest.raises(AccesRefuse, match="plus valable"):
            pfmp.fiches_du_tuteur(s, tuteur)
        with transaction(engine) as s:  # back to a live link for the next case
            s.get(Eleve, ecole.lea.eleve_id).sorti_le = None
            s.get(LienTuteur, tuteur.lien_id).expire_le = dt.datetime(2099, 1, 1)
