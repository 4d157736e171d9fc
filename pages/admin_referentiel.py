"""The référentiel completed by the team, for the school's administrator (same screen as the teachers')."""

from passeport.models import Role
from ui.commun import exiger_role
from ui.referentiel_equipe import afficher

afficher(exiger_role(Role.ADMIN))
