"""Writing indicators: every expected number is counted by hand on tiny texts."""

import datetime as dt

import pytest

from passeport import ecriture, referentiel
from passeport.ecriture import (
    Indicateurs, debut_de_periode, indicateurs, mots, part_premiere_personne, phrases, racine, sections_remplies,
    synthese_par_eleve, tableau_par_eleve, vocabulaire_du_referentiel,
)
from passeport.models import Lieu, Nature
from passeport.referentiel import Classe, Pole, Referentiel, Situation
from passeport.services.fiches import ContenuFiche

EXEMPLE = "J'ai saisi la facture. Puis je l'ai envoyée !"


def fiche(titre="Une fiche", **textes) -> ContenuFiche:
    return ContenuFiche(
        situation="1.1.1", titre=titre, date_debut=dt.date(2024, 9, 1), lieu=Lieu.PFMP, nature=Nature.REELLE,
        complexite=1, aleas=0, **textes,
    )


# --- words, sentences, first person ------------------------------------------------------------------------------


def test_mots_coupe_les_elisions_et_garde_les_accents():
    assert mots(EXEMPLE) == ["j", "ai", "saisi", "la", "facture", "puis", "je", "l", "ai", "envoyée"]
    assert mots("L’entreprise a reçu l'Écrit") == ["l", "entreprise", "a", "reçu", "l", "écrit"]


def test_mots_ignore_chiffres_et_soulignes():
    assert mots("Le 12/03, j’envoie 3 devis_clients") == ["le", "j", "envoie", "devis", "clients"]
    assert mots("") == []


def test_phrases():
    assert phrases(EXEMPLE) == 2
    assert phrases("Bonjour\nJ'ai appelé… Puis rien ?!") == 3
    assert phrases("Fin... ") == 1
    assert phrases("Prix : 12.5") == 1  # the piece « 5 » holds no word
    assert phrases("...\n\n !") == 0
    assert phrases("") == 0


def test_part_premiere_personne_est_une_part_de_phrases():
    """Share of the sentences where the writer speaks of themself (je, j', me, m', moi, nous, on)."""
    # A text written entirely with « je »: 100 % (the old count of words gave 8 % on such a text).
    tout_en_je = ("Je suis assistante de gestion chez BIOMAG. J'ai reçu la commande du client par courriel. "
                  "Je l'ai saisie dans le PGI puis j'ai vérifié les quantités. Je l'ai transmise au magasin.")
    assert part_premiere_personne(tout_en_je) == 1.0
    assert part_premiere_personne(EXEMPLE) == 1.0
    # None: 0 %.
    assert part_premiere_personne("La commande est saisie. Le client est prévenu par courriel.") == 0.0
    # Mixed, counted by hand: je (1) · none (2) · m' (3) · nous (4) · none (5) → 3 of 5.
    mixte = ("J'ai appelé le client. Le client a répondu le lendemain. Ma tutrice m'a félicitée. "
             "Nous avons classé le dossier. La facture est partie.")
    assert part_premiere_personne(mixte) == pytest.approx(3 / 5)
    # « M. Lefèvre » neither ends the sentence nor is the writer; « jeux » or « bon » are not « je » or « on ».
    assert part_premiere_personne("Mon tuteur, M. Lefèvre, m'a confié le courrier.") == 1.0
    assert part_premiere_personne("Le tuteur, M. Lefèvre, range les jeux. Bon travail.") == 0.0
    assert part_premiere_personne("Moi, mon stage m'a plu") == 1.0
    assert part_premiere_personne("Nous mesurons même les jeux") == 1.0
    assert part_premiere_personne("On range. Il classe.\nJe trie") == pytest.approx(2 / 3)
    assert part_premiere_personne("12 !") == 0.0


# --- référentiel vocabulary ---------------------------------------------------------------------------------------


def test_racine():
    assert racine("dossiers") == "dossier"
    assert racine("prix") == "pri"
    assert racine("tarif") == "tarif"
    assert racine("mes") == "mes"


def test_vocabulaire_d_un_referentiel_fait_main():
    ref = Referentiel(
        nom="essai",
        poles={"1": Pole("1", "Pôle externe")},
        classes={"1.1": Classe("1.1", "Classe bureautique", "1")},
        situations={
            "1.1.1": Situation("1.1.1", "Tri du courrier", "1", "1.1", "C1", "Classer les courriers",
                               "Rapidité avec rigueur"),
        },
        listes={"1.1.1": {"alea": ["Panne imprimante"]}},
    )
    assert vocabulaire_du_referentiel(ref, "1.1.1") == frozenset(
        {"classe", "bureautique", "courrier", "classer", "rapidité", "rigueur", "panne", "imprimante"}
    )


