import pandas as pd
import streamlit as st

from passeport.affichage import texte_brut
from passeport.models import Lieu, Nature, Role
from passeport.services import appreciations, conservation, couverture, fiches
from passeport.libelles import LIEUX, NATURES, statut_signe
from passeport.statut import Statut
from ui.archive import bloc_emporter
from ui.brouillons import liste_des_brouillons
from ui.commun import exiger_role, ouvrir_fiche, session
from ui.livret import bloc_livret
from ui.suivi import carte_appreciation, style_statut

utilisateur = exiger_role(Role.ELEVE)

with session() as s:
    entete = couverture.entete_eleve(s, utilisateur, utilisateur.eleve_id)
    situations = couverture.couverture_eleve(s, utilisateur, utilisateur.eleve_id)
    mes_fiches = fiches.fiches_de_l_eleve(s, utilisateur, utilisateur.eleve_id)
    corbeille = fiches.fiches_de_l_eleve(s, utilisateur, utilisateur.eleve_id, corbeille=True)
    retours = appreciations.pour_l_eleve(s, utilisateur, utilisateur.eleve_id)

st.title("Mon passeport")
haut = st.columns([3, 1])
haut[0].markdown(texte_brut(f"{entete.nom_complet} · division {entete.division} · référentiel {entete.referentiel}"))
if utilisateur.lecture_seule:  # a former student: read and download only
    with session() as s:
        efface_apres = conservation.fin_de_conservation(s, utilisateur)
    st.info("Votre passeport est en lecture seule depuis votre départ de l'établissement : relisez-le ici et "
            "emportez-le avec « Emporter mon passeport (ZIP) » en bas de la page."
            + (f" Votre compte et votre passeport seront effacés après le {efface_apres:%d/%m/%Y}."
               if efface_apres else ""), icon=":material/lock:")
elif haut[1].button("Nouvelle fiche", type="primary", icon=":material/add:", key="nouvelle_fiche"):
    ouvrir_fiche(None)
if not utilisateur.lecture_seule:
    liste_des_brouillons(utilisateur)

par_statut = {s_: sum(1 for l in situations if l.statut == s_) for s_ in Statut}
traversees = len(situations) - par_statut[Statut.NON_TRAVERSEE]
# One compact block rather than metrics: on a phone, five metrics would fill the whole screen.
st.progress(traversees / len(situations), text=f"{traversees} situations traversées sur {len(situations)}")
st.markdown(
    f"**{len(mes_fiches)}** fiches · **{par_statut[Statut.EVALUABLE]}** évaluables · "
    f"**{par_statut[Statut.REPETEE]}** répétées · **{par_statut[Statut.UNE_FOIS]}** traversées une fois · "
    f"**{par_statut[Statut.NON_TRAVERSEE]}** non traversées"
)
bloc_livret(utilisateur, utilisateur.eleve_id, entete.nom_complet, {l.pole_code: l.pole_titre for l in situations},
            "livret_eleve")
nouvelles = sum(1 for a in retours if a.nouvelle)
if nouvelles:
    st.info(f"Vous avez {nouvelles} nouvelle(s) appréciation(s) : voyez « Nouveautés » ou l'onglet "
            "« Appréciations ».", icon=":material/mark_chat_unread:")

ONGLETS = ["Situations", f"Mes fiches ({len(mes_fiches)})", f"Appréciations ({nouvelles} nouvelles)",
           f"Corbeille ({len(corbeille)})"]
# The open tab stays open when a count in its label changes (a fiche restored from the bin): found by its name.
ouvert = st.session_state.get("onglets_passeport")
if ouvert is not None and ouvert not in ONGLETS:
    st.session_state["onglets_passeport"] = next(
        (o for o in ONGLETS if o.split(" (")[0] == ouvert.split(" (")[0]), ONGLETS[0])
onglet_situations, onglet_fiches, onglet_retours, onglet_corbeille = st.tabs(
    ONGLETS, key="onglets_passeport", on_change="rerun")

with onglet_situations:
    st.caption("E · Évaluable : au moins deux fiches, dont une avec de la complexité ou un aléa · R · Répétée : deux "
               "fiches ou plus, sans complexité ni aléa · 1 · Traversée une fois · — · Non traversée : aucune fiche.")
    poles = list(dict.fromkeys((l.pole_code, l.pole_titre) for l in situations))
    for pole_code, pole_titre in poles:
        lignes = [l for l in situations if l.pole_code == pole_code]
        faites = sum(1 for l in lignes if l.statut != Statut.NON_TRAVERSEE)
        with st.expander(f"Pôle {pole_code} — {pole_titre} · {faites}/{len(lignes)} traversées", expanded=True):
            tableau = pd.DataFrame(
                # Statut first after the code: on a phone only the first columns fit without scrolling.
                [(l.code, statut_signe(l.statut), l.fiches, l.titre) for l in lignes],
                columns=["Code", "Statut", "Fiches", "Situation"],
            )
            colore = tableau.style.map(style_statut, subset=["Statut"])
            st.dataframe(colore, hide_index=True, width="stretch", key=f"pole_{pole_code}")

