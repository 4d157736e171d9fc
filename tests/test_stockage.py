import pytest

from passeport import stockage


def test_content_is_stored_once_under_its_sha256(tmp_path):
    sha = stockage.enregistrer(b"abc", tmp_path)
    assert sha == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2 test vector
    assert stockage.enregistrer(b"abc", tmp_path) == sha
    assert [p.name for p in tmp_path.iterdir()] == [sha]
    assert stockage.lire(sha, tmp_path) == b"abc"


@pytest.mark.parametrize("mauvais", ["../etc/passwd", "A" * 64, "abc", "g" * 64])
def test_only_hashes_name_files(tmp_path, mauvais):
    with pytest.raises(ValueError):
        stockage.chemin(mauvais, tmp_path)
