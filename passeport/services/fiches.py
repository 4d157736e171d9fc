"""Fiches: content checks and append-only writes (every save is a new FicheVersion), bin, retained fiche.

Only the owner student changes a fiche (acces.exiger_proprietaire); nothing the student does erases text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from html import escape
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from passeport import acces, libelles, referentiel
from passeport.models import NIVEAUX_ALEAS, NIVEAUX_COMPLEXITE, Eleve, Fiche, FicheVersion, Lieu, Nature, maintenant
from passeport.referentiel import Referentiel
from passeport.saisie import LONGUEURS_FICHE, probleme_de_texte

# The words live in passeport/libelles.py (the one vocabulary); these names are kept for the modules importing them.
LIBELLES_LIEU = {Lieu(k): v for k, v in libelles.LIEUX.items()}
LIBELLES_NATURE = {Nature(k): v for k, v in libelles.NATURES.items()}
LIBELLES_COMPLEXITE = libelles.COMPLEXITES
LIBELLES_ALEAS = libelles.ALEAS
LIBELLES_CHAMPS = {
    "situation": "Situation", "titre": "Titre", "date_debut": "Date de début", "date_fin": "Date de fin",
    "lieu": "Lieu", "nature": "Nature", "organisation": "Organisation", "contexte": "Contexte",
    "conditions": "Conditions de réalisation", "demarche": "Démarche", "productions": "Productions",
    "complexite": "Complexité", "complexite_details": "Facteurs de complexité", "aleas": "Aléas",
    "aleas_details": "Aléas rencontrés",
}


class FicheInvalide(ValueError):
    """The content cannot be saved; ``problemes`` maps each bad field to a French message."""

    def __init__(self, problemes: dict[str, str]):
        self.problemes = problemes
        super().__init__(" ; ".join(problemes.values()))


class FicheIntrouvable(LookupError):
    message = "Cette fiche n'existe pas ou n'est pas accessible."


@dataclass(frozen=True)
class ContenuFiche:
    """The student's text of a fiche: what one FicheVersion stores."""

    situation: str
    titre: str
    date_debut: dt.date
    lieu: Lieu
    nature: Nature
    complexite: int
    aleas: int
    date_fin: dt.date | None = None
    organisation: str = ""
    contexte: str = ""
    conditions: str = ""
    demarche: str = ""
    productions: str = ""
    complexite_details: str = ""
    aleas_details: str = ""


CHAMPS_CONTENU = tuple(f.name for f in dataclasses.fields(ContenuFiche))


def details(texte: str) -> list[str]:
    """The items of a ``|``-separated details field, trimmed, empty ones dropped."""
    return [item.strip() for item in texte.split("|") if item.strip()]


def joindre_details(items: list[str]) -> str:
    return "|".join(i.strip().replace("|", "/") for i in items if i.strip())


def niveau_complexite_propose(nb_facteurs: int) -> int:
    """1 situation courante · 2 un facteur de complexité · 3 plusieurs facteurs."""
    return 1 if nb_facteurs == 0 else 2 if nb_facteurs == 1 else 3


def niveau_aleas_propose(nb_aleas: int) -> int:
    """0 aucun · 1 un aléa rencontré et traité · 2 plusieurs aléas."""
    return min(nb_aleas, 2)


def problemes_par_champ(contenu: ContenuFiche, referentiel_: Referentiel) -> dict[str, str]:
    """What is wrong with ``contenu`` for a student of ``referentiel_``, field by field, in French."""
    problemes = {}
    if not contenu.situation:
        problemes["situation"] = "choisissez la situation du référentiel"
    elif contenu.situation not in referentiel_.situations:
        problemes["situation"] = f"situation « {contenu.situation} » inconnue du référentiel {referentiel_.nom}"
    for champ, longueur in LONGUEURS_FICHE.items():  # control characters, lengths: one rule for every field
        if probleme := probleme_de_texte(getattr(contenu, champ), longueur, f"Le champ « {LIBELLES_CHAMPS[champ]} »"):
            problemes[champ] = probleme
    if not contenu.titre.strip():
        problemes.setdefault("titre", "titre vide")
    if contenu.date_fin is not None and contenu.date_fin < contenu.date_debut:
        problemes["date_fin"] = "la date de fin est avant la date de début"
    if contenu.complexite not in NIVEAUX_COMPLEXITE:
        problemes["complexite"] = f"complexité {contenu.complexite} hors de 1 à 3"
    if contenu.aleas not in NIVEAUX_ALEAS:
        problemes["aleas"] = f"aléas {contenu.aleas} hors de 0 à 2"
    return problemes


def problemes_du_contenu(contenu: ContenuFiche, referentiel_: Referentiel) -> list[str]:
    return list(problemes_par_champ(contenu, referentiel_).values())


