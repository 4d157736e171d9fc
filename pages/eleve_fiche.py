"""One fiche: the form (new, edit, duplicate), its productions, its versions and the appréciations on it."""

import re

import streamlit as st

from passeport.affichage import cherchable, heure_locale, texte_brut
from passeport.services import appreciations, brouillons, contextes, fiches, pieces, suivi
from passeport.services.fiches import FicheIntrouvable, FicheInvalide, contenu_de
from passeport.models import Role
from ui import formulaire_fiche as F
from ui.commun import annoncer, exiger_role, ouvrir_fiche, session
from ui.erreurs import afficher as afficher_erreur
from ui.confirmation import bouton_confirme
from ui.garde_texte import garder_le_texte
from ui.pieces import apercu_piece, lien_telechargement, titre_piece
from ui.pfmp import partage_tuteur
from ui.suivi import badge_niveau, carte_appreciation

utilisateur = exiger_role(Role.ELEVE)


def _demander_rechargement() -> None:
    """Called by the browser script: text typed here reached the server after the form was filled."""
    st.session_state["_recharger_brouillon"] = True


# Which form: the session's choice first (ouvrir_fiche), then the address (a reload, a new tab, a new session).
fiche_id = st.session_state.get("fiche_ouverte")
cle = st.session_state.get("brouillon_ouvert")
if fiche_id is None and cle is None:
    if re.fullmatch(r"[0-9]{1,9}", st.query_params.get("fiche", "")):
        fiche_id = int(st.query_params["fiche"])
    if re.fullmatch(r"[A-Za-z0-9_-]{16,64}", st.query_params.get("brouillon", "")):
        cle = st.query_params["brouillon"]

with session() as s:
    ref = fiches.referentiel_de_l_eleve(s, utilisateur.eleve_id)
    mes_contextes = contextes.lister(s, utilisateur)
    brouillon = brouillons.lire(s, utilisateur, cle) if cle else None
    if brouillon is not None and brouillon.fiche_id is not None:
        fiche_id = brouillon.fiche_id
    fiche = courante = None
    if fiche_id is not None:
        try:
            fiche = fiches.lire_fiche(s, utilisateur, fiche_id)
            if fiche.eleve_id != utilisateur.eleve_id:
                raise FicheIntrouvable()
        except FicheIntrouvable as exc:
            st.error(exc.message)
            st.page_link("pages/eleve_accueil.py", label="Retour à mon passeport", icon=":material/arrow_back:")
            st.stop()
        courante = contenu_de(fiche.courante)
        if brouillon is None and cle is None:  # opening the fiche: its unpublished changes, if any
            brouillon = brouillons.de_la_fiche(s, utilisateur, fiche_id)
        versions = fiches.historique(s, utilisateur, fiche_id)
        liste_pieces = pieces.lister(s, utilisateur, fiche_id)
        retours = appreciations.pour_l_eleve(s, utilisateur, utilisateur.eleve_id, fiche_id)
        positions = suivi.positionnements(s, utilisateur, fiche_id)
        retenue, supprimee = fiche.retenue, fiche.supprimee_le is not None
cle = brouillon.cle if brouillon is not None else cle or brouillons.nouvelle_cle()
st.session_state["fiche_ouverte"], st.session_state["brouillon_ouvert"] = fiche_id, cle
st.query_params.from_dict({"fiche": str(fiche_id), "brouillon": cle} if fiche_id else {"brouillon": cle})

# Fill the widgets once per form (or again when the browser sent text the form had missed).
if st.session_state.get("formulaire_charge") != cle or st.session_state.pop("_recharger_brouillon", False):
    with session() as s:  # read again: the browser may have written since the start of this run
        brouillon = brouillons.lire(s, utilisateur, cle) or brouillon
    F.charger(brouillon.champs if brouillon else brouillons.champs_de(courante, ref) if courante
              else brouillons.champs_vides(), ref)
    st.session_state["formulaire_charge"] = cle
    st.session_state["brouillon_vu"] = F.champs_courants()
    st.session_state["revision_brouillon"] = brouillon.revision if brouillon else 0
    st.session_state["chargement"] = brouillons.nouvelle_cle()[:8]

