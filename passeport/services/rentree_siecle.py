"""Import of the SIECLE students' export: preview first, then apply exactly what was shown (all or nothing).

What the file does to the school (rules of issue 16):
- a student is found by their SIECLE number (``Compte.id_externe`` « siecle:<ELEVE_ID> »), else by INE
  (``Eleve.identifiant``); a new student gets the INE as identifiant, an account without password (the
  first-password sheet gives one), the usage name when the file has one;
- the class is the ``D`` structure (groups and the pseudo-division « Inactifs » ignored), in the file's school
  year; a missing division is created, its level read from its name or the MEF's wording, its référentiel that
  of the students who move into it (else the one chosen for new divisions);
- a student whose class changed is moved with their passport (the trigger of migration 0015 keeps the division
  they left); a student whose ``DATE_SORTIE`` is past leaves the school (``Eleve.sorti_le``: read-only account,
  passport kept, never deleted) and is not created when unknown;
- the same file imported twice changes nothing.
Any problem (another school's student, a move across référentiels, an unreadable line…) is listed in the plan
and nothing can be applied.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from passeport import referentiel as referentiels
from passeport.models import Compte, Division, Eleve, Niveau, Role
from passeport.saisie import caractere_interdit
from passeport.services import rentree
from passeport.services.audit import journaliser
from passeport.services.comptes import login_disponible, logins_pris
from passeport.siecle import EleveSiecle, FichierSiecle, lire_siecle, niveau_du_nom

PREFIXE = "siecle:"
LONGUEURS_MAX = {"nom": 120, "prenom": 120, "division": 40, "identifiant": 40}


@dataclass(frozen=True)
class EleveDuPlan:
    """A student the import touches, as the preview shows them."""

    identifiant: str
    nom: str
    prenom: str
    division: str  # the division after the import
    detail: str = ""  # what changes: « 2GA1 → 1GA1 », « nom : Martin → Martin-Roux », « sorti le 15/10/2026 »


@dataclass(frozen=True)
class DivisionDuPlan:
    nom: str
    niveau: str
    referentiel: str


@dataclass(frozen=True)
class PlanSiecle:
    """What the file will do; ``problemes`` non-empty: nothing can be applied."""

    annee_scolaire: str
    divisions_du_fichier: tuple[tuple[str, int], ...]  # (division, students of the file in it)
    divisions_creees: tuple[DivisionDuPlan, ...] = ()
    crees: tuple[EleveDuPlan, ...] = ()
    deplaces: tuple[EleveDuPlan, ...] = ()
    mis_a_jour: tuple[EleveDuPlan, ...] = ()
    sortis: tuple[EleveDuPlan, ...] = ()
    inchanges: int = 0
    ignores: tuple[str, ...] = ()  # why some students of the file are left out (counted by reason)
    problemes: tuple[str, ...] = ()
    empreinte: str = ""

    @property
    def rien_a_faire(self) -> bool:
        return not (self.divisions_creees or self.crees or self.deplaces or self.mis_a_jour or self.sortis)

    def resume(self) -> str:
        """« 3 élèves créés, 1 élève déplacé, 2 divisions créées (année 2026-2027). »"""
        if self.rien_a_faire:
            return (f"Rien à changer : les {self.inchanges} élève(s) du fichier sont déjà à jour "
                    f"(année {self.annee_scolaire}).")
        morceaux = []
        for n, singulier, pluriel in (
                (len(self.crees), "élève créé", "élèves créés"),
                (len(self.deplaces), "élève déplacé", "élèves déplacés"),
                (len(self.mis_a_jour), "élève mis à jour", "élèves mis à jour"),
                (len(self.sortis), "élève sorti de l'établissement", "élèves sortis de l'établissement"),
                (len(self.divisions_creees), "division créée", "divisions créées")):
            if n:
                morceaux.append(f"{n} {pluriel if n > 1 else singulier}")
        return ", ".join(morceaux) + f" (année {self.annee_scolaire})."


@dataclass
class _Etat:
    """The school as the file finds it, and the writes to make (kept apart until applied)."""

    divisions: dict[str, Division]  # this year's divisions by name
    a_creer: dict[str, DivisionDuPlan] = field(default_factory=dict)
    creations: list[tuple[EleveSiecle, str]] = field(default_factory=list)  # (student, division)
    modifications: list[tuple[Eleve, EleveSiecle, str | None, bool]] = field(default_factory=list)
    sorties: list[tuple[Eleve, dt.date]] = field(default_factory=list)


def _existants(session: Session, etablissement_id: int, fichier: FichierSiecle) -> tuple[dict, dict]:
    """The school's students found by SIECLE number, and every student found by INE (any school)."""
    # The account and the division of each student come with it: the preview runs at every page run.
    avec = (joinedload(Eleve.compte), joinedload(Eleve.division))
    par_numero = {
        eleve.compte.id_externe[len(PREFIXE):]: eleve
        for eleve in session.scalars(
            select(Eleve).join(Compte, Compte.id == Eleve.compte_id).options(*avec)
            .where(Compte.etablissement_id == etablissement_id, Compte.id_externe.like(f"{PREFIXE}%")))
    }
    ines = sorted({e.ine for e in fichier.eleves if e.ine})
    par_ine = {}
    for i in range(0, len(ines), 500):
        par_ine.update({e.identifiant: e for e in session.scalars(
            select(Eleve).options(*avec).where(Eleve.identifiant.in_(ines[i:i + 500])))})
    return par_numero, par_ine


