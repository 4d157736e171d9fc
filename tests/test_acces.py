"""The permission table: every service function that takes an actor, for every kind of actor.

Who: the owner student (lea), another student (noe), the teacher of the owner's division (martin), a teacher of
another division (leroy), the administrator (admin). A forbidden call raises a dedicated error and writes nothing.
"""

import dataclasses
import datetime as dt
import inspect
import io
import pkgutil
import shutil
import uuid

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from analytics import Entrepot
from passeport import services
from passeport.acces import OPERATEUR, AccesRefuse
from passeport.db import creer_engine, transaction
from passeport.schema import initialiser
from passeport.models import Appreciation, Base, EpreuveLocale, Etablissement, Lieu, Nature, ReunionCcf, SelectionCcf
from passeport.services import (
    accueil, administration, appreciations, audit, ccf, cockpit, contextes, couverture, dossier_ccf, ecrits, etablissement, fiches,
    formulations, nouveautes, objectifs, pfmp, pieces, suivi,
)
from passeport.services import exploitation, grille, imports, livret
from passeport.referentiel import charger
from passeport.services import archive
from passeport.services import extraits
from passeport.services import brouillons
from passeport.services import conservation
from passeport.services import listes_equipe
from passeport.services import annee_scolaire, rentree, rentree_siecle, rentree_sts
from passeport.services import situations
from passeport.services.brouillons import BrouillonIntrouvable
from passeport.services.fiches import ContenuFiche, FicheIntrouvable
from tests import fichiers
from tests.ecole import creer_ecole
from tests.fichiers_scolarite import E, siecle

pytestmark = pytest.mark.store

# A rentrée file of the school of tests/ecole.py: one new student in a new division.
SIECLE = siecle([E("9001", "INE77", "ROUX", "Lou", "2GA9")])
CONTENU = ContenuFiche(situation="1.1.2", titre="Commande", date_debut=dt.date(2026, 10, 5), lieu=Lieu.PFMP,
                       nature=Nature.REELLE, complexite=1, aleas=0)
ECRIRE, LIRE, ADMINISTRER, SOI = {"lea"}, {"lea", "martin"}, {"admin"}, {"lea", "noe"}
GERER_PFMP = {"lea", "martin"}  # the student and the teachers of the student's division
ENSEIGNER = {"martin"}  # the teachers of the student's division, in the cockpit
ENSEIGNANTS = {"martin", "leroy"}  # any teacher, on their own things
EQUIPE = {"martin", "leroy", "admin"}  # the school's teaching team and its administrator
TOUS = {"lea", "noe", "martin", "leroy", "admin"}  # every member of the school

