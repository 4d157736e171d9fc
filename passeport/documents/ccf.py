"""The printed CCF documents: a student's dossier (A4), the ZIP of a division's dossiers, the minutes of a meeting,
and the class synthesis (A4 landscape PDF, and xlsx).

Built from the plain data of passeport.services.dossier_ccf with the Jinja2 templates of modeles/ (ccf_*.html,
on the livret's base.html and fiche block). Levels are printed as words and two-letter codes with a legend (AR à
reprendre, EC en cours, AC acquis, MA maîtrisé), statut as the livret's signs: never anything that looks like a mark.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile

from passeport.affichage import heure_locale
from passeport.documents.gabarits import en_pdf, rendre
from passeport.libelles import COULEURS_STATUT, ENCRES_STATUT
from passeport.positionnement import NIVEAUX, SYMBOLES_NIVEAU
from passeport.services.dossier_ccf import CompteRendu, DossierEleve, SyntheseCcf
from passeport.statut import LEGENDE, SYMBOLES
from passeport.statut import LIBELLES, Statut

# Two letters per level: readable in black and white, and nothing like a mark out of 4.
CODES_NIVEAUX = SYMBOLES_NIVEAU  # the signs of passeport/libelles.py


def _heure(instant: dt.datetime) -> str:
    return f"{heure_locale(instant):%d/%m/%Y à %H:%M}"


def _symbole(s: Statut) -> str:
    return SYMBOLES[s]


def _commun(jour: dt.date | None) -> dict:
    return {"jour": jour or dt.date.today(), "symboles": LEGENDE, "niveaux": NIVEAUX, "codes": CODES_NIVEAUX,
            "symbole": _symbole, "heure": _heure}


# --- one student's dossier ------------------------------------------------------------------------------------------


def html_dossier(dossier: DossierEleve, jour: dt.date | None = None) -> str:
    s = dossier.synthese
    ordre = [""] + [sit.code for sit in s.situations]
    ordre_historique = [c for c in ordre if c in dossier.historique]
    ordre_historique += [c for c in dossier.historique if c not in ordre]
    return rendre("ccf_dossier.html", d=dossier, s=s, ep=s.epreuve, eleve=dossier.ligne.nom_complet,
                  titres={sit.code: sit.titre for sit in s.situations}, ordre_historique=ordre_historique,
                  **_commun(jour))


def pdf_dossier(dossier: DossierEleve, jour: dt.date | None = None) -> bytes:
    """One student's CCF dossier, A4: situations table, selected fiches, tutors' reports, appréciations,
    decisions and their history; the student's name in the running header, "page N / M" at the foot."""
    return en_pdf(html_dossier(dossier, jour))


def _propre(texte: str) -> str:
    """ASCII letters and digits, anything else as one hyphen (« Émilie-Rose d'Arc » → « Emilie-Rose-d-Arc »)."""
    ascii_ = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_).strip("-")


def nom_de_fichier(nom: str, prenom: str, epreuve: str) -> str:
    """« DURAND_Emilie_E31.pdf »: ASCII letters, digits and hyphens only."""
    return f"{_propre(nom).upper() or 'ELEVE'}_{_propre(prenom) or 'X'}_{_propre(epreuve) or 'epreuve'}.pdf"


def zip_dossiers_division(synthese: SyntheseCcf, dossiers: list[DossierEleve], jour: dt.date | None = None) -> bytes:
    """One PDF per student (``NOM_Prenom_E31.pdf``, numbered when two students share a name), the synthesis as
    PDF and xlsx."""
    tampon = io.BytesIO()
    fin = f"{_propre(synthese.division) or 'division'}_{_propre(synthese.epreuve.code) or 'epreuve'}"
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as z:
        vus: set[str] = set()
        for dossier in dossiers:
            nom = nom_de_fichier(dossier.ligne.nom, dossier.ligne.prenom, synthese.epreuve.code)
            base, n = nom.removesuffix(".pdf"), 2
            while nom in vus:
                nom, n = f"{base}_{n}.pdf", n + 1
            vus.add(nom)
            z.writestr(nom, pdf_dossier(dossier, jour))
        z.writestr(f"synthese_{fin}.pdf", pdf_synthese(synthese, jour))
        z.writestr(f"synthese_{fin}.xlsx", xlsx_synthese(synthese, jour))
    return tampon.getvalue()


# --- minutes ------------------------------------------------------------------------------------------------------


