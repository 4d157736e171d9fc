"""The référentiel completed by the team: a teacher edits the données, complexity factors and aléas of a situation."""

from passeport.models import Role
from ui.commun import exiger_role
from ui.referentiel_equipe import afficher

afficher(exiger_role(Role.ENSEIGNANT))
