/* Risk in a live chat (ES module, no build step).
 *
 *   markSpans(textEl, text, spans)   the words triage marked, as <mark data-lyt-risk-span>, in one bubble
 *   showRiskBanner(chat, ev, lang)   "Risk raised to urgent: <reasons>" at the top of the chat (role="alert")
 *   renderRiskBanner(chat, lang)     the banner again in another UI language
 *
 * `spans` are [start, end] offsets into the stored text in Unicode code points (as Python counts them),
 * so the text is sliced with Array.from, never with UTF-16 indices. Everything from the server goes in
 * with textContent; there is no innerHTML.
 */

import { el, wording } from "./dom.js";

const STR = {
  da: {
    raised: "Risiko hævet til {level}",
    level_urgent: "akut",
    level_concern: "bekymring",
    level_none: "ingen",
    dismiss: "Luk",
    dismiss_label: "Luk risikobesked",
  },
  en: {
    raised: "Risk raised to {level}",
    level_urgent: "urgent",
    level_concern: "concern",
    level_none: "none",
    dismiss: "Dismiss",
    dismiss_label: "Dismiss risk notice",
  },
};
const LEVELS = ["none", "concern", "urgent"];

const say = (/** @type {string} */ lang, /** @type {string} */ key) => wording(STR, lang, key);

/** Valid, sorted, non-overlapping [start, end] pairs inside a text of `length` code points. */
export function cleanSpans(spans, length) {
  if (!Array.isArray(spans)) return [];
  const out = [];
  spans
    .filter((s) => Array.isArray(s) && s.length === 2 && Number.isInteger(s[0]) && Number.isInteger(s[1]))
    .map(([a, b]) => [Math.max(0, a), Math.min(length, b)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0])
    .forEach(([a, b]) => {
      const last = out[out.length - 1];
      if (last && a <= last[1]) last[1] = Math.max(last[1], b);
      else out.push([a, b]);
    });
  return out;
}

export function markSpans(textEl, text, spans) {
  if (!textEl || typeof text !== "string") return false;
  const chars = Array.from(text);
  const clean = cleanSpans(spans, chars.length);
  if (!clean.length) return false;
  const parts = [];
  let at = 0;
  clean.forEach(([a, b]) => {
    if (a > at) parts.push(chars.slice(at, a).join(""));
    parts.push(el("mark", { class: "risk-span", "data-lyt-risk-span": true, text: chars.slice(a, b).join("") }));
    at = b;
  });
  if (at < chars.length) parts.push(chars.slice(at).join(""));
  textEl.replaceChildren(...parts);
  textEl.setAttribute("data-lyt-risk-marked", "");
  return true;
}

function quotedReason(reason) {
  // 'lexicon: "taget alle mine piller" (urgent, da)' -> the quoted words in <mark>.
  const str = String(reason);
  const re = /"([^"]+)"/g;
  const parts = [];
  let last = 0;
  let m;
  while ((m = re.exec(str)) !== null) {
    parts.push(str.slice(last, m.index), "\u201c", el("mark", { text: m[1] }), "\u201d");
    last = re.lastIndex;
  }
  parts.push(str.slice(last));
  return parts;
}

export function renderRiskBanner(chat, lang) {
  const ev = chat.risk;
  const box = chat.el && chat.el.riskBox;
  if (!box) return;
  if (!ev || chat.riskDismissed === ev.event_id) {
    box.replaceChildren();
    box.hidden = true;
    return;
  }
  const level = LEVELS.includes(ev.level) ? ev.level : "urgent";
  const reasons = Array.isArray(ev.reasons) ? ev.reasons.slice(0, 4) : [];
  const text = el("p", { class: "risk-text" },
    el("strong", { text: say(lang, "raised").replace("{level}", say(lang, "level_" + level)) }),
    reasons.length ? ": " : "",
    reasons.map((r, i) => [i ? "; " : "", ...quotedReason(r)]));
  const close = el("button", {
    type: "button", class: "btn-small", "aria-label": say(lang, "dismiss_label"), text: say(lang, "dismiss"),
    onclick: () => { chat.riskDismissed = ev.event_id; renderRiskBanner(chat, lang); },
  });
  // A fresh role="alert" node, so screen readers announce every new risk.
  const alert = el("div", { class: "risk-alert", role: "alert", "data-lyt-risk-alert": true }, text);
  box.replaceChildren(alert, close);
  box.className = "risk-banner band-" + level;
  box.setAttribute("data-level", level);
  box.setAttribute("data-event-id", String(ev.event_id || ""));
  box.hidden = false;
}

function laterId(a, b) {
  // Stream ids "<ms>-<seq>": compare as numbers, part by part.
  const [am, as] = String(a).split("-").map((x) => Number(x) || 0);
  const [bm, bs] = String(b).split("-").map((x) => Number(x) || 0);
  return am !== bm ? am > bm : (as || 0) >= (bs || 0);
}

/** A `risk` event for this chat: remember it, mark its message and show the banner. Returns true when new. */
export function showRiskBanner(chat, ev, lang) {
  if (!ev || typeof ev !== "object" || typeof ev.event_id !== "string") return false;
  chat.riskSeen = chat.riskSeen || new Set();
  if (chat.riskSeen.has(ev.event_id)) return false;
  chat.riskSeen.add(ev.event_id);
  if (!chat.risk || laterId(ev.event_id, chat.risk.event_id)) chat.risk = ev;
  const bubble = chat.el && chat.el.log
    ? Array.from(chat.el.log.querySelectorAll("[data-lyt-id]")).find((b) => b.getAttribute("data-lyt-id") === ev.event_id)
    : null;
  if (bubble) {
    const textEl = bubble.querySelector(".text");
    if (textEl && !textEl.hasAttribute("data-lyt-risk-marked")) markSpans(textEl, textEl.textContent, ev.spans);
    bubble.setAttribute("data-risk-level", String(ev.level || "urgent"));
  }
  renderRiskBanner(chat, lang);
  return true;
}
