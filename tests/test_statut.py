import pytest

from passeport.statut import Statut, statut


@pytest.mark.parametrize(
    ("fiches", "attendu"),
    [
        ([], Statut.NON_TRAVERSEE),
        ([(3, 2)], Statut.UNE_FOIS),
        ([(1, 0), (1, 0)], Statut.REPETEE),
        ([(1, 0), (1, 0), (1, 0)], Statut.REPETEE),
        ([(1, 0), (2, 0)], Statut.EVALUABLE),
        ([(1, 0), (1, 1)], Statut.EVALUABLE),
        ([(1, 2), (1, 0)], Statut.EVALUABLE),
    ],
)
def test_statut_rule(fiches, attendu):
    assert statut(fiches) == attendu
