"""The `passeport` command: schema, demo school, imports and exports. Every subcommand honours DATABASE_URL."""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session

from passeport import referentiel
from passeport.csvio import FichierInvalide, ecrire_csv, ecrire_flux
from passeport.acces import OPERATEUR
from passeport.db import creer_engine, transaction
from passeport.demo import GRAINE_PAR_DEFAUT, MOT_DE_PASSE_DEMO, BaseNonVide, base_vide, creer_ecole_demo
from passeport.models import Division, Eleve, Etablissement
from passeport.schema import initialiser, revision_actuelle, revision_cible
from passeport.services import exploitation
from passeport.services.imports import ImportInvalide, importer_eleves, importer_fiches


_RAISONS = {errno.ENOENT: "dossier ou fichier introuvable", errno.EISDIR: "c'est un dossier",
            errno.EACCES: "accès refusé", errno.ENOSPC: "disque plein", errno.EROFS: "disque en lecture seule"}


def _raison(exc: OSError) -> str:
    return _RAISONS.get(exc.errno, exc.strerror or str(exc))


class ErreurCommande(Exception):
    """A user-facing error: printed in French, exit status 1."""


def _eleve(session: Session, identifiant: str) -> Eleve:
    """The student of this identifiant (the one of the imports), or a French error."""
    eleve = session.scalar(select(Eleve).where(Eleve.identifiant == identifiant))
    if eleve is None:
        raise ErreurCommande(f"Élève introuvable : aucun élève n'a l'identifiant {identifiant}.")
    return eleve


def _base_prete(engine: Engine) -> None:
    if revision_actuelle(engine) != revision_cible():
        raise ErreurCommande("La base n'est pas initialisée ou pas à jour : lancez « passeport initialiser ».")


def cmd_initialiser(engine: Engine, _args: argparse.Namespace) -> None:
    fait = initialiser(engine)
    print("Schéma créé ou mis à jour." if fait else "Schéma déjà à jour : rien à faire.")


def cmd_demo(engine: Engine, args: argparse.Namespace) -> None:
    _base_prete(engine)
    with transaction(engine) as session:
        if args.si_vide and not base_vide(session):
            print("La base contient déjà des données : école de démonstration non chargée.")
            return
        try:
            bilan = creer_ecole_demo(session, graine=args.graine)
        except BaseNonVide as exc:
            raise ErreurCommande(exc.message) from None
    print(f"École de démonstration chargée : {bilan.etablissement}, {bilan.divisions} divisions, "
          f"{bilan.eleves} élèves, {bilan.enseignants} enseignants, {bilan.fiches} fiches.")
    print(f"Comptes de démonstration (mot de passe : {MOT_DE_PASSE_DEMO}) :")
    for role, login in bilan.comptes.items():
        print(f"  {role:<11} {login}")


def _entier_positif(texte: str) -> int:
    try:
        valeur = int(texte)
    except ValueError:
        raise argparse.ArgumentTypeError(f"nombre entier attendu : {texte!r}") from None
    if valeur < 1:
        raise argparse.ArgumentTypeError(f"nombre au moins égal à 1 attendu : {texte}")
    return valeur


def cmd_generer(engine: Engine, args: argparse.Namespace) -> None:
    from passeport.generateur import AcademieNonVide, generer_academie

    try:
        bilan = generer_academie(engine, args.eleves, fiches_par_eleve=args.fiches_par_eleve,
                                 etablissements=args.etablissements, graine=args.graine)
    except AcademieNonVide as exc:
        raise ErreurCommande(exc.message) from None
    except ValueError as exc:
        raise ErreurCommande(str(exc)) from None
    print(f"Académie générée en {bilan.duree:.1f} s : {bilan.etablissements} établissement(s), {bilan.divisions} "
          f"divisions, {bilan.eleves} élèves, {bilan.enseignants} enseignants, {bilan.fiches} fiches "
          f"({bilan.versions} versions, {bilan.supprimees} dans la corbeille, {bilan.retenues} retenues), "
          f"{bilan.positionnements} positionnements, {bilan.pfmp} PFMP.")
    print(f"Tous les comptes ont le mot de passe {bilan.mot_de_passe} ; par exemple :")
    for role, login in bilan.comptes.items():
        print(f"  {role:<11} {login}")


def _etablissement(session: Session, uai: str | None) -> Etablissement:
    if uai:
        etab = session.scalar(select(Etablissement).where(Etablissement.uai == uai.upper()))
        if etab is None:
            raise ErreurCommande(f"Établissement {uai} inconnu : créez-le avec « passeport etablissement {uai} NOM ».")
        return etab
    tous = session.scalars(select(Etablissement)).all()
    if len(tous) == 1:
        return tous[0]
    if not tous:
        raise ErreurCommande("Aucun établissement : créez-le avec « passeport etablissement UAI NOM ».")
    raise ErreurCommande("Plusieurs établissements : précisez lequel avec --etablissement UAI.")


