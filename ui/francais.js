// Puts into French the few English texts that Streamlit's own widgets show (file uploader, select boxes, input
// hints, table toolbar, the date picker's calendar, told the page is in French), makes the search of select boxes accent-insensitive, and keeps the phone's keyboard from
// covering the bottom of the page. Student text is never touched:
// only texts inside the framework's widgets, outside any markdown, and only when they are exactly a known string.
// Mounted once per page by ui/francais.py; no external file.

const TEXTES = {
  "Drag and drop files here": "Glissez vos fichiers ici",
  "Drag and drop a file here": "Glissez un fichier ici",
  "Drag and drop directories here": "Glissez des dossiers ici",
  "Browse files": "Choisir des fichiers",
  "Upload": "Choisir un fichier",
  "Upload directories": "Choisir un dossier",
  "Choose an option": "Choisissez une option",
  "Choose options": "Choisissez des options",
  "Choose or add an option": "Choisissez ou ajoutez une option",
  "Choose or add options": "Choisissez ou ajoutez des options",
  "No results": "Aucun résultat",
  "No options to select": "Aucune option",
  "Clear all": "Tout effacer",
  "Select all": "Tout sélectionner",
  "Press Enter to apply": "Entrée pour valider",
  "Press Enter to submit form": "Entrée pour envoyer le formulaire",
  "Press Ctrl+Enter to apply": "Ctrl+Entrée pour valider",
  "Press ⌘+Enter to apply": "⌘+Entrée pour valider",
  "Press Ctrl+Enter to submit form": "Ctrl+Entrée pour envoyer le formulaire",
  "Press ⌘+Enter to submit form": "⌘+Entrée pour envoyer le formulaire",
  "Add files": "Ajouter des fichiers",
  "Error:": "",      // before "File must be … or smaller.", in its own text
  "Clear value": "Effacer",
  "dd": "jj",        // the empty segments of a date field (dd/mm/yyyy)
  "yyyy": "aaaa",
  "Open": "Ouvrir la liste",
  "file upload": "envoi de fichiers",
  "Download as CSV": "Télécharger en CSV",
  "Search": "Rechercher",
  "Fullscreen": "Plein écran",
  "Close fullscreen": "Quitter le plein écran",
  "Show password text": "Afficher le mot de passe",
  "Hide password text": "Masquer le mot de passe",
  "Date range": "Période",
  "Select...": "Choisir…",
  "empty": "aucune ligne",  // an empty table (pages show a sentence instead; this is the safety net)
  "Use arrow keys to navigate dates. Enter to select. Escape to close.":
    "Flèches pour changer de jour, Entrée pour choisir, Échap pour fermer.",
};

// "11.5MB" (Streamlit's sizes, 1000-based on phones) -> "11,5 Mo"
const UNITES = { B: "octets", KB: "Ko", MB: "Mo", GB: "Go" };
function taille(nombre, unite) {
  const n = Number(nombre);
  const texte = Number.isInteger(n) ? String(n) : String(n).replace(".", ",");
  return `${texte} ${UNITES[unite.toUpperCase()]}`;
}
const TAILLE = "(\\d+(?:\\.\\d+)?)\\s?(GB|MB|KB|B)";

const MOTIFS = [
  [new RegExp(`^Limit ${TAILLE} per file(.*)$`), (m, n, u, reste) => `${taille(n, u)} au plus par fichier${reste}`],
  [new RegExp(`^${TAILLE} per file$`), (m, n, u) => `${taille(n, u)} au plus par fichier`],
  [new RegExp(`^Error: File must be ${TAILLE} or smaller\\.$`),
    (m, n, u) => `Fichier trop gros : ${taille(n, u)} au plus, il n'a pas été envoyé.`],
  [new RegExp(`^File must be ${TAILLE} or smaller\\.$`),
    (m, n, u) => `Fichier trop gros : ${taille(n, u)} au plus, il n'a pas été envoyé.`],
  [/^(Error: )?.* files are not allowed\.$/, () => "Ce type de fichier n'est pas accepté."],
  [new RegExp(`^${TAILLE}$`), (m, n, u) => taille(n, u)],
  [/^Remove (.+)$/, (m, nom) => `Retirer ${nom}`],
  [/^(\d+) files?$/, (m, n) => (n === "1" ? "1 fichier" : `${n} fichiers`)],
  [/^Select (\d+) match(?:es)?$/, (m, n) => (n === "1" ? "Choisir ce résultat" : `Choisir les ${n} résultats`)],
];

