"""Targeted extracts: matching an offer, creating extracts, share links (expiry, revocation, neutral refusals,
rate limit), what a link shows, the journal and « Qui a vu mon passeport », the shared page and its PDF."""

import dataclasses
import datetime as dt
import hashlib

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from passeport import limites, web
from passeport.acces import AccesRefuse
from passeport.correspondance import racine, sans_accents, situations_de_l_offre
from passeport.db import transaction
from passeport.models import CompteurEchecs, EvenementAudit, Extrait, ExtraitFiche, Lieu, Nature
from passeport.referentiel import charger
from passeport.services import audit, extraits, fiches
from passeport.services.extraits import ExtraitInvalide
from passeport.services.fiches import ContenuFiche, FicheIntrouvable
from tests.ecole import creer_ecole
from tests.pdf import texte_pdf

OFFRE = """Cabinet comptable recherche un(e) assistant(e) pour sa PFMP.
Vos missions : établir les DEVIS, saisir les bons de commande, contrôler les factures fournisseurs,
assurer l'accueil téléphonique des clients."""


# --- matching an offer (a pure function) ------------------------------------------------------------------------


def test_stems_cut_plural_and_feminine_endings_without_accents():
    assert [racine(sans_accents(m)) for m in ("factures", "commandes", "Livrées", "achats", "Téléphoniques")] == [
        "factur", "command", "livr", "achat", "telephoniqu"]
    assert sans_accents("Œuvre ÉTÉ") == "oeuvre ete"


def test_an_offer_gives_the_purchase_situations_and_the_telephone_reception():
    trouvees = situations_de_l_offre(OFFRE, charger("ga-2012"))
    codes = [c.code for c in trouvees]
    # Quotes, invoices and orders come first; the telephone calls among the five best.
    assert codes[:3] == ["1.2.3", "1.1.3", "1.1.2"] and codes[4] == "3.2.3"
    par_code = {c.code: c for c in trouvees}
    assert par_code["1.1.3"].mots == ("commande", "factures", "fournisseurs")
    assert par_code["1.2.3"].mots == ("devis", "commande", "clients")  # lower case, as first written
    assert par_code["3.2.3"].mots == ("téléphonique",)
    assert par_code["3.3.1"].mots == ("accueil",)  # « Qualité de l'accueil réservé au visiteur »
    assert [c.score for c in trouvees] == sorted((c.score for c in trouvees), reverse=True)
    # Words of every job offer (missions, recherche, assurer…) never match anything.
    assert not any({"missions", "recherche", "assurer", "Vos"} & set(c.mots) for c in trouvees)


def test_matching_ignores_accents_case_and_stop_words():
    ref = charger("ga-2012")
    avec = [c.code for c in situations_de_l_offre("Accueil TÉLÉPHONIQUE, réunions, agendas", ref)]
    sans = [c.code for c in situations_de_l_offre("accueil telephonique reunion agenda", ref)]
    assert avec == sans and {"3.2.1", "3.2.3", "3.4.1", "3.3.1"} <= set(avec)
    assert situations_de_l_offre("le la les de des et pour avec dans", ref) == []
    assert situations_de_l_offre("", ref) == []
    # « gestion » and « administrative » are in most situations: alone they tell nothing.
    assert situations_de_l_offre("gestion administrative", ref) == []
    assert [c.code for c in situations_de_l_offre("bulletins de salaire", ref, limite=1)] == ["2.3.1"]


def test_matching_works_on_agora_too():
    trouvees = situations_de_l_offre("Suivi des factures clients et des relances", charger("agora-2020"))
    assert trouvees and all(c.code.count(".") >= 1 for c in trouvees)


# --- the store ----------------------------------------------------------------------------------------------------



def _contenu(situation: str, titre: str, **autres) -> ContenuFiche:
    return ContenuFiche(situation=situation, titre=titre, date_debut=dt.date(2026, 10, 5), lieu=Lieu.PFMP,
                        nature=Nature.REELLE, complexite=1, aleas=0, **autres)


