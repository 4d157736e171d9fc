"""The livret de compétences professionnelles and the short extracts: plain data for passeport/documents/livret.py.

``donnees_livret`` checks who reads (the student, the teachers of the student's division; a read by someone else
than the student is journaled). ``donnees_extrait`` does NOT: the extracts service checks access itself (a share
link has no actor), it only gathers the chosen fiches of one student.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from passeport import acces, referentiel, stockage
from passeport.apercu import vignette
from passeport.annee import annee_scolaire
from passeport.models import Appreciation, Compte, Eleve, Fiche, FicheVersion, Pfmp, PieceJointe
from passeport.positionnement import NIVEAUX
from passeport.referentiel import Referentiel
from passeport.services.fiches import LIBELLES_LIEU, LIBELLES_NATURE, details
from passeport.statut import LEGENDE, LIBELLES, SYMBOLES, Statut, statut

# The diploma each référentiel prepares, as printed on the cover.
DIPLOMES = {
    "ga-2012": "Baccalauréat professionnel Gestion-Administration",
    "agora-2020": "Baccalauréat professionnel Assistance à la gestion des organisations et de leurs activités (AGORA)",
}
NOMS_REFERENTIELS = {"ga-2012": "Référentiel Gestion-Administration (2012)", "agora-2020": "Référentiel AGORA (2020)"}
# AGORA's blocs de compétences play the role of GA's pôles (DESIGN.md): printed under their own name.
NOMS_DES_POLES = {"agora-2020": "Bloc"}

# Images shown small in the fiche's productions; other files are listed by name.
TYPES_IMAGES = {"image/png", "image/jpeg"}


class PoleInconnu(ValueError):
    """The pôle asked for is not one of the student's référentiel."""


@dataclass(frozen=True)
class PieceImprimee:
    nom: str
    type_mime: str
    image: str | None = None      # data: URI of an image shown small, None for other files
    manquante: bool = False       # the file is no longer in the store


@dataclass(frozen=True)
class AppreciationImprimee:
    auteur: str
    origine: str                  # "enseignant" or "tuteur"
    texte: str
    date: dt.date

    @property
    def qui(self) -> str:
        return "tuteur (depuis l'entreprise)" if self.origine == "tuteur" else "enseignant·e"


@dataclass(frozen=True)
class FicheImprimee:
    """Every block of one fiche (its current version), as printed."""

    id: int
    situation: str
    situation_titre: str
    titre: str
    date_debut: dt.date
    date_fin: dt.date | None
    lieu: str
    nature: str
    organisation: str
    contexte: str
    conditions: str
    demarche: str
    productions: str
    complexite: int
    complexite_details: list[str]
    aleas: int
    aleas_details: list[str]
    retenue: bool
    pieces: list[PieceImprimee] = field(default_factory=list)
    appreciations: list[AppreciationImprimee] = field(default_factory=list)
    # Shown in the livret when no fiche of the situation is retained: the latest one stands for it.
    la_plus_recente: bool = False


@dataclass(frozen=True)
class LigneCouverture:
    code: str
    titre: str
    statut: Statut
    fiches: int
    max_complexite: int | None
    max_aleas: int | None

    @property
    def symbole(self) -> str:
        return SYMBOLES[self.statut]

    @property
    def libelle(self) -> str:
        return LIBELLES[self.statut]


@dataclass(frozen=True)
class PoleImprime:
    code: str
    titre: str
    lignes: list[LigneCouverture]

    @property
    def ancre(self) -> str:
        return f"pole-{self.code}"

    def compte(self, s: Statut) -> int:
        return sum(1 for ligne in self.lignes if ligne.statut == s)


@dataclass(frozen=True)
class SectionSituation:
    """One situation of the livret and the fiche(s) printed for it."""

    code: str
    titre: str
    pole_code: str
    fiches: list[FicheImprimee]

    @property
    def ancre(self) -> str:
        return "situation-" + self.code.replace(".", "-")


