"""The STS-web import: the teachers of the passport's divisions, their accounts and the divisions they teach.

A lycée's STS-web file lists 150 teachers; only the team of the divisions that use the passport matters. So an
account is made only for a teacher who teaches at least one division that exists in the application for the file's
school year; the others are counted as ignored. Existing accounts are found, never duplicated: first by their STS-web
number (``Compte.id_externe`` « sts:<ID> »), else by name among the school's teachers without a number (one
namesake: found and given the number; several: a problem, nothing applied). Links teacher ↔ division are only
added: a link set by hand by the administrator stays. New accounts have no password: the first-password sheet gives
them one.

``prevoir_sts`` writes nothing; ``appliquer_sts`` computes the same plan again and applies it only if it is the one
the administrator saw (``rentree.empreinte``), all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport.models import Compte, Division, Enseignant, Etablissement, Role, enseignant_division
from passeport.saisie import caractere_interdit
from passeport.services import rentree
from passeport.services.audit import journaliser
from passeport.services.comptes import login_disponible, logins_pris
from passeport.sts import FichierSts, IndividuSts, lire_sts

# STS-web's FONCTION of the staff who teach classes. The others are not teachers of a division: « DIR » direction,
# « EDU » conseiller principal d'éducation, « DOC » professeur documentaliste, « SUR » surveillance, « ADM »
# administration, « ASE »/« LAB » agents, « ORI » orientation.
FONCTIONS_ENSEIGNEMENT = ("ENS",)
PREFIXE = "sts:"
NOMS_IGNORES_MONTRES = 5  # the preview names a few of the ignored teachers, not 150


@dataclass(frozen=True)
class EnseignantCree:
    id_sts: str
    prenom: str
    nom: str
    login: str
    discipline: str
    divisions: tuple[str, ...]


@dataclass(frozen=True)
class EnseignantRetrouve:
    compte_id: int
    id_sts: str
    prenom: str
    nom: str
    login: str
    par_le_nom: bool  # found by name: the STS-web number will be attached to the account
    divisions_ajoutees: tuple[str, ...]


@dataclass(frozen=True)
class PlanSts:
    annee_scolaire: str
    enseignants_crees: tuple[EnseignantCree, ...]
    enseignants_retrouves: tuple[EnseignantRetrouve, ...]  # only those the import changes
    deja_a_jour: int  # teachers found whose account and divisions need nothing
    liens_ajoutes: int
    ignores: int  # teachers of no division of the passport
    ignores_exemples: tuple[str, ...]
    divisions_du_fichier_absentes: tuple[str, ...]  # for information: divisions unknown to the application this year
    problemes: tuple[str, ...]  # not empty: nothing can be applied
    empreinte: str

    @property
    def rien_a_faire(self) -> bool:
        return not (self.enseignants_crees or self.enseignants_retrouves or self.problemes)

    def resume(self) -> str:
        """One French sentence: « 2 enseignants créés, 1 retrouvé, 3 liens avec des divisions ajoutés. »"""
        if self.problemes:
            n = len(self.problemes)
            return f"Import impossible : {_nombre(n, 'problème', 'problèmes')} à régler d'abord."
        if self.rien_a_faire:
            phrase = "Rien à changer : " + (
                f"{_nombre(self.deja_a_jour, 'enseignant', 'enseignants')} du fichier déjà à jour."
                if self.deja_a_jour else "aucun enseignant du fichier n'enseigne dans une division du passeport.")
        else:
            crees, retrouves = len(self.enseignants_crees), len(self.enseignants_retrouves)
            phrase = (f"{_nombre(crees, 'enseignant créé', 'enseignants créés')}, "
                      f"{_nombre(retrouves, 'retrouvé', 'retrouvés')}, "
                      f"{_nombre(self.liens_ajoutes, 'lien avec une division ajouté', 'liens avec des divisions ajoutés')}.")
        if self.ignores:
            phrase += (f" {_nombre(self.ignores, 'enseignant ignoré', 'enseignants ignorés')} "
                       "(aucune division du passeport).")
        return phrase

    def details(self) -> list[str]:
        """The preview, line by line, in French (the command prints it; a page may show it)."""
        lignes = [f"Année scolaire du fichier : {self.annee_scolaire}."]
        if self.problemes:
            lignes.append("Problèmes (rien ne peut être importé tant qu'ils ne sont pas réglés) :")
            lignes += [f"  - {p}" for p in self.problemes]
        if self.enseignants_crees:
            lignes.append(f"Comptes enseignants à créer ({len(self.enseignants_crees)}, sans mot de passe : "
                          "imprimez ensuite la feuille des premiers mots de passe) :")
            lignes += [f"  - {e.prenom} {e.nom} ({e.login}){f', {e.discipline}' if e.discipline else ''} : "
                       f"{', '.join(e.divisions)}" for e in self.enseignants_crees]
        if self.enseignants_retrouves:
            lignes.append(f"Comptes enseignants retrouvés ({len(self.enseignants_retrouves)}) :")
            for e in self.enseignants_retrouves:
                quoi = ["retrouvé par son nom, numéro STS-web noté"] if e.par_le_nom else []
                if e.divisions_ajoutees:
                    quoi.append(f"divisions ajoutées : {', '.join(e.divisions_ajoutees)}")
                lignes.append(f"  - {e.prenom} {e.nom} ({e.login}) : {' ; '.join(quoi)}")
        if self.deja_a_jour:
            lignes.append(f"Déjà à jour : {_nombre(self.deja_a_jour, 'enseignant', 'enseignants')}.")
        if self.ignores:
            autres = self.ignores - len(self.ignores_exemples)
            lignes.append(f"Ignorés, sans division du passeport : {self.ignores} ({', '.join(self.ignores_exemples)}"
                          f"{f' et {autres} autre(s)' if autres > 0 else ''}).")
        if self.divisions_du_fichier_absentes:
            lignes.append(f"Divisions du fichier absentes de l'application pour {self.annee_scolaire} (pour "
                          f"information) : {', '.join(self.divisions_du_fichier_absentes)}.")
        lignes.append(self.resume())
        return lignes


def _nombre(n: int, singulier: str, pluriel: str) -> str:
    return f"{n} {pluriel if n > 1 else singulier}"


def _cle(division: str) -> str:
    """A division's name as compared between the file and the application (« 1ga1 » = « 1GA1 »)."""
    return division.strip().upper()


