// Keeps what a student types. Streamlit sends a text field to the server only when it loses focus; this script
// copies every keystroke into this browser's storage at once and posts the typed fields to /brouillon a moment
// after the typing stops (at most a few seconds of typing can be lost). Offline or after the session ended, the
// text stays in this browser and is sent when the network or the session comes back. No external file.

const STOCKAGE = "passeport-saisies";  // localStorage: {cle: {compte, fiche_id, champs, horodatage}} not yet sent
const PAUSE_MS = 1200;                 // sent this long after the last keystroke...
const DELAI_MAX_MS = 4000;             // ...and at least this often while the student keeps typing
const ATTENTE_COUPURE_MS = 1500;       // a shorter loss of the connection is not worth a message

const MESSAGES = {
  coupure: "Connexion perdue : votre texte est gardé sur ce téléphone, il sera envoyé dès le retour du réseau.",
  session: "Votre session a pris fin : votre texte est gardé sur cet appareil. Reconnectez-vous pour l'envoyer.",
  retour: "Connexion rétablie : votre texte est enregistré.",
};

const etat = window.__passeportGardeTexte || (window.__passeportGardeTexte = {
  config: null, aVerifier: null, minuterie: null, premiereFrappe: null, envoiEnCours: false, recharger: null,
  chargeA: 0, aRecharger: false, sessionFinie: false, coupure: false, minuterieCoupure: null, installe: false,
});

function lireSaisies() {
  try { return JSON.parse(localStorage.getItem(STOCKAGE) || "{}") || {}; } catch (e) { return {}; }
}

function ecrireSaisies(saisies) {
  try { localStorage.setItem(STOCKAGE, JSON.stringify(saisies)); } catch (e) { /* storage full: the post remains */ }
}

function champSuivi(cible) {
  const config = etat.config;
  if (!config || !config.cle || !cible || !cible.closest) return null;
  for (const [cleWidget, nom] of Object.entries(config.champs)) {
    if (cible.closest(".st-key-" + cleWidget)) return nom;
  }
  return null;
}

function noterFrappe(evenement) {
  const nom = champSuivi(evenement.target);
  if (!nom) return;
  const config = etat.config;
  const saisies = lireSaisies();
  const saisie = saisies[config.cle] || { compte: config.compte, fiche_id: config.fiche_id, champs: {} };
  saisie.champs[nom] = evenement.target.value;
  saisie.horodatage = Date.now();
  saisies[config.cle] = saisie;
  ecrireSaisies(saisies);
  planifierEnvoi();
}

function planifierEnvoi() {
  clearTimeout(etat.minuterie);
  const maintenant = Date.now();
  if (etat.premiereFrappe === null) etat.premiereFrappe = maintenant;
  const reste = etat.premiereFrappe + DELAI_MAX_MS - maintenant;
  etat.minuterie = setTimeout(() => envoyer(false), Math.max(0, Math.min(PAUSE_MS, reste)));
}

async function envoyer(finDePage) {
  etat.premiereFrappe = null;
  clearTimeout(etat.minuterie);
  if (etat.envoiEnCours && !finDePage) { planifierEnvoi(); return; }
  const config = etat.config;
  if (!config) return;
  etat.envoiEnCours = true;
  try {
    for (const [cle, saisie] of Object.entries(lireSaisies())) {
      if (saisie.compte !== config.compte) continue;  // typed under another account of this browser: not ours
      let reponse;
      try {
        reponse = await fetch("/brouillon", {
          method: "POST", credentials: "same-origin", keepalive: finDePage, cache: "no-store",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ cle, fiche_id: saisie.fiche_id, champs: saisie.champs, horodatage: saisie.horodatage }),
        });
      } catch (e) {
        signalerCoupure(true);
        reessayer();
        return;
      }
      if (reponse.status === 401) { etat.sessionFinie = true; afficherBandeau(); return; }
      if (!reponse.ok && reponse.status >= 500) { signalerCoupure(true); reessayer(); return; }
      const resultat = await reponse.json().catch(() => ({}));
      const actuelles = lireSaisies();
      // Sent, or refused for good (another account's draft, a published one): either way not to send again.
      if (actuelles[cle] && actuelles[cle].horodatage === saisie.horodatage) {
        delete actuelles[cle];
        ecrireSaisies(actuelles);
      }
      // Text typed before the page last filled the form reached the server only now: the form missed it.
      if (reponse.ok && etat.config && cle === etat.config.cle && saisie.horodatage <= etat.chargeA) {
        etat.aRecharger = true;
      }
    }
    const revenue = etat.coupure || etat.sessionFinie;
    etat.sessionFinie = false;
    signalerCoupure(false);
    if (revenue) afficherBandeau(MESSAGES.retour, 4000);
    verifierChargement();
  } finally {
    etat.envoiEnCours = false;
  }
}