@dataclass(frozen=True)
class BilanImprime:
    organisation: str
    date_debut: dt.date
    date_fin: dt.date
    tuteur: str
    positions: list[tuple[str, str, str]]     # (situation code, situation title, level in words)
    texte: str
    rempli_le: dt.date | None


@dataclass(frozen=True)
class DonneesLivret:
    eleve: str
    identifiant: str
    division: str
    etablissement: str
    diplome: str
    referentiel: str
    annees: list[str]                     # school years covered by the fiches printed
    date: dt.date
    poles: list[PoleImprime]              # coverage tables (one pôle with ``pole``)
    sections: list[SectionSituation]      # situations with at least one fiche, référentiel order
    pole: str | None = None
    toutes_les_fiches: bool = False
    avec_appreciations: bool = False
    avec_bilans: bool = False
    appreciations_generales: list[AppreciationImprimee] = field(default_factory=list)
    bilans: list[BilanImprime] = field(default_factory=list)
    nom_pole: str = "Pôle"

    def sections_du_pole(self, code: str) -> list[SectionSituation]:
        return [s for s in self.sections if s.pole_code == code]

    @property
    def nombre_de_fiches(self) -> int:
        return sum(len(s.fiches) for s in self.sections)


@dataclass(frozen=True)
class DonneesExtrait:
    titre: str
    eleve: str
    division: str
    etablissement: str
    diplome: str
    date: dt.date
    fiches: list[FicheImprimee]


# --- gathering -----------------------------------------------------------------------------------------------------


def pieces_imprimees(session: Session, fiche_ids: list[int]) -> dict[int, list[PieceImprimee]]:
    """The attachments of these fiches as printed (images as small data: URIs, other files by name), by fiche id.
    No access check: for documents whose caller checked it."""
    par_fiche: dict[int, list[PieceImprimee]] = defaultdict(list)
    if not fiche_ids:
        return par_fiche
    requete = (select(PieceJointe).where(PieceJointe.fiche_id.in_(fiche_ids), PieceJointe.supprimee_le.is_(None))
               .order_by(PieceJointe.id))
    for p in session.scalars(requete):
        image, manquante = None, False
        try:
            if p.type_mime in TYPES_IMAGES and (petite := vignette(stockage.lire(p.sha256))):
                image = f"data:{petite[0]};base64,{base64.b64encode(petite[1]).decode()}"
            elif not stockage.chemin(p.sha256).exists():
                manquante = True
        except (OSError, ValueError):
            manquante = True
        par_fiche[p.fiche_id].append(PieceImprimee(p.nom, p.type_mime, image, manquante))
    return par_fiche


def _appreciations(session: Session, eleve_id: int) -> dict[int | None, list[AppreciationImprimee]]:
    """Appréciations not withdrawn, by fiche (None: on the whole passport), oldest first."""
    requete = (
        select(Appreciation, Compte.prenom, Compte.nom)
        .outerjoin(Compte, Compte.id == Appreciation.auteur_id)
        .where(Appreciation.eleve_id == eleve_id, Appreciation.retiree_le.is_(None))
        .order_by(Appreciation.cree_le, Appreciation.id)
    )
    par_fiche: dict[int | None, list[AppreciationImprimee]] = defaultdict(list)
    for a, prenom, nom in session.execute(requete):
        auteur = a.auteur_nom or f"{prenom or ''} {nom or ''}".strip()
        par_fiche[a.fiche_id].append(AppreciationImprimee(auteur, a.origine, a.texte, a.cree_le.date()))
    return par_fiche