def version_depuis_contenu(contenu: ContenuFiche, numero: int, auteur_id: int | None) -> FicheVersion:
    return FicheVersion(numero=numero, auteur_id=auteur_id, cree_le=maintenant(), **dataclasses.asdict(contenu))


def contenu_de(version: FicheVersion) -> ContenuFiche:
    return ContenuFiche(**{nom: getattr(version, nom) for nom in CHAMPS_CONTENU})


def creer_fiche(
    session: Session, eleve_id: int, contenu: ContenuFiche, auteur_id: int | None, retenue: bool = False
) -> Fiche:
    """A new fiche with its first version (the caller has checked the content and the access)."""
    instant = maintenant()
    fiche = Fiche(
        eleve_id=eleve_id, version_courante=1, situation=contenu.situation, retenue=retenue, cree_le=instant,
        modifiee_le=instant,
        versions=[version_depuis_contenu(contenu, 1, auteur_id)],
    )
    session.add(fiche)
    return fiche


# --- the student's actions --------------------------------------------------------------------------------------


def referentiel_de_l_eleve(session: Session, eleve_id: int) -> Referentiel:
    return referentiel.charger(session.get(Eleve, eleve_id).division.referentiel)


def _verifier(session: Session, eleve_id: int, contenu: ContenuFiche) -> None:
    problemes = problemes_par_champ(contenu, referentiel_de_l_eleve(session, eleve_id))
    if problemes:
        raise FicheInvalide(problemes)


class RetenueConcurrente(ValueError):
    """Another fiche of the situation was retained at the same instant (the database refused a second one)."""

    message = ("Une autre de vos fiches vient d'être retenue pour cette situation (dans un autre onglet ?) : "
               "rechargez la page puis choisissez à nouveau.")


class FicheALaCorbeille(ValueError):
    message = "Cette fiche est dans la corbeille : restaurez-la d'abord pour la modifier."


def _fiche_de_l_auteur(session: Session, acteur, fiche_id: int, hors_corbeille: bool = True) -> Fiche:
    fiche = session.get(Fiche, fiche_id)
    if fiche is None:
        raise FicheIntrouvable()
    acces.exiger_proprietaire(acteur, fiche.eleve_id)
    if hors_corbeille and fiche.supprimee_le is not None:
        raise FicheALaCorbeille(FicheALaCorbeille.message)
    return fiche


def lire_fiche(session: Session, acteur, fiche_id: int) -> Fiche:
    """A fiche the actor may read (its owner, a teacher of the student's division)."""
    fiche = session.get(Fiche, fiche_id)
    if fiche is None or not acces.peut_lire_passeport(session, acteur, fiche.eleve_id):
        raise FicheIntrouvable()  # same answer whether it exists or not: no hint about other students
    acces.exiger_lecture_passeport(session, acteur, fiche.eleve_id)  # journals a reader other than the owner
    return fiche


def nouvelle_fiche(session: Session, acteur, contenu: ContenuFiche) -> Fiche:
    """The student writes a new fiche."""
    eleve_id = acces.exiger_eleve(acteur)
    _verifier(session, eleve_id, contenu)
    fiche = creer_fiche(session, eleve_id, contenu, acteur.compte_id)
    session.flush()
    return fiche


def enregistrer(session: Session, acteur, fiche_id: int, contenu: ContenuFiche) -> FicheVersion | None:
    """Append a version with ``contenu``; None when nothing changed (no empty version)."""
    fiche = _fiche_de_l_auteur(session, acteur, fiche_id)
    _verifier(session, fiche.eleve_id, contenu)
    _verrouiller(session, fiche)
    if contenu_de(fiche.courante) == contenu:
        return None
    return _ajouter_version(fiche, contenu, acteur.compte_id)


def _verrouiller(session: Session, fiche: Fiche) -> None:
    """Hold the fiche until the commit, then read it again: two tabs saving at once give successive versions.

    The first statement is a write on the fiche's row: on PostgreSQL it locks that row until the commit, on SQLite
    it takes the database's write lock (waiting up to busy_timeout) before anything of this fiche is read; the
    version number is then computed from what the other save committed, never from a stale copy."""
    session.execute(update(Fiche).where(Fiche.id == fiche.id).values(version_courante=Fiche.version_courante)
                    .execution_options(synchronize_session=False))
    session.refresh(fiche, ["version_courante", "retenue", "supprimee_le", "versions"])


def _ajouter_version(fiche: Fiche, contenu: ContenuFiche, auteur_id: int) -> FicheVersion:
    if contenu.situation != fiche.courante.situation:
        fiche.retenue = False  # it was retained for the other situation
    numero = max(v.numero for v in fiche.versions) + 1
    version = version_depuis_contenu(contenu, numero, auteur_id)
    fiche.versions.append(version)
    fiche.version_courante = numero
    fiche.situation = contenu.situation  # the unique index of retained fiches reads it
    fiche.modifiee_le = version.cree_le
    return version


