"""What the school's administrator does with accounts: first passwords, resets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport import acces
from passeport.models import Compte, Division, Eleve, maintenant
from passeport.mots import mot_de_passe_lisible
from passeport.services.audit import journaliser
from passeport.services.comptes import hacher


@dataclass(frozen=True)
class Identifiants:
    """What a student needs to sign in the first time. The password exists only here, never in the database."""

    nom: str
    prenom: str
    login: str
    mot_de_passe: str


def _division_de_l_admin(session: Session, acteur, division_id: int) -> Division:
    etablissement_id = acces.exiger_admin(acteur)
    division = session.get(Division, division_id)
    if division is None or division.etablissement_id != etablissement_id:
        raise acces.AccesRefuse("Cette division n'est pas celle de votre établissement.")
    return division


def _nouveau_mot_de_passe(compte: Compte) -> str:
    mot_de_passe = mot_de_passe_lisible()
    compte.mot_de_passe_hash = hacher(mot_de_passe)
    compte.doit_changer_mot_de_passe = True
    compte.echecs_connexion, compte.bloque_jusqua = 0, None
    # The administrator unblocks: the login's failures are forgotten, every open session of the account ends.
    from passeport import limites
    from passeport.services import comptes, sessions

    session = Session.object_session(compte)
    if session is not None and compte.id is not None:  # an existing account (a new one has neither)
        limites.effacer(session, comptes.cle_du_login(compte.login))
        sessions.fermer_toutes(session, compte.id)
    return mot_de_passe


def premiers_mots_de_passe(session: Session, acteur, division_id: int) -> list[Identifiants]:
    """Give every active student of the division a new random password, to be changed at first sign-in."""
    division = _division_de_l_admin(session, acteur, division_id)
    comptes = session.scalars(
        select(Compte).join(Eleve, Eleve.compte_id == Compte.id)
        .where(Eleve.division_id == division.id, Compte.actif.is_(True))
        .order_by(Compte.nom, Compte.prenom)
    ).all()
    identifiants = [Identifiants(c.nom, c.prenom, c.login, _nouveau_mot_de_passe(c)) for c in comptes]
    journaliser(session, "premiers_mots_de_passe", acteur.compte_id, acteur.role.value, "division", division.id,
                details=f"{len(identifiants)} comptes")
    return identifiants


def _comptes_jamais_ouverts(session: Session, etablissement_id: int):
    """Active student and teacher accounts that never had a password (new from an import), with their group."""
    from passeport.models import Enseignant, Role

    eleves = session.execute(
        select(Compte, Division.nom, Division.annee_scolaire).join(Eleve, Eleve.compte_id == Compte.id)
        .join(Division, Division.id == Eleve.division_id)
        .where(Compte.etablissement_id == etablissement_id, Compte.actif.is_(True), Compte.role == Role.ELEVE,
               Compte.mot_de_passe_hash.is_(None), Eleve.sorti_le.is_(None))
        .order_by(Division.annee_scolaire.desc(), Division.nom, Compte.nom, Compte.prenom)).all()
    enseignants = session.scalars(
        select(Compte).join(Enseignant, Enseignant.compte_id == Compte.id)
        .where(Compte.etablissement_id == etablissement_id, Compte.actif.is_(True),
               Compte.role == Role.ENSEIGNANT, Compte.mot_de_passe_hash.is_(None))
        .order_by(Compte.nom, Compte.prenom)).all()
    groupes: dict[str, list[Compte]] = {}
    for compte, nom, annee_scolaire in eleves:
        groupes.setdefault(f"{nom} ({annee_scolaire})", []).append(compte)
    if enseignants:
        groupes["Enseignants"] = list(enseignants)
    return groupes


def nouveaux_comptes(session: Session, acteur) -> list[tuple[str, int]]:
    """(group, accounts) of the school's accounts that never had a password: what the next sheet will hold."""
    etablissement_id = acces.exiger_admin(acteur)
    return [(groupe, len(comptes)) for groupe, comptes in _comptes_jamais_ouverts(session, etablissement_id).items()]


def premiers_mots_de_passe_des_nouveaux(session: Session, acteur) -> list[tuple[str, list[Identifiants]]]:
    """A first password for every account that never had one (students by division, then teachers).

    The rentrée's sheet: accounts already in use keep their password, whoever is new gets a slip."""
    etablissement_id = acces.exiger_admin(acteur)
    groupes = [(groupe, [Identifiants(c.nom, c.prenom, c.login, _nouveau_mot_de_passe(c)) for c in comptes])
               for groupe, comptes in _comptes_jamais_ouverts(session, etablissement_id).items()]
    journaliser(session, "premiers_mots_de_passe_nouveaux", acteur.compte_id, acteur.role.value, "etablissement",
                etablissement_id, details=f"{sum(len(i) for _, i in groupes)} comptes")
    return groupes


