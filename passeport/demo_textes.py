"""French material for the demo school: organisations, people and, per GA situation, what a student did.

Written in the manner of real fiches ("Je suis assistante du chef de service dans l'entreprise BIOMAG…",
"Je dispose : d'un poste informatique…"). Plain data, no logic.
"""

# (nom, forme, effectif, secteur, ville, service où l'élève est accueilli·e, logiciel)
ORGANISATIONS = [
    ("BIOMAG", "SARL", 16, "distribution de produits biologiques", "Rennes", "achats", "le PGI EBP"),
    ("Transports Lemaire", "SAS", 45, "transport routier de marchandises", "Vitré", "exploitation", "le PGI Sage 100"),
    ("Mairie de Saint-Aubin", "collectivité territoriale", 38, "administration communale", "Saint-Aubin-du-Cormier",
     "accueil et état civil", "le logiciel de gestion des administrés"),
    ("Clinique vétérinaire des Tilleuls", "SELARL", 9, "santé animale", "Fougères", "secrétariat",
     "le logiciel de gestion de la clinique"),
    ("Cabinet Durand et associés", "SARL", 12, "expertise comptable", "Rennes", "secrétariat social",
     "le logiciel de paie Silae"),
    ("Menuiserie Bois et Design", "SARL", 9, "menuiserie et agencement", "Janzé", "administration des ventes",
     "le PGI Odoo"),
    ("Association Entraide Solidaire", "association loi 1901", 7, "aide alimentaire", "Rennes", "secrétariat",
     "un tableur partagé"),
    ("Hôtel du Parc", "SAS", 22, "hôtellerie", "Saint-Malo", "réception", "le logiciel de réservation"),
    ("Garage Martin Automobiles", "SARL", 14, "réparation automobile", "Cesson-Sévigné", "administration",
     "le logiciel de gestion d'atelier"),
    ("Agence immobilière Horizon", "SAS", 6, "transactions et gestion locative", "Rennes", "gestion locative",
     "le logiciel de gestion locative"),
    ("Pharmacie Centrale", "SELAS", 11, "officine", "Vitré", "administration", "le logiciel officinal"),
    ("Office de tourisme du Pays de Vitré", "EPIC", 18, "tourisme", "Vitré", "accueil", "le logiciel de billetterie"),
]

LYCEE = "Lycée professionnel Jean Moulin"
SERVICES_EPLE = ["intendance", "vie scolaire", "secrétariat de direction", "CDI", "secrétariat des examens"]
PROJETS = [
    "Forum des métiers du lycée", "Voyage d'études à Bruxelles", "Journée portes ouvertes",
    "Collecte solidaire de fin d'année", "Mini-entreprise « Les Papiers Verts »",
]
EMPLOIS_HORS_FORMATION = [
    ("Camping Les Pins", "job d'été à l'accueil"), ("Club de handball de Vitré", "bénévole au secrétariat"),
    ("Supermarché Proxi", "emploi étudiant le samedi"),
]
ENTREPRISE_PEDAGOGIQUE = "l'entreprise pédagogique « Bureau Plus » (espace professionnel du lycée)"

# (au féminin, au masculin)
POSTES = [
    ("assistante du chef de service", "assistant du chef de service"),
    ("assistante administrative", "assistant administratif"), ("assistante de gestion", "assistant de gestion"),
    ("agente d'accueil", "agent d'accueil"), ("assistante comptable", "assistant comptable"),
    ("secrétaire", "secrétaire"), ("gestionnaire des achats", "gestionnaire des achats"),
]
RESPONSABLES = [
    "ma tutrice, Mme Garnier", "mon tuteur, M. Lefèvre", "la responsable du service", "le chef de service",
    "la gérante", "le directeur", "ma professeure", "l'assistante de direction",
]