// The page put values in the fields (a reload, a new session after a long cut): if it missed text typed here
// before, ask it to load the draft again once that text is on the server. Checked once per load, so typing
// after the load never brings a reload.
function verifierChargement() {
  const config = etat.config;
  if (!config || !config.cle || etat.aVerifier !== config.chargement || !etat.recharger) return;
  const enAttente = lireSaisies()[config.cle];
  if (enAttente && enAttente.horodatage <= etat.chargeA) return;  // sent first, checked after
  etat.aVerifier = null;
  if (etat.aRecharger) {
    etat.aRecharger = false;
    etat.recharger("recharger", Date.now());
  }
}

// The server did not answer: try again a little later (the "online" event does not come when only the server is down).
function reessayer() {
  clearTimeout(etat.minuterieReessai);
  etat.minuterieReessai = setTimeout(() => envoyer(false), 10000);
}

function connexionPerdue() {
  const app = document.querySelector("[data-testid='stApp']");
  const etatConnexion = app ? app.getAttribute("data-test-connection-state") : "CONNECTED";
  return !navigator.onLine || (etatConnexion && etatConnexion !== "CONNECTED");
}

function signalerCoupure(coupure) {
  if (coupure === etat.coupure) { if (coupure) liberer(); return; }
  etat.coupure = coupure;
  if (coupure) { afficherBandeau(); liberer(); } else if (!etat.sessionFinie) afficherBandeau(null);
}

// Streamlit disables every field while it has no connection, and drops what is typed in them. During a cut each
// text field of the form is replaced by a plain one of ours holding the same text; when the connection is back
// the text goes back into Streamlit's field, as if typed there.
function liberer() {
  const config = etat.config;
  if (!config) return;
  for (const cleWidget of Object.keys(config.champs)) {
    const conteneur = document.querySelector(".st-key-" + cleWidget);
    const original = conteneur && conteneur.querySelector("textarea:not([data-relais]), input:not([data-relais])");
    if (!original || conteneur.querySelector("[data-relais]")) continue;
    const relais = document.createElement(original.tagName === "TEXTAREA" ? "textarea" : "input");
    relais.dataset.relais = cleWidget;
    relais.value = original.value;
    relais.setAttribute("aria-label", original.getAttribute("aria-label") || "");
    relais.style.cssText = "width:100%;box-sizing:border-box;font:inherit;font-size:1rem;padding:.5rem .75rem;" +
      `border:2px solid #c9a100;border-radius:.5rem;background:#fffdf3;min-height:${original.offsetHeight || 40}px`;
    const bloc = original.closest("[data-baseweb='textarea'],[data-baseweb='input'],[data-baseweb='base-input']")
      || original;
    // The browser takes the focus away from a field being disabled: given back if that just happened.
    const sortie = etat.sortie;
    const actif = document.activeElement === original || (sortie && sortie.cleWidget === cleWidget
      && Date.now() - sortie.instant < 5000 && (!document.activeElement || document.activeElement === document.body));
    bloc.style.display = "none";
    bloc.insertAdjacentElement("afterend", relais);
    if (actif) {
      const position = sortie && sortie.cleWidget === cleWidget ? sortie.position : relais.value.length;
      relais.focus();
      relais.setSelectionRange(position, position);
    }
  }
}

function rendre() {
  document.querySelectorAll("[data-relais]").forEach((relais) => {
    const conteneur = relais.closest(".st-key-" + relais.dataset.relais);
    const original = conteneur && conteneur.querySelector("textarea:not([data-relais]), input:not([data-relais])");
    if (!original || original.disabled) return;  // Streamlit has not given the field back yet
    const bloc = original.closest("[data-baseweb='textarea'],[data-baseweb='input'],[data-baseweb='base-input']")
      || original;
    const actif = document.activeElement === relais;
    if (original.value !== relais.value) {
      const proto = original.tagName === "TEXTAREA" ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
      Object.getOwnPropertyDescriptor(proto, "value").set.call(original, relais.value);
      original.dispatchEvent(new Event("input", { bubbles: true }));
    }
    bloc.style.display = "";
    relais.remove();
    if (actif) { original.focus(); original.setSelectionRange(original.value.length, original.value.length); }
  });
}