def reinitialiser_mot_de_passe(session: Session, acteur, compte_id: int) -> Identifiants:
    """A new first password for one account of the school (a forgotten password, a blocked account)."""
    etablissement_id = acces.exiger_admin(acteur)
    compte = session.get(Compte, compte_id)
    if compte is None or compte.etablissement_id != etablissement_id:
        raise acces.AccesRefuse("Ce compte n'est pas de votre établissement.")
    identifiants = Identifiants(compte.nom, compte.prenom, compte.login, _nouveau_mot_de_passe(compte))
    journaliser(session, "mot_de_passe_reinitialise", acteur.compte_id, acteur.role.value, "compte", compte.id)
    return identifiants


@dataclass(frozen=True)
class LigneDivision:
    id: int
    nom: str
    niveau: str
    annee_scolaire: str
    referentiel: str
    eleves: int


def divisions(session: Session, acteur) -> list[LigneDivision]:
    """The divisions of the administrator's school with their active students, newest school year first."""
    etablissement_id = acces.exiger_admin(acteur)
    actifs = (
        select(Eleve.division_id, func.count(Eleve.id).label("n"))
        .join(Compte, Compte.id == Eleve.compte_id).where(Compte.actif.is_(True))
        .group_by(Eleve.division_id).subquery()
    )
    lignes = session.execute(
        select(Division, func.coalesce(actifs.c.n, 0))
        .outerjoin(actifs, actifs.c.division_id == Division.id)
        .where(Division.etablissement_id == etablissement_id)
        .order_by(Division.annee_scolaire.desc(), Division.nom)
    )
    return [LigneDivision(d.id, d.nom, d.niveau.value, d.annee_scolaire, d.referentiel, n) for d, n in lignes]


def chercher_comptes(session: Session, acteur, texte: str, limite: int = 20) -> list[Compte]:
    """Accounts of the school whose login or name contains ``texte``."""
    etablissement_id = acces.exiger_admin(acteur)
    motif = f"%{texte.strip().lower()}%"
    return list(session.scalars(
        select(Compte).where(Compte.etablissement_id == etablissement_id)
        .where(Compte.login.like(motif) | Compte.nom.ilike(motif) | Compte.prenom.ilike(motif))
        .order_by(Compte.login).limit(limite)
    ))


def exiger_admin_de(acteur, etablissement_id: int) -> None:
    """Only the administrator of that school acts on it."""
    if acces.exiger_admin(acteur) != etablissement_id:
        raise acces.AccesRefuse("Réservé à l'administrateur de cet établissement.")


class ReglageRefuse(ValueError):
    """An administration form with a mistake; the message says which, in French."""


def creer_enseignant(session: Session, acteur, prenom: str, nom: str, email: str = "",
                     discipline: str = "") -> Identifiants:
    """A teacher account of the school, with a first password to change at first sign-in."""
    from passeport.models import Enseignant, Role
    from passeport.services.comptes import login_disponible, logins_pris

    etablissement_id = acces.exiger_admin(acteur)
    prenom, nom = prenom.strip(), nom.strip()
    if not prenom or not nom or len(prenom) > 120 or len(nom) > 120:
        raise ReglageRefuse("Indiquez le prénom et le nom (120 caractères au plus chacun).")
    from passeport.saisie import caractere_interdit

    if any(caractere_interdit(texte) for texte in (prenom, nom, email, discipline)):
        raise ReglageRefuse("Le prénom, le nom ou l'adresse contient un caractère interdit (caractère de contrôle "
                            "invisible) : retirez-le.")
    if email and ("@" not in email or len(email) > 200):
        raise ReglageRefuse("L'adresse électronique n'est pas valide.")
    compte = Compte(login=login_disponible(prenom, nom, logins_pris(session)), role=Role.ENSEIGNANT,
                    etablissement_id=etablissement_id, prenom=prenom, nom=nom, email=email.strip())
    mot_de_passe = _nouveau_mot_de_passe(compte)
    session.add(Enseignant(compte=compte, discipline=discipline.strip()[:80]))
    session.flush()
    journaliser(session, "enseignant_cree", acteur.compte_id, acteur.role.value, "compte", compte.id)
    return Identifiants(nom, prenom, compte.login, mot_de_passe)