def revenir_a(session: Session, acteur, fiche_id: int, numero: int) -> FicheVersion:
    """Bring back the text of version ``numero`` as a new version (history is never rewritten)."""
    fiche = _fiche_de_l_auteur(session, acteur, fiche_id)
    _verrouiller(session, fiche)
    ancienne = next((v for v in fiche.versions if v.numero == numero), None)
    if ancienne is None:
        raise FicheIntrouvable()
    return _ajouter_version(fiche, contenu_de(ancienne), acteur.compte_id)


def supprimer(session: Session, acteur, fiche_id: int) -> None:
    """Move the fiche to the bin (it stays restorable); a fiche in the bin is not retained, but remembers it was."""
    fiche = _fiche_de_l_auteur(session, acteur, fiche_id, hors_corbeille=False)
    if fiche.supprimee_le is None:
        fiche.retenue_avant_corbeille = fiche.retenue
    fiche.supprimee_le = fiche.modifiee_le = maintenant()
    fiche.retenue = False


def restaurer(session: Session, acteur, fiche_id: int) -> bool:
    """Bring the fiche back from the bin; return True when it is retained again.

    A fiche retained when it went to the bin gets its mark back, unless another fiche of its situation was retained
    meanwhile (that later choice of the student stands)."""
    fiche = _fiche_de_l_auteur(session, acteur, fiche_id, hors_corbeille=False)
    if fiche.retenue_avant_corbeille:
        _verrouiller_retenues(session, fiche)
    if fiche.supprimee_le is None:
        return fiche.retenue
    fiche.supprimee_le = None
    fiche.modifiee_le = maintenant()
    if fiche.retenue_avant_corbeille:
        fiche.retenue = not _autres_retenues(session, fiche)
    fiche.retenue_avant_corbeille = False
    _ecrire_retenues(session)
    return fiche.retenue


def retenir(session: Session, acteur, fiche_id: int, retenue: bool = True) -> Fiche | None:
    """Mark the fiche as the retained one for its situation; return the fiche that was retained before, if any."""
    fiche = _fiche_de_l_auteur(session, acteur, fiche_id)
    precedente = None
    if retenue:
        _verrouiller_retenues(session, fiche)
        if fiche.supprimee_le is not None:  # moved to the bin by another tab meanwhile
            raise FicheALaCorbeille(FicheALaCorbeille.message)
        for autre in _autres_retenues(session, fiche):
            autre.retenue, autre.modifiee_le, precedente = False, maintenant(), autre
        _ecrire_retenues(session)  # the old mark goes before the new one: the unique index never sees two
    fiche.retenue = retenue
    fiche.modifiee_le = maintenant()
    _ecrire_retenues(session)
    return precedente


