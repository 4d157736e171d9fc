"""The goals of a student's next PFMP, chosen in clear by a teacher.

Three blocks on one screen: the suggestions in the order of the passport's rules (DESIGN.md), each with its reason in
words and the organisations where other students already lived it; every situation of the référentiel by pôle and
classe de situations (« code — titre », with how many are suggested and chosen in each classe), to pick across them;
the list being built, in its order, with a word of advice for each goal. The list lives in the session state of
this PFMP, so that nothing typed is lost when the page reruns; it is saved through services.objectifs (its checks)."""

from __future__ import annotations

import datetime as dt
from html import escape

import pandas as pd
import streamlit as st

from passeport import referentiel
from passeport.affichage import texte_brut
from passeport.documents.objectifs import pdf_objectifs
from passeport.libelles import MOTIFS
from passeport.services import cockpit, objectifs
from passeport.services.couverture import EnteteEleve
from ui.cockpit import entrepot
from ui.commun import annoncer, session

CHOISIES_AU_DEPART = 5  # with no saved list, the first suggestions start chosen
SUGGESTIONS_AFFICHEES = 8


def libelle(code: str, titres: dict[str, str]) -> str:
    """« 1.1.1 — Titre » : never a bare code."""
    return f"{code} — {titres[code]}" if code in titres else code


def _etat(pfmp_id: int, enregistres: list, suggestions: pd.DataFrame) -> dict:
    """The list being built for this PFMP (codes in order, advice per code), made once from what is saved."""
    cle = f"objectifs_liste_{pfmp_id}"
    if cle not in st.session_state:
        if enregistres:
            st.session_state[cle] = {"codes": [o.situation for o in enregistres],
                                     "consignes": {o.situation: o.consigne for o in enregistres}}
        else:
            st.session_state[cle] = {"codes": list(suggestions["situation"].head(CHOISIES_AU_DEPART)),
                                     "consignes": {}}
    return st.session_state[cle]


def _basculer(etat: dict, code: str, cle: str) -> None:
    """A box ticked or unticked (in the suggestions or in the référentiel): the list follows."""
    if st.session_state[cle] and code not in etat["codes"]:
        etat["codes"].append(code)
    elif not st.session_state[cle] and code in etat["codes"]:
        etat["codes"].remove(code)


def _deplacer(etat: dict, code: str, pas: int) -> None:
    codes = etat["codes"]
    i = codes.index(code)
    j = i + pas
    if 0 <= j < len(codes):
        codes[i], codes[j] = codes[j], codes[i]


def _retirer(etat: dict, code: str) -> None:
    if code in etat["codes"]:
        etat["codes"].remove(code)


def _case(etat: dict, code: str, cle: str, texte: str, aide: str | None = None) -> None:
    """A box whose state is the list's (two boxes of the same situation always agree)."""
    st.session_state[cle] = code in etat["codes"]
    st.checkbox(texte, key=cle, on_change=_basculer, args=(etat, code, cle), help=aide, wrap=True)


def _suggestions(etat: dict, suggestions: pd.DataFrame, titres: dict[str, str], pfmp_id: int) -> None:
    st.markdown("##### Suggestions, dans l'ordre des règles du passeport")
    st.caption("Jamais traversée, puis traversée une seule fois, puis répétée sans complexité ni aléa, puis "
               "seulement simulée ; à motif égal, le pôle où l'élève a le moins de situations évaluables d'abord, "
               "puis l'ordre du référentiel. Cochez celles que vous retenez.")
    if suggestions.empty:
        st.info("Aucune suggestion : toutes les situations sont évaluables avec une fiche réelle. Choisissez "
                "librement dans le référentiel ci-dessous.")
        return
    total = len(suggestions)
    nombre = min(SUGGESTIONS_AFFICHEES, total)
    if total > 3:
        nombre = st.slider("Suggestions affichées", 3, total, nombre, key=f"objectifs_nombre_{pfmp_id}")
    for r in suggestions.head(nombre).itertuples():
        _case(etat, r.situation, f"objectifs_sugg_{pfmp_id}_{r.situation}",
              texte_brut(f"{r.rang}. {libelle(r.situation, titres)}"))
        organisations = list(r.organisations)
        chez = ("Déjà vécue chez : " + ", ".join(organisations[:5]) + (" …" if len(organisations) > 5 else "")
                if organisations else "Aucun élève ne l'a encore vécue en situation réelle.")
        st.html(f'<div style="margin:-.6rem 0 .4rem 1.9rem;font-size:.88rem;color:#444">{escape(r.explication)}'
                f'<br><span style="color:#555">{escape(chez)}</span></div>')


