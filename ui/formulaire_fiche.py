"""The fiche form's widgets, shared by the fiche page. Every widget is keyed: nothing typed is lost on a rerun."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from passeport.affichage import cherchable
from passeport.models import Lieu, Nature
from passeport.referentiel import Referentiel
from passeport.saisie import LONGUEUR_DETAILS, LONGUEURS_FICHE
from passeport.services import brouillons, listes_equipe
from passeport.services.contextes import texte_contexte
from passeport.services.fiches import (
    LIBELLES_LIEU, LIBELLES_NATURE, ContenuFiche, joindre_details, niveau_aleas_propose,
    niveau_complexite_propose,
)

NIVEAUX_COMPLEXITE = {1: "1 — situation courante", 2: "2 — un facteur de complexité", 3: "3 — plusieurs facteurs"}
NIVEAUX_ALEAS = {0: "0 — aucun aléa", 1: "1 — un aléa rencontré et traité", 2: "2 — plusieurs aléas"}
QUESTIONS = {
    "organisation": "Dans quelle organisation, quel service ?",
    "contexte": "Quel était ton poste ? Qui t'a confié la tâche ?",
    "conditions": "De quoi disposais-tu ? Matériel, logiciels, documents, consignes. Commence par « Je dispose : ».",
    "demarche": "Quelles étapes as-tu suivies, dans quel ordre ?",
    "productions": "Qu'as-tu produit ? Document, courriel, tableau…",
    "complexite": "Qu'est-ce qui a rendu la situation plus difficile ?",
    "aleas": "Qu'est-ce qui ne s'est pas passé comme prévu, et qu'as-tu fait ?",
}


def _propositions(code: str | None, ref: Referentiel) -> listes_equipe.Propositions | None:
    """The lists of the situation for this form (official + the team's, or other students' suggestions), read once
    per form and situation; None without a signed-in student (the référentiel's own lists are then used)."""
    from ui.commun import session, utilisateur_courant

    utilisateur = utilisateur_courant()
    if not code or utilisateur is None or utilisateur.eleve_id is None:
        return None
    deja = st.session_state.setdefault("_propositions_fiche", {})
    if code not in deja:
        try:
            with session() as s:
                deja[code] = listes_equipe.propositions(s, utilisateur, ref.nom, code)
        except Exception:  # noqa: BLE001 — suggestions are a help: the form works without them
            deja[code] = None
    return deja[code]


def options(code: str | None, ref: Referentiel) -> tuple[list[str], list[str], list[str], list[str]]:
    """(factors, aléas) of the lists, then (factors, aléas) suggested from other students' fiches."""
    p = _propositions(code, ref)
    if p is None:
        return (ref.facteurs_complexite(code) if code else [], ref.aleas_types(code) if code else [], [], [])
    return p.facteurs, p.aleas, p.facteurs_suggeres, p.aleas_suggeres


def _cocher(items: list[str], libres: str, liste: list[str]) -> tuple[list[str], str]:
    """Items of ``liste`` are ticked (even when saved as free lines); any other item stays a free line."""
    lignes = [*items, *brouillons.lignes(libres)]
    cochees = [i for i in lignes if i in liste]
    autres = [i for i in lignes if i not in liste]
    return list(dict.fromkeys(cochees)), "\n".join(autres)


def charger(champs: dict, ref: Referentiel) -> None:
    """Put a draft's fields (services.brouillons: a fiche, an empty form or unpublished text) into the widgets."""
    e = st.session_state
    c = {**brouillons.champs_vides(), **champs}
    code = c["situation"]  # a new fiche: the student chooses, nothing preselected
    e["f_situation"] = code if code in ref.situations else None
    e["f_titre"] = c["titre"]
    e["f_date_debut"] = dt.date.fromisoformat(c["date_debut"]) if c["date_debut"] else None
    e["f_date_fin"] = dt.date.fromisoformat(c["date_fin"]) if c["date_fin"] else None
    e["f_lieu"], e["f_nature"] = Lieu(c["lieu"]), Nature(c["nature"])
    e.pop("_propositions_fiche", None)  # a new form reads the lists again
    for champ in ("organisation", "contexte", "conditions", "demarche", "productions"):
        e[f"f_{champ}"] = c[champ]
    # The ticked items are keyed by situation: each situation has its own list.
    for cle in [k for k in e if str(k).startswith(("f_facteurs_", "f_aleas_items_")) and k != "f_facteurs_libres"]:
        del e[cle]
    facteurs, aleas, facteurs_suggeres, aleas_suggeres = options(code, ref)
    e[f"f_facteurs_{code}"], e["f_facteurs_libres"] = _cocher(c["facteurs"], c["facteurs_libres"],
                                                            facteurs + facteurs_suggeres)
    e[f"f_aleas_items_{code}"], e["f_aleas_libres"] = _cocher(c["aleas_items"], c["aleas_libres"],
                                                              aleas + aleas_suggeres)
    e["f_complexite"], e["f_aleas"] = c["complexite"], c["aleas"]
    # The stored levels stand until the student changes the ticked items.
    e["_propose_complexite"] = niveau_complexite_propose(len(c["facteurs"]) + len(brouillons.lignes(c["facteurs_libres"])))
    e["_propose_aleas"] = niveau_aleas_propose(len(c["aleas_items"]) + len(brouillons.lignes(c["aleas_libres"])))
    e["erreurs_fiche"] = {}


def champs_courants() -> dict:
    """The form's fields as the browser last sent them (readable before the widgets are drawn again)."""
    e = st.session_state
    code = e.get("f_situation")
    debut, fin = e.get("f_date_debut"), e.get("f_date_fin")
    return {
        "situation": code, "titre": e.get("f_titre", ""),
        "date_debut": debut.isoformat() if isinstance(debut, dt.date) else None,
        "date_fin": fin.isoformat() if isinstance(fin, dt.date) else None,
        "lieu": Lieu(e.get("f_lieu", Lieu.ETABLISSEMENT)).value, "nature": Nature(e.get("f_nature", Nature.REELLE)).value,
        **{champ: e.get(f"f_{champ}", "") for champ in ("organisation", "contexte", "conditions", "demarche",
                                                          "productions", "facteurs_libres", "aleas_libres")},
        "facteurs": list(e.get(f"f_facteurs_{code}", [])), "aleas_items": list(e.get(f"f_aleas_items_{code}", [])),
        "complexite": e.get("f_complexite", 1), "aleas": e.get("f_aleas", 0),
    }


def appliquer_contexte(contexte) -> None:
    """Callback: fill organisation, context and conditions from a saved context."""
    e = st.session_state
    e["f_organisation"] = " – ".join(p for p in (contexte.organisation, contexte.service) if p)
    e["f_contexte"] = texte_contexte(contexte)
    e["f_conditions"] = contexte.conditions


def _erreur(erreurs: dict[str, str], champ: str) -> None:
    if champ in erreurs:
        texte = erreurs[champ][0].upper() + erreurs[champ][1:]
        st.error(texte if texte.endswith(".") else texte + ".", icon=":material/error:")


def _niveau(cle: str, propose: int) -> None:
    """Follow the proposed level when the ticked items change; the student may still adjust it."""
    if st.session_state.get(f"_propose_{cle}") != propose:
        st.session_state[f"f_{cle}"] = propose
        st.session_state[f"_propose_{cle}"] = propose


def _items_et_niveau(cle, titre, liste, libelle_liste, cle_liste, libelle_libres, cle_libres, libelle_niveau,
                     niveaux, proposer, suggeres=()) -> tuple[list[str], int]:
    """Items ticked in the référentiel's list (or among other students' suggestions) or written freely, and the
    level they propose (adjustable)."""
    st.markdown(f"{titre} — {QUESTIONS[cle]}")
    choix = list(dict.fromkeys([*liste, *suggeres]))
    if suggeres:
        libelle_liste = libelle_liste if liste else "Souvent rencontrés par les élèves du lycée"
    cochees = (st.multiselect(libelle_liste, choix, key=cle_liste, persist_state="session",
                              placeholder="Cochez ceux que vous avez rencontrés") if choix else [])
    if suggeres:
        st.caption("Les propositions " + ("après celles de la liste " if liste else "")
                   + "viennent de fiches d'autres élèves du lycée sur cette situation (écrites par au moins deux "
                   "élèves, sans leur nom), en attendant que l'équipe complète le référentiel.")
    libres = st.text_area(libelle_libres, key=cle_libres, persist_state="session", height=68,
                          max_chars=LONGUEUR_DETAILS)
    _erreur(st.session_state.get("erreurs_fiche", {}), f"{cle}_details")
    items = cochees + brouillons.lignes(libres)
    _niveau(cle, proposer(len(items)))
    niveau = st.segmented_control(libelle_niveau, list(niveaux), key=f"f_{cle}", persist_state="session",
                                  format_func=niveaux.get, required=True)
    return items, niveau


def afficher(ref: Referentiel, erreurs: dict[str, str]) -> ContenuFiche | dict[str, str]:
    """Draw the form; return its content, or the problems of fields that cannot be read."""
    if erreurs:
        # True: the page wrote the draft at the start of this very run, before trying to publish.
        st.error("La fiche n'est pas enregistrée : corrigez ce qui est signalé. Votre texte est gardé dans vos "
                 "brouillons.")
    codes = list(ref.situations)
    code = st.selectbox(
        "Situation du référentiel", codes, key="f_situation", persist_state="session", placeholder="Choisissez la situation vécue",
        # Decomposed accents (passeport.affichage.cherchable): "reglement" finds "règlement" (ui/francais.js).
        format_func=lambda c: cherchable(f"{c} — {ref.situations[c].titre} (pôle {ref.situations[c].pole_code})"),
        help="Tapez un code (1.1.2) ou des mots du titre, avec ou sans accents, pour chercher.",
    )
    _erreur(erreurs, "situation")
    st.text_input("Titre de la fiche", key="f_titre", persist_state="session", placeholder="Ex. : Commande de fournitures chez BIOMAG",
                  max_chars=LONGUEURS_FICHE["titre"])
    _erreur(erreurs, "titre")
    dates = st.columns(2)
    debut = dates[0].date_input("Date de début", key="f_date_debut", persist_state="session", format="DD/MM/YYYY")
    fin = dates[1].date_input("Date de fin (facultative)", key="f_date_fin", persist_state="session", format="DD/MM/YYYY")
    _erreur(erreurs, "date_debut")
    _erreur(erreurs, "date_fin")
    lieu_nature = st.columns(2)
    lieu = lieu_nature[0].selectbox("Lieu", list(Lieu), key="f_lieu", persist_state="session", format_func=LIBELLES_LIEU.get)
    nature = lieu_nature[1].radio("Nature", list(Nature), key="f_nature", persist_state="session", format_func=LIBELLES_NATURE.get,
                                  horizontal=True)
    textes = {}
    for champ, libelle, hauteur in (
        ("organisation", "Organisation", None), ("contexte", "Contexte", 110), ("conditions", "Conditions de réalisation", 110),
        ("demarche", "Démarche", 180), ("productions", "Productions", 80),
    ):
        if hauteur is None:
            textes[champ] = st.text_input(libelle, key=f"f_{champ}", persist_state="session", help=QUESTIONS[champ],
                                          placeholder=QUESTIONS[champ], max_chars=LONGUEURS_FICHE[champ])
        else:
            textes[champ] = st.text_area(libelle, key=f"f_{champ}", persist_state="session", height=hauteur,
                                         help=QUESTIONS[champ], placeholder=QUESTIONS[champ],
                                         max_chars=LONGUEURS_FICHE[champ])
        _erreur(erreurs, champ)

    facteurs, aleas, facteurs_suggeres, aleas_suggeres = options(code, ref)
    items_c, complexite = _items_et_niveau(
        "complexite", "**Complexité**", facteurs, "Facteurs de complexité du référentiel",
        f"f_facteurs_{code}", "Autres facteurs (un par ligne)", "f_facteurs_libres",
        "Niveau de complexité", NIVEAUX_COMPLEXITE, niveau_complexite_propose, facteurs_suggeres,
    )
    _erreur(erreurs, "complexite")
    items_a, aleas = _items_et_niveau(
        "aleas", "**Aléas**", aleas, "Aléas types du référentiel",
        f"f_aleas_items_{code}", "Aléas rencontrés (un par ligne)", "f_aleas_libres",
        "Niveau d'aléas", NIVEAUX_ALEAS, niveau_aleas_propose, aleas_suggeres,
    )
    _erreur(erreurs, "aleas")

    if debut is None:
        return {"date_debut": "la date de début est obligatoire"}
    return ContenuFiche(
        situation=code or "", titre=st.session_state["f_titre"], date_debut=debut, date_fin=fin, lieu=lieu, nature=nature,
        complexite=complexite, aleas=aleas, complexite_details=joindre_details(items_c),
        aleas_details=joindre_details(items_a), **textes,
    )
