"""The student's CCF: per épreuve, the fiches the team chose to support it and, once the team published them, its
decisions (levels in words and comments, never a mark)."""

import streamlit as st

from passeport import referentiel
from passeport.affichage import heure_locale, texte_brut
from passeport.libelles import LIEUX
from passeport.models import Role
from passeport.services import ccf
from passeport.services.couverture import entete_eleve
from ui.commun import afficher_texte, exiger_role, session
from ui.suivi import badge_niveau

utilisateur = exiger_role(Role.ELEVE)
st.title("Mon CCF")
with session() as s:
    entete = entete_eleve(s, utilisateur, utilisateur.eleve_id)
    epreuves = ccf.ccf_de_l_eleve(s, utilisateur, utilisateur.eleve_id)
ref = referentiel.charger(entete.referentiel)
st.caption("Pour chaque épreuve du contrôle en cours de formation : les fiches de votre passeport que l'équipe a "
           "choisies pour l'appuyer, puis ses décisions quand elle les publie. Vos fiches restent les vôtres : "
           "l'équipe ne les modifie pas.")

rien = True
for vue in epreuves:
    if not vue.selections and vue.publication is None:
        continue
    rien = False
    with st.container(border=True, key=f"ccf_{vue.epreuve.code}"):
        st.subheader(texte_brut(vue.epreuve.libelle))
        st.markdown(f"**Fiches choisies par l'équipe** ({len(vue.selections)})")
        if not vue.selections:
            st.caption("Aucune fiche choisie pour le moment.")
        for f in vue.selections:
            titre_situation = ref.situations[f.situation].titre if f.situation in ref.situations else ""
            st.markdown(texte_brut(f"• {f.titre}") + "  \n" + texte_brut(
                f"situation {f.situation} — {titre_situation} · {f.date_debut:%d/%m/%Y} · {LIEUX[f.lieu]}"))
        if vue.publication is None:
            st.caption("L'équipe n'a pas encore publié ses décisions pour cette épreuve.")
            continue
        st.markdown(f"**Décisions de l'équipe** (publiées le {heure_locale(vue.publication.publiee_le):%d/%m/%Y})")
        if not vue.decisions:
            st.caption("Pas de décision publiée pour vous dans cette épreuve.")
        for d in vue.decisions:
            colonnes = st.columns([2, 1, 3])
            if d.situation:
                titre_situation = ref.situations[d.situation].titre if d.situation in ref.situations else ""
                colonnes[0].markdown(texte_brut(f"{d.situation} — {titre_situation}"))
            else:
                colonnes[0].markdown("**Avis sur l'épreuve**")
            with colonnes[1]:
                if d.niveau:
                    badge_niveau(d.niveau)
            with colonnes[2]:
                afficher_texte(d.commentaire, vide="")
if rien:
    st.info("L'équipe n'a encore choisi aucune fiche ni publié de décision pour vos épreuves.")
