"""Full export of a passport (ZIP) and its import in another instance: everything comes back, or nothing is written.

The source is a private copy of the demo school where Léa Moreau's passport gets what the demo lacks (attachments,
one withdrawn, a fiche in the bin, a context, a corrected appréciation and its follow-up, a questionnement, PFMP
goals and a tutor report). It is imported into a fresh SQLite database and into a fresh PostgreSQL one, and every
row of her passport is compared, attachment bytes included.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport import stockage
from passeport.archive_lecture import ArchiveInvalide
from passeport.db import creer_engine, transaction
from passeport.models import (
    Appreciation, Base, Compte, ContexteReutilisable, Division, Eleve, Etablissement, Fiche, Niveau, ObjectifPfmp,
    Pfmp, PieceJointe, Positionnement, Questionnement, Role,
)
from passeport.schema import initialiser
from passeport.services import appreciations, contextes, fiches, pieces, suivi
from passeport.services.archive import ecrire_archive
from passeport.services.comptes import utilisateur_de
from passeport.services.reimport import importer_passeport
from tests import fichiers

pytestmark = pytest.mark.store

IDENTIFIANT = "DEMO00025"  # lea.moreau in the demo school
PDF, PNG, TXT = fichiers.pdf(2), fichiers.png(), b"Premier jet du courrier au fournisseur\n"


def _compte(s, login):
    return s.scalar(select(Compte).where(Compte.login == login))


@pytest.fixture(scope="module")
def source(demo_privee):
    """(engine URL, pieces folder, ZIP path) of Léa's enriched passport exported from the demo copy."""
    url, dossier = demo_privee
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PASSEPORT_DONNEES", str(dossier / "donnees"))
        engine = creer_engine(url)
        with transaction(engine) as s:
            lea = utilisateur_de(s, _compte(s, "lea.moreau"))
            martin = utilisateur_de(s, _compte(s, "claire.martin"))
            ids = list(s.scalars(select(Fiche.id).where(Fiche.eleve_id == lea.eleve_id, Fiche.supprimee_le.is_(None))
                                 .order_by(Fiche.id)))
            pieces.ajouter(s, lea, ids[0], "compte-rendu.pdf", PDF)
            pieces.ajouter(s, lea, ids[1], "capture.png", PNG)
            pieces.ajouter(s, lea, ids[1], "même contenu.pdf", PDF)  # same bytes: one file in the ZIP
            retiree = pieces.ajouter(s, lea, ids[2], "brouillon.txt", TXT)
            pieces.retirer(s, lea, retiree.id)
            fiches.supprimer(s, lea, ids[3])
            contextes.enregistrer(s, lea, contextes.Contexte("PFMP BIOMAG – achats", organisation="BIOMAG",
                                                             poste="assistante « achats »"))
            premiere = appreciations.ecrire(s, martin, lea.eleve_id, "Précise les délais.", ids[0], genre="complexite")
            appreciations.corriger(s, martin, premiere.id, "Précise les délais de livraison.")
            appreciations.ecrire(s, martin, lea.eleve_id, "Bien repris, Léa.", ids[0], suite_de_id=premiere.id)
            suivi.noter_questionnement(s, martin, ids[0], ["alea_imprevu"], "J'ai rappelé le fournisseur.")
            biomag = s.scalar(select(Pfmp).where(Pfmp.eleve_id == lea.eleve_id).order_by(Pfmp.date_debut))
            biomag.bilan_tuteur = "Léa a géré seule les commandes « urgentes »."
            biomag.bilan_situations = json.dumps({"1.1.2": 3, "1.2.1": 4})
            biomag.bilan_le, biomag.bilan_par = dt.datetime(2026, 2, 6, 16, 30, 12, 345678), "Julien Garnier"
            s.add_all([ObjectifPfmp(pfmp_id=biomag.id, rang=1, situation="1.1.2", motif="une_seule_fois",
                                    consigne="Passer une commande.", organisations="BIOMAG|Mairie",
                                    cree_par_id=martin.compte_id, cree_le=dt.datetime(2026, 1, 5, 9, 0),
                                    vu_le=dt.datetime(2026, 1, 6, 18, 2, 1)),
                       ObjectifPfmp(pfmp_id=biomag.id, rang=2, situation="1.2.1", motif="", consigne="",
                                    organisations="", cree_par_id=martin.compte_id,
                                    cree_le=dt.datetime(2026, 1, 5, 9, 0))])
            s.get(Fiche, ids[4]).pfmp_id = biomag.id
        archive = dossier / "lea.zip"
        with Session(engine) as s:
            ecrire_archive(s, s.scalar(select(Eleve.id).where(Eleve.identifiant == IDENTIFIANT)), archive)
        engine.dispose()
    return url, dossier / "donnees" / "pieces", archive