# Every field the browser has sent since the last run goes into the draft (text being typed comes through the
# browser script); nothing is written while nothing changes.
modifies = brouillons.champs_modifies(st.session_state["brouillon_vu"], F.champs_courants())
if modifies and st.session_state["revision_brouillon"] == 0:
    modifies = F.champs_courants()  # a new draft holds the whole form, not only what changed
if modifies and not (fiche is not None and supprimee):
    try:
        with session() as s:
            try:
                brouillon = brouillons.enregistrer(s, utilisateur, cle, modifies, fiche_id,
                                                   fiche.version_courante if fiche else None)
            except brouillons.BrouillonIntrouvable:
                # Published or discarded from another tab meanwhile: what this tab holds becomes a new draft.
                cle = brouillons.nouvelle_cle()
                brouillon = brouillons.enregistrer(s, utilisateur, cle, F.champs_courants(), fiche_id,
                                                   fiche.version_courante if fiche else None)
                st.session_state["brouillon_ouvert"] = st.session_state["formulaire_charge"] = brouillon.cle
                st.query_params["brouillon"] = brouillon.cle
            s.commit()
        st.session_state["brouillon_vu"] = F.champs_courants()
        st.session_state["revision_brouillon"] = brouillon.revision
    except brouillons.BrouillonRefuse as exc:
        st.warning(exc.message)
    except Exception as exc:  # noqa: BLE001 — full disk, read-only store…: the form is still drawn, its text kept
        afficher_erreur(exc, "brouillon")

garder_le_texte(utilisateur, cle, fiche_id, st.session_state["chargement"], sur_rechargement=_demander_rechargement)

haut = st.columns([3, 1])
haut[0].page_link("pages/eleve_accueil.py", label="Mon passeport", icon=":material/arrow_back:")
if haut[1].button("Nouvelle fiche", icon=":material/add:", key="nouvelle_fiche_ici"):
    ouvrir_fiche(None)  # this form's text is already in its draft
if fiche is None:
    st.title("Nouvelle fiche")
else:
    st.title("Fiche")
    st.markdown(texte_brut(f"{courante.situation} — {courante.titre}"))
    if supprimee:
        st.warning("Cette fiche est dans la corbeille : restaurez-la depuis « Mon passeport » pour la modifier.")
if brouillon is not None:
    bandeau = st.container(border=True)
    bandeau.markdown(f"**Brouillon enregistré automatiquement** le {heure_locale(brouillon.modifie_le):%d/%m/%Y à %H:%M}"
                     " : " + ("les changements ne sont pas encore publiés." if fiche else
                              "la fiche n'est pas encore publiée.") + " « Enregistrer » les publie.")
    with bandeau:
        abandon = bouton_confirme("Abandonner ce brouillon", f"abandon_{cle}",
                                  "Abandonner ce brouillon ? Son texte sera perdu" +
                                  (" ; la fiche publiée reste telle quelle." if fiche else "."),
                                  icone=":material/delete_forever:")
    if abandon:
        with session() as s:
            try:
                brouillons.abandonner(s, utilisateur, cle)
                s.commit()
            except brouillons.BrouillonIntrouvable:
                pass
        st.session_state.pop("formulaire_charge", None)
        st.session_state["brouillon_ouvert"] = None
        annoncer("Brouillon abandonné.")
        if fiche is None:
            st.switch_page("pages/eleve_accueil.py")
        st.rerun()

if mes_contextes:
    with st.expander("Partir d'un de mes contextes", icon=":material/bookmark:"):
        choix = st.selectbox("Contexte enregistré", mes_contextes, format_func=lambda c: c.nom, key="choix_contexte")
        st.button("Remplir avec ce contexte", on_click=F.appliquer_contexte, args=(choix,), key="appliquer_contexte")