def fiche_imprimee(f: Fiche, v: FicheVersion, ref: Referentiel, pieces: list[PieceImprimee] | None = None,
                   appreciations: list | None = None, la_plus_recente: bool = False) -> FicheImprimee:
    """A fiche as every printed or shared document shows it (livret, extract, CCF dossier)."""
    situation = ref.situations.get(v.situation)
    return FicheImprimee(
        f.id, v.situation, situation.titre if situation else "", v.titre, v.date_debut, v.date_fin,
        LIBELLES_LIEU[v.lieu], LIBELLES_NATURE[v.nature], v.organisation, v.contexte, v.conditions, v.demarche,
        v.productions, v.complexite, details(v.complexite_details), v.aleas, details(v.aleas_details), f.retenue,
        pieces or [], appreciations or [], la_plus_recente,
    )


def _courantes(session: Session, eleve_id: int) -> list[tuple[Fiche, FicheVersion]]:
    """The student's fiches out of the bin with their current version, oldest first."""
    requete = (
        select(Fiche, FicheVersion)
        .join(FicheVersion, (FicheVersion.fiche_id == Fiche.id) & (FicheVersion.numero == Fiche.version_courante))
        .where(Fiche.eleve_id == eleve_id, Fiche.supprimee_le.is_(None))
        .order_by(FicheVersion.date_debut, Fiche.id)
    )
    return [(f, v) for f, v in session.execute(requete)]


def _ordre_annees(dates: list[dt.date]) -> list[str]:
    return sorted({annee_scolaire(d) for d in dates})


def donnees_livret(session: Session, acteur, eleve_id: int, pole: str | None = None,
                   toutes_les_fiches: bool = False, appreciations: bool = False, bilans: bool = False,
                   jour: dt.date | None = None) -> DonneesLivret:
    """Everything the livret prints for one student (the student, or a teacher of the student's division).

    Per situation the retained fiche (``Fiche.retenue``), or when none is retained the latest one (marked
    ``la_plus_recente``), or every fiche with ``toutes_les_fiches``; ``pole`` keeps one pôle only (PoleInconnu
    if the référentiel has no such pôle); ``appreciations`` adds the teachers' and tutors' appréciations,
    ``bilans`` the tutors' PFMP reports. The statut is passeport.statut's, over all the student's fiches."""
    acces.exiger_lecture_passeport(session, acteur, eleve_id)
    return assembler_livret(session, eleve_id, pole, toutes_les_fiches, appreciations, bilans, jour)


