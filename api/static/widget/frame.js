/*! Lyt chat widget, inside its own iframe (/widget/frame, served from Lyt's origin). Plain JavaScript,
 * no dependencies, no build step. A partner page embeds only the loader (widget.js), which inserts the
 * iframe; this script runs in it, so the token, the event cache and the outbox live in the iframe's own
 * sessionStorage under "lyt." keys, never in the partner page (docs/SECURITY.md, issue 16 item 8).
 * Configuration from the page (api/widget_frame.py): <html data-exit-url data-max-chars>; ?lang= from the
 * loader's data-lang. The loader is told only the layout (open or closed, the launcher's size, the
 * language) and, as a fallback, the exit URL: never any chat content.
 * Safety: every server text is rendered with textContent; links only from article cards.
 */
(function () {
  "use strict";
  if (window.__lytWidget) return;
  window.__lytWidget = true;

  var script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  var config = document.documentElement.dataset || {};
  var SRC = new URL((script && script.src) || location.href, location.href);
  // The gateway base: this page is BASE + "/widget/frame".
  var BASE = (location.origin + location.pathname.replace(/\/widget\/frame\/?$/, "")).replace(/\/+$/, "");
  var ORIGIN = location.origin;
  var API = BASE + "/api/v1/conversations";
  var EXIT_URL = safeExitUrl(config.exitUrl);
  var LANG_HINT = new URLSearchParams(location.search).get("lang");
  var K_SESSION = "lyt.session", K_OUTBOX = "lyt.outbox", K_EVENTS = "lyt.events";
  var MAX_CACHE = 400, MAX_CHARS = Math.max(1, Math.min(2000, parseInt(config.maxChars, 10) || 2000));
  var EMBEDDED = window.parent !== window;

  var T = {
    da: {
      launcher: "Chat med Lyt", unread: "nye beskeder", title: "Lyt", subtitle: "Anonym chat",
      close: "Luk chatten", exit: "Forlad siden", exitLabel: "Forlad siden hurtigt og slet chatten",
      menu: "Flere valg", del: "Slet min chat", returnCode: "Kode til at komme tilbage", deleted: "Din chat er slettet. Du kan starte en ny, når du vil.",
      langBtn: "EN", langLabel: "EN: switch the chat to English", human: "Tal med en person",
      humanText: "Jeg vil gerne tale med en person", input: "Skriv en besked", placeholder: "Skriv her …",
      send: "Send", log: "Samtale", region: "Lyt: anonym chat",
      intro1: "Hej! Her kan du skrive helt anonymt. Vi spørger ikke om dit navn, og du skal ikke logge ind.",
      intro2: "Først svarer en bot. Vil du hellere skrive med et menneske, så tryk på »Tal med en person«. Så kommer en rådgiver, så snart der er en ledig.",
      intro3: "Skriver du, at du er i fare, viser vi dig 112 og en hjælpelinje med det samme. Og vi beder en rådgiver om at tage din samtale først.",
      intro4: "Skal du hurtigt væk, så tryk på »Forlad siden«. Så bliver chatten slettet.",
      intro5: "Er du i fare og skriver en adresse eller et telefonnummer, gemmer vi det krypteret i højst 24 timer, så din rådgiver kan sende hjælp. Kun din rådgiver kan se det, og det bliver slettet, når samtalen slutter.",
      who_bot: "Lyt-botten", who_counsellor: "Rådgiver", who_user: "Dig", who_system: "Besked fra Lyt",
      queuePos: "Du er nummer {n} i køen.", etaFew: "Om et par minutter.",
      etaUnknown: "Vi kan ikke love en ventetid lige nu.", etaRange: "Cirka {a}–{b} minutter.",
      typing_counsellor: "Rådgiveren skriver", typing_bot: "Lyt svarer",
      read: "Læs artiklen", newTab: "(åbner i en ny fane)", leaveQueue: "Forlad køen", feedback: "Feedback",
      sending: "Sender …", queued: "Bliver sendt, når du er online igen", failed: "Kunne ikke sendes",
      offline: "Du er offline. Dine beskeder bliver sendt, når du er online igen.",
      reconnecting: "Forbindelsen blev afbrudt. Vi prøver igen …",
      retry: "Vi kunne ikke sende din besked lige nu. Vi prøver igen om lidt.",
      ended: "Samtalen er slut. Skriv igen, hvis du vil starte en ny.",
      gone: "Din tidligere samtale findes ikke længere. Skriv igen for at starte en ny."
    },
    en: {
      launcher: "Chat with Lyt", unread: "new messages", title: "Lyt", subtitle: "Anonymous chat",
      close: "Close the chat", exit: "Leave site", exitLabel: "Leave site quickly and delete the chat",
      menu: "More options", del: "Delete my chat", returnCode: "Code to come back", deleted: "Your chat has been deleted. You can start a new one whenever you like.",
      langBtn: "DA", langLabel: "DA: skift chatten til dansk", human: "Talk to a person",
      humanText: "I would like to talk to a person", input: "Write a message", placeholder: "Write here …",
      send: "Send", log: "Conversation", region: "Lyt: anonymous chat",
      intro1: "Hi! You can write here anonymously. We don't ask for your name, and you don't need to log in.",
      intro2: "A bot answers first. If you would rather talk to a human, tap “Talk to a person”. A counsellor will join as soon as one is free.",
      intro3: "If you tell us you are in danger, we show you 112 and a helpline straight away. And we ask a counsellor to reach you first.",
      intro4: "If you need to get away fast, tap “Leave site”. The chat is then deleted.",
      intro5: "If you are in danger and write an address or phone number, we keep it encrypted for at most 24 hours so your counsellor can send help. Only your counsellor can see it, and it is deleted when the chat ends.",
      who_bot: "Lyt bot", who_counsellor: "Counsellor", who_user: "You", who_system: "Message from Lyt",
      queuePos: "You are number {n} in the queue.", etaFew: "In a few minutes.",
      etaUnknown: "We can't promise a waiting time right now.", etaRange: "About {a}–{b} minutes.",
      typing_counsellor: "The counsellor is writing", typing_bot: "Lyt is answering",
      read: "Read the article", newTab: "(opens in a new tab)", leaveQueue: "Leave the queue", feedback: "Feedback",
      sending: "Sending …", queued: "Will be sent when you are back online", failed: "Could not be sent",
      offline: "You are offline. Your messages will be sent when you are back online.",
      reconnecting: "The connection was lost. Trying again …",
      retry: "We couldn't send your message just now. We will try again shortly.",
      ended: "The conversation has ended. Write again if you want to start a new one.",
      gone: "Your earlier conversation no longer exists. Write again to start a new one."
    }
  };

  // ---------- small helpers ----------
  function safeExitUrl(raw) {
    try {
      var u = new URL(raw || "https://www.dmi.dk", location.href);
      if (u.protocol === "https:" || u.protocol === "http:") return u.href;
    } catch { /* fall through */ }
    return "https://www.dmi.dk";
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  var memory = {};
  function load(key) {
    try { var v = sessionStorage.getItem(key); return v ? JSON.parse(v) : null; } catch { return memory[key] || null; }
  }
  function save(key, value) {
    try { sessionStorage.setItem(key, JSON.stringify(value)); } catch { memory[key] = value; }
  }
  function wipeStorage() {
    memory = {};
    try {
      for (var i = sessionStorage.length - 1; i >= 0; i--) {
        var k = sessionStorage.key(i);
        if (k && k.indexOf("lyt.") === 0) sessionStorage.removeItem(k);
      }
    } catch { /* storage unavailable: nothing stored */ }
  }
  function idParts(id) {
    var m = /^(\d+)-(\d+)$/.exec(id);
    return m ? [Number(m[1]), Number(m[2])] : null;
  }
  function cmpId(a, b) {
    var x = idParts(a), y = idParts(b);
    if (x && y) return x[0] !== y[0] ? x[0] - y[0] : x[1] - y[1];
    return a < b ? -1 : a > b ? 1 : 0;
  }
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  }
  function pickLang(v) {
    v = String(v || "").toLowerCase();
    if (v.indexOf("da") === 0) return "da";
    if (v.indexOf("en") === 0) return "en";
    return null;
  }
  function navigatorLang() {
    var list = navigator.languages || [navigator.language];
    for (var i = 0; i < list.length; i++) { var l = pickLang(list[i]); if (l) return l; }
    return "da";
  }
  function safeArticleUrl(raw) {
    if (typeof raw !== "string" || !raw) return null;
    if (raw.charAt(0) === "/" && raw.charAt(1) !== "/" && raw.charAt(1) !== "\\") return new URL(raw, BASE + "/").href;
    try {
      var u = new URL(raw);
      if (u.origin === ORIGIN && (u.protocol === "https:" || u.protocol === "http:")) return u.href;
    } catch { /* not a URL */ }
    return null;
  }

  // ---------- state ----------
  var session = load(K_SESSION) || {};
  var lang = pickLang(session.lang) || pickLang(LANG_HINT) || navigatorLang();
  var outbox = load(K_OUTBOX) || [];
  var cache = load(K_EVENTS) || [];
  var seen = {};
  var pendingEls = {};
  var ws = null, wsAttempt = 0, wsTimer = 0, wsOpenedAt = 0, pingTimer = 0;
  var sendAttempt = 0, sendTimer = 0, flushing = false, creating = null;
  var typingTimer = 0, lastTypingSent = 0, unread = 0, isOpen = false, handoffBusy = false;
  var connState = "ok";

  function t(key) { return T[lang][key] || T.da[key] || key; }
  function saveSession() { session.lang = lang; save(K_SESSION, session); }
  function saveOutbox() { save(K_OUTBOX, outbox); }
  function saveCache() {
    if (cache.length > MAX_CACHE) cache = cache.slice(cache.length - MAX_CACHE);
    save(K_EVENTS, cache);
  }

  // ---------- DOM ----------
  var root, dock, launcher, badge, exitBtn, panel, head, langBtn, menuBtn, menu, closeBtn,
    statusEl, log, msgs, typingEl, typingText, humanBtn, form, input, sendBtn;

  function labelled(node, key, ariaKey) {
    if (key) { node.setAttribute("data-k", key); node.textContent = t(key); }
    if (ariaKey) { node.setAttribute("data-ka", ariaKey); node.setAttribute("aria-label", t(ariaKey)); }
    return node;
  }
  function button(cls, key, ariaKey) {
    var b = labelled(el("button", cls), key, ariaKey);
    b.type = "button";
    return b;
  }

  function build() {
    root = el("aside", "root");
    root.setAttribute("data-lyt-widget", "");
    root.setAttribute("data-ka", "region");
    root.setAttribute("aria-label", t("region"));

    dock = el("div", "dock");
    exitBtn = button("exit", "exit", "exitLabel");
    exitBtn.setAttribute("data-lyt-exit", "");
    launcher = el("button", "launcher");
    launcher.type = "button";
    launcher.setAttribute("data-lyt-open", "");
    launcher.setAttribute("aria-controls", "lyt-panel");
    launcher.setAttribute("aria-expanded", "false");
    var launcherText = labelled(el("span"), "launcher");
    badge = el("span", "badge");
    badge.hidden = true;
    launcher.appendChild(launcherText);
    launcher.appendChild(badge);
    dock.appendChild(exitBtn);
    dock.appendChild(launcher);

    panel = el("section", "panel");
    panel.id = "lyt-panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "false");
    panel.setAttribute("aria-labelledby", "lyt-title lyt-sub");
    panel.setAttribute("aria-describedby", "lyt-intro");

    head = el("div", "head");
    var brand = el("div", "brand");
    var h = labelled(el("h2"), "title");
    h.id = "lyt-title";
    brand.appendChild(h);
    var sub = labelled(el("p"), "subtitle");
    sub.id = "lyt-sub";
    brand.appendChild(sub);
    langBtn = button("", "langBtn", "langLabel");
    langBtn.setAttribute("data-lyt-lang", "");
    menuBtn = button("icon", null, "menu");
    menuBtn.textContent = "⋯";
    menuBtn.setAttribute("aria-expanded", "false");
    menuBtn.setAttribute("aria-controls", "lyt-menu");
    menuBtn.setAttribute("data-lyt-menu", "");
    closeBtn = button("icon", null, "close");
    closeBtn.setAttribute("data-lyt-close", "");
    closeBtn.textContent = "✕";
    head.appendChild(brand);
    head.appendChild(langBtn);
    head.appendChild(menuBtn);
    head.appendChild(closeBtn);

    menu = el("div", "menu");
    menu.id = "lyt-menu";
    menu.hidden = true;
    var delBtn = button("", "del");
    delBtn.setAttribute("data-lyt-delete", "");
    menu.appendChild(delBtn);
    var codeBtn = button("", "returnCode");  // issue 18: a return code, explained (return_code.js)
    codeBtn.setAttribute("data-lyt-menu-return-code", "");
    codeBtn.addEventListener("click", function () { toggleMenu(false); showReturnOffer(null); });
    menu.appendChild(codeBtn);

    statusEl = el("div", "status");
    statusEl.setAttribute("role", "status");

    log = el("div", "log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-relevant", "additions");
    log.setAttribute("tabindex", "0");
    log.setAttribute("data-ka", "log");
    log.setAttribute("aria-label", t("log"));
    var intro = el("div", "intro");
    intro.id = "lyt-intro";
    ["intro1", "intro2", "intro3", "intro4", "intro5"].forEach(function (k) { intro.appendChild(labelled(el("p"), k)); });
    msgs = el("div", "msgs");
    log.appendChild(intro);
    log.appendChild(msgs);
    withReturnCodes(function (m) { codeEntryEl = m.codeEntry(returnCtx); intro.appendChild(codeEntryEl); });  // "I have a code"

    typingEl = el("div", "typing");
    typingEl.hidden = true;
    typingText = el("span");
    var dots = el("span", "dots");
    dots.setAttribute("aria-hidden", "true");
    for (var i = 0; i < 3; i++) dots.appendChild(el("span", null, "."));
    typingEl.appendChild(typingText);
    typingEl.appendChild(dots);

    var actions = el("div", "actions");
    humanBtn = button("", "human");
    humanBtn.setAttribute("data-lyt-handoff", "");
    actions.appendChild(humanBtn);

    form = el("form", "composer");
    form.setAttribute("novalidate", "");
    var label = labelled(el("label", "sr"), "input");
    label.setAttribute("for", "lyt-input");
    input = el("textarea");
    input.id = "lyt-input";
    input.rows = 1;
    input.maxLength = MAX_CHARS;
    input.setAttribute("data-lyt-input", "");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("enterkeyhint", "send");
    input.placeholder = t("placeholder");
    sendBtn = el("button", "send");
    sendBtn.type = "submit";
    labelled(sendBtn, "send");
    sendBtn.setAttribute("data-lyt-send", "");
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(sendBtn);

    panel.appendChild(head);
    panel.appendChild(menu);
    panel.appendChild(statusEl);
    panel.appendChild(log);
    panel.appendChild(typingEl);
    panel.appendChild(actions);
    panel.appendChild(form);
    root.appendChild(dock);
    root.appendChild(panel);

    launcher.addEventListener("click", function () { openPanel(true); });
    closeBtn.addEventListener("click", closePanel);
    exitBtn.addEventListener("click", quickExit);
    langBtn.addEventListener("click", function () { setLang(lang === "da" ? "en" : "da", true); });
    menuBtn.addEventListener("click", function () { toggleMenu(menu.hidden); });
    delBtn.addEventListener("click", function () { toggleMenu(false); deleteChat(); });
    humanBtn.addEventListener("click", askForPerson);
    form.addEventListener("submit", function (e) { e.preventDefault(); submitInput(); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        submitInput();
      }
    });
    input.addEventListener("input", function () { autoGrow(); sendTyping(); });
    panel.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") return;
      e.stopPropagation();
      if (!menu.hidden) { toggleMenu(false); menuBtn.focus(); } else closePanel();
    });
    log.addEventListener("scroll", function () { atBottom = nearBottom(); }, { passive: true });
    if (window.ResizeObserver) new ResizeObserver(function () { if (atBottom) log.scrollTop = log.scrollHeight; }).observe(log);
    applyLang();
    document.body.appendChild(root);
    if (window.ResizeObserver) new ResizeObserver(function () { if (!isOpen) tellLayout(); }).observe(dock);
    tellLayout();
  }

  // ---------- the loader on the partner page ----------
  // Layout only: whether the panel is open, the launcher area's natural size, the language. The target is "*"
  // because the frame cannot know its embedder's origin; nothing private is ever in these messages
  // (frame-ancestors limits who embeds the page at all).
  function tellParent(msg) {
    if (!EMBEDDED) return;
    try { window.parent.postMessage(msg, "*"); } catch { /* no parent to tell */ }
  }
  function tellLayout() {
    if (!dock) return;
    var w = 0, h = 0;
    if (!isOpen) {
      var keep = dock.style.maxWidth;
      dock.style.maxWidth = "none";
      var natural = dock.getBoundingClientRect();
      dock.style.maxWidth = keep;
      w = Math.ceil(natural.width) + 24;
      h = Math.ceil(dock.getBoundingClientRect().height) + 24;
    }
    tellParent({ lyt: "layout", open: isOpen, width: w, height: h, lang: lang, title: t("region") });
  }

  function applyLang() {
    panel.setAttribute("lang", lang);
    root.setAttribute("lang", lang);
    langBtn.setAttribute("lang", lang === "da" ? "en" : "da");
    document.documentElement.setAttribute("lang", lang);
    var nodes = document.querySelectorAll("[data-k]");
    for (var i = 0; i < nodes.length; i++) nodes[i].textContent = t(nodes[i].getAttribute("data-k"));
    nodes = document.querySelectorAll("[data-ka]");
    for (i = 0; i < nodes.length; i++) nodes[i].setAttribute("aria-label", t(nodes[i].getAttribute("data-ka")));
    input.placeholder = t("placeholder");
    updateBadge();
    setConn(connState);
    tellLayout();
  }

  function setLang(next, tell) {
    if (next === lang) return;
    lang = next;
    if (session.cid || session.open) saveSession();
    applyLang();
    if (codeEntryEl && codeEntryEl.parentNode) {  // the return-code entry follows the language too
      withReturnCodes(function (m) { var next = m.codeEntry(returnCtx); codeEntryEl.replaceWith(next); codeEntryEl = next; });
    }
    if (tell && session.cid) api("POST", "/" + encodeURIComponent(session.cid) + "/lang", { lang: lang }).catch(function () {});
  }

  function toggleMenu(show) {
    menu.hidden = !show;
    menuBtn.setAttribute("aria-expanded", String(!!show));
  }

  function openPanel(focus) {
    isOpen = true;
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    head.insertBefore(exitBtn, closeBtn);
    unread = 0;
    updateBadge();
    session.open = true;
    saveSession();
    tellLayout();
    scrollToEnd(true);
    if (focus) input.focus();
  }

  function closePanel() {
    isOpen = false;
    toggleMenu(false);
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    dock.insertBefore(exitBtn, launcher);
    if (session.cid || session.open) { session.open = false; saveSession(); }
    tellLayout();
    launcher.focus();
  }

  function updateBadge() {
    if (!badge) return;
    badge.hidden = unread === 0;
    badge.textContent = unread ? String(unread) : "";
    if (unread) launcher.setAttribute("aria-label", t("launcher") + " (" + unread + " " + t("unread") + ")");
    else launcher.removeAttribute("aria-label");
  }

  function setConn(state) {
    connState = state;
    var text = state === "offline" ? t("offline") : state === "reconnecting" ? t("reconnecting") :
      state === "retry" ? t("retry") : state === "ended" ? t("ended") : state === "gone" ? t("gone") :
      state === "deleted" ? t("deleted") : "";
    if (statusEl && statusEl.textContent !== text) statusEl.textContent = text;
  }

  function autoGrow() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 4, 400) + "px";
  }

  var atBottom = true;
  function nearBottom() { return log.scrollHeight - log.scrollTop - log.clientHeight < 80; }
  function scrollToEnd(force) {
    if (force || nearBottom()) { log.scrollTop = log.scrollHeight; atBottom = true; }
  }

  // ---------- rendering ----------
  function commandLabel(text) {
    if (typeof text !== "string" || text.charAt(0) !== "/") return null;
    if (/^\/(ask_human|handoff)\b/.test(text)) return t("human");
    if (/^\/(leave_queue|bot)\b/.test(text)) return t("leaveQueue");
    if (/^\/feedback/.test(text)) return t("feedback");
    return null;
  }

  function etaText(ev) {
    if (typeof ev.eta_text === "string" && ev.eta_text) return ev.eta_text;
    var s = ev.eta_seconds;
    if (typeof s !== "number") return t("etaUnknown");
    var min = s / 60;
    if (min < 3) return t("etaFew");
    var low = Math.floor(min / 5) * 5 || 5, high = low + Math.max(5, Math.floor(low / 2));
    return t("etaRange").replace("{a}", low).replace("{b}", high);
  }

  function bubbleText(ev) {
    if (ev._d) return ev._d;
    if (ev.type === "queue" && typeof ev.position === "number")
      return t("queuePos").replace("{n}", ev.position) + " " + etaText(ev);
    if (ev.from === "user") return commandLabel(ev.text) || ev.text || "";
    return typeof ev.text === "string" ? ev.text : "";
  }

  function makeBubble(ev, from) {
    var b = el("div", "msg from-" + from + (ev.type === "queue" ? " queue" : ""));
    b.setAttribute("data-lyt-message", "");
    b.setAttribute("data-from", from);
    if (ev.id) b.setAttribute("data-lyt-id", ev.id);
    var who = labelled(el("span", from === "counsellor" ? "who" : "who sr"), "who_" + from);
    b.appendChild(who);
    var text = bubbleText(ev);
    if (text) b.appendChild(el("p", "text", text));
    if (ev.article && typeof ev.article === "object") b.appendChild(makeCard(ev.article));
    if (ev.type === "action_card") attachActionCard(b, ev);
    if (ev.offer === "return_code") showReturnOffer(b);  // a counsellor closed the chat: offer a code
    if (Array.isArray(ev.buttons) && ev.buttons.length) b.appendChild(makeButtons(ev.buttons));
    return b;
  }

  function makeCard(article) {
    var card = el("div", "card");
    var title = typeof article.title === "string" ? article.title : "";
    card.appendChild(el("strong", null, title));
    var url = safeArticleUrl(article.url);
    if (url) {
      var a = el("a");
      a.href = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      // The article's own language (id suffix) labels its link; otherwise the widget's language.
      var m = /-(da|en)$/.exec(typeof article.id === "string" ? article.id : "");
      if (m) {
        card.setAttribute("lang", m[1]);
        a.appendChild(el("span", null, T[m[1]].read));
        a.appendChild(el("span", "sr", ": " + title + " " + T[m[1]].newTab));
      } else {
        a.appendChild(labelled(el("span"), "read"));
        a.appendChild(el("span", "sr", ": " + title + " "));
        a.appendChild(labelled(el("span", "sr"), "newTab"));
      }
      card.appendChild(a);
    }
    return card;
  }

  // Action cards (issue 17) render in their own ES module, loaded on the first card.
  var actionCardModule = null;
  function attachActionCard(b, ev) {
    actionCardModule = actionCardModule || import(new URL("action_card.js", SRC).href);
    actionCardModule.then(function (m) {
      var stick = nearBottom();
      b.appendChild(m.buildActionCard(ev, { lang: lang, base: BASE, onHuman: askForPerson }));
      if (stick) scrollToEnd(true);
    }).catch(function () { b.appendChild(el("p", "text", typeof ev.title === "string" ? ev.title : "")); });
  }

  // Return codes (issue 18) in their own ES module: the offer (on close and from the menu) and "I have a code".
  var returnModule = null, codeEntryEl = null;
  var returnCtx = {
    api: API,
    lang: function () { return lang; },
    session: function () { return session.cid && session.token ? { cid: session.cid, token: session.token } : null; },
    adopt: adoptReturning
  };
  function withReturnCodes(fn) {
    returnModule = returnModule || import(new URL("return_code.js", SRC).href);
    returnModule.then(fn).catch(function () { /* the chat works without it */ });
  }
  function showReturnOffer(bubble) {
    withReturnCodes(function (m) {
      var stick = nearBottom();
      var panel = m.offerPanel(returnCtx);
      if (bubble) bubble.appendChild(panel); else { msgs.appendChild(panel); stick = true; }
      if (stick) scrollToEnd(true);
    });
  }
  // A right code started a new, returning conversation: take it over and ask for the earlier counsellor.
  function adoptReturning(data) {
    if (!data || typeof data.conversation_id !== "string" || typeof data.token !== "string") return;
    closeSocket();
    resetView();
    session.cid = data.conversation_id;
    session.token = data.token;
    session.last = null;
    session.open = isOpen;
    seen = {};
    cache = [];
    saveCache();
    saveSession();
    if (data.lang === "da" || data.lang === "en") setLang(data.lang, false);
    connect();
    askForPerson();
  }

  function makeButtons(list) {
    var wrap = el("div", "btns");
    list.slice(0, 8).forEach(function (item) {
      if (!item || typeof item.title !== "string" || typeof item.payload !== "string") return;
      var b = el("button", null, item.title);
      b.type = "button";
      b.setAttribute("data-payload", item.payload.slice(0, 40));
      b.addEventListener("click", function () {
        var all = wrap.querySelectorAll("button");
        for (var i = 0; i < all.length; i++) all[i].disabled = true;
        sendText(item.payload, item.title);
      });
      wrap.appendChild(b);
    });
    return wrap;
  }

  function insertSorted(node, id) {
    var kids = msgs.children;
    for (var i = 0; i < kids.length; i++) {
      var k = kids[i], kid = k.getAttribute("data-lyt-id");
      if (!kid) { if (k.hasAttribute("data-pending")) { msgs.insertBefore(node, k); return; } continue; }
      if (cmpId(kid, id) > 0) { msgs.insertBefore(node, k); return; }
    }
    msgs.appendChild(node);
  }

  function remember(ev, display) {
    var copy = {};
    ["id", "type", "from", "text", "buttons", "article", "position", "eta_seconds", "eta_text", "client_msg_id",
     "topic", "title", "steps", "lang", "offer"]
      .forEach(function (k) { if (ev[k] !== undefined) copy[k] = ev[k]; });
    if (display || ev._d) copy._d = display || ev._d;
    cache.push(copy);
    saveCache();
  }

  function bumpLast(id) {
    if (!session.last || cmpId(id, session.last) > 0) { session.last = id; if (session.cid) saveSession(); }
  }

  function dropFromOutbox(cmid) {
    for (var i = 0; i < outbox.length; i++) if (outbox[i].id === cmid) { outbox.splice(i, 1); saveOutbox(); return; }
  }

  // Render one event exactly once (by id). `live` marks events that arrive now (for the unread badge).
  // Only events read from the socket move the resume point (`session.last`): the socket replays the
  // conversation in order, while an HTTP reply can carry ids newer than an event another writer (the
  // still-waiting watcher, a counsellor, another device) stored while the socket was down. Resuming after
  // such an id would skip that event for good; resuming after the socket's own last id replays it, and
  // `seen` drops what is already shown.
  function handleEvent(ev, live, fromSocket) {
    if (!ev || typeof ev !== "object") return;
    var type = ev.type;
    if (type === "typing") { if (ev.from === "counsellor" || ev.from === "bot") showTyping(ev.from); return; }
    if (type === "ended") { endConversation("ended"); return; }
    if (type !== "message" && type !== "queue" && type !== "system" && type !== "action_card") return;
    if (type === "queue" && ev.id == null) { showLivePosition(ev); return; }
    var stick = nearBottom();
    var from = ev.from === "bot" || ev.from === "counsellor" || ev.from === "user" ? ev.from : "system";
    if (type !== "message" && type !== "action_card" && from !== "user") from = "system";
    var cmid = from === "user" && typeof ev.client_msg_id === "string" ? ev.client_msg_id : null;
    if (ev.id != null) {
      ev.id = String(ev.id);
      if (fromSocket) bumpLast(ev.id);
      if (seen[ev.id]) {
        if (cmid && pendingEls[cmid]) { pendingEls[cmid].remove(); delete pendingEls[cmid]; }
        return;
      }
      seen[ev.id] = true;
    }
    if (from !== "user" && from === typingFrom) hideTyping();
    if (from === "bot" || from === "system") { if (typingFrom === "bot") hideTyping(); }
    var display = null, node;
    if (cmid) dropFromOutbox(cmid);
    if (cmid && pendingEls[cmid]) {
      node = pendingEls[cmid];
      delete pendingEls[cmid];
      node.removeAttribute("data-pending");
      node.removeAttribute("data-client-msg-id");
      node.classList.remove("failed");
      var st = node.querySelector(".state");
      if (st) st.remove();
      var textNode = node.querySelector(".text");
      if (node.getAttribute("data-display") === "1") display = textNode ? textNode.textContent : null;
      else if (textNode && typeof ev.text === "string") textNode.textContent = commandLabel(ev.text) || ev.text;
      node.removeAttribute("data-display");
      if (ev.id) { node.setAttribute("data-lyt-id", ev.id); node.remove(); insertSorted(node, ev.id); }
    } else {
      node = makeBubble(ev, from);
      if (ev.id) insertSorted(node, ev.id);
      else msgs.appendChild(node);
      if (live && !isOpen && from !== "user") { unread++; updateBadge(); }
    }
    if (ev.id) remember(ev, display);
    if (from === "user") retireButtons(node, ".from-bot .btns button");
    if (from === "counsellor") retireButtons(node, '.btns button[data-payload^="/leave_queue"]');
    scrollToEnd(stick || from === "user");
  }

  // A pushed queue position (no id, not stored: api/services/queue_push.py) updates the latest position
  // shown instead of adding a bubble per change; it is never cached (the server sends it on reconnect).
  function showLivePosition(ev) {
    if (typeof ev.position !== "number") return;
    var shown = msgs.querySelectorAll(".msg.queue"), recent = Array.prototype.slice.call(msgs.children, -8);
    var node = shown.length && recent.indexOf(shown[shown.length - 1]) >= 0 ? shown[shown.length - 1] : null;
    if (!node) {
      var stick = nearBottom();
      node = makeBubble(ev, "system");
      msgs.appendChild(node);
      scrollToEnd(stick);
    } else {
      var p = node.querySelector(".text");
      if (p) p.textContent = bubbleText(ev);
    }
    node.setAttribute("data-lyt-queue-position", String(ev.position));
  }

  // Quick replies that no longer fit the conversation are disabled (kept visible as history).
  function retireButtons(before, selector) {
    var all = msgs.querySelectorAll(selector);
    for (var i = 0; i < all.length; i++) {
      if (before.compareDocumentPosition(all[i]) & Node.DOCUMENT_POSITION_PRECEDING) all[i].disabled = true;
    }
  }

  function renderPending(item) {
    var node = el("div", "msg from-user");
    node.setAttribute("data-lyt-message", "");
    node.setAttribute("data-from", "user");
    node.setAttribute("data-pending", "");
    node.setAttribute("data-client-msg-id", item.id);
    if (item.d) node.setAttribute("data-display", "1");
    node.appendChild(labelled(el("span", "who sr"), "who_user"));
    node.appendChild(el("p", "text", item.d || item.text));
    node.appendChild(labelled(el("span", "state"), navigator.onLine ? "sending" : "queued"));
    msgs.appendChild(node);
    pendingEls[item.id] = node;
    retireButtons(node, ".from-bot .btns button");
    scrollToEnd(true);
  }

  function markPending(key) {
    Object.keys(pendingEls).forEach(function (id) {
      var st = pendingEls[id].querySelector(".state");
      if (st && st.getAttribute("data-k") !== "failed") { st.setAttribute("data-k", key); st.textContent = t(key); }
    });
  }

  var typingFrom = null;
  function showTyping(from) {
    typingFrom = from;
    typingText.setAttribute("data-k", "typing_" + from);
    typingText.textContent = t("typing_" + from);
    typingEl.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, from === "bot" ? 20000 : 6000);
  }
  function hideTyping() {
    typingFrom = null;
    clearTimeout(typingTimer);
    if (typingEl) typingEl.hidden = true;
  }

  // ---------- network ----------
  function api(method, path, body, opts) {
    opts = opts || {};
    /** @type {Record<string, string>} */
    var headers = {};
    var token = opts.token !== undefined ? opts.token : session.token;
    if (token) headers.Authorization = "Bearer " + token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(API + path, {
      method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer", mode: "cors",
      keepalive: !!opts.keepalive
    });
  }

  function ensureConversation() {
    if (session.cid && session.token) return Promise.resolve(true);
    if (creating) return creating;
    creating = api("POST", "", { lang: lang }, { token: null }).then(function (r) {
      if (!r.ok) return false;
      return r.json().then(function (data) {
        if (!data || typeof data.conversation_id !== "string" || typeof data.token !== "string") return false;
        session.cid = data.conversation_id;
        session.token = data.token;
        session.last = null;
        session.open = isOpen;
        seen = {};
        cache = [];
        saveCache();
        saveSession();
        connect();
        return true;
      });
    }).catch(function () { return false; }).then(function (ok) { creating = null; return ok; });
    return creating;
  }

  function backoff(attempt) {
    var base = Math.min(30000, 500 * Math.pow(2, attempt));
    return base / 2 + Math.random() * base / 2;
  }

  function connect() {
    clearTimeout(wsTimer);
    if (!session.cid || !session.token) return;
    if (ws && (ws.readyState === 0 || ws.readyState === 1)) return;
    if (!navigator.onLine) { setConn("offline"); return; }
    var url = new URL(API + "/" + encodeURIComponent(session.cid) + "/ws");
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    // No credential in the URL (docs/SECURITY.md): the token is the socket's first frame.
    if (session.last) url.searchParams.set("after", session.last);
    var sock;
    try { sock = new WebSocket(url.href); } catch { scheduleReconnect(); return; }
    ws = sock;
    sock.onopen = function () {
      if (ws !== sock) return;
      sock.send(JSON.stringify({ type: "auth", token: session.token }));
      wsOpenedAt = Date.now();
      if (connState === "reconnecting" || connState === "offline") setConn("ok");
      clearInterval(pingTimer);
      pingTimer = setInterval(function () {
        if (sock.readyState === 1) sock.send(JSON.stringify({ type: "ping" }));
      }, 25000);
      flush();
    };
    sock.onmessage = function (m) {
      if (ws !== sock) return;
      var ev;
      try { ev = JSON.parse(m.data); } catch { return; }
      handleEvent(ev, true, true);
    };
    sock.onclose = function (e) {
      if (ws !== sock) return;
      ws = null;
      clearInterval(pingTimer);
      if (e.code === 4401 || e.code === 4403 || e.code === 4404) { endConversation("gone"); return; }
      if (!session.cid) return;
      if (Date.now() - wsOpenedAt > 10000) wsAttempt = 0;
      scheduleReconnect();
    };
    sock.onerror = function () { /* onclose follows */ };
  }

  function scheduleReconnect() {
    clearTimeout(wsTimer);
    if (!session.cid) return;
    if (!navigator.onLine) { setConn("offline"); return; }
    if (wsAttempt > 0) setConn("reconnecting");
    wsTimer = setTimeout(connect, backoff(wsAttempt++));
  }

  function closeSocket() {
    clearTimeout(wsTimer);
    clearInterval(pingTimer);
    var sock = ws;
    ws = null;
    if (sock) { try { sock.close(1000); } catch { /* already closed */ } }
  }

  function sendTyping() {
    var now = Date.now();
    if (!ws || ws.readyState !== 1 || now - lastTypingSent < 2500 || !input.value.trim()) return;
    lastTypingSent = now;
    try { ws.send(JSON.stringify({ type: "typing" })); } catch { /* ignore */ }
  }

  function scheduleFlush() {
    clearTimeout(sendTimer);
    sendTimer = setTimeout(flush, backoff(sendAttempt++));
  }

  // Send queued messages one at a time, in order, each with its own client_msg_id (retried as is).
  function flush() {
    if (flushing || !outbox.length) return;
    if (!navigator.onLine) { setConn("offline"); markPending("queued"); return; }
    flushing = true;
    clearTimeout(sendTimer);
    var recreated = false;
    function done(retry) {
      flushing = false;
      hideTypingIfBot();
      if (retry) scheduleFlush();
    }
    function next() {
      if (!outbox.length) { sendAttempt = 0; if (connState === "retry") setConn("ok"); return done(false); }
      ensureConversation().then(function (ok) {
        if (!ok) { setConn(navigator.onLine ? "retry" : "offline"); return done(true); }
        var item = outbox[0];
        markPending("sending");
        if (!typingFrom) showTyping("bot");
        return api("POST", "/" + encodeURIComponent(session.cid) + "/messages", { text: item.text, client_msg_id: item.id })
          .then(function (r) {
            if (r.ok) {
              return r.json().catch(function () { return {}; }).then(function (data) {
                dropFromOutbox(item.id);
                sendAttempt = 0;
                if (connState === "retry") setConn("ok");
                var events = data && Array.isArray(data.events) ? data.events : [];
                events.forEach(function (ev) { handleEvent(ev, false); });
                if (pendingEls[item.id] && !ws) connect();
                next();
              });
            }
            if (r.status === 503) {
              return r.json().catch(function () { return {}; }).then(function (data) {
                if (!item.safety && data && Array.isArray(data.events) && data.events.length) {
                  item.safety = true;
                  saveOutbox();
                  data.events.forEach(function (ev) { if (ev && ev.id == null) handleEvent(ev, false); });
                }
                setConn("retry");
                done(true);
              });
            }
            if ((r.status === 401 || r.status === 403 || r.status === 404 || r.status === 409 || r.status === 410) && !recreated) {
              recreated = true;
              forgetConversation();
              return next();
            }
            if (r.status === 408 || r.status === 425 || r.status === 429 || r.status >= 500 || r.status === 401 ||
                r.status === 403 || r.status === 404 || r.status === 409 || r.status === 410) {
              setConn("retry");
              return done(true);
            }
            dropFromOutbox(item.id);
            var node = pendingEls[item.id];
            if (node) {
              delete pendingEls[item.id];
              node.removeAttribute("data-pending");
              node.classList.add("failed");
              var st = node.querySelector(".state");
              if (st) { st.setAttribute("data-k", "failed"); st.textContent = t("failed"); }
            }
            next();
          });
      }).catch(function () {
        setConn(navigator.onLine ? "retry" : "offline");
        markPending(navigator.onLine ? "sending" : "queued");
        done(true);
      });
    }
    next();
  }

  function hideTypingIfBot() { if (typingFrom === "bot") hideTyping(); }

  function sendText(text, display) {
    text = String(text || "");
    if (!text.trim()) return;
    var item = { id: uuid(), text: text.slice(0, MAX_CHARS) };
    if (display && display !== text) item.d = display;
    outbox.push(item);
    saveOutbox();
    if (!session.open) { session.open = isOpen; saveSession(); }
    if (connState === "ended" || connState === "gone" || connState === "deleted") setConn("ok");
    renderPending(item);
    flush();
  }

  function submitInput() {
    var text = input.value;
    if (!text.trim()) { input.focus(); return; }
    input.value = "";
    autoGrow();
    sendText(text);
    input.focus();
  }

  function askForPerson() {
    if (handoffBusy) return;
    var fallback = function () { sendText(t("humanText")); };
    if (!navigator.onLine || outbox.length) { fallback(); return; }
    handoffBusy = true;
    humanBtn.disabled = true;
    var release = function () { handoffBusy = false; humanBtn.disabled = false; };
    ensureConversation().then(function (ok) {
      if (!ok) { release(); fallback(); return; }
      showTyping("bot");
      return api("POST", "/" + encodeURIComponent(session.cid) + "/handoff", {}).then(function (r) {
        release();
        hideTypingIfBot();
        if (!r.ok) { fallback(); return; }
        return r.json().then(function (data) {
          (data && Array.isArray(data.events) ? data.events : []).forEach(function (ev) { handleEvent(ev, false); });
        });
      });
    }).catch(function () { release(); hideTypingIfBot(); fallback(); });
  }

  // Forget the conversation locally (server says it no longer exists); queued messages are kept.
  function forgetConversation() {
    closeSocket();
    session.cid = null;
    session.token = null;
    session.last = null;
    seen = {};
    cache = [];
    saveCache();
    saveSession();
  }

  function endConversation(reason) {
    forgetConversation();
    hideTyping();
    setConn(reason);
  }

  function resetView() {
    msgs.textContent = "";
    pendingEls = {};
    seen = {};
    unread = 0;
    updateBadge();
    hideTyping();
    input.value = "";
    autoGrow();
  }

  // Delete the conversation on the server without waiting; storage is wiped first.
  function destroy() {
    var cid = session.cid, token = session.token;
    wipeStorage();
    closeSocket();
    clearTimeout(sendTimer);
    session = {};
    outbox = [];
    cache = [];
    if (cid && token) {
      try {
        api("DELETE", "/" + encodeURIComponent(cid), undefined, { token: token, keepalive: true }).catch(function () {});
      } catch { /* nothing more we can do */ }
    }
  }

  // Quick exit: storage wiped and the DELETE sent (keepalive) first; then the whole tab leaves. The click is a
  // user activation, which lets this cross-origin frame replace the top page's location (no history entry
  // for the partner page). Where the browser refuses, the loader is asked to do it (it checks our origin).
  function quickExit() {
    destroy();
    document.body.replaceChildren();
    try {
      window.top.location.replace(EXIT_URL);
    } catch {
      tellParent({ lyt: "exit", url: EXIT_URL });
      if (!EMBEDDED) location.replace(EXIT_URL);
    }
  }

  function deleteChat() {
    destroy();
    resetView();
    setConn("deleted");
    input.focus();
  }

  // ---------- start ----------
  function restore() {
    if (session.cid && session.token) {
      var saved = cache.filter(function (ev) { return ev && ev.id != null; });
      saved.sort(function (a, b) { return cmpId(String(a.id), String(b.id)); });
      cache = [];
      // The saved resume point stays: it is the socket's, and cached HTTP replies may be newer than it.
      // Re-rendering stored events also drops queued messages the server already has.
      saved.forEach(function (ev) { handleEvent(ev, false); });
    } else {
      cache = [];
    }
    outbox = outbox.filter(function (item) { return item && typeof item.id === "string" && typeof item.text === "string"; });
    saveOutbox();
    outbox.forEach(renderPending);
    if (session.open) openPanel(false);
    if (session.cid) connect();
    if (outbox.length) flush();
  }

  function start() {
    build();
    window.addEventListener("online", function () {
      if (connState === "offline") setConn("ok");
      wsAttempt = 0;
      sendAttempt = 0;
      markPending("sending");
      connect();
      flush();
    });
    window.addEventListener("offline", function () {
      setConn("offline");
      markPending("queued");
      if (ws) closeSocket();
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && session.cid && !ws) { wsAttempt = 0; connect(); }
    });
    if (session.cid || outbox.length || session.open) restore();
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