def test_vocabulaire_de_la_situation_1_1_1_de_ga_2012():
    vocabulaire = vocabulaire_du_referentiel(referentiel.charger("ga-2012"), "1.1.1")
    # titre, compétence, critère, classe title, then the donnée / complexité / aléa lists
    for present in ("tenue", "dossier", "fournisseur", "traitant", "actualiser", "donnée", "fiabilité",
                    "gestion", "relation", "confidentialité", "tarif", "catalogue", "défaillance", "règle"):
        assert present in vocabulaire, present
    # stop words, short words, plural forms, and the pôle title (« externes ») are left out
    for absent in ("avec", "sous", "envers", "également", "relative", "des", "aux", "pgi", "fournisseurs",
                   "dossiers", "externe", "externes"):
        assert absent not in vocabulaire, absent


# --- indicators of one fiche --------------------------------------------------------------------------------------


def test_sections_remplies_a_partir_de_trois_mots():
    contenu = fiche(contexte="Un deux", conditions="Un deux trois", demarche="J'ai fini", productions="12 34 56 !")
    assert sections_remplies(contenu) == 2  # « j ai fini » makes three words, digits none


def test_indicateurs_d_une_fiche():
    contenu = fiche(
        titre="Je je je facture",
        contexte=EXEMPLE,  # 10 words, 2 sentences, both at the first person
        conditions="Seul au bureau",  # 3 words, 1 sentence
        demarche="Vite fait",  # 2 words, not completed
        complexite_details="Tarifs conditionnels|Fournisseur également client",
        aleas_details="Factures perdues",
    )
    vocabulaire = frozenset({"facture", "bureau", "tarif", "conditionnel", "fournisseur", "client", "absent"})
    assert indicateurs(contenu, vocabulaire) == Indicateurs(
        mots=15, phrases=4, mots_par_phrase=pytest.approx(15 / 4), part_premiere_personne=pytest.approx(2 / 4),
        sections_remplies=2, mots_du_referentiel=6, vocabulaire=7, phrases_premiere_personne=2,
    )


def test_indicateurs_d_une_fiche_vide():
    assert indicateurs(fiche(), frozenset()) == Indicateurs(0, 0, 0.0, 0.0, 0, 0, 0)


def test_mots_du_referentiel_distincts():
    contenu = fiche(contexte="Facture, factures et encore la facture.")
    assert indicateurs(contenu, frozenset({"facture", "devis"})).mots_du_referentiel == 1


# --- per student over time ----------------------------------------------------------------------------------------

VOC = frozenset({"dossier", "courrier", "bureau", "facture"})
ADAM, ZOE = 2, 1  # ids in the opposite order of the names: the table sorts by name


def lignes():
    return [
        # Zoé listed first and out of date order on purpose
        (ZOE, "Zoé", dt.date(2025, 1, 10), fiche(contexte="J'écris au client. Il répond. Je classe."), frozenset()),
        (ADAM, "Adam", dt.date(2024, 9, 5), fiche(contexte="Je classe les dossiers."), VOC),
        (ADAM, "Adam", dt.date(2024, 10, 2), fiche(contexte="Moi, je range le bureau et le dossier."), VOC),
        (ZOE, "Zoé", dt.date(2024, 10, 15), fiche(contexte="Je saisis.", demarche="Puis je vérifie la facture."),
         VOC),
        (ADAM, "Adam", dt.date(2024, 9, 20), fiche(contexte="Nous trions. Le courrier part vite."), VOC),
        (ZOE, "Zoé", dt.date(2025, 3, 31),
         fiche(contexte="Je ferme le bureau tôt", productions="Un tableau des dossiers"), VOC),
        (ZOE, "Zoé", dt.date(2025, 4, 1), fiche(contexte="Je range tout seul."), VOC),
    ]


def test_debut_de_periode():
    assert debut_de_periode(dt.date(2024, 10, 15)) == dt.date(2024, 10, 1)
    assert debut_de_periode(dt.date(2024, 9, 1), "Q") == dt.date(2024, 9, 1)
    assert debut_de_periode(dt.date(2024, 12, 31), "Q") == dt.date(2024, 9, 1)
    assert debut_de_periode(dt.date(2025, 1, 1), "Q") == dt.date(2025, 1, 1)
    assert debut_de_periode(dt.date(2025, 3, 31), "Q") == dt.date(2025, 1, 1)
    assert debut_de_periode(dt.date(2025, 4, 1), "Q") == dt.date(2025, 4, 1)
    assert debut_de_periode(dt.date(2025, 8, 31), "Q") == dt.date(2025, 4, 1)
    with pytest.raises(ValueError):
        debut_de_periode(dt.date(2025, 1, 1), "Y")