PRENOMS_F = [
    "Léa", "Manon", "Chloé", "Inès", "Camille", "Sarah", "Emma", "Jade", "Lina", "Yasmine", "Clara", "Anaïs",
    "Océane", "Maëlys", "Noémie", "Aya", "Lou", "Amira", "Zoé", "Justine",
]
PRENOMS_M = [
    "Lucas", "Hugo", "Nathan", "Enzo", "Yanis", "Théo", "Mathis", "Adam", "Noah", "Rayan", "Kylian", "Louis",
    "Ethan", "Mehdi", "Maxime", "Tom", "Bilal", "Sacha", "Axel", "Jules",
]
NOMS = [
    "Moreau", "Lefebvre", "Garcia", "Roux", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine",
    "Rousseau", "Vincent", "Muller", "Lopez", "Faure", "Andre", "Mercier", "Blanc", "Guerin", "Boyer",
    "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Perrin", "Robin", "Clément", "Morin", "Nicolas",
    "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand", "Duval", "Denis", "Dumont", "Marie",
    "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun", "Blanchard", "Giraud", "Joly", "Rivière",
    "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud", "Martinez", "Gérard", "Roche", "Renard", "Schmitt",
    "Benali", "Diallo", "Nguyen", "Traoré", "Kaya", "Haddad", "Da Silva", "Le Gall", "Le Roux", "Tessier",
]

