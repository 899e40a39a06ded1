/* The supervisor's counts of counsellors' corrections of triage per ISO week (ES module, issue 18).
 *
 *   buildReviewCounts(lang)               the card, once
 *   renderReviewCounts(card, weeks, lang) a table from GET /api/v1/supervisor/corrections: one row per week
 *                                         (oldest first), columns raised, lowered, missed, false alarm
 *
 * Hooks: section[data-lyt-review-counts] with a table whose rows are tr[data-week] and cells td[data-kind].
 * Numbers only: the counts hold no text, chat or name.
 */

import { el, wording } from "./dom.js";

const KINDS = ["raised", "lowered", "missed", "false_alarm"];
const STR = {
  da: {
    title: "Rettelser af triage pr. uge",
    week: "Uge",
    raised: "Hævet",
    lowered: "Sænket",
    missed: "Risiko overset",
    false_alarm: "Falsk alarm",
    none: "Ingen rettelser endnu.",
    caption: "Rådgiveres rettelser af triage, som kuratorer gennemser.",
  },
  en: {
    title: "Corrections of triage per week",
    week: "Week",
    raised: "Raised",
    lowered: "Lowered",
    missed: "Risk missed",
    false_alarm: "False alarm",
    none: "No corrections yet.",
    caption: "Counsellors' corrections of triage, reviewed by curators.",
  },
};

const say = (/** @type {string} */ lang, /** @type {string} */ key) => wording(STR, lang, key);

export function buildReviewCounts(lang) {
  const card = el("section", { class: "card card-wide review-counts", "data-lyt-review-counts": "" });
  card.append(el("h4", { text: say(lang, "title") }), el("div", { class: "review-counts-body" }));
  return card;
}

export function renderReviewCounts(card, weeks, lang) {
  const body = card.querySelector(".review-counts-body");
  const rows = Array.isArray(weeks) ? weeks : [];
  card.querySelector("h4").textContent = say(lang, "title");
  if (!rows.some((w) => KINDS.some((k) => Number(w[k]) > 0))) {
    body.replaceChildren(el("p", { class: "muted", text: say(lang, "none") }));
    return;
  }
  body.replaceChildren(
    el(
      "table",
      { class: "review-counts-table" },
      el("caption", { text: say(lang, "caption") }),
      el("thead", null, el("tr", null, el("th", { scope: "col", text: say(lang, "week") }),
        KINDS.map((k) => el("th", { scope: "col", text: say(lang, k) })))),
      el("tbody", null, rows.map((w) => el("tr", { "data-week": String(w.week || "") },
        el("th", { scope: "row", text: String(w.week || "") }),
        KINDS.map((k) => el("td", { "data-kind": k, text: String(Number(w[k]) || 0) }))))),
    ),
  );
}