def _problemes_de_forme(eleve: EleveSiecle) -> list[str]:
    problemes = list(eleve.problemes)
    valeurs = {"nom": eleve.nom, "prenom": eleve.prenom, "division": eleve.division or "", "identifiant": eleve.ine}
    for champ, limite in LONGUEURS_MAX.items():
        if len(valeurs[champ]) > limite:
            problemes.append(f"{champ} trop long ({limite} caractères au plus)")
        if caractere_interdit(valeurs[champ]):
            problemes.append(f"{champ} contient un caractère interdit (caractère de contrôle invisible)")
    return problemes


def _qui(eleve: EleveSiecle) -> str:
    return f"élève {eleve.nom_complet or '?'} (ELEVE_ID {eleve.eleve_id or '?'}, INE {eleve.ine or 'absent'})"


def _plan(session: Session, acteur, contenu: bytes, etablissement_id: int, divisions_choisies: set[str] | None,
          referentiel_nouvelles: str, aujourd_hui: dt.date) -> tuple[PlanSiecle, _Etat]:
    etablissement = rentree.etablissement_de(session, acteur, etablissement_id)
    fichier = lire_siecle(contenu)
    rentree.verifier_uaj(fichier.uaj, etablissement, "SIECLE")
    if referentiel_nouvelles not in referentiels.noms_disponibles():
        raise rentree.ImportScolariteInvalide([f"Référentiel inconnu : {referentiel_nouvelles}."])
    annee = fichier.annee_scolaire
    etat = _Etat({d.nom: d for d in session.scalars(select(Division).where(
        Division.etablissement_id == etablissement.id, Division.annee_scolaire == annee))})
    par_numero, par_ine = _existants(session, etablissement.id, fichier)
    effectifs = Counter(e.division for e in fichier.eleves if e.division)
    problemes: list[str] = []
    ignores: Counter[str] = Counter()
    vus_numero: dict[str, str] = {}
    vus_ine: dict[str, str] = {}
    crees, deplaces, mis_a_jour, sortis = [], [], [], []
    inchanges = 0
    # The référentiel of a new division: that of the students moving into it, else the one chosen.
    venues: dict[str, Counter[str]] = {}

    for eleve in fichier.eleves:
        if divisions_choisies is not None and eleve.division not in divisions_choisies:
            ignores["hors des divisions choisies" if eleve.division else "sans division (ou « Inactifs »)"] += 1
            continue
        for vus, cle, quoi in ((vus_numero, eleve.eleve_id, "ELEVE_ID"), (vus_ine, eleve.ine, "INE")):
            if cle and cle in vus:
                problemes.append(f"{_qui(eleve)} : {quoi} {cle} déjà porté par {vus[cle]} dans le fichier")
            elif cle:
                vus[cle] = eleve.nom_complet
        forme = _problemes_de_forme(eleve)
        if forme:
            problemes.append(f"{_qui(eleve)} : " + " ; ".join(forme))
            continue
        existant = par_numero.get(eleve.eleve_id) or (par_ine.get(eleve.ine) if eleve.ine else None)
        if existant is not None and existant.compte.etablissement_id != etablissement.id:
            problemes.append(f"{_qui(eleve)} : l'INE {eleve.ine} est celui d'un élève d'un autre établissement")
            continue
        parti = eleve.date_sortie is not None and eleve.date_sortie <= aujourd_hui
        if parti:
            if existant is None:
                ignores["déjà sortis de l'établissement (pas créés)"] += 1
            elif existant.sorti_le is None:
                etat.sorties.append((existant, eleve.date_sortie))
                sortis.append(EleveDuPlan(existant.identifiant, existant.compte.nom, existant.compte.prenom,
                                          existant.division.nom, f"sorti le {eleve.date_sortie:%d/%m/%Y}"))
            else:
                inchanges += 1
            continue
        if eleve.division is None:
            ignores["sans division (ou « Inactifs »)"] += 1
            continue
        if existant is None:
            identifiant = eleve.ine or f"SIECLE-{eleve.eleve_id}"
            etat.creations.append((eleve, eleve.division))
            crees.append(EleveDuPlan(identifiant, eleve.nom, eleve.prenom, eleve.division,
                                     "" if eleve.ine else "sans INE dans le fichier : identifiant provisoire"))
            venues.setdefault(eleve.division, Counter())
            continue
        changements = []
        if (existant.compte.nom, existant.compte.prenom) != (eleve.nom, eleve.prenom):
            changements.append(f"nom : {existant.compte.nom_complet} → {eleve.nom_complet}")
        if eleve.ine and existant.identifiant != eleve.ine:
            if eleve.ine in par_ine and par_ine[eleve.ine] is not existant:
                problemes.append(f"{_qui(eleve)} : l'INE {eleve.ine} est déjà celui d'un autre élève")
                continue
            changements.append(f"identifiant : {existant.identifiant} → {eleve.ine}")
        if not existant.compte.actif:
            changements.append("compte réactivé")
        if existant.sorti_le is not None:
            changements.append("de retour dans l'établissement")
        cible = existant.division if existant.division.nom == eleve.division \
            and existant.division.annee_scolaire == annee else None
        nouvelle = None if cible is not None else eleve.division
        if nouvelle is not None:
            venues.setdefault(nouvelle, Counter())[existant.division.referentiel] += 1
        lien = existant.compte.id_externe != f"{PREFIXE}{eleve.eleve_id}"
        if not changements and nouvelle is None and not lien:
            inchanges += 1
            continue
        etat.modifications.append((existant, eleve, nouvelle, lien))
        ligne = EleveDuPlan(eleve.ine or existant.identifiant, eleve.nom, eleve.prenom, eleve.division,
                            " ; ".join(changements))
        if nouvelle is not None:
            depart = f"{existant.division.nom} ({existant.division.annee_scolaire})"
            deplaces.append(EleveDuPlan(ligne.identifiant, ligne.nom, ligne.prenom, nouvelle,
                                        " ; ".join([f"{depart} → {nouvelle}", *changements])))
        elif changements:
            mis_a_jour.append(ligne)
        else:
            inchanges += 1  # only the SIECLE number is recorded: nothing the administrator would see

    for nom, referentiels_venus in sorted(venues.items()):
        if nom in etat.divisions:
            continue
        niveau = niveau_du_nom(nom) or _niveau_du_mef(fichier, nom)
        if niveau is None:
            problemes.append(f"division {nom} ({annee}) : elle n'existe pas encore et son niveau ne se lit ni dans "
                             "son nom ni dans le MEF ; créez-la d'abord (étape « Divisions de l'année »)")
            continue
        choisi = referentiels_venus.most_common(1)[0][0] if referentiels_venus else referentiel_nouvelles
        etat.a_creer[nom] = DivisionDuPlan(nom, niveau.value, choisi)
    for existant, eleve, nouvelle, _ in etat.modifications:
        if nouvelle is None:
            continue
        ref_cible = etat.divisions[nouvelle].referentiel if nouvelle in etat.divisions else \
            (etat.a_creer[nouvelle].referentiel if nouvelle in etat.a_creer else None)
        if ref_cible is not None and ref_cible != existant.division.referentiel:
            problemes.append(f"{_qui(eleve)} : ses fiches portent sur le référentiel {existant.division.referentiel}, "
                             f"la division {nouvelle} ({annee}) suit {ref_cible}")

    actions = (tuple(etat.a_creer.values()), tuple(crees), tuple(deplaces), tuple(mis_a_jour), tuple(sortis))
    plan = PlanSiecle(
        annee_scolaire=annee, divisions_du_fichier=tuple(sorted(effectifs.items())),
        divisions_creees=tuple(sorted(etat.a_creer.values(), key=lambda d: d.nom)),
        crees=_tries(crees), deplaces=_tries(deplaces), mis_a_jour=_tries(mis_a_jour), sortis=_tries(sortis),
        inchanges=inchanges, ignores=tuple(f"{n} élève(s) {raison}" for raison, n in sorted(ignores.items())),
        problemes=tuple(problemes), empreinte=rentree.empreinte(contenu, (annee, actions, tuple(problemes))),
    )
    return plan, etat