def html_compte_rendu(cr: CompteRendu, jour: dt.date | None = None) -> str:
    return rendre("ccf_compte_rendu.html", cr=cr, ep=cr.epreuve,
                  titres={sit.code: sit.titre for sit in cr.situations}, **_commun(jour))


def pdf_compte_rendu(cr: CompteRendu, jour: dt.date | None = None) -> bytes:
    """The minutes of a CCF meeting (A4): division, épreuve, date, teachers present, per student the decisions
    recorded at the meeting and the overall opinion, a signatures block."""
    return en_pdf(html_compte_rendu(cr, jour))


# --- class synthesis ----------------------------------------------------------------------------------------------


def _totaux(s: SyntheseCcf) -> dict[str, tuple[int, int]]:
    """Per situation: (students for whom it is évaluable, students with a team decision); "" the overall opinions."""
    totaux = {sit.code: (sum(l.cases[sit.code].statut == Statut.EVALUABLE for l in s.eleves),
                         sum(l.cases[sit.code].decision is not None for l in s.eleves)) for sit in s.situations}
    totaux[""] = (0, sum(l.avis is not None for l in s.eleves))
    return totaux


def html_synthese(synthese: SyntheseCcf, jour: dt.date | None = None) -> str:
    return rendre("ccf_synthese.html", s=synthese, ep=synthese.epreuve,
                  totaux=_totaux(synthese), **_commun(jour))


def pdf_synthese(synthese: SyntheseCcf, jour: dt.date | None = None) -> bytes:
    """The class synthesis, A4 landscape: students × situations with signs and letters readable in black and white."""
    return en_pdf(html_synthese(synthese, jour))


def _niveau_en_mots(n: int | None) -> str:
    return f"{CODES_NIVEAUX[n]} {NIVEAUX[n].lower()}" if n else ""