def cmd_etablissement(engine: Engine, args: argparse.Namespace) -> None:
    _base_prete(engine)
    uai = args.uai.strip().upper()
    if len(uai) != 8 or not uai[:7].isdigit() or not uai[7].isalpha():
        raise ErreurCommande(f"UAI « {args.uai} » invalide : 7 chiffres et une lettre (exemple : 0350001A).")
    if not args.nom.strip() or len(args.nom) > 200:
        raise ErreurCommande("Nom d'établissement vide ou trop long (200 caractères au plus).")
    with transaction(engine) as session:
        etab = session.scalar(select(Etablissement).where(Etablissement.uai == uai))
        if etab is None:
            session.add(Etablissement(uai=uai, nom=args.nom))
            print(f"Établissement {uai} créé : {args.nom}.")
        else:
            etab.nom = args.nom
            print(f"Établissement {uai} renommé : {args.nom}.")


def _importer(engine: Engine, faire: Callable[[Session], str]) -> None:
    _base_prete(engine)
    try:
        with transaction(engine) as session:
            resume = faire(session)
    except ImportInvalide as exc:
        for erreur in exc.erreurs:
            print(erreur, file=sys.stderr)
        n = len(exc.erreurs)  # one message per bad line
        raise ErreurCommande(
            f"Import refusé : {n} ligne{'s' if n > 1 else ''} en erreur, rien n'a été enregistré."
        ) from None
    except FichierInvalide as exc:
        for erreur in exc.erreurs:
            print(erreur, file=sys.stderr)
        raise ErreurCommande("Import refusé : le fichier ne peut pas être lu, rien n'a été enregistré.") from None
    except FileNotFoundError as exc:
        raise ErreurCommande(f"Fichier introuvable : {exc.filename}") from None
    except OSError as exc:
        raise ErreurCommande(f"Fichier illisible : {exc.filename} ({_raison(exc)}).") from None
    print(resume)


def cmd_importer_eleves(engine: Engine, args: argparse.Namespace) -> None:
    _importer(engine, lambda s: importer_eleves(s, OPERATEUR, args.fichier, _etablissement(s, args.etablissement)).resume("élève"))


def cmd_importer_fiches(engine: Engine, args: argparse.Namespace) -> None:
    _importer(engine, lambda s: importer_fiches(s, OPERATEUR, args.fichier).resume("fiche", feminin=True))


def cmd_importer_sts(engine: Engine, args: argparse.Namespace) -> None:
    from passeport.services import rentree_sts
    from passeport.services.rentree import ApercuPerime

    _base_prete(engine)
    contenu = _lire_fichier(args.fichier)
    try:
        if args.apercu:
            with Session(engine) as session:  # never committed: the preview writes nothing
                etab = _etablissement(session, args.etablissement)
                plan = rentree_sts.prevoir_sts(session, OPERATEUR, contenu, etab.id)
                print(f"Aperçu de l'import STS-web pour {etab.nom} ({etab.uai}) ; rien n'a été enregistré.")
                print("\n".join(plan.details()))
            if plan.problemes:
                raise ErreurCommande("Import impossible en l'état : réglez les problèmes ci-dessus.")
            return
        with transaction(engine) as session:
            etab = _etablissement(session, args.etablissement)
            plan = rentree_sts.prevoir_sts(session, OPERATEUR, contenu, etab.id)
            plan = rentree_sts.appliquer_sts(session, OPERATEUR, contenu, etab.id, plan.empreinte)
    except FichierInvalide as exc:  # a wrong file, another school's, or problems in the plan
        for erreur in exc.erreurs:
            print(erreur, file=sys.stderr)
        raise ErreurCommande("Import refusé : rien n'a été enregistré.") from None
    except ApercuPerime as exc:  # another import ran between the plan and its application
        raise ErreurCommande(str(exc)) from None
    print(plan.resume())


def cmd_exporter_passeport(engine: Engine, args: argparse.Namespace) -> None:
    _base_prete(engine)
    with Session(engine) as session:
        eleve = _eleve(session, args.eleve)
        try:
            with open(args.sortie, "wb") as sortie:
                document = exploitation.exporter_passeport(session, OPERATEUR, eleve.id, sortie)
        except OSError as exc:
            raise ErreurCommande(f"Impossible d'écrire {exc.filename or args.sortie} ({_raison(exc)}).") from None
    pieces = sum(len(f["pieces"]) for f in document["fiches"])
    print(f"Passeport de {args.eleve} exporté dans {args.sortie} : {len(document['fiches'])} fiche(s), "
          f"{pieces} pièce(s) jointe(s).")


def cmd_importer_passeport(engine: Engine, args: argparse.Namespace) -> None:
    from passeport.archive_lecture import ArchiveInvalide

    _base_prete(engine)
    try:
        with transaction(engine) as session:
            bilan = exploitation.importer_passeport(session, OPERATEUR, args.fichier, division=args.division,
                                                    etablissement=_etablissement(session, args.etablissement))
    except ArchiveInvalide as exc:
        for erreur in exc.erreurs:
            print(erreur, file=sys.stderr)
        raise ErreurCommande("Import refusé : rien n'a été enregistré.") from None
    except FileNotFoundError as exc:
        raise ErreurCommande(f"Fichier introuvable : {exc.filename}") from None
    except OSError as exc:
        raise ErreurCommande(f"Fichier illisible : {exc.filename} ({_raison(exc)}).") from None
    print(bilan.resume())