def _accueil(url: str) -> None:
    """The target school: 1GA1 (GA 2012), 2AG1 (AGORA), and an active teacher namesake of the demo's."""
    engine = creer_engine(url)
    initialiser(engine)
    with transaction(engine) as s:
        etab = Etablissement(uai="0290001B", nom="Lycée de Brest")
        s.add_all([Division(etablissement=etab, nom="1GA1", niveau=Niveau.PREMIERE, annee_scolaire="2026-2027"),
                   Division(etablissement=etab, nom="2AG1", niveau=Niveau.SECONDE, annee_scolaire="2026-2027",
                            referentiel="agora-2020"),
                   Compte(login="claire.martin", role=Role.ENSEIGNANT, etablissement=etab, prenom="Claire",
                          nom="Martin")])
    engine.dispose()


def releve(url: str, pieces_dossier: Path) -> dict:
    """Every row of Léa's passport, ids replaced by ranks and accounts by names: comparable across instances."""
    engine = creer_engine(url)
    with Session(engine) as s:
        eleve = s.scalar(select(Eleve).where(Eleve.identifiant == IDENTIFIANT))
        liste = list(s.scalars(select(Fiche).where(Fiche.eleve_id == eleve.id).order_by(Fiche.id)))
        rang = {f.id: i for i, f in enumerate(liste)}
        periodes = list(s.scalars(select(Pfmp).where(Pfmp.eleve_id == eleve.id).order_by(Pfmp.id)))
        rang_pfmp = {p.id: i for i, p in enumerate(periodes)}
        nom = {c.id: f"{c.prenom} {c.nom}" for c in s.scalars(select(Compte))}
        ids = list(rang)
        resultat = {
            "eleve": (eleve.identifiant, eleve.compte.nom, eleve.compte.prenom, eleve.compte.email),
            "fiches": [
                (f.cree_le, f.modifiee_le, f.supprimee_le, f.retenue, f.partagee_tuteur, f.version_courante,
                 rang_pfmp.get(f.pfmp_id),
                 [(v.numero, v.situation, v.titre, v.date_debut, v.date_fin, v.lieu, v.nature, v.organisation,
                   v.contexte, v.conditions, v.demarche, v.productions, v.complexite, v.complexite_details, v.aleas,
                   v.aleas_details, v.cree_le, v.auteur_id == eleve.compte_id) for v in f.versions])
                for f in liste
            ],
            "pieces": [
                (rang[p.fiche_id], p.nom, p.type_mime, p.taille, p.sha256, p.cree_le, p.supprimee_le,
                 stockage.lire(p.sha256, pieces_dossier))
                for p in s.scalars(select(PieceJointe).where(PieceJointe.fiche_id.in_(ids)).order_by(PieceJointe.id))
            ],
            "appreciations": [],
            "positionnements": [
                (rang[p.fiche_id], nom[p.enseignant_id], p.niveau, p.commentaire, p.cree_le)
                for p in s.scalars(select(Positionnement).where(Positionnement.fiche_id.in_(ids))
                                   .order_by(Positionnement.id))
            ],
            "questionnements": [
                (rang[q.fiche_id], q.version, nom[q.enseignant_id], q.questions, q.ajout, q.cree_le)
                for q in s.scalars(select(Questionnement).where(Questionnement.fiche_id.in_(ids))
                                   .order_by(Questionnement.id))
            ],
            "pfmp": [
                (p.organisation.nom, p.organisation.forme, p.organisation.secteur, p.organisation.ville, p.date_debut,
                 p.date_fin, (p.tuteur.nom, p.tuteur.prenom, p.tuteur.email, p.tuteur.fonction), p.objectifs,
                 p.bilan_tuteur, json.loads(p.bilan_situations), p.bilan_le, p.bilan_par,
                 [(o.rang, o.situation, o.motif, o.consigne, o.organisations, nom[o.cree_par_id], o.cree_le, o.vu_le)
                  for o in s.scalars(select(ObjectifPfmp).where(ObjectifPfmp.pfmp_id == p.id)
                                     .order_by(ObjectifPfmp.rang))])
                for p in periodes
            ],
            "contextes": [
                (c.nom, c.organisation, c.service, c.poste, c.contexte, c.conditions, c.cree_le, c.supprime_le)
                for c in s.scalars(select(ContexteReutilisable).where(ContexteReutilisable.eleve_id == eleve.id)
                                   .order_by(ContexteReutilisable.id))
            ],
        }
        lignes = list(s.scalars(select(Appreciation).where(Appreciation.eleve_id == eleve.id).order_by(Appreciation.id)))
        rang_app = {a.id: i for i, a in enumerate(lignes)}
        resultat["appreciations"] = [
            (rang.get(a.fiche_id), a.auteur_nom or nom[a.auteur_id], a.texte, a.origine, a.genre,
             rang_app.get(a.suite_de_id), a.version_courante, a.cree_le, a.modifiee_le, a.retiree_le, a.lue_le,
             [(v.numero, v.texte, v.cree_le) for v in a.versions])
            for a in lignes
        ]
    engine.dispose()
    return resultat