# name → (who may, call). ``x`` holds the ids of the owner's fiche, attachment, context, division and appréciation.
ACTIONS = {
    "fiches.nouvelle_fiche": (SOI, lambda s, a, x: fiches.nouvelle_fiche(s, a, CONTENU)),
    "fiches.enregistrer": (ECRIRE, lambda s, a, x: fiches.enregistrer(s, a, x["fiche"], dataclasses.replace(
        CONTENU, titre="Autre"))),
    "fiches.revenir_a": (ECRIRE, lambda s, a, x: fiches.revenir_a(s, a, x["fiche"], 1)),
    "fiches.supprimer": (ECRIRE, lambda s, a, x: fiches.supprimer(s, a, x["fiche"])),
    "fiches.restaurer": (ECRIRE, lambda s, a, x: fiches.restaurer(s, a, x["fiche"])),
    "fiches.retenir": (ECRIRE, lambda s, a, x: fiches.retenir(s, a, x["fiche"])),
    "fiches.partager_avec_tuteur": (ECRIRE, lambda s, a, x: fiches.partager_avec_tuteur(s, a, x["fiche"], x["pfmp"])),
    "fiches.contenu_a_dupliquer": (ECRIRE, lambda s, a, x: fiches.contenu_a_dupliquer(s, a, x["fiche"])),
    # Drafts: any student on their own drafts (another student's key is "introuvable"), nobody else.
    "brouillons.enregistrer": (SOI, lambda s, a, x: brouillons.enregistrer(s, a, "cle-nouvelle-00000001",
                                                                           {"demarche": "Texte"})),
    "brouillons.lire": (SOI, lambda s, a, x: brouillons.lire(s, a, x["brouillon"])),
    "brouillons.de_la_fiche": (SOI, lambda s, a, x: brouillons.de_la_fiche(s, a, x["fiche"])),
    "brouillons.lister": (SOI, lambda s, a, x: brouillons.lister(s, a)),
    "brouillons.abandonner": (ECRIRE, lambda s, a, x: brouillons.abandonner(s, a, x["brouillon"])),
    "brouillons.publier": (SOI, lambda s, a, x: brouillons.publier(s, a, CONTENU, cle=x["brouillon"])),
    "brouillons.creer_depuis_poste": (SOI, lambda s, a, x: brouillons.creer_depuis_poste(
        s, a, {"contexte": "Accueil"}, ["1.1.2"], charger("ga-2012"))),
    "fiches.lire_fiche": (LIRE, lambda s, a, x: fiches.lire_fiche(s, a, x["fiche"])),
    "fiches.historique": (LIRE, lambda s, a, x: fiches.historique(s, a, x["fiche"])),
    "fiches.fiches_de_l_eleve": (LIRE, lambda s, a, x: fiches.fiches_de_l_eleve(s, a, x["eleve"])),
    "couverture.couverture_eleve": (LIRE, lambda s, a, x: couverture.couverture_eleve(s, a, x["eleve"])),
    "couverture.entete_eleve": (LIRE, lambda s, a, x: couverture.entete_eleve(s, a, x["eleve"])),
    "pieces.ajouter": (ECRIRE, lambda s, a, x: pieces.ajouter(s, a, x["fiche"], "b.pdf", fichiers.pdf(2))),
    "pieces.retirer": (ECRIRE, lambda s, a, x: pieces.retirer(s, a, x["piece"])),
    "pieces.lister": (LIRE, lambda s, a, x: pieces.lister(s, a, x["fiche"])),
    "pieces.lire": (LIRE, lambda s, a, x: pieces.lire(s, a, x["piece"])),
    "pieces.apercu_de_la_piece": (LIRE, lambda s, a, x: pieces.apercu_de_la_piece(s, a, x["piece"])),
    "contextes.lister": (SOI, lambda s, a, x: contextes.lister(s, a)),
    "contextes.enregistrer": (SOI, lambda s, a, x: contextes.enregistrer(s, a, contextes.Contexte("Autre"))),
    "contextes.supprimer": (ECRIRE, lambda s, a, x: contextes.supprimer(s, a, x["contexte"])),
    "appreciations.pour_l_eleve": (LIRE, lambda s, a, x: appreciations.pour_l_eleve(s, a, x["eleve"])),
    "appreciations.non_lues": (LIRE, lambda s, a, x: appreciations.non_lues(s, a, x["eleve"])),
    "appreciations.marquer_lues": (SOI, lambda s, a, x: appreciations.marquer_lues(s, a, [x["appreciation"]])),
    "audit.consultations_de_mon_passeport": (SOI, lambda s, a, x: audit.consultations_de_mon_passeport(s, a)),
    "audit.journal_csv": (ADMINISTRER, lambda s, a, x: audit.journal_csv(s, a)),
    "administration.premiers_mots_de_passe": (
        ADMINISTRER, lambda s, a, x: administration.premiers_mots_de_passe(s, a, x["division"])),
    "administration.reinitialiser_mot_de_passe": (
        ADMINISTRER, lambda s, a, x: administration.reinitialiser_mot_de_passe(s, a, x["compte"])),
    "administration.divisions": (ADMINISTRER, lambda s, a, x: administration.divisions(s, a)),
    "administration.chercher_eleves": (ADMINISTRER, lambda s, a, x: administration.chercher_eleves(s, a, "mor")),
    "administration.regler_division": (ADMINISTRER, lambda s, a, x: administration.regler_division(
        s, a, x["division"], "2027-2028", "ga-2012")),
    "administration.ouvrir_consultation": (ADMINISTRER, lambda s, a, x: administration.ouvrir_consultation(
        s, a, x["eleve"], "Demande de la famille")),
    "administration.enregistrer_sortie": (ADMINISTRER, lambda s, a, x: administration.enregistrer_sortie(
        s, a, x["eleve"], dt.date(2027, 7, 4))),
    "archive.archive_de_l_eleve": ({"lea"}, lambda s, a, x: archive.archive_de_l_eleve(s, a, x["eleve"])),
    "administration.enseignants": (ADMINISTRER, lambda s, a, x: administration.enseignants(s, a)),
    "administration.creer_enseignant": (ADMINISTRER, lambda s, a, x: administration.creer_enseignant(s, a, "Jo", "Roy")),
    "administration.lier_enseignant": (ADMINISTRER, lambda s, a, x: administration.lier_enseignant(
        s, a, x["martin"], [x["division"]])),
    "administration.creer_division": (ADMINISTRER, lambda s, a, x: administration.creer_division(
        s, a, "TGA9", "Tle", "2027-2028", "ga-2012")),
    "administration.changer_de_division": (ADMINISTRER, lambda s, a, x: administration.changer_de_division(
        s, a, x["eleve"], x["division"])),
    "administration.chercher_comptes": (ADMINISTRER, lambda s, a, x: administration.chercher_comptes(s, a, "lea")),
    "administration.exiger_admin_de": (ADMINISTRER, lambda s, a, x: administration.exiger_admin_de(a, x["etab"])),
    "etablissement.definir_quota": (ADMINISTRER, lambda s, a, x: etablissement.definir_quota(s, a, 300)),
    "conservation.definir_conservation": (ADMINISTRER, lambda s, a, x: conservation.definir_conservation(s, a, 24)),
    "conservation.etat_conservation": (ADMINISTRER, lambda s, a, x: conservation.etat_conservation(s, a)),
    "conservation.fin_de_conservation": (SOI, lambda s, a, x: conservation.fin_de_conservation(s, a)),
    "pfmp.enregistrer_pfmp": (GERER_PFMP, lambda s, a, x: pfmp.enregistrer_pfmp(
        s, a, x["eleve"], "Mairie", dt.date(2027, 1, 4), dt.date(2027, 1, 29), "Mme Roux")),
    "accueil.eleves_de_mes_divisions": ({"martin", "leroy"}, lambda s, a, x: accueil.eleves_de_mes_divisions(s, a)),
    # The home pages (issue 13: they took an account id, unchecked).
    "accueil.divisions_enseignant": (ENSEIGNANTS, lambda s, a, x: accueil.divisions_enseignant(s, a)),
    "accueil.pfmp_du_tuteur": (set(), lambda s, a, x: accueil.pfmp_du_tuteur(s, a)),  # tutors' accounts only
    "accueil.resume_etablissement": (ADMINISTRER, lambda s, a, x: accueil.resume_etablissement(s, a)),
    # Imports: the school's administrator (students) or the CLI's operator (acces.OPERATEUR, tested below).
    "imports.importer_eleves": (ADMINISTRER, lambda s, a, x: imports.importer_eleves(
        s, a, "identifiant;nom;prenom;division\nINE9;Roux;Lou;1GA1\n".encode(), s.get(Etablissement, x["etab"]))),
    "imports.importer_fiches": (set(), lambda s, a, x: imports.importer_fiches(s, a, FICHES_CSV)),
    "rentree.etablissement_de": (ADMINISTRER, lambda s, a, x: rentree.etablissement_de(s, a, x["etab"])),
    "rentree_siecle.prevoir_siecle": (ADMINISTRER, lambda s, a, x: rentree_siecle.prevoir_siecle(
        s, a, SIECLE, x["etab"])),
    "rentree_siecle.appliquer_siecle": (ADMINISTRER, lambda s, a, x: rentree_siecle.appliquer_siecle(
        s, a, SIECLE, x["etab"], rentree_siecle.prevoir_siecle(s, a, SIECLE, x["etab"]).empreinte)),
    "administration.nouveaux_comptes": (ADMINISTRER, lambda s, a, x: administration.nouveaux_comptes(s, a)),
    "administration.premiers_mots_de_passe_des_nouveaux": (
        ADMINISTRER, lambda s, a, x: administration.premiers_mots_de_passe_des_nouveaux(s, a)),
    "annee_scolaire.annees_connues": (ADMINISTRER, lambda s, a, x: annee_scolaire.annees_connues(s, a)),
    "annee_scolaire.reconduire_divisions": (ADMINISTRER, lambda s, a, x: annee_scolaire.reconduire_divisions(
        s, a, "2026-2027", "2027-2028")),
    "annee_scolaire.journal_de_la_rentree": (ADMINISTRER, lambda s, a, x: annee_scolaire.journal_de_la_rentree(s, a)),
    "annee_scolaire.divisions_de_l_annee": (ADMINISTRER, lambda s, a, x: annee_scolaire.divisions_de_l_annee(
        s, a, "2026-2027")),
    # The rentrée's imports (issue 16): the school's administrator, or the CLI's operator.
    "rentree_sts.prevoir_sts": (ADMINISTRER, lambda s, a, x: rentree_sts.prevoir_sts(s, a, STS_XML, x["etab"])),
    "rentree_sts.appliquer_sts": (ADMINISTRER, lambda s, a, x: rentree_sts.appliquer_sts(
        s, a, STS_XML, x["etab"], rentree_sts.prevoir_sts(s, OPERATEUR, STS_XML, x["etab"]).empreinte)),
    # The command's exports and reimport: its operator only (acces.OPERATEUR, tested below), nobody signed in.
    "exploitation.exporter_passeport": (set(), lambda s, a, x: exploitation.exporter_passeport(
        s, a, x["eleve"], io.BytesIO())),
    "exploitation.importer_passeport": (set(), lambda s, a, x: exploitation.importer_passeport(s, a, io.BytesIO())),
    "exploitation.livret": (set(), lambda s, a, x: exploitation.livret(s, a, x["eleve"])),
    "exploitation.dossiers_ccf": (set(), lambda s, a, x: exploitation.dossiers_ccf(s, a, x["division"], "E31")),
    "exploitation.exporter_fiches": (set(), lambda s, a, x: exploitation.exporter_fiches(s, a, "/nulle-part/x.csv")),
    "conservation.comptes_a_purger": (set(), lambda s, a, x: conservation.comptes_a_purger(s, a, dt.date(2026, 1, 1))),
    "conservation.purger": (set(), lambda s, a, x: conservation.purger(s, a, dt.date(2026, 1, 1), essai=True)),
    "pfmp.pfmp_de_l_eleve": (GERER_PFMP, lambda s, a, x: pfmp.pfmp_de_l_eleve(s, a, x["eleve"])),
    # Teachers create the tutor's link and print it: the student never sees a live link (issue 12).
    "pfmp.creer_lien": (ENSEIGNER, lambda s, a, x: pfmp.creer_lien(s, a, x["pfmp"], dt.datetime(2026, 11, 20))),
    "pfmp.lien_actif": (GERER_PFMP, lambda s, a, x: pfmp.lien_actif(s, a, x["pfmp"])),
    "pfmp.revoquer_lien": (GERER_PFMP, lambda s, a, x: pfmp.revoquer_lien(s, a, x["pfmp"])),
    "cockpit.mes_divisions": ({"martin", "leroy"}, lambda s, a, x: cockpit.mes_divisions(s, a)),
    "cockpit.carte_de_la_division": (ENSEIGNER, lambda s, a, x: cockpit.carte_de_la_division(
        s, a, x["entrepot"], x["division"])),
    "cockpit.synthese_de_la_division": (ENSEIGNER, lambda s, a, x: cockpit.synthese_de_la_division(
        s, a, x["entrepot"], x["division"])),
    "cockpit.profil_de_l_eleve": (ENSEIGNER, lambda s, a, x: cockpit.profil_de_l_eleve(
        s, a, x["entrepot"], x["eleve"])),
    "cockpit.objectifs_suggeres": (ENSEIGNER, lambda s, a, x: cockpit.objectifs_suggeres(
        s, a, x["entrepot"], x["eleve"])),
    "cockpit.export_de_la_division": (ENSEIGNER, lambda s, a, x: cockpit.export_de_la_division(
        s, a, x["entrepot"], x["division"])),
    "objectifs.pfmp_a_venir": (ENSEIGNER, lambda s, a, x: objectifs.pfmp_a_venir(s, a, x["eleve"])),
    "objectifs.enregistrer_objectifs": (ENSEIGNER, lambda s, a, x: objectifs.enregistrer_objectifs(
        s, a, x["pfmp"], [objectifs.ObjectifSaisi("2.1.1", "jamais_traversee")])),
    "objectifs.objectifs_de_la_pfmp": (LIRE, lambda s, a, x: objectifs.objectifs_de_la_pfmp(s, a, x["pfmp"])),
    # The 55 situations with each teacher's latest position (issue 14): the student and the division's teachers.
    "situations.situations_de_l_eleve": (LIRE, lambda s, a, x: situations.situations_de_l_eleve(s, a, x["eleve"])),
    "appreciations.ecrire": (ENSEIGNER, lambda s, a, x: appreciations.ecrire(s, a, x["eleve"], "Précise", x["fiche"])),
    "appreciations.corriger": (ENSEIGNER, lambda s, a, x: appreciations.corriger(s, a, x["appreciation"], "Très bien")),
    "appreciations.retirer": (ENSEIGNER, lambda s, a, x: appreciations.retirer(s, a, x["appreciation"])),
    "appreciations.versions": (LIRE, lambda s, a, x: appreciations.versions(s, a, x["appreciation"])),
    "formulations.bibliotheque": (ENSEIGNANTS, lambda s, a, x: formulations.bibliotheque(
        s, a, charger("ga-2012"), "1.1.1", "alea")),
    "formulations.ajouter": (ENSEIGNANTS, lambda s, a, x: formulations.ajouter(s, a, "Une phrase", "alea")),
    "formulations.retirer": (ENSEIGNER, lambda s, a, x: formulations.retirer(s, a, x["formulation"])),
    "suivi.positionner": (ENSEIGNER, lambda s, a, x: suivi.positionner(s, a, x["fiche"], 3)),
    "suivi.positionnements": (LIRE, lambda s, a, x: suivi.positionnements(s, a, x["fiche"])),
    "suivi.noter_questionnement": (ENSEIGNER, lambda s, a, x: suivi.noter_questionnement(
        s, a, x["fiche"], ["alea_imprevu"])),
    "suivi.fiche_suivie": (ENSEIGNER, lambda s, a, x: suivi.fiche_suivie(s, a, x["fiche"])),
    "suivi.difference_entre": (LIRE, lambda s, a, x: suivi.difference_entre(s, a, x["fiche"], 1)),
    "nouveautes.derniere_visite": (ENSEIGNANTS, lambda s, a, x: nouveautes.derniere_visite(s, a)),
    "nouveautes.fiches_nouvelles": (ENSEIGNANTS, lambda s, a, x: nouveautes.fiches_nouvelles(s, a)),
    "nouveautes.nombre_de_fiches_nouvelles": (ENSEIGNANTS, lambda s, a, x: nouveautes.nombre_de_fiches_nouvelles(s, a)),
    "nouveautes.marquer_lue": (ENSEIGNER, lambda s, a, x: nouveautes.marquer_lue(s, a, x["fiche"])),
    "nouveautes.marquer_lues": (ENSEIGNER, lambda s, a, x: nouveautes.marquer_lues(s, a, [x["fiche"]])),
    "nouveautes.tout_marquer_lu": (ENSEIGNANTS, lambda s, a, x: nouveautes.tout_marquer_lu(s, a)),
    "nouveautes.pour_l_eleve": (SOI, lambda s, a, x: nouveautes.pour_l_eleve(s, a)),
    "nouveautes.nombre_pour_l_eleve": (SOI, lambda s, a, x: nouveautes.nombre_pour_l_eleve(s, a)),
    "nouveautes.marquer_vues": (SOI, lambda s, a, x: nouveautes.marquer_vues(s, a)),
    "pfmp.bilans_de_l_eleve": (LIRE, lambda s, a, x: pfmp.bilans_de_l_eleve(s, a, x["eleve"])),
    "ecrits.ecrits_de_la_division": (ENSEIGNER, lambda s, a, x: ecrits.ecrits_de_la_division(s, a, x["division"])),
    "extraits.situations_pour_l_offre": (SOI, lambda s, a, x: extraits.situations_pour_l_offre(
        s, a, "Devis et factures")),
    "extraits.fiches_a_choisir": (SOI, lambda s, a, x: extraits.fiches_a_choisir(s, a, pole="1")),
    "extraits.creer_extrait": (ECRIRE, lambda s, a, x: extraits.creer_extrait(s, a, "Candidature", [x["fiche"]])),
    "extraits.mes_extraits": (SOI, lambda s, a, x: extraits.mes_extraits(s, a)),
    "extraits.creer_lien": (ECRIRE, lambda s, a, x: extraits.creer_lien(s, a, x["extrait"], 30)),
    "extraits.revoquer_lien": (ECRIRE, lambda s, a, x: extraits.revoquer_lien(s, a, x["extrait"])),
    "extraits.apercu": (ECRIRE, lambda s, a, x: extraits.apercu(s, a, x["extrait"])),
    "extraits.pdf_de_l_extrait": (ECRIRE, lambda s, a, x: extraits.pdf_de_l_extrait(s, a, x["extrait"])),
    "livret.donnees_livret": (LIRE, lambda s, a, x: livret.donnees_livret(s, a, x["eleve"], appreciations=True,
                                                                          bilans=True)),
    "grille.grille_de_la_division": (ENSEIGNER, lambda s, a, x: grille.grille_de_la_division(
        s, a, x["entrepot"], x["division"])),
    "dossier_ccf.synthese_division": (ENSEIGNER, lambda s, a, x: dossier_ccf.synthese_division(
        s, a, x["division"], "E31")),
    "dossier_ccf.dossier_eleve": (ENSEIGNER, lambda s, a, x: dossier_ccf.dossier_eleve(s, a, x["eleve"], "E31")),
    "dossier_ccf.dossiers_division": (ENSEIGNER, lambda s, a, x: dossier_ccf.dossiers_division(
        s, a, x["division"], "E31")),
    "dossier_ccf.compte_rendu": (ENSEIGNER, lambda s, a, x: dossier_ccf.compte_rendu(s, a, x["reunion_ccf"])),
    "ccf.epreuves_de_la_division": (ENSEIGNER, lambda s, a, x: ccf.epreuves_de_la_division(s, a, x["division"])),
    "ccf.epreuves_saisies": (ENSEIGNANTS, lambda s, a, x: ccf.epreuves_saisies(s, a, "agora-2020")),
    "ccf.ajouter_epreuve": (ENSEIGNANTS, lambda s, a, x: ccf.ajouter_epreuve(s, a, "agora-2020", "E1", "Clients", ["1"])),
    "ccf.retirer_epreuve": (ENSEIGNANTS, lambda s, a, x: ccf.retirer_epreuve(s, a, _epreuve_locale(s, x))),
    # The référentiel completed by the team (issue 14): the school's teachers and administrator edit; every member
    # of the school reads what the fiche form shows.
    "listes_equipe.lister": (EQUIPE, lambda s, a, x: listes_equipe.lister(s, a, "ga-2012")),
    "listes_equipe.historique": (EQUIPE, lambda s, a, x: listes_equipe.historique(s, a, "ga-2012")),
    "listes_equipe.exporter_csv": (EQUIPE, lambda s, a, x: listes_equipe.exporter_csv(s, a, "ga-2012")),
    "listes_equipe.importer_csv": (EQUIPE, lambda s, a, x: listes_equipe.importer_csv(
        s, a, "ga-2012", "situation_code;type;libelle\n2.1.1;alea;Grève\n".encode())),
    "listes_equipe.ajouter": (EQUIPE, lambda s, a, x: listes_equipe.ajouter(s, a, "ga-2012", "2.1.1", "alea", "Grève")),
    "listes_equipe.modifier": (EQUIPE, lambda s, a, x: listes_equipe.modifier(s, a, _ligne_equipe(s, x), "Grève")),
    "listes_equipe.retirer": (EQUIPE, lambda s, a, x: listes_equipe.retirer(s, a, _ligne_equipe(s, x))),
    "listes_equipe.propositions": (TOUS, lambda s, a, x: listes_equipe.propositions(s, a, "ga-2012", "1.1.2")),
    "listes_equipe.referentiel_de_l_etablissement": (TOUS, lambda s, a, x: listes_equipe.referentiel_de_l_etablissement(
        s, a, "ga-2012")),
    "ccf.selectionner": (ENSEIGNER, lambda s, a, x: ccf.selectionner(s, a, x["fiche"], "E31")),
    "ccf.retirer_selection": (ENSEIGNER, lambda s, a, x: ccf.retirer_selection(s, a, _selection(s, x), "E31")),
    "ccf.fiches_pour_l_epreuve": (ENSEIGNER, lambda s, a, x: ccf.fiches_pour_l_epreuve(s, a, x["eleve"], "E31")),
    "ccf.equipe_de_la_division": (ENSEIGNER, lambda s, a, x: ccf.equipe_de_la_division(s, a, x["division"])),
    "ccf.enregistrer_reunion": (ENSEIGNER, lambda s, a, x: ccf.enregistrer_reunion(
        s, a, x["division"], "E31", dt.date(2027, 3, 5), [x["martin"]])),
    "ccf.reunions": (ENSEIGNER, lambda s, a, x: ccf.reunions(s, a, x["division"], "E31")),
    "ccf.decider": (ENSEIGNER, lambda s, a, x: ccf.decider(
        s, a, x["eleve"], "E31", "1.1.2", 3, "Autonome", None, x["reunion_ccf"])),
    "ccf.historique": (ENSEIGNER, lambda s, a, x: ccf.historique(s, a, x["eleve"], "E31", "1.1.2")),
    "ccf.decisions_courantes": (ENSEIGNER, lambda s, a, x: ccf.decisions_courantes(s, a, x["division"], "E31")),
    "ccf.publier": (ENSEIGNER, lambda s, a, x: ccf.publier(s, a, x["division"], "E31")),
    "ccf.derniere_publication": (ENSEIGNER, lambda s, a, x: ccf.derniere_publication(s, a, x["division"], "E31")),
    "ccf.ccf_de_l_eleve": (LIRE, lambda s, a, x: ccf.ccf_de_l_eleve(s, a, x["eleve"])),
}
ACTEURS = ["lea", "noe", "martin", "leroy", "admin"]
STS_XML = ('<?xml version="1.0" encoding="ISO-8859-15"?><STS_EDT><PARAMETRES><UAJ CODE="0350001A"/>'
           '<ANNEE_SCOLAIRE ANNEE="2026"/></PARAMETRES><DONNEES><INDIVIDUS><INDIVIDU ID="7" TYPE="epp">'
           "<NOM_USAGE>LÉVÊQUE</NOM_USAGE><PRENOM>Hélène</PRENOM><FONCTION>ENS</FONCTION></INDIVIDU></INDIVIDUS>"
           '<STRUCTURE><DIVISIONS><DIVISION CODE="1GA1"><SERVICES><SERVICE><ENSEIGNANTS><ENSEIGNANT ID="7"/>'
           "</ENSEIGNANTS></SERVICE></SERVICES></DIVISION></DIVISIONS></STRUCTURE></DONNEES></STS_EDT>"
           ).encode("iso-8859-15")