def assembler_livret(session: Session, eleve_id: int, pole: str | None = None, toutes_les_fiches: bool = False,
                     appreciations: bool = False, bilans: bool = False, jour: dt.date | None = None) -> DonneesLivret:
    """The livret's data WITHOUT access check: for the `passeport` command (the operator's tool, as the other
    exports) and for callers that checked access themselves. Pages go through ``donnees_livret``."""
    eleve = session.get(Eleve, eleve_id)
    if eleve is None:
        raise LookupError("Élève introuvable.")
    ref = referentiel.charger(eleve.division.referentiel)
    if pole is not None and pole not in ref.poles:
        raise PoleInconnu(f"Pôle « {pole} » inconnu du référentiel {ref.nom} "
                          f"(pôles : {', '.join(ref.poles)}).")
    courantes = _courantes(session, eleve_id)
    par_situation: dict[str, list[tuple[Fiche, FicheVersion]]] = defaultdict(list)
    for f, v in courantes:
        par_situation[v.situation].append((f, v))

    poles_choisis = [p for p in ref.poles.values() if pole is None or p.code == pole]
    choisies: dict[str, list[tuple[Fiche, FicheVersion, bool]]] = {}
    for s in ref.situations.values():
        vecues = par_situation.get(s.code, [])
        if not vecues or (pole is not None and s.pole_code != pole):
            continue
        if toutes_les_fiches:
            choisies[s.code] = [(f, v, False) for f, v in vecues]
        else:
            retenues = [(f, v, False) for f, v in vecues if f.retenue]
            # The latest: lived last, then written last.
            derniere = max(vecues, key=lambda fv: (fv[1].date_debut, fv[0].id))
            choisies[s.code] = retenues[-1:] or [(*derniere, True)]

    ids = [f.id for lot in choisies.values() for f, _, _ in lot]
    pieces = pieces_imprimees(session, ids)
    appreciations_ = _appreciations(session, eleve_id) if appreciations else {}
    sections = [
        SectionSituation(s.code, s.titre, s.pole_code, [
            fiche_imprimee(f, v, ref, pieces.get(f.id, []), appreciations_.get(f.id, []), recente)
            for f, v, recente in choisies[s.code]])
        for s in ref.situations.values() if s.code in choisies
    ]
    poles = [
        PoleImprime(p.code, p.titre, [
            LigneCouverture(
                s.code, s.titre, statut((v.complexite, v.aleas) for _, v in par_situation.get(s.code, [])),
                len(par_situation.get(s.code, [])),
                max((v.complexite for _, v in par_situation.get(s.code, [])), default=None),
                max((v.aleas for _, v in par_situation.get(s.code, [])), default=None))
            for s in ref.situations_du_pole(p.code)])
        for p in poles_choisis
    ]
    return DonneesLivret(
        eleve=eleve.compte.nom_complet, identifiant=eleve.identifiant, division=eleve.division.nom,
        etablissement=eleve.division.etablissement.nom,
        diplome=DIPLOMES.get(ref.nom, "Baccalauréat professionnel"),
        referentiel=NOMS_REFERENTIELS.get(ref.nom, ref.nom),
        annees=_ordre_annees([f.date_debut for s in sections for f in s.fiches]),
        date=jour or dt.date.today(), poles=poles, sections=sections, pole=pole,
        toutes_les_fiches=toutes_les_fiches, avec_appreciations=appreciations, avec_bilans=bilans,
        appreciations_generales=appreciations_.get(None, []),
        bilans=_bilans(session, eleve_id, ref) if bilans else [],
        nom_pole=NOMS_DES_POLES.get(ref.nom, "Pôle"),
    )


def _bilans(session: Session, eleve_id: int, ref: Referentiel) -> list[BilanImprime]:
    periodes = session.scalars(select(Pfmp).where(Pfmp.eleve_id == eleve_id, Pfmp.bilan_le.is_not(None))
                               .order_by(Pfmp.date_debut))
    resultat = []
    for p in periodes:
        positions = json.loads(p.bilan_situations or "{}")
        resultat.append(BilanImprime(
            p.organisation.nom, p.date_debut, p.date_fin, p.bilan_par or (p.tuteur.nom if p.tuteur else ""),
            [(code, ref.situations[code].titre if code in ref.situations else "", NIVEAUX.get(int(n), str(n)))
             for code, n in sorted(positions.items())],
            p.bilan_tuteur, p.bilan_le.date() if p.bilan_le else None))
    return resultat


def donnees_extrait(session: Session, eleve_id: int, fiche_ids: list[int], titre: str,
                    jour: dt.date | None = None) -> DonneesExtrait:
    """The chosen fiches of one student, in the order given, for a short extract (PDF or share link).

    NO access check: the caller (the extracts service, a share link) has checked it. Fiches of another student
    or in the bin are left out, never shown. No appréciations: an extract shows the student's own text only."""
    eleve = session.get(Eleve, eleve_id)
    if eleve is None:
        raise LookupError("Élève introuvable.")
    ref = referentiel.charger(eleve.division.referentiel)
    par_id = {f.id: (f, v) for f, v in _courantes(session, eleve_id) if f.id in set(fiche_ids)}
    ordre = [i for i in dict.fromkeys(fiche_ids) if i in par_id]
    pieces = pieces_imprimees(session, ordre)
    return DonneesExtrait(
        titre=titre, eleve=eleve.compte.nom_complet, division=eleve.division.nom,
        etablissement=eleve.division.etablissement.nom, diplome=DIPLOMES.get(ref.nom, "Baccalauréat professionnel"),
        date=jour or dt.date.today(),
        fiches=[fiche_imprimee(*par_id[i], ref, pieces.get(i, [])) for i in ordre],
    )