# situation → (titre de fiche, ce que l'élève a fait, production)
SITUATIONS_GA = {
    "1.1.1": ("Mise à jour du fichier fournisseurs", "mettre à jour les fiches des fournisseurs dans la base",
              "fiches fournisseurs actualisées"),
    "1.1.2": ("Commande de fournitures", "préparer et passer une commande auprès d'un fournisseur habituel",
              "bon de commande"),
    "1.1.3": ("Contrôle d'une livraison et de sa facture",
              "contrôler la livraison reçue puis rapprocher le bon de livraison, la commande et la facture",
              "bon de livraison annoté, facture contrôlée"),
    "1.1.4": ("Inventaire et suivi des stocks", "compter les articles en stock et mettre à jour la fiche de stock",
              "fiche de stock, état des stocks"),
    "1.1.5": ("Règlement des fournisseurs", "préparer le règlement des factures fournisseurs arrivées à échéance",
              "échéancier, ordre de virement"),
    "1.2.1": ("Préparation d'un publipostage de prospection",
              "préparer un publipostage pour présenter nos services à des prospects", "lettre publipostée, fichier prospects"),
    "1.2.2": ("Mise à jour du fichier clients", "créer et mettre à jour des fiches clients", "fiches clients"),
    "1.2.3": ("Établissement d'un devis", "établir un devis à partir de la demande d'un client", "devis"),
    "1.2.4": ("Facturation d'une livraison client", "établir le bon de livraison puis la facture d'un client",
              "bon de livraison, facture"),
    "1.2.5": ("Relance d'un client en retard de paiement", "suivre les règlements clients et relancer les retards",
              "lettre de relance, état des impayés"),
    "1.3.1": ("Rapprochement bancaire", "pointer les relevés bancaires et préparer l'état de rapprochement",
              "état de rapprochement"),
    "1.3.2": ("Préparation de la déclaration de TVA", "rassembler les éléments de la déclaration de TVA du mois",
              "tableau de TVA collectée et déductible"),
    "1.3.3": ("Démarche auprès d'une administration", "constituer un dossier de formalité administrative",
              "dossier complet, courrier d'accompagnement"),
    "1.3.4": ("Échange avec un partenaire du métier", "préparer un échange avec un partenaire (assureur, chambre consulaire)",
              "compte rendu d'échange"),
    "2.1.1": ("Mise à jour des dossiers du personnel", "compléter et classer les dossiers des salariés",
              "dossiers salariés à jour"),
    "2.1.2": ("Décompte des heures et des congés", "décompter les heures travaillées et les congés du mois",
              "tableau de décompte, planning"),
    "2.1.3": ("Organisation d'un déplacement professionnel", "réserver le transport et l'hôtel d'un salarié en déplacement",
              "ordre de mission, réservations"),
    "2.1.4": ("Note d'information au personnel", "rédiger et diffuser une note d'information aux salariés",
              "note de service"),
    "2.2.1": ("Participation à un recrutement", "rédiger l'offre d'emploi et trier les candidatures reçues",
              "offre d'emploi, tableau de suivi des candidatures"),
    "2.2.2": ("Accueil d'un nouveau salarié", "préparer le livret d'accueil et le poste d'un nouveau salarié",
              "livret d'accueil, liste de contrôle"),
    "2.2.3": ("Suivi des entretiens professionnels", "préparer le planning et les convocations des entretiens professionnels",
              "planning, convocations"),
    "2.2.4": ("Inscription du personnel à une formation", "recenser les besoins et inscrire des salariés à une formation",
              "plan de formation, bulletins d'inscription"),
    "2.3.1": ("Préparation des éléments de paie", "rassembler les variables de paie et contrôler les bulletins",
              "tableau des variables, bulletins contrôlés"),
    "2.3.2": ("Préparation d'une déclaration sociale", "préparer les éléments de la déclaration sociale nominative",
              "état préparatoire de la DSN"),
    "2.3.3": ("Suivi du budget du personnel", "mettre à jour le tableau de suivi de la masse salariale",
              "tableau de suivi budgétaire"),
    "2.4.1": ("Organisation des élections du CSE", "préparer l'affichage et les listes pour les élections du CSE",
              "affiches, listes électorales"),
    "2.4.2": ("Tableau de bord social", "calculer les indicateurs d'absentéisme et d'effectif",
              "tableau de bord, graphiques"),
    "2.4.3": ("Mise à jour du document unique", "recenser les risques et mettre à jour le document unique",
              "document unique actualisé"),
    "2.4.4": ("Organisation d'une sortie du personnel", "organiser une activité sociale pour les salariés",
              "programme, tableau des inscriptions"),
    "3.1.1": ("Recherche d'informations", "rechercher et sélectionner des informations fiables pour mon responsable",
              "dossier documentaire"),
    "3.1.2": ("Réalisation d'un tableau de synthèse", "produire un document structuré à partir de données brutes",
              "tableau, graphique"),
    "3.1.3": ("Classement et archivage", "classer et archiver les documents du service", "plan de classement"),
    "3.2.1": ("Organisation d'une réunion", "réserver la salle, convoquer les participants et préparer les documents",
              "convocation, ordre du jour, compte rendu"),
    "3.2.2": ("Traitement du courrier", "enregistrer, trier et distribuer le courrier arrivé et départ",
              "registre du courrier"),
    "3.2.3": ("Accueil téléphonique", "répondre aux appels, filtrer et prendre des messages",
              "fiches de messages téléphoniques"),
    "3.2.4": ("Alimentation de l'espace collaboratif", "déposer et organiser des documents dans l'espace partagé",
              "arborescence de l'espace partagé"),
    "3.3.1": ("Accueil des visiteurs", "accueillir, renseigner et orienter les visiteurs", "registre des visiteurs"),
    "3.3.2": ("Aménagement d'un poste de travail", "préparer et vérifier un poste de travail pour un collaborateur",
              "liste de contrôle du poste"),
    "3.3.3": ("Suivi des contrats de maintenance", "recenser les contrats et leurs échéances", "tableau des contrats"),
    "3.3.4": ("Suivi du budget de fonctionnement", "saisir les dépenses du service et les comparer au budget",
              "tableau de suivi budgétaire"),
    "3.3.5": ("Gestion des fournitures de bureau", "recenser les besoins en fournitures et préparer la commande",
              "état des besoins, commande"),
    "3.4.1": ("Gestion de l'agenda de mon responsable", "planifier les rendez-vous dans l'agenda partagé",
              "agenda à jour"),
    "3.4.2": ("Planning des activités du service", "établir et suivre le planning de la semaine",
              "planning"),
    "4.1.1": ("Présentation du projet", "mettre en forme le descriptif du projet et le diffuser", "fiche projet, affiche"),
    "4.1.2": ("Base documentaire du projet", "organiser les documents du projet dans un dossier partagé",
              "arborescence, index des documents"),
    "4.1.3": ("Budget prévisionnel du projet", "établir le budget prévisionnel du projet", "budget prévisionnel"),
    "4.1.4": ("Autorisations pour le projet", "demander les autorisations nécessaires au projet",
              "demandes d'autorisation, autorisations parentales"),
    "4.1.5": ("Planning du projet", "établir et suivre le planning de réalisation du projet", "diagramme de Gantt"),
    "4.1.6": ("Contacts avec les partenaires du projet", "contacter les intervenants et partenaires du projet",
              "annuaire des partenaires, courriels"),
    "4.1.7": ("Réunion de suivi du projet", "préparer la réunion de suivi et rédiger le compte rendu",
              "ordre du jour, compte rendu"),
    "4.1.8": ("Logistique du projet", "réserver le matériel, les salles et le transport du projet",
              "tableau logistique, réservations"),
    "4.1.9": ("Suivi d'un dysfonctionnement du projet", "signaler un dysfonctionnement et proposer une solution",
              "fiche d'incident"),
    "4.2.1": ("Synthèse du projet", "préparer les documents de synthèse du projet", "diaporama de synthèse"),
    "4.2.2": ("Évaluation du projet", "exploiter le questionnaire de satisfaction du projet",
              "questionnaire, résultats commentés"),
    "4.2.3": ("Clôture du projet", "régler les dernières factures et archiver le dossier du projet",
              "état de clôture, dossier archivé"),
}