FICHES_CSV = ("eleve;situation;titre;date_debut;date_fin;lieu;nature;organisation;contexte;conditions;demarche;"
              "productions;complexite;complexite_details;aleas;aleas_details;retenue\n"
              "INE1;1.1.1;Accueil;2026-10-01;;etablissement;reelle;;;;;;1;;0;;0\n").encode()

# The tutor coming through a link: ``acces_tuteur`` (services.pfmp.AccesTuteur) is the actor, checked again in the
# database on every call (acces.exiger_lien_tuteur). name → call(session, acces_tuteur, ids).
ACTIONS_TUTEUR = {
    "pfmp.se_presenter": lambda s, t, x: pfmp.se_presenter(s, t, "Julien Garnier"),
    "pfmp.fiches_du_tuteur": lambda s, t, x: pfmp.fiches_du_tuteur(s, t),
    "pfmp.commenter": lambda s, t, x: pfmp.commenter(s, t, x["fiche"], "Bien."),
    "pfmp.commentaires_du_lien": lambda s, t, x: pfmp.commentaires_du_lien(s, t),
    "pfmp.corriger_commentaire": lambda s, t, x: pfmp.corriger_commentaire(s, t, x["commentaire"], "Très bien."),
    "pfmp.situations_du_bilan": lambda s, t, x: pfmp.situations_du_bilan(s, t),
    "pfmp.enregistrer_bilan": lambda s, t, x: pfmp.enregistrer_bilan(s, t, {}, "Sérieuse."),
    "objectifs.objectifs_pour_le_tuteur": lambda s, t, x: objectifs.objectifs_pour_le_tuteur(s, t),
    "pieces.pieces_pour_tuteur": lambda s, t, x: pieces.pieces_pour_tuteur(s, t),
    "pieces.lire_pour_tuteur": lambda s, t, x: pieces.lire_pour_tuteur(s, t, x["piece"]),
    "pieces.apercu_pour_tuteur": lambda s, t, x: pieces.apercu_pour_tuteur(s, t, x["piece"]),
}

