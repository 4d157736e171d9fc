"""Phone ergonomics: one style sheet for every page (called once from app.py).

On a narrow screen the main touch targets are at least 44 px high (buttons, links to pages, select boxes,
checkboxes, radio choices, tabs, the sidebar's navigation), and the fiche form's « Enregistrer » button (key
``enregistrer``) stays stuck to the bottom of the screen, so that it can be reached while typing a long text.
On every screen, the reason a file was refused is written under it (Streamlit shows it only on mouse hover), and
the Nouveautés lists are compact rows.
"""

from __future__ import annotations

import streamlit as st

CIBLE_MIN_PX = 44  # Apple's and WCAG 2.5.5's minimum touch target
TELEPHONE_MAX_PX = 640  # below this width, the phone rules apply

FEUILLE = f"""
<style>
/* Why a file was refused, written under it (Streamlit keeps it for a mouse hover, which a phone has not). */
[data-testid="stFileChip"] [role="alert"] {{
  position: static !important; width: auto !important; height: auto !important; clip: auto !important;
  clip-path: none !important; overflow: visible !important; white-space: normal !important; margin: .25rem 0 0 !important;
  display: block; flex-basis: 100%; order: 10; color: #b3261e; font-size: .85rem;
}}
[data-testid="stFileChip"]:has([role="alert"]) {{ flex-wrap: wrap; }}
/* The Nouveautés lists: one compact row an item (two short lines), a dozen on a school PC's screen. */
.st-key-nouveautes_liste [class*="st-key-nouveaute_"], .st-key-nouveautes_eleve [class*="st-key-nouveaute_"] {{
  border-bottom: 1px solid rgba(49, 51, 63, .12); padding: .3rem 0;
}}
.st-key-nouveautes_liste [data-testid="stMarkdownContainer"] p,
.st-key-nouveautes_eleve [data-testid="stMarkdownContainer"] p {{ margin: 0; line-height: 1.35; }}
.st-key-nouveautes_liste [data-testid="stMarkdown"], .st-key-nouveautes_eleve [data-testid="stMarkdown"],
.st-key-nouveautes_liste [data-testid="stMarkdownContainer"],
.st-key-nouveautes_eleve [data-testid="stMarkdownContainer"] {{ margin-bottom: 0 !important; height: auto !important; }}
.st-key-nouveautes_liste p span, .st-key-nouveautes_eleve p span {{ font-size: .85rem; }}
.st-key-nouveautes_liste button, .st-key-nouveautes_eleve button {{ min-height: 2rem; padding-top: 0; padding-bottom: 0; }}
@media (max-width: {TELEPHONE_MAX_PX}px) {{
  [data-testid^="stBaseButton"], [data-testid="stButtonGroup"] button, [data-testid="stPageLink"] a, [data-testid="stSidebarNavLink"],
  [data-testid="stExpander"] summary, [role="tab"], [data-testid="stDateInput"] input,
  [data-testid="stSelectbox"] .react-aria-ComboBox [role="group"], [data-testid="stMultiSelect"] [role="group"],
  [data-testid="stDateInputField"],
  [data-testid="stCheckbox"] label, [data-testid="stRadio"] [role="radiogroup"] label {{
    min-height: {CIBLE_MIN_PX}px;
  }}
  [data-testid^="stBaseButton"] {{ min-width: {CIBLE_MIN_PX}px; }}
  [data-testid="stPageLink"] a, [data-testid="stSidebarNavLink"], [data-testid="stCheckbox"] label,
  [data-testid="stRadio"] [role="radiogroup"] label {{
    display: flex; align-items: center;
  }}
  .st-key-enregistrer {{
    position: sticky; bottom: 0; z-index: 50; width: 100% !important; align-self: stretch;
    background: var(--background-color, #fff);
    padding: .5rem 0 calc(.5rem + env(safe-area-inset-bottom));
    box-shadow: 0 -6px 8px -6px rgba(0, 0, 0, .25);
  }}
  .st-key-enregistrer button {{ width: 100%; }}
}}
</style>
"""


def style_telephone() -> None:
    """Add the style sheet to the page (no space taken: a style-only st.html goes to the page's head)."""
    st.html(FEUILLE)