def _verifier_aller_retour(source, url_cible: str, tmp_path: Path, monkeypatch) -> None:
    url_source, pieces_source, archive = source
    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "accueil"))
    _accueil(url_cible)
    engine = creer_engine(url_cible)
    with transaction(engine) as s:
        bilan = importer_passeport(s, archive)
    assert (bilan.login, bilan.division, bilan.rattache) == ("lea.moreau", "1GA1", False)
    attendu, obtenu = releve(url_source, pieces_source), releve(url_cible, tmp_path / "accueil" / "pieces")
    # Numbers written by hand: the demo's Léa plus what the fixture added.
    assert len(obtenu["fiches"]) == 73
    assert sum(len(f[7]) for f in obtenu["fiches"]) == 82
    assert sum(1 for f in obtenu["fiches"] if f[2] is not None) == 3  # 2 in the demo's bin + 1
    assert len(obtenu["appreciations"]) == 8 and len(obtenu["positionnements"]) == 10
    assert len(obtenu["pfmp"]) == 3 and len(obtenu["pfmp"][0][12]) == 2
    assert obtenu["pfmp"][0][9] == {"1.1.2": 3, "1.2.1": 4}
    assert obtenu["pfmp"][0][10] == dt.datetime(2026, 2, 6, 16, 30, 12, 345678)
    assert [p[1] for p in obtenu["pieces"]] == ["compte-rendu.pdf", "capture.png", "même contenu.pdf", "brouillon.txt"]
    assert obtenu["pieces"][3][6] is not None and obtenu["pieces"][3][7] == TXT
    assert sorted(p.name for p in (tmp_path / "accueil" / "pieces").iterdir()) == sorted(
        hashlib.sha256(c).hexdigest() for c in (PDF, PNG, TXT))
    corrigee = obtenu["appreciations"][6]
    assert corrigee[2] == "Précise les délais de livraison." and [v[1] for v in corrigee[11]] == [
        "Précise les délais.", "Précise les délais de livraison."]
    assert obtenu["appreciations"][7][5] == 6  # the follow-up still points to it
    # And everything else, field by field, version by version.
    for cle in attendu:
        assert obtenu[cle] == attendu[cle], cle
    with Session(engine) as s:
        # Positionnements go to an inactive placeholder, never to this school's namesake Claire Martin.
        fictifs = s.execute(select(Compte.login, Compte.actif, Compte.mot_de_passe_hash).join(
            Positionnement, Positionnement.enseignant_id == Compte.id).distinct()).all()
        assert fictifs == [("ancien-claire.martin", False, None)]
        assert s.scalar(select(Compte.mot_de_passe_hash).where(Compte.login == "lea.moreau")) is None
    with pytest.raises(ArchiveInvalide) as refus, transaction(engine) as s:
        importer_passeport(s, archive)
    assert refus.value.erreurs == [
        f"L'identifiant {IDENTIFIANT} existe déjà dans cette instance avec un autre passeport : Léa Moreau, "
        "division 1GA1, 73 fiche(s), 3 PFMP. Import refusé, rien n'a été enregistré."]
    engine.dispose()