def _lire_fichier(chemin: str) -> bytes:
    try:
        return Path(chemin).read_bytes()
    except FileNotFoundError:
        raise ErreurCommande(f"Fichier introuvable : {chemin}") from None
    except OSError as exc:
        raise ErreurCommande(f"Fichier illisible : {chemin} ({_raison(exc)}).") from None


def _afficher_plan_siecle(plan) -> None:
    print(f"Année scolaire du fichier : {plan.annee_scolaire}")
    for titre, lignes in (("Élèves créés", plan.crees), ("Élèves déplacés", plan.deplaces),
                          ("Élèves mis à jour", plan.mis_a_jour), ("Élèves sortis de l'établissement", plan.sortis)):
        if lignes:
            print(f"{titre} ({len(lignes)}) :")
            for l in lignes:
                print(f"  {l.identifiant:<14} {l.nom} {l.prenom} — {l.division}" + (f" — {l.detail}" if l.detail else ""))
    if plan.divisions_creees:
        print(f"Divisions créées ({len(plan.divisions_creees)}) :")
        for d in plan.divisions_creees:
            print(f"  {d.nom} ({d.niveau}, {d.referentiel})")
    for raison in plan.ignores:
        print(f"Ignorés : {raison}")
    print(f"Déjà à jour : {plan.inchanges} élève(s)")


def cmd_importer_siecle(engine: Engine, args: argparse.Namespace) -> None:
    from passeport.services.rentree_siecle import appliquer_siecle, prevoir_siecle

    _base_prete(engine)
    contenu = _lire_fichier(args.fichier)
    choisies = {d.strip() for d in args.divisions.split(",") if d.strip()} if args.divisions else None
    options = {"divisions_choisies": choisies, "referentiel_nouvelles": args.referentiel}
    try:
        with transaction(engine) as session:
            etab = _etablissement(session, args.etablissement)
            plan = prevoir_siecle(session, OPERATEUR, contenu, etab.id, **options)
            if plan.problemes:
                for probleme in plan.problemes:
                    print(probleme, file=sys.stderr)
                n = len(plan.problemes)
                raise ErreurCommande(f"Import refusé : {n} problème{'s' if n > 1 else ''} dans le fichier, rien n'a "
                                     "été enregistré.")
            if args.apercu:
                _afficher_plan_siecle(plan)
                print("Aperçu seulement : rien n'a été enregistré.")
                return
            appliquer_siecle(session, OPERATEUR, contenu, etab.id, plan.empreinte, **options)
    except FichierInvalide as exc:
        for erreur in exc.erreurs:
            print(erreur, file=sys.stderr)
        raise ErreurCommande("Import refusé : rien n'a été enregistré.") from None
    print(plan.resume())


def _verifier_sortie(chemin: str) -> None:
    """Refuse before any long work a file that cannot be written (missing folder, a folder, no right)."""
    cible = os.path.abspath(chemin)
    if os.path.isdir(cible):
        raise ErreurCommande(f"Impossible d'écrire {chemin} (c'est un dossier).")
    dossier = os.path.dirname(cible)
    if not os.path.isdir(dossier):
        raise ErreurCommande(f"Impossible d'écrire {chemin} (dossier introuvable : {dossier}).")
    if not os.access(dossier, os.W_OK) or (os.path.exists(cible) and not os.access(cible, os.W_OK)):
        raise ErreurCommande(f"Impossible d'écrire {chemin} (accès refusé).")


def cmd_exporter_livret(engine: Engine, args: argparse.Namespace) -> None:
    from passeport.documents.livret import html_livret, pdf_livret
    from passeport.services.livret import PoleInconnu

    _base_prete(engine)
    _verifier_sortie(args.sortie)
    with Session(engine) as session:
        eleve = _eleve(session, args.eleve)
        try:
            livret = exploitation.livret(session, OPERATEUR, eleve.id, pole=args.pole,
                                         toutes_les_fiches=args.toutes_les_fiches)
        except PoleInconnu as exc:
            raise ErreurCommande(str(exc)) from None
    contenu = html_livret(livret).encode() if args.format == "html" else pdf_livret(livret)
    try:
        with open(args.sortie, "wb") as sortie:
            sortie.write(contenu)
    except OSError as exc:
        raise ErreurCommande(f"Impossible d'écrire {exc.filename or args.sortie} ({_raison(exc)}).") from None
    print(f"Livret de {livret.eleve} ({args.eleve}) écrit dans {args.sortie} : {livret.nombre_de_fiches} fiche(s), "
          f"format {args.format}.")