contenu = F.afficher(ref, st.session_state.get("erreurs_fiche", {}))
nouveaux_fichiers = st.file_uploader(
    "Productions à joindre (PDF, PNG, JPG, ODT, ODS, DOCX, XLSX, TXT)",
    accept_multiple_files=True,  # no type filter here: the service checks the content and answers in French
    key=f"televersement-{st.session_state.get('televersements', 0)}",  # a new key empties the widget after a save
    max_upload_size=pieces.TAILLE_MAX_MO,  # checked by the browser before sending: no mobile data wasted
)
if nouveaux_fichiers:
    st.caption(f"{len(nouveaux_fichiers)} fichier(s) prêt(s) à joindre : ils seront joints en cliquant sur « Enregistrer ».")

if st.button("Enregistrer", type="primary", icon=":material/save:", key="enregistrer", disabled=bool(fiche and supprimee)):
    st.session_state["erreurs_fiche"] = {}
    if isinstance(contenu, dict):  # fields that could not even be read (a missing date)
        st.session_state["erreurs_fiche"] = contenu
        st.rerun()
    messages = []
    with session() as s:
        try:
            publication = brouillons.publier(s, utilisateur, contenu, fiche_id, cle)
            s.commit()
        except FicheInvalide as exc:
            st.session_state["erreurs_fiche"] = exc.problemes
            st.rerun()
        cible = publication.fiche_id
        messages.append("Fiche enregistrée." if publication.nouvelle else
                        f"Version {publication.version} enregistrée." if publication.version else
                        "Aucune modification du texte.")
        refus = []
        for fichier in nouveaux_fichiers or []:
            try:
                pieces.ajouter(s, utilisateur, cible, fichier.name, fichier.getvalue())
                s.commit()
                messages.append(f"« {pieces.nom_propre(fichier.name)} » joint.")
            except pieces.PieceRefusee as exc:
                s.rollback()
                refus.append(str(exc))
    st.session_state["messages_fiche"] = (messages, refus)
    st.session_state["fiche_ouverte"], st.session_state["brouillon_ouvert"] = cible, None
    st.session_state.pop("formulaire_charge", None)
    st.session_state["televersements"] = st.session_state.get("televersements", 0) + 1
    st.rerun()

messages, refus = st.session_state.pop("messages_fiche", ([], []))
for m in messages:  # messages quote file names: shown as text
    st.success(texte_brut(m), icon=":material/check_circle:")
for r in refus:
    st.error(texte_brut(r + " Le texte de la fiche est bien enregistré."), icon=":material/block:")

if fiche is None:
    st.stop()

# --- actions on a saved fiche -------------------------------------------------------------------------------------
st.divider()
actions = st.columns(3)
with actions[0]:
    nouvelle_situation = st.selectbox(
        "Repartir de cette fiche pour la situation", list(ref.situations), index=list(ref.situations).index(courante.situation),
        format_func=lambda c: cherchable(f"{c} — {ref.situations[c].titre}"), key=f"situation_duplication-fiche-{fiche.id}-v{fiche.version_courante}",
    )
    if st.button("Repartir de cette fiche", icon=":material/content_copy:", key="dupliquer"):
        with session() as s:
            copie = fiches.contenu_a_dupliquer(s, utilisateur, fiche.id, nouvelle_situation)
            nouveau = brouillons.enregistrer(s, utilisateur, brouillons.nouvelle_cle(), brouillons.champs_de(copie, ref))
            s.commit()
        ouvrir_fiche(None, nouveau.cle)
with actions[1]:
    st.write("")
    if st.toggle("Fiche retenue pour cette situation", value=retenue, key=f"retenue-{fiche.id}",
                 disabled=supprimee) != retenue:
        try:
            with session() as s:
                precedente = fiches.retenir(s, utilisateur, fiche.id, not retenue)
                s.commit()
        except (fiches.RetenueConcurrente, fiches.FicheALaCorbeille) as exc:  # another tab, at the same instant
            st.error(exc.message)
        else:
            if precedente is not None:
                annoncer("L'autre fiche retenue pour cette situation ne l'est plus.")
            st.rerun()
    partage_tuteur(utilisateur, fiche.id, desactive=supprimee or utilisateur.lecture_seule)