@pytest.fixture
def monde(fresh_db):
    ecole = creer_ecole(fresh_db)
    with transaction(fresh_db) as s:
        ids = {
            "commande": fiches.nouvelle_fiche(s, ecole.lea, _contenu(
                "1.1.2", "Commande de ramettes", contexte="Chez BIOMAG, j'ai passé la commande.")).id,
            "facture": fiches.nouvelle_fiche(s, ecole.lea, _contenu("1.1.3", "Contrôle d'une facture")).id,
            "devis": fiches.nouvelle_fiche(s, ecole.lea, _contenu("1.2.3", "Devis pour un client")).id,
            "appels": fiches.nouvelle_fiche(s, ecole.lea, _contenu("3.2.3", "Standard téléphonique")).id,
            "paie": fiches.nouvelle_fiche(s, ecole.lea, _contenu("2.3.1", "Bulletin de paie <script>alert(1)</script>",
                                                               demarche="<b>gras</b> & « guillemets »")).id,
        }
    yield fresh_db, ecole, ids


def _nb(engine, modele) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(modele))


@pytest.mark.store
def test_three_ways_to_choose_the_fiches(monde):
    engine, ecole, ids = monde
    with transaction(engine) as s:
        choix = extraits.creer_extrait(s, ecole.lea, "  Candidature BIOMAG ", [ids["devis"], ids["commande"]])
        pole = extraits.creer_extrait(s, ecole.lea, "Pôle 1", pole="1")
        offre = extraits.creer_extrait(s, ecole.lea, "Offre du cabinet", [ids["appels"], ids["facture"]], offre=OFFRE)
    assert (choix.titre, choix.origine, choix.fiches) == (
        "Candidature BIOMAG", "choix", ("Commande de ramettes", "Devis pour un client"))  # by situation code
    assert (pole.origine, pole.fiches) == ("pole", ("Commande de ramettes", "Contrôle d'une facture",
                                                     "Devis pour un client"))
    assert (offre.origine, offre.fiches) == ("offre", ("Contrôle d'une facture", "Standard téléphonique"))
    assert choix.statut == "sans_lien" and choix.expire_le is None
    with Session(engine) as s:
        assert s.get(Extrait, offre.id).offre == OFFRE.strip()
        assert [r.titre for r in extraits.mes_extraits(s, ecole.lea)] == [
            "Offre du cabinet", "Pôle 1", "Candidature BIOMAG"]
        assert [f.titre for f in extraits.fiches_a_choisir(s, ecole.lea, pole="3")] == ["Standard téléphonique"]
        assert [f.id for f in extraits.fiches_a_choisir(s, ecole.lea, situations=["1.2.3", "2.3.1"])] == [
            ids["devis"], ids["paie"]]
        assert [c.code for c in extraits.situations_pour_l_offre(s, ecole.lea, OFFRE, limite=3)] == [
            "1.2.3", "1.1.3", "1.1.2"]


@pytest.mark.store
@pytest.mark.parametrize("appel, message", [
    (lambda ids: dict(titre="", fiche_ids=[ids["devis"]]), "Donnez un titre à l'extrait."),
    (lambda ids: dict(titre="x" * 201, fiche_ids=[ids["devis"]]), "Le titre dépasse 200 caractères."),
    (lambda ids: dict(titre="Vide"), "Choisissez au moins une fiche."),
    (lambda ids: dict(titre="P", pole="9"), "Le pôle « 9 » n'existe pas dans votre référentiel."),
    (lambda ids: dict(titre="P", pole="4"), "Vous n'avez pas encore de fiche dans le pôle 4."),
    (lambda ids: dict(titre="P", pole="1", fiche_ids=[ids["appels"]]),
     "Ces fiches ne sont pas du pôle 1 : Standard téléphonique."),
    (lambda ids: dict(titre="O", offre="Préparer les bulletins de salaire", fiche_ids=[ids["paie"], ids["devis"]]),
     "Ces fiches ne portent pas sur une situation de l'offre : Devis pour un client."),
    (lambda ids: dict(titre="O", offre="\x00", fiche_ids=[ids["devis"]]),
     "Le texte de l'offre est trop long (20000 caractères au plus)."),
])
def test_a_bad_request_gets_a_french_message_and_writes_nothing(monde, appel, message):
    engine, ecole, ids = monde
    with pytest.raises(ExtraitInvalide) as erreur, transaction(engine) as s:
        extraits.creer_extrait(s, ecole.lea, **appel(ids))
    assert str(erreur.value) == message
    assert _nb(engine, Extrait) == 0 and _nb(engine, ExtraitFiche) == 0