# Per classe: facteurs de complexité et aléas typiques (the référentiel lists 1.1.1's; the others are plausible).
COMPLEXITE_PAR_CLASSE = {
    "1.1": ["Fournisseurs UE et hors UE", "Tarifs conditionnels et variables", "Commande urgente"],
    "1.2": ["Client étranger", "Remises en cascade", "Client également fournisseur"],
    "1.3": ["Plusieurs comptes bancaires", "Taux de TVA multiples", "Délais réglementaires courts"],
    "2.1": ["Salariés à temps partiel", "Plusieurs sites", "Horaires décalés"],
    "2.2": ["Nombreuses candidatures", "Poste en alternance", "Salarié en situation de handicap"],
    "2.3": ["Absences et heures supplémentaires", "Plusieurs conventions collectives"],
    "2.4": ["Données confidentielles", "Plusieurs établissements"],
    "3.1": ["Sources nombreuses et contradictoires", "Volume important de données"],
    "3.2": ["Participants externes", "Courrier recommandé", "Appels simultanés"],
    "3.3": ["Visiteurs non francophones", "Plusieurs contrats à échéance proche"],
    "3.4": ["Agendas de plusieurs personnes", "Contraintes de délais fortes"],
    "4.1": ["Nombreux partenaires", "Budget contraint", "Autorisations multiples"],
    "4.2": ["Données incomplètes", "Plusieurs financeurs"],
}
ALEAS_PAR_CLASSE = {
    "1.1": ["Livraison incomplète", "Erreur de prix sur la facture", "Article en rupture chez le fournisseur"],
    "1.2": ["Client mécontent", "Erreur de quantité sur la commande", "Chèque sans provision"],
    "1.3": ["Opération bancaire inconnue", "Pièce justificative manquante"],
    "2.1": ["Salarié absent sans prévenir", "Annulation du train réservé"],
    "2.2": ["Candidat qui ne se présente pas", "Dossier d'embauche incomplet"],
    "2.3": ["Erreur sur un bulletin", "Arrêt maladie reçu en retard"],
    "2.4": ["Candidat retiré au dernier moment", "Accident du travail pendant la période"],
    "3.1": ["Panne du réseau", "Fichier corrompu"],
    "3.2": ["Salle déjà occupée", "Courrier égaré", "Interlocuteur agressif au téléphone"],
    "3.3": ["Visiteur sans rendez-vous", "Photocopieur en panne"],
    "3.4": ["Rendez-vous annulé au dernier moment", "Deux réunions au même créneau"],
    "4.1": ["Intervenant qui annule", "Dépassement du budget", "Car non disponible"],
    "4.2": ["Peu de réponses au questionnaire", "Facture non reçue"],
}

ETAPES = [
    "J'ai d'abord pris connaissance des consignes et des documents à ma disposition.",
    "J'ai ensuite vérifié les informations dans {logiciel}.",
    "J'ai saisi les données puis j'ai contrôlé mon travail.",
    "J'ai fait valider mon travail par {responsable} avant de l'enregistrer.",
    "Enfin, j'ai classé les documents dans le dossier partagé du service.",
]
TRAITEMENT_ALEA = [
    "Je l'ai signalé {a_responsable} et nous avons contacté l'interlocuteur pour corriger.",
    "J'ai noté l'anomalie, prévenu mon responsable et proposé une solution qui a été acceptée.",
    "J'ai repris les documents un par un pour trouver l'erreur, puis je l'ai corrigée.",
]
AJOUTS_VERSION = [
    "\nAprès relecture, j'ajoute que j'ai aussi mis à jour le tableau de suivi.",
    "\nJ'ai complété ma fiche : la validation finale a été faite par ma tutrice le lendemain.",
    "\nCorrection : le document a été envoyé par courriel et non par courrier.",
]