def _couverture(etat: dict, suggeres: dict[str, int], ref, titres: dict[str, str], pfmp_id: int) -> None:
    st.markdown("##### Toutes les situations, par pôle et classe de situations")
    # At a glance: which classes the suggestions shown cover, and what is chosen (a table that wraps, never cut).
    lignes = []
    for classe in ref.classes.values():
        codes = [c for c, s in ref.situations.items() if s.classe_code == classe.code]
        n_sugg, n_choix = sum(c in suggeres for c in codes), sum(c in etat["codes"] for c in codes)
        fond = ' style="background:#eef4fb"' if n_sugg or n_choix else ""
        lignes.append(f"<tr{fond}><td><b>{escape(classe.code)}</b> {escape(classe.titre)}</td><td>{len(codes)}</td>"
                      f"<td>{n_sugg or '·'}</td><td>{n_choix or '·'}</td></tr>")
    st.html('<table style="width:100%;border-collapse:collapse;font-size:.85rem" class="obj-classes">'
            '<thead><tr style="text-align:left;border-bottom:1px solid #bbb"><th>Classe de situations</th>'
            '<th>Situations</th><th>Suggérées</th><th>Choisies</th></tr></thead><tbody>' + "".join(lignes)
            + "</tbody></table><style>.obj-classes td,.obj-classes th{padding:.2rem .4rem;vertical-align:top;"
            "border-bottom:1px solid #eee}.obj-classes td+td,.obj-classes th+th{text-align:right;width:1%;"
            "white-space:nowrap}</style>")
    st.caption("Suggérées : parmi les suggestions affichées à gauche. Une situation choisie hors des suggestions est "
               "« choisie par l'équipe ». Ouvrez un pôle pour cocher n'importe quelle situation.")
    for pole in ref.poles.values():
        codes_pole = [c for c, s in ref.situations.items() if s.pole_code == pole.code]
        n_sugg = sum(c in suggeres for c in codes_pole)
        n_choix = sum(c in etat["codes"] for c in codes_pole)
        with st.expander(f"Pôle {pole.code} — {pole.titre} · {n_sugg} suggérée{'s' if n_sugg > 1 else ''} · "
                         f"{n_choix} choisie{'s' if n_choix > 1 else ''}", expanded=False):
            for classe in (c for c in ref.classes.values() if c.pole_code == pole.code):
                codes = [c for c in codes_pole if ref.situations[c].classe_code == classe.code]
                st.markdown(f"**{texte_brut(classe.code)} {texte_brut(classe.titre)}** · "
                            f"{sum(c in suggeres for c in codes)} suggérée(s) · "
                            f"{sum(c in etat['codes'] for c in codes)} choisie(s)")
                for code in codes:
                    suffixe = f" · suggestion n° {suggeres[code]}" if code in suggeres else ""
                    _case(etat, code, f"objectifs_choix_{pfmp_id}_{code}", texte_brut(libelle(code, titres) + suffixe))


def _liste(etat: dict, motifs: dict[str, str], titres: dict[str, str], pfmp_id: int) -> None:
    st.markdown(f"##### Objectifs retenus ({len(etat['codes'])} sur {objectifs.OBJECTIFS_MAX} au plus)")
    if not etat["codes"]:
        st.info("Aucun objectif retenu : cochez des suggestions ou des situations du référentiel.")
        return
    for rang, code in enumerate(list(etat["codes"]), start=1):
        colonnes = st.columns([5, 6, 1, 1, 1], vertical_alignment="center", gap="small")
        colonnes[0].markdown(texte_brut(f"{rang}. {libelle(code, titres)}") + "  \n"
                             + f":gray[{texte_brut(MOTIFS.get(motifs.get(code, ''), ''))}]")
        cle = f"objectifs_consigne_{pfmp_id}_{code}"
        if cle not in st.session_state:
            st.session_state[cle] = etat["consignes"].get(code, "")
        etat["consignes"][code] = colonnes[1].text_input(
            f"Conseil pour {code}", key=cle, max_chars=objectifs.CONSIGNE_MAX, label_visibility="collapsed",
            placeholder="Conseil pour l'élève et le tuteur (facultatif)")
        colonnes[2].button("", icon=":material/arrow_upward:", key=f"objectifs_monter_{pfmp_id}_{code}",
                           help="Monter", on_click=_deplacer, args=(etat, code, -1), disabled=rang == 1)
        colonnes[3].button("", icon=":material/arrow_downward:", key=f"objectifs_descendre_{pfmp_id}_{code}",
                           help="Descendre", on_click=_deplacer, args=(etat, code, 1),
                           disabled=rang == len(etat["codes"]))
        colonnes[4].button("", icon=":material/close:", key=f"objectifs_retirer_{pfmp_id}_{code}",
                           help="Retirer de la liste", on_click=_retirer, args=(etat, code))


