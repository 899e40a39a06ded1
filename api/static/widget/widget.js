/*! Lyt chat widget loader. Plain JavaScript, no dependencies, no build step.
 * Embed: <script src="https://HOST/static/widget/widget.js" data-lang="da" async></script>
 * Optional attributes: data-lang="da|en", data-api="https://HOST" (the gateway; default: the script's origin).
 *
 * This script only inserts an iframe of HOST/widget/frame (served from Lyt's own origin, with CSP
 * frame-ancestors from LYT_WIDGET_FRAME_ANCESTORS) and gives it its place on the page. The chat runs in the
 * iframe (frame.js): the token, the event cache and the outbox live in the iframe's storage, so no script of
 * the partner page can read them. This loader keeps no chat state: it hears only layout messages (open or
 * closed, the launcher's size, the language) and, as a fallback for quick exit, the exit URL — each accepted
 * only from the iframe's window and origin.
 */
(function () {
  "use strict";
  if (window.__lytLoader) return;
  window.__lytLoader = true;

  var script = /** @type {HTMLScriptElement | null} */ (document.currentScript || (function () {
    var all = document.querySelectorAll('script[src*="widget.js"]');
    return all[all.length - 1] || null;
  })());
  var attr = function (name) { return script ? script.getAttribute(name) : null; };
  var SRC = new URL((script && script.src) || location.href, location.href);
  var BASE = (attr("data-api") ? new URL(attr("data-api"), SRC).href : SRC.origin).replace(/\/+$/, "");
  var FRAME_ORIGIN = new URL(BASE).origin;
  var lang = /^(da|en)/i.test(attr("data-lang") || "") ? attr("data-lang").slice(0, 2).toLowerCase() : "";
  var TITLE = { da: "Lyt: anonym chat", en: "Lyt: anonymous chat" };
  // Open on a small screen (or a zoomed one): the chat takes the whole viewport.
  var SMALL = window.matchMedia ? window.matchMedia("(max-width: 599.98px), (max-height: 479.98px)") : null;
  var frame = null, open = false, closedSize = { width: 300, height: 84 };

  // Inline styles set through the CSSOM (allowed by any partner CSP), each !important so partner CSS
  // cannot move or hide the chat.
  function css(props) {
    Object.keys(props).forEach(function (name) { frame.style.setProperty(name, props[name], "important"); });
  }

  function place() {
    if (!frame) return;
    var common = {
      position: "fixed", "z-index": "2147483000", margin: "0", padding: "0", display: "block",
      "background": "transparent", "color-scheme": "light", "max-width": "100vw", "max-height": "100vh",
      left: "auto", top: "auto", visibility: "visible", opacity: "1", "box-sizing": "border-box"
    };
    css(common);
    if (!open) {
      // The launcher and the exit button; 12px of the iframe around them is room for focus rings.
      css({
        right: "4px", bottom: "4px", border: "0", "border-radius": "0", "box-shadow": "none",
        width: "min(" + closedSize.width + "px, calc(100vw - 8px))", height: closedSize.height + "px"
      });
    } else if (SMALL && SMALL.matches) {
      css({ right: "0", bottom: "0", width: "100vw", height: "100vh", border: "0", "border-radius": "0",
        "box-shadow": "none" });
      if (window.CSS && CSS.supports && CSS.supports("height", "100dvh")) css({ height: "100dvh" });
    } else {
      css({
        right: "16px", bottom: "16px", width: "min(448px, calc(100vw - 32px))", height: "min(704px, calc(100vh - 32px))",
        border: "1px solid #8a8d96", "border-radius": "12.8px", "box-shadow": "0 6.4px 32px rgba(0,0,0,.3)"
      });
    }
  }

  function safeUrl(raw) {
    try {
      var u = new URL(String(raw));
      if (u.protocol === "https:" || u.protocol === "http:") return u.href;
    } catch { /* not a URL */ }
    return null;
  }

  function onMessage(e) {
    if (!frame || e.source !== frame.contentWindow || e.origin !== FRAME_ORIGIN) return;
    var msg = e.data;
    if (!msg || typeof msg !== "object") return;
    if (msg.lyt === "layout") {
      open = msg.open === true;
      if (!open && typeof msg.width === "number" && typeof msg.height === "number" && msg.width > 0 && msg.height > 0) {
        closedSize = { width: Math.min(Math.ceil(msg.width), 2000), height: Math.min(Math.ceil(msg.height), 2000) };
      }
      if (msg.lang === "da" || msg.lang === "en") frame.title = TITLE[msg.lang];
      place();
    } else if (msg.lyt === "exit") {
      var url = safeUrl(msg.url);
      frame.remove();
      frame = null;
      if (url) location.replace(url);
    }
  }

  function start() {
    var src = new URL(BASE + "/widget/frame");
    if (lang) src.searchParams.set("lang", lang);
    frame = document.createElement("iframe");
    frame.src = src.href;
    frame.title = TITLE[lang || "da"];
    frame.setAttribute("data-lyt-frame", "");
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.setAttribute("allow", "");
    place();
    window.addEventListener("message", onMessage);
    if (SMALL) {
      if (SMALL.addEventListener) SMALL.addEventListener("change", place);
      else if (SMALL.addListener) SMALL.addListener(place);
    }
    (document.body || document.documentElement).appendChild(frame);
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
