"""Mes extraits: the student chooses fiches (ticked, a pôle, or from a pasted offer), then downloads a short PDF
or shares a read-only link for a number of days; every extract is listed with its link's state and « Révoquer »."""

import streamlit as st

from passeport.affichage import heure_locale, texte_brut
from passeport.acces import AccesRefuse
from passeport.models import Role
from passeport.services import extraits
from passeport.services.extraits import ExtraitInvalide
from passeport.services.fiches import FicheIntrouvable, referentiel_de_l_eleve
from ui.commun import annoncer, exiger_role, session

utilisateur = exiger_role(Role.ELEVE)
FACONS = ["Fiche par fiche", "Un pôle", "À partir d'une offre"]
CHOIX = "extrait_choisies"  # the ticked fiche ids, kept while filters hide some of them


def _adresse(jeton: str) -> str:
    base = (st.context.url or "").split("?")[0].rstrip("/")
    racine = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
    return f"{racine}/extrait/{jeton}"


def _cocher(fiche_id: int) -> None:
    choisies = st.session_state.setdefault(CHOIX, set())
    if st.session_state.get(f"coche_{fiche_id}"):
        choisies.add(fiche_id)
    else:
        choisies.discard(fiche_id)


def _cases(liste: list[extraits.FicheAChoisir], prefixe: str = "") -> None:
    """One tick box a fiche (title as text), its situation and date below."""
    choisies = st.session_state.setdefault(CHOIX, set())
    for f in liste:
        st.session_state[f"coche_{f.id}"] = f.id in choisies
        st.checkbox(texte_brut(f.titre or "(sans titre)"), key=f"coche_{f.id}", on_change=_cocher, args=(f.id,),
                    help=None)
        st.caption(texte_brut(f"{prefixe}{f.situation} · {f.date_debut:%d/%m/%Y} · {f.lieu}"))


def _pdf(extrait_id: int) -> bytes:
    with session() as s:
        return extraits.pdf_de_l_extrait(s, utilisateur, extrait_id)


def _statut(e: extraits.ResumeExtrait) -> str:
    if e.statut == "actif":
        return f"Lien actif jusqu'au {heure_locale(e.expire_le):%d/%m/%Y à %H:%M}"
    if e.statut == "revoque":
        return f"Lien révoqué le {heure_locale(e.revoque_le):%d/%m/%Y}"
    if e.statut == "expire":
        return f"Lien expiré le {heure_locale(e.expire_le):%d/%m/%Y}"
    return "Pas de lien de partage"


st.title("Mes extraits")
st.write("Choisissez les fiches à montrer pour un CV, un entretien d'embauche ou une recherche de PFMP. "
         "Téléchargez-les en PDF, ou partagez-les par un lien en lecture seule, valable le nombre de jours "
         "que vous choisissez et que vous pouvez révoquer. La personne qui a le lien ne voit que votre nom, "
         "le titre de l'extrait et ces fiches ; chaque ouverture apparaît dans « Qui a vu mon passeport ».")



def nouveau_lien(extrait_id: int) -> None:
    """The number of days and « Créer un lien de partage » for one extract."""
    jours = st.number_input("Durée du lien (jours)", min_value=extraits.DUREE_MIN, max_value=extraits.DUREE_MAX,
                            value=extraits.DUREE_PAR_DEFAUT, step=1, key=f"jours_{extrait_id}")
    if st.button("Créer un lien de partage", key=f"lien_{extrait_id}", icon=":material/link:"):
        with session() as s:
            try:
                jeton = extraits.creer_lien(s, utilisateur, extrait_id, int(jours))
                s.commit()
            except ExtraitInvalide as exc:
                st.error(str(exc))
            else:
                st.session_state[f"lien_extrait_{extrait_id}"] = _adresse(jeton)
                st.rerun()


