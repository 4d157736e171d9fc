"""Student text is shown as text: escaped markdown renders to exactly the text, with no tag of its own."""

import html
import re

import pytest
from markdown_it import MarkdownIt

from passeport.affichage import texte_brut

RENDU = MarkdownIt("commonmark")

PIEGES = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[cliquez](javascript:alert(1))",
    "<javascript:alert(1)>",
    "**gras** __gras__ *penché* _penché_ `code` ~~barré~~",
    "# Titre\n- liste\n1. numéro\n> citation",
    "| a | b |\n|---|---|\n| c | d |",
    ":red[rouge] :material/home: $x^2$",
    "&lt;b&gt; &amp; 3 < 4 > 2",
    "https://exemple.fr et www.exemple.fr",
    "Je dispose : d'un poste informatique, du PGI.\nÉtape 2 : j'ai saisi la commande n° 12.",
]


@pytest.mark.parametrize("texte", PIEGES)
def test_escaped_text_renders_to_itself(texte):
    rendu = RENDU.render(texte_brut(texte))
    balises = set(re.findall(r"<(/?[a-z0-9]+)", rendu))
    assert balises <= {"p", "/p", "br"}, balises
    visible = html.unescape(re.sub(r"<br />\n?", "\n", re.sub(r"</?p>", "", rendu))).strip().replace("\u2060", "")
    assert visible == texte


def test_empty_text():
    assert texte_brut("") == ""


def test_links_and_directives_are_broken_by_an_invisible_joiner():
    assert "\u2060" in texte_brut("https://exemple.fr") and "\u2060" in texte_brut(":material/home:")
    assert "\u2060" in texte_brut("www.exemple.fr")


def test_stored_utc_times_are_shown_at_french_school_time():
    import datetime as dt

    from passeport.affichage import heure_locale

    assert heure_locale(dt.datetime(2026, 11, 29, 8, 0)) == dt.datetime(2026, 11, 29, 9, 0)  # winter: UTC+1
    assert heure_locale(dt.datetime(2026, 6, 30, 22, 30)) == dt.datetime(2026, 7, 1, 0, 30)  # summer: UTC+2