def cmd_exporter_fiches(engine: Engine, args: argparse.Namespace) -> None:
    _base_prete(engine)
    try:
        with Session(engine) as session:
            n = exploitation.exporter_fiches(session, OPERATEUR, args.sortie)
    except OSError as exc:
        raise ErreurCommande(f"Impossible d'écrire {exc.filename} ({_raison(exc)}).") from None
    print(f"{n} fiche(s) exportée(s) dans {args.sortie}.")


def _division(session: Session, nom: str, annee: str | None) -> Division:
    requete = select(Division).where(Division.nom == nom)
    if annee:
        requete = requete.where(Division.annee_scolaire == annee)
    trouvees = list(session.scalars(requete.order_by(Division.annee_scolaire)))
    if not trouvees:
        raise ErreurCommande(f"Division introuvable : {nom}" + (f" ({annee})" if annee else "") + ".")
    if len(trouvees) > 1:
        annees = ", ".join(d.annee_scolaire for d in trouvees)
        raise ErreurCommande(f"Plusieurs divisions s'appellent {nom} ({annees}) : précisez --annee.")
    return trouvees[0]


def _entrepot(engine: Engine):
    """The persistent analytics copy (warm after the first call): of PASSEPORT_ANALYTIQUE_URL when set (a replica),
    else of the command's store."""
    from analytics import Entrepot

    entrepot = Entrepot(os.environ.get("PASSEPORT_ANALYTIQUE_URL") or engine.url.render_as_string(hide_password=False))
    entrepot.actualiser()
    return entrepot


def cmd_exporter_couverture(engine: Engine, args: argparse.Namespace) -> None:
    from analytics import export_couverture, fichier_couverture
    from analytics.couverture import export_des_eleves, lots_d_eleves

    format_ = args.format.strip().lower()
    if format_ not in fichier_couverture.FORMATS:
        raise ErreurCommande(f"Format inconnu : « {args.format} ». Formats possibles : csv (par défaut), parquet, "
                             "ou xlsx pour une seule division (--division).")
    if format_ == "xlsx" and not args.division:
        raise ErreurCommande("Le format xlsx est réservé à une division (--division) : une académie dépasse le "
                             "million de lignes d'une feuille de calcul. Pour tout exporter : --format csv ou parquet.")
    _base_prete(engine)
    with Session(engine) as session:
        division = _division(session, args.division, args.annee) if args.division else None
        division_id, nom, annee = (division.id, division.nom, division.annee_scolaire) if division else (None,) * 3
    entrepot = _entrepot(engine)
    try:
        if format_ == "xlsx":
            df = export_couverture(entrepot, division_id=division_id)
            n, eleves = fichier_couverture.ecrire_xlsx(df, args.sortie, nom, annee), df["eleve"].nunique()
        else:
            # Lot by lot: the memory of the command is a lot's, not the académie's.
            lots = (export_des_eleves(entrepot, lot) for lot in lots_d_eleves(entrepot, division_id=division_id))
            n, eleves = fichier_couverture.ecrire_par_lots(lots, args.sortie, format_)
    except OSError as exc:
        raise ErreurCommande(f"Impossible d'écrire {exc.filename or args.sortie} ({_raison(exc)}).") from None
    finally:
        entrepot.fermer()
    print(f"{n} ligne(s) exportée(s) ({eleves} élève(s)) dans {args.sortie}.")


def cmd_exporter_dossier_ccf(engine: Engine, args: argparse.Namespace) -> None:
    from passeport.documents.ccf import zip_dossiers_division
    from passeport.epreuves import EpreuveInconnue

    _base_prete(engine)
    _verifier_sortie(args.sortie)
    with Session(engine) as session:
        division = _division(session, args.division, args.annee)
        try:
            synthese, dossiers = exploitation.dossiers_ccf(session, OPERATEUR, division.id, args.epreuve)
        except EpreuveInconnue as exc:
            raise ErreurCommande(exc.message) from None
    contenu = zip_dossiers_division(synthese, dossiers)
    try:
        with open(args.sortie, "wb") as sortie:
            sortie.write(contenu)
    except OSError as exc:
        raise ErreurCommande(f"Impossible d'écrire {exc.filename or args.sortie} ({_raison(exc)}).") from None
    ep = synthese.epreuve
    print(f"Dossiers CCF {ep.code} de {division.nom} ({division.annee_scolaire}) écrits dans {args.sortie} : "
          f"{len(dossiers)} élève(s), synthèse en PDF et xlsx."
          + ("" if ep.en_ccf else f" Attention : {ep.code} est une épreuve ponctuelle écrite ({ep.mode}), pas un CCF."))


