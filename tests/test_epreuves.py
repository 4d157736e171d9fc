"""The CCF épreuves: the official mapping read from referentiels/epreuves.csv, and those a team entered."""

import pytest
from sqlalchemy.orm import Session

from passeport import epreuves, referentiel
from passeport.models import Compte, EpreuveLocale, Etablissement, Role, maintenant

pytestmark = pytest.mark.store


def test_ga_2012_epreuves_map_to_their_poles():
    ga = {e.code: e for e in epreuves.officielles() if e.referentiel == "ga-2012"}
    assert {code: e.poles for code, e in ga.items()} == {"E2": ("2",), "E31": ("1",), "E32": ("3",), "E33": ("4",)}
    assert [code for code, e in ga.items() if e.en_ccf] == ["E31", "E32", "E33"]
    ref = referentiel.charger("ga-2012")
    assert {code: len(e.situations(ref)) for code, e in ga.items()} == {"E2": 15, "E31": 14, "E32": 14, "E33": 12}
    assert ga["E31"].situations(ref)[:2] == ["1.1.1", "1.1.2"]
    assert ga["E31"].libelle == "E31 — Gestion administrative des relations externes (pôle 1)"


def test_the_shipped_file_is_the_official_one_from_shared():
    partage = referentiel.RACINE.parent / "shared" / "referentiels" / "epreuves.csv"
    if not partage.exists():
        pytest.skip("shared/ absent de cette copie")
    assert partage.read_text(encoding="utf-8") == epreuves.CHEMIN_EPREUVES.read_text(encoding="utf-8")


def test_a_teams_epreuve_comes_after_the_official_ones_until_withdrawn(fresh_db):
    with Session(fresh_db) as s:
        etab = Etablissement(uai="0350001A", nom="Lycée")
        prof = Compte(login="prof", role=Role.ENSEIGNANT, etablissement=etab)
        s.add_all([etab, prof])
        s.flush()
        s.add(EpreuveLocale(etablissement_id=etab.id, referentiel="agora-2020", code="E31", titre="Gestion des relations",
                            poles="1|2", cree_par_id=prof.id))
        s.flush()
        assert [e.code for e in epreuves.epreuves(s, etab.id, "ga-2012")] == ["E2", "E31", "E32", "E33"]
        agora = epreuves.epreuve(s, etab.id, "agora-2020", " e31 ")
        assert (agora.officielle, agora.poles, agora.en_ccf) == (False, ("1", "2"), True)
        assert len(agora.situations(referentiel.charger("agora-2020"))) > 0
        with pytest.raises(epreuves.EpreuveInconnue, match="Épreuve « E31 » inconnue pour le référentiel agora-2020"):
            epreuves.epreuve(s, None, "agora-2020", "E31")  # another school does not see it
        s.query(EpreuveLocale).update({EpreuveLocale.retiree_le: maintenant()})
        assert epreuves.epreuves(s, etab.id, "agora-2020") == []