@pytest.mark.store
def test_fiches_of_someone_else_or_in_the_bin_cannot_be_chosen(monde):
    engine, ecole, ids = monde
    with transaction(engine) as s:
        fiches.supprimer(s, ecole.lea, ids["paie"])
    for acteur, choisies in ((ecole.lea, [ids["devis"], ids["paie"]]), (ecole.lea, [999_999])):
        with pytest.raises(FicheIntrouvable), transaction(engine) as s:
            extraits.creer_extrait(s, acteur, "T", choisies)
    with pytest.raises(AccesRefuse), transaction(engine) as s:
        extraits.creer_extrait(s, ecole.martin, "T", [ids["devis"]])
    with pytest.raises(FicheIntrouvable), transaction(engine) as s:
        extraits.creer_extrait(s, ecole.noe, "T", [ids["devis"]])  # Noé cannot take Léa's fiche
    assert _nb(engine, Extrait) == 0


def _extrait(engine, ecole, ids, *noms, titre="Candidature BIOMAG") -> int:
    with transaction(engine) as s:
        return extraits.creer_extrait(s, ecole.lea, titre, [ids[n] for n in noms]).id


@pytest.mark.store
def test_link_duration_is_1_to_90_days_and_the_token_is_only_stored_hashed(monde):
    engine, ecole, ids = monde
    extrait_id = _extrait(engine, ecole, ids, "devis")
    instant = dt.datetime(2026, 11, 30, 10, 0)
    for jours in (0, 91, -5, "30", 30.0, True):
        with pytest.raises(ExtraitInvalide, match="^La durée du lien va de 1 à 90 jours.$"), transaction(engine) as s:
            extraits.creer_lien(s, ecole.lea, extrait_id, jours, instant=instant)
    with Session(engine) as s:
        assert s.get(Extrait, extrait_id).jeton_sha256 is None
    for jours in (1, 90):
        with transaction(engine) as s:
            jeton = extraits.creer_lien(s, ecole.lea, extrait_id, jours, instant=instant)
        assert len(jeton) >= 43  # 256 random bits, URL-safe base64
        with Session(engine) as s:
            extrait = s.get(Extrait, extrait_id)
            assert extrait.jeton_sha256 == hashlib.sha256(jeton.encode()).hexdigest() != jeton
            assert extrait.expire_le == dt.datetime(2026, 11, 30, 10, 0) + dt.timedelta(days=jours)
    with Session(engine) as s:
        # 90 days after 30/11/2026 10:00: 28/02/2027 10:00; one second later, expired.
        assert extraits.ouvrir_lien(s, jeton, "1.2.3.4", instant=dt.datetime(2027, 2, 28, 10, 0)) is not None
        assert extraits.ouvrir_lien(s, jeton, "1.2.3.4", instant=dt.datetime(2027, 2, 28, 10, 0, 1)) is None


@pytest.mark.store
def test_only_the_owner_shares_lists_and_revokes(monde):
    engine, ecole, ids = monde
    extrait_id = _extrait(engine, ecole, ids, "devis")
    for acteur in (ecole.noe, ecole.martin, ecole.admin):
        for appel in (lambda s: extraits.creer_lien(s, acteur, extrait_id, 30),
                      lambda s: extraits.revoquer_lien(s, acteur, extrait_id),
                      lambda s: extraits.apercu(s, acteur, extrait_id)):
            with pytest.raises(AccesRefuse), transaction(engine) as s:
                appel(s)
    with Session(engine) as s:
        assert extraits.mes_extraits(s, ecole.noe) == []
        with pytest.raises(AccesRefuse):
            extraits.mes_extraits(s, ecole.martin)


@pytest.mark.store
def test_wrong_expired_and_revoked_links_get_the_same_none_and_statuses_follow(monde):
    engine, ecole, ids = monde
    extrait_id = _extrait(engine, ecole, ids, "devis", "appels")
    with transaction(engine) as s:
        jeton = extraits.creer_lien(s, ecole.lea, extrait_id, 30)
    with Session(engine) as s:
        assert [r.statut for r in extraits.mes_extraits(s, ecole.lea)] == ["actif"]
        assert [r.statut for r in extraits.mes_extraits(s, ecole.lea, instant=dt.datetime(2100, 1, 1))] == ["expire"]
        for mauvais in ("", None, "x" * 101, jeton[:-1], jeton + "A"):
            assert extraits.ouvrir_lien(s, mauvais, "10.0.0.1") is None
        assert extraits.ouvrir_lien(s, jeton, "10.0.0.2", instant=dt.datetime(2100, 1, 1)) is None
        assert extraits.ouvrir_lien(s, jeton, "10.0.0.2") is not None
    with transaction(engine) as s:
        assert extraits.revoquer_lien(s, ecole.lea, extrait_id) is True
        assert extraits.revoquer_lien(s, ecole.lea, extrait_id) is False  # nothing active any more
    with Session(engine) as s:
        assert extraits.ouvrir_lien(s, jeton, "10.0.0.2") is None
        assert [r.statut for r in extraits.mes_extraits(s, ecole.lea)] == ["revoque"]
    with transaction(engine) as s:  # a new link replaces the revoked one; the old token stays dead
        nouveau = extraits.creer_lien(s, ecole.lea, extrait_id, 7)
    with Session(engine) as s:
        assert extraits.ouvrir_lien(s, jeton, "10.0.0.3") is None
        assert extraits.ouvrir_lien(s, nouveau, "10.0.0.3").titre == "Candidature BIOMAG"


