// Emergency details in an open chat (issue 14 item 2; server side in api/services/emergency.py).
//
// While a conversation is urgent, the personal data the young person wrote (an address, a phone number)
// is kept encrypted for at most 24 hours. For each open chat this module asks whether any is kept
// (GET: a count, never a value) and then offers "Show emergency details"; only a click fetches the
// values (POST, audited on the server) and shows them. Nothing is cached or stored in the browser.
// A plain ES module beside dashboard.js: it finds the chat panels through their test hooks.

const API = "/api/v1/counsellor/conversations/";
const TOKEN_KEY = "lyt.dash.token";
const CHECK_DELAY_MS = 600;

const TEXT = {
  da: {
    title: "Nøddata",
    intro: "Den unge har skrevet personoplysninger, mens samtalen var akut. De er gemt krypteret i højst 24 timer, så du kan sende hjælp. Hver visning bliver logget.",
    show: "Vis nøddata",
    hide: "Skjul nøddata",
    none: "Der er ingen nøddata (længere).",
    failed: "Nøddata kunne ikke hentes.",
    deleted: "Slettes om {h} t {m} min, og når du afslutter samtalen.",
    kinds: { address: "Adresse", phone: "Telefon", email: "E-mail", cpr: "CPR-nummer", url: "Link", link: "Link", handle: "Brugernavn", profile: "Profil" },
  },
  en: {
    title: "Emergency details",
    intro: "The young person wrote personal details while the chat was urgent. They are kept encrypted for at most 24 hours so that you can send help. Every view is logged.",
    show: "Show emergency details",
    hide: "Hide emergency details",
    none: "There are no emergency details (any more).",
    failed: "The emergency details could not be fetched.",
    deleted: "Deleted in {h} h {m} min, and when you close the chat.",
    kinds: { address: "Address", phone: "Phone", email: "E-mail", cpr: "CPR number", url: "Link", link: "Link", handle: "User name", profile: "Profile" },
  },
};

const boxes = new Map(); // cid -> {panel, box, status, shown, timer}

function lang() {
  return document.documentElement.lang === "en" ? "en" : "da";
}

function t(key) {
  return TEXT[lang()][key];
}

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

async function call(cid, method) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  const response = await fetch(API + encodeURIComponent(cid) + "/emergency-details", {
    method,
    headers: { Authorization: "Bearer " + token },
    credentials: "omit",
    cache: "no-store",
    referrerPolicy: "no-referrer",
  });
  if (!response.ok) return null;
  return response.json();
}

function clock(ms) {
  return new Date(ms).toLocaleTimeString(lang() === "en" ? "en-GB" : "da-DK", { hour: "2-digit", minute: "2-digit" });
}

function render(entry) {
  const { box, status, shown } = entry;
  const visible = Boolean(status && status.level === "urgent" && status.stored > 0) || Boolean(shown);
  box.hidden = !visible;
  if (!visible) {
    box.replaceChildren();
    return;
  }
  const heading = el("h4", { id: "emergency-h-" + entry.cid }, t("title"));
  box.setAttribute("aria-labelledby", heading.id);
  const button = el("button", { type: "button", class: "btn-small", "data-lyt-emergency-show": "" }, shown ? t("hide") : t("show"));
  button.setAttribute("aria-expanded", String(Boolean(shown)));
  button.addEventListener("click", () => (entry.shown ? hide(entry) : show(entry)));
  const parts = [heading, el("p", { class: "muted" }, t("intro")), button];
  if (shown && shown.error) parts.push(el("p", { role: "alert" }, t("failed")));
  if (shown && !shown.error) {
    if (!shown.details.length) parts.push(el("p", { role: "status" }, t("none")));
    const list = el("dl", { "data-lyt-emergency-list": "" });
    for (const detail of shown.details) {
      const kind = t("kinds")[detail.kind] || detail.kind;
      list.append(el("dt", { "data-kind": detail.kind }, kind + " · " + clock(detail.at_ms)), el("dd", { "data-kind": detail.kind }, detail.value));
    }
    parts.push(list);
    const seconds = shown.expires_in_seconds || 0;
    if (seconds > 0) {
      parts.push(el("p", { class: "muted" }, t("deleted").replace("{h}", String(Math.floor(seconds / 3600))).replace("{m}", String(Math.floor((seconds % 3600) / 60)))));
    }
  }
  box.replaceChildren(...parts);
}

async function show(entry) {
  const data = await call(entry.cid, "POST");
  entry.shown = data ? { details: data.details || [], expires_in_seconds: data.expires_in_seconds } : { error: true, details: [] };
  render(entry);
  const button = entry.box.querySelector("[data-lyt-emergency-show]");
  if (button) button.focus();
}

function hide(entry) {
  entry.shown = null; // the values leave the page: nothing is kept in the browser
  render(entry);
  const button = entry.box.querySelector("[data-lyt-emergency-show]");
  if (button) button.focus();
}

function check(entry) {
  clearTimeout(entry.timer);
  entry.timer = setTimeout(async () => {
    entry.status = await call(entry.cid, "GET");
    if (entry.shown && (!entry.status || !entry.status.stored)) entry.shown = null;
    render(entry);
  }, CHECK_DELAY_MS);
}

function attach(panel) {
  const cid = panel.getAttribute("data-cid");
  if (!cid || boxes.has(cid)) return;
  const box = el("section", { class: "emergency", "data-lyt-emergency": "" });
  box.hidden = true;
  const summary = panel.querySelector("[data-lyt-summary]");
  if (summary) summary.after(box);
  else panel.prepend(box);
  const entry = { cid, panel, box, status: null, shown: null, timer: 0, level: "" };
  boxes.set(cid, entry);
  // Ask again whenever a message arrives in the chat, or the level in the summary changes.
  const log = panel.querySelector("[data-lyt-log]");
  if (log) new MutationObserver(() => check(entry)).observe(log, { childList: true });
  if (summary) {
    new MutationObserver(() => {
      const badge = summary.querySelector("[data-level]");
      const level = badge ? badge.getAttribute("data-level") : "";
      if (level !== entry.level) {
        entry.level = level;
        check(entry);
      }
    }).observe(summary, { childList: true, subtree: true });
  }
  check(entry);
}

function scan() {
  for (const [cid, entry] of boxes) {
    if (!entry.panel.isConnected) {
      clearTimeout(entry.timer);
      boxes.delete(cid);
    }
  }
  document.querySelectorAll("#panels section.chat[data-cid]").forEach(attach);
}

function start() {
  const panels = document.getElementById("panels");
  if (!panels) return;
  new MutationObserver(scan).observe(panels, { childList: true });
  new MutationObserver(() => boxes.forEach(render)).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
  scan();
}

start();