def test_tableau_par_mois():
    tableau = tableau_par_eleve(lignes())
    assert list(tableau.columns) == ecriture.COLONNES_TABLEAU == [
        "eleve_id", "eleve", "periode", "fiches", "mots_moyen", "phrases_moyen", "mots_par_phrase",
        "part_premiere_personne", "sections_remplies_moyen", "part_vocabulaire",
    ]
    assert tableau.values.tolist() == [
        # Sept: 4 + 6 words, 1 + 2 sentences, 2 of 3 sentences at the first person (je; nous, then none),
        # dossier 1/4 and courrier 1/4
        [ADAM, "Adam", dt.date(2024, 9, 1), 2, 5.0, 1.5, 3.33, 0.67, 1.0, 0.25],
        # moi je range le bureau et le dossier: 8 words, 1 sentence at the first person, bureau + dossier 2/4
        [ADAM, "Adam", dt.date(2024, 10, 1), 1, 8.0, 1.0, 8.0, 1.0, 1.0, 0.5],
        # je saisis | puis je vérifie la facture: 7 words, 2 sentences both with « je », only the second section
        # completed
        [ZOE, "Zoé", dt.date(2024, 10, 1), 1, 7.0, 2.0, 3.5, 1.0, 1.0, 0.25],
        # j écris au client. il répond. je classe: 8 words, 3 sentences, 2 at the first person, empty vocabulary → 0
        [ZOE, "Zoé", dt.date(2025, 1, 1), 1, 8.0, 3.0, 2.67, 0.67, 1.0, 0.0],
        # 5 + 4 words, 2 sentences (one per section), 1 with « je », bureau + dossier 2/4
        [ZOE, "Zoé", dt.date(2025, 3, 1), 1, 9.0, 2.0, 4.5, 0.5, 2.0, 0.5],
        [ZOE, "Zoé", dt.date(2025, 4, 1), 1, 4.0, 1.0, 4.0, 1.0, 1.0, 0.0],
    ]


def test_tableau_par_trimestre_scolaire():
    tableau = tableau_par_eleve(lignes(), periode="Q")
    assert tableau.values.tolist() == [
        # 18 words over 3 fiches and 4 sentences, 3 of them at the first person, vocabulary (1/4 + 1/4 + 2/4) / 3
        [ADAM, "Adam", dt.date(2024, 9, 1), 3, 6.0, 1.33, 4.5, 0.75, 1.0, 0.33],
        [ZOE, "Zoé", dt.date(2024, 9, 1), 1, 7.0, 2.0, 3.5, 1.0, 1.0, 0.25],
        # January + March: 8 + 9 words, 3 + 2 sentences, 2 + 1 at the first person (3/5), sections (1 + 2) / 2,
        # (0 + 2/4) / 2
        [ZOE, "Zoé", dt.date(2025, 1, 1), 2, 8.5, 2.5, 3.4, 0.6, 1.5, 0.25],
        [ZOE, "Zoé", dt.date(2025, 4, 1), 1, 4.0, 1.0, 4.0, 1.0, 1.0, 0.0],
    ]


def test_synthese_par_eleve():
    synthese = synthese_par_eleve(tableau_par_eleve(lignes()))
    assert list(synthese.columns) == [
        "eleve_id", "eleve", "fiches", "mots_moyen", "phrases_moyen", "mots_par_phrase",
        "part_premiere_personne", "sections_remplies_moyen", "part_vocabulaire", "evolution_mots",
    ]
    assert synthese.values.tolist() == [
        # 18 words, 4 sentences, 3 at the first person; last month 8 words, first month 5
        [ADAM, "Adam", 3, 6.0, 1.33, 4.5, 0.75, 1.0, 0.33, 3.0],
        # 7 + 8 + 9 + 4 = 28 words, 2 + 3 + 2 + 1 = 8 sentences, 2 + 2 + 1 + 1 = 6 at the first person;
        # 4 words in April, 7 in October
        [ZOE, "Zoé", 4, 7.0, 2.0, 3.5, 0.75, 1.25, 0.19, -3.0],
    ]


def test_synthese_une_seule_periode_evolution_nulle():
    synthese = synthese_par_eleve(tableau_par_eleve(lignes(), periode="Q"))
    assert synthese.set_index("eleve")["evolution_mots"].to_dict() == {"Adam": 0.0, "Zoé": -3.0}


def test_entree_vide():
    tableau = tableau_par_eleve([])
    assert tableau.empty and list(tableau.columns) == ecriture.COLONNES_TABLEAU
    synthese = synthese_par_eleve(tableau)
    assert synthese.empty and list(synthese.columns) == ecriture.COLONNES_SYNTHESE
