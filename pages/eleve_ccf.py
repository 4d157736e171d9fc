"""The student's CCF: per épreuve, the fiches the team chose to support it and, once the team published them, its
decisions (levels in words and comments, never a mark)."""

from html import escape

import streamlit as st

from passeport import referentiel
from passeport.affichage import heure_locale, texte_brut
from passeport.models import Role
from passeport.positionnement import COULEURS, ENCRES, NIVEAUX
from passeport.services import ccf
from passeport.services.couverture import entete_eleve
from passeport.services.fiches import LIBELLES_LIEU
from ui.commun import afficher_texte, exiger_role, session

utilisateur = exiger_role(Role.ELEVE)
st.title("Mon CCF")
with session() as s:
    entete = entete_eleve(s, utilisateur, utilisateur.eleve_id)
    epreuves = ccf.ccf_de_l_eleve(s, utilisateur, utilisateur.eleve_id)
ref = referentiel.charger(entete.referentiel)
st.caption("Pour chaque épreuve du contrôle en cours de formation : les fiches de votre passeport que l'équipe a "
           "choisies pour l'appuyer, puis ses décisions quand elle les publie. Vos fiches restent les vôtres : "
           "l'équipe ne les modifie pas.")


def niveau_en_mots(niveau: int) -> None:
    st.html(f'<span style="display:inline-block;padding:.1rem .6rem;border-radius:1rem;background:{COULEURS[niveau]};'
            f'color:{ENCRES[niveau]};font-weight:600;font-size:.9rem">{escape(NIVEAUX[niveau])}</span>')


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
                f"situation {f.situation} — {titre_situation} · {f.date_debut:%d/%m/%Y} · {LIBELLES_LIEU[f.lieu]}"))
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
                    niveau_en_mots(d.niveau)
            with colonnes[2]:
                afficher_texte(d.commentaire, vide="")
if rien:
    st.info("L'équipe n'a encore choisi aucune fiche ni publié de décision pour vos épreuves.")