def _verrouiller_retenues(session: Session, fiche: Fiche) -> None:
    """Serialise the changes of one student's retained fiches, then re-read ``fiche``: PostgreSQL locks the
    student's row until commit; SQLite takes the database's write lock with a write that changes nothing. Two
    "retenir" at once then run one after the other, and the second sees the first (the later choice stands)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Eleve.id).where(Eleve.id == fiche.eleve_id).with_for_update())
    else:
        session.execute(update(Eleve.__table__).where(Eleve.id == fiche.eleve_id).values(id=Eleve.id))
    session.refresh(fiche, ["situation", "retenue", "supprimee_le", "version_courante"])


def _autres_retenues(session: Session, fiche: Fiche) -> list[Fiche]:
    """The student's other fiches retained for ``fiche``'s situation, as the database holds them now."""
    return list(session.scalars(
        select(Fiche).where(Fiche.eleve_id == fiche.eleve_id, Fiche.situation == fiche.situation,
                            Fiche.retenue.is_(True), Fiche.id != fiche.id)
        .execution_options(populate_existing=True)))


def _ecrire_retenues(session: Session) -> None:
    """Flush; a second retained fiche refused by the database (a writer that did not take the lock, such as an
    import) becomes a French message instead of a traceback."""
    try:
        session.flush()
    except IntegrityError as exc:
        if "uq_fiche_retenue" not in str(exc) and "UNIQUE constraint failed: fiche." not in str(exc):
            raise
        raise RetenueConcurrente(RetenueConcurrente.message) from exc


def partager_avec_tuteur(session: Session, acteur, fiche_id: int, pfmp_id: int | None) -> None:
    """The student lets the tutor of ONE of their PFMP read this fiche too (``pfmp_id``), or stops sharing it
    (None): a fiche is never shown to every tutor at once."""
    from passeport.models import Pfmp

    fiche = _fiche_de_l_auteur(session, acteur, fiche_id)
    if pfmp_id is not None:
        periode = session.get(Pfmp, pfmp_id)
        if periode is None or periode.eleve_id != fiche.eleve_id:
            raise acces.AccesRefuse("Cette PFMP n'est pas l'une des vôtres.")
    if fiche.partagee_pfmp_id != pfmp_id:
        fiche.partagee_pfmp_id = pfmp_id
        fiche.modifiee_le = maintenant()


def _fiches_courantes(session: Session, eleve_id: int, corbeille: bool = False) -> list[Fiche]:
    condition = Fiche.supprimee_le.is_not(None) if corbeille else Fiche.supprimee_le.is_(None)
    return list(session.scalars(select(Fiche).where(Fiche.eleve_id == eleve_id, condition).order_by(Fiche.id)))


def contenu_a_dupliquer(session: Session, acteur, fiche_id: int, situation: str | None = None) -> ContenuFiche:
    """The content of a fiche to start a new one from ("Repartir d'une fiche"), optionally on another situation."""
    fiche = _fiche_de_l_auteur(session, acteur, fiche_id, hors_corbeille=False)
    contenu = contenu_de(fiche.courante)
    return dataclasses.replace(contenu, situation=situation) if situation else contenu


# --- reading ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    champ: str
    libelle: str
    avant: str
    apres: str

    def html(self) -> str:
        """The new text with removed words struck through and added words underlined; all text escaped."""
        avant, apres = re.split(r"(\s+)", self.avant), re.split(r"(\s+)", self.apres)
        morceaux = []
        for operation, a1, a2, b1, b2 in difflib.SequenceMatcher(None, avant, apres, autojunk=False).get_opcodes():
            if operation in ("delete", "replace"):
                morceaux.append(f'<del style="background:#fdd;color:#8a1c12">{escape("".join(avant[a1:a2]))}</del>')
            if operation in ("insert", "replace"):
                morceaux.append(f'<ins style="background:#dfd;color:#14532d">{escape("".join(apres[b1:b2]))}</ins>')
            if operation == "equal":
                morceaux.append(escape("".join(apres[b1:b2])))
        return '<div style="white-space:pre-wrap;line-height:1.5">' + "".join(morceaux) + "</div>"

    def lignes(self) -> list[str]:
        """A line-by-line diff: '- ' removed, '+ ' added, '  ' kept."""
        return [
            l for l in difflib.ndiff(self.avant.splitlines() or [""], self.apres.splitlines() or [""])
            if not l.startswith("? ")
        ]


def _texte(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, dt.date):
        return valeur.strftime("%d/%m/%Y")
    if isinstance(valeur, Lieu):
        return LIBELLES_LIEU[valeur]
    if isinstance(valeur, Nature):
        return LIBELLES_NATURE[valeur]
    return str(valeur)


def differences(avant: ContenuFiche, apres: ContenuFiche) -> list[Difference]:
    """The fields that differ between two contents, in form order."""
    return [
        Difference(champ, LIBELLES_CHAMPS[champ], _texte(getattr(avant, champ)), _texte(getattr(apres, champ)))
        for champ in LIBELLES_CHAMPS  # the form's order
        if getattr(avant, champ) != getattr(apres, champ)
    ]


def historique(session: Session, acteur, fiche_id: int) -> list[FicheVersion]:
    """Every version of a fiche, newest first."""
    fiche = lire_fiche(session, acteur, fiche_id)
    return sorted(fiche.versions, key=lambda v: v.numero, reverse=True)


@dataclass(frozen=True)
class LigneFiche:
    id: int
    situation: str
    titre: str
    date_debut: dt.date
    lieu: Lieu
    nature: Nature
    organisation: str
    complexite: int
    aleas: int
    retenue: bool
    versions: int
    modifiee_le: dt.datetime
    supprimee_le: dt.datetime | None


def fiches_de_l_eleve(session: Session, acteur, eleve_id: int, corbeille: bool = False) -> list[LigneFiche]:
    """The student's fiches (or those in the bin), newest first, with their current version."""
    acces.exiger_lecture_passeport(session, acteur, eleve_id)
    condition = Fiche.supprimee_le.is_not(None) if corbeille else Fiche.supprimee_le.is_(None)
    requete = (
        select(Fiche, FicheVersion)
        .join(FicheVersion, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
        .where(Fiche.eleve_id == eleve_id, condition)
        .order_by(FicheVersion.date_debut.desc(), Fiche.id.desc())
    )
    return [
        LigneFiche(f.id, v.situation, v.titre, v.date_debut, v.lieu, v.nature, v.organisation, v.complexite, v.aleas,
                   f.retenue, f.version_courante, f.modifiee_le, f.supprimee_le)
        for f, v in session.execute(requete)
    ]