def test_export_then_import_into_a_fresh_sqlite_gives_the_same_passport(source, tmp_path, monkeypatch):
    _verifier_aller_retour(source, f"sqlite:///{tmp_path / 'accueil.sqlite'}", tmp_path, monkeypatch)


def test_export_then_import_into_a_fresh_postgresql_gives_the_same_passport(source, pg_url, tmp_path, monkeypatch):
    _verifier_aller_retour(source, pg_url, tmp_path, monkeypatch)


def test_the_zip_holds_the_json_the_manifest_and_each_content_once(source):
    with zipfile.ZipFile(source[2]) as z:
        noms = sorted(z.namelist())
        manifeste = json.loads(z.read("manifeste.json"))
        document = json.loads(z.read("passeport.json"))
    shas = sorted(hashlib.sha256(c).hexdigest() for c in (PDF, PNG, TXT))
    assert noms == ["manifeste.json", "passeport.json", *[f"pieces/{s}" for s in shas]]
    assert (document["format"], document["version"], manifeste["version"]) == ("passeport-professionnel", 1, 1)
    assert {f["chemin"]: f["taille"] for f in manifeste["fichiers"]}[f"pieces/{hashlib.sha256(PNG).hexdigest()}"] \
        == len(PNG)
    assert document["eleve"]["identifiant"] == IDENTIFIANT and document["exporte_le"].endswith("Z")
    assert document["pfmp"][0]["bilan_le"] == "2026-02-06T16:30:12.345678Z"


# --- damaged archives: a French message, nothing written ------------------------------------------------------------