# Public service functions that take no actor, each with why (a new one must be added here, with its reason, or
# take the actor). "pur": computes from its arguments, reads and writes nothing. "interne": reads the store for a
# service that has already checked the access; never called by a page, app.py, the web routes or the CLI (checked
# below). "entree": establishes who the actor is (sign-in, session cookie, a link's token is the credential).
# "exploitation": the CLI's operator on the server, who already holds the database and its files.
SANS_ACTEUR = {
    "listes_equipe.cle": "pur", "listes_equipe.items_de": "pur", "listes_equipe.les_plus_frequents": "pur",
    "listes_equipe.probleme_de_libelle": "pur",
    "appreciations.dans_le_delai": "pur", "appreciations.nouvelle_version": "pur",
    "appreciations.verifier_delai": "pur", "archive.iso_instant": "pur", "archive.iso_jour": "pur",
    "brouillons.champs_de": "pur", "brouillons.champs_modifies": "pur", "brouillons.champs_vides": "pur",
    "brouillons.contenu_depuis": "pur", "brouillons.lignes": "pur", "brouillons.nouvelle_cle": "pur",
    "ccf.referentiel_sans_epreuves_officielles": "pur", "comptes.hacher": "pur", "comptes.login_disponible": "pur",
    "comptes.probleme_mot_de_passe": "pur", "comptes.verifier": "pur", "contextes.texte_contexte": "pur",
    "dossier_ccf.cle_alpha": "pur", "dossier_ccf.dernieres": "pur", "dossier_ccf.historiques": "pur",
    "dossier_ccf.titre_court": "pur", "extraits.statut_du_lien": "pur", "fiches.contenu_de": "pur",
    "fiches.details": "pur", "fiches.differences": "pur", "fiches.joindre_details": "pur",
    "fiches.niveau_aleas_propose": "pur", "fiches.niveau_complexite_propose": "pur",
    "fiches.problemes_du_contenu": "pur", "fiches.problemes_par_champ": "pur", "fiches.version_depuis_contenu": "pur",
    "formulations.du_referentiel": "pur", "grille.filtres_en_mots": "pur", "grille.grille_depuis": "pur",
    "livret.fiche_imprimee": "pur", "pieces.nom_propre": "pur", "pieces.type_du_contenu": "pur",
    "pieces.verifier_fichier": "pur",
    "archive.contenu_passeport": "interne",
    # The file name (name, first name, date) of the archive the page offers the student: their own passport.
    "archive.nom_de_l_archive": "nom du fichier de sa propre archive",
    "comptes.logins_pris": "interne", "comptes.utilisateur_de": "interne", "dossier_ccf.construire_compte_rendu": "interne",
    "dossier_ccf.construire_dossier": "interne", "fiches.creer_fiche": "interne", "livret.donnees_extrait": "interne",
    "livret.pieces_imprimees": "interne", "pieces.espace_utilise": "interne", "pieces.quota": "interne",
    "reimport.passeport_vide": "interne",
    # Only the name of the référentiel of the student's own division (pages of the student): no personal data.
    "fiches.referentiel_de_l_eleve": "lecture du nom du référentiel de sa propre division",
    "comptes.authentifier": "entree", "sessions.compte_de_la_session": "entree", "sessions.fermer": "entree",
    "sessions.ouvrir": "entree", "sessions.utilisateur": "entree", "pfmp.ouvrir": "entree",
    "extraits.ouvrir_lien": "entree", "extraits.pdf_du_partage": "entree",  # the share link's token
    # Keeps the text typed when the session ended, under the draft key of the student who typed it.
    "brouillons.brouillon_apres_fin_de_session": "entree",
    # Builders of the command's exports (services.exploitation checks the operator, then calls them).
    "archive.ecrire_archive": "interne", "exports.exporter_fiches": "interne", "reimport.importer_passeport": "interne",
    "livret.assembler_livret": "interne", "dossier_ccf.construire_dossiers": "interne",
    "dossier_ccf.construire_synthese": "interne",
    # Added with the other parts of issue 13 (classified by "regles": their authors confirm).
    "comptes.cle_du_login": "pur", "comptes.ressemble_au_login": "pur", "comptes.trop_courant": "pur",
    "conservation.ajouter_mois": "pur", "conservation.aujourd_hui": "pur", "conservation.conserve_jusqu_au": "pur",
    "pieces.controler_zip": "pur",
    "conservation.effacer_fichiers": "exploitation", "sessions.fermer_toutes": "interne",
    # The rentrée's imports (issue 16): checks on a file already read, computed from their arguments.
    "rentree.verifier_uaj": "pur", "rentree.empreinte": "pur", "rentree.nom_simple": "pur",
    "rentree.ecrire": "interne",
}


