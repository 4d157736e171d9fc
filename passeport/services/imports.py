"""CSV imports of students and fiches (formats of DESIGN.md): all or nothing, every bad line reported."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from passeport import acces, annee, referentiel
from passeport.saisie import caractere_interdit
from passeport.csvio import FichierInvalide, LigneCsv, lire_csv, probleme_de_lecture
from passeport.models import Compte, Division, Eleve, Etablissement, Fiche, FicheVersion, Lieu, Nature, Niveau, Role
from passeport.services.comptes import login_disponible, logins_pris
from passeport.services.fiches import ContenuFiche, creer_fiche, problemes_du_contenu

COLONNES_ELEVES = ["identifiant", "nom", "prenom", "division"]
COLONNES_ELEVES_FACULTATIVES = ["niveau", "annee_scolaire", "referentiel", "email"]
# Headers of the school information system's exports (SIECLE-style), read as ours.
ALIAS_ELEVES = {"ine": "identifiant", "prénom": "prenom", "classe": "division", "mel": "email", "courriel": "email"}
COLONNES_FICHES = [
    "eleve", "situation", "titre", "date_debut", "date_fin", "lieu", "nature", "organisation", "contexte",
    "conditions", "demarche", "productions", "complexite", "complexite_details", "aleas", "aleas_details",
    "retenue",
]


class ImportInvalide(FichierInvalide):
    """Bad lines in an import; nothing was written. ``erreurs`` holds one ``ligne N : …`` per bad line."""


@dataclass(frozen=True)
class BilanImport:
    crees: int
    mis_a_jour: int = 0
    divisions_creees: int = 0
    desactives: int = 0

    def resume(self, objet: str, feminin: bool = False) -> str:
        """« 2 élèves importés, 1 mis à jour, 3 divisions créées. »"""
        e = "e" if feminin else ""
        morceaux = [_accorder(self.crees, objet, f"importé{e}")]
        if self.mis_a_jour:
            morceaux.append(f"{self.mis_a_jour} mis{e}{'s' if e and self.mis_a_jour > 1 else ''} à jour")
        if self.divisions_creees:
            morceaux.append(_accorder(self.divisions_creees, "division", "créée"))
        if self.desactives:
            pl = "s" if self.desactives > 1 else ""
            morceaux.append(f"{self.desactives} élève{pl} absent{pl} du fichier désactivé{pl}")
        return ", ".join(morceaux) + "."


def _accorder(n: int, nom: str, participe: str) -> str:
    pluriel = "s" if n > 1 else ""
    return f"{n} {nom}{pluriel} {participe}{pluriel}"


def _rapporter(erreurs: dict[int, list[str]]) -> None:
    if erreurs:
        raise ImportInvalide([f"ligne {n} : " + " ; ".join(p) for n, p in sorted(erreurs.items())])


# --- élèves -----------------------------------------------------------------------------------------------------

_NIVEAU_PAR_INITIALE = {"2": Niveau.SECONDE, "1": Niveau.PREMIERE, "T": Niveau.TERMINALE}
_NIVEAUX_ECRITS = {
    "2nde": Niveau.SECONDE, "seconde": Niveau.SECONDE, "2": Niveau.SECONDE,
    "1re": Niveau.PREMIERE, "premiere": Niveau.PREMIERE, "première": Niveau.PREMIERE, "1": Niveau.PREMIERE,
    "tle": Niveau.TERMINALE, "terminale": Niveau.TERMINALE, "t": Niveau.TERMINALE,
}


# The database's column sizes, checked here so that SQLite and PostgreSQL answer the same.
LONGUEURS_MAX = {"identifiant": 40, "nom": 120, "prenom": 120, "division": 40, "email": 200}


@dataclass(frozen=True)
class _DivisionVoulue:
    nom: str
    niveau: Niveau | None
    annee_scolaire: str
    referentiel: str | None


def importer_eleves(
    session: Session, acteur, source: Path | str | bytes, etablissement: Etablissement,
    aujourd_hui: dt.date | None = None, desactiver_absents: bool = False,
) -> BilanImport:
    """Create or update the students of ``source``; divisions named there are created when missing.

    The school's administrator (its page) or the operator (the CLI, ``acces.OPERATEUR``).

    With ``desactiver_absents``, the active students of the divisions named in the file who are not in it are
    deactivated (never deleted: their passport stays). Divisions absent from the file are left alone, so that
    importing one class does not touch the others.
    """
    acces.exiger_operateur_ou_admin(acteur, etablissement.id)
    lignes = lire_csv(source, COLONNES_ELEVES, COLONNES_ELEVES_FACULTATIVES, ALIAS_ELEVES)
    annee_defaut = annee.annee_scolaire(aujourd_hui)
    existantes = {
        (d.nom, d.annee_scolaire): d
        for d in session.scalars(select(Division).where(Division.etablissement_id == etablissement.id))
    }
    eleves_connus = {e.identifiant: e for e in session.scalars(select(Eleve))}
    erreurs: dict[int, list[str]] = {}
    vues: dict[str, int] = {}
    voulues: dict[tuple[str, str], _DivisionVoulue] = {}
    valides: list[tuple[LigneCsv, tuple[str, str]]] = []
    premieres_lignes: dict[tuple[str, str], int] = {}

    for ligne in lignes:
        v = ligne.valeurs
        p = erreurs.setdefault(ligne.numero, [])
        if (probleme := probleme_de_lecture(ligne)) is not None:
            p.append(probleme)
            continue
        for col in COLONNES_ELEVES:
            if not v[col].strip():
                p.append(f"{col} vide")
        for col, limite in LONGUEURS_MAX.items():
            if len(v.get(col, "").strip()) > limite:
                p.append(f"{col} trop long ({limite} caractères au plus)")
            if caractere_interdit(v.get(col, "")):
                p.append(f"{col} contient un caractère interdit (caractère de contrôle invisible)")
        ident = v["identifiant"].strip()
        if ident in vues:
            p.append(f"identifiant {ident} déjà présent ligne {vues[ident]}")
        elif ident:
            vues[ident] = ligne.numero
        if ident in eleves_connus and eleves_connus[ident].division.etablissement_id != etablissement.id:
            p.append(f"identifiant {ident} déjà utilisé par un élève d'un autre établissement")
        email = v.get("email", "").strip()
        if email and "@" not in email:
            p.append(f"adresse électronique invalide « {email} »")
        division = _division_de_ligne(v, annee_defaut, p)
        if division is None or p:
            continue
        cle = (division.nom, division.annee_scolaire)
        p.extend(_conflits_de_division(division, existantes.get(cle), voulues.get(cle)))
        if not p:
            precedente = voulues.get(cle)
            voulues[cle] = division if precedente is None else dataclasses.replace(
                precedente, niveau=precedente.niveau or division.niveau,
                referentiel=precedente.referentiel or division.referentiel,
            )
            premieres_lignes.setdefault(cle, ligne.numero)
            valides.append((ligne, cle))
    for cle, voulue in voulues.items():
        if cle not in existantes and voulue.niveau is None and voulue.nom[0].upper() not in _NIVEAU_PAR_INITIALE:
            erreurs[premieres_lignes[cle]].append(
                f"niveau manquant pour la nouvelle division {voulue.nom} (2nde, 1re ou Tle)"
            )
    erreurs = {n: p for n, p in erreurs.items() if p}
    _rapporter(erreurs)

    crees = mis_a_jour = divisions_creees = 0
    pris = logins_pris(session)
    for cle, voulue in voulues.items():
        if cle not in existantes:
            niveau = voulue.niveau or _NIVEAU_PAR_INITIALE[voulue.nom[0].upper()]
            existantes[cle] = Division(
                etablissement=etablissement, nom=voulue.nom, niveau=niveau, annee_scolaire=voulue.annee_scolaire,
                referentiel=voulue.referentiel or referentiel.REFERENTIEL_PAR_DEFAUT,
            )
            session.add(existantes[cle])
            divisions_creees += 1
    for ligne, cle in valides:
        v = ligne.valeurs
        eleve = eleves_connus.get(v["identifiant"].strip())
        nom, prenom, email = v["nom"].strip(), v["prenom"].strip(), v.get("email", "").strip()
        if eleve is None:
            compte = Compte(
                login=login_disponible(prenom, nom, pris), role=Role.ELEVE, etablissement_id=etablissement.id,
                nom=nom, prenom=prenom, email=email, mot_de_passe_hash=None,
            )
            session.add(Eleve(compte=compte, identifiant=v["identifiant"].strip(), division=existantes[cle]))
            crees += 1
        else:
            eleve.compte.nom, eleve.compte.prenom, eleve.division = nom, prenom, existantes[cle]
            eleve.compte.actif = True
            if email:
                eleve.compte.email = email
            mis_a_jour += 1
    desactives = 0
    if desactiver_absents:
        presents = {v.valeurs["identifiant"].strip() for v, _ in valides}
        for cle in voulues:
            division = existantes[cle]
            for eleve in list(division.eleves):
                if eleve.identifiant not in presents and eleve.compte.actif:
                    eleve.compte.actif = False
                    desactives += 1
    session.flush()
    return BilanImport(crees, mis_a_jour, divisions_creees, desactives)


def _division_de_ligne(v: dict[str, str], annee_defaut: str, p: list[str]) -> _DivisionVoulue | None:
    nom = v["division"].strip()
    if not nom:
        return None
    niveau_ecrit = v.get("niveau", "").strip()
    niveau = None
    if niveau_ecrit:
        niveau = _NIVEAUX_ECRITS.get(niveau_ecrit.lower())
        if niveau is None:
            p.append(f"niveau « {niveau_ecrit} » inconnu (2nde, 1re ou Tle)")
    annee_ecrite = v.get("annee_scolaire", "").strip() or annee_defaut
    if not annee.est_valide(annee_ecrite):
        p.append(f"année scolaire « {annee_ecrite} » invalide (exemple : 2026-2027)")
    nom_ref = v.get("referentiel", "").strip() or None
    if nom_ref is not None and nom_ref not in referentiel.noms_disponibles():
        p.append(f"référentiel « {nom_ref} » inconnu ({', '.join(referentiel.noms_disponibles())})")
    return _DivisionVoulue(nom, niveau, annee_ecrite, nom_ref)


def _conflits_de_division(
    voulue: _DivisionVoulue, existante: Division | None, deja_voulue: _DivisionVoulue | None
) -> list[str]:
    problemes = []
    if existante is not None:
        if voulue.niveau and voulue.niveau != existante.niveau:
            problemes.append(f"la division {voulue.nom} existe déjà en {existante.niveau.value}")
        if voulue.referentiel and voulue.referentiel != existante.referentiel:
            problemes.append(f"la division {voulue.nom} existe déjà avec le référentiel {existante.referentiel}")
        return problemes
    if deja_voulue is not None:
        if voulue.niveau and deja_voulue.niveau and voulue.niveau != deja_voulue.niveau:
            problemes.append(f"la division {voulue.nom} a un autre niveau sur une ligne précédente")
        if voulue.referentiel and deja_voulue.referentiel and voulue.referentiel != deja_voulue.referentiel:
            problemes.append(f"la division {voulue.nom} a un autre référentiel sur une ligne précédente")
    return problemes


# --- fiches -----------------------------------------------------------------------------------------------------


def importer_fiches(session: Session, acteur, source: Path | str | bytes, auteur_id: int | None = None) -> BilanImport:
    """Add the fiches of ``source`` to the students' passports (each as a fiche with one version).

    The operator only (the CLI, ``acces.OPERATEUR``): a file may name students of several schools."""
    acces.exiger_operateur_ou_admin(acteur)
    lignes = lire_csv(source, COLONNES_FICHES)
    eleves = {
        e.identifiant: e
        for e in session.scalars(select(Eleve).where(Eleve.identifiant.in_({l.valeurs.get("eleve", "").strip() for l in lignes}))
        )
    }
    retenues_existantes = _retenues_existantes(session, [e.id for e in eleves.values()])
    erreurs: dict[int, list[str]] = {}
    retenues_du_fichier: dict[tuple[str, str], int] = {}
    a_creer: list[tuple[Eleve, ContenuFiche, bool]] = []

    for ligne in lignes:
        v = ligne.valeurs
        p: list[str] = []
        if (probleme := probleme_de_lecture(ligne)) is not None:
            erreurs[ligne.numero] = [probleme]
            continue
        eleve = eleves.get(v["eleve"].strip())
        if eleve is None:
            p.append(f"élève inconnu « {v['eleve']} »")
        contenu = _contenu_de_ligne(v, p)
        retenue = v["retenue"].strip()
        if retenue not in ("", "0", "1"):
            p.append(f"retenue « {retenue} » invalide (0 ou 1)")
        if eleve is not None and contenu is not None:
            p.extend(problemes_du_contenu(contenu, referentiel.charger(eleve.division.referentiel)))
        if retenue == "1" and eleve is not None:
            cle = (eleve.identifiant, v["situation"].strip())
            if cle in retenues_du_fichier:
                p.append(
                    f"deux fiches retenues pour l'élève {cle[0]} et la situation {cle[1]} "
                    f"(déjà ligne {retenues_du_fichier[cle]})"
                )
            elif (eleve.id, cle[1]) in retenues_existantes:
                p.append(f"l'élève {cle[0]} a déjà une fiche retenue pour la situation {cle[1]}")
            else:
                retenues_du_fichier[cle] = ligne.numero
        if p:
            erreurs[ligne.numero] = p
        elif eleve is not None and contenu is not None:
            a_creer.append((eleve, contenu, retenue == "1"))
    _rapporter(erreurs)
    for eleve, contenu, retenue in a_creer:
        creer_fiche(session, eleve.id, contenu, auteur_id, retenue)
    try:
        session.flush()
    except IntegrityError as exc:  # a student retained a fiche of the same situation while the file was read
        if "uq_fiche_retenue" not in str(exc) and "UNIQUE constraint failed: fiche." not in str(exc):
            raise
        raise ImportInvalide(["une fiche retenue du fichier porte sur une situation pour laquelle l'élève vient de "
                              "retenir une autre fiche : rien n'a été enregistré, relancez l'import"]) from None
    return BilanImport(len(a_creer))


def _retenues_existantes(session: Session, eleve_ids: list[int]) -> set[tuple[int, str]]:
    requete = (
        select(Fiche.eleve_id, FicheVersion.situation)
        .join(FicheVersion, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
        .where(Fiche.retenue.is_(True), Fiche.supprimee_le.is_(None), Fiche.eleve_id.in_(eleve_ids))
    )
    return {(eleve_id, situation) for eleve_id, situation in session.execute(requete)}


def _date(texte: str, nom: str, p: list[str], obligatoire: bool) -> dt.date | None:
    texte = texte.strip()
    if not texte:
        if obligatoire:
            p.append(f"{nom} vide")
        return None
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", texte):  # fromisoformat also takes 2026-W05-1
            raise ValueError
        return dt.date.fromisoformat(texte)
    except ValueError:
        p.append(f"{nom} « {texte} » invalide (format attendu AAAA-MM-JJ)")
        return None


def _entier(texte: str, nom: str, bornes: range, p: list[str]) -> int | None:
    if not re.fullmatch(r"[0-9]+", texte.strip()):  # int() would also take "２" or "1_0"
        p.append(f"{nom} « {texte} » n'est pas un nombre")
        return None
    valeur = int(texte.strip())
    if valeur not in bornes:
        p.append(f"{nom} {valeur} hors de {bornes.start} à {bornes.stop - 1}")
        return None
    return valeur


def _contenu_de_ligne(v: dict[str, str], p: list[str]) -> ContenuFiche | None:
    avant = len(p)
    debut = _date(v["date_debut"], "date_debut", p, obligatoire=True)
    fin = _date(v["date_fin"], "date_fin", p, obligatoire=False)
    if debut and fin and fin < debut:
        p.append("date_fin avant date_debut")
        fin = None  # already reported; keep the content check from saying it twice
    try:
        lieu = Lieu(v["lieu"].strip())
    except ValueError:
        p.append(f"lieu « {v['lieu']} » inconnu ({', '.join(l.value for l in Lieu)})")
    try:
        nature = Nature(v["nature"].strip())
    except ValueError:
        p.append(f"nature « {v['nature']} » inconnue (reelle ou simulee)")
    complexite = _entier(v["complexite"], "complexite", range(1, 4), p)
    aleas = _entier(v["aleas"], "aleas", range(0, 3), p)
    if len(p) > avant:
        return None
    textes = {c: v[c] for c in ("titre", "organisation", "contexte", "conditions", "demarche", "productions",
                                "complexite_details", "aleas_details")}
    return ContenuFiche(
        situation=v["situation"].strip(), date_debut=debut, date_fin=fin, lieu=lieu, nature=nature,
        complexite=complexite, aleas=aleas, **textes,
    )

