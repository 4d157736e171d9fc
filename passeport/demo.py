"""The demo school, built by code from a seed: three GA divisions, teachers, tutors, PFMP and fiches.

Students differ on purpose: some cross nearly all 55 situations, some stopped writing early in the year,
some never touch pôle 2 or pôle 4; complexity and aléas grow over the three years.

Nothing that happened is dated after the moment the demo is built (``_Generateur.instant``: now, or the evening
of ``aujourd_hui`` when the demo is built for a past day): fiches, versions, appréciations, readings and
positionnements are capped there. Only the school's calendar looks ahead: a PFMP planned for the next months keeps
its dates (the goals editor prepares it), and nothing is written inside its future part.
The team has completed the référentiel for a few situations (``T.LISTES_EQUIPE``), as teachers would.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passeport import annee, referentiel
from passeport import demo_textes as T
from passeport.models import (
    Appreciation, AppreciationVersion, Compte, Division, Eleve, Enseignant, Etablissement, Fiche, FicheVersion,
    HistoriqueListe, LigneListe, Lieu, Nature, Niveau, Organisation, Pfmp, Positionnement, Role, Tuteur, maintenant,
)
from passeport.services.comptes import hacher, login_disponible

MOT_DE_PASSE_DEMO = "passeport-demo"
COMPTES_DEMO = {
    Role.ADMIN: "admin",
    Role.ENSEIGNANT: "claire.martin",
    Role.ELEVE: "lea.moreau",
    Role.TUTEUR: "julien.garnier",
}
UAI_DEMO = "0359999Z"
GRAINE_PAR_DEFAUT = 2026
# The only dates of the demo that may lie ahead: the school's calendar of PFMP (planned periods, prepared with goals).
COLONNES_DU_CALENDRIER = frozenset({("pfmp", "date_debut"), ("pfmp", "date_fin")})
ELEVES_PAR_DIVISION = 24
# Fiches per student by level: the passport grows over the three years.
FICHES_PAR_NIVEAU = {Niveau.SECONDE: (20, 45), Niveau.PREMIERE: (45, 95), Niveau.TERMINALE: (90, 150)}
SITUATIONS_DISTINCTES = {Niveau.SECONDE: (12, 22), Niveau.PREMIERE: (24, 38), Niveau.TERMINALE: (34, 48)}
ANNEES_DEJA_FAITES = {Niveau.SECONDE: 0, Niveau.PREMIERE: 1, Niveau.TERMINALE: 2}

# Share of the simple fiches (complexité 1, no aléa) written sparingly: a short démarche, no « Je dispose », a thin
# context. Beginners do it more; the guide de questionnement and the Lettres view then have something to show.
PEU_REDIGEES = {Niveau.SECONDE: 0.45, Niveau.PREMIERE: 0.15, Niveau.TERMINALE: 0.05}

ENSEIGNANTS = [
    # (prénom, nom, discipline, divisions par niveau)
    ("Claire", "Martin", "Économie-gestion", [Niveau.SECONDE, Niveau.PREMIERE, Niveau.TERMINALE]),
    ("Paul", "Bernard", "Économie-gestion", [Niveau.PREMIERE, Niveau.TERMINALE]),
    ("Sophie", "Leroy", "Lettres-histoire", [Niveau.SECONDE, Niveau.PREMIERE, Niveau.TERMINALE]),
    ("Nadia", "Petit", "Économie-gestion (accompagnement personnalisé)", [Niveau.SECONDE, Niveau.TERMINALE]),
]
TUTEURS = [("Julien", "Garnier"), ("Isabelle", "Lefèvre"), ("Karim", "Benali"), ("Anne", "Le Gall"),
           ("Marc", "Tessier"), ("Hélène", "Roussel"), ("Thomas", "Masson"), ("Cécile", "Marchand"),
           ("David", "Rivière"), ("Nathalie", "Brunet"), ("Olivier", "Perrin"), ("Sandrine", "Joly")]


class BaseNonVide(Exception):
    message = "La base contient déjà des données : l'école de démonstration ne se charge que dans une base vide."


@dataclass
class BilanDemo:
    etablissement: str
    divisions: int = 0
    eleves: int = 0
    enseignants: int = 0
    fiches: int = 0
    versions: int = 0
    pfmp: int = 0
    appreciations: int = 0
    comptes: dict[str, str] = field(default_factory=dict)


def base_vide(session: Session) -> bool:
    return not session.scalar(select(func.count(Compte.id))) and not session.scalar(
        select(func.count(Etablissement.id))
    )


def creer_ecole_demo(session: Session, graine: int = GRAINE_PAR_DEFAUT, aujourd_hui: dt.date | None = None) -> BilanDemo:
    """Fill an empty database with the demo school; raise BaseNonVide otherwise."""
    if not base_vide(session):
        raise BaseNonVide()
    # A second generator for the writing style: the school's structure, dates and levels stay those of the seed.
    return _Generateur(session, random.Random(graine), aujourd_hui or dt.date.today(),
                       random.Random(f"{graine}-redaction")).generer()


@dataclass
class _Profil:
    nom: str  # complet, regulier, decroche, sans_pole2, sans_pole4
    feminin: bool


class _Generateur:
    def __init__(self, session: Session, rng: random.Random, aujourd_hui: dt.date, redaction: random.Random):
        self.s, self.rng, self.aujourd_hui, self.redaction = session, rng, aujourd_hui, redaction
        self.annee = annee.annee_scolaire(aujourd_hui)
        # The latest instant anything happened: now, or the evening of a past ``aujourd_hui``.
        self.instant = min(maintenant(), dt.datetime.combine(aujourd_hui, dt.time(18, 0)))
        self.ref = referentiel.charger(referentiel.REFERENTIEL_PAR_DEFAUT)
        self.hash = hacher(MOT_DE_PASSE_DEMO)  # one hash for every demo account: demo only, keeps loading fast
        self.bilan = BilanDemo(etablissement=T.LYCEE, comptes={r.value: l for r, l in COMPTES_DEMO.items()})
        self.noms_pris: set[tuple[str, str]] = set()
        self.logins: set[str] = set(COMPTES_DEMO.values()) | {f"{p}.{n}".lower() for p, n, _, _ in ENSEIGNANTS}

    # --- people and places -------------------------------------------------------------------------------------
    def _compte(self, login: str, role: Role, prenom: str, nom: str, **kw) -> Compte:
        compte = Compte(login=login, role=role, prenom=prenom, nom=nom, mot_de_passe_hash=self.hash,
                        etablissement=self.etab if role != Role.TUTEUR else None, **kw)
        self.s.add(compte)
        return compte

    def generer(self) -> BilanDemo:
        self.etab = Etablissement(uai=UAI_DEMO, nom=T.LYCEE)
        self.s.add(self.etab)
        self.s.flush()
        self._compte(COMPTES_DEMO[Role.ADMIN], Role.ADMIN, "Administration", "du lycée")
        debut = int(self.annee[:4])
        self.divisions = {
            niveau: Division(etablissement=self.etab, nom=f"{prefixe}GA1", niveau=niveau, annee_scolaire=self.annee,
                             referentiel=referentiel.REFERENTIEL_PAR_DEFAUT)
            for niveau, prefixe in ((Niveau.SECONDE, "2"), (Niveau.PREMIERE, "1"), (Niveau.TERMINALE, "T"))
        }
        self.s.add_all(self.divisions.values())
        self.enseignants = []
        for prenom, nom, discipline, niveaux in ENSEIGNANTS:
            compte = self._compte(f"{prenom}.{nom}".lower(), Role.ENSEIGNANT, prenom, nom)
            ens = Enseignant(compte=compte, discipline=discipline, divisions=[self.divisions[n] for n in niveaux])
            self.s.add(ens)
            self.enseignants.append(ens)
        self.organisations = []
        for (nom, forme, effectif, secteur, ville, service, logiciel), (tp, tn) in zip(T.ORGANISATIONS, TUTEURS):
            org = Organisation(etablissement_id=self.etab.id, nom=nom, forme=forme, secteur=secteur, ville=ville)
            compte = None
            if f"{tp}.{tn}".lower() == COMPTES_DEMO[Role.TUTEUR]:
                compte = self._compte(COMPTES_DEMO[Role.TUTEUR], Role.TUTEUR, tp, tn)
            tuteur = Tuteur(organisation=org, nom=tn, prenom=tp, compte=compte, fonction="Responsable du service",
                            email=f"{tp[0].lower()}.{tn.lower().replace(' ', '')}@exemple.fr")
            self.s.add_all([org, tuteur])
            self.organisations.append((org, tuteur, dict(effectif=effectif, service=service, logiciel=logiciel)))
        self.s.flush()
        for niveau, division in self.divisions.items():
            self._generer_division(niveau, division, debut - ANNEES_DEJA_FAITES[niveau])
        self.s.flush()
        # The teachers' last visit of their Nouveautés: a week ago, so that the inbox shows the week's fiches.
        for ens in self.enseignants:
            ens.compte.nouveautes_vues_le = dt.datetime.combine(self.aujourd_hui - dt.timedelta(days=7), dt.time(12))
        self._listes_equipe()
        self.bilan.divisions = len(self.divisions)
        self.bilan.enseignants = len(self.enseignants)
        return self.bilan

    def borne(self, instant: dt.datetime, depuis: dt.datetime | None = None) -> dt.datetime:
        """``instant``, or, if it would be later than the demo's present, an instant between ``depuis`` (the event it
        follows) and the present. Spread, not clamped: a hundred late fiches all "saved at 02:42" would tell a
        visitor the demo is fake. Deterministic (golden-ratio steps), so the seeded draws stay the same."""
        if instant <= self.instant:
            return instant
        if depuis is None or depuis >= self.instant:
            return self.instant
        self._etales = getattr(self, "_etales", 0) + 1
        return depuis + (self.instant - depuis) * ((self._etales * 0.6180339887) % 1)

    def _listes_equipe(self) -> None:
        """The team's lines for a few situations (T.LISTES_EQUIPE), each added by a teacher in the last weeks."""
        auteurs = [e.compte for e in self.enseignants if e.discipline.startswith("Économie-gestion")]
        for k, (code, lignes) in enumerate(T.LISTES_EQUIPE.items()):
            auteur = auteurs[k % len(auteurs)]
            quand = self.borne(dt.datetime.combine(self.aujourd_hui - dt.timedelta(days=30 - 6 * k), dt.time(16, 45)))
            for type_, libelle in lignes:
                self.s.add(LigneListe(etablissement_id=self.etab.id, referentiel=referentiel.REFERENTIEL_PAR_DEFAUT,
                                      situation=code, type=type_, libelle=libelle, cree_par_id=auteur.id,
                                      cree_le=quand))
                self.s.add(HistoriqueListe(etablissement_id=self.etab.id, referentiel=referentiel.REFERENTIEL_PAR_DEFAUT,
                                           situation=code, type=type_, action="ajout", nouveau=libelle,
                                           compte_id=auteur.id, auteur_nom=auteur.nom_complet, cree_le=quand))

    def _nom_eleve(self, feminin: bool) -> tuple[str, str]:
        while True:
            prenom = self.rng.choice(T.PRENOMS_F if feminin else T.PRENOMS_M)
            nom = self.rng.choice(T.NOMS)
            if (prenom, nom) not in self.noms_pris:
                self.noms_pris.add((prenom, nom))
                return prenom, nom

    def _profils(self, niveau: Niveau) -> list[str]:
        profils = ["decroche"] * 2 + ["sans_pole2"] * 2 + ["sans_pole4"] * 2
        if niveau != Niveau.SECONDE:
            profils += ["complet"] * 3
        profils += ["regulier"] * (ELEVES_PAR_DIVISION - len(profils))
        self.rng.shuffle(profils)
        if niveau == Niveau.PREMIERE:  # the demo student's account: a full, lively passport
            profils.remove("complet")
            profils.insert(0, "complet")
        return profils

    def _generer_division(self, niveau: Niveau, division: Division, annee_entree: int) -> None:
        ens_division = [e for e in self.enseignants if division in e.divisions]
        for i, nom_profil in enumerate(self._profils(niveau)):
            feminin = self.rng.random() < 0.6
            if niveau == Niveau.PREMIERE and i == 0:
                prenom, nom, feminin = "Léa", "Moreau", True
                self.noms_pris.add((prenom, nom))
            else:
                prenom, nom = self._nom_eleve(feminin)
            login = COMPTES_DEMO[Role.ELEVE] if (niveau == Niveau.PREMIERE and i == 0) else None
            compte = self._compte(login or login_disponible(prenom, nom, self.logins), Role.ELEVE, prenom, nom)
            eleve = Eleve(compte=compte, identifiant=f"DEMO{self.bilan.eleves + 1:05d}", division=division)
            self.s.add(eleve)
            pfmps = self._pfmps(eleve, annee_entree, premiere_chez_biomag=login is not None)
            _FichesEleve(self, eleve, niveau, _Profil(nom_profil, feminin), annee_entree, pfmps, ens_division).creer()
            self.bilan.eleves += 1

    def _pfmps(self, eleve: Eleve, annee_entree: int, premiere_chez_biomag: bool) -> list[tuple[Pfmp, dict]]:
        # 2nde: January; 1re: November and March; Tle: October and February. Four weeks each.
        debuts = [dt.date(annee_entree + 1, 1, 8), dt.date(annee_entree + 1, 11, 12), dt.date(annee_entree + 2, 3, 12),
                  dt.date(annee_entree + 2, 10, 1), dt.date(annee_entree + 3, 2, 1)]
        resultat = []
        for k, debut in enumerate(debuts):
            debut += dt.timedelta(days=(7 - debut.weekday()) % 7)  # a Monday
            if debut > self.aujourd_hui + dt.timedelta(days=120):
                break
            org, tuteur, infos = self.organisations[0] if (premiere_chez_biomag and k == 0) else self.rng.choice(
                self.organisations)
            pfmp = Pfmp(eleve=eleve, organisation=org, tuteur=tuteur, date_debut=debut,
                        date_fin=debut + dt.timedelta(days=25))
            self.s.add(pfmp)
            self.bilan.pfmp += 1
            resultat.append((pfmp, infos))
        return resultat


