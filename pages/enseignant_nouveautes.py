"""The teacher's inbox: fiches of their divisions created or rewritten since their last visit."""

import streamlit as st

from passeport.affichage import heure_locale, texte_brut
from passeport.models import Role
from passeport.services import nouveautes
from ui.commun import annoncer, exiger_role, session
from ui.suivi import lue_au_passage_precedent, suivre_fiche

utilisateur = exiger_role(Role.ENSEIGNANT)
st.title("Nouveautés")
vue_le = lue_au_passage_precedent("nouveautes_lues_le")
with session() as s:
    visite = nouveautes.derniere_visite(s, utilisateur)
    boite = nouveautes.fiches_nouvelles(s, utilisateur)

st.caption(f"Fiches créées ou réécrites dans vos divisions depuis votre dernière visite, le "
           f"{heure_locale(visite):%d/%m/%Y à %H:%M}. Une fiche quitte la liste quand vous la marquez comme lue ; "
           "elle revient si l'élève la réécrit.")
if not boite:
    st.success("Rien de nouveau depuis votre dernière visite.")
    st.stop()

divisions = sorted({n.division for n in boite})
colonnes = st.columns([2, 2, 1])
choix = colonnes[0].multiselect("Divisions", divisions, placeholder="Toutes vos divisions", key="nouveautes_divisions")
genre = colonnes[1].segmented_control("Afficher", ["toutes", "nouvelles", "reecrites"], default="toutes",
                                      required=True, key="nouveautes_genre",
                                      format_func={"toutes": "Toutes", "nouvelles": "Nouvelles fiches",
                                                   "reecrites": "Réécrites"}.get)
visibles = [n for n in boite if (not choix or n.division in choix)
            and (genre == "toutes" or (genre == "reecrites") == n.reecrite)]
nouvelles = sum(1 for n in boite if not n.reecrite)
st.markdown(f"**{len(boite)}** fiche(s) : **{nouvelles}** nouvelle(s), **{len(boite) - nouvelles}** réécrite(s).")

filtree = bool(choix) or genre != "toutes"
if colonnes[2].button(f"Marquer ces {len(visibles)} fiches comme lues" if filtree else "Tout marquer comme lu",
                      icon=":material/done_all:", key="tout_lu", disabled=not visibles):
    with session() as s:
        if filtree:  # only what the filters show; the visit itself is not recorded
            nouveautes.marquer_lues(s, utilisateur, [n.fiche_id for n in visibles])
        else:
            nouveautes.tout_marquer_lu(s, utilisateur, vue_le)
        s.commit()
    annoncer(f"{len(visibles)} fiche(s) marquée(s) comme lue(s)." if filtree
             else "Tout est marqué comme lu : votre visite est enregistrée.")
    st.rerun()

# Streamlit draws every element at each rerun: a page of 50 keeps the inbox quick.
montrees = st.session_state.setdefault("nouveautes_montrees", 50)
# One compact row a fiche (two short lines and two small buttons): a dozen fit on a school PC's screen.
with st.container(key="nouveautes_liste", gap=None):
    for n in visibles[:montrees]:
        with st.container(horizontal=True, vertical_alignment="center", gap="small", key=f"nouveaute_{n.fiche_id}"):
            etat = f"réécrite (version {n.version_precedente} → {n.version})" if n.reecrite else "nouvelle fiche"
            st.markdown(f"**{texte_brut(n.eleve)}** · {texte_brut(n.division)} · {texte_brut(n.situation)} — "
                        f"{texte_brut(n.titre)}  \n:gray[{etat} · enregistrée le "
                        f"{heure_locale(n.enregistree_le):%d/%m/%Y à %H:%M}]", width="stretch")
            if st.button("Lire" + (" les changements" if n.reecrite else " la fiche"), key=f"lire_{n.fiche_id}",
                         icon=":material/visibility:", type="tertiary"):
                suivre_fiche(n.fiche_id, n.version_precedente)
            if st.button("Lue", key=f"marquer_{n.fiche_id}", icon=":material/done:", type="tertiary",
                         help="Marquer comme lue"):
                with session() as s:
                    nouveautes.marquer_lue(s, utilisateur, n.fiche_id)
                    s.commit()
                st.rerun()
if len(visibles) > montrees:
    st.caption(f"{montrees} fiches affichées sur {len(visibles)}, les plus récentes d'abord.")
    if st.button("Afficher 50 fiches de plus", key="nouveautes_plus"):
        st.session_state["nouveautes_montrees"] = montrees + 50
        st.rerun()
