/* The handover summary's action cards (ES module, issue 17): which guided-flow cards the bot showed, and the
 * young person's answers as words in the dashboard's language.
 *
 *   cardsBlock(summary, lang)   a .sum-block[data-lyt-cards] for the summary's `action_cards`, or null if none
 *
 * Each card: li[data-lyt-card-shown=<flow>] with its title and a <dl> of question -> answer, taken from the
 * summary's `answered` rows ({slot, question: {da, en}, answer: {da, en}}); never a raw slot code. Text
 * from the server goes in with textContent only.
 */

const STR = {
  da: { title: "Handlingskort vist", no_answers: "Ingen svar givet.", card: "Kort" },
  en: { title: "Action cards shown", no_answers: "No answers given.", card: "Card" },
};

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function words(pair, lang) {
  if (!pair || typeof pair !== "object") return "";
  return String(pair[lang] || pair.da || "");
}

export function cardsBlock(summary, lang) {
  const cards = summary && Array.isArray(summary.action_cards) ? summary.action_cards : [];
  if (!cards.length) return null;
  const str = STR[lang] || STR.da;
  const block = el("div", { class: "sum-block", "data-lyt-cards": "" });
  block.appendChild(el("h4", {}, str.title));
  const list = el("ul", { class: "cards-shown" });
  for (const card of cards) {
    const item = el("li", { "data-lyt-card-shown": String(card.flow || "") });
    item.appendChild(el("span", { class: "card-title" }, card.title || str.card));
    const rows = Array.isArray(card.answered) ? card.answered : [];
    if (rows.length) {
      const dl = el("dl", { class: "card-answers" });
      for (const row of rows) {
        const question = words(row.question, lang);
        const answer = words(row.answer, lang);
        if (!question || !answer) continue;
        dl.appendChild(el("dt", {}, question));
        dl.appendChild(el("dd", { "data-slot": String(row.slot || "") }, answer));
      }
      item.appendChild(dl);
    } else {
      item.appendChild(el("p", { class: "muted" }, str.no_answers));
    }
    list.appendChild(item);
  }
  block.appendChild(list);
  return block;
}