class _FichesEleve:
    """The fiches of one student, with versions, appréciations and positionnements."""

    def __init__(self, g: _Generateur, eleve: Eleve, niveau: Niveau, profil: _Profil, annee_entree: int,
                 pfmps: list[tuple[Pfmp, dict]], enseignants: list[Enseignant]):
        self.g, self.rng, self.eleve, self.niveau, self.profil = g, g.rng, eleve, niveau, profil
        self.entree = dt.date(annee_entree, 9, 8)
        self.pfmps_passees = [(p, i) for p, i in pfmps if p.date_debut < g.aujourd_hui]
        self.enseignants = enseignants
        self.poste = self.rng.choice(T.POSTES)[0 if profil.feminin else 1]

    def creer(self) -> None:
        bas, haut = FICHES_PAR_NIVEAU[self.niveau]
        n = self.rng.randint(bas, haut)
        codes = self._situations(n)
        fin = self.g.aujourd_hui - dt.timedelta(days=1)
        if self.profil.nom == "decroche":  # stopped writing after the first weeks of this year
            debut_annee = annee.debut_annee(self.g.annee)
            fin = debut_annee + dt.timedelta(days=max(20, (self.g.aujourd_hui - debut_annee).days // 3))
        # PFMP fiches fall inside a PFMP lived before the student stopped writing.
        self.pfmps_passees = [(p, i) for p, i in self.pfmps_passees if p.date_debut < fin]
        self.fin = fin
        fiches = [self._fiche(code, self._date(fin)) for code in codes]
        self.g.s.add_all(fiches)
        self.g.bilan.fiches += len(fiches)
        self.g.bilan.versions += sum(len(f.versions) for f in fiches)
        self._retenir(fiches)
        self.g.s.flush()
        self._retours(fiches)

    def _situations(self, n: int) -> list[str]:
        toutes = list(self.g.ref.situations)
        if self.profil.nom == "complet":
            couvertes = self.rng.sample(toutes, len(toutes) - self.rng.randint(0, 2))
            n = max(n, len(couvertes) + 10)
            return couvertes + self.rng.choices(couvertes, k=n - len(couvertes))
        exclus = {"sans_pole2": "2", "sans_pole4": "4"}.get(self.profil.nom)
        possibles = [c for c in toutes if c[0] != exclus]
        # Pôle 2 is the least lived in training: lower weight, as in real classes.
        poids = [self.rng.random() * (0.4 if c[0] == "2" else 1.0) + 0.05 for c in possibles]
        m = self.rng.randint(*SITUATIONS_DISTINCTES[self.niveau])
        choisies: list[str] = []
        while len(choisies) < min(m, len(possibles)):
            c = self.rng.choices(possibles, weights=poids)[0]
            if c not in choisies:
                choisies.append(c)
        return choisies + self.rng.choices(choisies, k=max(0, n - len(choisies)))

    def _date(self, fin: dt.date) -> dt.date:
        return self.entree + dt.timedelta(days=self.rng.randint(0, max(0, (fin - self.entree).days)))

    def _lieu(self, code: str, jour: dt.date) -> tuple[Lieu, tuple[Pfmp, dict] | None, dt.date]:
        r = self.rng.random()
        if code[0] == "4":
            return (Lieu.PROJET if r < 0.8 else Lieu.ETABLISSEMENT), None, jour
        if self.pfmps_passees and r < 0.4:
            pfmp, infos = self.rng.choice(self.pfmps_passees)
            duree = (min(pfmp.date_fin, self.fin) - pfmp.date_debut).days
            return Lieu.PFMP, (pfmp, infos), pfmp.date_debut + dt.timedelta(days=self.rng.randint(0, max(0, duree)))
        if r < 0.75:
            return Lieu.ETABLISSEMENT, None, jour
        if r < 0.9:
            return Lieu.SERVICES_EPLE, None, jour
        if r < 0.95:
            return Lieu.PROJET, None, jour
        return Lieu.HORS_FORMATION, None, jour

    def _niveaux(self, jour: dt.date) -> tuple[int, int]:
        # t: progress over the three years of training, 0 at entry in 2nde, 1 at the end of Tle.
        t = min(1.0, max(0.0, (jour - self.entree).days / (3 * 365)))
        r = self.rng.random()
        complexite = 3 if r < max(0.0, 0.55 * t - 0.05) else 2 if r < 0.15 + 0.75 * t else 1
        r = self.rng.random()
        aleas = 2 if r < max(0.0, 0.4 * t - 0.05) else 1 if r < 0.1 + 0.6 * t else 0
        return complexite, aleas

    def _fiche(self, code: str, jour: dt.date) -> Fiche:
        lieu, pfmp, jour = self._lieu(code, jour)
        titre, action, production = T.SITUATIONS_GA[code]
        complexite, aleas = self._niveaux(jour)
        classe = code[:3]
        facteurs = self.g.ref.facteurs_complexite(code) or T.COMPLEXITE_PAR_CLASSE[classe]
        types_aleas = self.g.ref.aleas_types(code) or T.ALEAS_PAR_CLASSE[classe]
        details_c = self.rng.sample(facteurs, min(len(facteurs), complexite - 1))
        details_a = self.rng.sample(types_aleas, min(len(types_aleas), aleas))
        organisation, contexte, logiciel, nature = self._contexte(lieu, pfmp)
        responsable = self.rng.choice(T.RESPONSABLES)
        etapes = [e.format(logiciel=logiciel, responsable=responsable)
                  for e in sorted(self.rng.sample(T.ETAPES, self.rng.randint(2, 4)), key=T.ETAPES.index)]
        demarche = f"{responsable[0].upper()}{responsable[1:]} m'a demandé de {action}. " + " ".join(etapes)
        if details_a:
            demarche += (f"\nDifficulté rencontrée : {details_a[0].lower()}. "
                         + self.rng.choice(T.TRAITEMENT_ALEA).format(responsable=responsable,
                                                                       a_responsable=T.a(responsable)))
        if lieu == Lieu.PFMP and self.rng.random() < 0.5:
            titre = f"{titre} chez {organisation}"
        duree = self.rng.choices([0, 1, 3, None], weights=[50, 20, 15, 15])[0]
        date_fin = None if duree is None else min(jour + dt.timedelta(days=duree), self.g.aujourd_hui)
        cree = dt.datetime.combine((date_fin or jour), dt.time(17, 30)) + dt.timedelta(days=self.rng.randint(0, 6))
        cree = self.g.borne(cree, depuis=dt.datetime.combine((date_fin or jour), dt.time(17, 30)))
        contenu = dict(
            situation=code, titre=titre, date_debut=jour, date_fin=date_fin, lieu=lieu, nature=nature,
            organisation=organisation, contexte=contexte,
            conditions=f"Je dispose : d'un poste informatique, {T.de(logiciel)}, des consignes écrites "
                       f"{T.de(responsable)} et des documents du dossier ({production}).",
            demarche=demarche, productions=production[0].upper() + production[1:] + ".",
            complexite=complexite, complexite_details="|".join(details_c), aleas=aleas,
            aleas_details="|".join(details_a),
        )
        if complexite == 1 and aleas == 0 and self.g.redaction.random() < PEU_REDIGEES[self.niveau]:
            contenu.update(self._peu_redige(contenu))
        auteur = self.eleve.compte
        versions = [FicheVersion(numero=1, auteur=auteur, cree_le=cree, **contenu)]
        while self.rng.random() < 0.12 and len(versions) < 3:  # the student came back to rewrite it
            cree = self.g.borne(cree + dt.timedelta(days=self.rng.randint(1, 20)), depuis=cree)
            contenu["demarche"] += self.rng.choice(T.AJOUTS_VERSION)
            versions.append(FicheVersion(numero=len(versions) + 1, auteur=auteur, cree_le=cree, **contenu))
        fiche = Fiche(eleve=self.eleve, version_courante=len(versions), versions=versions,
                      pfmp=pfmp[0] if pfmp else None, cree_le=versions[0].cree_le,
                      modifiee_le=cree)
        if self.rng.random() < 0.01:
            fiche.supprimee_le = self.g.borne(cree + dt.timedelta(hours=1), depuis=cree)
        return fiche

    def _peu_redige(self, contenu: dict) -> dict:
        """What a beginner leaves out: one or more of the conditions, most of the démarche, the context."""
        r = self.g.redaction
        changes = {}
        if r.random() < 0.6:
            changes["conditions"] = ""
        if r.random() < 0.7:
            changes["demarche"] = contenu["demarche"].split(". ")[0].rstrip(".") + "."
        if r.random() < 0.4 or not changes:
            changes["contexte"] = r.choice(["En classe.", "Au bureau.", "Pendant la PFMP.", "À l'accueil."])
        return changes

    def _contexte(self, lieu: Lieu, pfmp: tuple[Pfmp, dict] | None) -> tuple[str, str, str, Nature]:
        affecte = "affectée" if self.profil.feminin else "affecté"
        if lieu == Lieu.PFMP and pfmp:
            org, infos = pfmp[0].organisation, pfmp[1]
            if self.rng.random() < 0.5:
                contexte = (f"Je suis {self.poste} dans l'entreprise {org.nom}, {org.forme} de {infos['effectif']} "
                            f"salariés spécialisée dans la {org.secteur}, à {org.ville}.")
            else:
                contexte = (f"Je suis actuellement en PFMP au sein de {org.nom} ({org.forme}, {org.secteur}) en "
                            f"qualité de {self.poste}. Je suis {affecte} auprès du service {infos['service']}.")
            return org.nom, contexte, infos["logiciel"], Nature.REELLE
        if lieu == Lieu.SERVICES_EPLE:
            service = self.rng.choice(T.SERVICES_EPLE)
            return (f"{T.LYCEE} – {service}", f"Au lycée, j'ai aidé le service {service} pendant une semaine de "
                    f"travail en services de l'établissement.", "le logiciel du service", Nature.REELLE)
        if lieu == Lieu.PROJET:
            projet = self.rng.choice(T.PROJETS)
            return (T.LYCEE, f"Dans le cadre du projet « {projet} » mené par notre classe, je faisais partie de "
                    f"l'équipe chargée de l'organisation.", "la suite bureautique", Nature.REELLE)
        if lieu == Lieu.HORS_FORMATION:
            nom, quoi = self.rng.choice(T.EMPLOIS_HORS_FORMATION)
            return nom, f"Pendant mon {quoi} chez {nom}, on m'a confié des tâches administratives.", \
                "un tableur", Nature.REELLE
        nature = Nature.SIMULEE if self.rng.random() < 0.85 else Nature.REELLE
        return ("Bureau Plus (entreprise pédagogique)",
                f"En classe, dans {T.ENTREPRISE_PEDAGOGIQUE}, je tiens le poste de {self.poste}.",
                "le PGI de l'entreprise pédagogique", nature)

    def _retenir(self, fiches: list[Fiche]) -> None:
        if self.niveau == Niveau.SECONDE:
            return
        par_situation: dict[str, list[Fiche]] = {}
        for f in fiches:
            if f.supprimee_le is None:
                par_situation.setdefault(f.versions[-1].situation, []).append(f)
        for groupe in par_situation.values():
            if len(groupe) >= 2 and self.rng.random() < 0.3:
                max(groupe, key=lambda f: f.versions[-1].complexite + f.versions[-1].aleas).retenue = True

    def _retours(self, fiches: list[Fiche]) -> None:
        """Some appréciations (teachers, tutors, on the whole passport) and positionnements."""
        part = 0.03 if self.niveau == Niveau.SECONDE else 0.07
        for f in fiches:
            v = f.versions[-1]
            if self.enseignants and self.rng.random() < part:
                auteur = self.rng.choice(self.enseignants).compte
                self._appreciation(f.id, auteur, self.rng.choice(T.APPRECIATIONS_ENSEIGNANT), v.cree_le)
            if f.pfmp is not None and f.pfmp.tuteur is not None and self.rng.random() < 0.1:
                t = f.pfmp.tuteur
                texte = self.rng.choice(T.APPRECIATIONS_TUTEUR)
                quand = self.g.borne(v.cree_le + dt.timedelta(days=2), depuis=v.cree_le)
                self.g.s.add(Appreciation(eleve_id=self.eleve.id, fiche_id=f.id, auteur_id=t.compte_id,
                                          auteur_nom=f"{t.prenom} {t.nom}", texte=texte, origine="tuteur",
                                          cree_le=quand, versions=[AppreciationVersion(numero=1, texte=texte,
                                                                                        cree_le=quand)]))
                self.g.bilan.appreciations += 1
            if self.niveau != Niveau.SECONDE and self.enseignants and self.rng.random() < 0.15:
                niveau = min(4, max(1, v.complexite + (1 if v.aleas else 0) + self.rng.choice([-1, 0, 0, 1])))
                self.g.s.add(Positionnement(fiche_id=f.id, enseignant_id=self.enseignants[0].compte.id, niveau=niveau,
                                            cree_le=self.g.borne(v.cree_le + dt.timedelta(days=5), depuis=v.cree_le)))
        if self.enseignants and self.rng.random() < 0.35:
            self._appreciation(None, self.enseignants[0].compte, self.rng.choice(T.APPRECIATIONS_PASSEPORT),
                               dt.datetime.combine(self.g.aujourd_hui - dt.timedelta(days=self.rng.randint(1, 40)),
                                                   dt.time(12, 0)))

    def _appreciation(self, fiche_id: int | None, auteur: Compte, texte: str, apres: dt.datetime) -> None:
        quand = self.g.borne(apres + dt.timedelta(days=self.rng.randint(1, 10)), depuis=apres)
        lue = self.g.borne(quand + dt.timedelta(days=1), depuis=quand) if self.rng.random() < 0.5 else None
        self.g.s.add(Appreciation(eleve_id=self.eleve.id, fiche_id=fiche_id, auteur_id=auteur.id,
                                  auteur_nom=auteur.nom_complet, texte=texte, cree_le=quand, lue_le=lue,
                                  versions=[AppreciationVersion(numero=1, texte=texte, cree_le=quand)]))
        self.g.bilan.appreciations += 1
