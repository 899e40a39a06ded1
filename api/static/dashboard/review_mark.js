/* Mark one youth message of the transcript as "risk missed" or "false alarm" (ES module, issue 18).
 *
 *   markControl(ev, lang, post)   a small disclosure under a youth message bubble; post(cid, body) returns a
 *                                 Promise (POST /api/v1/counsellor/conversations/{cid}/review). The chat's id is
 *                                 read from the enclosing section.chat[data-cid] when the form is sent.
 *
 *   showMarks(root, marks, lang)  the marks the server has for this chat ({event_id: kind}, `review_marks` of
 *                                 GET …/counsellor/conversations/{cid}): each shows "already marked", locked
 *   lockMarks(root, lang)         chat no longer (or never) held by this user: every unmarked control is locked
 *                                 with a short explanation (the server answers 403 to anyone but the holder,
 *                                 a supervisor included; tests/security/test_authorization_matrix.py)
 *
 * Only the counsellor holding the chat may mark. A second mark of the same message gets 409 with the stored
 * kind: the control then shows "already marked" as well, never a second item.
 * The mark becomes a review item for curators: the message's stored text, the level triage gave, the level
 * chosen here and the reason; never who marked it or which chat (api/services/reviews.py).
 *
 * Hooks: details[data-lyt-review-mark] > form[data-lyt-review-form] with input[name=kind] (missed |
 * false_alarm), select[name=level], select[name=reason], button[type=submit] and [data-lyt-review-status]
 * (role=status). After a stored mark (or one found on the server) the details gets
 * [data-lyt-review-marked=<kind>] and the form is disabled; a locked one gets [data-lyt-review-locked].
 */

import { el, wording } from "./dom.js";

const LEVELS = ["none", "concern", "urgent"];
const REASONS = ["implicit_risk", "context", "new_wording", "joke_or_idiom", "quote_or_story", "someone_else", "other"];
const STR = {
  da: {
    open: "Marker for triage",
    kind: "Triage tog fejl",
    missed: "Risiko overset",
    false_alarm: "Falsk alarm",
    level: "Rigtigt niveau",
    level_none: "Ingen risiko",
    level_concern: "Bekymring",
    level_urgent: "Akut",
    reason: "Hvorfor",
    implicit_risk: "Risiko uden risikoord",
    context: "Sammenhængen i samtalen",
    new_wording: "Slang eller nye ord",
    joke_or_idiom: "Talemåde eller spøg",
    quote_or_story: "Citat, sang eller historie",
    someone_else: "Om en anden eller fortiden",
    other: "Andet",
    send: "Gem til gennemsyn",
    saved: "Gemt til gennemsyn. Tak.",
    triage_gave: "Triage gav: {l}",
    already: "Allerede markeret",
    already_as: "Allerede markeret: {k}.",
    holder_only: "Kun rådgiveren, der har samtalen, kan markere.",
  },
  en: {
    open: "Mark for triage",
    kind: "Triage was wrong",
    missed: "Risk missed",
    false_alarm: "False alarm",
    level: "Right level",
    level_none: "No risk",
    level_concern: "Concern",
    level_urgent: "Urgent",
    reason: "Why",
    implicit_risk: "Risk without risk words",
    context: "The conversation's context",
    new_wording: "Slang or new wording",
    joke_or_idiom: "Expression or joke",
    quote_or_story: "Quote, song or story",
    someone_else: "About someone else or the past",
    other: "Other",
    send: "Save for review",
    saved: "Saved for review. Thank you.",
    triage_gave: "Triage gave: {l}",
    already: "Already marked",
    already_as: "Already marked: {k}.",
    holder_only: "Only the counsellor holding the chat can mark.",
  },
};

let counter = 0;

const say = (/** @type {string} */ lang, /** @type {string} */ key) => wording(STR, lang, key);

function labelled(id, label, control) {
  control.id = id;
  return el("p", { class: "review-field" }, el("label", { for: id, text: label }), " ", control);
}

/* The level a correction of this kind most likely means: one above triage's for "missed", none for a false alarm. */
function suggested(kind, given) {
  const rank = LEVELS.indexOf(given) >= 0 ? LEVELS.indexOf(given) : 0;
  return kind === "missed" ? LEVELS[Math.min(rank + 1, 2)] : "none";
}

