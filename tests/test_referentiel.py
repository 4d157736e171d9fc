from collections import Counter

import pytest

from passeport import referentiel
from passeport.referentiel import ReferentielInvalide, lire_listes, lire_referentiel

ENTETE = "pole_code;pole_titre;classe_code;classe_titre;situation_code;situation_titre;competence_code;competence;critere_evaluation\n"


def ecrire(tmp_path, contenu: str, nom="ref.csv"):
    chemin = tmp_path / nom
    chemin.write_text(contenu, encoding="utf-8")
    return chemin


def test_ga_2012_has_55_situations_in_4_poles_and_13_classes():
    ga = referentiel.charger("ga-2012")
    assert len(ga.situations) == 55
    assert len(ga.classes) == 13
    par_pole = Counter(s.pole_code for s in ga.situations.values())
    assert par_pole == {"1": 14, "2": 15, "3": 14, "4": 12}
    s = ga.situations["1.1.3"]
    assert s.titre == "Traitement des livraisons, des factures et suivi des anomalies"
    assert s.competence_code == "C113"
    assert s.critere.startswith("Qualité du contrôle de concordance")
    assert ga.poles["2"].titre == "Gestion administrative des relations avec le personnel"


def test_ga_2012_lists_of_situation_1_1_1():
    ga = referentiel.charger("ga-2012")
    assert ga.facteurs_complexite("1.1.1")[0] == "Absence de fichier fournisseur"
    assert len(ga.facteurs_complexite("1.1.1")) == 5
    assert len(ga.aleas_types("1.1.1")) == 4
    assert ga.facteurs_complexite("3.2.2") == []


def test_agora_2020_maps_blocs_activites_competences():
    agora = referentiel.charger("agora-2020")
    assert len(agora.situations) == 37
    assert set(agora.poles) == {"1", "2", "3"}
    assert agora.situations["1.1.1"].titre == "Identifier les caractéristiques de la demande"
    assert agora.situations["1.1.1"].classe_code == "1.1"


def test_default_first_among_shipped_names():
    assert referentiel.noms_disponibles() == ["ga-2012", "agora-2020"]


def test_referentiel_csv_is_the_shared_ga_2012_file():
    racine = referentiel.RACINE
    partage = racine.parent / "shared" / "referentiels" / "ga-2012.csv"
    if not partage.exists():
        pytest.skip("../shared absent de cette copie")
    assert (racine / "referentiel.csv").read_bytes() == partage.read_bytes()


def test_every_bad_line_is_named(tmp_path):
    chemin = ecrire(tmp_path, ENTETE
        + "1;Pôle 1;1.1;Classe;1.1.1;Titre;C111;c;k\n"
        + "1;Pôle 1;1.1;Classe;1.1.1;Doublon;C111;c;k\n"     # ligne 3 : code répété
        + "1;Pôle 1;1.1;Classe;1.2.1;Mal rangée;C121;c;k\n"  # ligne 4 : ne commence pas par 1.1
        + "1;Pôle 1;2.1;Classe;2.1.1;Autre pôle;C211;c;k\n"  # ligne 5 : classe hors de son pôle
        + "1;Pôle 1;1.1;Classe;1.1.2;;C112;c;k\n")           # ligne 6 : titre vide
    with pytest.raises(ReferentielInvalide) as exc:
        lire_referentiel(chemin)
    assert exc.value.erreurs == [
        "ligne 3 : la situation 1.1.1 apparaît deux fois",
        "ligne 4 : la situation 1.2.1 ne commence pas par le code de sa classe 1.1",
        "ligne 5 : la classe 2.1 ne commence pas par le code de son pôle 1",
        "ligne 6 : titre de la situation vide",
    ]


def test_unknown_header_stops_at_line_1(tmp_path):
    chemin = ecrire(tmp_path, "code;titre\n1.1.1;x\n")
    with pytest.raises(ReferentielInvalide, match="ligne 1 : en-tête inconnu"):
        lire_referentiel(chemin)


def test_lists_checked_against_the_referentiel(tmp_path):
    ga = referentiel.charger("ga-2012")
    chemin = ecrire(tmp_path, "situation_code;type;libelle\n1.1.1;alea;Panne\n9.9.9;alea;x\n1.1.2;bruit;x\n1.1.2;alea;\n",
                    "listes.csv")
    with pytest.raises(ReferentielInvalide) as exc:
        lire_listes(chemin, ga)
    assert exc.value.erreurs == [
        "ligne 3 : situation 9.9.9 inconnue du référentiel",
        "ligne 4 : type « bruit » inconnu (donnee, complexite ou alea)",
        "ligne 5 : libellé vide",
    ]


def test_line_numbers_count_blank_lines(tmp_path):
    chemin = ecrire(tmp_path, ENTETE + "1;Pôle 1;1.1;Classe;1.1.1;Titre;C111;c;k\n\n\n1;Pôle 1;1.1;Classe;1.2.1;X;C;c;k\n")
    with pytest.raises(ReferentielInvalide) as exc:
        lire_referentiel(chemin)
    assert exc.value.erreurs == ["ligne 5 : la situation 1.2.1 ne commence pas par le code de sa classe 1.1"]
