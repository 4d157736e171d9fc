"""A generated académie for measures at scale: établissements, GA divisions, teachers, students, PFMP and fiches.

``generer_academie`` fills a database without students (SQLite or PostgreSQL) by bulk inserts only: executemany on
SQLite (one transaction, foreign keys checked once the load is done), COPY on PostgreSQL. Rows are drawn and
written by lots of ``ELEVES_PAR_LOT`` students, so memory stays flat whatever the size. Everything comes from the
seed: the same seed and day give the same rows.

What it looks like (as the demo school, at scale):
- K établissements (default one per 2,500 students), the students of each split evenly over 2nde, 1re and Tle,
  divisions of 25 named "2GA01", "1GA01", "TGA01"…; two économie-gestion teachers and one lettres-histoire teacher
  per division (a teacher holds about four divisions), an admin per établissement; one password for every account
  (hashed once: ``MOT_DE_PASSE``);
- per student ``round(M × 0.5 | 1 | 1.5)`` fiches by level (M on average), on 12–22 / 24–38 / 34–50 distinct
  situations, pôle 2 less lived, 8 % of students who stopped writing early; complexity and aléas grow over the
  three years; every tenth fiche has a second version; about 1 % in the bin; retained fiches from 1re on;
  positionnements by the division's teachers; PFMP of four weeks with organisations and tutors;
- texts of a few sentences (title, context, conditions, démarche, productions) varied from a small word bank.

Nothing is dated after the day of generation (PFMP planned in the next four months aside, as in the demo).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine, text

from passeport import annee, changements, referentiel
from passeport import demo_textes as T
from passeport.schema import initialiser
from passeport.services.comptes import hacher, login_disponible

MOT_DE_PASSE = "academie-generee"
GRAINE_PAR_DEFAUT = 2026
FICHES_PAR_ELEVE = 100
ELEVES_PAR_DIVISION = 25
ELEVES_PAR_ETABLISSEMENT = 2500
ELEVES_PAR_LOT = 500
# niveau: (préfixe du nom de division, années déjà faites, part de M, situations distinctes)
NIVEAUX = {
    "2nde": ("2", 0, 0.5, (12, 22)),
    "1re": ("1", 1, 1.0, (24, 38)),
    "Tle": ("T", 2, 1.5, (34, 50)),
}
PART_SILENCIEUX = 0.08
PART_SUPPRIMEES = 0.01
PART_POSITIONNEES = 0.12  # fiches positioned by a teacher, from 1re on
TABLES_A_SEQUENCE = ("etablissement", "compte", "division", "eleve", "enseignant", "organisation", "tuteur", "pfmp",
                     "fiche", "fiche_version", "positionnement")

NOMS_LYCEES = ["Jean Moulin", "Louise Michel", "Jean Jaurès", "Marie Curie", "Victor Hugo", "Simone Veil",
               "Jules Verne", "Pierre Mendès France", "Olympe de Gouges", "Albert Camus", "Lucie Aubrac",
               "René Cassin", "Camille Claudel", "Jacques Prévert", "Rosa Parks", "Condorcet", "Paul Langevin",
               "George Sand", "Antoine de Saint-Exupéry", "Germaine Tillion"]
VILLES = ["Rennes", "Saint-Malo", "Vitré", "Fougères", "Redon", "Dinan", "Lannion", "Vannes", "Lorient", "Quimper",
          "Brest", "Morlaix", "Pontivy", "Guingamp", "Saint-Brieuc", "Ploërmel"]
FORMES = ["SARL", "SAS", "SA", "association loi 1901", "EURL", "collectivité territoriale", "SCOP"]
SECTEURS = [("Transports", "transport de marchandises"), ("Cabinet", "expertise comptable"),
            ("Menuiserie", "menuiserie et agencement"), ("Hôtel", "hôtellerie"), ("Garage", "réparation automobile"),
            ("Agence", "gestion immobilière"), ("Pharmacie", "officine"), ("Boulangerie", "boulangerie artisanale"),
            ("Clinique", "santé"), ("Imprimerie", "imprimerie et communication"), ("Mutuelle", "assurance"),
            ("Entrepôt", "logistique"), ("Mairie", "administration communale")]
SERVICES = ["achats", "comptabilité", "accueil", "ressources humaines", "administration des ventes", "secrétariat"]
LOGICIELS = ["le PGI EBP", "le PGI Sage 100", "le PGI Odoo", "un tableur partagé", "le logiciel de gestion"]
CONDITIONS = [
    "Je dispose : d'un poste informatique, {logiciel}, des consignes écrites {de_responsable} et des documents du "
    "dossier ({production}).",
    "J'avais à ma disposition un ordinateur avec {logiciel}, un téléphone et le dossier ({production}).",
    "Pour cette tâche, j'ai utilisé {logiciel} et les modèles du service ; {responsable} restait joignable.",
    "Un poste de travail partagé, {logiciel} et une fiche de procédure du service.",
]
DEBUTS_DEMARCHE = ["{Responsable} m'a demandé de {action}.", "On m'a confié la mission de {action}.",
                   "Il fallait {action} avant la fin de la journée.", "Ma mission consistait à {action}."]


class AcademieNonVide(Exception):
    """The store already has students: a generated académie goes into a database without any."""

    message = ("La base contient déjà des élèves : l'académie générée ne se charge que dans une base sans élève "
               "(base neuve ou vidée).")


@dataclass
class BilanAcademie:
    etablissements: int = 0
    divisions: int = 0
    eleves: int = 0
    enseignants: int = 0
    fiches: int = 0
    versions: int = 0
    supprimees: int = 0
    retenues: int = 0
    positionnements: int = 0
    pfmp: int = 0
    duree: float = 0.0
    mot_de_passe: str = MOT_DE_PASSE
    # A few logins to sign in with: {"admin": …, "enseignant": …, "eleve": …}
    comptes: dict[str, str] = field(default_factory=dict)


def repartir(total: int, parts: int) -> list[int]:
    """``total`` split in ``parts`` as evenly as possible, the first parts one larger."""
    return [total // parts + (1 if k < total % parts else 0) for k in range(parts)]


def divisions_prevues(eleves: int, etablissements: int | None = None) -> int:
    """How many divisions ``generer_academie`` makes for this size (25 students at most per division)."""
    k = etablissements or max(1, eleves // ELEVES_PAR_ETABLISSEMENT)
    return sum(math.ceil(n / ELEVES_PAR_DIVISION) for e in repartir(eleves, k) for n in repartir(e, 3))


# --- writing ------------------------------------------------------------------------------------------------------
class _Ecrivain:
    """Bulk rows into the store inside one transaction: executemany (SQLite) or COPY (PostgreSQL).

    Values are plain str/int/None (dates and instants already as ISO text, booleans as 0/1), so that both stores
    read them the same way as SQLAlchemy writes them."""

    def __init__(self, conn):
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"
        self.dbapi = conn.connection.driver_connection

    def inserer(self, table: str, colonnes: Sequence[str], lignes: Iterable[tuple]) -> None:
        if self.postgres:
            curseur = self.dbapi.cursor()
            with curseur, curseur.copy(f"COPY {table} ({', '.join(colonnes)}) FROM STDIN") as copie:
                ecrire = copie.write_row
                for ligne in lignes:
                    ecrire(ligne)
        else:
            curseur = self.dbapi.cursor()
            curseur.executemany(f"INSERT INTO {table} ({', '.join(colonnes)}) "
                                f"VALUES ({', '.join('?' * len(colonnes))})", lignes)
            curseur.close()


COLONNES_COMPTE = ("id", "login", "mot_de_passe_hash", "role", "etablissement_id", "nom", "prenom", "email", "actif",
                   "doit_changer_mot_de_passe", "echecs_connexion", "cree_le")
COLONNES_FICHE = ("id", "eleve_id", "version_courante", "situation", "retenue", "pfmp_id", "retenue_avant_corbeille",
                  "cree_le", "modifiee_le", "supprimee_le")
COLONNES_VERSION = ("id", "fiche_id", "numero", "situation", "titre", "date_debut", "date_fin", "lieu", "nature",
                    "organisation", "contexte", "conditions", "demarche", "productions", "complexite",
                    "complexite_details", "aleas", "aleas_details", "auteur_id", "cree_le")
COLONNES_PFMP = ("id", "eleve_id", "organisation_id", "tuteur_id", "date_debut", "date_fin", "objectifs",
                 "bilan_tuteur", "bilan_situations", "bilan_par")


def _instant(d: dt.datetime) -> str:
    return d.isoformat(" ", "microseconds")


# --- the académie -------------------------------------------------------------------------------------------------
@dataclass
class _Division:
    id: int
    etablissement: _Etablissement
    niveau: str
    eleves: int
    enseignants: list[int] = field(default_factory=list)  # compte ids


@dataclass
class _Etablissement:
    id: int
    nom: str
    # (organisation id, tutor id, name, two PFMP contexts, logiciel)
    organisations: list[tuple] = field(default_factory=list)


class _Generateur:
    def __init__(self, engine: Engine, eleves: int, fiches_par_eleve: int, etablissements: int, graine: int,
                 aujourd_hui: dt.date):
        self.engine, self.n_eleves, self.m, self.k = engine, eleves, fiches_par_eleve, etablissements
        self.rng = random.Random(graine)
        self.aujourd_hui = aujourd_hui
        self.annee = annee.annee_scolaire(aujourd_hui)
        self.debut = int(self.annee[:4])
        # The latest instant anything happened: now, or the evening of a past day.
        self.instant = min(dt.datetime.now(dt.UTC).replace(tzinfo=None),
                           dt.datetime.combine(aujourd_hui, dt.time(18, 0)))
        self.ref = referentiel.charger(referentiel.REFERENTIEL_PAR_DEFAUT)
        self.codes = list(self.ref.situations)
        self.bilan = BilanAcademie()
        self._banque()

    # --- word bank ----------------------------------------------------------------------------------------------
    def _banque(self) -> None:
        """Per situation, pools of titles, démarches and conditions drawn once: a fiche then picks by index."""
        rng = self.rng
        self.titres, self.demarches, self.conditions, self.productions = {}, {}, {}, {}
        self.details = {}
        for code, situation in self.ref.situations.items():
            titre, action, production = T.SITUATIONS_GA.get(code, (situation.titre, "traiter la demande",
                                                                   "un document"))
            self.titres[code] = [titre, titre, f"{titre} (suite)", f"{titre} pour le service",
                                 f"{titre} : deuxième essai"]
            demarches = []
            for _ in range(24):
                responsable = rng.choice(T.RESPONSABLES)
                logiciel = rng.choice(LOGICIELS)
                etapes = [e.format(logiciel=logiciel, responsable=responsable)
                          for e in sorted(rng.sample(T.ETAPES, rng.randint(2, 4)), key=T.ETAPES.index)]
                debut = rng.choice(DEBUTS_DEMARCHE).format(Responsable=responsable[0].upper() + responsable[1:],
                                                          action=action)
                demarches.append(" ".join([debut, *etapes]))
            self.demarches[code] = demarches
            self.conditions[code] = [
                c.format(logiciel=rng.choice(LOGICIELS), responsable=r, de_responsable=T.de(r), production=production)
                for c in CONDITIONS for r in rng.sample(T.RESPONSABLES, 2)]
            self.productions[code] = production[0].upper() + production[1:] + "."
            classe = code[:3]
            facteurs = self.ref.facteurs_complexite(code) or T.COMPLEXITE_PAR_CLASSE.get(classe, ["Délais courts"])
            aleas = self.ref.aleas_types(code) or T.ALEAS_PAR_CLASSE.get(classe, ["Imprévu"])
            self.details[code] = (facteurs, aleas)
        self.alea_traitements = [t.format(responsable=r, a_responsable=T.a(r))
                                 for t in T.TRAITEMENT_ALEA for r in T.RESPONSABLES]
        self.contextes_classe = [
            f"En classe, dans {T.ENTREPRISE_PEDAGOGIQUE}, je tiens le poste {T.de(p[k])}." for p in T.POSTES
            for k in (0, 1)]
        self.contextes_projet = [
            f"Dans le cadre du projet « {p} » mené par notre classe, je faisais partie de l'équipe chargée de "
            f"l'organisation." for p in T.PROJETS]
        self.contextes_eple = [
            (s, f"Au lycée, j'ai aidé le service {s} pendant une semaine de travail en services de l'établissement.")
            for s in T.SERVICES_EPLE]
        self.contextes_hors = [(nom, f"Pendant mon {quoi} chez {nom}, on m'a confié des tâches administratives.")
                               for nom, quoi in T.EMPLOIS_HORS_FORMATION]

    # --- structure ----------------------------------------------------------------------------------------------
    def _ids(self, conn) -> None:
        self.prochain = {t: (conn.scalar(text(f"SELECT max(id) FROM {t}")) or 0) + 1 for t in TABLES_A_SEQUENCE}
        self.logins = set(conn.scalars(text("SELECT login FROM compte")))
        self.uais = set(conn.scalars(text("SELECT uai FROM etablissement")))

    def _id(self, table: str) -> int:
        n = self.prochain[table]
        self.prochain[table] = n + 1
        return n

    def _nom(self) -> tuple[str, str]:
        feminin = self.rng.random() < 0.6
        return self.rng.choice(T.PRENOMS_F if feminin else T.PRENOMS_M), self.rng.choice(T.NOMS)

    def _compte(self, role: str, etablissement_id: int | None, prenom: str, nom: str, login: str | None = None):
        compte_id = self._id("compte")
        login = login or login_disponible(prenom, nom, self.logins)
        self.comptes.append((compte_id, login, self.hash, role, etablissement_id, nom, prenom, "", 1, 0, 0,
                             self.cree))
        return compte_id, login

    def _structure(self, ecrivain: _Ecrivain) -> list[_Division]:
        """Établissements, admins, teachers, divisions, organisations and tutors (small: written at once)."""
        rng = self.rng
        self.comptes: list[tuple] = []
        etabs, divisions, enseignants, liens, orgs, tuteurs = [], [], [], [], [], []
        for k, effectif in enumerate(repartir(self.n_eleves, self.k)):
            etab = _Etablissement(self._id("etablissement"),
                                  f"Lycée professionnel {NOMS_LYCEES[k % len(NOMS_LYCEES)]}"
                                  + (f" ({VILLES[k // len(NOMS_LYCEES) % len(VILLES)]})" if k >= len(NOMS_LYCEES)
                                     else ""))
            numero = 350000 + etab.id
            while f"{numero:07d}{'ABCDEFGHJK'[numero % 10]}" in self.uais:
                numero += 1
            uai = f"{numero:07d}{'ABCDEFGHJK'[numero % 10]}"
            self.uais.add(uai)
            etabs.append((etab.id, uai, etab.nom, 200, 12))
            _, login = self._compte("admin", etab.id, "Administration", etab.nom, f"admin.{uai.lower()}")
            self.bilan.comptes.setdefault("admin", login)
            divs_etab: list[_Division] = []
            for niveau, n in zip(NIVEAUX, repartir(effectif, 3)):
                for taille in repartir(n, math.ceil(n / ELEVES_PAR_DIVISION)) if n else []:
                    d = _Division(self._id("division"), etab, niveau, taille)
                    nom = f"{NIVEAUX[niveau][0]}GA{sum(x.niveau == niveau for x in divs_etab) + 1:02d}"
                    divisions.append((d.id, etab.id, nom, niveau, self.annee, referentiel.REFERENTIEL_PAR_DEFAUT))
                    divs_etab.append(d)
            # Two économie-gestion teachers and one lettres-histoire teacher per division, ~4 divisions each.
            nd = len(divs_etab)
            for discipline, nombre, par_division in (("Économie-gestion", max(1, math.ceil(nd / 2)), 2),
                                                     ("Lettres-histoire", max(1, math.ceil(nd / 4)), 1)):
                equipe = []
                for _ in range(nombre):
                    prenom, nom = self._nom()
                    compte_id, login = self._compte("enseignant", etab.id, prenom, nom)
                    self.bilan.comptes.setdefault("enseignant", login)
                    enseignant_id = self._id("enseignant")
                    enseignants.append((enseignant_id, compte_id, discipline))
                    equipe.append((enseignant_id, compte_id))
                for i, d in enumerate(divs_etab):
                    for j in sorted({(i + p) % nombre for p in range(par_division)}):
                        liens.append((equipe[j][0], d.id))
                        d.enseignants.append(equipe[j][1])
            for j in range(40):
                org_id, tuteur_id = self._id("organisation"), self._id("tuteur")
                if j < len(T.ORGANISATIONS):
                    nom, forme, effectif_org, secteur, ville, service, logiciel = T.ORGANISATIONS[j]
                else:
                    prefixe, secteur = rng.choice(SECTEURS)
                    nom, forme = f"{prefixe} {rng.choice(T.NOMS)}", rng.choice(FORMES)
                    effectif_org, ville = rng.randint(4, 120), rng.choice(VILLES)
                    service, logiciel = rng.choice(SERVICES), rng.choice(LOGICIELS)
                orgs.append((org_id, etab.id, nom, forme, secteur, ville))
                tp, tn = self._nom()
                tuteurs.append((tuteur_id, org_id, tn, tp, "", "Responsable du service"))
                contextes = (
                    f"Je suis {{poste}} dans l'entreprise {nom}, {forme} de {effectif_org} salariés spécialisée dans "
                    f"la {secteur}, à {ville}.",
                    f"Je suis actuellement en PFMP au sein de {nom} ({forme}, {secteur}) en qualité de {{poste}}. "
                    f"Je suis affecté·e auprès du service {service}.")
                etab.organisations.append((org_id, tuteur_id, nom, contextes, logiciel))
            self._divisions.extend(divs_etab)
        ecrivain.inserer("etablissement", ("id", "uai", "nom", "quota_pieces_jointes_mo", "conservation_mois"),
                         etabs)
        ecrivain.inserer("compte", COLONNES_COMPTE, self.comptes)
        ecrivain.inserer("division", ("id", "etablissement_id", "nom", "niveau", "annee_scolaire", "referentiel"),
                         divisions)
        ecrivain.inserer("enseignant", ("id", "compte_id", "discipline"), enseignants)
        ecrivain.inserer("enseignant_division", ("enseignant_id", "division_id"), liens)
        ecrivain.inserer("organisation", ("id", "etablissement_id", "nom", "forme", "secteur", "ville"), orgs)
        ecrivain.inserer("tuteur", ("id", "organisation_id", "nom", "prenom", "email", "fonction"), tuteurs)
        self.bilan.etablissements = len(etabs)
        self.bilan.divisions = len(divisions)
        self.bilan.enseignants = len(enseignants)
        return self._divisions

    # --- students, by lots --------------------------------------------------------------------------------------
    def generer(self) -> BilanAcademie:
        debut = time.perf_counter()
        self.hash = hacher(MOT_DE_PASSE)
        self.cree = _instant(dt.datetime.combine(dt.date(self.debut, 9, 1), dt.time(8, 0)))
        with self.engine.begin() as conn:
            if conn.scalar(text("SELECT count(*) FROM eleve")):
                raise AcademieNonVide()
            self._ids(conn)
            ecrivain = _Ecrivain(conn)
            sqlite = not ecrivain.postgres
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.exec_driver_sql("PRAGMA synchronous=OFF")
                conn.exec_driver_sql("PRAGMA cache_size=-262144")
            else:
                conn.exec_driver_sql("SET LOCAL synchronous_commit TO off")
            self._divisions: list[_Division] = []
            divisions = self._structure(ecrivain)
            lot: list[tuple[_Division, int]] = []
            for d in divisions:
                for _ in range(d.eleves):
                    lot.append((d, self._id("eleve")))
                    if len(lot) == ELEVES_PAR_LOT:
                        self._lot(ecrivain, lot)
                        lot = []
            if lot:
                self._lot(ecrivain, lot)
            if sqlite:
                problemes = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problemes:
                    raise RuntimeError(f"clés étrangères rompues après la génération : {problemes[:5]}")
            else:
                for table in TABLES_A_SEQUENCE:
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                         f"(SELECT max(id) FROM {table}))")
        if sqlite:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.exec_driver_sql("PRAGMA synchronous=FULL")
                conn.exec_driver_sql("ANALYZE")
        else:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        self.bilan.duree = time.perf_counter() - debut
        return self.bilan

    def _borne(self, x: dt.datetime, depuis: dt.datetime) -> dt.datetime:
        """``x``, or, when it would be after the present, an instant between ``depuis`` and the present."""
        if x <= self.instant:
            return x
        if depuis >= self.instant:
            return self.instant - dt.timedelta(seconds=int(self.rng.random() * 3600))
        return depuis + (self.instant - depuis) * self.rng.random()

    def _pfmps(self, eleve_id: int, etab: _Etablissement, annee_entree: int, fin_ord: int, pfmps: list) -> list:
        """The student's PFMP (four weeks; 2nde January, 1re November and March, Tle October and February); return
        those begun by ``fin_ord`` as (id, first day, last day written, organisation)."""
        passees = []
        limite = (self.aujourd_hui + dt.timedelta(days=120)).toordinal()
        for debut in (dt.date(annee_entree + 1, 1, 8), dt.date(annee_entree + 1, 11, 12),
                      dt.date(annee_entree + 2, 3, 12), dt.date(annee_entree + 2, 10, 1),
                      dt.date(annee_entree + 3, 2, 1)):
            debut += dt.timedelta(days=(7 - debut.weekday()) % 7)
            d = debut.toordinal()
            if d > limite:
                break
            org = etab.organisations[int(self.rng.random() * len(etab.organisations))]
            pfmp_id = self._id("pfmp")
            pfmps.append((pfmp_id, eleve_id, org[0], org[1], debut.isoformat(),
                          dt.date.fromordinal(d + 25).isoformat(), "", "", "{}", ""))
            if d <= fin_ord:
                passees.append((pfmp_id, d, min(d + 25, fin_ord) - d, org))
        return passees

    def _situations(self, n: int, bornes: tuple[int, int]) -> list[str]:
        """``n`` situation codes on a number of distinct ones drawn in ``bornes`` (weighted sampling without
        replacement, pôle 2 less lived)."""
        if n == 0:
            return []
        rng = self.rng
        poids = [(0.4 if c[0] == "2" else 1.0) * (0.3 + rng.random()) for c in self.codes]
        cles = sorted(((rng.random() ** (1 / w), c) for w, c in zip(poids, self.codes)), reverse=True)
        # Some situations lived twice or more even in a thin passport (at most 70 % distinct).
        distinctes = [c for _, c in cles[:min(max(1, round(n * 0.7)), rng.randint(*bornes))]]
        return distinctes + rng.choices(distinctes, k=n - len(distinctes))

    def _lot(self, ecrivain: _Ecrivain, lot: list[tuple[_Division, int]]) -> None:
        rng, alea = self.rng, self.rng.random
        jour_iso = lambda o: dt.date.fromordinal(o).isoformat()  # noqa: E731
        un_jour, aujourd_hui_ord = dt.timedelta(days=1), self.aujourd_hui.toordinal()
        comptes, eleves, pfmps, fiches, versions, positions = [], [], [], [], [], []
        prochaine_fiche, prochaine_version = self.prochain["fiche"], self.prochain["fiche_version"]
        prochain_positionnement = self.prochain["positionnement"]
        for d, eleve_id in lot:
            etab = d.etablissement
            _, faites, part, bornes = NIVEAUX[d.niveau]
            feminin = alea() < 0.6
            prenom, nom = rng.choice(T.PRENOMS_F if feminin else T.PRENOMS_M), rng.choice(T.NOMS)
            compte_id = self._id("compte")
            login = login_disponible(prenom, nom, self.logins)
            self.bilan.comptes.setdefault("eleve", login)
            comptes.append((compte_id, login, self.hash, "eleve", etab.id, nom, prenom, "", 1, 0, 0, self.cree))
            eleves.append((eleve_id, compte_id, f"GEN{eleve_id:07d}", d.id))
            annee_entree = self.debut - faites
            entree_ord = dt.date(annee_entree, 9, 8).toordinal()
            fin_ord = aujourd_hui_ord - 1
            etendue = fin_ord - entree_ord
            if alea() < PART_SILENCIEUX:  # stopped writing after the first third of their time
                etendue //= 3
            if etendue < 0:  # the very first days of the year: everything on the day before
                entree_ord, etendue = fin_ord, 0
            fin_ord = entree_ord + etendue
            passees = self._pfmps(eleve_id, etab, annee_entree, fin_ord, pfmps)
            poste = rng.choice(T.POSTES)[0 if feminin else 1]
            n = round(self.m * part)
            lignes_fiches, meilleures = [], {}
            for i, code in enumerate(self._situations(n, bornes)):
                jour = entree_ord + int(alea() * (etendue + 1))
                r, pfmp_id = alea(), None
                if code[0] == "4":
                    lieu, nature = ("projet" if r < 0.8 else "etablissement"), "reelle"
                elif passees and r < 0.35:
                    lieu, nature = "pfmp", "reelle"
                    pfmp_id, debut_pfmp, duree, org = passees[int(alea() * len(passees))]
                    jour = debut_pfmp + int(alea() * (duree + 1))
                elif r < 0.75:
                    lieu, nature = "etablissement", ("simulee" if alea() < 0.85 else "reelle")
                elif r < 0.9:
                    lieu, nature = "services_eple", "reelle"
                elif r < 0.95:
                    lieu, nature = "projet", "reelle"
                else:
                    lieu, nature = "hors_formation", "reelle"
                if lieu == "pfmp":
                    organisation, contexte = org[2], org[3][alea() < 0.5].format(poste=poste)
                elif lieu == "etablissement":
                    organisation = "Bureau Plus (entreprise pédagogique)"
                    contexte = self.contextes_classe[int(alea() * len(self.contextes_classe))]
                elif lieu == "services_eple":
                    service, contexte = self.contextes_eple[int(alea() * len(self.contextes_eple))]
                    organisation = f"{etab.nom} – {service}"
                elif lieu == "projet":
                    organisation = etab.nom
                    contexte = self.contextes_projet[int(alea() * len(self.contextes_projet))]
                else:
                    organisation, contexte = self.contextes_hors[int(alea() * len(self.contextes_hors))]
                t = min(1.0, (jour - entree_ord) / 1095)
                r = alea()
                complexite = 3 if r < 0.55 * t - 0.05 else 2 if r < 0.15 + 0.75 * t else 1
                r = alea()
                aleas = 2 if r < 0.4 * t - 0.05 else 1 if r < 0.1 + 0.6 * t else 0
                facteurs, types_aleas = self.details[code]
                k = int(alea() * 7)
                details_c = "|".join(facteurs[(k + j) % len(facteurs)] for j in range(min(len(facteurs),
                                                                                          complexite - 1)))
                details_a = [types_aleas[(k + j) % len(types_aleas)] for j in range(min(len(types_aleas), aleas))]
                demarches = self.demarches[code]
                demarche = demarches[int(alea() * len(demarches))]
                if details_a:
                    demarche += (f"\nDifficulté rencontrée : {details_a[0].lower()}. "
                                 + self.alea_traitements[int(alea() * len(self.alea_traitements))])
                titres = self.titres[code]
                titre = titres[int(alea() * len(titres))]
                if pfmp_id is not None and alea() < 0.5:
                    titre = f"{titre} chez {organisation}"
                conditions = self.conditions[code][int(alea() * len(self.conditions[code]))]
                r = alea()
                duree = 0 if r < 0.5 else 1 if r < 0.7 else 3 if r < 0.85 else None
                date_fin = None if duree is None else min(jour + duree, aujourd_hui_ord)
                soir = dt.datetime.fromordinal(date_fin or jour) + dt.timedelta(hours=17.5)
                cree = self._borne(soir + dt.timedelta(seconds=int(alea() * 518400)), soir)
                fiche_id = prochaine_fiche
                prochaine_fiche += 1
                contenu = [prochaine_version, fiche_id, 1, code, titre, jour_iso(jour),
                           None if date_fin is None else jour_iso(date_fin), lieu, nature, organisation, contexte,
                           conditions, demarche, self.productions[code], complexite, details_c, aleas,
                           "|".join(details_a), compte_id, _instant(cree)]
                versions.append(tuple(contenu))
                prochaine_version += 1
                premiere, derniere = cree, cree
                if i % 10 == 3:  # the student came back to complete it
                    derniere = self._borne(cree + dt.timedelta(days=1 + int(alea() * 20)), cree)
                    contenu[0], contenu[2], contenu[19] = prochaine_version, 2, _instant(derniere)
                    contenu[12] = demarche + T.AJOUTS_VERSION[int(alea() * len(T.AJOUTS_VERSION))]
                    versions.append(tuple(contenu))
                    prochaine_version += 1
                supprimee = None
                if alea() < PART_SUPPRIMEES:
                    derniere = self._borne(derniere + dt.timedelta(hours=1), derniere)
                    supprimee = _instant(derniere)
                    self.bilan.supprimees += 1
                else:
                    score, _, nombre = meilleures.get(code, (-1, 0, 0))
                    if complexite + aleas > score:
                        meilleures[code] = (complexite + aleas, len(lignes_fiches), nombre + 1)
                    else:
                        meilleures[code] = (score, _, nombre + 1)
                lignes_fiches.append([fiche_id, eleve_id, contenu[2], code, 0, pfmp_id, 0, _instant(premiere),
                                      _instant(derniere), supprimee])
                if faites and alea() < PART_POSITIONNEES and d.enseignants:
                    niveau = min(4, max(1, complexite + (1 if aleas else 0) + (-1, 0, 0, 1)[int(alea() * 4)]))
                    positions.append((prochain_positionnement, fiche_id,
                                      d.enseignants[int(alea() * len(d.enseignants))], niveau, "",
                                      _instant(self._borne(cree + dt.timedelta(days=5), cree))))
                    prochain_positionnement += 1
            if faites:  # from 1re on, the best of a situation lived twice or more is often retained
                for _, rang, nombre in meilleures.values():
                    if nombre >= 2 and alea() < 0.3:
                        lignes_fiches[rang][4] = 1
                        self.bilan.retenues += 1
            fiches.extend(lignes_fiches)
        self.prochain.update(fiche=prochaine_fiche, fiche_version=prochaine_version,
                             positionnement=prochain_positionnement)
        ecrivain.inserer("compte", COLONNES_COMPTE, comptes)
        ecrivain.inserer("eleve", ("id", "compte_id", "identifiant", "division_id"), eleves)
        ecrivain.inserer("pfmp", COLONNES_PFMP, pfmps)
        ecrivain.inserer("fiche", COLONNES_FICHE, fiches)
        ecrivain.inserer("fiche_version", COLONNES_VERSION, versions)
        ecrivain.inserer("positionnement", ("id", "fiche_id", "enseignant_id", "niveau", "commentaire", "cree_le"),
                         positions)
        self.bilan.eleves += len(eleves)
        self.bilan.fiches += len(fiches)
        self.bilan.versions += len(versions)
        self.bilan.positionnements += len(positions)
        self.bilan.pfmp += len(pfmps)


def generer_academie(engine: Engine, eleves: int, fiches_par_eleve: int = FICHES_PAR_ELEVE,
                     etablissements: int | None = None, graine: int = GRAINE_PAR_DEFAUT,
                     aujourd_hui: dt.date | None = None) -> BilanAcademie:
    """Create or upgrade the schema, then fill the store (which must have no student) with a generated académie.

    Raises ``AcademieNonVide`` when students are already there, ``ValueError`` (French message) on bad sizes.
    The change-log triggers are suspended during the load; afterwards the log restarts (new generation), so that
    every analytics copy rebuilds."""
    if eleves < 1:
        raise ValueError("Le nombre d'élèves doit être au moins 1.")
    if fiches_par_eleve < 0:
        raise ValueError("Le nombre de fiches par élève ne peut pas être négatif.")
    etablissements = etablissements or max(1, eleves // ELEVES_PAR_ETABLISSEMENT)
    if not 1 <= etablissements <= eleves:
        raise ValueError("Le nombre d'établissements doit être entre 1 et le nombre d'élèves.")
    initialiser(engine)
    generateur = _Generateur(engine, eleves, fiches_par_eleve, etablissements, graine,
                             aujourd_hui or dt.date.today())
    with engine.connect() as conn:
        if conn.scalar(text("SELECT count(*) FROM eleve")):
            raise AcademieNonVide()
    with engine.begin() as conn:
        changements.suspendre_declencheurs(conn)
    try:
        return generateur.generer()
    finally:
        with engine.begin() as conn:
            changements.retablir_declencheurs(conn)
            changements.repartir(conn)
