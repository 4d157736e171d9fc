"""Test data built by code with a fixed seed: students and fiches files in the interchange formats."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from passeport import referentiel

ENTETE_ELEVES = ["identifiant", "nom", "prenom", "division", "niveau", "annee_scolaire", "referentiel", "email"]
ENTETE_FICHES = [
    "eleve", "situation", "titre", "date_debut", "date_fin", "lieu", "nature", "organisation", "contexte",
    "conditions", "demarche", "productions", "complexite", "complexite_details", "aleas", "aleas_details", "retenue",
]
# Texts that a careless CSV layer would damage: separators, quotes, line breaks, accents, spaces, pipes.
TEXTES_PIEGES = [
    "Je suis assistante du chef de service dans l'entreprise BIOMAG, SARL de 16 salariés ; service achats.",
    'Mon tuteur m\'a dit : "vérifie la facture" puis « contrôle le bon ».',
    "Première ligne\nDeuxième ligne\r\nTroisième ligne (fin de ligne Windows)",
    "  espaces au début et à la fin  ",
    "Je dispose : d'un poste informatique, du logiciel de gestion, d'un téléphone.",
    "Œuvre, cœur, ça, où, naïve, Noël — 12 € | 3 %",
    "<script>alert('x')</script> **gras** [lien](javascript:alert(1))",
    "",
]
LIEUX = ["etablissement", "services_eple", "projet", "pfmp", "hors_formation"]


def texte_csv(entete: list[str], lignes: list[list[str]], sep: str = ";", bom: bool = True) -> bytes:
    tampon = io.StringIO(newline="")
    ecrivain = csv.writer(tampon, delimiter=sep)
    ecrivain.writerow(entete)
    ecrivain.writerows(lignes)
    return (("\ufeff" if bom else "") + tampon.getvalue()).encode("utf-8")


def eleves(n: int = 70, graine: int = 7) -> list[list[str]]:
    """n students in three divisions of 2026-2027: 2GA1 and 1GA1 (GA 2012), 2AG1 (AGORA 2020)."""
    rng = random.Random(graine)
    divisions = [("2GA1", "2nde", "ga-2012"), ("1GA1", "1re", "ga-2012"), ("2AG1", "2nde", "agora-2020")]
    lignes = []
    for i in range(n):
        division, niveau, ref = divisions[i % 3]
        nom = rng.choice(["Moreau", "Lefèvre", "N'Diaye", "Le Gall", "Dupont-Aignan", "Çelik"])
        prenom = rng.choice(["Léa", "Noé", "Inès", "Maël", "Chloé", "Yanis"])
        lignes.append([f"INE{i:05d}", nom, prenom, division, niveau, "2026-2027", ref, f"eleve{i}@exemple.fr"])
    return lignes


def fiches(eleves_lignes: list[list[str]], n: int = 1500, graine: int = 11) -> list[list[str]]:
    """n fiches spread over the students, ordered as the export orders them (student, then file order)."""
    rng = random.Random(graine)
    par_eleve: dict[str, list[list[str]]] = {e[0]: [] for e in eleves_lignes}
    refs = {e[0]: referentiel.charger(e[6]) for e in eleves_lignes}
    retenues: set[tuple[str, str]] = set()
    for k in range(n):
        ident = eleves_lignes[k % len(eleves_lignes)][0]
        code = rng.choice(list(refs[ident].situations))
        debut = dt.date(2026, 9, 1) + dt.timedelta(days=rng.randint(0, 80))
        fin = "" if rng.random() < 0.2 else (debut + dt.timedelta(days=rng.randint(0, 5))).isoformat()
        complexite, aleas = rng.randint(1, 3), rng.randint(0, 2)
        retenue = "1" if (ident, code) not in retenues and rng.random() < 0.2 else "0"
        if retenue == "1":
            retenues.add((ident, code))
        t = lambda: rng.choice(TEXTES_PIEGES)  # noqa: E731
        par_eleve[ident].append([
            ident, code, f"Fiche {k} : " + t(), debut.isoformat(), fin, rng.choice(LIEUX),
            rng.choice(["reelle", "simulee"]), rng.choice(["BIOMAG", "Mairie de Saint-Aubin", ""]), t(), t(), t(),
            t(), str(complexite), "|".join(rng.sample(["Client étranger", "Urgence", " espace "], complexite - 1)),
            str(aleas), "|".join(rng.sample(["Panne", "Erreur de prix", "Retard"], aleas)), retenue,
        ])
    return [ligne for ident in sorted(par_eleve) for ligne in par_eleve[ident]]