// The framework's English "Connection error" box would cover the form (and make it inert): closed at once, our
// French banner says it instead.
function fermerBoiteAnglaise() {
  document.querySelectorAll(".stDialog").forEach((boite) => {
    if (/Connection error|Is Streamlit still running/.test(boite.textContent || "")) {
      const fermer = boite.querySelector("[aria-label='Close']");
      if (fermer) fermer.click(); else boite.style.display = "none";
    }
  });
}

function surveillerConnexion() {
  const verifier = () => {
    clearTimeout(etat.minuterieCoupure);
    if (connexionPerdue()) {
      etat.minuterieCoupure = setTimeout(() => { if (connexionPerdue()) signalerCoupure(true); }, ATTENTE_COUPURE_MS);
    } else {
      rendre();
      if (etat.coupure) envoyer(false);
    }
  };
  window.addEventListener("online", verifier);
  window.addEventListener("offline", verifier);
  const app = document.querySelector("[data-testid='stApp']");
  if (app) new MutationObserver(verifier)
    .observe(app, { attributes: true, attributeFilter: ["data-test-connection-state"] });
  // Fields redrawn during a cut, fields given back by Streamlit, the English box: watched as they appear.
  new MutationObserver(() => {
    fermerBoiteAnglaise();
    if (etat.coupure && connexionPerdue()) liberer(); else if (!connexionPerdue()) rendre();
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["disabled"] });
}

function afficherBandeau(message, duree) {
  let bandeau = document.getElementById("passeport-bandeau-connexion");
  const texte = message === undefined
    ? (etat.sessionFinie ? MESSAGES.session : etat.coupure ? MESSAGES.coupure : null) : message;
  if (!texte) { if (bandeau) bandeau.remove(); return; }
  if (!bandeau) {
    bandeau = document.createElement("div");
    bandeau.id = "passeport-bandeau-connexion";
    bandeau.setAttribute("role", "status");
    bandeau.setAttribute("aria-live", "polite");
    bandeau.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:1000001;padding:.8rem 1rem;" +
      "font:1rem/1.4 system-ui,sans-serif;background:#fff3c4;color:#3d2e00;border-bottom:2px solid #c9a100;" +
      "box-shadow:0 2px 6px #0003";
    document.body.appendChild(bandeau);
  }
  bandeau.textContent = texte;
  if (etat.sessionFinie && texte === MESSAGES.session) {
    const lien = document.createElement("a");
    const suite = etat.config && etat.config.cle ? "/eleve_fiche?brouillon=" + encodeURIComponent(etat.config.cle)
      : location.pathname + location.search;
    lien.href = "/connexion?suite=" + encodeURIComponent(suite);
    lien.textContent = " Se reconnecter";
    lien.style.cssText = "font-weight:600;margin-left:.4rem";
    bandeau.appendChild(lien);
  }
  clearTimeout(etat.minuterieBandeau);
  if (duree) etat.minuterieBandeau = setTimeout(() => afficherBandeau(null), duree);
}

function installer() {
  if (etat.installe) return;
  etat.installe = true;
  document.addEventListener("input", noterFrappe, true);
  document.addEventListener("focusout", (evenement) => {
    const config = etat.config;
    const cible = evenement.target;
    if (!config || !cible || !cible.closest || cible.dataset.relais) return;
    const cleWidget = Object.keys(config.champs).find((k) => cible.closest(".st-key-" + k));
    if (cleWidget) etat.sortie = { cleWidget, position: cible.selectionStart || 0, instant: Date.now() };
  }, true);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") envoyer(true); });
  window.addEventListener("pagehide", () => envoyer(true));
  const style = document.createElement("style");
  style.textContent = ".st-key-garde_texte{display:none!important}";
  document.head.appendChild(style);
  surveillerConnexion();
}

export default function (composant) {
  const { data, setTriggerValue } = composant;
  etat.recharger = setTriggerValue;
  const avant = etat.config;
  etat.config = data;
  installer();
  if (data.cle && (!avant || avant.chargement !== data.chargement)) {
    etat.aVerifier = data.chargement;
    etat.chargeA = Date.now();
    etat.aRecharger = false;
  }
  if (Object.keys(lireSaisies()).length) envoyer(false); else verifierChargement();
  return () => envoyer(false);  // leaving the page: what is still typed-but-unsent goes now
}
