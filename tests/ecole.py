"""A tiny school built by code for service tests: two students, two teachers, known ids."""

from __future__ import annotations

from dataclasses import dataclass

from passeport.db import transaction
from passeport.models import Compte, Division, Eleve, Enseignant, Etablissement, Niveau, Role
from passeport.services.comptes import Utilisateur


@dataclass(frozen=True)
class Ecole:
    lea: Utilisateur       # student of 1GA1 (GA 2012)
    noe: Utilisateur       # student of 2AG1 (AGORA 2020)
    martin: Utilisateur    # teacher of 1GA1
    leroy: Utilisateur     # teacher of 2AG1 only
    admin: Utilisateur


def creer_ecole(engine, quota_mo: int = 200) -> Ecole:
    with transaction(engine) as s:
        etab = Etablissement(uai="0350001A", nom="Lycée test", quota_pieces_jointes_mo=quota_mo)
        d1 = Division(etablissement=etab, nom="1GA1", niveau=Niveau.PREMIERE, annee_scolaire="2026-2027")
        d2 = Division(etablissement=etab, nom="2AG1", niveau=Niveau.SECONDE, annee_scolaire="2026-2027",
                      referentiel="agora-2020")
        lea = Eleve(compte=Compte(login="lea.moreau", role=Role.ELEVE, prenom="Léa", nom="Moreau", etablissement=etab),
                    identifiant="INE1", division=d1)
        noe = Eleve(compte=Compte(login="noe.petit", role=Role.ELEVE, prenom="Noé", nom="Petit", etablissement=etab),
                    identifiant="INE2", division=d2)
        martin = Enseignant(compte=Compte(login="claire.martin", role=Role.ENSEIGNANT, etablissement=etab),
                            divisions=[d1])
        leroy = Enseignant(compte=Compte(login="sophie.leroy", role=Role.ENSEIGNANT, etablissement=etab),
                           divisions=[d2])
        admin = Compte(login="admin", role=Role.ADMIN, etablissement=etab)
        s.add_all([lea, noe, martin, leroy, admin])
        s.flush()

        def u(compte, eleve_id=None):
            return Utilisateur(compte.id, compte.login, compte.role, compte.nom_complet, etab.id, eleve_id)

        return Ecole(u(lea.compte, lea.id), u(noe.compte, noe.id), u(martin.compte), u(leroy.compte), u(admin))