def _selection(s, x) -> int:
    """A fiche of Léa selected for E31 by Claire Martin, to be unselected (rolled back with a refused call)."""
    s.add(SelectionCcf(eleve_id=x["eleve"], epreuve="E31", fiche_id=x["fiche"], choisie_par_id=x["martin"]))
    s.flush()
    return x["fiche"]


def _ligne_equipe(s, x) -> int:
    from passeport.models import LigneListe

    ligne = LigneListe(etablissement_id=x["etab"], referentiel="ga-2012", situation="2.1.1", type="alea",
                       libelle="Absence d'un salarié", cree_par_id=x["martin"])
    s.add(ligne)
    s.flush()
    return ligne.id


def _epreuve_locale(s, x) -> int:
    """An AGORA épreuve of the school, to be withdrawn."""
    locale = EpreuveLocale(etablissement_id=x["etab"], referentiel="agora-2020", code="E9", titre="Test", poles="1",
                           cree_par_id=x["martin"])
    s.add(locale)
    s.flush()
    return locale.id


def _construire_monde(engine) -> tuple:
    """The school of tests/ecole.py with one of each thing the actions touch; returns (ecole, ids)."""
    ecole = creer_ecole(engine)
    with transaction(engine) as s:
        fiche = fiches.nouvelle_fiche(s, ecole.lea, CONTENU)
        piece = pieces.ajouter(s, ecole.lea, fiche.id, "a.pdf", fichiers.pdf())
        contexte = contextes.enregistrer(s, ecole.lea, contextes.Contexte("PFMP"))
        appreciation = Appreciation(eleve_id=ecole.lea.eleve_id, fiche_id=fiche.id, auteur_id=ecole.martin.compte_id,
                                    texte="Bien")
        s.add(appreciation)
        periode = pfmp.enregistrer_pfmp(s, ecole.martin, ecole.lea.eleve_id, "BIOMAG", dt.date(2026, 11, 16),
                                        dt.date(2026, 12, 11), "Julien Garnier")
        formulation = formulations.ajouter(s, ecole.martin, "Cherche un aléa.", "alea")
        extrait = extraits.creer_extrait(s, ecole.lea, "Pour un stage", [fiche.id])
        brouillon = brouillons.enregistrer(s, ecole.lea, "cle-de-lea-000000001", {"demarche": "J'ai commencé."})
        reunion_ccf = ReunionCcf(division_id=fiche.eleve.division_id, epreuve="E31", date_reunion=dt.date(2027, 3, 4),
                                 cree_par_id=ecole.martin.compte_id)
        s.add(reunion_ccf)
        s.flush()
        ids = {"formulation": formulation.id, "fiche": fiche.id, "piece": piece.id, "contexte": contexte.id, "eleve": ecole.lea.eleve_id,
               "appreciation": appreciation.id, "division": fiche.eleve.division_id, "compte": ecole.lea.compte_id,
               "etab": ecole.admin.etablissement_id, "pfmp": periode.id, "martin": ecole.martin.compte_id,
               "reunion_ccf": reunion_ccf.id, "extrait": extrait.id, "brouillon": brouillon.cle}
    return ecole, ids