def cmd_objectifs(engine: Engine, args: argparse.Namespace) -> None:
    from analytics import export_objectifs, objectifs
    from analytics.exports import lignes_csv

    _base_prete(engine)
    if args.nombre is not None and args.nombre < 1:
        raise ErreurCommande("--nombre doit être un entier positif.")
    with Session(engine) as session:
        eleve = _eleve(session, args.eleve)
        eleve_id = eleve.id
    entrepot = _entrepot(engine)
    try:
        suggestions = objectifs(entrepot, eleve_id, args.nombre)
    finally:
        entrepot.fermer()
    if args.format == "json":
        lignes = [{"rang": int(r.rang), "situation": r.situation, "motif": r.motif, "organisations": r.organisations}
                  for r in suggestions.itertuples()]
        print(json.dumps(lignes, ensure_ascii=False, indent=2))
    else:
        df = export_objectifs(suggestions)
        ecrire_flux(sys.stdout, list(df.columns), lignes_csv(df))


def cmd_sauvegarder(engine: Engine, args: argparse.Namespace) -> None:
    from passeport.sauvegarde import SauvegardeImpossible, sauvegarder
    from passeport.stockage import dossier_pieces

    try:
        bilan = sauvegarder(engine, Path(args.dossier), dossier_pieces())
    except SauvegardeImpossible as exc:
        raise ErreurCommande(str(exc)) from None
    except OSError as exc:
        raise ErreurCommande(f"Sauvegarde interrompue : {exc.filename or args.dossier} ({_raison(exc)}).") from None
    print(f"Sauvegarde écrite dans {args.dossier} : base {bilan.base} (schéma {bilan.revision}), "
          f"{bilan.fichiers} pièce(s) jointe(s) ({bilan.octets} octets), manifeste.json.")
    for sha in bilan.manquantes:
        print(f"Attention : la pièce jointe {sha} est connue de la base mais absente du dossier des pièces.",
              file=sys.stderr)


def cmd_restaurer(engine: Engine, args: argparse.Namespace) -> None:
    from passeport.sauvegarde import SauvegardeImpossible, restaurer
    from passeport.stockage import dossier_pieces

    try:
        bilan = restaurer(engine, Path(args.dossier), dossier_pieces())
    except SauvegardeImpossible as exc:
        raise ErreurCommande(str(exc)) from None
    except OSError as exc:
        raise ErreurCommande(f"Restauration interrompue : {exc.filename or args.dossier} ({_raison(exc)}).") from None
    print(f"Sauvegarde {args.dossier} restaurée : base {bilan.base} (schéma {bilan.revision}), "
          f"{bilan.fichiers} pièce(s) jointe(s) dans {dossier_pieces()}.")
    if bilan.revision != revision_cible():
        print("Le schéma de la sauvegarde est plus ancien que celui du programme : lancez « passeport initialiser ».")


def cmd_purger(engine: Engine, args: argparse.Namespace) -> None:
    import datetime as dt

    from passeport import changements
    from passeport.services import conservation

    _base_prete(engine)
    limite = None
    if args.avant:
        try:
            limite = dt.date.fromisoformat(args.avant)
        except ValueError:
            raise ErreurCommande(f"Date --avant invalide : « {args.avant} » (format AAAA-MM-JJ).") from None
    try:
        if args.essai:
            with Session(engine) as session:  # never committed
                bilan = conservation.purger(session, OPERATEUR, limite, essai=True)
        else:
            with transaction(engine) as session:
                bilan = conservation.purger(session, OPERATEUR, limite)
                elagues = changements.elaguer(session, dt.datetime.now() - changements.CONSERVATION)
    except conservation.ConservationInvalide as exc:
        raise ErreurCommande(str(exc)) from None
    effaces = 0 if args.essai else conservation.effacer_fichiers(bilan)
    print(f"Comptes d'anciens élèves arrivés au terme de leur conservation avant le {bilan.limite:%d/%m/%Y} : "
          f"{len(bilan.comptes)}")
    for c in bilan.comptes:
        print(f"  {c.identifiant} {c.login} ({c.nom_complet}, {c.division}, {c.etablissement}) : sorti le "
              f"{c.sorti_le:%d/%m/%Y}, conservé jusqu'au {c.conserve_jusqu_au:%d/%m/%Y}")
    for table, n in bilan.lignes.items():
        print(f"  {table} : {n} ligne(s)")
    print(f"Journal : {bilan.journal_ancien} ligne(s) de plus de {conservation.JOURNAL_JOURS} jours.")
    if not args.essai:
        print(f"Journal des changements de la copie d'analyse : {elagues} ligne(s) de plus de "
              f"{changements.CONSERVATION.days} jours effacée(s).")
    if args.essai:
        print(f"Pièces jointes : {len(bilan.fichiers)} fichier(s).")
        print("Essai : rien n'a été effacé.")
    else:
        print(f"Pièces jointes : {effaces} fichier(s) effacé(s).")
        print(f"Purge faite : {bilan.total_lignes} ligne(s) effacée(s).")