// Where framework texts live. Markdown containers (labels, student text) are skipped.
const WIDGETS = [
  "[data-testid='stFileUploader']", "[data-testid='stSelectbox']", "[data-testid='stMultiSelect']",
  "[data-testid='InputInstructions']", "[role='listbox']", "[data-baseweb='popover']",
  "[data-testid='stElementToolbar']", "[data-testid='stTooltipContent']", "[data-testid='stDataFrame']",
  "[data-testid='stTextInput']", "[data-testid='stTextArea']", "[data-testid='stDateInput']",
  "[data-testid='stDateInputCalendar']",
].join(",");
const ATTRIBUTS = ["placeholder", "aria-label", "title"];

// What screen readers say (aria-label), anywhere on the page: never student text.
const ETIQUETTES = {
  "Sidebar": "Menu", "App pages": "Pages", "Expand sidebar": "Ouvrir le menu", "Collapse sidebar": "Fermer le menu",
  "Link to heading": "Lien vers ce titre", "Choose date": "Choisir une date", "Previous month": "Mois précédent",
  "Next month": "Mois suivant", "Show/hide columns": "Afficher ou masquer des colonnes",
  "month": "mois", "year": "année", "Choose date range": "Choisir une période",
};
const PARTIES_DE_DATE = { day: "jour", month: "mois", year: "année" };
const MOTIFS_ETIQUETTES = [
  [/^Help for (.+)$/, (m, champ) => `Aide : ${champ}`],
  [/^(day|month|year), (.+?)(?: (start|end) date)?$/,
    (m, partie, champ, bout) => `${PARTIES_DE_DATE[partie]}, ${champ}${bout ? (bout === "start" ? " (début)" : " (fin)") : ""}`],
  [/^Choose date, (.+)$/, (m, mois) => `Choisir une date, ${mois}`],
  [/^Choose date range, (.+)$/, (m, mois) => `Choisir une période, ${mois}`],
];

function chercher(propre, textes, motifs) {
  if (Object.prototype.hasOwnProperty.call(textes, propre)) return textes[propre];
  for (const [motif, remplacement] of motifs) {
    if (motif.test(propre)) return propre.replace(motif, remplacement);
  }
  return null;
}

function traduire(texte) {
  const propre = texte.trim();
  return propre ? chercher(propre, TEXTES, MOTIFS) : null;
}

function dansUnWidget(element) {
  if (!element || !element.closest(WIDGETS) || element.closest("[role='dialog'][data-testid='stDialog']")) return false;
  // Markdown holds labels and student text; the uploader's own button label is markdown too.
  return !element.closest("[data-testid='stMarkdownContainer']")
    || Boolean(element.closest("[data-testid='stFileUploaderDropzone'] button"));
}

function traduireAttributs(element) {
  const etiquette = element.getAttribute("aria-label");
  const francaise = etiquette && chercher(etiquette.trim(), ETIQUETTES, MOTIFS_ETIQUETTES);
  if (francaise && francaise !== etiquette) element.setAttribute("aria-label", francaise);
  if (!dansUnWidget(element)) return;
  for (const attribut of ATTRIBUTS) {
    const valeur = element.getAttribute(attribut);
    const francais = valeur && traduire(valeur);
    if (francais && francais !== valeur) element.setAttribute(attribut, francais);
  }
}