@pytest.fixture(scope="module")
def monde_modele(tmp_path_factory, schema_sqlite):
    """On SQLite, the world built once for the module (its database file and attachments folder), copied by each
    test: the permission table has ~800 tests, and building the world costs more than the call it checks."""
    dossier = tmp_path_factory.mktemp("monde")
    shutil.copyfile(schema_sqlite, dossier / "monde.sqlite")
    engine = creer_engine(f"sqlite:///{dossier / 'monde.sqlite'}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PASSEPORT_DONNEES", str(dossier / "donnees"))
        ecole, ids = _construire_monde(engine)
    engine.dispose()  # checkpointed: the file alone holds the world
    return dossier, ecole, ids


@pytest.fixture
def monde(empty_db_url, tmp_path, monkeypatch, request):
    monkeypatch.setenv("PASSEPORT_DONNEES", str(tmp_path / "donnees"))
    if empty_db_url.startswith("sqlite:///"):
        dossier, ecole, ids = request.getfixturevalue("monde_modele")
        shutil.copyfile(dossier / "monde.sqlite", empty_db_url.removeprefix("sqlite:///"))
        shutil.copytree(dossier / "donnees", tmp_path / "donnees")
        engine = creer_engine(empty_db_url)
        with engine.begin() as conn:  # a store of its own for the analytics copy
            conn.execute(text("UPDATE analytique_compteur SET generation = :g"), {"g": str(uuid.uuid4())})
    else:
        engine = creer_engine(empty_db_url)
        initialiser(engine)
        ecole, ids = _construire_monde(engine)
    entrepot = Entrepot(engine.url.render_as_string(hide_password=False))
    yield engine, ecole, {**ids, "entrepot": entrepot}
    entrepot.fermer()
    engine.dispose()