def editeur_objectifs(utilisateur, eleve_id: int, entete: EnteteEleve) -> None:
    """The « Objectifs de PFMP » tab of a student's profile."""
    with session() as s:
        a_venir = [(p.id, p.organisation.nom, p.date_debut, p.date_fin)
                   for p in objectifs.pfmp_a_venir(s, utilisateur, eleve_id, dt.date.today())]
    if not a_venir:
        st.info("Aucune PFMP à venir pour cet élève : enregistrez-la d'abord dans la page « PFMP ».")
        return
    periodes = {p[0]: p for p in a_venir}
    pfmp_id = st.selectbox("PFMP", list(periodes), key=f"objectifs_pfmp_{eleve_id}",
                           format_func=lambda i: texte_brut(f"{periodes[i][1]} — du {periodes[i][2]:%d/%m/%Y} "
                                                            f"au {periodes[i][3]:%d/%m/%Y}"))
    with session() as s:
        enregistres = objectifs.objectifs_de_la_pfmp(s, utilisateur, pfmp_id)
        suggestions = cockpit.objectifs_suggeres(s, utilisateur, entrepot(), eleve_id)
        s.commit()
    ref = referentiel.charger(entete.referentiel)
    titres = {code: sit.titre for code, sit in ref.situations.items()}
    etat = _etat(pfmp_id, enregistres, suggestions)
    if enregistres:
        st.success(f"{len(enregistres)} objectif(s) enregistré(s) pour cette PFMP : l'élève et le tuteur les voient. "
                   "Modifiez la liste ci-dessous puis enregistrez à nouveau.")
    motifs = {**{o.situation: o.motif for o in enregistres}, **dict(zip(suggestions["situation"], suggestions["motif"]))}
    gauche, droite = st.columns([1, 1], gap="large")
    with gauche:
        _suggestions(etat, suggestions, titres, pfmp_id)
    nombre = st.session_state.get(f"objectifs_nombre_{pfmp_id}", min(SUGGESTIONS_AFFICHEES, len(suggestions)))
    suggeres = {r.situation: int(r.rang) for r in suggestions.head(nombre).itertuples()}
    with droite:
        _couverture(etat, suggeres, ref, titres, pfmp_id)
    _liste(etat, motifs, titres, pfmp_id)
    if st.button("Enregistrer les objectifs de cette PFMP", type="primary", icon=":material/flag:",
                 key=f"objectifs_enregistrer_{pfmp_id}"):
        organisations = {r.situation: tuple(r.organisations) for r in suggestions.itertuples()}
        saisis = [objectifs.ObjectifSaisi(code, motifs.get(code, ""), etat["consignes"].get(code, "") or "",
                                          organisations.get(code, ()))
                  for code in etat["codes"]]
        try:
            with session() as s:
                objectifs.enregistrer_objectifs(s, utilisateur, pfmp_id, saisis)
                s.commit()
        except objectifs.ObjectifsInvalides as exc:
            st.error("Objectifs non enregistrés :\n\n" + "\n".join(f"- {texte_brut(e)}" for e in exc.erreurs))
        else:
            annoncer(f"{len(saisis)} objectif(s) enregistré(s) : l'élève et le tuteur les voient maintenant.")
            st.rerun()
    if enregistres:
        _, organisation, debut, fin = periodes[pfmp_id]
        st.download_button(
            "Version imprimable (PDF, une page)", icon=":material/print:", mime="application/pdf",
            data=lambda: pdf_objectifs(entete.nom_complet, entete.division, organisation, debut, fin, enregistres),
            file_name=f"objectifs-pfmp-{entete.nom_complet.replace(' ', '-')}.pdf", on_click="ignore")
