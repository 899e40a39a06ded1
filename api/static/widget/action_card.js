/*! Lyt widget: the action card (issue 17). A plain ES module, no build step.
 *
 * buildActionCard(ev, {lang, onHuman}) returns the element for an `action_card` event
 * {"type": "action_card", "topic", "title", "steps": [{"text", "link", "helpline", "helpline_label"?}], "lang"}:
 * a labelled region with the title as a heading, the steps as an ordered (numbered) list, links that open
 * in a new tab (our own /articles/... paths or https URLs only), and a "talk to a person" button that calls
 * onHuman(). Every server string goes in with textContent. Its styles are in frame.css (the widget's iframe
 * allows no inline style: docs/SECURITY.md).
 */

const TEXT = {
  da: { steps: "Trin", more: "Læs mere", newTab: "(åbner i en ny fane)", human: "Tal med en person nu",
        helpline: "Kontakt" },
  en: { steps: "Steps", more: "Read more", newTab: "(opens in a new tab)", human: "Talk to a person now",
        helpline: "Contact" },
};

const ARTICLE_PATH = /^\/articles\/[a-z0-9-]{1,120}$/;
let cardCount = 0;

/** A link we allow on a card: our own article path (made absolute against `base`) or an https URL. */
export function safeCardLink(raw, base) {
  if (typeof raw !== "string") return null;
  try {
    if (ARTICLE_PATH.test(raw)) return new URL(raw, base || location.href).href;
    const url = new URL(raw);
    return url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function node(tag, cls, text) {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text != null) n.textContent = text;
  return n;
}

/** The card element for an action_card event. `opts.base`: the gateway origin for article links. */
export function buildActionCard(ev, opts = {}) {
  const lang = ev && (ev.lang === "en" || ev.lang === "da") ? ev.lang : opts.lang === "en" ? "en" : "da";
  const t = TEXT[lang];
  const id = "lyt-card-" + ++cardCount;
  const card = node("section", "lyt-card");
  card.setAttribute("lang", lang);
  card.setAttribute("aria-labelledby", id);
  card.setAttribute("data-lyt-action-card", typeof ev.topic === "string" ? ev.topic : "");
  const title = node("h3", null, typeof ev.title === "string" ? ev.title : t.steps);
  title.id = id;
  card.appendChild(title);
  const list = node("ol");
  (Array.isArray(ev.steps) ? ev.steps : []).slice(0, 12).forEach((step) => {
    if (!step || typeof step.text !== "string" || !step.text) return;
    const item = node("li");
    item.appendChild(node("span", null, step.text + " "));
    if (typeof step.helpline_label === "string" && step.helpline_label) {
      item.appendChild(node("span", "lyt-card-helpline", step.helpline_label));
    }
    const href = safeCardLink(step.link, opts.base);
    if (href) {
      const a = node("a");
      a.href = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      let host = "";
      try { host = new URL(href).hostname; } catch { host = ""; }
      const own = ARTICLE_PATH.test(step.link);
      a.appendChild(node("span", null, own ? t.more : host));
      a.appendChild(node("span", "lyt-sr", ": " + step.text.slice(0, 60) + " " + t.newTab));
      item.appendChild(a);
    }
    list.appendChild(item);
  });
  card.appendChild(list);
  const human = node("button", null, t.human);
  human.type = "button";
  human.setAttribute("data-lyt-card-human", "");
  human.addEventListener("click", () => {
    if (typeof opts.onHuman === "function") opts.onHuman();
  });
  card.appendChild(human);
  return card;
}
