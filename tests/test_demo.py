"""The demo school: sizes, variety of students, plausible growth over the three years, determinism."""

import datetime as dt
import hashlib
from collections import Counter, defaultdict

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport.db import creer_engine, transaction
from passeport.demo import BaseNonVide, creer_ecole_demo
from passeport.models import (
    Appreciation, Compte, Division, Eleve, Enseignant, Fiche, FicheVersion, Pfmp, Positionnement, Role,
)
from passeport.schema import initialiser
from tests.conftest import JOUR_DEMO

pytestmark = pytest.mark.store


def _fiches_courantes(session):
    requete = (
        select(Division.nom, Eleve.id, FicheVersion, Fiche.cree_le)
        .join(Fiche, Fiche.eleve_id == Eleve.id)
        .join(FicheVersion, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
        .join(Division, Division.id == Eleve.division_id)
        .where(Fiche.supprimee_le.is_(None))
    )
    return session.execute(requete).all()


@pytest.fixture(scope="module")
def demo(demo_db_url):
    engine = creer_engine(demo_db_url)
    with Session(engine) as s:
        yield s
    engine.dispose()


def test_three_ga_divisions_of_24_with_teachers(demo):
    divisions = demo.execute(
        select(Division.nom, Division.niveau, Division.referentiel, func.count(Eleve.id))
        .join(Eleve).group_by(Division.id).order_by(Division.nom)
    ).all()
    assert [(n, niv.value, r, c) for n, niv, r, c in divisions] == [
        ("1GA1", "1re", "ga-2012", 24), ("2GA1", "2nde", "ga-2012", 24), ("TGA1", "Tle", "ga-2012", 24)]
    disciplines = demo.scalars(select(Enseignant.discipline)).all()
    assert len(disciplines) == 4 and "Lettres-histoire" in disciplines
    assert all(len(e.divisions) >= 2 for e in demo.scalars(select(Enseignant)))


def test_one_demo_login_per_role_with_the_demo_password(demo):
    from passeport.services.comptes import authentifier

    for login, role in [("admin", Role.ADMIN), ("claire.martin", Role.ENSEIGNANT), ("lea.moreau", Role.ELEVE),
                        ("julien.garnier", Role.TUTEUR)]:
        assert authentifier(demo, login, "passeport-demo").role == role


def test_fiches_per_student_grow_with_the_level(demo):
    par_eleve = Counter((division, eleve_id) for division, eleve_id, _, _ in _fiches_courantes(demo))
    bornes = {"2GA1": (20, 45), "1GA1": (40, 95), "TGA1": (85, 150)}  # a few fiches are in the bin
    for (division, _), n in par_eleve.items():
        bas, haut = bornes[division]
        assert bas <= n <= haut, (division, n)
    moyenne = {d: sum(n for (dd, _), n in par_eleve.items() if dd == d) / 24 for d in bornes}
    assert moyenne["2GA1"] < moyenne["1GA1"] < moyenne["TGA1"]


def test_students_differ(demo):
    situations = defaultdict(set)
    derniere = {}
    for division, eleve_id, v, cree_le in _fiches_courantes(demo):
        situations[(division, eleve_id)].add(v.situation)
        derniere[eleve_id] = max(derniere.get(eleve_id, cree_le), cree_le)
    presque_tout = [k for k, s in situations.items() if len(s) >= 53]
    sans_pole2 = [k for k, s in situations.items() if not any(c.startswith("2.") for c in s)]
    sans_pole4 = [k for k, s in situations.items() if not any(c.startswith("4.") for c in s)]
    arretes = [e for e, d in derniere.items() if d < dt.datetime.combine(JOUR_DEMO - dt.timedelta(days=45), dt.time())]
    assert len(presque_tout) >= 4
    assert {d for d, _ in sans_pole2} == {"2GA1", "1GA1", "TGA1"}
    assert {d for d, _ in sans_pole4} == {"2GA1", "1GA1", "TGA1"}
    assert len(arretes) >= 6
    assert len(derniere) - len(arretes) >= 60  # the others keep writing


def test_complexity_and_aleas_grow_and_places_are_mixed(demo):
    lignes = _fiches_courantes(demo)
    moyenne = {}
    for d in ("2GA1", "1GA1", "TGA1"):
        vs = [v for division, _, v, _ in lignes if division == d]
        moyenne[d] = (sum(v.complexite for v in vs) / len(vs), sum(v.aleas for v in vs) / len(vs))
    assert moyenne["2GA1"][0] < moyenne["1GA1"][0] < moyenne["TGA1"][0]
    assert moyenne["2GA1"][1] < moyenne["1GA1"][1] < moyenne["TGA1"][1]
    assert {v.lieu.value for _, _, v, _ in lignes} == {"etablissement", "services_eple", "projet", "pfmp",
                                                     "hors_formation"}
    assert {v.nature.value for _, _, v, _ in lignes} == {"reelle", "simulee"}
    assert all(v.date_debut <= JOUR_DEMO for _, _, v, _ in lignes)


def test_texts_read_like_real_fiches(demo):
    lignes = _fiches_courantes(demo)
    assert all(v.conditions.startswith("Je dispose : d'un poste informatique") for _, _, v, _ in lignes
               if v.conditions)
    # Some simple fiches are written sparingly, by beginners above all: the guide has something to ask.
    sans_conditions = {d: sum(1 for division, _, v, _ in lignes if division == d and not v.conditions)
                       for d in ("2GA1", "1GA1", "TGA1")}
    assert sans_conditions["2GA1"] > sans_conditions["1GA1"] > sans_conditions["TGA1"]
    assert all(v.complexite == 1 and v.aleas == 0 for _, _, v, _ in lignes if not v.conditions)
    textes = " ".join(f"{v.contexte} {v.conditions} {v.demarche}" for _, _, v, _ in lignes)
    for faute in (" de le ", " à le ", " de les ", " à les "):
        assert faute not in textes
    pfmp = [v for _, _, v, _ in lignes if v.lieu.value == "pfmp"]
    assert any(v.contexte.startswith("Je suis actuellement en PFMP au sein de") for v in pfmp)
    assert any("dans l'entreprise BIOMAG, SARL de 16 salariés" in v.contexte for v in pfmp)
    avec_aleas = [v for _, _, v, _ in lignes if v.aleas]
    assert all(v.aleas_details and "Difficulté rencontrée" in v.demarche for v in avec_aleas)
    assert all(len(v.complexite_details.split("|")) == v.complexite - 1 for _, _, v, _ in lignes if v.complexite > 1)


def test_versions_feedback_and_pfmp_exist(demo):
    plusieurs = demo.scalar(select(func.count()).select_from(Fiche).where(Fiche.version_courante > 1))
    assert plusieurs > 100
    assert demo.scalar(select(func.count()).select_from(Appreciation)) > 100
    assert demo.scalar(select(func.count()).select_from(Appreciation).where(Appreciation.fiche_id.is_(None))) > 5
    assert demo.scalar(select(func.count()).select_from(Positionnement)) > 100
    assert demo.scalar(select(func.count()).select_from(Pfmp)) == 24 * (1 + 3 + 5)
    assert demo.scalar(select(func.count()).select_from(Fiche).where(Fiche.supprimee_le.is_not(None))) > 0


def _empreinte(url, graine):
    engine = creer_engine(url)
    initialiser(engine)
    with transaction(engine) as s:
        creer_ecole_demo(s, graine=graine, aujourd_hui=JOUR_DEMO)
    with Session(engine) as s:
        textes = s.execute(select(Compte.login, FicheVersion.demarche, FicheVersion.date_debut)
                           .join(Fiche, Fiche.id == FicheVersion.fiche_id).join(Eleve, Eleve.id == Fiche.eleve_id)
                           .join(Compte, Compte.id == Eleve.compte_id).order_by(FicheVersion.id)).all()
    engine.dispose()
    return hashlib.sha256(repr(textes).encode()).hexdigest()


def test_same_seed_same_school_other_seed_other_school(tmp_path):
    a = _empreinte(f"sqlite:///{tmp_path / 'a.sqlite'}", 2026)
    b = _empreinte(f"sqlite:///{tmp_path / 'b.sqlite'}", 2026)
    c = _empreinte(f"sqlite:///{tmp_path / 'c.sqlite'}", 7)
    assert a == b != c


def test_demo_on_the_test_backend_then_refused(fresh_db):
    with transaction(fresh_db) as s:
        bilan = creer_ecole_demo(s, aujourd_hui=JOUR_DEMO)
    assert (bilan.divisions, bilan.eleves) == (3, 72)
    with Session(fresh_db) as s:
        assert s.scalar(select(func.count()).select_from(Fiche)) == bilan.fiches
    with pytest.raises(BaseNonVide):
        with transaction(fresh_db) as s:
            creer_ecole_demo(s)