function traduireNoeud(noeud) {
  if (noeud.nodeType === Node.TEXT_NODE) {
    const parent = noeud.parentElement;
    if (!dansUnWidget(parent)) return;
    // Never what is being typed; only the empty segments of a date field (its placeholder "dd/mm/yyyy").
    if (parent.closest("textarea,[contenteditable='true']") && !parent.matches("[data-placeholder='true']")) return;
    const francais = traduire(noeud.nodeValue);
    if (francais !== null && francais !== noeud.nodeValue.trim()) noeud.nodeValue = francais;
    return;
  }
  if (noeud.nodeType !== Node.ELEMENT_NODE) return;
  traduireAttributs(noeud);
  noeud.querySelectorAll("[placeholder],[aria-label],[title]").forEach(traduireAttributs);
  const marcheur = document.createTreeWalker(noeud, NodeFilter.SHOW_TEXT);
  for (let texte = marcheur.nextNode(); texte; texte = marcheur.nextNode()) traduireNoeud(texte);
}

// Select boxes filter their options on the typed text without folding accents. The pages give their options
// decomposed labels (passeport.affichage.cherchable: "è" written as "e" + a combining accent), so "reglement" finds
// them; here what is typed is decomposed the same way, so that "règlement" typed with accents still finds them.
// Only in the boxes whose labels are decomposed: elsewhere ("Léa Moreau" in a teacher's list of students) a
// decomposed "é" typed would no longer match the label's.
const RECHERCHES_DECOMPOSEES = ".st-key-f_situation, .st-key-poste_situations, [class*='st-key-situation_duplication']";

function decomposerLaRecherche(evenement) {
  const champ = evenement.target;
  if (!(champ instanceof HTMLInputElement)) return;
  if (!champ.closest(RECHERCHES_DECOMPOSEES)) return;
  if (evenement.isComposing) return;  // a phone keyboard still composing the word: wait for its end
  const decompose = champ.value.normalize("NFD");
  if (decompose === champ.value) return;
  const position = champ.selectionStart === champ.value.length ? decompose.length : null;
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(champ, decompose);
  if (position !== null) champ.setSelectionRange(position, position);
}

function finDeComposition(evenement) {
  const champ = evenement.target;
  if (!(champ instanceof HTMLInputElement) || champ.value === champ.value.normalize("NFD")) return;
  if (!champ.closest(RECHERCHES_DECOMPOSEES)) return;
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(champ, champ.value.normalize("NFD"));
  champ.dispatchEvent(new Event("input", { bubbles: true }));
}

// On Android, Chrome lays the keyboard over the page by default: the « Enregistrer » bar stuck to the bottom of the
// screen (ui/style.py) would sit under it. Asking it to shrink the page instead keeps the bar above the keyboard.
function clavierAuDessousDeLaPage() {
  const meta = document.querySelector("meta[name='viewport']");
  if (meta && !/interactive-widget/.test(meta.content)) meta.content += ", interactive-widget=resizes-content";
}

// The date picker (React Aria) writes its months, days and week in the browser's language: a school PC may have
// been installed in English. The app speaks French only, so its widgets are told the page's language is French
// (React Aria listens to "languagechange" and reads navigator.language again).
function langueFrancaise() {
  if ((navigator.language || "").toLowerCase().startsWith("fr")) return;
  try {
    Object.defineProperty(Navigator.prototype, "language", { get: () => "fr-FR", configurable: true });
    Object.defineProperty(Navigator.prototype, "languages", { get: () => ["fr-FR", "fr"], configurable: true });
    window.dispatchEvent(new Event("languagechange"));
  } catch (erreur) {
    // a browser that refuses: the texts above are still translated one by one
  }
}

export default function () {
  if (window.__passeportFrancais) return;  // one observer per tab, whatever the reruns
  window.__passeportFrancais = true;
  clavierAuDessousDeLaPage();
  langueFrancaise();
  document.addEventListener("input", decomposerLaRecherche, true);
  document.addEventListener("compositionend", finDeComposition, true);
  traduireNoeud(document.body);
  new MutationObserver((changements) => {
    for (const changement of changements) {
      if (changement.type === "characterData") traduireNoeud(changement.target);
      else if (changement.type === "attributes") traduireAttributs(changement.target);
      else changement.addedNodes.forEach(traduireNoeud);
    }
  }).observe(document.body, {
    childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTS,
  });
}