with onglet_fiches:
    if not mes_fiches:
        st.info("Aucune fiche pour l'instant : cliquez sur « Nouvelle fiche » pour décrire une situation vécue.")
    else:
        filtres = st.columns([2, 1, 1, 1])
        recherche = filtres[0].text_input("Rechercher", placeholder="mot du titre, organisation, code…",
                                          key="filtre_texte")
        pole = filtres[1].selectbox("Pôle", ["Tous"] + [p for p, _ in poles], key="filtre_pole")
        lieu = filtres[2].selectbox("Lieu", [None, *Lieu], format_func=lambda l: "Tous" if l is None else LIEUX[l],
                                    key="filtre_lieu")
        nature = filtres[3].selectbox("Nature", [None, *Nature],
                                      format_func=lambda n: "Toutes" if n is None else NATURES[n],
                                      key="filtre_nature")
        codes = sorted({f.situation for f in mes_fiches})
        situation = st.selectbox("Situation", [None, *codes], format_func=lambda c: "Toutes" if c is None else c,
                                 key="filtre_situation")
        dates = [f.date_debut for f in mes_fiches]
        periode = st.date_input("Période", value=(min(dates), max(dates)), format="DD/MM/YYYY", key="filtre_periode")
        texte = recherche.strip().lower()
        visibles = [
            f for f in mes_fiches
            if (not texte or texte in f"{f.titre} {f.organisation} {f.situation}".lower())
            and (pole == "Tous" or f.situation.startswith(pole + "."))
            and (lieu is None or f.lieu == lieu) and (nature is None or f.nature == nature)
            and (situation is None or f.situation == situation)
            and (len(periode) != 2 or periode[0] <= f.date_debut <= periode[1])
        ]
        st.caption(f"{len(visibles)} fiche(s) — touchez une ligne pour ouvrir la fiche.")
        tableau = pd.DataFrame(
            [(f.date_debut.strftime("%d/%m/%Y"), f.situation, f.titre, LIEUX[f.lieu], NATURES[f.nature],
              f.complexite, f.aleas, "★" if f.retenue else "") for f in visibles],
            columns=["Date", "Situation", "Titre", "Lieu", "Nature", "Complexité", "Aléas", "Retenue"],
        )
        # A tap on any cell opens the fiche (a row-only selection would need the small box at the row's start).
        choix = st.dataframe(tableau, hide_index=True, width="stretch", on_select="rerun",
                             selection_mode=["single-row", "single-cell"], key="liste_fiches")
        touchee = choix.selection.rows or [ligne for ligne, _ in choix.selection.cells]
        if touchee and not utilisateur.lecture_seule:
            ouvrir_fiche(visibles[touchee[0]].id)

with onglet_retours:
    if not retours:
        st.info("Aucune appréciation pour l'instant.")
    for a in retours:
        carte_appreciation(a, nouvelle=a.nouvelle)
    if nouvelles and not utilisateur.lecture_seule and st.button("Marquer tout comme lu", key="tout_lu"):
        with session() as s:
            appreciations.marquer_lues(s, utilisateur, [a.id for a in retours if a.nouvelle])
            s.commit()
        st.rerun()

with onglet_corbeille:
    restauree = st.session_state.pop("corbeille_restauree", None)
    if restauree:  # here, where the student just tapped, rather than a toast at the other end of the screen
        st.success(texte_brut(f"Fiche « {restauree} » restaurée : elle est de nouveau dans « Mes fiches »."),
                   icon=":material/restore_from_trash:")
    if not corbeille:
        st.caption("La corbeille est vide. Une fiche supprimée y reste et peut toujours être restaurée.")
    for f in corbeille:
        ligne = st.columns([4, 1])
        ligne[0].markdown(texte_brut(f"{f.situation} — {f.titre} (supprimée le {f.supprimee_le:%d/%m/%Y})"))
        if not utilisateur.lecture_seule and ligne[1].button("Restaurer", key=f"restaurer_{f.id}",
                                                             icon=":material/restore_from_trash:"):
            try:
                with session() as s:
                    fiches.restaurer(s, utilisateur, f.id)
                    s.commit()
            except fiches.RetenueConcurrente as exc:  # another tab retained a fiche at the same instant
                st.error(exc.message)
            else:
                st.session_state["corbeille_restauree"] = f.titre
                st.rerun()

bloc_emporter(utilisateur)
