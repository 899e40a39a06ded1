/* The supervisor's live chats (ES module): who holds which chat, its level, and when risk last rose.
 *
 *   buildLiveChats(lang)               the card, once
 *   renderLiveChats(card, chats, lang) rows from the overview's `live_chats` (pushed again on every risk)
 *
 * Rows: tr[data-cid][data-level], with [data-risk-raised] when a youth message raised the risk in the
 * last RECENT_SECONDS. Text from the server goes in with textContent only.
 */

import { el, wording } from "./dom.js";

const RECENT_SECONDS = 15 * 60;
const LEVELS = ["none", "concern", "urgent"];
const STR = {
  da: {
    title: "Samtaler i gang",
    none: "Ingen samtaler i gang.",
    chat: "Samtale",
    counsellor: "Rådgiver",
    level: "Niveau",
    raised: "Risiko hævet",
    never: "–",
    ago: "for {t} siden",
    level_urgent: "Akut",
    level_concern: "Bekymring",
    level_none: "Ingen",
  },
  en: {
    title: "Live chats",
    none: "No live chats.",
    chat: "Chat",
    counsellor: "Counsellor",
    level: "Level",
    raised: "Risk raised",
    never: "–",
    ago: "{t} ago",
    level_urgent: "Urgent",
    level_concern: "Concern",
    level_none: "None",
  },
};

const say = (/** @type {string} */ lang, /** @type {string} */ key) => wording(STR, lang, key);

function duration(seconds) {
  const s = Math.max(0, Math.round(Number(seconds) || 0));
  if (s < 60) return s + " s";
  if (s < 3600) return Math.floor(s / 60) + " min";
  return Math.floor(s / 3600) + " t " + Math.floor((s % 3600) / 60) + " min";
}

export function buildLiveChats(lang) {
  const card = el("section", { class: "card card-wide live-chats", "data-lyt-live-chats": true });
  card.append(el("h4", { class: "live-title", text: say(lang, "title") }), el("div", { class: "live-body" }));
  return card;
}

export function renderLiveChats(card, chats, lang) {
  if (!card) return;
  card.querySelector(".live-title").textContent = say(lang, "title");
  const body = card.querySelector(".live-body");
  const rows = (Array.isArray(chats) ? chats : []).filter((c) => c && typeof c.conversation_id === "string");
  if (!rows.length) {
    body.replaceChildren(el("p", { class: "muted", text: say(lang, "none") }));
    return;
  }
  const table = el("table", { class: "live" },
    el("thead", null, el("tr", null,
      el("th", { scope: "col", text: say(lang, "chat") }),
      el("th", { scope: "col", text: say(lang, "counsellor") }),
      el("th", { scope: "col", text: say(lang, "level") }),
      el("th", { scope: "col", text: say(lang, "raised") }))),
    el("tbody", null, rows.map((c) => {
      const level = LEVELS.includes(c.level) ? c.level : "none";
      const ago = c.risk_raised_seconds_ago;
      const recent = typeof ago === "number" && ago <= RECENT_SECONDS;
      const band = level === "urgent" ? "urgent" : level === "concern" ? "concern" : "other";
      return el("tr", { "data-cid": c.conversation_id, "data-level": level, "data-risk-raised": recent, class: recent ? "risk-raised" : null },
        el("th", { scope: "row", text: c.conversation_id.slice(0, 8) }),
        el("td", { text: String(c.counsellor || "?") }),
        el("td", null, el("span", { class: "badge band-" + band, "data-level": level },
          el("span", { class: "icon", "aria-hidden": "true" }), say(lang, "level_" + level))),
        el("td", { text: typeof ago === "number" ? say(lang, "ago").replace("{t}", duration(ago)) : say(lang, "never") }));
    })));
  body.replaceChildren(table);
}