def cmd_verifier_pieces(engine: Engine, args: argparse.Namespace) -> None:
    """Files of the attachments folder without a row, rows without a file; --supprimer removes the orphan files."""
    from passeport import stockage
    from passeport.models import PieceJointe

    _base_prete(engine)
    with Session(engine) as session:
        lignes = session.execute(select(PieceJointe.id, PieceJointe.sha256).order_by(PieceJointe.id)).all()
    connus = {sha for _, sha in lignes}
    bilan = stockage.inventaire(connus)
    print(f"{bilan.fichiers} fichier(s) dans {stockage.dossier_pieces()} ; {len(lignes)} pièce(s) jointe(s) en base.")
    for fichier in bilan.orphelins:
        print(f"fichier sans pièce jointe : {fichier.name}")
    for fichier in bilan.recents:
        print(f"fichier récent sans pièce jointe (enregistrement peut-être en cours), gardé : {fichier.name}")
    for sha in bilan.manquants:
        ids = ", ".join(str(i) for i, s_ in lignes if s_ == sha)
        print(f"pièce(s) jointe(s) {ids} sans fichier : {sha}")
    if args.supprimer and bilan.orphelins:
        print(f"{stockage.supprimer(bilan.orphelins)} fichier(s) sans pièce jointe supprimé(s).")
    elif bilan.orphelins:
        print("Relancez avec --supprimer pour supprimer les fichiers sans pièce jointe.")
    if not (bilan.orphelins or bilan.recents or bilan.manquants):
        print("Tout concorde : chaque fichier a sa pièce jointe et chaque pièce jointe son fichier.")
    if bilan.manquants:
        raise ErreurCommande(f"{len(bilan.manquants)} contenu(s) de pièces jointes manquent sur le disque : "
                             "restaurez-les depuis une sauvegarde.")


def cmd_referentiel_exporter(engine: Engine, args: argparse.Namespace) -> None:
    from passeport.services import listes_equipe

    _base_prete(engine)
    _verifier_sortie(args.sortie)
    with transaction(engine) as session:
        etab = _etablissement(session, args.etablissement)
        try:
            contenu = listes_equipe.exporter_csv(session, OPERATEUR, args.referentiel, etab.id)
        except listes_equipe.ListeInvalide as exc:
            raise ErreurCommande(exc.message) from None
    try:
        with open(args.sortie, "wb") as f:
            f.write(contenu)
    except OSError as exc:
        raise ErreurCommande(f"Écriture impossible : {args.sortie} ({_raison(exc)}).") from None
    n = contenu.count(b"\n") - 1  # the header is not a line of the lists
    print(f"{n} ligne(s) exportée(s) dans {args.sortie}.")


def cmd_referentiel_importer(engine: Engine, args: argparse.Namespace) -> None:
    from passeport.services import listes_equipe

    _base_prete(engine)
    try:
        with open(args.fichier, "rb") as f:
            contenu = f.read()
    except FileNotFoundError:
        raise ErreurCommande(f"Fichier introuvable : {args.fichier}") from None
    except OSError as exc:
        raise ErreurCommande(f"Fichier illisible : {args.fichier} ({_raison(exc)}).") from None
    try:
        with transaction(engine) as session:
            etab = _etablissement(session, args.etablissement)
            bilan = listes_equipe.importer_csv(session, OPERATEUR, args.referentiel, contenu, etab.id)
    except listes_equipe.ListeInvalide as exc:
        for erreur in exc.erreurs:
            print(erreur, file=sys.stderr)
        raise ErreurCommande("Import refusé : rien n'a été enregistré.") from None
    print(f"{bilan.ajoutees} ligne(s) ajoutée(s), {bilan.deja_presentes} déjà présente(s).")