def nouvel_extrait() -> None:
    """Choose fiches, give a title, create the extract."""
    with session() as s:
        referentiel = referentiel_de_l_eleve(s, utilisateur.eleve_id)
        toutes = extraits.fiches_a_choisir(s, utilisateur)
    st.subheader("Nouvel extrait")
    facon = st.radio("Comment choisir les fiches ?", FACONS, horizontal=True, key="extrait_facon")
    pole, offre = None, ""
    if not toutes:
        st.info("Vous n'avez pas encore de fiche : écrivez-en une avant de faire un extrait.")
        return

    if facon == "Fiche par fiche":
        poles = {p.code: f"Pôle {p.code} — {p.titre}" for p in referentiel.poles.values()}
        filtre_pole = st.selectbox("Pôle", ["tous", *poles], format_func=lambda c: "Tous les pôles" if c == "tous"
                                   else poles[c], key="extrait_filtre_pole")
        cherche = st.text_input("Chercher dans les titres", key="extrait_cherche").strip().lower()
        visibles = [f for f in toutes if (filtre_pole == "tous" or f.pole_code == filtre_pole)
                    and (not cherche or cherche in f.titre.lower() or f.situation.startswith(cherche))]
        st.caption(f"{len(visibles)} fiche(s) affichée(s) sur {len(toutes)}.")
        _cases(visibles)
        fiche_ids = [f.id for f in toutes if f.id in st.session_state.get(CHOIX, set())]
    elif facon == "Un pôle":
        nombres = {p: sum(1 for f in toutes if f.pole_code == p) for p in referentiel.poles}
        pole = st.selectbox("Pôle", list(referentiel.poles), key="extrait_pole",
                            format_func=lambda c: f"Pôle {c} — {referentiel.poles[c].titre} ({nombres[c]} fiche(s))")
        du_pole = [f for f in toutes if f.pole_code == pole]
        for f in du_pole:
            st.markdown(texte_brut(f"{f.situation} · {f.titre}"))
        fiche_ids = []
    else:
        offre = st.text_area("Texte de l'offre (emploi ou PFMP)", height=160, key="extrait_offre",
                             placeholder="Collez ici l'annonce : missions, tâches, outils…")
        if st.button("Trouver les situations", icon=":material/search:"):
            with session() as s:
                try:
                    st.session_state["extrait_trouvees"] = extraits.situations_pour_l_offre(s, utilisateur, offre)
                except ExtraitInvalide as exc:
                    st.session_state.pop("extrait_trouvees", None)
                    st.error(str(exc))
        trouvees = st.session_state.get("extrait_trouvees")
        fiche_ids = []
        if trouvees is not None:
            if not trouvees:
                st.info("Aucune situation du référentiel ne correspond aux mots de cette offre.")
            par_situation = {}
            for f in toutes:
                par_situation.setdefault(f.situation, []).append(f)
            st.caption(f"{len(trouvees)} situation(s) correspondent à l'offre, de la plus proche à la moins proche.")
            for c in trouvees:
                with st.container(border=True):
                    st.markdown(f"**{texte_brut(c.code)} — {texte_brut(c.titre)}**")
                    st.caption("Mots de l'offre : " + texte_brut(", ".join(c.mots)))
                    if par_situation.get(c.code):
                        _cases(par_situation[c.code])
                    else:
                        st.caption("Vous n'avez pas encore de fiche sur cette situation.")
            codes = {c.code for c in trouvees}
            fiche_ids = [f.id for f in toutes if f.id in st.session_state.get(CHOIX, set()) and f.situation in codes]

    if facon != "Un pôle":
        st.caption(f"{len(fiche_ids)} fiche(s) choisie(s).")
    titre = st.text_input("Titre de l'extrait", max_chars=extraits.LONGUEUR_TITRE, key="extrait_titre",
                          placeholder="Candidature chez …, entretien du …")
    if st.button("Créer l'extrait", type="primary", icon=":material/library_add:"):
        with session() as s:
            try:
                cree = extraits.creer_extrait(s, utilisateur, titre, fiche_ids, pole=pole, offre=offre)
                s.commit()
            except (ExtraitInvalide, FicheIntrouvable, AccesRefuse) as exc:
                st.error(getattr(exc, "message", None) or str(exc))
            else:
                st.session_state[CHOIX] = set()
                st.session_state.pop("extrait_titre", None)
                annoncer(f"Extrait « {cree.titre} » créé avec {len(cree.fiches)} fiche(s).")
                st.rerun()


if utilisateur.lecture_seule:  # a former student keeps their extracts: PDF and revoking, nothing new
    st.info("Votre passeport est en lecture seule depuis votre départ de l'établissement : vous pouvez télécharger vos extraits et révoquer leurs liens.")
else:
    nouvel_extrait()

st.subheader("Mes extraits")
with session() as s:
    mes = extraits.mes_extraits(s, utilisateur)
if not mes:
    st.info("Aucun extrait pour l'instant.")
for e in mes:
    with st.container(border=True):
        st.markdown(f"**{texte_brut(e.titre)}**")
        st.caption(f"{_statut(e)} · créé le {heure_locale(e.cree_le):%d/%m/%Y} · "
                   f"{len(e.fiches)} fiche(s) · à partir de {extraits.LIBELLES_ORIGINE.get(e.origine, e.origine)}")
        for titre_fiche in e.fiches:
            st.markdown("- " + texte_brut(titre_fiche))
        st.download_button("Télécharger le PDF", lambda i=e.id: _pdf(i), file_name=f"extrait-{e.id}.pdf",
                           mime="application/pdf", key=f"pdf_{e.id}", icon=":material/picture_as_pdf:",
                           on_click="ignore")
        if not utilisateur.lecture_seule:
            nouveau_lien(e.id)
        lien = st.session_state.pop(f"lien_extrait_{e.id}", None)  # shown once
        if lien:
            st.success("Lien créé. Il ne sera plus affiché : copiez-le maintenant (bouton de copie à droite). "
                       "Un nouveau lien remplace l'ancien.")
            st.code(lien, language=None, wrap_lines=True)
        if e.statut == "actif" and st.button("Révoquer le lien", key=f"revoquer_{e.id}", icon=":material/link_off:"):
            with session() as s:
                extraits.revoquer_lien(s, utilisateur, e.id)
                s.commit()
            annoncer("Lien révoqué : il n'ouvre plus rien.")
            st.rerun()