def _etat(engine) -> dict[str, int]:
    with Session(engine) as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("qui", ACTEURS)
def test_permission_table(monde, qui, action):
    engine, ecole, ids = monde
    autorises, appel = ACTIONS[action]
    acteur = getattr(ecole, qui)
    avant = _etat(engine)
    if qui in autorises:
        with transaction(engine) as s:
            appel(s, acteur, ids)
    else:
        with pytest.raises((AccesRefuse, FicheIntrouvable, BrouillonIntrouvable)), transaction(engine) as s:
            appel(s, acteur, ids)
        assert _etat(engine) == avant


def _fonctions_publiques() -> dict[str, inspect.Signature]:
    """Every public function defined in passeport/services/*, by "module.name"."""
    trouvees = {}
    for module in pkgutil.iter_modules(services.__path__):
        mod = __import__(f"passeport.services.{module.name}", fromlist=["_"])
        for nom, fonction in inspect.getmembers(mod, inspect.isfunction):
            if fonction.__module__ == mod.__name__ and not nom.startswith("_"):
                trouvees[f"{module.name}.{nom}"] = inspect.signature(fonction).parameters
    return trouvees


def test_the_table_covers_every_service_function_that_takes_an_actor():
    fonctions = _fonctions_publiques()
    avec_acteur = {nom for nom, parametres in fonctions.items() if "acteur" in parametres}
    # comptes.changer_mot_de_passe acts on the actor's own account only, tested in test_comptes.
    assert avec_acteur - {"comptes.changer_mot_de_passe"} == set(ACTIONS)
    assert {nom for nom, parametres in fonctions.items() if "acces_tuteur" in parametres} == set(ACTIONS_TUTEUR)


def test_a_service_function_without_an_actor_is_listed_with_its_reason():
    fonctions = _fonctions_publiques()
    sans = {nom for nom, parametres in fonctions.items() if "acteur" not in parametres and "acces_tuteur" not in parametres}
    assert sans == set(SANS_ACTEUR), "ajoutez l'acteur à la fonction, ou sa raison à SANS_ACTEUR"
    # The "pur" ones really touch no store: no session parameter.
    assert [nom for nom, raison in SANS_ACTEUR.items() if raison == "pur" and "session" in fonctions[nom]] == []


