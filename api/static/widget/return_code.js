/* Return codes in the widget (ES module, issue 18 part 1). Loaded by frame.js on first use, like action_card.js.
 *
 *   offerPanel(ctx)   the offer shown when a counsellor closes the chat (a system event with
 *                     offer: "return_code") and from the menu: a plain explanation of what a code does and
 *                     does not do, and a "Get a code" button that shows the four words ([data-lyt-return-code]).
 *   codeEntry(ctx)    the "I have a code" entry for the start: a button that opens a small form; a right
 *                     code starts a new, returning conversation through ctx.adopt(created).
 *
 * ctx: { api: the conversations URL (…/api/v1/conversations), lang(): "da" | "en",
 *        session(): {cid, token} or null, adopt(created): take over the new conversation and ask for a person }
 * Every text is set with textContent. The code is shown, never stored by the widget.
 */

const T = {
  da: {
    offerTitle: "Vil du kunne komme tilbage til den samme rådgiver?",
    does1: "Med en kode på fire ord kan du starte en ny chat senere og blive sat i kø til den rådgiver, du skrev med. Du skal ikke give navn, mail eller telefonnummer.",
    does2: "Koden virker én gang. Når du har brugt den, kan du få en ny. Den holder, så længe vi gemmer denne chat, og den forsvinder, hvis du sletter chatten.",
    doesNot: "Koden viser ikke dine gamle beskeder til nogen, heller ikke til dig. Rådgiveren ser kun et kort resumé og sine noter. Vi kan ikke love, at det bliver den samme rådgiver, og er det akut, får du den første, der er ledig.",
    keep: "Skriv ordene ned et sikkert sted. Alle, der kender koden, kan bruge den.",
    get: "Få en kode",
    yourCode: "Din kode:",
    copy: "Kopiér",
    copied: "Kopieret",
    failed: "Vi kunne ikke lave en kode lige nu. Prøv igen om lidt.",
    haveCode: "Jeg har en kode",
    codeLabel: "Din kode (fire ord)",
    codeHint: "Store eller små bogstaver er lige meget.",
    start: "Fortsæt",
    wrong: "Den kode virker ikke. Tjek ordene, eller start en ny chat uden kode.",
    tooMany: "For mange forsøg. Prøv igen senere, eller start en ny chat uden kode.",
  },
  en: {
    offerTitle: "Would you like to be able to come back to the same counsellor?",
    does1: "With a code of four words you can start a new chat later and be queued for the counsellor you talked to. You don't give a name, an e-mail or a phone number.",
    does2: "The code works once. After you use it, you can get a new one. It lasts as long as we keep this chat, and it is gone if you delete the chat.",
    doesNot: "The code does not show your old messages to anyone, not even to you. The counsellor only sees a short summary and their notes. We can't promise it will be the same counsellor, and if it is urgent you get the first one who is free.",
    keep: "Write the words down somewhere safe. Anyone who knows the code can use it.",
    get: "Get a code",
    yourCode: "Your code:",
    copy: "Copy",
    copied: "Copied",
    failed: "We couldn't make a code right now. Please try again in a moment.",
    haveCode: "I have a code",
    codeLabel: "Your code (four words)",
    codeHint: "Upper or lower case doesn't matter.",
    start: "Continue",
    wrong: "That code doesn't work. Check the words, or start a new chat without a code.",
    tooMany: "Too many tries. Try again later, or start a new chat without a code.",
  },
};

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function t(ctx, key) {
  return (T[ctx.lang()] || T.da)[key];
}

let counter = 0;

export function offerPanel(ctx) {
  const panel = el("div", { class: "return-code", "data-lyt-return-offer": "" });
  panel.appendChild(el("p", { class: "return-title" }, t(ctx, "offerTitle")));
  for (const key of ["does1", "does2", "doesNot", "keep"]) panel.appendChild(el("p", {}, t(ctx, key)));
  const button = el("button", { type: "button", class: "btn", "data-lyt-get-code": "" }, t(ctx, "get"));
  const result = el("div", { "aria-live": "polite" });
  button.addEventListener("click", () => {
    const session = ctx.session();
    if (!session) return;
    button.disabled = true;
    fetch(ctx.api + "/" + encodeURIComponent(session.cid) + "/return-code", {
      method: "POST",
      headers: { Authorization: "Bearer " + session.token },
    })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((data) => {
        const code = String(data.return_code || "");
        const shown = el("p", { class: "return-shown" });
        shown.appendChild(el("span", {}, t(ctx, "yourCode") + " "));
        shown.appendChild(el("strong", { "data-lyt-return-code": "", translate: "no" }, code));
        const copy = el("button", { type: "button", class: "btn" }, t(ctx, "copy"));
        copy.addEventListener("click", () => {
          if (navigator.clipboard) navigator.clipboard.writeText(code).then(() => { copy.textContent = t(ctx, "copied"); }, () => {});
        });
        result.replaceChildren(shown, copy);
        button.disabled = false;
      })
      .catch(() => {
        result.replaceChildren(el("p", { role: "alert" }, t(ctx, "failed")));
        button.disabled = false;
      });
  });
  panel.appendChild(button);
  panel.appendChild(result);
  return panel;
}

export function codeEntry(ctx) {
  const id = "lyt-return-code-" + ++counter;
  const box = el("div", { class: "return-entry", "data-lyt-return-entry": "" });
  const open = el("button", { type: "button", class: "btn", "aria-expanded": "false", "aria-controls": id, "data-lyt-have-code": "" }, t(ctx, "haveCode"));
  const form = el("form", { id, hidden: "" });
  const label = el("label", { for: id + "-input" }, t(ctx, "codeLabel"));
  const input = el("input", {
    id: id + "-input", name: "return_code", autocomplete: "off", autocapitalize: "none", spellcheck: "false",
    maxlength: "200", required: "", "aria-describedby": id + "-hint", "data-lyt-code-input": "",
  });
  const hint = el("p", { id: id + "-hint", class: "hint" }, t(ctx, "codeHint"));
  const submit = el("button", { type: "submit", class: "btn" }, t(ctx, "start"));
  const status = el("p", { role: "alert", "data-lyt-code-status": "" });
  form.append(label, input, hint, submit, status);
  open.addEventListener("click", () => {
    form.hidden = !form.hidden;
    open.setAttribute("aria-expanded", String(!form.hidden));
    if (!form.hidden) input.focus();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = input.value.trim();
    if (!code) return;
    submit.disabled = true;
    status.textContent = "";
    fetch(ctx.api, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ return_code: code, lang: ctx.lang() }),
    })
      .then((r) => {
        if (r.ok) return r.json();
        status.textContent = t(ctx, r.status === 429 ? "tooMany" : "wrong");
        return null;
      })
      .then((created) => {
        submit.disabled = false;
        if (!created) return;
        input.value = "";
        box.remove();
        ctx.adopt(created);
      })
      .catch(() => {
        submit.disabled = false;
        status.textContent = t(ctx, "wrong");
      });
  });
  box.append(open, form);
  return box;
}