@dataclass(frozen=True)
class LigneEnseignant:
    compte_id: int
    nom_complet: str
    login: str
    discipline: str
    division_ids: tuple[int, ...]


def enseignants(session: Session, acteur) -> list[LigneEnseignant]:
    from passeport.models import Enseignant

    etablissement_id = acces.exiger_admin(acteur)
    lignes = session.scalars(
        select(Enseignant).join(Compte, Compte.id == Enseignant.compte_id)
        .where(Compte.etablissement_id == etablissement_id).order_by(Compte.nom, Compte.prenom)
    ).all()
    return [LigneEnseignant(e.compte_id, e.compte.nom_complet, e.compte.login, e.discipline,
                            tuple(sorted(d.id for d in e.divisions))) for e in lignes]


def lier_enseignant(session: Session, acteur, compte_id: int, division_ids: list[int]) -> None:
    """Set the divisions a teacher works with (several teachers per division, several divisions per teacher)."""
    from passeport.models import Enseignant

    etablissement_id = acces.exiger_admin(acteur)
    enseignant = session.scalar(select(Enseignant).where(Enseignant.compte_id == compte_id))
    if enseignant is None or enseignant.compte.etablissement_id != etablissement_id:
        raise acces.AccesRefuse("Cet enseignant n'est pas de votre établissement.")
    divisions_ = [_division_de_l_admin(session, acteur, i) for i in division_ids]
    enseignant.divisions = divisions_
    journaliser(session, "enseignant_divisions", acteur.compte_id, acteur.role.value, "compte", compte_id,
                details=", ".join(d.nom for d in divisions_))


def creer_division(session: Session, acteur, nom: str, niveau: str, annee_scolaire: str,
                   nom_referentiel: str) -> Division:
    """A division of the school (for instance next year's), bound to one référentiel."""
    from passeport import annee, referentiel
    from passeport.models import Niveau

    etablissement_id = acces.exiger_admin(acteur)
    nom = nom.strip()
    if not nom or len(nom) > 40:
        raise ReglageRefuse("Indiquez le nom de la division (40 caractères au plus).")
    from passeport.saisie import caractere_interdit

    if caractere_interdit(nom):
        raise ReglageRefuse("Le nom de la division contient un caractère interdit (caractère de contrôle invisible).")
    if not annee.est_valide(annee_scolaire):
        raise ReglageRefuse("L'année scolaire s'écrit ainsi : 2027-2028.")
    if nom_referentiel not in referentiel.noms_disponibles():
        raise ReglageRefuse(f"Référentiel inconnu : {nom_referentiel}.")
    if session.scalar(select(Division.id).where(Division.etablissement_id == etablissement_id, Division.nom == nom,
                                                Division.annee_scolaire == annee_scolaire)):
        raise ReglageRefuse(f"La division {nom} existe déjà en {annee_scolaire}.")
    division = Division(etablissement_id=etablissement_id, nom=nom, niveau=Niveau(niveau),
                        annee_scolaire=annee_scolaire, referentiel=nom_referentiel)
    session.add(division)
    session.flush()
    journaliser(session, "division_creee", acteur.compte_id, acteur.role.value, "division", division.id)
    return division


def changer_de_division(session: Session, acteur, eleve_id: int, division_id: int) -> None:
    """Move a student (to next year's division): the passport follows, it belongs to the student."""
    etablissement_id = acces.exiger_admin(acteur)
    eleve = session.get(Eleve, eleve_id)
    if eleve is None or eleve.division.etablissement_id != etablissement_id:
        raise acces.AccesRefuse("Cet élève n'est pas de votre établissement.")
    cible = _division_de_l_admin(session, acteur, division_id)
    if cible.referentiel != eleve.division.referentiel:
        raise ReglageRefuse(f"La division {cible.nom} suit le référentiel {cible.referentiel} : les fiches de l'élève "
                            f"portent sur {eleve.division.referentiel}.")
    eleve.division = cible
    journaliser(session, "eleve_change_de_division", acteur.compte_id, acteur.role.value, "division", cible.id,
                eleve.id)


@dataclass(frozen=True)
class LigneEleveAdmin:
    eleve_id: int
    nom_complet: str
    identifiant: str
    division: str
    actif: bool
    sorti_le: dt.date | None = None


