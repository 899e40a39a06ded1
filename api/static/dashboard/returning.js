/* Returning young people (ES module, issue 18 part 1): a young person came back with a return code.
 *
 *   returningChip(item, lang, me)   a span[data-lyt-returning] for a queue row with `returning: true`, or null:
 *                                   "Returning · earlier: anna", and while the chat is offered to the earlier
 *                                   counsellor alone, "offered to you / to anna for N s" ([data-lyt-offered]).
 *   earlierBlock(summary, lang)     a .sum-block[data-lyt-earlier] with the earlier chat's handover summary:
 *                                   counsellor, outcome, level, topics, reasons, articles, notes. Never the
 *                                   earlier transcript (the server does not send it). null when not returning.
 *
 * Text from the server goes in with textContent only.
 */

const STR = {
  da: {
    returning: "Vender tilbage",
    earlier: "tidligere: {name}",
    offered_you: "tilbudt dig i {s} s",
    offered_other: "tilbudt {name} i {s} s",
    title: "Tidligere samtale (kode)",
    gone: "Den tidligere samtale er slettet eller udløbet.",
    counsellor: "Rådgiver",
    outcome: "Udfald",
    level: "Niveau",
    topics: "Emner",
    reasons: "Triage",
    articles: "Botten svarede med",
    notes: "Noter",
    none: "Ingen",
    outcomes: { helped: "hjulpet", referred: "henvist", emergency_services: "alarmcentral", no_reply: "intet svar", not_relevant: "ikke relevant", other: "andet" },
    levels: { none: "ingen", concern: "bekymring", urgent: "akut" },
  },
  en: {
    returning: "Returning",
    earlier: "earlier: {name}",
    offered_you: "offered to you for {s} s",
    offered_other: "offered to {name} for {s} s",
    title: "Earlier chat (code)",
    gone: "The earlier chat was deleted or has expired.",
    counsellor: "Counsellor",
    outcome: "Outcome",
    level: "Level",
    topics: "Topics",
    reasons: "Triage",
    articles: "The bot answered with",
    notes: "Notes",
    none: "None",
    outcomes: { helped: "helped", referred: "referred", emergency_services: "emergency services", no_reply: "no reply", not_relevant: "not relevant", other: "other" },
    levels: { none: "none", concern: "concern", urgent: "urgent" },
  },
};

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
}

export function returningChip(item, lang, me) {
  if (!item || item.returning !== true) return null;
  const str = STR[lang] || STR.da;
  const chip = el("span", { class: "chip returning", "data-lyt-returning": "" });
  let text = str.returning;
  if (item.earlier_counsellor) text += " · " + fill(str.earlier, { name: item.earlier_counsellor });
  chip.appendChild(document.createTextNode(text));
  if (item.offered_to) {
    const mine = item.offered_to === me;
    const offered = el("span", { class: "offered", "data-lyt-offered": mine ? "me" : "other" },
      " · " + fill(mine ? str.offered_you : str.offered_other, { name: item.offered_to, s: item.offered_seconds_left || 0 }));
    chip.appendChild(offered);
  }
  return chip;
}

function row(dl, term, value) {
  dl.appendChild(el("dt", {}, term));
  dl.appendChild(el("dd", {}, value));
}

export function earlierBlock(summary, lang) {
  const earlier = summary && summary.earlier;
  if (!earlier || typeof earlier !== "object") return null;
  const str = STR[lang] || STR.da;
  const block = el("div", { class: "sum-block earlier", "data-lyt-earlier": "" });
  block.appendChild(el("h4", {}, str.title));
  if (!earlier.available) {
    block.appendChild(el("p", { class: "muted" }, str.gone));
    return block;
  }
  const dl = el("dl", { class: "earlier-facts" });
  row(dl, str.counsellor, earlier.counsellor || str.none);
  row(dl, str.outcome, earlier.outcome ? (str.outcomes[earlier.outcome] || earlier.outcome) : str.none);
  row(dl, str.level, str.levels[earlier.level] || str.levels.none);
  const topics = Array.isArray(earlier.topics) ? earlier.topics : [];
  row(dl, str.topics, topics.length ? topics.join(", ") : str.none);
  const reasons = Array.isArray(earlier.reasons) ? earlier.reasons : [];
  row(dl, str.reasons, reasons.length ? reasons.join("; ") : str.none);
  const articles = Array.isArray(earlier.answered_articles) ? earlier.answered_articles : [];
  row(dl, str.articles, articles.length ? articles.join(", ") : str.none);
  block.appendChild(dl);
  const notes = Array.isArray(earlier.notes) ? earlier.notes : [];
  block.appendChild(el("h5", {}, str.notes));
  const list = el("ul", { class: "earlier-notes", "data-lyt-earlier-notes": "" });
  for (const note of notes) list.appendChild(el("li", {}, (note.by ? note.by + ": " : "") + String(note.text || "")));
  if (!notes.length) list.appendChild(el("li", { class: "muted" }, str.none));
  block.appendChild(list);
  return block;
}