def test_internal_helpers_are_never_called_from_a_page_or_the_command():
    """What a page, app.py, the web routes or the CLI may call takes the actor (or establishes it)."""
    import re
    from pathlib import Path

    racine = Path(__file__).resolve().parent.parent
    sources = {f: f.read_text() for f in [racine / "app.py", racine / "passeport" / "web.py", racine / "passeport" / "cli.py",
                                           *(racine / "pages").glob("*.py"), *(racine / "ui").glob("*.py")]}
    def appelle(texte: str, nom: str) -> bool:
        module, fonction = nom.split(".")
        importee = re.search(rf"from passeport\.services\.{module} import [^\n]*\b{fonction}\b", texte)
        return bool(re.search(rf"\b{module}\.{fonction}\(", texte) or importee and re.search(rf"\b{fonction}\(", texte))

    appels = [(nom, f.name) for nom, raison in SANS_ACTEUR.items() if raison == "interne"
              for f, texte in sources.items() if appelle(texte, nom)]
    assert appels == []


@pytest.fixture
def liens(monde):
    """A valid tutor's link on Léa's PFMP (with one comment of it), and a revoked one."""
    engine, ecole, ids = monde
    with transaction(engine) as s:
        fiches.partager_avec_tuteur(s, ecole.lea, ids["fiche"], ids["pfmp"])
        ancien = pfmp.creer_lien(s, ecole.martin, ids["pfmp"])
        revoque = pfmp.se_presenter(s, pfmp.ouvrir(s, ancien), "Ancien tuteur")
    with transaction(engine) as s:
        valide = pfmp.se_presenter(s, pfmp.ouvrir(s, pfmp.creer_lien(s, ecole.martin, ids["pfmp"])), "Julien Garnier")
        commentaire = pfmp.commenter(s, valide, ids["fiche"], "Premier commentaire.").id
    return engine, valide, revoque, {**ids, "commentaire": commentaire}


@pytest.mark.parametrize("action", sorted(ACTIONS_TUTEUR))
def test_tutor_functions_need_a_live_link(liens, action):
    engine, valide, revoque, ids = liens
    avant = _etat(engine)
    with pytest.raises(AccesRefuse, match="plus valable"), transaction(engine) as s:
        ACTIONS_TUTEUR[action](s, revoque, ids)
    assert _etat(engine) == avant
    with transaction(engine) as s:
        ACTIONS_TUTEUR[action](s, valide, ids)


def test_the_operator_of_the_command_imports_an_administrator_of_another_school_does_not(monde):
    from passeport.acces import OPERATEUR
    from passeport.services.comptes import Utilisateur
    from passeport.models import Role

    engine, ecole, ids = monde
    ailleurs = Utilisateur(ecole.admin.compte_id, "admin", Role.ADMIN, "Admin", ids["etab"] + 1)
    with pytest.raises(AccesRefuse), transaction(engine) as s:
        imports.importer_eleves(s, ailleurs, b"identifiant;nom;prenom;division\nINE9;Roux;Lou;1GA1\n",
                                s.get(Etablissement, ids["etab"]))
    with transaction(engine) as s:
        assert imports.importer_fiches(s, OPERATEUR, FICHES_CSV).crees == 1
        assert exploitation.livret(s, OPERATEUR, ids["eleve"]).nombre_de_fiches == 2
        assert len(exploitation.dossiers_ccf(s, OPERATEUR, ids["division"], "E31")[1]) == 1
        assert conservation.purger(s, OPERATEUR, essai=True).comptes == []  # nobody here has left
        # The operator is nobody else: no passport, no school.
        with pytest.raises(AccesRefuse):
            accueil.resume_etablissement(s, OPERATEUR)
        with pytest.raises(AccesRefuse):
            fiches.fiches_de_l_eleve(s, OPERATEUR, ids["eleve"])


# A student who left the school (Eleve.sorti_le → Utilisateur.lecture_seule) reads and downloads, writes nothing.
ECRITURES_DE_L_ELEVE = [
    "fiches.nouvelle_fiche", "fiches.enregistrer", "fiches.revenir_a", "fiches.supprimer", "fiches.restaurer",
    "fiches.retenir", "fiches.partager_avec_tuteur", "fiches.contenu_a_dupliquer", "brouillons.enregistrer",
    "brouillons.abandonner", "brouillons.publier", "brouillons.creer_depuis_poste",
    "pieces.ajouter", "pieces.retirer", "contextes.enregistrer", "contextes.supprimer", "pfmp.enregistrer_pfmp",
    "pfmp.revoquer_lien", "appreciations.marquer_lues", "nouveautes.marquer_vues",
    *[a for a in ("extraits.creer_extrait", "extraits.creer_lien") if a in ACTIONS],
]
LECTURES_DE_L_ELEVE = [
    "archive.archive_de_l_eleve", "fiches.lire_fiche", "fiches.historique", "fiches.fiches_de_l_eleve",
    "couverture.couverture_eleve", "couverture.entete_eleve", "appreciations.pour_l_eleve", "pieces.lister",
    "pieces.lire", "pieces.apercu_de_la_piece", "contextes.lister", "pfmp.pfmp_de_l_eleve", "pfmp.lien_actif", "pfmp.bilans_de_l_eleve",
    "audit.consultations_de_mon_passeport", "nouveautes.pour_l_eleve", "nouveautes.nombre_pour_l_eleve",
    "livret.donnees_livret", "extraits.mes_extraits", "extraits.apercu", "extraits.pdf_de_l_extrait",
    "extraits.revoquer_lien",  # closing a share link only protects the student
    "brouillons.lister", "brouillons.lire", "brouillons.de_la_fiche", "conservation.fin_de_conservation",
]


def test_a_former_student_reads_and_downloads_but_writes_nothing(monde):
    engine, ecole, ids = monde
    ancienne = dataclasses.replace(ecole.lea, lecture_seule=True)
    for action in ECRITURES_DE_L_ELEVE:
        assert "lea" in ACTIONS[action][0]
        avant = _etat(engine)
        with pytest.raises(AccesRefuse, match="lecture seule depuis votre départ"), transaction(engine) as s:
            ACTIONS[action][1](s, ancienne, ids)
        assert _etat(engine) == avant, action
    for action in LECTURES_DE_L_ELEVE:
        with transaction(engine) as s:
            ACTIONS[action][1](s, ancienne, ids)