APPRECIATIONS_ENSEIGNANT = [
    "Fiche claire et bien détaillée. Précise davantage les documents utilisés.",
    "Bonne description de la démarche. Pense à indiquer ce qui a rendu la situation plus complexe.",
    "Le contexte est trop court : présente l'organisation et ton poste.",
    "Très bien : l'aléa est bien expliqué et ta réaction est pertinente.",
    "Attention à l'orthographe. La démarche doit être rédigée à la première personne.",
    "Situation intéressante, à présenter à l'oral au CCF.",
]
APPRECIATIONS_TUTEUR = [
    "Travail sérieux et soigné, autonomie en progrès.",
    "A su faire face à l'imprévu avec calme. Bravo.",
    "Bonne intégration dans le service, doit encore gagner en rapidité.",
]
APPRECIATIONS_PASSEPORT = [
    "Passeport bien tenu. Il manque encore des situations du pôle 2 : vise-les en PFMP.",
    "Beaucoup de situations simulées : cherche des situations réelles au CDI ou à l'intendance.",
    "Bon début d'année, continue à décrire les aléas rencontrés.",
]


def de(groupe: str) -> str:
    """« de » before a noun phrase, contracted: de + le PGI → du PGI, de + les → des."""
    for article, contraction in (("le ", "du "), ("les ", "des ")):
        if groupe.startswith(article):
            return contraction + groupe[len(article):]
    return "d'" + groupe if groupe[:1] in "aeiouyhéèAEIOUYH" else "de " + groupe


def a(groupe: str) -> str:
    """« à » before a noun phrase, contracted: à + le chef → au chef."""
    for article, contraction in (("le ", "au "), ("les ", "aux ")):
        if groupe.startswith(article):
            return contraction + groupe[len(article):]
    return "à " + groupe

# What the teaching team added to the référentiel for a few situations (the official text gives 1.1.1 only): as a
# team of Bac Pro GA teachers would write them after a department meeting. (type, libellé) per situation.
LISTES_EQUIPE = {
    "1.2.3": [
        ("donnee", "Catalogue et tarifs de l'entreprise"),
        ("donnee", "Conditions générales de vente"),
        ("donnee", "Fichier clients du PGI"),
        ("complexite", "Demande de devis incomplète ou imprécise"),
        ("complexite", "Remises en cascade (remise, rabais, ristourne)"),
        ("complexite", "Client étranger (TVA intracommunautaire, devise)"),
        ("complexite", "Commande en plusieurs livraisons"),
        ("alea", "Article en rupture de stock"),
        ("alea", "Modification de la commande par le client après validation"),
        ("alea", "Erreur de prix constatée sur le devis envoyé"),
    ],
    "2.1.2": [
        ("donnee", "Planning du service et horaires collectifs"),
        ("donnee", "Convention collective et accord sur le temps de travail"),
        ("complexite", "Salariés à temps partiel ou en horaires décalés"),
        ("complexite", "Heures supplémentaires et repos compensateur"),
        ("complexite", "Absences de natures différentes sur la même période"),
        ("alea", "Arrêt maladie transmis en retard"),
        ("alea", "Badgeuse en panne ou pointage manquant"),
    ],
    "3.2.2": [
        ("donnee", "Procédure de traitement du courrier du service"),
        ("donnee", "Registre du courrier arrivée et départ"),
        ("complexite", "Courrier recommandé avec accusé de réception"),
        ("complexite", "Courrier confidentiel ou à destinataire ambigu"),
        ("complexite", "Volume important en période de pointe"),
        ("alea", "Courrier mal adressé ou destinataire absent"),
        ("alea", "Pli endommagé ou incomplet"),
        ("alea", "Panne de la machine à affranchir"),
    ],
    "3.4.1": [
        ("donnee", "Agenda partagé du service"),
        ("donnee", "Consignes du responsable sur les priorités"),
        ("complexite", "Agendas de plusieurs personnes à concilier"),
        ("complexite", "Rendez-vous avec des interlocuteurs extérieurs"),
        ("alea", "Annulation ou report de dernière minute"),
        ("alea", "Double réservation d'une salle ou d'un créneau"),
    ],
}