def construire_parseur() -> argparse.ArgumentParser:
    parseur = argparse.ArgumentParser(
        prog="passeport",
        description="Passeport professionnel numérique : base, école de démonstration, imports et exports. "
                    "La base est celle de DATABASE_URL (par défaut data/passeport.sqlite).",
    )
    sous = parseur.add_subparsers(dest="commande", required=True, metavar="COMMANDE")

    p = sous.add_parser("initialiser", help="crée ou met à jour le schéma de la base (sans effet s'il est à jour)")
    p.set_defaults(action=cmd_initialiser)

    p = sous.add_parser("demo", help="remplit une base vide avec l'école de démonstration")
    p.add_argument("--graine", type=int, default=GRAINE_PAR_DEFAUT, help="graine du tirage (par défaut %(default)s)")
    p.add_argument("--si-vide", action="store_true", help="ne rien faire, sans erreur, si la base a déjà des données")
    p.set_defaults(action=cmd_demo)

    p = sous.add_parser("generer", help="remplit une base sans élève avec une académie générée (mesures à l'échelle)")
    p.add_argument("--eleves", type=_entier_positif, required=True, help="nombre d'élèves")
    p.add_argument("--fiches-par-eleve", type=_entier_positif, default=100,
                   help="fiches par élève en moyenne (par défaut %(default)s)")
    p.add_argument("--etablissements", type=_entier_positif,
                   help="nombre d'établissements (par défaut un pour 2 500 élèves)")
    p.add_argument("--graine", type=int, default=2026, help="graine du tirage (par défaut %(default)s)")
    p.set_defaults(action=cmd_generer)

    p = sous.add_parser("etablissement", help="crée (ou renomme) un établissement")
    p.add_argument("uai", help="code UAI (7 chiffres et une lettre)")
    p.add_argument("nom", help="nom de l'établissement")
    p.set_defaults(action=cmd_etablissement)

    p = sous.add_parser("importer", help="importe des élèves, des fiches, un passeport ou les fichiers de la rentrée")
    quoi = p.add_subparsers(dest="quoi", required=True, metavar="eleves|fiches|passeport|siecle|sts")
    pe = quoi.add_parser("eleves", help="élèves : identifiant;nom;prenom;division[;niveau;annee_scolaire;referentiel;email]")
    pe.add_argument("fichier")
    pe.add_argument("--etablissement", metavar="UAI", help="établissement des élèves (si la base en a plusieurs)")
    pe.set_defaults(action=cmd_importer_eleves)
    pf = quoi.add_parser("fiches", help="fiches au format d'échange (voir README)")
    pf.add_argument("fichier")
    pf.set_defaults(action=cmd_importer_fiches)
    pp = quoi.add_parser("passeport", help="passeport complet d'un élève (ZIP exporté par une autre instance)")
    pp.add_argument("fichier", help="archive ZIP (passeport.json, manifeste.json, pieces/)")
    pp.add_argument("--division", metavar="NOM", help="division d'accueil (par défaut : celle du même nom)")
    pp.add_argument("--etablissement", metavar="UAI", help="établissement d'accueil (si la base en a plusieurs)")
    pp.set_defaults(action=cmd_importer_passeport)
    ps = quoi.add_parser("siecle", help="élèves de SIECLE (ElevesSansAdresses.xml, ou le ZIP de SIECLE)")
    ps.add_argument("fichier")
    ps.add_argument("--etablissement", metavar="UAI", help="établissement du fichier (si la base en a plusieurs)")
    ps.add_argument("--divisions", metavar="NOMS", help="seulement ces divisions du fichier (séparées par des virgules)")
    ps.add_argument("--referentiel", default=referentiel.REFERENTIEL_PAR_DEFAUT, choices=referentiel.noms_disponibles(),
                    help="référentiel des divisions nouvelles où n'arrive aucun élève connu (par défaut %(default)s)")
    ps.add_argument("--apercu", action="store_true", help="montre ce que ferait l'import, sans rien enregistrer")
    ps.set_defaults(action=cmd_importer_siecle)
    pt = quoi.add_parser("sts", help="enseignants et leurs divisions depuis l'export de STS-web "
                                     "(sts_emp_<UAI>_<année>.xml)")
    pt.add_argument("fichier", help="fichier XML de STS-web (ou ZIP le contenant)")
    pt.add_argument("--etablissement", metavar="UAI", help="établissement (si la base en a plusieurs)")
    pt.add_argument("--apercu", action="store_true", help="afficher ce que l'import ferait, sans rien enregistrer")
    pt.set_defaults(action=cmd_importer_sts)

    p = sous.add_parser("exporter", help="exporte les fiches ou la couverture au format d'échange")
    quoi = p.add_subparsers(dest="quoi", required=True, metavar="fiches|couverture|passeport|livret|dossier-ccf")
    px = quoi.add_parser("fiches", help="version courante de chaque fiche non supprimée")
    px.add_argument("--sortie", required=True, metavar="FICHIER")
    px.set_defaults(action=cmd_exporter_fiches)
    pl = quoi.add_parser("livret", help="livret de compétences professionnelles d'un élève (PDF ou HTML)")
    pl.add_argument("--eleve", required=True, metavar="IDENTIFIANT", help="identifiant de l'élève (celui des imports)")
    pl.add_argument("--sortie", required=True, metavar="FICHIER")
    pl.add_argument("--pole", metavar="P", help="un seul pôle (par défaut : tous)")
    pl.add_argument("--toutes-les-fiches", action="store_true",
                    help="toutes les fiches de chaque situation (par défaut : la fiche retenue, ou la plus récente)")
    pl.add_argument("--format", choices=["pdf", "html"], default="pdf", help="format du livret (par défaut pdf)")
    pl.set_defaults(action=cmd_exporter_livret)
    pz = quoi.add_parser("passeport", help="passeport complet d'un élève en ZIP réimportable (docs/format-passeport.md)")
    pz.add_argument("--eleve", required=True, metavar="ID", help="identifiant de l'élève (celui des imports)")
    pz.add_argument("--sortie", required=True, metavar="FICHIER.zip")
    pz.set_defaults(action=cmd_exporter_passeport)
    pc = quoi.add_parser("couverture", help="une ligne par élève et situation : "
                                            "eleve;division;situation;nb_fiches;nb_reelles;max_complexite;max_aleas;statut")
    pc.add_argument("--division", metavar="D", help="nom de la division (par défaut : toutes)")
    pc.add_argument("--annee", metavar="AAAA-AAAA", help="année scolaire, si plusieurs divisions portent ce nom")
    pc.add_argument("--sortie", required=True, metavar="FICHIER")
    pc.add_argument("--format", default="csv", metavar="csv|parquet|xlsx",
                    help="csv (par défaut, format d'échange), parquet, ou xlsx pour une seule division")
    pc.set_defaults(action=cmd_exporter_couverture)
    pd = quoi.add_parser("dossier-ccf", help="dossiers CCF d'une division pour une épreuve : un PDF par élève et la "
                                             "synthèse (PDF, xlsx), en ZIP")
    pd.add_argument("--division", required=True, metavar="NOM", help="nom de la division")
    pd.add_argument("--epreuve", required=True, metavar="E", help="code de l'épreuve (E31, E32…)")
    pd.add_argument("--annee", metavar="AAAA-AAAA", help="année scolaire, si plusieurs divisions portent ce nom")
    pd.add_argument("--sortie", required=True, metavar="FICHIER.zip")
    pd.set_defaults(action=cmd_exporter_dossier_ccf)

    p = sous.add_parser("objectifs", help="objectifs de PFMP suggérés pour un élève : rang;situation;motif;organisations")
    p.add_argument("--eleve", required=True, metavar="ID", help="identifiant de l'élève (celui des imports)")
    p.add_argument("--nombre", type=int, metavar="N", help="garder les N premiers (par défaut : tous)")
    p.add_argument("--format", choices=["csv", "json"], default="csv", help="format de sortie (par défaut csv)")
    p.set_defaults(action=cmd_objectifs)

    p = sous.add_parser("verifier-pieces", help="liste les fichiers de pièces jointes sans ligne en base et les "
                                                "pièces jointes sans fichier ; --supprimer efface les premiers")
    p.add_argument("--supprimer", action="store_true",
                   help="supprimer les fichiers sans pièce jointe (ceux de moins de 15 minutes sont gardés)")
    p.set_defaults(action=cmd_verifier_pieces)

    p = sous.add_parser("sauvegarder", help="copie cohérente de la base et des pièces jointes, même en service, avec "
                                            "un manifeste des empreintes SHA-256")
    p.add_argument("dossier", help="dossier neuf (absent ou vide) où écrire la sauvegarde")
    p.set_defaults(action=cmd_sauvegarder)

    p = sous.add_parser("restaurer", help="vérifie une sauvegarde puis la restaure dans une base et un dossier de "
                                          "pièces jointes vides")
    p.add_argument("dossier", help="dossier écrit par « passeport sauvegarder »")
    p.set_defaults(action=cmd_restaurer)

    p = sous.add_parser("referentiel", help="listes de l'équipe (données, complexité, aléas) au format "
                                            "situation_code;type;libelle")
    quoi = p.add_subparsers(dest="quoi", required=True, metavar="exporter|importer")
    pr = quoi.add_parser("exporter", help="lignes officielles et lignes de l'équipe d'un établissement")
    pr.add_argument("--sortie", required=True, help="fichier CSV à écrire")
    pr.add_argument("--referentiel", default="ga-2012", help="référentiel (par défaut %(default)s)")
    pr.add_argument("--etablissement", metavar="UAI", help="établissement (obligatoire s'il y en a plusieurs)")
    pr.set_defaults(action=cmd_referentiel_exporter)
    pr = quoi.add_parser("importer", help="ajoute les lignes manquantes (tout ou rien)")
    pr.add_argument("fichier", help="fichier CSV situation_code;type;libelle")
    pr.add_argument("--referentiel", default="ga-2012", help="référentiel (par défaut %(default)s)")
    pr.add_argument("--etablissement", metavar="UAI", help="établissement (obligatoire s'il y en a plusieurs)")
    pr.set_defaults(action=cmd_referentiel_importer)

    p = sous.add_parser("purger", help="efface les comptes d'anciens élèves arrivés au terme de leur conservation et "
                                       "le journal de plus d'un an")
    p.add_argument("--avant", metavar="AAAA-MM-JJ", help="date limite (par défaut : aujourd'hui)")
    p.add_argument("--essai", action="store_true", help="lister ce qui serait effacé, sans rien effacer")
    p.set_defaults(action=cmd_purger)
    return parseur


def main(argv: Sequence[str] | None = None) -> int:
    args = construire_parseur().parse_args(argv)
    try:
        referentiel.verifier_tous()
    except referentiel.ReferentielInvalide as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        engine = creer_engine()
    except (ArgumentError, NoSuchModuleError, ImportError):
        print(f"DATABASE_URL invalide : {os.environ.get('DATABASE_URL')!r} (exemples : "
              "sqlite:///chemin/passeport.sqlite, postgresql://utilisateur:motdepasse@hote:5432/base).", file=sys.stderr)
        return 1
    try:
        args.action(engine, args)
    except ErreurCommande as exc:
        print(exc, file=sys.stderr)
        return 1
    except OperationalError as exc:
        print(f"Base de données inaccessible ({engine.url.render_as_string(hide_password=True)}) : "
              f"{str(exc.orig).strip().splitlines()[0] if exc.orig else exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