def xlsx_synthese(synthese: SyntheseCcf, jour: dt.date | None = None) -> bytes:
    """The class synthesis as a workbook: « Synthèse » (one row per student, one column per situation), « Détail »
    (one row per student × situation, to filter) and « Légende ». Every text cell is a string, never a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    jour = jour or dt.date.today()
    s, ep = synthese, synthese.epreuve
    gras, entete = Font(bold=True), PatternFill("solid", fgColor="E8E8E8")
    classeur = Workbook()

    def ecrire(feuille, ligne: int, valeurs: list, style_entete: bool = False) -> None:
        for colonne, valeur in enumerate(valeurs, start=1):
            cellule = feuille.cell(row=ligne, column=colonne, value=valeur)
            if isinstance(valeur, str):
                cellule.data_type = "s"  # « =Dupont » stays text: openpyxl would otherwise write a formula
            if style_entete:
                cellule.font, cellule.fill = gras, entete
                cellule.alignment = Alignment(wrap_text=True, vertical="top")

    def titre(feuille, texte: str) -> None:
        ecrire(feuille, 1, [texte])
        feuille.cell(row=1, column=1).font = Font(bold=True, size=13)
        ecrire(feuille, 2, [f"Division {s.division} ({s.annee_scolaire}) · {s.etablissement} · édité le {jour:%d/%m/%Y}"
                            + ("" if ep.en_ccf else f" · {ep.code} est une épreuve ponctuelle écrite ({ep.mode})")])

    # « Synthèse »: one row per student.
    f = classeur.active
    f.title = "Synthèse"
    titre(f, f"Synthèse CCF — {ep.libelle}")
    ecrire(f, 4, ["Nom", "Prénom", "Identifiant", *[f"{sit.code} {sit.titre}" for sit in s.situations],
                  "Avis global de l'équipe", "Fiches sélectionnées"], style_entete=True)
    for i, l in enumerate(s.eleves, start=5):
        cases = []
        for sit in s.situations:
            c = l.cases[sit.code]
            texte = SYMBOLES[c.statut] + (f" ×{c.fiches} c{c.max_complexite} a{c.max_aleas}" if c.fiches else "")
            if c.decision and c.decision.niveau:
                texte += f" · équipe {CODES_NIVEAUX[c.decision.niveau]}"
            cases.append(texte)
        avis = _niveau_en_mots(l.avis.niveau) if l.avis else ""
        if l.avis and l.avis.commentaire:
            avis = f"{avis} — {l.avis.commentaire}" if avis else l.avis.commentaire
        ecrire(f, i, [l.nom, l.prenom, l.identifiant, *cases, avis, l.selectionnees])
        for k, sit in enumerate(s.situations):  # the statut colours of the screen (passeport.libelles)
            statut = l.cases[sit.code].statut
            cellule = f.cell(row=i, column=4 + k)
            cellule.fill = PatternFill("solid", fgColor=COULEURS_STATUT[statut].lstrip("#"))
            cellule.font = Font(color=ENCRES_STATUT[statut].lstrip("#"))
    f.freeze_panes = "D5"
    f.row_dimensions[4].height = 75
    f.column_dimensions["A"].width, f.column_dimensions["B"].width = 22, 16
    f.column_dimensions["C"].width = max([12, *(len(l.identifiant) + 2 for l in s.eleves)])
    for colonne in range(4, 4 + len(s.situations)):
        f.column_dimensions[get_column_letter(colonne)].width = 16
    f.column_dimensions[get_column_letter(4 + len(s.situations))].width = 40
    f.column_dimensions[get_column_letter(5 + len(s.situations))].width = 12

    # « Détail »: one row per student × situation.
    d = classeur.create_sheet("Détail")
    titre(d, f"Détail par situation — {ep.libelle}")
    ecrire(d, 4, ["Nom", "Prénom", "Identifiant", "Situation", "Intitulé", "Statut", "Fiches", "Complexité max. (1 à 3)",
                  "Aléas max. (0 à 2)", "Enseignants (dernier positionnement)", "Tuteurs", "Décision de l'équipe",
                  "Commentaire de l'équipe", "Décidée par", "Décidée le", "Fiches sélectionnées"], style_entete=True)
    rang = 5
    for l in s.eleves:
        for sit in s.situations:
            c = l.cases[sit.code]
            dec = c.decision
            ecrire(d, rang, [
                l.nom, l.prenom, l.identifiant, sit.code, sit.titre, LIBELLES[c.statut], c.fiches, c.max_complexite, c.max_aleas,
                " ; ".join(f"{p.enseignant} : {_niveau_en_mots(p.niveau)}" for p in c.positions),
                " ; ".join(f"{t.organisation} ({t.tuteur}) : {_niveau_en_mots(t.niveau)}" for t in c.tuteurs),
                _niveau_en_mots(dec.niveau) if dec else "", dec.commentaire if dec else "", dec.auteur if dec else "",
                f"{heure_locale(dec.le):%d/%m/%Y %H:%M}" if dec else "", c.selectionnees,
            ])
            statut_cellule = d.cell(row=rang, column=6)
            statut_cellule.fill = PatternFill("solid", fgColor=COULEURS_STATUT[c.statut].lstrip("#"))
            statut_cellule.font = Font(color=ENCRES_STATUT[c.statut].lstrip("#"))
            rang += 1
    d.freeze_panes = "D5"
    d.auto_filter.ref = f"A4:P{max(rang - 1, 4)}"
    for colonne, largeur in zip("ABCDEFGHIJKLMNOP", (22, 16, 12, 9, 50, 18, 8, 12, 12, 40, 40, 18, 40, 20, 16, 12)):
        d.column_dimensions[colonne].width = largeur

    # « Légende ».
    g = classeur.create_sheet("Légende")
    ecrire(g, 1, ["Légende"])
    g.cell(row=1, column=1).font = Font(bold=True, size=13)
    lignes = [["Signe", "Statut de la situation"], *[[signe, libelle] for signe, libelle in LEGENDE],
              [], ["Code", "Positionnement (enseignants, tuteurs, équipe) : un repère, pas une note"],
              *[[CODES_NIVEAUX[n], mot] for n, mot in NIVEAUX.items()],
              [], ["c", "complexité la plus haute atteinte : 1 situation courante, 2 un facteur, 3 plusieurs facteurs"],
              ["a", "aléas les plus hauts : 0 aucun, 1 un aléa traité, 2 plusieurs"]]
    for i, valeurs in enumerate(lignes, start=3):
        ecrire(g, i, valeurs)
        statut = next((st for st, signe in SYMBOLES.items() if valeurs and valeurs[0] == signe and len(valeurs) == 2
                       and valeurs[1] == LIBELLES[st]), None)
        if statut is not None:  # the colour of each statut beside its sign
            g.cell(row=i, column=1).fill = PatternFill("solid", fgColor=COULEURS_STATUT[statut].lstrip("#"))
            g.cell(row=i, column=1).font = Font(color=ENCRES_STATUT[statut].lstrip("#"))
    g.column_dimensions["A"].width, g.column_dimensions["B"].width = 10, 80

    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