def chercher_eleves(session: Session, acteur, texte: str, limite: int = 20) -> list[LigneEleveAdmin]:
    """Students of the school whose name or identifiant contains ``texte``."""
    etablissement_id = acces.exiger_admin(acteur)
    motif = f"%{texte.strip().lower()}%"
    lignes = session.execute(
        select(Eleve, Compte, Division).join(Compte, Compte.id == Eleve.compte_id)
        .join(Division, Division.id == Eleve.division_id)
        .where(Division.etablissement_id == etablissement_id)
        .where(Compte.nom.ilike(motif) | Compte.prenom.ilike(motif) | Eleve.identifiant.ilike(motif))
        .order_by(Compte.nom, Compte.prenom).limit(limite)
    )
    return [LigneEleveAdmin(e.id, c.nom_complet, e.identifiant, f"{d.nom} ({d.annee_scolaire})", c.actif,
                            e.sorti_le) for e, c, d in lignes]


def regler_division(session: Session, acteur, division_id: int, annee_scolaire: str, nom_referentiel: str) -> None:
    """Change a division's school year or référentiel; refused when its students' fiches would lose their situation."""
    from passeport import annee, referentiel
    from passeport.models import Fiche, FicheVersion

    division = _division_de_l_admin(session, acteur, division_id)
    if not annee.est_valide(annee_scolaire):
        raise ReglageRefuse("L'année scolaire s'écrit ainsi : 2027-2028.")
    if nom_referentiel not in referentiel.noms_disponibles():
        raise ReglageRefuse(f"Référentiel inconnu : {nom_referentiel}.")
    autre = session.scalar(select(Division.id).where(
        Division.etablissement_id == division.etablissement_id, Division.nom == division.nom,
        Division.annee_scolaire == annee_scolaire, Division.id != division.id))
    if autre is not None:
        raise ReglageRefuse(f"La division {division.nom} existe déjà en {annee_scolaire}.")
    if nom_referentiel != division.referentiel:
        situations = set(referentiel.charger(nom_referentiel).situations)
        orphelines = session.scalar(
            select(func.count()).select_from(Fiche)
            .join(FicheVersion, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
            .join(Eleve, Eleve.id == Fiche.eleve_id)
            .where(Eleve.division_id == division.id, FicheVersion.situation.not_in(situations))
        )
        if orphelines:
            raise ReglageRefuse(f"{orphelines} fiche(s) des élèves de {division.nom} portent sur des situations absentes "
                                f"du référentiel {nom_referentiel} : changement refusé.")
    division.annee_scolaire, division.referentiel = annee_scolaire, nom_referentiel
    journaliser(session, "division_reglee", acteur.compte_id, acteur.role.value, "division", division.id,
                details=f"{annee_scolaire} {nom_referentiel}")


def ouvrir_consultation(session: Session, acteur, eleve_id: int, motif: str) -> None:
    """An administrator opens a student's passport for a stated reason: journaled, and visible to the student."""
    etablissement_id = acces.exiger_admin(acteur)
    eleve = session.get(Eleve, eleve_id)
    if eleve is None or eleve.division.etablissement_id != etablissement_id:
        raise acces.AccesRefuse("Cet élève n'est pas de votre établissement.")
    if len(motif.strip()) < 5:
        raise ReglageRefuse("Indiquez le motif de la consultation (il est inscrit au journal).")
    journaliser(session, "consultation_admin", acteur.compte_id, acteur.role.value, "passeport", eleve_id, eleve_id,
                details=motif.strip()[:500])


def enregistrer_sortie(session: Session, acteur, eleve_id: int, sorti_le: dt.date | None) -> None:
    """Mark a student as having left the school on ``sorti_le`` (None: back in the school).

    The account stays and still signs in, read-only: the former student reads and downloads their passport."""
    etablissement_id = acces.exiger_admin(acteur)
    eleve = session.get(Eleve, eleve_id)
    if eleve is None or eleve.division.etablissement_id != etablissement_id:
        raise acces.AccesRefuse("Cet élève n'est pas de votre établissement.")
    if sorti_le is not None and sorti_le > maintenant().date() + dt.timedelta(days=366):
        raise ReglageRefuse("La date de départ est trop loin dans l'avenir.")
    eleve.sorti_le = sorti_le
    journaliser(session, "eleve_sorti" if sorti_le else "eleve_revenu", acteur.compte_id, acteur.role.value,
                "eleve", eleve.id, eleve.id, details=sorti_le.isoformat() if sorti_le else "")
