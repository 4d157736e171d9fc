"""SQLAlchemy 2 typed models of the store.

Fiches are append-only: a ``Fiche`` holds the identity and state of one lived situation, each save appends a
``FicheVersion`` with the whole text, and the current fiche is the version whose ``numero`` equals
``Fiche.version_courante``. Deleting sets ``supprimee_le``; nothing written by a student is ever overwritten.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false as sa_false,
    text,
)
from sqlalchemy import event, inspect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.orm import Session as OrmSession

# Stable constraint names so that Alembic migrations are identical on SQLite and PostgreSQL.
CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=CONVENTION)


def maintenant() -> dt.datetime:
    """Current UTC time, naive (stored as UTC in both databases)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Role(enum.StrEnum):
    ELEVE = "eleve"
    ENSEIGNANT = "enseignant"
    TUTEUR = "tuteur"
    ADMIN = "admin"


class Lieu(enum.StrEnum):
    ETABLISSEMENT = "etablissement"
    SERVICES_EPLE = "services_eple"
    PROJET = "projet"
    PFMP = "pfmp"
    HORS_FORMATION = "hors_formation"


class Nature(enum.StrEnum):
    REELLE = "reelle"
    SIMULEE = "simulee"


class Niveau(enum.StrEnum):
    SECONDE = "2nde"
    PREMIERE = "1re"
    TERMINALE = "Tle"


# Closed lists the database enforces (CHECK constraints built from these, see ``dans``): the single source.
NIVEAUX_COMPLEXITE = (1, 2, 3)  # 1 situation courante · 2 un facteur de complexité · 3 plusieurs facteurs
NIVEAUX_ALEAS = (0, 1, 2)  # 0 aucun · 1 un aléa rencontré et traité · 2 plusieurs aléas
GENRES_APPRECIATION = ("", "complexite", "alea", "mise_en_mots")  # "" : générale
ORIGINES_APPRECIATION = ("enseignant", "tuteur")
MOTIFS_OBJECTIF = ("", "jamais_traversee", "une_seule_fois", "sans_complexite_ni_alea", "seulement_simulee")
ORIGINES_EXTRAIT = ("choix", "pole", "offre")
TYPES_LISTE = ("donnee", "complexite", "alea")  # the lines of a situation card (ga-2012-complexite-aleas.csv)
ACTIONS_LISTE = ("ajout", "modification", "suppression", "import")


def dans(colonne: str, valeurs: tuple) -> str:
    """The SQL condition ``colonne`` is one of ``valeurs`` (fixed words or integers of the lists above)."""
    if all(isinstance(v, int) for v in valeurs) and tuple(valeurs) == tuple(range(min(valeurs), max(valeurs) + 1)):
        return f"{colonne} BETWEEN {min(valeurs)} AND {max(valeurs)}"
    if not all(isinstance(v, str) and "'" not in v for v in valeurs):
        raise ValueError(f"liste fermée mal écrite pour {colonne} : {valeurs!r}")
    return f"{colonne} IN ({', '.join(repr(v) for v in valeurs)})"


def _enum(cls: type[enum.Enum], nom: str) -> Enum:
    # Stored as plain strings with a CHECK constraint: readable in SQL and in the Arrow snapshot.
    return Enum(cls, name=nom, native_enum=False, create_constraint=True, length=20,
                values_callable=lambda e: [m.value for m in e])


class Etablissement(Base):
    __tablename__ = "etablissement"

    id: Mapped[int] = mapped_column(primary_key=True)
    uai: Mapped[str] = mapped_column(String(8), unique=True)
    nom: Mapped[str] = mapped_column(String(200))
    quota_pieces_jointes_mo: Mapped[int] = mapped_column(Integer, default=200)
    # How long a former student's account is kept after they left (Eleve.sorti_le), then purged: see conservation.py.
    conservation_mois: Mapped[int] = mapped_column(Integer, default=12, server_default="12")

    divisions: Mapped[list[Division]] = relationship(back_populates="etablissement")