with actions[2]:
    st.write("")
    if not supprimee and bouton_confirme("Mettre à la corbeille", "supprimer", "Mettre cette fiche à la corbeille ? "
                                         "Elle pourra toujours être restaurée depuis « Mon passeport »."):
        with session() as s:
            fiches.supprimer(s, utilisateur, fiche.id)
            s.commit()
        st.session_state["fiche_ouverte"] = None
        st.switch_page("pages/eleve_accueil.py")

st.subheader("Productions jointes")
if not liste_pieces:
    st.caption("Aucune pièce jointe.")
for piece in liste_pieces:
    with st.container(border=True):
        titre_piece(piece.nom, piece.taille)
        # The buttons come first: whatever the file holds, it can always be downloaded and removed.
        boutons = st.columns(2)
        with boutons[0]:
            lien_telechargement(piece.id, piece.nom, libelle="Télécharger")
        with boutons[1]:
            retirer = bouton_confirme("Retirer", f"retirer_{piece.id}", "Retirer cette pièce jointe de la fiche ? "
                                      "Elle reste dans l'historique.", icone=":material/link_off:")
        if retirer:
            with session() as s:
                pieces.retirer(s, utilisateur, piece.id)
                s.commit()
            st.rerun()
        try:
            with session() as s:
                vue = pieces.apercu_de_la_piece(s, utilisateur, piece.id)  # bounded, never raises for the file
        except Exception:  # noqa: BLE001 — a preview must never hide the rest of the page
            vue = None
        apercu_piece(piece.id, piece.nom, vue)

st.subheader("Appréciations")
if not retours:
    st.caption("Aucune appréciation sur cette fiche.")
for a in retours:
    carte_appreciation(a, nouvelle=a.nouvelle)
if positions:
    st.markdown("**Positionnement de vos enseignants** (un repère, pas une note)")
    for p in positions:
        badge_niveau(p.niveau, f"{p.enseignant}, le {heure_locale(p.cree_le):%d/%m/%Y}"
                     + (f" — {p.commentaire}" if p.commentaire else ""))
if any(a.nouvelle for a in retours):
    with session() as s:
        appreciations.marquer_lues(s, utilisateur, [a.id for a in retours if a.nouvelle])
        s.commit()

st.subheader(f"Historique ({len(versions)} version{'s' if len(versions) > 1 else ''})")
numeros = [v.numero for v in versions]
libelle = {v.numero: f"Version {v.numero} — {heure_locale(v.cree_le):%d/%m/%Y %H:%M}" for v in versions}
if len(versions) > 1:
    colonnes = st.columns(2)
    ancienne = colonnes[0].selectbox("Comparer la version", numeros[1:], format_func=libelle.get, key=f"version_a-fiche-{fiche.id}-v{fiche.version_courante}")
    recente = colonnes[1].selectbox("avec la version", numeros, format_func=libelle.get, key=f"version_b-fiche-{fiche.id}-v{fiche.version_courante}")
    par_numero = {v.numero: contenu_de(v) for v in versions}
    ecarts = fiches.differences(par_numero[ancienne], par_numero[recente])
    if not ecarts:
        st.caption("Ces deux versions ont le même texte.")
    if ecarts:
        st.caption("En rouge barré : ce qui a été enlevé ; en vert souligné : ce qui a été ajouté.")
    for ecart in ecarts:
        st.markdown(f"**{ecart.libelle}**")
        st.html(ecart.html())
    if ancienne != fiche.version_courante and st.button(
        f"Revenir au texte de la version {ancienne}", icon=":material/history:", key="revenir",
        disabled=supprimee or brouillon is not None,
        help="Publiez ou abandonnez d'abord votre brouillon." if brouillon is not None else None,
    ):
        with session() as s:
            version = fiches.revenir_a(s, utilisateur, fiche.id, ancienne)
            s.commit()
        st.session_state["messages_fiche"] = ([f"Le texte de la version {ancienne} est revenu (version {version.numero})."], [])
        st.session_state.pop("formulaire_charge", None)  # the form shows the text that came back
        st.rerun()
else:
    st.caption("Une seule version pour l'instant : chaque enregistrement en ajoute une, rien n'est jamais perdu.")