def _probleme_de_nom(individu: IndividuSts) -> str | None:
    qui = f"L'enseignant n° {individu.id} du fichier ({' '.join(filter(None, (individu.prenom, individu.nom)))})"
    if not individu.nom or not individu.prenom:
        return f"{qui} n'a pas de nom ou pas de prénom : complétez-le dans STS-web, puis exportez de nouveau."
    if len(individu.nom) > 120 or len(individu.prenom) > 120:
        return f"{qui} a un nom ou un prénom de plus de 120 caractères."
    if caractere_interdit(individu.nom + individu.prenom):
        return f"{qui} a un nom ou un prénom avec un caractère interdit (caractère de contrôle invisible)."
    return None


def _plan(session: Session, etablissement: Etablissement, contenu: bytes, fichier: FichierSts):
    """The plan, and what ``appliquer_sts`` needs to write it (the divisions by name)."""
    divisions = {_cle(d.nom): d for d in session.scalars(
        select(Division).where(Division.etablissement_id == etablissement.id,
                               Division.annee_scolaire == fichier.annee_scolaire))}
    enseignants = [i for i in fichier.individus if i.fonction in FONCTIONS_ENSEIGNEMENT]
    du_fichier = {code for i in enseignants for code in i.divisions}
    absentes = tuple(sorted(c for c in du_fichier if _cle(c) not in divisions))

    # The school's teachers: by STS-web number, and (those without a number) by simplified name.
    comptes = session.execute(
        select(Compte, Enseignant).outerjoin(Enseignant, Enseignant.compte_id == Compte.id)
        .where(Compte.etablissement_id == etablissement.id,
               (Compte.role == Role.ENSEIGNANT) | Compte.id_externe.like(f"{PREFIXE}%"))
        .order_by(Compte.id)).all()
    par_numero = {c.id_externe: (c, e) for c, e in comptes if c.id_externe}
    par_nom: dict[tuple[str, str], list[tuple[Compte, Enseignant]]] = {}
    for c, e in comptes:
        if e is not None and not c.id_externe:
            par_nom.setdefault((rentree.nom_simple(c.nom), rentree.nom_simple(c.prenom)), []).append((c, e))
    liens = {(e, d) for e, d in session.execute(
        select(enseignant_division.c.enseignant_id, enseignant_division.c.division_id)
        .join(Enseignant, Enseignant.id == enseignant_division.c.enseignant_id)
        .join(Compte, Compte.id == Enseignant.compte_id)
        .where(Compte.etablissement_id == etablissement.id))}

    pris = logins_pris(session)
    crees, retrouves, problemes, ignores = [], [], [], []
    deja_a_jour = liens_ajoutes = 0
    reclames: dict[int, list[IndividuSts]] = {}  # account id → the file's teachers found by its name
    for individu in sorted(enseignants, key=lambda i: (rentree.nom_simple(i.nom), rentree.nom_simple(i.prenom), i.id)):
        connues = tuple(sorted({divisions[_cle(c)].nom for c in individu.divisions
                                if _cle(c) in divisions}))
        if not connues:
            ignores.append(f"{individu.prenom} {individu.nom}".strip())
            continue
        if (probleme := _probleme_de_nom(individu)) is not None:
            problemes.append(probleme)
            continue
        trouve = par_numero.get(PREFIXE + individu.id)
        par_le_nom = False
        if trouve is not None and trouve[1] is None:
            problemes.append(f"Le compte {trouve[0].login} porte le numéro STS-web de {individu.prenom} "
                             f"{individu.nom} ({individu.id}) mais n'est pas un compte enseignant.")
            continue
        if trouve is None:
            candidats = par_nom.get((rentree.nom_simple(individu.nom), rentree.nom_simple(individu.prenom)), [])
            if len(candidats) > 1:
                logins = ", ".join(c.login for c, _ in candidats)
                problemes.append(
                    f"{len(candidats)} comptes enseignants s'appellent {individu.prenom} {individu.nom} ({logins}) : "
                    f"impossible de savoir lequel est celui du fichier (n° STS-web {individu.id}). Corrigez le nom "
                    "du compte en trop, puis relancez l'import.")
                continue
            if candidats:
                trouve, par_le_nom = candidats[0], True
                reclames.setdefault(trouve[0].id, []).append(individu)
        if trouve is None:
            login = login_disponible(individu.prenom, individu.nom, pris)
            crees.append(EnseignantCree(individu.id, individu.prenom, individu.nom, login, individu.discipline[:80],
                                        connues))
            liens_ajoutes += len(connues)
            continue
        compte, enseignant = trouve
        ajoutees = tuple(n for n in connues if (enseignant.id, divisions[_cle(n)].id) not in liens)
        liens_ajoutes += len(ajoutees)
        if par_le_nom or ajoutees:
            retrouves.append(EnseignantRetrouve(compte.id, individu.id, compte.prenom, compte.nom, compte.login,
                                                par_le_nom, ajoutees))
        else:
            deja_a_jour += 1
    # Two teachers of the file (namesakes with different numbers) cannot both be the same account.
    for compte_id, individus in reclames.items():
        if len(individus) > 1:
            login = next(r.login for r in retrouves if r.compte_id == compte_id)
            problemes.append(
                f"{len(individus)} enseignants du fichier s'appellent {individus[0].prenom} {individus[0].nom} "
                f"(n° STS-web {', '.join(i.id for i in individus)}) et un seul compte sans numéro porte ce nom "
                f"({login}) : impossible de savoir lequel il est. Corrigez le nom du compte, puis relancez l'import.")
    actions = (fichier.annee_scolaire, tuple(crees), tuple(retrouves), deja_a_jour, tuple(ignores), absentes,
               tuple(problemes))
    plan = PlanSts(
        annee_scolaire=fichier.annee_scolaire, enseignants_crees=tuple(crees), enseignants_retrouves=tuple(retrouves),
        deja_a_jour=deja_a_jour, liens_ajoutes=liens_ajoutes, ignores=len(ignores),
        ignores_exemples=tuple(ignores[:NOMS_IGNORES_MONTRES]), divisions_du_fichier_absentes=absentes,
        problemes=tuple(problemes), empreinte=rentree.empreinte(contenu, actions))
    return plan, divisions