def _entrees(chemin: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(chemin) as z:
        return {n: z.read(n) for n in z.namelist()}


def _zip(entrees: dict[str, bytes], manifeste_a_jour: bool = True) -> bytes:
    if manifeste_a_jour:
        manifeste = json.loads(entrees["manifeste.json"])
        for f in manifeste["fichiers"]:
            if f["chemin"] == "passeport.json":
                f["sha256"] = hashlib.sha256(entrees["passeport.json"]).hexdigest()
                f["taille"] = len(entrees["passeport.json"])
        entrees = {**entrees, "manifeste.json": json.dumps(manifeste).encode()}
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as z:
        for nom, contenu in entrees.items():
            z.writestr(nom, contenu)
    return tampon.getvalue()


def _document(entrees, changer) -> dict[str, bytes]:
    document = json.loads(entrees["passeport.json"])
    changer(document)
    return {**entrees, "passeport.json": json.dumps(document).encode()}


def _piece_alteree(e):
    nom = next(n for n in e if n.startswith("pieces/"))
    return _zip({**e, nom: e[nom][:-1] + b"X"})


def _piece_manquante(e):
    return _zip({n: c for n, c in e.items() if n != f"pieces/{hashlib.sha256(PNG).hexdigest()}"})


def _bombe(e):
    zeros = bytes(13 * 1024 * 1024)
    sha = hashlib.sha256(zeros).hexdigest()
    manifeste = json.loads(e["manifeste.json"])
    manifeste["fichiers"].append({"chemin": f"pieces/{sha}", "sha256": sha, "taille": len(zeros)})
    return _zip({**e, "manifeste.json": json.dumps(manifeste).encode(), f"pieces/{sha}": zeros}, False)


def _caractere_nul(document):
    document["fiches"][0]["versions"][0]["demarche"] = "J'ai\x00 appelé"


def _situation_inconnue(document):
    document["fiches"][5]["versions"][0]["situation"] = "9.9.9"


DOMMAGES = {
    "sha256": (_piece_alteree, {}, "empreinte SHA-256 différente de celle du manifeste (fichier altéré)"),
    "fichier manquant": (_piece_manquante, {}, "fichier manquant dans l'archive : pieces/"),
    "version inconnue": (lambda e: _zip(_document(e, lambda d: d.update(version=2))), {},
                         "passeport.json : version de format 2 inconnue"),
    "json invalide": (lambda e: _zip({**e, "passeport.json": b'{"format": "passeport-professionnel", '}), {},
                      "passeport.json n'est pas un JSON valide"),
    "chemin dangereux": (lambda e: _zip({**e, "../../etc/cron.d/x": b"* * * * * root sh"}), {},
                         "nom de fichier interdit dans l'archive : « ../../etc/cron.d/x »"),
    "bombe": (_bombe, {}, "L'archive est trop volumineuse une fois décompressée"),
    "pas un zip": (lambda e: b"PK\x03\x04 ceci n'est pas une archive", {},
                   "Ce fichier n'est pas une archive ZIP lisible."),
    "caractère nul": (lambda e: _zip(_document(e, _caractere_nul)), {},
                      "passeport.json, fiches[0].versions[0].demarche : texte attendu (sans caractère nul)"),
    "situation inconnue": (lambda e: _zip(_document(e, _situation_inconnue)), {},
                           "situation 9.9.9 inconnue du référentiel ga-2012 de la division d'accueil"),
    "autre référentiel": (lambda e: _zip(e), {"division": "2AG1"},
                          "La division 2AG1 suit le référentiel agora-2020 : ce passeport porte sur ga-2012."),
    "division absente": (lambda e: _zip(e), {"division": "3GA9"},
                         "La division 3GA9 n'existe pas dans l'établissement 0290001B (divisions existantes : "
                         "1GA1, 2AG1)."),
}


def _etat(url: str, dossier: Path) -> tuple:
    engine = creer_engine(url)
    with Session(engine) as s:
        lignes = {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
    engine.dispose()
    return lignes, sorted(p.name for p in dossier.rglob("*"))


@pytest.mark.parametrize("dommage", sorted(DOMMAGES))
def test_a_damaged_archive_is_refused_in_french_and_writes_nothing(source, empty_db_url, tmp_path, monkeypatch,
                                                                   dommage):
    abimer, options, message = DOMMAGES[dommage]
    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "accueil"))
    (tmp_path / "accueil").mkdir()
    _accueil(empty_db_url)
    chemin = tmp_path / "abime.zip"
    chemin.write_bytes(abimer(_entrees(source[2])))
    avant = _etat(empty_db_url, tmp_path / "accueil")
    engine = creer_engine(empty_db_url)
    with pytest.raises(ArchiveInvalide) as refus, transaction(engine) as s:
        importer_passeport(s, chemin, **options)
    engine.dispose()
    assert any(message in e for e in refus.value.erreurs), refus.value.erreurs
    assert _etat(empty_db_url, tmp_path / "accueil") == avant
    assert avant[1] == []  # no attachment file either


def test_an_identifiant_with_an_empty_passport_receives_the_import(source, fresh_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "accueil"))
    url = fresh_db.url.render_as_string(hide_password=False)
    _accueil(url)
    with transaction(fresh_db) as s:
        division = s.scalar(select(Division).where(Division.nom == "1GA1"))
        compte = Compte(login="lea.moreau2", role=Role.ELEVE, etablissement_id=division.etablissement_id,
                        prenom="Léa", nom="Moreau", mot_de_passe_hash="déjà donné")
        s.add(Eleve(compte=compte, identifiant=IDENTIFIANT, division=division))
    with transaction(fresh_db) as s:
        bilan = importer_passeport(s, source[2])
    assert (bilan.rattache, bilan.login, bilan.fiches, bilan.pieces) == (True, "lea.moreau2", 73, 4)
    assert "rattaché à son compte existant (lea.moreau2)" in bilan.resume()
    with Session(fresh_db) as s:
        assert s.scalar(select(func.count()).select_from(Eleve)) == 1
        assert s.scalar(select(Compte.mot_de_passe_hash).where(Compte.login == "lea.moreau2")) == "déjà donné"


# --- the CLI ----------------------------------------------------------------------------------------------------------