@pytest.mark.store
def test_failures_are_counted_per_link_never_per_address(monde):
    engine, ecole, ids = monde
    extrait_id = _extrait(engine, ecole, ids, "devis")
    with transaction(engine) as s:
        jeton = extraits.creer_lien(s, ecole.lea, extrait_id, 30)
    with transaction(engine) as s:  # 50 wrong links from one (school's) address: the right one still opens there
        for i in range(50):
            assert extraits.ouvrir_lien(s, f"devine-{i}", "192.0.2.7") is None
        assert extraits.ouvrir_lien(s, jeton, "192.0.2.7") is not None
        dernier = s.scalars(select(EvenementAudit).order_by(EvenementAudit.id.desc())).first()
        assert (dernier.action, dernier.adresse) == ("consultation_extrait", "192.0.2.7")
    with transaction(engine) as s:  # one wrong token tried 10 times waits, from any address
        for _ in range(10):
            assert extraits.ouvrir_lien(s, "toujours-le-meme", "192.0.2.9") is None
        assert s.scalar(select(CompteurEchecs.attente_jusqua).where(
            CompteurEchecs.cle == limites.cle("lien-extrait", extraits._empreinte("toujours-le-meme")))) is not None


@pytest.mark.store
def test_the_link_shows_only_the_chosen_fiches_still_in_the_passport(monde):
    engine, ecole, ids = monde
    extrait_id = _extrait(engine, ecole, ids, "appels", "commande", "facture")
    with transaction(engine) as s:
        fiches.enregistrer(s, ecole.lea, ids["commande"], _contenu(
            "1.1.2", "Commande de ramettes (réécrite)", contexte="Version 2."))
        jeton = extraits.creer_lien(s, ecole.lea, extrait_id, 30)
    with transaction(engine) as s:
        partage = extraits.ouvrir_lien(s, jeton, "10.1.1.1")
    assert (partage.eleve, partage.titre) == ("Léa Moreau", "Candidature BIOMAG")
    assert [(f.situation, f.titre) for f in partage.fiches] == [
        ("1.1.2", "Commande de ramettes (réécrite)"), ("1.1.3", "Contrôle d'une facture"),
        ("3.2.3", "Standard téléphonique")]
    assert partage.fiches[0].contexte == "Version 2." and partage.fiches[0].situation_titre.startswith("Traitement")
    assert {f.name for f in dataclasses.fields(partage)} == {
        "extrait_id", "eleve_id", "eleve", "titre", "expire_le", "fiches"}  # no division, no appréciation
    with transaction(engine) as s:
        fiches.supprimer(s, ecole.lea, ids["facture"])
    with Session(engine) as s:
        assert [f.titre for f in extraits.ouvrir_lien(s, jeton, "10.1.1.1").fiches] == [
            "Commande de ramettes (réécrite)", "Standard téléphonique"]
        assert extraits.mes_extraits(s, ecole.lea)[0].fiches == (
            "Commande de ramettes (réécrite)", "Standard téléphonique")


