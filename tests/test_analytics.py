"""The cockpit's analytics on a tiny hand-written school: every figure below is counted by hand.

Runs on SQLite, and on PostgreSQL in CI (marker ``store``): the same results on both.

Three students of 1GA1 (GA 2012), one of another school's division:
- Léa: 1.1.1 twice (c1 a0 simulée, c1 a1 réelle at BIOMAG) → évaluable; 1.1.2 once (c2, réelle) → une fois;
  2.1.1 twice (c1 a0, c1 a0, both réelles) → répétée; 3.1.1 twice (c2 a0, c3 a1, both simulées) → évaluable
  but never real; one deleted fiche on 4.1.1 (does not count).
- Noé: 2.1.2 once réelle at Mairie de Rennes (c1 a0); 1.1.2 réelle at BIOMAG (c1 a0).
- Zoé: nothing.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import update

import analytics
from analytics import Entrepot, Filtres
from passeport.db import transaction
from passeport.models import (
    Compte, Division, Eleve, Etablissement, Fiche, FicheVersion, Lieu, Nature, Niveau, Positionnement, Role, maintenant,
)
from passeport.statut import statut

pytestmark = pytest.mark.store

J = dt.date(2026, 10, 1)


def _fiche(eleve, situation, complexite, aleas, nature=Nature.REELLE, lieu=Lieu.PFMP, organisation="",
           jour=J, supprimee=False, retenue=False):
    cree = dt.datetime.combine(jour, dt.time(10))
    return Fiche(eleve=eleve, retenue=retenue, cree_le=cree, modifiee_le=cree,
                 supprimee_le=cree if supprimee else None,
                 versions=[FicheVersion(numero=1, situation=situation, titre=f"{situation} {eleve.identifiant}",
                                        date_debut=jour, lieu=lieu, nature=nature, organisation=organisation,
                                        complexite=complexite, aleas=aleas, cree_le=cree)])


@pytest.fixture
def ecole(fresh_db):
    with transaction(fresh_db) as s:
        etab = Etablissement(uai="0350001A", nom="Lycée test")
        autre = Etablissement(uai="0350002B", nom="Autre lycée")
        d = Division(etablissement=etab, nom="1GA1", niveau=Niveau.PREMIERE, annee_scolaire="2026-2027")
        d2 = Division(etablissement=autre, nom="1GA9", niveau=Niveau.PREMIERE, annee_scolaire="2026-2027")

        def eleve(ident, prenom, nom, division):
            return Eleve(identifiant=ident, division=division,
                         compte=Compte(login=ident, role=Role.ELEVE, prenom=prenom, nom=nom))

        lea, noe, zoe = eleve("E1", "Léa", "Moreau", d), eleve("E2", "Noé", "Petit", d), eleve("E3", "Zoé", "Éluard", d)
        ailleurs = eleve("E9", "Tom", "Roux", d2)
        fiches = [
            _fiche(lea, "1.1.1", 1, 0, Nature.SIMULEE, Lieu.ETABLISSEMENT, jour=dt.date(2026, 9, 10)),
            _fiche(lea, "1.1.1", 1, 1, organisation="BIOMAG", jour=dt.date(2026, 11, 20), retenue=True),
            _fiche(lea, "1.1.2", 2, 0, organisation="BIOMAG"),
            _fiche(lea, "2.1.1", 1, 0, organisation="Mairie"),
            _fiche(lea, "2.1.1", 1, 0, organisation="Mairie"),
            _fiche(lea, "3.1.1", 2, 0, Nature.SIMULEE, Lieu.ETABLISSEMENT),
            _fiche(lea, "3.1.1", 3, 1, Nature.SIMULEE, Lieu.ETABLISSEMENT),
            _fiche(lea, "4.1.1", 3, 2, supprimee=True),
            _fiche(noe, "2.1.2", 1, 0, organisation="Mairie de Rennes"),
            _fiche(noe, "1.1.2", 1, 0, organisation="BIOMAG", lieu=Lieu.HORS_FORMATION),
            _fiche(ailleurs, "2.1.2", 1, 0, organisation="Entreprise d'ailleurs"),
        ]
        s.add_all([lea, noe, zoe, ailleurs, *fiches])
        s.flush()
        prof = Compte(login="prof", role=Role.ENSEIGNANT)
        s.add(prof)
        s.flush()
        # Two positionnements on Léa's real 1.1.1 fiche: the latest (3) counts.
        s.add_all([Positionnement(fiche_id=fiches[1].id, enseignant_id=prof.id, niveau=2,
                                  cree_le=dt.datetime(2026, 11, 21)),
                   Positionnement(fiche_id=fiches[1].id, enseignant_id=prof.id, niveau=3,
                                  cree_le=dt.datetime(2026, 11, 22))])
        ids = {"division": d.id, "lea": lea.id, "noe": noe.id, "zoe": zoe.id, "fiche_lea_111": fiches[1].id}
    entrepot = Entrepot(fresh_db.url.render_as_string(hide_password=False))
    entrepot.actualiser()
    yield fresh_db, entrepot, ids
    entrepot.fermer()


def _ligne(df, eleve_id, situation):
    return df[(df["eleve_id"] == eleve_id) & (df["situation"] == situation)].iloc[0]


def test_coverage_counts_maxima_and_statut(ecole):
    _, e, ids = ecole
    df = analytics.couverture(e, division_id=ids["division"])
    assert len(df) == 3 * 55  # three students × the 55 situations of GA 2012
    attendu = {  # situation: nb_fiches, nb_reelles, max_complexite, max_aleas, statut
        "1.1.1": (2, 1, 1, 1, "evaluable"),
        "1.1.2": (1, 1, 2, 0, "une_fois"),
        "2.1.1": (2, 2, 1, 0, "repetee"),
        "3.1.1": (2, 0, 3, 1, "evaluable"),
        "4.1.1": (0, 0, None, None, "non_traversee"),  # its only fiche is deleted
    }
    for code, (n, reelles, cmax, amax, st) in attendu.items():
        ligne = _ligne(df, ids["lea"], code)
        assert (ligne.nb_fiches, ligne.nb_reelles, ligne.statut) == (n, reelles, st), code
        assert (None if pd.isna(ligne.max_complexite) else ligne.max_complexite) == cmax, code
        assert (None if pd.isna(ligne.max_aleas) else ligne.max_aleas) == amax, code
    assert _ligne(df, ids["lea"], "1.1.1").positionnement == 3
    assert _ligne(df, ids["lea"], "1.1.1").part_reelles == 0.5
    assert df[df["eleve_id"] == ids["zoe"]]["nb_fiches"].sum() == 0
    assert df[df["eleve_id"] == ids["noe"]]["statut"].value_counts().to_dict() == {"non_traversee": 53, "une_fois": 2}


def test_sql_statut_is_the_python_statut():
    """The SQL macro and passeport.statut agree on every small case."""
    import duckdb

    from analytics.entrepot import sql
    con = duckdb.connect()
    con.execute(sql("schema"))
    con.execute(sql("macros"))
    for paires in ([], [(1, 0)], [(3, 2)], [(1, 0), (1, 0)], [(1, 0), (2, 0)], [(1, 0), (1, 1)], [(1, 0)] * 3):
        n = len(paires)
        cmax = max((c for c, _ in paires), default=None)
        amax = max((a for _, a in paires), default=None)
        assert con.execute("SELECT statut(?, ?, ?)", [n, cmax, amax]).fetchone()[0] == statut(paires).value, paires


def test_filters_change_what_counts(ecole):
    _, e, ids = ecole
    seulement_reelles = analytics.couverture(e, division_id=ids["division"], filtres=Filtres(natures=("reelle",)))
    assert _ligne(seulement_reelles, ids["lea"], "1.1.1").statut == "une_fois"
    assert _ligne(seulement_reelles, ids["lea"], "3.1.1").statut == "non_traversee"
    novembre = analytics.couverture(e, division_id=ids["division"],
                                    filtres=Filtres(debut=dt.date(2026, 11, 1), fin=dt.date(2026, 11, 30)))
    assert novembre["nb_fiches"].sum() == 1
    pfmp = analytics.couverture(e, division_id=ids["division"], filtres=Filtres(lieux=("pfmp",)))
    assert pfmp["nb_fiches"].sum() == 5  # Léa 1.1.1, 1.1.2, 2.1.1 ×2; Noé 2.1.2
    annee = Filtres.annee_scolaire("2026-2027")
    assert (annee.debut, annee.fin) == (dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    with pytest.raises(ValueError):
        Filtres(lieux=("plage",))
    with pytest.raises(ValueError):
        Filtres(debut=dt.date(2026, 5, 1), fin=dt.date(2026, 4, 1))


def test_heatmap_metrics_totals_and_sorting(ecole):
    _, e, ids = ecole
    carte = analytics.carte(e, ids["division"], "statut", tri="couverture")
    assert list(carte.eleves["libelle"]) == ["MOREAU Léa", "PETIT Noé", "ÉLUARD Zoé"]
    assert carte.valeurs.shape == (3, 55)
    assert carte.valeurs.loc[ids["lea"], "1.1.1"] == 3 and carte.valeurs.loc[ids["lea"], "2.1.1"] == 2
    assert carte.valeurs.loc[ids["zoe"], "1.1.1"] == 0
    assert carte.total_eleve.to_dict() == {ids["lea"]: 2, ids["noe"]: 0, ids["zoe"]: 0}  # évaluables
    assert carte.total_situation["1.1.2"] == 0 and carte.total_situation["3.1.1"] == 1
    par_nom = analytics.carte(e, ids["division"], "statut", tri="nom")
    assert list(par_nom.eleves["libelle"]) == ["ÉLUARD Zoé", "MOREAU Léa", "PETIT Noé"]  # É with the E
    fiches = analytics.carte(e, ids["division"], "nb_fiches")
    assert fiches.total_eleve[ids["lea"]] == 7 and fiches.total_situation["1.1.2"] == 2
    assert fiches.valeurs.loc[ids["zoe"], "1.1.1"] == 0
    assert pd.isna(analytics.carte(e, ids["division"], "max_complexite").valeurs.loc[ids["zoe"], "1.1.1"])
    reelles = analytics.carte(e, ids["division"], "part_reelles")
    assert reelles.total_eleve[ids["lea"]] == pytest.approx(4 / 7)
    assert analytics.carte(e, ids["division"], "positionnement").valeurs.loc[ids["lea"], "1.1.1"] == 3
    assert "Évaluable" in carte.textes.loc[ids["lea"], "1.1.1"]
    fig = analytics.charts.carte_de_chaleur(carte)
    assert fig.data[1].customdata[0] == [ids["lea"], "1.1.1"]  # a click gives the student and the situation
    with pytest.raises(ValueError):
        analytics.carte(e, ids["division"], "moyenne")


def test_goals_follow_the_design_rules(ecole):
    _, e, ids = ecole
    o = analytics.objectifs(e, ids["lea"])
    # 55 situations, minus 1.1.1 (évaluable with a real fiche) = 54 suggestions.
    assert len(o) == 54
    # Léa crossed 4 situations: 51 never crossed come first, then 1.1.2, 2.1.1, 3.1.1 (one per reason).
    assert list(o["motif"]) == ["jamais_traversee"] * 51 + ["une_seule_fois", "sans_complexite_ni_alea",
                                                            "seulement_simulee"]
    assert list(o["situation"].iloc[51:]) == ["1.1.2", "2.1.1", "3.1.1"]
    # Évaluable share by pôle: 1 → 1/14, 2 → 0/15, 3 → 1/14, 4 → 0/12. Lowest first, ties by code: 2, 4, 1, 3.
    jamais = o[o["motif"] == "jamais_traversee"]
    assert list(jamais["pole_code"].drop_duplicates()) == ["2", "4", "1", "3"]
    assert list(jamais["pole_code"].value_counts().sort_index()) == [12, 14, 13, 12]
    assert jamais.iloc[0]["situation"] == "2.1.2"
    # Where other students of the same school lived it for real, in a workplace: Noé at Mairie de Rennes;
    # not the other school's student, not Léa herself.
    assert jamais.iloc[0]["organisations"] == ["Mairie de Rennes"]
    assert o[o["situation"] == "1.1.2"].iloc[0]["organisations"] == ["BIOMAG"]
    assert o.iloc[51]["explication"] == ("Traversée une seule fois : la vivre à nouveau. Pôle 1 : 1 situation "
                                         "évaluable sur 14.")
    assert list(analytics.objectifs(e, ids["lea"], 3)["rang"]) == [1, 2, 3]
    export = analytics.export_objectifs(o.head(1))
    assert list(export.columns) == ["rang", "situation", "motif", "organisations"]
    assert export.iloc[0].tolist() == [1, "2.1.2", "jamais_traversee", "Mairie de Rennes"]


def test_coverage_export_format(ecole):
    _, e, ids = ecole
    df = analytics.export_couverture(e, division_id=ids["division"])
    assert list(df.columns) == ["eleve", "division", "situation", "nb_fiches", "nb_reelles", "max_complexite",
                                "max_aleas", "statut"]
    assert len(df) == 165
    premiere = df.iloc[0]
    assert premiere.tolist() == ["E1", "1GA1", "1.1.1", 2, 1, 1, 1, "evaluable"]
    ligne_vide = analytics.exports.lignes_csv(df[(df["eleve"] == "E3")].head(1))[0]
    assert ligne_vide == ["E3", "1GA1", "1.1.1", 0, 0, None, None, "non_traversee"]  # max_* empty


def test_class_synthesis(ecole):
    _, e, ids = ecole
    sit = analytics.situations_de_la_classe(e, ids["division"], seuil_peu=1).set_index("situation")
    assert sit.loc["1.1.2", "traversee_par"] == 2 and sit.loc["1.1.2", "evaluable_pour"] == 0
    assert bool(sit.loc["3.1.1", "seulement_simulee"]) and not bool(sit.loc["1.1.1", "seulement_simulee"])
    assert not bool(sit.loc["1.1.2", "peu_traversee"]) and bool(sit.loc["1.1.1", "peu_traversee"])
    p2 = analytics.pole_signale(e, ids["division"])
    assert p2["pole"] == "2" and p2["eleves_sans_rien"] == 1  # Zoé
    silencieux = analytics.eleves_silencieux(e, ids["division"], 3, dt.date(2026, 11, 29))
    # Léa last wrote on 20/11 (9 days), Noé on 1/10 (8 weeks), Zoé never.
    assert list(silencieux["prenom"]) == ["Zoé", "Noé"]
    assert silencieux["semaines_sans_ecrire"].iloc[1] == 8
    semaines = analytics.fiches_par_semaine(e, ids["division"])
    assert semaines["fiches"].sum() == 9 and semaines.iloc[0]["semaine"] == pd.Timestamp(2026, 9, 7)
    lieux = analytics.lieux_par_eleve(e, ids["division"]).set_index("prenom")
    assert lieux.loc["Léa", "pfmp"] == 4 and lieux.loc["Léa", "etablissement"] == 3
    assert lieux.loc["Noé", "hors_formation"] == 1 and lieux.loc["Zoé"].iloc[-5:].sum() == 0


def test_student_profile(ecole):
    _, e, ids = ecole
    classes = analytics.couverture_par_classe(e, ids["lea"]).set_index("classe_code")
    assert classes.loc["1.1", ["traversees", "evaluables", "une_fois"]].tolist() == [2, 1, 1]
    prog = analytics.progression_par_situation(e, ids["lea"]).set_index("situation")
    assert prog.loc["1.1.1", "tendance"] == "monte" and prog.loc["2.1.1", "tendance"] == "stable"
    assert prog.loc["3.1.1", "tendance"] == "monte"
    assert list(analytics.fiches_retenues(e, ids["lea"])["situation"]) == ["1.1.1"]
    lieux = analytics.lieux_et_natures(e, ids["lea"])
    assert lieux["fiches"].sum() == 7
    tendance = analytics.tendance_mensuelle(e, ids["lea"])
    assert list(tendance["fiches"]) == [1, 5, 1]  # September, October, November


def test_refresh_reads_only_changed_fiches(ecole):
    engine, e, ids = ecole
    avant = e.estampille
    lus = e.lectures_de_fiches
    assert e.actualiser() == avant and e.lectures_de_fiches == lus  # nothing changed, nothing read
    with transaction(engine) as s:
        s.execute(update(FicheVersion).where(FicheVersion.fiche_id == ids["fiche_lea_111"]).values(aleas=2))
        s.execute(update(Fiche).where(Fiche.id == ids["fiche_lea_111"]).values(modifiee_le=maintenant()))
    e.actualiser()
    assert e.estampille != avant
    assert e.lectures_de_fiches - lus == 1  # only the changed fiche (the others are older than the margin)
    assert _ligne(analytics.couverture(e, division_id=ids["division"]), ids["lea"], "1.1.1").max_aleas == 2
    # A deletion (the fiche stays in the store, flagged) is seen too.
    with transaction(engine) as s:
        s.execute(update(Fiche).where(Fiche.id == ids["fiche_lea_111"]).values(
            supprimee_le=maintenant(), modifiee_le=maintenant()))
    e.actualiser()
    assert _ligne(analytics.couverture(e, division_id=ids["division"]), ids["lea"], "1.1.1").nb_fiches == 1


def test_a_change_committed_late_with_an_older_timestamp_is_not_lost(ecole):
    engine, e, ids = ecole
    with transaction(engine) as s:  # a new version stamped before the copy's latest change, committed after it
        fiche = s.get(Fiche, ids["fiche_lea_111"])
        fiche.versions.append(FicheVersion(numero=2, situation="1.1.1", titre="Réécrite", date_debut=J,
                                           lieu=Lieu.PFMP, nature=Nature.REELLE, complexite=3, aleas=0))
        fiche.version_courante = 2
        fiche.modifiee_le = dt.datetime(2026, 11, 20, 9, 59)
    e.actualiser()
    assert _ligne(analytics.couverture(e, division_id=ids["division"]), ids["lea"], "1.1.1").max_complexite == 3