class Compte(Base):
    """A sign-in account; exactly one role."""

    __tablename__ = "compte"
    # A unique index, not a constraint: adding it rebuilds no table (SQLite would lose the table's triggers).
    __table_args__ = (Index("uq_compte_id_externe", "etablissement_id", "id_externe", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(120), unique=True)
    # None: no password yet (the account cannot sign in until one is set).
    mot_de_passe_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    etablissement_id: Mapped[int | None] = mapped_column(ForeignKey("etablissement.id"), index=True)
    nom: Mapped[str] = mapped_column(String(120), default="")
    prenom: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    actif: Mapped[bool] = mapped_column(Boolean, default=True)
    doit_changer_mot_de_passe: Mapped[bool] = mapped_column(Boolean, default=False)
    echecs_connexion: Mapped[int] = mapped_column(Integer, default=0)
    bloque_jusqua: Mapped[dt.datetime | None] = mapped_column(DateTime)
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    # A teacher's last "tout marquer comme lu" in the Nouveautés inbox (None: since the account was created).
    nouveautes_vues_le: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The person's number in the school's information system, prefixed by its source (« siecle:4512 »,
    # « sts:1234 »): the next import finds the same account, never a namesake. Unique within the school.
    id_externe: Mapped[str | None] = mapped_column(String(60))

    etablissement: Mapped[Etablissement | None] = relationship()

    @property
    def nom_complet(self) -> str:
        return f"{self.prenom} {self.nom}".strip() or self.login


class SessionUtilisateur(Base):
    """A signed-in browser: the cookie holds a random token, the database only its SHA-256."""

    __tablename__ = "session_utilisateur"

    id: Mapped[int] = mapped_column(primary_key=True)
    jeton_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    compte_id: Mapped[int] = mapped_column(ForeignKey("compte.id"), index=True)
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    vue_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    fermee_le: Mapped[dt.datetime | None] = mapped_column(DateTime)


class CompteurEchecs(Base):
    """Failures on one key (a login, a device, a shared link), counted in the database so that every app instance
    shares them (passeport.limites); the key holds a hash, never a typed login or an address in clear."""

    __tablename__ = "compteur_echecs"

    cle: Mapped[str] = mapped_column(String(80), primary_key=True)
    echecs: Mapped[int] = mapped_column(Integer, default=0)
    dernier_le: Mapped[dt.datetime] = mapped_column(DateTime)
    # None: the next try is free; else no try is checked (nor counted) before this time.
    attente_jusqua: Mapped[dt.datetime | None] = mapped_column(DateTime)


enseignant_division = Table(
    "enseignant_division",
    Base.metadata,
    Column("enseignant_id", ForeignKey("enseignant.id", ondelete="CASCADE"), primary_key=True),
    Column("division_id", ForeignKey("division.id", ondelete="CASCADE"), primary_key=True),
)


class Division(Base):
    __tablename__ = "division"
    __table_args__ = (UniqueConstraint("etablissement_id", "nom", "annee_scolaire"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    etablissement_id: Mapped[int] = mapped_column(ForeignKey("etablissement.id"), index=True)
    nom: Mapped[str] = mapped_column(String(40))
    niveau: Mapped[Niveau] = mapped_column(_enum(Niveau, "niveau"))
    annee_scolaire: Mapped[str] = mapped_column(String(9))  # "2026-2027"
    referentiel: Mapped[str] = mapped_column(String(40), default="ga-2012")

    etablissement: Mapped[Etablissement] = relationship(back_populates="divisions")
    eleves: Mapped[list[Eleve]] = relationship(back_populates="division")
    enseignants: Mapped[list[Enseignant]] = relationship(
        secondary=enseignant_division, back_populates="divisions"
    )


class Eleve(Base):
    __tablename__ = "eleve"

    id: Mapped[int] = mapped_column(primary_key=True)
    compte_id: Mapped[int] = mapped_column(ForeignKey("compte.id"), unique=True)
    # The identifiant of the school's information system (INE or local number), used by imports.
    identifiant: Mapped[str] = mapped_column(String(40), unique=True)
    division_id: Mapped[int] = mapped_column(ForeignKey("division.id"), index=True)
    # The day the student left the school: the account stays, read-only, so that they can take their passport.
    sorti_le: Mapped[dt.date | None] = mapped_column(Date)

    compte: Mapped[Compte] = relationship()
    division: Mapped[Division] = relationship(back_populates="eleves")


class DivisionPassee(Base):
    """A division a student was in before: written by a database trigger whenever ``eleve.division_id`` changes
    (imports, moves, rentrée), whoever writes. Last year's divisions stay readable with the students they had."""

    __tablename__ = "division_passee"

    id: Mapped[int] = mapped_column(primary_key=True)
    eleve_id: Mapped[int] = mapped_column(ForeignKey("eleve.id", ondelete="CASCADE"), index=True)
    division_id: Mapped[int] = mapped_column(ForeignKey("division.id", ondelete="CASCADE"), index=True)
    quittee_le: Mapped[dt.datetime] = mapped_column(DateTime)


class Enseignant(Base):
    __tablename__ = "enseignant"

    id: Mapped[int] = mapped_column(primary_key=True)
    compte_id: Mapped[int] = mapped_column(ForeignKey("compte.id"), unique=True)
    discipline: Mapped[str] = mapped_column(String(80), default="")

    compte: Mapped[Compte] = relationship()
    divisions: Mapped[list[Division]] = relationship(
        secondary=enseignant_division, back_populates="enseignants"
    )


class Organisation(Base):
    """A company, administration or association hosting PFMP (or named in fiches)."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    etablissement_id: Mapped[int | None] = mapped_column(ForeignKey("etablissement.id"), index=True)
    nom: Mapped[str] = mapped_column(String(200))
    forme: Mapped[str] = mapped_column(String(80), default="")  # SARL, association, mairie…
    secteur: Mapped[str] = mapped_column(String(120), default="")
    ville: Mapped[str] = mapped_column(String(120), default="")


class Tuteur(Base):
    """A workplace tutor; the account is optional (tutors mostly come through a link)."""

    __tablename__ = "tuteur"

    id: Mapped[int] = mapped_column(primary_key=True)
    compte_id: Mapped[int | None] = mapped_column(ForeignKey("compte.id"), unique=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    nom: Mapped[str] = mapped_column(String(120))
    prenom: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    fonction: Mapped[str] = mapped_column(String(120), default="")

    compte: Mapped[Compte | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class Pfmp(Base):
    __tablename__ = "pfmp"
    __table_args__ = (CheckConstraint("date_fin >= date_debut", name="dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    eleve_id: Mapped[int] = mapped_column(ForeignKey("eleve.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    tuteur_id: Mapped[int | None] = mapped_column(ForeignKey("tuteur.id"), index=True)
    date_debut: Mapped[dt.date] = mapped_column(Date)
    date_fin: Mapped[dt.date] = mapped_column(Date)
    objectifs: Mapped[str] = mapped_column(Text, default="")
    bilan_tuteur: Mapped[str] = mapped_column(Text, default="")
    # The tutor's positioning on the situations lived: JSON {"1.1.2": 3, …}, levels 1–4 as for teachers.
    bilan_situations: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    bilan_le: Mapped[dt.datetime | None] = mapped_column(DateTime)
    bilan_par: Mapped[str] = mapped_column(String(200), default="", server_default="")  # the tutor's name
    # The tutor's link (lien_tuteur.id) that wrote the report; no foreign key: lien_tuteur already points here.
    bilan_lien_id: Mapped[int | None] = mapped_column(Integer)

    eleve: Mapped[Eleve] = relationship()
    organisation: Mapped[Organisation] = relationship()
    tuteur: Mapped[Tuteur | None] = relationship()


class ObjectifPfmp(Base):
    """One goal of a PFMP set by a teacher: a situation to live there, why, where others lived it, a word of advice.

    Suggested by the cockpit (DESIGN.md rules), edited by the teacher; the student and the tutor read them."""

    __tablename__ = "objectif_pfmp"
    __table_args__ = (UniqueConstraint("pfmp_id", "situation"),
                      CheckConstraint(dans("motif", MOTIFS_OBJECTIF), name="motif"))

    id: Mapped[int] = mapped_column(primary_key=True)
    pfmp_id: Mapped[int] = mapped_column(ForeignKey("pfmp.id"), index=True)
    rang: Mapped[int] = mapped_column(Integer)
    situation: Mapped[str] = mapped_column(String(20))
    # The rule's reason (jamais_traversee …), or "" for a situation the teacher added.
    motif: Mapped[str] = mapped_column(String(40), default="")
    consigne: Mapped[str] = mapped_column(Text, default="")
    organisations: Mapped[str] = mapped_column(Text, default="")  # "|"-separated, as in the goals export
    cree_par_id: Mapped[int] = mapped_column(ForeignKey("compte.id"))
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    vu_le: Mapped[dt.datetime | None] = mapped_column(DateTime)  # read by the student (their Nouveautés)


class LienTuteur(Base):
    """A tutor's access to one PFMP through a link: the token is in the link, only its SHA-256 here."""

    __tablename__ = "lien_tuteur"

    id: Mapped[int] = mapped_column(primary_key=True)
    pfmp_id: Mapped[int] = mapped_column(ForeignKey("pfmp.id"), index=True)
    jeton_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    cree_par_id: Mapped[int] = mapped_column(ForeignKey("compte.id"))
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    expire_le: Mapped[dt.datetime] = mapped_column(DateTime)
    revoque_le: Mapped[dt.datetime | None] = mapped_column(DateTime)
    nom_tuteur: Mapped[str] = mapped_column(String(200), default="")  # given by the tutor at first use

    pfmp: Mapped[Pfmp] = relationship()


class Fiche(Base):
    __tablename__ = "fiche"
    __table_args__ = (
        # At most one retained fiche per student and situation (bin fiches are never retained: see fiches.py).
        Index("uq_fiche_retenue", "eleve_id", "situation", unique=True,
              sqlite_where=text("retenue"), postgresql_where=text("retenue")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    eleve_id: Mapped[int] = mapped_column(ForeignKey("eleve.id"), index=True)
    version_courante: Mapped[int] = mapped_column(Integer, default=1)
    # The situation of the current version, kept here for the unique index above (set before every flush).
    situation: Mapped[str] = mapped_column(String(20), default="", server_default="")
    retenue: Mapped[bool] = mapped_column(Boolean, default=False)
    pfmp_id: Mapped[int | None] = mapped_column(ForeignKey("pfmp.id"), index=True)
    # The PFMP whose tutor the student also shows this fiche to (one PFMP, never every tutor); None: not shared.
    partagee_pfmp_id: Mapped[int | None] = mapped_column(ForeignKey("pfmp.id"), index=True)
    # Whether the fiche was the retained one when it went to the bin: restoring gives the mark back if still free.
    retenue_avant_corbeille: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    # Bumped on every change (new version, delete, restore, retenue): the analytics' change stamp.
    modifiee_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant, index=True)
    supprimee_le: Mapped[dt.datetime | None] = mapped_column(DateTime)

    eleve: Mapped[Eleve] = relationship()
    pfmp: Mapped[Pfmp | None] = relationship(foreign_keys=[pfmp_id])
    partagee_pfmp: Mapped[Pfmp | None] = relationship(foreign_keys=[partagee_pfmp_id])
    versions: Mapped[list[FicheVersion]] = relationship(
        back_populates="fiche", order_by="FicheVersion.numero", cascade="all, delete-orphan"
    )

    @property
    def partagee_tuteur(self) -> bool:
        """Shown to the tutor of one of the student's PFMP (``partagee_pfmp_id``)."""
        return self.partagee_pfmp_id is not None

    @property
    def courante(self) -> FicheVersion:
        return next(v for v in reversed(self.versions) if v.numero == self.version_courante)


class FicheVersion(Base):
    """One saved state of a fiche: every field of the fiches interchange format but ``eleve`` and ``retenue``."""

    __tablename__ = "fiche_version"
    __table_args__ = (
        UniqueConstraint("fiche_id", "numero"),
        CheckConstraint(dans("complexite", NIVEAUX_COMPLEXITE), name="complexite"),
        CheckConstraint(dans("aleas", NIVEAUX_ALEAS), name="aleas"),
        CheckConstraint("date_fin IS NULL OR date_fin >= date_debut", name="dates"),
        Index("ix_fiche_version_situation", "situation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche.id", ondelete="CASCADE"))
    numero: Mapped[int] = mapped_column(Integer)
    situation: Mapped[str] = mapped_column(String(20))
    titre: Mapped[str] = mapped_column(Text, default="")
    date_debut: Mapped[dt.date] = mapped_column(Date)
    date_fin: Mapped[dt.date | None] = mapped_column(Date)
    lieu: Mapped[Lieu] = mapped_column(_enum(Lieu, "lieu"))
    nature: Mapped[Nature] = mapped_column(_enum(Nature, "nature"))
    organisation: Mapped[str] = mapped_column(Text, default="")
    contexte: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    demarche: Mapped[str] = mapped_column(Text, default="")
    productions: Mapped[str] = mapped_column(Text, default="")
    complexite: Mapped[int] = mapped_column(Integer)
    # Kept exactly as written ("item|item"): the interchange format round-trips byte for byte.
    complexite_details: Mapped[str] = mapped_column(Text, default="")
    aleas: Mapped[int] = mapped_column(Integer)
    aleas_details: Mapped[str] = mapped_column(Text, default="")
    auteur_id: Mapped[int | None] = mapped_column(ForeignKey("compte.id"))
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)

    fiche: Mapped[Fiche] = relationship(back_populates="versions")
    auteur: Mapped[Compte | None] = relationship()


@event.listens_for(OrmSession, "before_flush")
def _situation_de_la_version_courante(session: OrmSession, _contexte, _instances) -> None:
    """Keep ``Fiche.situation`` equal to the current version's situation on every ORM path (services, imports,
    reimport, demo, tests): a new fiche, a new version, or a change of ``version_courante``."""
    fiches = {id(o): o for o in session.new if isinstance(o, Fiche)}
    for objet in session.new:
        if isinstance(objet, FicheVersion) and objet.fiche is not None:
            fiches[id(objet.fiche)] = objet.fiche
    for objet in session.dirty:
        if isinstance(objet, Fiche) and inspect(objet).attrs.version_courante.history.has_changes():
            fiches[id(objet)] = objet
    for fiche in fiches.values():
        numero = 1 if fiche.version_courante is None else fiche.version_courante  # the column's default
        courante = next((v for v in fiche.versions if v.numero == numero), None)
        if courante is not None and fiche.situation != courante.situation:
            fiche.situation = courante.situation


class Brouillon(Base):
    """What a student is writing and has not published yet: never shown to anyone else, never counted anywhere.

    ``cle`` is a random key given by the page (it is in the page's address, so a reload or a new tab finds the
    draft again); the browser posts the text being typed under that key. ``contenu`` holds the form's fields as
    JSON (see services/brouillons.py). A draft of an existing fiche points to it: one draft per fiche at most.
    ``horodatage_client`` is the browser's clock (ms) of the last text it sent: an older post arriving late is
    ignored instead of overwriting newer text. A published or discarded draft is closed (``ferme_le``, its text
    emptied, its fiche unlinked) rather than deleted at once, so that a late post from the browser cannot bring
    it back; closed drafts are purged after a week.
    """

    __tablename__ = "brouillon"
    __table_args__ = (CheckConstraint("revision >= 1", name="revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    eleve_id: Mapped[int] = mapped_column(ForeignKey("eleve.id"), index=True)
    cle: Mapped[str] = mapped_column(String(64), unique=True)
    fiche_id: Mapped[int | None] = mapped_column(ForeignKey("fiche.id"), unique=True)
    version_base: Mapped[int | None] = mapped_column(Integer)
    contenu: Mapped[str] = mapped_column(Text, default="{}")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    horodatage_client: Mapped[int | None] = mapped_column(BigInteger)
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    modifie_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    ferme_le: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ContexteReutilisable(Base):
    """A student's saved context (organisation, service, post, context, conditions) to prefill new fiches."""

    __tablename__ = "contexte_reutilisable"

    id: Mapped[int] = mapped_column(primary_key=True)
    eleve_id: Mapped[int] = mapped_column(ForeignKey("eleve.id"), index=True)
    nom: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(Text, default="")
    service: Mapped[str] = mapped_column(Text, default="")
    poste: Mapped[str] = mapped_column(Text, default="")
    contexte: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    supprime_le: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Appreciation(Base):
    """Written feedback by a teacher or tutor on one fiche, or on the whole passport (fiche_id empty).

    ``texte`` is the current text; every text ever saved is an ``AppreciationVersion``. The author may correct it
    for 15 minutes, then only follow it with another appréciation (``suite_de_id``). Nobody deletes one; its author
    may withdraw it within the same 15 minutes (``retiree_le``), and the versions stay."""

    __tablename__ = "appreciation"
    __table_args__ = (CheckConstraint(dans("genre", GENRES_APPRECIATION), name="genre"),
                      CheckConstraint(dans("origine", ORIGINES_APPRECIATION), name="origine"))

    id: Mapped[int] = mapped_column(primary_key=True)
    eleve_id: Mapped[int] = mapped_column(ForeignKey("eleve.id"), index=True)
    fiche_id: Mapped[int | None] = mapped_column(ForeignKey("fiche.id"), index=True)
    auteur_id: Mapped[int | None] = mapped_column(ForeignKey("compte.id"))
    # A tutor coming through a link has no account: the name they gave is kept here, and the link identifies
    # them as the author (for the 15 minutes of correction).
    auteur_nom: Mapped[str] = mapped_column(String(200), default="")
    lien_tuteur_id: Mapped[int | None] = mapped_column(ForeignKey("lien_tuteur.id"))
    texte: Mapped[str] = mapped_column(Text)
    # "enseignant" or "tuteur" (written from the workplace).
    origine: Mapped[str] = mapped_column(String(20), default="enseignant", server_default="enseignant")
    # What it guides the student towards: "complexite", "alea", "mise_en_mots", or "" (general).
    genre: Mapped[str] = mapped_column(String(20), default="", server_default="")
    suite_de_id: Mapped[int | None] = mapped_column(ForeignKey("appreciation.id"))
    version_courante: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    modifiee_le: Mapped[dt.datetime | None] = mapped_column(DateTime)
    retiree_le: Mapped[dt.datetime | None] = mapped_column(DateTime)
    lue_le: Mapped[dt.datetime | None] = mapped_column(DateTime)

    versions: Mapped[list[AppreciationVersion]] = relationship(
        order_by="AppreciationVersion.numero", cascade="all, delete-orphan")


class AppreciationVersion(Base):
    """One saved text of an appréciation: nothing written to a student is ever lost."""

    __tablename__ = "appreciation_version"
    __table_args__ = (UniqueConstraint("appreciation_id", "numero"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appreciation_id: Mapped[int] = mapped_column(ForeignKey("appreciation.id", ondelete="CASCADE"), index=True)
    numero: Mapped[int] = mapped_column(Integer)
    texte: Mapped[str] = mapped_column(Text)
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)


class Formulation(Base):
    """A reusable sentence of a teacher's library, for one situation ("" = any) and one kind of guidance."""

    __tablename__ = "formulation"
    __table_args__ = (CheckConstraint(dans("genre", GENRES_APPRECIATION[1:]), name="genre"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    compte_id: Mapped[int] = mapped_column(ForeignKey("compte.id"), index=True)
    situation: Mapped[str] = mapped_column(String(20), default="")
    genre: Mapped[str] = mapped_column(String(20))
    texte: Mapped[str] = mapped_column(Text)
    utilisations: Mapped[int] = mapped_column(Integer, default=0)
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    retiree_le: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Questionnement(Base):
    """An oral explicitation: which questions of the guide a teacher asked on a fiche, and what the student added."""

    __tablename__ = "questionnement"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)  # the fiche's version the questions were asked on
    enseignant_id: Mapped[int] = mapped_column(ForeignKey("compte.id"))
    questions: Mapped[str] = mapped_column(Text, default="")  # codes of the guide, "|"-separated
    ajout: Mapped[str] = mapped_column(Text, default="")  # what the student said or added afterwards
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)


class LectureFiche(Base):
    """The version of a fiche a teacher has marked as read in their Nouveautés."""

    __tablename__ = "lecture_fiche"
    __table_args__ = (UniqueConstraint("compte_id", "fiche_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    compte_id: Mapped[int] = mapped_column(ForeignKey("compte.id"), index=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche.id"))
    version_lue: Mapped[int] = mapped_column(Integer)
    lue_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)


class Positionnement(Base):
    """A teacher's level on a fiche (1 à reprendre · 2 en cours · 3 acquis · 4 maîtrisé); the latest counts."""

    __tablename__ = "positionnement"
    __table_args__ = (CheckConstraint("niveau BETWEEN 1 AND 4", name="niveau"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche.id"), index=True)
    enseignant_id: Mapped[int] = mapped_column(ForeignKey("compte.id"))
    niveau: Mapped[int] = mapped_column(Integer)
    commentaire: Mapped[str] = mapped_column(Text, default="")
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)


class PieceJointe(Base):
    """Metadata of an attached production; the content is data/pieces/<sha256>."""

    __tablename__ = "piece_jointe"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche.id"), index=True)
    nom: Mapped[str] = mapped_column(String(255))
    type_mime: Mapped[str] = mapped_column(String(120))
    taille: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    supprimee_le: Mapped[dt.datetime | None] = mapped_column(DateTime)


class EvenementAudit(Base):
    """Who did or read what, when: the access journal."""

    __tablename__ = "evenement_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    compte_id: Mapped[int | None] = mapped_column(ForeignKey("compte.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="")
    action: Mapped[str] = mapped_column(String(60))
    objet_type: Mapped[str] = mapped_column(String(40), default="")
    objet_id: Mapped[int | None] = mapped_column(Integer)
    eleve_id: Mapped[int | None] = mapped_column(ForeignKey("eleve.id"), index=True)
    details: Mapped[str] = mapped_column(Text, default="")
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    # The client's address for sign-ins and openings of a shared link (None for the other events).
    adresse: Mapped[str | None] = mapped_column(String(64))


# --- what comes out of the passport: extracts, CCF ------------------------------------------------------------------


class Extrait(Base):
    """Fiches a student chose to show (CV, job interview, PFMP negotiation): a short PDF and/or a read-only link.

    As for tutors' links, the token is only in the link; the database keeps its SHA-256 (empty: no link yet)."""

    __tablename__ = "extrait"
    __table_args__ = (CheckConstraint(dans("origine", ORIGINES_EXTRAIT), name="origine"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    eleve_id: Mapped[int] = mapped_column(ForeignKey("eleve.id"), index=True)
    titre: Mapped[str] = mapped_column(String(200), default="")
    # How the fiches were chosen: "choix", "pole" or "offre" (the pasted offer is kept in ``offre``).
    origine: Mapped[str] = mapped_column(String(20), default="choix")
    offre: Mapped[str] = mapped_column(Text, default="")
    jeton_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    expire_le: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoque_le: Mapped[dt.datetime | None] = mapped_column(DateTime)
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)

    fiches: Mapped[list[ExtraitFiche]] = relationship(order_by="ExtraitFiche.rang", cascade="all, delete-orphan")


class ExtraitFiche(Base):
    __tablename__ = "extrait_fiche"

    extrait_id: Mapped[int] = mapped_column(ForeignKey("extrait.id", ondelete="CASCADE"), primary_key=True)
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche.id"), primary_key=True)
    rang: Mapped[int] = mapped_column(Integer, default=0)


class EpreuveLocale(Base):
    """A CCF épreuve entered by a school's team (AGORA's are not in referentiels/epreuves.csv).

    ``poles``: the pôle (bloc) codes it covers, "|"-separated. Withdrawn, never deleted."""

    __tablename__ = "epreuve_locale"
    __table_args__ = (UniqueConstraint("etablissement_id", "referentiel", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    etablissement_id: Mapped[int] = mapped_column(ForeignKey("etablissement.id"), index=True)
    referentiel: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(20))
    titre: Mapped[str] = mapped_column(String(200))
    poles: Mapped[str] = mapped_column(String(60))
    mode: Mapped[str] = mapped_column(String(60), default="CCF")
    cree_par_id: Mapped[int] = mapped_column(ForeignKey("compte.id"))
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    retiree_le: Mapped[dt.datetime | None] = mapped_column(DateTime)


class SelectionCcf(Base):
    """A fiche the team chose to support an épreuve of the CCF; withdrawn selections stay (who, when)."""

    __tablename__ = "selection_ccf"
    __table_args__ = (
        # A fiche is selected at most once per épreuve at a time.
        Index("uq_selection_ccf_active", "epreuve", "fiche_id", unique=True,
              sqlite_where=text("retiree_le IS NULL"), postgresql_where=text("retiree_le IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    eleve_id: Mapped[int] = mapped_column(ForeignKey("eleve.id"), index=True)
    epreuve: Mapped[str] = mapped_column(String(20))
    fiche_id: Mapped[int] = mapped_column(ForeignKey("fiche.id"), index=True)
    choisie_par_id: Mapped[int] = mapped_column(ForeignKey("compte.id"))
    choisie_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    retiree_par_id: Mapped[int | None] = mapped_column(ForeignKey("compte.id"))
    retiree_le: Mapped[dt.datetime | None] = mapped_column(DateTime)


reunion_present = Table(
    "reunion_present",
    Base.metadata,
    Column("reunion_id", ForeignKey("reunion_ccf.id", ondelete="CASCADE"), primary_key=True),
    Column("compte_id", ForeignKey("compte.id"), primary_key=True),
)


class ReunionCcf(Base):
    """A team meeting preparing one épreuve for one division: its date and the teachers present."""

    __tablename__ = "reunion_ccf"

    id: Mapped[int] = mapped_column(primary_key=True)
    division_id: Mapped[int] = mapped_column(ForeignKey("division.id"), index=True)
    epreuve: Mapped[str] = mapped_column(String(20))
    date_reunion: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    cree_par_id: Mapped[int] = mapped_column(ForeignKey("compte.id"))
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)

    presents: Mapped[list[Compte]] = relationship(secondary=reunion_present)


class DecisionCcf(Base):
    """The team's decision on a student × situation for an épreuve (``situation`` "" = the overall opinion).

    Never overwritten: a new decision points to the one it replaces. The database keeps the history one chain:
    one first decision per student × épreuve × situation, and each decision replaced at most once."""

    __tablename__ = "decision_ccf"
    __table_args__ = (
        CheckConstraint("niveau IS NULL OR niveau BETWEEN 1 AND 4", name="niveau"),
        Index("uq_decision_ccf_premiere", "eleve_id", "epreuve", "situation", unique=True,
              sqlite_where=text("remplace_id IS NULL"), postgresql_where=text("remplace_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    eleve_id: Mapped[int] = mapped_column(ForeignKey("eleve.id"), index=True)
    epreuve: Mapped[str] = mapped_column(String(20))
    situation: Mapped[str] = mapped_column(String(20), default="")
    niveau: Mapped[int | None] = mapped_column(Integer)
    commentaire: Mapped[str] = mapped_column(Text, default="")
    reunion_id: Mapped[int | None] = mapped_column(ForeignKey("reunion_ccf.id"), index=True)
    auteur_id: Mapped[int] = mapped_column(ForeignKey("compte.id"))
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    remplace_id: Mapped[int | None] = mapped_column(ForeignKey("decision_ccf.id"), unique=True)


class PublicationCcf(Base):
    """The team made the decisions of an épreuve for a division visible to its students, up to ``publiee_le``."""

    __tablename__ = "publication_ccf"

    id: Mapped[int] = mapped_column(primary_key=True)
    division_id: Mapped[int] = mapped_column(ForeignKey("division.id"), index=True)
    epreuve: Mapped[str] = mapped_column(String(20))
    publiee_par_id: Mapped[int] = mapped_column(ForeignKey("compte.id"))
    publiee_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)


class LigneListe(Base):
    """A line the school's team added to a situation card: a donnée, a complexity factor or an aléa.

    The official lines (referentiels/<nom>-complexite-aleas.csv) stay the base; these complete them, per school.
    The database refuses a type outside the list, an empty label and the same label twice for one situation."""

    __tablename__ = "liste_equipe"
    __table_args__ = (
        UniqueConstraint("etablissement_id", "referentiel", "situation", "type", "libelle", name="uq_liste_equipe_ligne"),
        CheckConstraint(dans("type", TYPES_LISTE), name="type"),
        CheckConstraint("length(trim(libelle)) > 0", name="libelle"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    etablissement_id: Mapped[int] = mapped_column(ForeignKey("etablissement.id"), index=True)
    referentiel: Mapped[str] = mapped_column(String(40))
    situation: Mapped[str] = mapped_column(String(20))
    type: Mapped[str] = mapped_column(String(20))
    libelle: Mapped[str] = mapped_column(String(200))
    cree_par_id: Mapped[int | None] = mapped_column(ForeignKey("compte.id"))
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)
    modifie_par_id: Mapped[int | None] = mapped_column(ForeignKey("compte.id"))
    modifie_le: Mapped[dt.datetime | None] = mapped_column(DateTime)


class HistoriqueListe(Base):
    """Who changed the team's lists, what and when (kept when the line itself is removed)."""

    __tablename__ = "liste_equipe_historique"
    __table_args__ = (CheckConstraint(dans("action", ACTIONS_LISTE), name="action"),
                      CheckConstraint(dans("type", TYPES_LISTE), name="type"))

    id: Mapped[int] = mapped_column(primary_key=True)
    etablissement_id: Mapped[int] = mapped_column(ForeignKey("etablissement.id"), index=True)
    referentiel: Mapped[str] = mapped_column(String(40))
    situation: Mapped[str] = mapped_column(String(20))
    type: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))
    ancien: Mapped[str] = mapped_column(String(200), default="")
    nouveau: Mapped[str] = mapped_column(String(200), default="")
    compte_id: Mapped[int | None] = mapped_column(ForeignKey("compte.id"))
    auteur_nom: Mapped[str] = mapped_column(String(200), default="")
    cree_le: Mapped[dt.datetime] = mapped_column(DateTime, default=maintenant)


class AnalytiqueCompteur(Base):
    """The change counter of the analytics copy (one row; passeport/changements.py, written by triggers)."""

    __tablename__ = "analytique_compteur"
    __table_args__ = (CheckConstraint("id = 1", name="unique"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    numero: Mapped[int] = mapped_column(BigInteger, default=0)
    plancher: Mapped[int] = mapped_column(BigInteger, default=0)
    generation: Mapped[str] = mapped_column(String(36))


class AnalytiqueChangement(Base):
    """One change the analytics copy must apply: the fiche, student or division to re-read (written by triggers)."""

    __tablename__ = "analytique_changement"

    numero: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    genre: Mapped[str] = mapped_column(String(20))
    cle: Mapped[int] = mapped_column(BigInteger)
    division_id: Mapped[int | None] = mapped_column(BigInteger)
    fait_le: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