@pytest.mark.cli
def test_cli_exports_and_imports_a_passport(source, db_env, tmp_path, monkeypatch, capsys):
    from passeport.cli import main

    url_source, pieces_source, _ = source
    monkeypatch.setenv("PASSEPORT_DONNEES", str(pieces_source.parent))
    monkeypatch.setenv("DATABASE_URL", url_source)
    sortie = tmp_path / "lea.zip"
    assert main(["exporter", "passeport", "--eleve", IDENTIFIANT, "--sortie", str(sortie)]) == 0
    assert capsys.readouterr().out == (f"Passeport de {IDENTIFIANT} exporté dans {sortie} : 73 fiche(s), "
                                       "4 pièce(s) jointe(s).\n")
    assert main(["exporter", "passeport", "--eleve", "INCONNU", "--sortie", str(sortie)]) == 1
    assert "Élève introuvable : aucun élève n'a l'identifiant INCONNU." in capsys.readouterr().err

    monkeypatch.setenv("DATABASE_URL", db_env)
    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "accueil"))
    _accueil(db_env)
    assert main(["importer", "passeport", str(sortie), "--division", "1GA1", "--etablissement", "0290001B"]) == 0
    assert capsys.readouterr().out.startswith(
        f"Passeport de l'élève {IDENTIFIANT} importé : compte lea.moreau créé dans la division 1GA1 : 73 fiche(s) "
        "(82 version(s)), 8 appréciation(s), 10 positionnement(s), 3 PFMP, 4 pièce(s) jointe(s).")
    assert main(["importer", "passeport", str(sortie)]) == 1
    erreur = capsys.readouterr().err
    assert f"L'identifiant {IDENTIFIANT} existe déjà dans cette instance avec un autre passeport" in erreur
    assert erreur.rstrip().endswith("Import refusé : rien n'a été enregistré.")
    assert main(["importer", "passeport", str(tmp_path / "absent.zip")]) == 1
    assert "Fichier introuvable" in capsys.readouterr().err


# --- a former student in the app -------------------------------------------------------------------------------------


def test_a_former_student_signs_in_read_only_and_takes_the_zip(source, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from passeport.services import administration
    from tests.conftest import RACINE, jeton_de_session

    url, pieces_source, _ = source
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PASSEPORT_DONNEES", str(pieces_source.parent))
    engine = creer_engine(url)
    with transaction(engine) as s:
        admin = utilisateur_de(s, _compte(s, "admin"))
        eleve_id = s.scalar(select(Eleve.id).where(Eleve.identifiant == IDENTIFIANT))
        administration.enregistrer_sortie(s, admin, eleve_id, dt.date(2026, 11, 27))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=30)
        at.session_state["jeton"] = jeton_de_session(url, "lea.moreau")
        at.run()
        assert not at.exception and at.title[0].value == "Mon passeport"
        assert at.session_state["utilisateur"].lecture_seule
        assert "lecture seule depuis votre départ" in at.info[0].value
        assert "Nouvelle fiche" not in [b.label for b in at.button]
        at.button(key="preparer_archive").click().run()
        assert not at.exception
        bouton = next(b.proto for b in at.get("download_button") if "telecharger_archive" in b.proto.id)
        assert bouton.label.startswith("Télécharger passeport-moreau-lea-")
    finally:
        with transaction(engine) as s:
            administration.enregistrer_sortie(s, admin, eleve_id, None)
        engine.dispose()
        st.cache_resource.clear()


def test_the_administrator_marks_a_student_as_left_and_back(source, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.conftest import RACINE, jeton_de_session

    url = source[0]
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(RACINE / "app.py"), default_timeout=30)
    at.session_state["jeton"] = jeton_de_session(url, "admin")
    at.run()
    at.switch_page("pages/admin_equipe.py").run()
    at.text_input(key="recherche_sortie").input(IDENTIFIANT).run()
    eleve_id = next(int(b.key.removeprefix("sortir_")) for b in at.button if b.key and b.key.startswith("sortir_"))
    at.date_input(key=f"sortie_{eleve_id}").set_value(dt.date(2026, 11, 27)).run()
    at.button(key=f"sortir_{eleve_id}").click().run()
    assert not at.exception
    engine = creer_engine(url)
    with Session(engine) as s:
        assert s.get(Eleve, eleve_id).sorti_le == dt.date(2026, 11, 27)
    assert any("sorti le 27/11/2026" in m.value for m in at.markdown)
    at.button(key=f"sortir_{eleve_id}").click().run()
    with Session(engine) as s:
        assert s.get(Eleve, eleve_id).sorti_le is None
    engine.dispose()
    st.cache_resource.clear()