def _niveau_du_mef(fichier: FichierSiecle, division: str) -> Niveau | None:
    """The level of the MEF most students of ``division`` follow, read from its wording in the file."""
    codes = Counter(e.code_mef for e in fichier.eleves if e.division == division and e.code_mef)
    for code, _ in codes.most_common():
        if (niveau := niveau_du_nom(fichier.libelles_mef.get(code, ""))) is not None:
            return niveau
    return None


def _tries(lignes: list[EleveDuPlan]) -> tuple[EleveDuPlan, ...]:
    return tuple(sorted(lignes, key=lambda l: (l.division, l.nom, l.prenom, l.identifiant)))


def prevoir_siecle(session: Session, acteur, contenu: bytes, etablissement_id: int,
                   divisions_choisies: set[str] | None = None,
                   referentiel_nouvelles: str = referentiels.REFERENTIEL_PAR_DEFAUT,
                   aujourd_hui: dt.date | None = None) -> PlanSiecle:
    """What importing ``contenu`` would do; writes nothing. ``divisions_choisies``: only these of the file."""
    plan, _ = _plan(session, acteur, contenu, etablissement_id, divisions_choisies, referentiel_nouvelles,
                    aujourd_hui or dt.date.today())
    return plan


def appliquer_siecle(session: Session, acteur, contenu: bytes, etablissement_id: int, empreinte_vue: str,
                     divisions_choisies: set[str] | None = None,
                     referentiel_nouvelles: str = referentiels.REFERENTIEL_PAR_DEFAUT,
                     aujourd_hui: dt.date | None = None) -> PlanSiecle:
    """Apply the plan the administrator saw (``empreinte_vue``), in the caller's transaction; see the module."""
    plan, etat = _plan(session, acteur, contenu, etablissement_id, divisions_choisies, referentiel_nouvelles,
                       aujourd_hui or dt.date.today())
    if plan.empreinte != empreinte_vue:
        raise rentree.ApercuPerime()
    if plan.problemes:
        raise rentree.ImportScolariteInvalide(list(plan.problemes))
    for nom, voulue in etat.a_creer.items():
        etat.divisions[nom] = Division(etablissement_id=etablissement_id, nom=nom, niveau=Niveau(voulue.niveau),
                                       annee_scolaire=plan.annee_scolaire, referentiel=voulue.referentiel)
        session.add(etat.divisions[nom])
    pris = logins_pris(session) if etat.creations else set()
    for eleve, division in etat.creations:
        compte = Compte(login=login_disponible(eleve.prenom, eleve.nom, pris), role=Role.ELEVE,
                        etablissement_id=etablissement_id, nom=eleve.nom, prenom=eleve.prenom,
                        mot_de_passe_hash=None, id_externe=f"{PREFIXE}{eleve.eleve_id}")
        session.add(Eleve(compte=compte, identifiant=eleve.ine or f"SIECLE-{eleve.eleve_id}",
                          division=etat.divisions[division]))
    for existant, eleve, nouvelle, _ in etat.modifications:
        existant.compte.nom, existant.compte.prenom = eleve.nom, eleve.prenom
        existant.compte.actif, existant.sorti_le = True, None
        existant.compte.id_externe = f"{PREFIXE}{eleve.eleve_id}"
        if eleve.ine:
            existant.identifiant = eleve.ine
        if nouvelle is not None:
            existant.division = etat.divisions[nouvelle]
    for existant, jour in etat.sorties:
        existant.sorti_le = jour
    rentree.ecrire(session)
    journaliser(session, "siecle_importe", acteur.compte_id, acteur.role.value, "etablissement", etablissement_id,
                details=plan.resume()[:500])
    return plan