@pytest.mark.store
def test_every_opening_is_journaled_and_shown_in_who_saw_my_passport(monde):
    engine, ecole, ids = monde
    extrait_id = _extrait(engine, ecole, ids, "devis", titre="Entretien chez BIOMAG")
    with transaction(engine) as s:
        jeton = extraits.creer_lien(s, ecole.lea, extrait_id, 30)
        fiches.fiches_de_l_eleve(s, ecole.martin, ecole.lea.eleve_id)  # a teacher's read, as before
    for forme in ("page", "pdf"):
        with transaction(engine) as s:
            extraits.ouvrir_lien(s, jeton, "10.2.2.2", forme)
    with transaction(engine) as s:
        extraits.ouvrir_lien(s, "mauvais", "10.2.2.2")  # a refused link reads nothing: not an opening
    with Session(engine) as s:
        evenements = s.scalars(select(EvenementAudit).where(EvenementAudit.action == "consultation_extrait")
                               .order_by(EvenementAudit.id)).all()
        assert [(e.compte_id, e.objet_id, e.eleve_id, e.details) for e in evenements] == [
            (None, extrait_id, ecole.lea.eleve_id, "page"), (None, extrait_id, ecole.lea.eleve_id, "pdf")]
        assert all(jeton not in e.details for e in s.scalars(select(EvenementAudit)))
        vues = audit.consultations_de_mon_passeport(s, ecole.lea)
    assert sorted((c.qui, c.role) for c in vues) == [
        ("", "enseignant·e"),  # the tiny school's teacher has no name
        ("Lien de partage « Entretien chez BIOMAG »", "personne ayant le lien"),
        ("Lien de partage « Entretien chez BIOMAG »", "personne ayant le lien"),
    ]


# --- the shared page and its PDF (our Starlette routes) -----------------------------------------------------------


@pytest.fixture
def client(monde, empty_db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", empty_db_url)
    web.reinitialiser_pour_les_tests()
    app = Starlette(routes=web.ROUTES, middleware=web.MIDDLEWARE)
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as c:
        yield c, *monde
    web.reinitialiser_pour_les_tests()


def _entetes_prives(r) -> None:
    assert r.headers["x-robots-tag"] == "noindex, nofollow"
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["referrer-policy"] == "no-referrer"


@pytest.mark.store
def test_the_shared_page_needs_no_account_escapes_student_text_and_is_never_indexed(client):
    c, engine, ecole, ids = client
    extrait_id = _extrait(engine, ecole, ids, "paie", "devis", titre="Mon <i>extrait</i>")
    with transaction(engine) as s:
        jeton = extraits.creer_lien(s, ecole.lea, extrait_id, 30)
    r = c.get(f"/extrait/{jeton}", headers={"accept": "text/html"})  # no cookie: no redirect to sign-in
    assert r.status_code == 200
    _entetes_prives(r)
    assert '<meta name="robots" content="noindex, nofollow">' in r.text
    assert "<script>" not in r.text and "<b>gras</b>" not in r.text and "<i>extrait</i>" not in r.text
    assert "Bulletin de paie &lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "&lt;b&gt;gras&lt;/b&gt; &amp; « guillemets »" in r.text
    assert "Mon &lt;i&gt;extrait&lt;/i&gt;" in r.text and "Léa Moreau" in r.text
    assert r.text.count('<article class="fiche">') == 2
    assert "1GA1" not in r.text and "Commande de ramettes" not in r.text  # no division, no other fiche


@pytest.mark.store
def test_a_refused_link_gets_one_neutral_page_with_the_same_headers(client):
    c, engine, ecole, ids = client
    extrait_id = _extrait(engine, ecole, ids, "devis")
    with transaction(engine) as s:
        jeton = extraits.creer_lien(s, ecole.lea, extrait_id, 30)
        extraits.revoquer_lien(s, ecole.lea, extrait_id)
    textes = set()
    for chemin in ("/extrait/nimporte-quoi", f"/extrait/{jeton}", f"/extrait/{jeton}/pdf"):
        r = c.get(chemin, headers={"accept": "text/html"})
        assert r.status_code == 404
        _entetes_prives(r)
        assert extraits.MESSAGE_NEUTRE in r.text and "Devis" not in r.text
        textes.add(r.text)
    assert len(textes) == 1


@pytest.mark.store
def test_the_shared_pdf_holds_the_chosen_fiches(client, tmp_path):
    c, engine, ecole, ids = client
    extrait_id = _extrait(engine, ecole, ids, "devis", "appels", titre="Pour l'entretien")
    with transaction(engine) as s:
        jeton = extraits.creer_lien(s, ecole.lea, extrait_id, 30)
    r = c.get(f"/extrait/{jeton}/pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    _entetes_prives(r)
    assert r.content.startswith(b"%PDF")
    (tmp_path / "e.pdf").write_bytes(r.content)
    texte = texte_pdf(tmp_path / "e.pdf")
    assert "Pour l'entretien" in texte or "Pour l’entretien" in texte
    assert "Devis pour un client" in texte and "Standard téléphonique" in texte
    assert "Commande de ramettes" not in texte and "1GA1" not in texte
    with Session(engine) as s:
        assert extraits.pdf_de_l_extrait(s, ecole.lea, extrait_id).startswith(b"%PDF")