def _lire(session: Session, acteur, contenu: bytes, etablissement_id: int):
    etablissement = rentree.etablissement_de(session, acteur, etablissement_id)
    fichier = lire_sts(contenu)
    rentree.verifier_uaj(fichier.uaj, etablissement, "STS-web")
    return etablissement, fichier


def prevoir_sts(session: Session, acteur, contenu: bytes, etablissement_id: int) -> PlanSts:
    """What importing this STS-web file would do; writes nothing. A wrong file raises ImportScolariteInvalide."""
    etablissement, fichier = _lire(session, acteur, contenu, etablissement_id)
    return _plan(session, etablissement, contenu, fichier)[0]


def appliquer_sts(session: Session, acteur, contenu: bytes, etablissement_id: int, empreinte_vue: str) -> PlanSts:
    """Apply the plan the administrator saw (``empreinte_vue``), in the caller's transaction; ApercuPerime if the
    base changed since, ImportScolariteInvalide if the plan has problems."""
    etablissement, fichier = _lire(session, acteur, contenu, etablissement_id)
    plan, divisions = _plan(session, etablissement, contenu, fichier)
    if plan.empreinte != empreinte_vue:
        raise rentree.ApercuPerime()
    if plan.problemes:
        raise rentree.ImportScolariteInvalide(list(plan.problemes))
    for cree in plan.enseignants_crees:
        compte = Compte(login=cree.login, mot_de_passe_hash=None, role=Role.ENSEIGNANT,
                        etablissement_id=etablissement.id, nom=cree.nom, prenom=cree.prenom,
                        id_externe=PREFIXE + cree.id_sts)
        session.add(Enseignant(compte=compte, discipline=cree.discipline,
                               divisions=[divisions[_cle(n)] for n in cree.divisions]))
    for retrouve in plan.enseignants_retrouves:
        enseignant = session.scalar(select(Enseignant).where(Enseignant.compte_id == retrouve.compte_id))
        if retrouve.par_le_nom:
            enseignant.compte.id_externe = PREFIXE + retrouve.id_sts
        enseignant.divisions.extend(divisions[_cle(n)] for n in retrouve.divisions_ajoutees)
    rentree.ecrire(session)
    journaliser(session, "sts_importe", acteur.compte_id, acteur.role.value, "etablissement", etablissement.id,
                details=plan.resume())
    return plan

