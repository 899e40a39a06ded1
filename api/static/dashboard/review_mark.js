/* Mark one youth message of the transcript as "risk missed" or "false alarm" (ES module, issue 18).
 *
 *   markControl(ev, lang, post)   a small disclosure under a youth message bubble; post(cid, body) returns a
 *                                 Promise (POST /api/v1/counsellor/conversations/{cid}/review). The chat's id is
 *                                 read from the enclosing section.chat[data-cid] when the form is sent.
 *
 * Only the counsellor holding the chat may mark (the server answers 403 otherwise; the message is shown).
 * The mark becomes a review item for curators: the message's stored text, the level triage gave, the level
 * chosen here and the reason; never who marked it or which chat (api/services/reviews.py).
 *
 * Hooks: details[data-lyt-review-mark] > form[data-lyt-review-form] with input[name=kind] (missed |
 * false_alarm), select[name=level], select[name=reason], button[type=submit] and [data-lyt-review-status]
 * (role=status). After a stored mark the details gets [data-lyt-review-marked=<kind>] and the form is disabled.
 */

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
  },
};

let counter = 0;

function say(lang, key) {
  const table = STR[lang] || STR.da;
  return table[key] || STR.da[key] || key;
}

function el(tag, attrs, ...kids) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (v === null || v === undefined || v === false) return;
    if (k === "text") node.textContent = String(v);
    else node.setAttribute(k, v === true ? "" : String(v));
  });
  kids.flat(Infinity).forEach((kid) => {
    if (kid !== null && kid !== undefined && kid !== "") node.append(kid instanceof Node ? kid : String(kid));
  });
  return node;
}

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
        status.textContent = String((error && error.message) || error);
        button.disabled = false;
      });
  });
  details.append(el("summary", { text: say(lang, "open") }), form);
  return details;
}