/* The reason categories as a <select name="reason"> (the dashboard's risk form uses it too). */
export function reasonSelect(lang) {
  const reason = el("select", { name: "reason" }, REASONS.map((r) => el("option", { value: r, text: say(lang, r) })));
  reason.value = "other";
  return reason;
}

export function markControl(ev, lang, post) {
  const n = ++counter;
  const given = LEVELS.indexOf(ev.triage_level) >= 0 ? ev.triage_level : "none";
  const details = el("details", { class: "review-mark", "data-lyt-review-mark": "", "data-event-id": ev.id });
  const kinds = el("fieldset", { class: "review-kind" }, el("legend", { text: say(lang, "kind") }));
  ["missed", "false_alarm"].forEach((kind) => {
    const id = `review-${n}-${kind}`;
    const radio = el("input", { type: "radio", name: "kind", value: kind, id });
    if (kind === "false_alarm" && given === "none") radio.disabled = true; // nothing was flagged
    kinds.append(el("span", { class: "review-choice" }, radio, " ", el("label", { for: id, text: say(lang, kind) })));
  });
  const level = el("select", { name: "level" }, LEVELS.map((l) => el("option", { value: l, text: say(lang, "level_" + l) })));
  const reason = reasonSelect(lang);
  const button = el("button", { type: "submit", text: say(lang, "send") });
  const status = el("span", { class: "review-status", role: "status", "data-lyt-review-status": "" });
  const form = el(
    "form",
    { "data-lyt-review-form": "", "aria-label": say(lang, "open") },
    el("p", { class: "review-given", text: say(lang, "triage_gave").replace("{l}", say(lang, "level_" + given)) }),
    kinds,
    labelled(`review-${n}-level`, say(lang, "level"), level),
    labelled(`review-${n}-reason`, say(lang, "reason"), reason),
    el("p", null, button, " ", status),
  );
  const first = kinds.querySelector("input:not([disabled])");
  if (first) {
    first.checked = true;
    level.value = suggested(first.value, given);
  }
  kinds.addEventListener("change", (event) => {
    if (event.target && event.target.name === "kind") level.value = suggested(event.target.value, given);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = form.querySelector("input[name=kind]:checked");
    const chat = details.closest("section.chat[data-cid]");
    if (!chosen || !chat) return;
    button.disabled = true;
    status.textContent = "";
    const body = { event_id: ev.id, kind: chosen.value, level: level.value, reason: reason.value };
    post(chat.getAttribute("data-cid"), body)
      .then(() => {
        status.textContent = say(lang, "saved");
        details.setAttribute("data-lyt-review-marked", chosen.value);
        form.querySelectorAll("input, select, button").forEach((control) => { control.disabled = true; });
      })
      .catch((error) => {
        const detail = error && error.status === 409 && error.data && error.data.detail;
        if (detail && detail.reason === "marked_already") {
          showMarked(details, String(detail.kind || chosen.value), lang);
          return;
        }
        status.textContent = String((error && error.message) || error);
        button.disabled = false;
      });
  });
  details.append(el("summary", { text: say(lang, "open") }), form);
  return details;
}

function lockForm(details, note) {
  details.querySelectorAll("input, select, button").forEach((control) => { control.disabled = true; });
  const status = details.querySelector("[data-lyt-review-status]");
  if (status) status.textContent = note;
}

/* One control in its "already marked" state: the summary says so, the form shows the kind and is locked. */
function showMarked(details, kind, lang) {
  const label = kind === "missed" || kind === "false_alarm" ? say(lang, kind) : kind;
  details.setAttribute("data-lyt-review-marked", kind);
  details.removeAttribute("data-lyt-review-locked");
  const summary = details.querySelector("summary");
  if (summary) summary.textContent = say(lang, "already");
  lockForm(details, say(lang, "already_as").replace("{k}", label));
}

export function showMarks(root, marks, lang) {
  if (!root || !marks || typeof marks !== "object") return;
  root.querySelectorAll("details[data-lyt-review-mark][data-event-id]").forEach((details) => {
    const kind = marks[details.getAttribute("data-event-id")];
    if (typeof kind === "string" && kind) showMarked(details, kind, lang);
  });
}

export function lockMarks(root, lang) {
  if (!root) return;
  root.querySelectorAll("details[data-lyt-review-mark]:not([data-lyt-review-marked])").forEach((details) => {
    details.setAttribute("data-lyt-review-locked", "");
    lockForm(details, say(lang, "holder_only"));
  });
}
