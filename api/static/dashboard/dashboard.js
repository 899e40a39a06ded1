/* Lyt counsellor dashboard. Plain JavaScript, no framework, no build step.
 *
 * Talks to the gateway only (same origin):
 *   POST /api/v1/auth/token                               log in (JWT kept in sessionStorage)
 *   WS   /api/v1/counsellor/ws                            live queue, held ids, supervisor overview
 *        (every socket's first frame is {"type": "auth", "token": ...}; no credential ever goes in a URL)
 *   POST /api/v1/auth/refresh                             a fresh token while the counsellor is active
 *   POST /api/v1/queue/{cid}/claim                         claim (409: someone else took it)
 *   GET  /api/v1/counsellor/conversations[/{cid}]          held chats, handover summary + events
 *   WS   /api/v1/counsellor/conversations/{cid}/ws         live events after the last id, typing
 *   POST /api/v1/counsellor/conversations/{cid}/...        messages, notes, risk, transfer, release, close
 *   GET  /api/v1/supervisor/overview                       supervisor view
 *   POST /api/v1/supervisor/plan                           staffing tonight (capacity simulation)
 *   PATCH /api/v1/counsellors/{name}                       a counsellor's capacity (capacity_control.js)
 *
 * Every piece of text that comes from the server is rendered with textContent (never innerHTML).
 * sessionStorage keys: lyt.dash.token, lyt.dash.lang, lyt.dash.tabs (open chats and the last event id
 * seen in each: ids only, never message text), lyt.dash.mute.
 *
 * Loaded as an ES module; risk.js (spans, risk banner) and live_chats.js (supervisor's live chats) are
 * small modules of their own.
 */
import { markSpans, renderRiskBanner, showRiskBanner } from "./risk.js";
import { buildLiveChats, renderLiveChats } from "./live_chats.js";
import { capacityCell, capacityHeading } from "./capacity_control.js";
import { lockMarks, markControl, reasonSelect, showMarks } from "./review_mark.js";
import { buildReviewCounts, renderReviewCounts } from "./review_counts.js";
import { cardsBlock } from "./action_cards.js";
import { earlierBlock, returningChip } from "./returning.js";

(function () {
  "use strict";

  var API = "/api/v1";
  var KEY = { token: "lyt.dash.token", lang: "lyt.dash.lang", tabs: "lyt.dash.tabs", mute: "lyt.dash.mute" };
  var OUTCOMES = ["helped", "referred", "emergency_services", "no_reply", "not_relevant", "other"];
  var LEVELS = ["none", "concern", "urgent"];
  var BANDS = ["urgent", "concern", "other"];
  var FROMS = ["bot", "counsellor", "user", "system"];
  var OVERVIEW = "overview";
  var TYPING_SEND_MS = 2000;
  var TYPING_SHOW_MS = 5000;
  var STALE_DASH_MS = 16000;
  var BEEP_REPEAT_MS = 60000;
  var SVGNS = "http://www.w3.org/2000/svg";

  var STR = {
    da: {
      doc_title: "Lyt – rådgiver",
      app_title: "Rådgiverpanel",
      skip: "Spring til indhold",
      login_title: "Log ind",
      login_intro: "Log ind med din rådgiverkonto. Du bliver logget ud, når du lukker fanen.",
      username: "Brugernavn",
      password: "Adgangskode",
      login_btn: "Log ind",
      login_busy: "Logger ind …",
      login_missing: "Skriv brugernavn og adgangskode.",
      login_wrong: "Forkert brugernavn eller adgangskode.",
      login_rate: "For mange forsøg. Vent et minut, og prøv igen.",
      login_failed: "Kunne ikke logge ind. Prøv igen.",
      expired: "Din session er udløbet. Log ind igen.",
      logged_out: "Du er logget ud.",
      logout: "Log ud",
      role_counsellor: "rådgiver",
      role_supervisor: "supervisor",
      conn_ok: "Forbundet",
      conn_wait: "Forbinder …",
      conn_lost: "Afbrudt – forbinder igen …",
      mute: "Slå lyd fra",
      unmute: "Slå lyd til",
      queue_title: "Kø",
      queue_count: "{n} venter",
      queue_empty: "Ingen venter lige nu.",
      band_urgent: "Akut",
      band_concern: "Bekymring",
      band_other: "Øvrige",
      level_none: "Ingen risiko",
      level_concern: "Bekymring",
      level_urgent: "Akut",
      level: "Niveau",
      waiting: "Venter",
      reference: "Reference (samme som i alarmer uden for dashboardet)",
      waiting_for: "venter {t}",
      language: "Sprog",
      lang_da: "Dansk",
      lang_en: "Engelsk",
      topics: "Emner",
      no_topics: "ingen emner endnu",
      reasons: "Hvorfor markeret",
      no_reasons: "Ingen risikotegn fundet.",
      claim: "Tag samtalen",
      claiming: "Tager …",
      claim_ok: "Du har taget samtalen.",
      claim_taken: "En anden har taget den.",
      claim_capacity: "Du har allerede så mange samtaler, som du kan have.",
      claim_urgent_capacity: "Du har allerede så mange akutte samtaler, som du kan have.",
      new_urgent: "Ny akut samtale i køen.",
      error_generic: "Noget gik galt. Prøv igen.",
      error_network: "Ingen forbindelse til serveren. Prøv igen om lidt.",
      chats_label: "Dine samtaler",
      no_chats: "Du har ingen samtaler lige nu. Tag en fra køen.",
      overview_tab: "Overblik",
      chat_tab: "Samtale {n}",
      unread: "{n} nye",
      unread_sr: "{n} nye beskeder",
      new_message_in: "Ny besked i samtale {n}.",
      new_chat: "Samtale {n} er nu din.",
      handover: "Overlevering",
      handover_details: "Hvorfor markeret, og hvad botten har svaret",
      waited: "ventede {t}",
      bot_answered: "Botten har allerede svaret med",
      bot_answered_none: "Botten har ikke svaret med nogen artikler.",
      risk_changes: "Risiko ændret",
      risk_change_line: "{from} → {to} ({by}): {note}",
      messages: "Beskeder",
      from_user: "Ung",
      from_bot: "Bot",
      from_counsellor: "Rådgiver",
      from_system: "System",
      cmd_handoff: "[trykkede: Tal med en person]",
      cmd_leave: "[trykkede: Forlad køen]",
      cmd_feedback: "[gav feedback på en artikel]",
      article: "Artikel",
      offered: "Knapper vist",
      new_since: "Nye beskeder",
      typing: "Den unge skriver …",
      input_label: "Skriv til den unge",
      send: "Send",
      sending: "Sender …",
      send_hint: "Enter sender · Shift+Enter giver ny linje",
      send_failed: "Beskeden blev ikke sendt: {why}",
      not_live: "samtalen er ikke længere live.",
      tools: "Værktøjer",
      canned: "Standardsvar",
      canned_hint: "Klik for at sætte teksten ind i svarfeltet. Du kan rette den, før du sender.",
      canned_lang: "Samtalens sprog: {lang}",
      canned_none: "Ingen standardsvar på dette sprog.",
      canned_failed: "Standardsvarene kunne ikke hentes.",
      notes: "Private noter",
      notes_hint: "Kun rådgivere og supervisorer kan se noterne.",
      note_label: "Ny note",
      note_save: "Gem note",
      note_saved: "Noten er gemt.",
      note_empty: "Skriv noten først.",
      notes_none: "Ingen noter endnu.",
      risk: "Risikoniveau",
      risk_level: "Nyt niveau",
      risk_note: "Begrundelse (skal udfyldes)",
      risk_save: "Skift niveau",
      risk_saved: "Niveauet er nu: {level}.",
      risk_note_missing: "Skriv en begrundelse.",
      risk_reason: "Hvorfor triage tog fejl",
      transfer: "Overfør til en kollega",
      transfer_to: "Kollegaens brugernavn",
      transfer_note: "Besked til kollegaen (valgfri)",
      transfer_btn: "Overfør",
      transfer_done: "Samtalen er overført til {name}.",
      transfer_missing: "Skriv kollegaens brugernavn.",
      transfer_unknown: "Der findes ingen rådgiver med det navn.",
      transfer_full: "{name} har ikke plads til flere samtaler lige nu.",
      release: "Send tilbage i køen",
      release_hint: "Den unge beholder sin plads i køen, og en anden rådgiver tager over.",
      released: "Samtalen er sendt tilbage i køen.",
      close: "Afslut samtale",
      outcome: "Udfald",
      outcome_choose: "Vælg udfald …",
      outcome_helped: "Hjulpet",
      outcome_referred: "Henvist videre",
      outcome_emergency_services: "Alarmcentral (112) kontaktet",
      outcome_no_reply: "Intet svar fra den unge",
      outcome_not_relevant: "Ikke relevant",
      outcome_other: "Andet",
      outcome_missing: "Vælg et udfald.",
      close_note: "Note (valgfri)",
      closed: "Samtalen er afsluttet: {outcome}.",
      lost: "Du har ikke længere denne samtale. Den er sendt tilbage i køen eller overført.",
      ended: "Den unge har slettet samtalen.",
      dismiss: "Luk fanen",
      not_holding: "ikke din",
      sup_title: "Overblik over vagten",
      sup_queue: "Kø pr. bånd",
      sup_longest: "Længste ventetid",
      sup_online: "Rådgivere online",
      sup_name: "Navn",
      sup_held: "Samtaler",
      sup_urgent: "Akutte",
      sup_none_online: "Ingen rådgivere online.",
      sup_you: "(dig)",
      chart_conv: "Samtaler pr. time i dag",
      chart_wait: "Gennemsnitlig ventetid pr. bånd pr. time i dag",
      chart_table: "Vis tallene",
      chart_empty: "Ingen data endnu i dag.",
      chart_conv_desc: "{total} samtaler i alt i dag. Flest kl. {hour}: {max}.",
      chart_wait_desc: "Længste gennemsnitlige ventetid: {t} ({band}, kl. {hour}).",
      chart_bar_conv: "kl. {hour}: {n} samtaler",
      chart_bar_wait: "kl. {hour}, {band}: {t}",
      hour: "Time",
      conversations: "Samtaler",
      alert_text: "{n} akut samtale har ventet for længe.|{n} akutte samtaler har ventet for længe.",
      alert_longest: "Længst:",
      alert_go: "Gå til køen",
      plan_title: "Bemanding i aften",
      plan_intro: "Hvor mange rådgivere skal være online, for at målet for akutte samtaler nås? Svaret kommer fra en simulering af køen med de samme regler som den rigtige kø.",
      plan_demand: "Forventede samtaler",
      plan_unit: "Pr.",
      plan_unit_hour: "pr. time",
      plan_unit_shift: "i hele vagten",
      plan_start: "Vagten starter kl.",
      plan_hours: "Vagtens længde (timer)",
      plan_assumptions: "Antagelser",
      plan_urgent: "Akutte samtaler (%)",
      plan_concern: "Bekymringssamtaler (%)",
      plan_minutes: "Gennemsnitlig samtalelængde (min.)",
      plan_target: "Mål: akutte nået inden for 5 min. (%)",
      plan_prefill: "Forudfyldt med dagens travleste time indtil nu (kl. {hour}: {n} samtaler).",
      plan_btn: "Beregn bemanding",
      plan_busy: "Beregner …",
      plan_answer: "Anbefaling: {n} rådgiver online kl. {from}–{to}.|Anbefaling: {n} rådgivere online kl. {from}–{to}.",
      plan_detail: "Så når {share} af de akutte samtaler frem inden for 5 minutter (mål: {target}), og {abandoned} af alle samtaler giver op (højst {max_abandoned}) ved {per_hour} samtaler i timen.",
      plan_unreachable: "Målet nås ikke med op til {n} rådgivere i simuleringen. Prøv med færre samtaler eller et lavere mål.",
      plan_warn_abandon: "Bemærk: med {n} rådgiver giver {share} af alle samtaler op, før de får svar. Se tabellen.|Bemærk: med {n} rådgivere giver {share} af alle samtaler op, før de får svar. Se tabellen.",
      plan_basis: "Simuleret: {hours} timer med {urgent} akutte samtaler, {cap} samtaler pr. rådgiver.",
      plan_caption: "Simulerede tal ved {per_hour} samtaler i timen",
      plan_col_n: "Rådgivere",
      plan_col_share: "Akutte inden for 5 min.",
      plan_col_p95: "Akut ventetid (95 %)",
      plan_col_abandon: "Giver op (akutte / alle)",
      plan_col_util: "Udnyttelse",
      plan_recommended: "anbefalet",
      plan_minutes_short: "{m} min.",
      plan_invalid: "{field}: skriv et tal mellem {min} og {max}.",
      plan_shares_invalid: "Akutte og bekymringssamtaler kan tilsammen højst være 100 %.",
      plan_per_hour_invalid: "Det svarer til {n} samtaler i timen. Det skal være mellem {min} og {max}.",
      plan_failed: "Kunne ikke beregne: {why}",
      plan_forbidden: "Kun supervisorer kan beregne bemanding."
    },
    en: {
      doc_title: "Lyt – counsellor",
      app_title: "Counsellor dashboard",
      skip: "Skip to content",
      login_title: "Log in",
      login_intro: "Log in with your counsellor account. You are logged out when you close the tab.",
      username: "User name",
      password: "Password",
      login_btn: "Log in",
      login_busy: "Logging in …",
      login_missing: "Enter your user name and password.",
      login_wrong: "Wrong user name or password.",
      login_rate: "Too many attempts. Wait a minute and try again.",
      login_failed: "Could not log in. Please try again.",
      expired: "Your session has expired. Please log in again.",
      logged_out: "You are logged out.",
      logout: "Log out",
      role_counsellor: "counsellor",
      role_supervisor: "supervisor",
      conn_ok: "Connected",
      conn_wait: "Connecting …",
      conn_lost: "Disconnected – reconnecting …",
      mute: "Mute sound",
      unmute: "Unmute sound",
      queue_title: "Queue",
      queue_count: "{n} waiting",
      queue_empty: "Nobody is waiting right now.",
      band_urgent: "Urgent",
      band_concern: "Concern",
      band_other: "Other",
      level_none: "No risk",
      level_concern: "Concern",
      level_urgent: "Urgent",
      level: "Level",
      waiting: "Waiting",
      reference: "Reference (the same as in alerts outside the dashboard)",
      waiting_for: "waiting {t}",
      language: "Language",
      lang_da: "Danish",
      lang_en: "English",
      topics: "Topics",
      no_topics: "no topics yet",
      reasons: "Why flagged",
      no_reasons: "No risk signals found.",
      claim: "Take this chat",
      claiming: "Taking …",
      claim_ok: "You took the chat.",
      claim_taken: "Someone else took it.",
      claim_capacity: "You already hold as many chats as you can.",
      claim_urgent_capacity: "You already hold as many urgent chats as you can.",
      new_urgent: "New urgent chat in the queue.",
      error_generic: "Something went wrong. Please try again.",
      error_network: "No connection to the server. Try again in a moment.",
      chats_label: "Your chats",
      no_chats: "You have no chats right now. Take one from the queue.",
      overview_tab: "Overview",
      chat_tab: "Chat {n}",
      unread: "{n} new",
      unread_sr: "{n} new messages",
      new_message_in: "New message in chat {n}.",
      new_chat: "Chat {n} is now yours.",
      handover: "Handover",
      handover_details: "Why flagged, and what the bot answered",
      waited: "waited {t}",
      bot_answered: "The bot already answered with",
      bot_answered_none: "The bot has not answered with any articles.",
      risk_changes: "Risk changed",
      risk_change_line: "{from} → {to} ({by}): {note}",
      messages: "Messages",
      from_user: "Young person",
      from_bot: "Bot",
      from_counsellor: "Counsellor",
      from_system: "System",
      cmd_handoff: "[pressed: Talk to a person]",
      cmd_leave: "[pressed: Leave the queue]",
      cmd_feedback: "[gave feedback on an article]",
      article: "Article",
      offered: "Buttons shown",
      new_since: "New messages",
      typing: "The young person is typing …",
      input_label: "Write to the young person",
      send: "Send",
      sending: "Sending …",
      send_hint: "Enter sends · Shift+Enter for a new line",
      send_failed: "The message was not sent: {why}",
      not_live: "the chat is no longer live.",
      tools: "Tools",
      canned: "Canned replies",
      canned_hint: "Click to put the text in the reply box. You can edit it before sending.",
      canned_lang: "Chat language: {lang}",
      canned_none: "No canned replies in this language.",
      canned_failed: "The canned replies could not be loaded.",
      notes: "Private notes",
      notes_hint: "Only counsellors and supervisors can see notes.",
      note_label: "New note",
      note_save: "Save note",
      note_saved: "Note saved.",
      note_empty: "Write the note first.",
      notes_none: "No notes yet.",
      risk: "Risk level",
      risk_level: "New level",
      risk_note: "Reason (required)",
      risk_save: "Change level",
      risk_saved: "The level is now: {level}.",
      risk_note_missing: "Write a reason.",
      risk_reason: "Why triage was wrong",
      transfer: "Transfer to a colleague",
      transfer_to: "Colleague's user name",
      transfer_note: "Note for your colleague (optional)",
      transfer_btn: "Transfer",
      transfer_done: "The chat was transferred to {name}.",
      transfer_missing: "Enter your colleague's user name.",
      transfer_unknown: "There is no counsellor with that name.",
      transfer_full: "{name} has no room for more chats right now.",
      release: "Put back in the queue",
      release_hint: "The young person keeps their place in the queue, and another counsellor takes over.",
      released: "The chat was put back in the queue.",
      close: "Close the chat",
      outcome: "Outcome",
      outcome_choose: "Choose an outcome …",
      outcome_helped: "Helped",
      outcome_referred: "Referred elsewhere",
      outcome_emergency_services: "Emergency services (112) contacted",
      outcome_no_reply: "No reply from the young person",
      outcome_not_relevant: "Not relevant",
      outcome_other: "Other",
      outcome_missing: "Choose an outcome.",
      close_note: "Note (optional)",
      closed: "The chat is closed: {outcome}.",
      lost: "You no longer hold this chat. It was put back in the queue or transferred.",
      ended: "The young person deleted the chat.",
      dismiss: "Close tab",
      not_holding: "not yours",
      sup_title: "Shift overview",
      sup_queue: "Queue by band",
      sup_longest: "Longest wait",
      sup_online: "Counsellors online",
      sup_name: "Name",
      sup_held: "Chats",
      sup_urgent: "Urgent",
      sup_none_online: "No counsellors online.",
      sup_you: "(you)",
      chart_conv: "Conversations per hour today",
      chart_wait: "Mean wait per band per hour today",
      chart_table: "Show the numbers",
      chart_empty: "No data yet today.",
      chart_conv_desc: "{total} conversations today. Most at {hour}:00: {max}.",
      chart_wait_desc: "Longest mean wait: {t} ({band}, at {hour}:00).",
      chart_bar_conv: "{hour}:00: {n} conversations",
      chart_bar_wait: "{hour}:00, {band}: {t}",
      hour: "Hour",
      conversations: "Conversations",
      alert_text: "{n} urgent chat has waited too long.|{n} urgent chats have waited too long.",
      alert_longest: "Longest:",
      alert_go: "Go to the queue",
      plan_title: "Staffing tonight",
      plan_intro: "How many counsellors must be online to meet the target for urgent chats? The answer comes from a simulation of the queue with the same rules as the real one.",
      plan_demand: "Expected conversations",
      plan_unit: "Per",
      plan_unit_hour: "per hour",
      plan_unit_shift: "for the whole shift",
      plan_start: "Shift starts at (hour)",
      plan_hours: "Shift length (hours)",
      plan_assumptions: "Assumptions",
      plan_urgent: "Urgent conversations (%)",
      plan_concern: "Concern conversations (%)",
      plan_minutes: "Mean chat length (min)",
      plan_target: "Target: urgent reached within 5 min (%)",
      plan_prefill: "Prefilled with today's busiest hour so far ({hour}:00: {n} conversations).",
      plan_btn: "Calculate staffing",
      plan_busy: "Calculating …",
      plan_answer: "Recommendation: {n} counsellor online {from}–{to}.|Recommendation: {n} counsellors online {from}–{to}.",
      plan_detail: "Then {share} of urgent chats are reached within 5 minutes (target: {target}), and {abandoned} of all conversations give up (at most {max_abandoned}) at {per_hour} conversations an hour.",
      plan_unreachable: "The target is not reached with up to {n} counsellors in the simulation. Try fewer conversations or a lower target.",
      plan_warn_abandon: "Note: with {n} counsellor, {share} of all conversations give up before they get an answer. See the table.|Note: with {n} counsellors, {share} of all conversations give up before they get an answer. See the table.",
      plan_basis: "Simulated: {hours} hours with {urgent} urgent chats, {cap} chats per counsellor.",
      plan_caption: "Simulated figures at {per_hour} conversations an hour",
      plan_col_n: "Counsellors",
      plan_col_share: "Urgent within 5 min",
      plan_col_p95: "Urgent wait (95th pct.)",
      plan_col_abandon: "Give up (urgent / all)",
      plan_col_util: "Utilisation",
      plan_recommended: "recommended",
      plan_minutes_short: "{m} min",
      plan_invalid: "{field}: enter a number between {min} and {max}.",
      plan_shares_invalid: "Urgent and concern conversations can add up to at most 100 %.",
      plan_per_hour_invalid: "That is {n} conversations an hour. It must be between {min} and {max}.",
      plan_failed: "Could not calculate: {why}",
      plan_forbidden: "Only supervisors can calculate staffing."
    }
  };

  var S = {
    lang: "da",
    token: null,
    me: null,
    expiryTimer: null,
    dash: null,
    dashRetry: 0,
    dashTimer: null,
    lastDash: 0,
    queue: [],
    queueEls: new Map(),
    queueLoaded: false,
    claiming: new Set(),
    chats: new Map(),
    tabsState: { counter: 0, numbers: {}, active: null, last: {} },
    restoring: false,
    active: null,
    left: new Map(),
    canned: null,
    cannedFailed: false,
    supervisor: false,
    overview: null,
    overviewEl: null,
    plan: null,
    alertCids: new Set(),
    lastBeep: 0,
    beeps: 0,
    muted: false,
    audio: null,
    verifyTimer: null
  };

  // ---------------------------------------------------------------- small helpers

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  function h(tag, attrs) {
    var el = tag.indexOf("svg:") === 0 ? document.createElementNS(SVGNS, tag.slice(4)) : document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "text") el.textContent = String(v);
        else if (k.indexOf("on") === 0 && typeof v === "function") el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? "" : String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }

  function append(el, kid) {
    if (kid === null || kid === undefined || kid === false) return;
    if (Array.isArray(kid)) { kid.forEach(function (k) { append(el, k); }); return; }
    el.appendChild(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }

  function t(key, vars, n) {
    var table = STR[S.lang] || STR.da;
    var s = table[key] !== undefined ? table[key] : (STR.da[key] !== undefined ? STR.da[key] : key);
    if (s.indexOf("|") >= 0) { var forms = s.split("|"); s = (n === 1 || (vars && vars.n === 1)) ? forms[0] : forms[1]; }
    if (vars) {
      s = s.replace(/\{(\w+)\}/g, function (m, name) {
        var v = vars[name];
        if (v && typeof v === "object" && v.k) v = t(v.k, v.vars);
        return v !== undefined ? String(v) : m;
      });
    }
    return s;
  }

  function applyI18n(root) {
    $$("[data-i18n]", root).forEach(function (el) {
      var vars = el.getAttribute("data-i18n-vars");
      el.textContent = t(el.getAttribute("data-i18n"), vars ? JSON.parse(vars) : null);
    });
    $$("[data-i18n-aria]", root).forEach(function (el) { el.setAttribute("aria-label", t(el.getAttribute("data-i18n-aria"))); });
    $$("[data-i18n-ph]", root).forEach(function (el) { el.setAttribute("placeholder", t(el.getAttribute("data-i18n-ph"))); });
    $$("[data-i18n-title]", root).forEach(function (el) { el.setAttribute("title", t(el.getAttribute("data-i18n-title"))); });
  }

  function tr(key, vars) {
    // An element whose text follows the UI language.
    var el = h("span", { "data-i18n": key, "data-i18n-vars": vars ? JSON.stringify(vars) : null });
    el.textContent = t(key, vars);
    return el;
  }

  function fmtDur(sec) {
    sec = Math.max(0, Math.floor(sec || 0));
    var hh = Math.floor(sec / 3600), mm = Math.floor((sec % 3600) / 60), ss = sec % 60;
    var two = function (x) { return (x < 10 ? "0" : "") + x; };
    if (hh) return hh + ":" + two(mm) + ":" + two(ss);
    if (mm) return mm + ":" + two(ss);
    return ss + " s";
  }

  function idMs(id) { return parseInt(String(id).split("-")[0], 10) || 0; }
  function cmpId(a, b) {
    var pa = String(a).split("-"), pb = String(b).split("-");
    var d = (parseInt(pa[0], 10) || 0) - (parseInt(pb[0], 10) || 0);
    return d !== 0 ? d : (parseInt(pa[1] || "0", 10) || 0) - (parseInt(pb[1] || "0", 10) || 0);
  }
  function clock(ms) {
    var d = new Date(ms);
    var two = function (x) { return (x < 10 ? "0" : "") + x; };
    return two(d.getHours()) + ":" + two(d.getMinutes());
  }

  function store(key, value) {
    try {
      if (value === null || value === undefined) sessionStorage.removeItem(key);
      else sessionStorage.setItem(key, typeof value === "string" ? value : JSON.stringify(value));
    } catch { /* storage full or disabled: the dashboard still works */ }
  }
  function load(key, json) {
    try {
      var raw = sessionStorage.getItem(key);
      if (raw === null) return null;
      return json ? JSON.parse(raw) : raw;
    } catch { return null; }
  }

  function announce(msg) {
    var el = $("#announce");
    el.textContent = "";
    window.setTimeout(function () { el.textContent = msg; }, 50);
  }

  function wsBase() { return (location.protocol === "https:" ? "wss://" : "ws://") + location.host; }

  function highlighted(reason) {
    // 'lexicon: "vil ikke leve" (urgent, da)' -> the quoted words in <mark>.
    var frag = document.createDocumentFragment();
    var re = /"([^"]+)"|“([^”]+)”/g, last = 0, m;
    var str = String(reason);
    while ((m = re.exec(str)) !== null) {
      append(frag, str.slice(last, m.index));
      append(frag, ["\u201c", h("mark", { text: m[1] || m[2] }), "\u201d"]);
      last = re.lastIndex;
    }
    append(frag, str.slice(last));
    return frag;
  }

  function bandBadge(band, extraClass) {
    var name = BANDS.indexOf(band) >= 0 ? band : "other";
    return h("span", { class: "badge band-" + name + (extraClass ? " " + extraClass : ""), "data-band": name },
      h("span", { class: "icon", "aria-hidden": "true" }), tr("band_" + name));
  }
  function levelBadge(level) {
    var lv = LEVELS.indexOf(level) >= 0 ? level : "none";
    var band = lv === "urgent" ? "urgent" : lv === "concern" ? "concern" : "other";
    return h("span", { class: "badge band-" + band, "data-level": lv },
      h("span", { class: "icon", "aria-hidden": "true" }), tr("level_" + lv));
  }
  function topicName(id) { return String(id).replace(/[-_]+/g, " "); }
  function langLabel(code) { return code === "en" ? "en" : "da"; }

  // ---------------------------------------------------------------- HTTP

  function ApiError(status, message, data) { this.status = status; this.message = message; this.data = data; }

  function detailText(data) {
    if (!data) return "";
    var d = data.detail;
    if (typeof d === "string") return d;
    if (d && typeof d === "object" && !Array.isArray(d)) return d.message || d.reason || "";
    return "";
  }

  function api(path, opts) {
    opts = opts || {};
    /** @type {Record<string, string>} */
    var headers = {};
    if (S.token) headers.Authorization = "Bearer " + S.token;
    var body;
    if (opts.json !== undefined) { headers["Content-Type"] = "application/json"; body = JSON.stringify(opts.json); }
    var method = opts.method || (body !== undefined ? "POST" : "GET");
    var tokenAtStart = S.token;
    return fetch(API + path, {
      method: method, headers: headers, body: body, credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer"
    }).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch { data = null; }
        if (res.status === 401 && tokenAtStart && tokenAtStart === S.token) expire();
        if (!res.ok) throw new ApiError(res.status, detailText(data) || res.statusText || t("error_generic"), data);
        return data;
      });
    }, function () {
      throw new ApiError(0, t("error_network"), null);
    });
  }

  // ---------------------------------------------------------------- language

  function setLang(lang) {
    S.lang = lang === "en" ? "en" : "da";
    store(KEY.lang, S.lang);
    document.documentElement.lang = S.lang;
    $$("[data-set-lang]").forEach(function (b) { b.setAttribute("aria-pressed", String(b.getAttribute("data-set-lang") === S.lang)); });
    applyI18n(document);
    renderMe();
    renderConn();
    renderMute();
    S.queueEls.forEach(function (li, cid) {
      var item = S.queue.filter(function (i) { return i.conversation_id === cid; })[0];
      if (item) updateQueueItem(li, item);
    });
    renderQueueCount();
    S.chats.forEach(function (chat) { renderSummary(chat); renderTools(chat); renderTab(chat); renderRiskBanner(chat, S.lang); });
    if (S.overview) renderOverview(S.overview);
    renderPlanResult();
    renderAlert(true);
    tick();
  }

  // ---------------------------------------------------------------- login / logout

  function parseJwt(token) {
    try {
      var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      while (part.length % 4) part += "=";
      return JSON.parse(atob(part));
    } catch { return null; }
  }

  function onLogin(ev) {
    ev.preventDefault();
    unlockAudio();
    var user = $("#username").value.trim(), pass = $("#password").value;
    var msg = $("#login-msg"), btn = $("#login-form button[type=submit]");
    if (!user || !pass) { msg.textContent = t("login_missing"); (user ? $("#password") : $("#username")).focus(); return; }
    btn.disabled = true;
    btn.textContent = t("login_busy");
    msg.textContent = "";
    fetch(API + "/auth/token", {
      method: "POST",
      body: new URLSearchParams({ username: user, password: pass }),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer"
    }).then(function (res) {
      if (res.status === 401) { msg.textContent = t("login_wrong"); $("#password").select(); return null; }
      if (res.status === 429) { msg.textContent = t("login_rate"); return null; }
      if (!res.ok) { msg.textContent = t("login_failed"); return null; }
      return res.json();
    }).then(function (data) {
      if (data && data.access_token) {
        $("#password").value = "";
        startSession(data.access_token, true);
      }
    }).catch(function () {
      msg.textContent = t("error_network");
    }).then(function () {
      btn.disabled = false;
      btn.textContent = t("login_btn");
    });
  }

  function startSession(token, fresh) {
    var claims = parseJwt(token);
    if (!claims || !claims.sub || (claims.exp && claims.exp * 1000 <= Date.now())) {
      store(KEY.token, null);
      showLogin(fresh ? t("login_failed") : "");
      return;
    }
    S.token = token;
    S.me = { name: String(claims.sub), role: claims.role === "supervisor" ? "supervisor" : "counsellor" };
    store(KEY.token, token);
    if (fresh) {
      var saved = load(KEY.tabs, true);
      if (!saved || saved.user !== S.me.name) S.tabsState = newTabsState(S.me.name);
    }
    S.tabsState.user = S.me.name;
    window.clearTimeout(S.expiryTimer);
    if (claims.exp) S.expiryTimer = window.setTimeout(expire, Math.max(0, claims.exp * 1000 - Date.now()));
    $("#login").hidden = true;
    $("#app").hidden = false;
    $("#logout").hidden = false;
    renderMe();
    renderEmptyStates();
    connectDash();
    loadCanned();
    restoreChats();
    checkSupervisor();
    if (fresh) $("#queue-h").focus();
  }

  function showLogin(message) {
    $("#app").hidden = true;
    $("#login").hidden = false;
    $("#logout").hidden = true;
    $("#me").hidden = true;
    $("#conn").hidden = true;
    $("#mute").hidden = true;
    $("#login-msg").textContent = message || "";
    document.title = t("doc_title");
    $("#username").focus();
  }

  function expire() { logout(t("expired")); }

  // Refresh on activity (docs/SECURITY.md): while the counsellor uses the dashboard, the token is swapped for a
  // fresh one (POST /api/v1/auth/refresh) once it is REFRESH_AFTER_MS old; an idle tab's token runs out.
  var REFRESH_AFTER_MS = 15 * 60 * 1000;
  var ACTIVE_WITHIN_MS = 10 * 60 * 1000;

  function noteActivity() { S.activeAt = Date.now(); }

  function refreshIfActive() {
    var claims = S.token ? parseJwt(S.token) : null;
    if (!claims || !claims.iat || S.refreshing) return;
    if (Date.now() - (S.activeAt || 0) > ACTIVE_WITHIN_MS) return;
    if (Date.now() - claims.iat * 1000 < REFRESH_AFTER_MS) return;
    S.refreshing = true;
    api("/auth/refresh", { method: "POST" }).then(function (data) {
      if (!data || typeof data.access_token !== "string" || !S.token) return;
      var fresh = parseJwt(data.access_token);
      if (!fresh || !fresh.exp) return;
      S.token = data.access_token;
      store(KEY.token, S.token);
      window.clearTimeout(S.expiryTimer);
      S.expiryTimer = window.setTimeout(expire, Math.max(0, fresh.exp * 1000 - Date.now()));
    }, function () { /* a 401 logs out in api(); anything else: try again next minute */ }).then(function () {
      S.refreshing = false;
    });
  }

  function logout(message) {
    S.token = null;
    S.me = null;
    window.clearTimeout(S.expiryTimer);
    window.clearTimeout(S.dashTimer);
    if (S.dash) { var d = S.dash; S.dash = null; d.onclose = null; try { d.close(1000); } catch { /* gone */ } }
    S.chats.forEach(function (chat) { destroyChat(chat); });
    S.chats.clear();
    S.active = null;
    $("#tabs").replaceChildren();
    $("#panels").replaceChildren();
    $("#queue").replaceChildren();
    S.queue = [];
    S.queueEls.clear();
    S.queueLoaded = false;
    S.supervisor = false;
    S.overview = null;
    S.overviewEl = null;
    S.plan = null;
    S.alertCids = new Set();
    S.alerts = [];
    renderAlert(true);
    store(KEY.token, null);
    store(KEY.tabs, null);
    S.tabsState = newTabsState();
    S.restoring = false;
    showLogin(message === undefined ? t("logged_out") : message);
  }

  function renderMe() {
    var el = $("#me");
    if (!S.me) { el.hidden = true; return; }
    el.hidden = false;
    el.textContent = S.me.name + " · " + t("role_" + S.me.role);
  }

  // ---------------------------------------------------------------- dashboard socket (queue)

  function connectDash() {
    if (!S.token || S.dash) return;
    var ws = /** @type {WebSocket & {lytToken?: string}} */ (new WebSocket(wsBase() + API + "/counsellor/ws"));
    ws.lytToken = S.token;
    S.dash = ws;
    S.dashState = S.dashState === "ok" ? "lost" : (S.dashState || "wait");
    renderConn();
    ws.onopen = function () { ws.send(JSON.stringify({ type: "auth", token: ws.lytToken })); S.lastDash = Date.now(); };
    ws.onmessage = function (m) {
      var p;
      try { p = JSON.parse(m.data); } catch { return; }
      S.lastDash = Date.now();
      S.dashRetry = 0;
      if (S.dashState !== "ok") { S.dashState = "ok"; renderConn(); }
      if (p && p.type === "queue") onQueuePayload(p);
      if (p && p.type === "risk" && typeof p.conversation_id === "string" && S.chats.has(p.conversation_id)) {
        onRisk(S.chats.get(p.conversation_id), p);
      }
    };
    ws.onclose = function (e) {
      if (S.dash !== ws) return;
      S.dash = null;
      if (!S.token) return;
      if (e.code === 4401 && ws.lytToken !== S.token) { connectDash(); return; }  // refreshed meanwhile
      if (e.code === 4401) { expire(); return; }
      S.dashState = "lost";
      renderConn();
      var delay = Math.min(15000, 1000 * Math.pow(2, S.dashRetry++));
      S.dashTimer = window.setTimeout(connectDash, delay);
    };
  }

  function watchDash() {
    // The server pushes at least every 5 s; silence means a dead connection the browser has not noticed.
    if (S.dash && S.dash.readyState === 1 && Date.now() - S.lastDash > STALE_DASH_MS) {
      try { S.dash.close(4000, "stale"); } catch { /* ignore */ }
    }
  }

  function renderConn() {
    var el = $("#conn");
    if (!S.token) { el.hidden = true; return; }
    el.hidden = false;
    var state = S.dashState || "wait";
    el.className = "conn conn-" + state;
    el.textContent = t(state === "ok" ? "conn_ok" : state === "lost" ? "conn_lost" : "conn_wait");
  }

  function onQueuePayload(p) {
    renderQueue(Array.isArray(p.queue) ? p.queue : []);
    if (Array.isArray(p.held)) syncHeld(p.held);
    if (p.overview && typeof p.overview === "object") {
      enableSupervisor();
      renderOverview(p.overview);
    }
  }

  function refreshQueue() {
    api("/queue").then(function (items) { if (Array.isArray(items)) renderQueue(items); }, function () { /* the socket will catch up */ });
  }

  // ---------------------------------------------------------------- queue

  function renderQueue(items) {
    var now = Date.now();
    var list = $("#queue");
    var before = new Set(S.queue.map(function (i) { return i.conversation_id; }));
    var focusedCid = null;
    if (list.contains(document.activeElement)) {
      var li0 = document.activeElement.closest("li[data-cid]");
      focusedCid = li0 ? li0.getAttribute("data-cid") : null;
    }
    var seen = new Set();
    var newUrgent = false;
    items = items.filter(function (item) { return item && typeof item.conversation_id === "string" && !S.chats.has(item.conversation_id); });
    items.forEach(function (item) {
      item._at = now;
      var cid = item.conversation_id;
      seen.add(cid);
      var li = S.queueEls.get(cid);
      if (!li) {
        li = buildQueueItem(item);
        S.queueEls.set(cid, li);
        if (S.queueLoaded && !before.has(cid) && item.band === 0) newUrgent = true;
      }
      updateQueueItem(li, item);
    });
    S.queueEls.forEach(function (li, cid) {
      if (!seen.has(cid)) { li.remove(); S.queueEls.delete(cid); }
    });
    var want = items.map(function (i) { return i.conversation_id; });
    var have = $$(":scope > li", list).map(function (li) { return li.getAttribute("data-cid"); });
    if (want.join(",") !== have.join(",")) {
      want.forEach(function (cid) { list.appendChild(S.queueEls.get(cid)); });
      if (focusedCid && S.queueEls.has(focusedCid)) {
        var btn = $("button", S.queueEls.get(focusedCid));
        if (btn) btn.focus();
      }
    }
    S.queue = items;
    S.queueLoaded = true;
    renderQueueCount();
    if (newUrgent) announce(t("new_urgent"));
  }

  function renderQueueCount() {
    var n = S.queue.length;
    $("#queue-count").textContent = n ? "(" + t("queue_count", { n: n }) + ")" : "";
    $("#queue-empty").hidden = n > 0 || !S.queueLoaded;
    document.title = (n ? "(" + n + ") " : "") + t("doc_title");
  }

  function buildQueueItem(item) {
    var cid = item.conversation_id;
    var infoId = "q-" + cid;
    var li = h("li", { class: "qitem", "data-cid": cid, "data-lyt-queue-item": "" });
    var info = h("div", { class: "qinfo", id: infoId });
    var btn = h("button", {
      type: "button", class: "btn-primary claim", "data-lyt-claim": "", "aria-describedby": infoId,
      onclick: function () { claim(cid, btn); }
    }, tr("claim"));
    li.appendChild(info);
    li.appendChild(btn);
    return li;
  }

  function updateQueueItem(li, item) {
    var band = BANDS.indexOf(item.band_name) >= 0 ? item.band_name : "other";
    li.className = "qitem band-" + band;
    li.setAttribute("data-band", band);
    var info = $(".qinfo", li);
    var head = h("div", { class: "qhead" },
      h("span", { class: "pos", "aria-hidden": "true", text: "#" + (item.position || "") }),
      bandBadge(band),
      h("span", { class: "wait" },
        h("span", { class: "k" }, t("waiting") + " "),
        h("span", { class: "secs", "data-wait-base": item.waiting_seconds || 0, "data-wait-at": item._at || Date.now(), text: fmtDur(item.waiting_seconds) })),
      h("span", { class: "lang", title: t("lang_" + langLabel(item.lang)) },
        h("span", { class: "sr-only" }, t("language") + ": "), langLabel(item.lang).toUpperCase()),
      // The short reference that webhook alerts name this chat by (never the conversation id).
      typeof item.reference === "string" ? h("span", { class: "ref", title: t("reference"), "data-lyt-reference": item.reference },
        h("span", { class: "sr-only" }, t("reference") + ": "), item.reference) : null,
      // Issue 18: a young person who came back with a code, the earlier counsellor and the offer (returning.js).
      returningChip(item, S.lang, S.me ? S.me.name : null));
    var topics = Array.isArray(item.topics) ? item.topics : [];
    var meta = h("p", { class: "qmeta" },
      h("span", { class: "k" }, t("level") + ": "), h("span", { class: "level-" + item.level }, t("level_" + (LEVELS.indexOf(item.level) >= 0 ? item.level : "none"))),
      " · ", h("span", { class: "k" }, t("topics") + ": "),
      topics.length ? topics.map(function (tp, i) { return [i ? ", " : "", h("span", { class: "topic", text: topicName(tp) })]; }) : h("span", { class: "muted", text: t("no_topics") }));
    var reasons = Array.isArray(item.reasons) ? item.reasons : [];
    var rlist = reasons.length
      ? h("ul", { class: "reasons", "aria-label": t("reasons") }, reasons.map(function (r) { return h("li", null, highlighted(r)); }))
      : null;
    info.replaceChildren(head, meta);
    if (rlist) info.appendChild(rlist);
    var btn = $("button.claim", li);
    if (btn && !S.claiming.has(item.conversation_id)) { btn.disabled = false; applyI18n(btn); }
  }

  function removeQueueItem(cid) {
    var li = S.queueEls.get(cid);
    if (!li) return;
    var hadFocus = li.contains(document.activeElement);
    var next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    S.queueEls.delete(cid);
    S.queue = S.queue.filter(function (i) { return i.conversation_id !== cid; });
    renderQueueCount();
    if (hadFocus) {
      var btn = next ? $("button", next) : null;
      (btn || $("#queue-h")).focus();
    }
  }

  var queueMsgTimer = null;
  function queueMsg(text, kind) {
    var el = $("#queue-msg");
    el.className = "queue-msg " + (kind || "");
    el.replaceChildren();
    append(el, text);
    window.clearTimeout(queueMsgTimer);
    queueMsgTimer = window.setTimeout(function () { el.textContent = ""; el.className = "queue-msg"; }, 10000);
  }

  function claim(cid, btn) {
    if (S.claiming.has(cid)) return;
    S.claiming.add(cid);
    btn.disabled = true;
    btn.replaceChildren(tr("claiming"));
    unlockAudio();
    api("/queue/" + encodeURIComponent(cid) + "/claim", { method: "POST" }).then(function (summary) {
      S.claiming.delete(cid);
      removeQueueItem(cid);
      queueMsg(tr("claim_ok"), "ok");
      openChat(cid, summary, { activate: true, focus: true });
    }, function (err) {
      S.claiming.delete(cid);
      if (btn.isConnected) { btn.disabled = false; btn.replaceChildren(tr("claim")); }
      if (err.status === 409) {
        var reason = err.data && err.data.detail && err.data.detail.reason;
        if (reason === "capacity") queueMsg(tr("claim_capacity"), "warn");
        else if (reason === "urgent_capacity") queueMsg(tr("claim_urgent_capacity"), "warn");
        else {
          queueMsg(tr("claim_taken"), "warn");
          removeQueueItem(cid);
          refreshQueue();
        }
      } else if (err.status === 404) {
        removeQueueItem(cid);
        refreshQueue();
      } else if (err.status !== 401) {
        queueMsg(err.message || t("error_generic"), "error");
      }
    });
  }

  // ---------------------------------------------------------------- tabs

  function newTabsState(user) { return { counter: 0, numbers: {}, active: null, last: {}, user: user || null }; }

  function persistTabs() {
    // Merged, never rebuilt: chats still being restored after a reload keep their number and last id.
    if (!S.token) return;
    var st = S.tabsState;
    st.numbers = st.numbers || {};
    st.last = st.last || {};
    S.chats.forEach(function (chat) {
      st.numbers[chat.cid] = chat.n;
      if (chat.seen) st.last[chat.cid] = chat.seen;
    });
    if (!S.restoring) st.active = S.active;
    store(KEY.tabs, st);
  }

  function forgetTab(cid) {
    var st = S.tabsState;
    if (st.numbers) delete st.numbers[cid];
    if (st.last) delete st.last[cid];
  }

  function tabKeys() { return $$("#tabs [role=tab]"); }

  function onTabKey(ev) {
    var tabs = tabKeys();
    var i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    var j = null;
    if (ev.key === "ArrowRight") j = (i + 1) % tabs.length;
    else if (ev.key === "ArrowLeft") j = (i - 1 + tabs.length) % tabs.length;
    else if (ev.key === "Home") j = 0;
    else if (ev.key === "End") j = tabs.length - 1;
    if (j === null) return;
    ev.preventDefault();
    activate(tabs[j].getAttribute("data-key"));
    tabs[j].focus();
  }

  function activate(key) {
    if (!key) return;
    S.active = key;
    tabKeys().forEach(function (tab) {
      var on = tab.getAttribute("data-key") === key;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
    });
    $$("#panels > [role=tabpanel]").forEach(function (p) { p.hidden = p.getAttribute("data-key") !== key; });
    var chat = S.chats.get(key);
    if (chat) {
      markSeen(chat);
      scrollLog(chat, true);
    }
    persistTabs();
  }

  function renderEmptyStates() {
    var none = S.chats.size === 0 && !S.supervisor;
    $("#no-chats").hidden = !none;
    $("#tabs").hidden = S.chats.size === 0 && !S.supervisor;
  }

  function renderTab(chat) {
    var tab = chat.el.tab;
    var label = $(".tab-label", tab);
    label.textContent = t("chat_tab", { n: chat.n });
    var lv = chat.summary ? chat.summary.level : null;
    var dot = $(".tab-level", tab);
    dot.replaceChildren();
    if (lv === "urgent" || lv === "concern") {
      dot.className = "tab-level band-" + lv;
      dot.textContent = t("level_" + lv);
    } else dot.className = "tab-level";
    var lang = $(".tab-lang", tab);
    lang.textContent = chat.summary ? langLabel(chat.summary.lang).toUpperCase() : "";
    var badge = $(".tab-unread", tab);
    if (chat.unread > 0) {
      badge.hidden = false;
      badge.replaceChildren(h("span", { "aria-hidden": "true", text: String(chat.unread) }), h("span", { class: "sr-only", text: t("unread_sr", { n: chat.unread }) }));
    } else { badge.hidden = true; badge.replaceChildren(); }
    var state = $(".tab-state", tab);
    state.textContent = chat.lost || chat.ended ? "(" + t("not_holding") + ")" : "";
    tab.classList.toggle("is-lost", !!(chat.lost || chat.ended));
  }

  // ---------------------------------------------------------------- chats

  function nextChatNumber(cid) {
    var st = S.tabsState;
    if (st.numbers && st.numbers[cid]) return st.numbers[cid];
    st.counter = (st.counter || 0) + 1;
    return st.counter;
  }

  function openChat(cid, summary, opts) {
    opts = opts || {};
    var existing = S.chats.get(cid);
    if (existing) {
      if (opts.activate) activate(cid);
      if (opts.focus) existing.el.input.focus();
      return existing;
    }
    var chat = {
      cid: cid, n: nextChatNumber(cid), summary: summary || null, ids: new Set(), lastId: null,
      seen: (S.tabsState.last || {})[cid] || null, ws: null, retry: 0, ping: null, typingTimer: null,
      lastTypingSent: 0, unread: 0, gone: false, lost: false, ended: false, openedAt: Date.now(), sending: false, el: {}
    };
    S.chats.set(cid, chat);
    removeQueueItem(cid);
    buildChat(chat);
    renderEmptyStates();
    if (opts.activate || !S.active) activate(cid);
    else persistTabs();
    if (summary) { renderSummary(chat); renderTools(chat); renderTab(chat); }
    if (opts.focus) chat.el.input.focus();
    loadChat(chat, opts);
    return chat;
  }

  function loadChat(chat, opts) {
    return api("/counsellor/conversations/" + encodeURIComponent(chat.cid)).then(function (data) {
      if (chat.gone) return;
      var events = Array.isArray(data.events) ? data.events : [];
      var marks = data.review_marks;
      delete data.events;
      delete data.review_marks;
      if (!opts.fromClaim && S.me && data.counsellor && data.counsellor !== S.me.name && opts.fromSync) {
        removeChat(chat, { silent: true });
        return;
      }
      chat.summary = data;
      renderSummary(chat);
      renderTools(chat);
      renderTab(chat);
      renderHistory(chat, events);
      showMarks(chat.el.log, marks, S.lang);  // issue 18: "already marked" survives a reload
      if (data.mode !== "human" || (S.me && data.counsellor && data.counsellor !== S.me.name)) markLost(chat);
      else connectChat(chat);
      if (opts.fromSync) announce(t("new_chat", { n: chat.n }));
    }, function (err) {
      if (chat.gone) return;
      if (err.status === 403 || err.status === 404) {
        if (opts.fromSync || opts.restore) removeChat(chat, { silent: true });
        else if (err.status === 404) markEnded(chat);
        else markLost(chat);
        return;
      }
      if (err.status === 401) return;
      chatNotice(chat, err.message || t("error_generic"), "error");
      window.setTimeout(function () { if (!chat.gone && S.token) loadChat(chat, opts); }, 3000);
    });
  }

  function restoreChats() {
    // After a reload or a new login: reopen the chats this counsellor holds, in their old order.
    var numbers = S.tabsState.numbers || {};
    var wanted = S.tabsState.active;
    S.restoring = true;
    api("/counsellor/conversations").then(function (list) {
      S.restoring = false;
      if (!Array.isArray(list)) return;
      var held = new Set(list.map(function (x) { return x && x.conversation_id; }));
      Object.keys(numbers).forEach(function (cid) { if (!held.has(cid)) forgetTab(cid); });
      list.sort(function (a, b) { return (numbers[a.conversation_id] || 1e6) - (numbers[b.conversation_id] || 1e6); });
      list.forEach(function (summary) {
        if (summary && summary.conversation_id) openChat(summary.conversation_id, summary, { restore: true });
      });
      if (wanted && (S.chats.has(wanted) || (wanted === OVERVIEW && S.supervisor))) activate(wanted);
      persistTabs();
    }, function () {
      S.restoring = false; /* the socket's held list will open them */
    });
  }

  function syncHeld(held) {
    var now = Date.now();
    S.left.forEach(function (at, cid) { if (now - at > 15000) S.left.delete(cid); });
    held.forEach(function (cid) {
      if (S.restoring || typeof cid !== "string" || S.chats.has(cid) || S.left.has(cid)) return;
      openChat(cid, null, { fromSync: true });
    });
    var missing = false;
    S.chats.forEach(function (chat) {
      if (held.indexOf(chat.cid) < 0 && !chat.lost && !chat.ended && now - chat.openedAt > 4000) missing = true;
    });
    if (missing && !S.verifyTimer) {
      S.verifyTimer = window.setTimeout(verifyHeld, 500);
    }
  }

  function verifyHeld() {
    S.verifyTimer = null;
    api("/counsellor/conversations").then(function (list) {
      var mine = new Set((list || []).map(function (s) { return s.conversation_id; }));
      S.chats.forEach(function (chat) {
        if (!mine.has(chat.cid) && !chat.lost && !chat.ended && Date.now() - chat.openedAt > 4000) markGoneOrLost(chat);
      });
    }, function () { /* try again on the next push */ });
  }

  function destroyChat(chat) {
    chat.gone = true;
    window.clearInterval(chat.ping);
    window.clearTimeout(chat.typingTimer);
    window.clearTimeout(chat.retryTimer);
    if (chat.ws) { var ws = chat.ws; chat.ws = null; try { ws.close(1000); } catch { /* gone */ } }
  }

  function removeChat(chat, opts) {
    opts = opts || {};
    destroyChat(chat);
    var hadFocus = chat.el.panel.contains(document.activeElement) || chat.el.tab.contains(document.activeElement);
    var keys = tabKeys().map(function (tb) { return tb.getAttribute("data-key"); });
    var idx = keys.indexOf(chat.cid);
    chat.el.panel.remove();
    chat.el.tab.remove();
    S.chats.delete(chat.cid);
    S.left.set(chat.cid, Date.now());
    forgetTab(chat.cid);
    if (S.active === chat.cid) {
      var rest = tabKeys().map(function (tb) { return tb.getAttribute("data-key"); });
      S.active = null;
      if (rest.length) activate(rest[Math.min(Math.max(idx - 1, 0), rest.length - 1)]);
    }
    renderEmptyStates();
    persistTabs();
    // A push sent while the chat was still open filtered it out of the queue: ask again now.
    if (S.token) refreshQueue();
    if (hadFocus && !opts.silent) {
      var tab = $("#tabs [aria-selected=true]");
      (tab || $("#queue-h")).focus();
    }
  }

  function buildChat(chat) {
    var key = chat.cid, n = chat.n;
    var tabId = "tab-" + n, panelId = "panel-" + n;
    var tab = h("button", {
      type: "button", role: "tab", id: tabId, class: "tab", "aria-controls": panelId, "aria-selected": "false",
      tabindex: "-1", "data-key": key, "data-cid": key,
      onclick: function () { activate(key); }
    }, h("span", { class: "tab-label" }), " ", h("span", { class: "tab-level" }), " ",
      h("span", { class: "tab-lang" }), " ", h("span", { class: "tab-state" }), h("span", { class: "tab-unread", hidden: true }));
    $("#tabs").appendChild(tab);

    var input = h("textarea", {
      id: "input-" + n, rows: "3", maxlength: "4000", "data-lyt-input": "", autocomplete: "off",
      "aria-describedby": "hint-" + n + " typing-" + n
    });
    var sendBtn = h("button", { type: "submit", class: "btn-primary", "data-lyt-send": "" }, tr("send"));
    var form = h("form", { class: "composer", novalidate: true },
      h("label", { for: "input-" + n, class: "sr-only" }, tr("input_label")),
      input,
      h("div", { class: "composer-row" },
        h("span", { id: "hint-" + n, class: "hint" }, tr("send_hint")),
        h("span", { class: "send-msg", role: "alert" }),
        sendBtn));
    form.addEventListener("submit", function (e) { e.preventDefault(); sendMessage(chat); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !e.altKey) { e.preventDefault(); sendMessage(chat); }
    });
    input.addEventListener("input", function () { sendTyping(chat); });

    var log = h("div", {
      class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0",
      "data-i18n-aria": "messages", "aria-label": t("messages"), "data-lyt-log": ""
    });
    var sumLine = h("div", { class: "sum-line" });
    var sumGrid = h("div", { class: "sum-grid" });
    var summary = h("div", { class: "summary", "data-lyt-summary": "" }, sumLine,
      h("details", { class: "sum-more", open: true }, h("summary", { "data-i18n": "handover_details", text: t("handover_details") }), sumGrid));
    var notice = h("div", { class: "notice", role: "status" });
    var riskBox = h("div", { class: "risk-banner", "data-lyt-risk-banner": "", hidden: true });
    var typing = h("p", { class: "typing", id: "typing-" + n, "data-lyt-typing": "" });
    var main = h("div", { class: "chat-main" }, summary, riskBox, notice, log, typing, form);
    var tools = h("aside", { class: "tools", "data-i18n-aria": "tools", "aria-label": t("tools") });
    var panel = h("section", {
      class: "chat", role: "tabpanel", id: panelId, "aria-labelledby": tabId, "data-key": key, "data-cid": key, hidden: true
    }, main, tools);
    $("#panels").appendChild(panel);
    chat.el = {
      tab: tab, panel: panel, input: input, send: sendBtn, form: form, log: log, summary: summary, sumLine: sumLine, sumGrid: sumGrid,
      notice: notice, typing: typing, tools: tools, riskBox: riskBox
    };
    buildTools(chat);
    renderTab(chat);
  }

  function renderSummary(chat) {
    var s = chat.summary;
    if (!s) return;
    var atBottom = isNearBottom(chat.el.log);
    chat.el.log.setAttribute("lang", langLabel(s.lang));
    var topics = Array.isArray(s.topics) ? s.topics : [];
    chat.el.sumLine.replaceChildren(
      h("h3", { class: "sum-title" }, t("handover") + " · " + t("chat_tab", { n: chat.n })),
      levelBadge(s.level),
      h("span", { class: "chip" }, h("span", { class: "sr-only" }, t("language") + ": "), t("lang_" + langLabel(s.lang))),
      s.waited_seconds !== null && s.waited_seconds !== undefined ? h("span", { class: "chip", text: t("waited", { t: fmtDur(s.waited_seconds) }) }) : null,
      h("span", { class: "chip" }, t("topics") + ": ", topics.length ? topics.map(topicName).join(", ") : t("no_topics")));
    var reasons = Array.isArray(s.reasons) ? s.reasons : [];
    var why = h("div", { class: "sum-block" }, h("h4", { text: t("reasons") }),
      reasons.length ? h("ul", { class: "reasons" }, reasons.map(function (r) { return h("li", null, highlighted(r)); }))
        : h("p", { class: "muted", text: t("no_reasons") }));
    var answered = Array.isArray(s.answered_articles) ? s.answered_articles : [];
    var bot = h("div", { class: "sum-block", "data-lyt-answered": "" }, h("h4", { text: t("bot_answered") }),
      answered.length ? h("ul", { class: "answered" }, answered.map(function (a) { return h("li", { text: a }); }))
        : h("p", { class: "muted", text: t("bot_answered_none") }));
    var blocks = [why, bot];
    var earlier = earlierBlock(s, S.lang);  // issue 18: the earlier chat's summary, notes, outcome (no transcript)
    if (earlier) blocks.unshift(earlier);
    var cards = cardsBlock(s, S.lang);  // issue 17: the guided-flow cards shown, the answers as words
    if (cards) blocks.push(cards);
    var changes = Array.isArray(s.risk_changes) ? s.risk_changes : [];
    if (changes.length) {
      blocks.push(h("div", { class: "sum-block" }, h("h4", { text: t("risk_changes") }),
        h("ul", null, changes.map(function (c) {
          return h("li", {
            text: t("risk_change_line", {
              from: t("level_" + (LEVELS.indexOf(c.from) >= 0 ? c.from : "none")),
              to: t("level_" + (LEVELS.indexOf(c.to) >= 0 ? c.to : "none")), by: c.by || "?", note: c.note || ""
            })
          });
        }))));
    }
    chat.el.sumGrid.replaceChildren.apply(chat.el.sumGrid, blocks);
    if (atBottom) scrollLog(chat, true);
  }

  // ---------------------------------------------------------------- events

  function renderHistory(chat, events) {
    chat.el.log.setAttribute("aria-busy", "true");
    var seenBefore = chat.seen;
    var firstNew = null;
    events.forEach(function (ev) {
      var el = addEvent(chat, ev, { history: true });
      if (el && seenBefore && !firstNew && cmpId(ev.id, seenBefore) > 0 && ev.from === "user") firstNew = el;
    });
    if (firstNew) {
      chat.el.log.insertBefore(h("p", { class: "divider", role: "separator" }, tr("new_since")), firstNew);
      if (S.active !== chat.cid) {
        chat.unread = events.filter(function (ev) { return ev.from === "user" && cmpId(ev.id, seenBefore) > 0; }).length;
      }
    }
    if (!seenBefore && S.active !== chat.cid) chat.seen = chat.lastId;
    chat.el.log.setAttribute("aria-busy", "false");
    if (S.active === chat.cid) markSeen(chat);
    renderTab(chat);
    scrollLog(chat, true);
    persistTabs();
  }

  function addEvent(chat, ev, opts) {
    opts = opts || {};
    if (ev && ev.type === "risk") { onRisk(chat, ev); return null; }
    if (!ev || typeof ev.id !== "string" || chat.ids.has(ev.id)) return null;
    chat.ids.add(ev.id);
    var nearBottom = isNearBottom(chat.el.log);
    var el = bubble(ev);
    if (chat.lost || chat.ended) lockMarks(el, S.lang);
    var log = chat.el.log;
    var last = log.lastElementChild;
    while (last && !last.hasAttribute("data-lyt-id")) last = last.previousElementSibling;
    if (!last || cmpId(last.getAttribute("data-lyt-id"), ev.id) < 0) log.appendChild(el);
    else {
      var node = last;
      while (node && (!node.hasAttribute("data-lyt-id") || cmpId(node.getAttribute("data-lyt-id"), ev.id) > 0)) node = node.previousElementSibling;
      log.insertBefore(el, node ? node.nextSibling : log.firstChild);
    }
    if (!chat.lastId || cmpId(ev.id, chat.lastId) > 0) chat.lastId = ev.id;
    if (ev.from === "user") hideTyping(chat);
    if (!opts.history) {
      var visible = S.active === chat.cid && document.visibilityState === "visible";
      if (visible) markSeen(chat);
      else if (ev.from === "user") {
        chat.unread += 1;
        renderTab(chat);
        announce(t("new_message_in", { n: chat.n }));
      }
      if (nearBottom || ev.from === "counsellor") scrollLog(chat, true);
    }
    return el;
  }

  function onRisk(chat, ev) {
    // A youth message raised the level or is urgent: banner, marked words, level in the summary and tab.
    if (!showRiskBanner(chat, ev, S.lang)) return;
    var s = chat.summary;
    if (s && LEVELS.indexOf(ev.level) > LEVELS.indexOf(s.level)) s.level = ev.level;
    if (s && Array.isArray(ev.reasons)) {
      s.reasons = (Array.isArray(s.reasons) ? s.reasons : []).concat(ev.reasons.filter(function (r) {
        return (s.reasons || []).indexOf(r) < 0;
      })).slice(0, 8);
    }
    renderSummary(chat);
    renderTab(chat);
  }

  function commandLabel(text) {
    var cmd = String(text || "").trim();
    if (cmd === "/ask_human" || cmd === "/handoff") return "cmd_handoff";
    if (cmd === "/leave_queue" || cmd === "/bot") return "cmd_leave";
    if (cmd.indexOf("/feedback") === 0) return "cmd_feedback";
    return null;
  }

  function bubble(ev) {
    var from = FROMS.indexOf(ev.from) >= 0 ? ev.from : "system";
    var type = typeof ev.type === "string" ? ev.type.replace(/[^a-z_]/g, "") : "message";
    var el = h("div", {
      class: "msg from-" + from + " type-" + type, "data-lyt-message": "", "data-from": from, "data-lyt-id": ev.id
    });
    var ms = idMs(ev.id);
    el.appendChild(h("p", { class: "meta" },
      h("span", { class: "who", "data-i18n": "from_" + from, text: t("from_" + from) }),
      ms ? h("time", { class: "time", datetime: new Date(ms).toISOString(), text: clock(ms) }) : null));
    var text = h("p", { class: "text" });
    var cmd = from === "user" ? commandLabel(ev.text) : null;
    if (cmd) {
      text.setAttribute("data-i18n", cmd);
      text.classList.add("command");
      text.textContent = t(cmd);
    } else {
      text.textContent = typeof ev.text === "string" ? ev.text : "";
      if (from === "user" && Array.isArray(ev.spans)) markSpans(text, text.textContent, ev.spans);
    }
    if (from === "user" && ev.risk && typeof ev.risk === "object") el.setAttribute("data-risk-level", String(ev.risk.level || ""));
    el.appendChild(text);
    if (from === "user" && !cmd && type === "message" && ev.id) el.appendChild(markControl(ev, S.lang, postReviewMark));
    if (ev.article && typeof ev.article === "object" && ev.article.title) {
      el.appendChild(h("p", { class: "article" }, h("span", { "data-i18n": "article", text: t("article") }), ": ", String(ev.article.title)));
    }
    if (Array.isArray(ev.buttons) && ev.buttons.length) {
      el.appendChild(h("p", { class: "offered" }, h("span", { "data-i18n": "offered", text: t("offered") }), ": ",
        ev.buttons.map(function (b) { return b && b.title ? String(b.title) : ""; }).filter(Boolean).join(" · ")));
    }
    return el;
  }

  function isNearBottom(log) { return log.scrollHeight - log.scrollTop - log.clientHeight < 80; }
  function scrollLog(chat, force) {
    var log = chat.el.log;
    if (force || isNearBottom(log)) log.scrollTop = log.scrollHeight;
  }

  function markSeen(chat) {
    if (chat.lastId) chat.seen = chat.lastId;
    if (chat.unread) { chat.unread = 0; renderTab(chat); }
    persistTabsSoon();
  }
  var persistTimer = null;
  function persistTabsSoon() {
    window.clearTimeout(persistTimer);
    persistTimer = window.setTimeout(persistTabs, 200);
  }

  // ---------------------------------------------------------------- chat socket

  function connectChat(chat) {
    if (chat.gone || chat.ws || chat.lost || chat.ended || !S.token) return;
    var url = wsBase() + API + "/counsellor/conversations/" + encodeURIComponent(chat.cid) + "/ws";
    if (chat.lastId) url += "?after=" + encodeURIComponent(chat.lastId);
    var ws = /** @type {WebSocket & {lytToken?: string}} */ (new WebSocket(url));
    ws.lytToken = S.token;
    chat.ws = ws;
    ws.onopen = function () {
      ws.send(JSON.stringify({ type: "auth", token: ws.lytToken }));
      chat.retry = 0;
      chatNotice(chat, "", "");
      window.clearInterval(chat.ping);
      chat.ping = window.setInterval(function () {
        if (ws.readyState === 1) ws.send(JSON.stringify({ type: "ping" }));
      }, 60000);
    };
    ws.onmessage = function (m) {
      var ev;
      try { ev = JSON.parse(m.data); } catch { return; }
      if (!ev || typeof ev !== "object") return;
      if (ev.type === "typing") { if (ev.from === "user") showTyping(chat); return; }
      if (ev.type === "pong") return;
      if (ev.type === "ended" && !ev.id) { markEnded(chat); return; }
      addEvent(chat, ev);
    };
    ws.onclose = function (e) {
      window.clearInterval(chat.ping);
      if (chat.ws !== ws) return;
      chat.ws = null;
      if (chat.gone || !S.token) return;
      if (e.code === 4401 && ws.lytToken !== S.token) { connectChat(chat); return; }  // refreshed meanwhile
      if (e.code === 4401) { expire(); return; }
      if (e.code === 4403) { markGoneOrLost(chat); return; }  // a deletion (404) ends it; else released
      if (chat.ended || chat.lost) return;
      var delay = Math.min(15000, 1000 * Math.pow(2, chat.retry++));
      if (chat.retry > 1) chatNotice(chat, tr("conn_lost"), "warn");
      chat.retryTimer = window.setTimeout(function () { connectChat(chat); }, delay);
    };
  }

  function sendTyping(chat) {
    var now = Date.now();
    if (!chat.ws || chat.ws.readyState !== 1 || now - chat.lastTypingSent < TYPING_SEND_MS) return;
    if (!chat.el.input.value.trim()) return;
    chat.lastTypingSent = now;
    chat.ws.send(JSON.stringify({ type: "typing" }));
  }

  function showTyping(chat) {
    chat.el.typing.textContent = t("typing");
    chat.el.typing.classList.add("on");
    window.clearTimeout(chat.typingTimer);
    chat.typingTimer = window.setTimeout(function () { hideTyping(chat); }, TYPING_SHOW_MS);
  }
  function hideTyping(chat) {
    window.clearTimeout(chat.typingTimer);
    chat.el.typing.textContent = "";
    chat.el.typing.classList.remove("on");
  }

  function chatNotice(chat, text, kind, withDismiss) {
    var box = chat.el.notice;
    box.className = "notice" + (kind ? " notice-" + kind : "");
    box.replaceChildren();
    if (!text) return;
    box.appendChild(h("span", null, text));
    if (withDismiss) {
      box.appendChild(h("button", { type: "button", class: "btn-small", onclick: function () { removeChat(chat); } }, tr("dismiss")));
    }
  }

  function setDisabled(chat, disabled) {
    chat.el.input.disabled = disabled;
    chat.el.send.disabled = disabled;
    $$("fieldset[data-needs-hold]", chat.el.tools).forEach(function (f) { f.disabled = disabled; });
    if (disabled) lockMarks(chat.el.log, S.lang);  // only the holder marks (a supervisor too gets 403)
  }

  // Not held any more: a conversation the young person deleted (404) has ended; anything else was released or
  // transferred. The deletion's own event may not have arrived yet when the held list already lacks it.
  function markGoneOrLost(chat) {
    api("/counsellor/conversations/" + encodeURIComponent(chat.cid)).then(function () {
      markLost(chat);
    }, function (err) {
      if (err instanceof ApiError && err.status === 404) markEnded(chat);
      else markLost(chat);
    });
  }

  function markLost(chat) {
    if (chat.lost || chat.gone) return;
    chat.lost = true;
    hideTyping(chat);
    if (chat.ws) { var ws = chat.ws; chat.ws = null; try { ws.close(1000); } catch { /* gone */ } }
    setDisabled(chat, true);
    chatNotice(chat, tr("lost"), "warn", true);
    renderTab(chat);
  }

  function markEnded(chat) {
    if (chat.ended || chat.gone) return;
    chat.ended = true;
    hideTyping(chat);
    setDisabled(chat, true);
    chatNotice(chat, tr("ended"), "warn", true);
    renderTab(chat);
  }

  function sendMessage(chat) {
    var box = chat.el.input;
    var text = box.value.replace(/\s+$/, "");
    if (!text.trim() || chat.sending || chat.lost || chat.ended) return;
    chat.sending = true;
    chat.el.send.disabled = true;
    var msg = $(".send-msg", chat.el.form);
    msg.textContent = "";
    api("/counsellor/conversations/" + encodeURIComponent(chat.cid) + "/messages", { json: { text: text } }).then(function (res) {
      if (box.value.replace(/\s+$/, "") === text) box.value = "";
      (res && Array.isArray(res.events) ? res.events : []).forEach(function (ev) { addEvent(chat, ev); });
      scrollLog(chat, true);
    }, function (err) {
      var why = err.status === 409 ? t("not_live") : err.message || t("error_generic");
      msg.textContent = t("send_failed", { why: why });
      if (err.status === 403) markLost(chat);
    }).then(function () {
      chat.sending = false;
      if (!chat.lost && !chat.ended) chat.el.send.disabled = false;
      if (S.active === chat.cid && document.activeElement === document.body) box.focus();
    });
  }

  // ---------------------------------------------------------------- tools

  function field(labelKey, control, id) {
    control.id = id;
    return h("div", { class: "field" }, h("label", { for: id }, tr(labelKey)), control);
  }

  function buildTools(chat) {
    var n = chat.n;
    var tools = chat.el.tools;

    var cannedList = h("div", { class: "canned-list", "data-lyt-canned": "" });
    var canned = h("details", { class: "tool", open: true },
      h("summary", null, tr("canned")),
      h("p", { class: "muted small canned-lang" }),
      cannedList,
      h("p", { class: "muted small" }, tr("canned_hint")));

    var noteText = h("textarea", { rows: "2", maxlength: "2000" });
    var notesList = h("ul", { class: "notes-list" });
    var noteForm = h("form", { class: "tool-form", novalidate: true },
      h("fieldset", { "data-needs-hold": "" },
        h("legend", { class: "sr-only" }, tr("notes")),
        field("note_label", noteText, "note-" + n),
        h("button", { type: "submit", class: "btn" }, tr("note_save"))));
    noteForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = noteText.value.trim();
      if (!text) { toolMsg(chat, tr("note_empty"), "warn"); noteText.focus(); return; }
      post(chat, "/notes", { text: text }).then(function () {
        noteText.value = "";
        toolMsg(chat, tr("note_saved"), "ok");
        refreshSummary(chat);
      }, function (err) { toolError(chat, err); });
    });
    var notes = h("details", { class: "tool" },
      h("summary", null, tr("notes"), " ", h("span", { class: "count notes-count" })),
      h("p", { class: "muted small" }, tr("notes_hint")),
      notesList, noteForm);

    var riskSelect = h("select", null);
    var riskNote = h("input", { type: "text", maxlength: "500", autocomplete: "off" });
    var riskReason = reasonSelect(S.lang);  // the review item's category (issue 18: corrections reach triage)
    var riskForm = h("form", { class: "tool-form", novalidate: true },
      h("fieldset", { "data-needs-hold": "" },
        h("legend", { class: "sr-only" }, tr("risk")),
        field("risk_level", riskSelect, "risk-" + n),
        field("risk_note", riskNote, "risknote-" + n),
        field("risk_reason", riskReason, "riskreason-" + n),
        h("button", { type: "submit", class: "btn" }, tr("risk_save"))));
    riskForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var note = riskNote.value.trim();
      if (!note) { toolMsg(chat, tr("risk_note_missing"), "warn"); riskNote.focus(); return; }
      var level = riskSelect.value;
      post(chat, "/risk", { level: level, note: note, reason: riskReason.value }).then(function () {
        riskNote.value = "";
        riskReason.value = "other";
        if (chat.summary) chat.summary.level = level;
        toolMsg(chat, tr("risk_saved", { level: { k: "level_" + level } }), "ok");
        renderSummary(chat);
        renderTab(chat);
        refreshSummary(chat);
      }, function (err) { toolError(chat, err); });
    });
    var risk = h("details", { class: "tool" }, h("summary", null, tr("risk")), riskForm);

    var dl = h("datalist", { id: "colleagues-" + n });
    var toName = h("input", { type: "text", maxlength: "40", autocomplete: "off", autocapitalize: "none", spellcheck: "false", list: "colleagues-" + n });
    var toNote = h("textarea", { rows: "2", maxlength: "2000" });
    var transferForm = h("form", { class: "tool-form", novalidate: true },
      h("fieldset", { "data-needs-hold": "" },
        h("legend", { class: "sr-only" }, tr("transfer")),
        field("transfer_to", toName, "to-" + n), dl,
        field("transfer_note", toNote, "tonote-" + n),
        h("button", { type: "submit", class: "btn" }, tr("transfer_btn"))));
    transferForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var to = toName.value.trim();
      if (!to) { toolMsg(chat, tr("transfer_missing"), "warn"); toName.focus(); return; }
      post(chat, "/transfer", { to: to, note: toNote.value.trim() }).then(function () {
        announce(t("transfer_done", { name: to }));
        queueMsg(tr("transfer_done", { name: to }), "ok");
        removeChat(chat);
      }, function (err) {
        if (err.status === 404) toolMsg(chat, tr("transfer_unknown"), "error");
        else if (err.status === 409) {
          var reason = err.data && err.data.detail && err.data.detail.reason;
          if (reason === "not_held") markLost(chat);
          else toolMsg(chat, tr("transfer_full", { name: to }), "error");
        } else if (err.status === 422) toolMsg(chat, tr("transfer_unknown"), "error");
        else toolError(chat, err);
      });
    });
    var transfer = h("details", { class: "tool" }, h("summary", null, tr("transfer")), transferForm);

    var outcome = h("select", { required: true, "data-lyt-outcome": "" });
    var closeNote = h("textarea", { rows: "2", maxlength: "2000" });
    var closeForm = h("form", { class: "tool-form", novalidate: true },
      h("fieldset", { "data-needs-hold": "" },
        h("legend", { class: "sr-only" }, tr("close")),
        field("outcome", outcome, "outcome-" + n),
        field("close_note", closeNote, "closenote-" + n),
        h("button", { type: "submit", class: "btn-danger", "data-lyt-close": "" }, tr("close"))));
    closeForm.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!outcome.value) { toolMsg(chat, tr("outcome_missing"), "warn"); outcome.focus(); return; }
      post(chat, "/close", { outcome: outcome.value, note: closeNote.value.trim() }).then(function () {
        announce(t("closed", { outcome: t("outcome_" + outcome.value) }));
        queueMsg(tr("closed", { outcome: { k: "outcome_" + outcome.value } }), "ok");
        removeChat(chat);
      }, function (err) {
        if (err.status === 409 || err.status === 403) markLost(chat);
        else if (err.status === 404) markEnded(chat);
        else toolError(chat, err);
      });
    });
    var releaseBtn = h("button", { type: "button", class: "btn", "data-lyt-release": "" }, tr("release"));
    releaseBtn.addEventListener("click", function () {
      post(chat, "/release", {}).then(function () {
        announce(t("released"));
        queueMsg(tr("released"), "ok");
        removeChat(chat);
      }, function (err) {
        if (err.status === 409 || err.status === 403) markLost(chat);
        else toolError(chat, err);
      });
    });
    var finish = h("details", { class: "tool tool-finish", open: true },
      h("summary", null, tr("close")),
      closeForm,
      h("fieldset", { class: "release", "data-needs-hold": "" },
        h("legend", { class: "sr-only" }, tr("release")),
        h("p", { class: "muted small" }, tr("release_hint")),
        releaseBtn));

    var msg = h("p", { class: "tool-msg", role: "status" });
    tools.replaceChildren(h("h3", { class: "sr-only" }, tr("tools")), canned, msg, notes, risk, transfer, finish);
    chat.el.cannedList = cannedList;
    chat.el.cannedLang = $(".canned-lang", canned);
    chat.el.notesList = notesList;
    chat.el.notesCount = $(".notes-count", notes);
    chat.el.riskSelect = riskSelect;
    chat.el.outcome = outcome;
    chat.el.colleagues = dl;
    chat.el.toolMsg = msg;
    renderTools(chat);
  }

  function renderTools(chat) {
    if (!chat.el.cannedList) return;
    var lang = chat.summary ? langLabel(chat.summary.lang) : "da";
    // Canned replies in the conversation's language.
    chat.el.cannedLang.textContent = t("canned_lang", { lang: t("lang_" + lang) });
    var list = chat.el.cannedList;
    list.replaceChildren();
    if (S.cannedFailed) list.appendChild(h("p", { class: "muted small", text: t("canned_failed") }));
    else if (S.canned) {
      var replies = (S.canned.replies && Array.isArray(S.canned.replies[lang])) ? S.canned.replies[lang] : [];
      if (!replies.length) list.appendChild(h("p", { class: "muted small", text: t("canned_none") }));
      replies.forEach(function (r) {
        if (!r || typeof r.text !== "string") return;
        var b = h("button", {
          type: "button", class: "canned", "data-lyt-canned-id": r.id || "", title: r.text, lang: lang,
          onclick: function () { insertText(chat, r.text); }
        }, String(r.label || r.id || r.text.slice(0, 24)));
        list.appendChild(b);
      });
    }
    // Notes.
    var notes = chat.summary && Array.isArray(chat.summary.notes) ? chat.summary.notes : [];
    chat.el.notesCount.textContent = notes.length ? "(" + notes.length + ")" : "";
    if (notes.length && !chat.notesShown) {
      chat.notesShown = true;
      var det = chat.el.notesList.closest("details");
      if (det) det.open = true;
    }
    chat.el.notesList.replaceChildren();
    if (!notes.length) chat.el.notesList.appendChild(h("li", { class: "muted", text: t("notes_none") }));
    notes.forEach(function (note) {
      chat.el.notesList.appendChild(h("li", null,
        h("span", { class: "note-meta", text: (note.by || "?") + (note.at_ms ? " · " + clock(note.at_ms) : "") }),
        h("span", { class: "note-text", text: String(note.text || "") })));
    });
    // Risk level choices, the current one selected.
    var current = chat.summary ? chat.summary.level : "none";
    var sel = chat.el.riskSelect;
    var keep = sel.getAttribute("data-user-set") === "1" ? sel.value : current;
    sel.replaceChildren.apply(sel, LEVELS.map(function (lv) { return h("option", { value: lv, text: t("level_" + lv) }); }));
    sel.value = LEVELS.indexOf(keep) >= 0 ? keep : "none";
    if (!sel.hasAttribute("data-listening")) {
      sel.setAttribute("data-listening", "1");
      sel.addEventListener("change", function () { sel.setAttribute("data-user-set", "1"); });
    }
    // Outcomes.
    var out = chat.el.outcome;
    var chosen = out.value;
    out.replaceChildren(h("option", { value: "", text: t("outcome_choose") }));
    OUTCOMES.forEach(function (o) { out.appendChild(h("option", { value: o, text: t("outcome_" + o) })); });
    out.value = chosen;
    renderColleagues(chat);
  }

  function renderColleagues(chat) {
    var dl = chat.el.colleagues;
    if (!dl) return;
    var names = S.overview && Array.isArray(S.overview.counsellors_online)
      ? S.overview.counsellors_online.map(function (c) { return c.name; }).filter(function (nm) { return S.me && nm !== S.me.name; })
      : [];
    dl.replaceChildren.apply(dl, names.map(function (nm) { return h("option", { value: nm }); }));
  }

  function insertText(chat, text) {
    var box = chat.el.input;
    if (box.disabled) return;
    var start = box.selectionStart || 0, end = box.selectionEnd || 0;
    var before = box.value.slice(0, start), after = box.value.slice(end);
    var sep = before && !/\s$/.test(before) ? " " : "";
    box.value = before + sep + text + after;
    var caret = (before + sep + text).length;
    box.focus();
    box.setSelectionRange(caret, caret);
    sendTyping(chat);
  }

  function post(chat, suffix, body) {
    return api("/counsellor/conversations/" + encodeURIComponent(chat.cid) + suffix, { json: body });
  }

  var toolTimers = new WeakMap();
  function toolMsg(chat, text, kind) {
    var el = chat.el.toolMsg;
    el.className = "tool-msg " + (kind || "");
    el.replaceChildren();
    append(el, text);
    window.clearTimeout(toolTimers.get(chat));
    toolTimers.set(chat, window.setTimeout(function () { el.textContent = ""; }, 8000));
  }
  function toolError(chat, err) {
    if (err.status === 401) return;
    toolMsg(chat, err.message || t("error_generic"), "error");
  }

  function refreshSummary(chat) {
    var q = chat.lastId ? "?after=" + encodeURIComponent(chat.lastId) : "";
    return api("/counsellor/conversations/" + encodeURIComponent(chat.cid) + q).then(function (data) {
      if (chat.gone || !data) return;
      var events = Array.isArray(data.events) ? data.events : [];
      var marks = data.review_marks;
      delete data.events;
      delete data.review_marks;
      chat.summary = data;
      renderSummary(chat);
      renderTools(chat);
      renderTab(chat);
      events.forEach(function (ev) { addEvent(chat, ev); });
      showMarks(chat.el.log, marks, S.lang);  // marks made meanwhile, e.g. in another tab
    }, function () { /* next action will retry */ });
  }

  function loadCanned() {
    if (S.canned) { S.chats.forEach(renderTools); return; }
    fetch("/static/dashboard/canned.json", { credentials: "omit", cache: "no-cache" }).then(function (res) {
      if (!res.ok) throw new Error(String(res.status));
      return res.json();
    }).then(function (data) {
      S.canned = data && data.replies ? data : { replies: {} };
      S.cannedFailed = false;
    }, function () {
      S.cannedFailed = true;
    }).then(function () { S.chats.forEach(renderTools); });
  }

  // ---------------------------------------------------------------- supervisor

  function checkSupervisor() {
    api("/supervisor/overview").then(function (data) {
      if (data) { enableSupervisor(); renderOverview(data); }
    }, function () { /* 403: a counsellor, no supervisor view */ });
  }

  function enableSupervisor() {
    if (S.supervisor || !S.token) return;
    S.supervisor = true;
    $("#mute").hidden = false;
    renderMute();
    var tab = h("button", {
      type: "button", role: "tab", id: "tab-overview", class: "tab tab-overview", "aria-controls": "panel-overview",
      "aria-selected": "false", tabindex: "-1", "data-key": OVERVIEW, "data-lyt-overview-tab": "",
      onclick: function () { activate(OVERVIEW); }
    }, h("span", { class: "tab-label", "data-i18n": "overview_tab", text: t("overview_tab") }));
    var tabs = $("#tabs");
    tabs.insertBefore(tab, tabs.firstChild);
    var panel = h("section", {
      class: "overview", role: "tabpanel", id: "panel-overview", "aria-labelledby": "tab-overview",
      "data-key": OVERVIEW, "data-lyt-overview": "", hidden: true
    });
    var bands = h("div", { class: "ov-bands" });
    var liveBox = buildLiveChats(S.lang);
    var reviewBox = buildReviewCounts(S.lang);
    var longest = h("div", { class: "ov-longest" });
    var onlineBox = h("div", { class: "ov-online-box" });
    var convChart = h("figure", { class: "chart", "data-lyt-chart": "conversations" });
    var waitChart = h("figure", { class: "chart", "data-lyt-chart": "waits" });
    var convTable = h("div", { class: "chart-table" });
    var waitTable = h("div", { class: "chart-table" });
    panel.append(
      h("h3", { class: "ov-title", "data-i18n": "sup_title", text: t("sup_title") }),
      h("div", { class: "ov-cards" },
        h("section", { class: "card" }, h("h4", { "data-i18n": "sup_queue", text: t("sup_queue") }), bands),
        h("section", { class: "card" }, h("h4", { "data-i18n": "sup_longest", text: t("sup_longest") }), longest),
        h("section", { class: "card card-wide" }, h("h4", { "data-i18n": "sup_online", text: t("sup_online") }), onlineBox)),
      liveBox,
      reviewBox,
      buildPlan(),
      h("div", { class: "ov-charts" },
        h("div", { class: "chart-box" }, convChart,
          h("details", null, h("summary", { "data-i18n": "chart_table", text: t("chart_table") }), convTable)),
        h("div", { class: "chart-box" }, waitChart,
          h("details", null, h("summary", { "data-i18n": "chart_table", text: t("chart_table") }), waitTable))));
    $("#panels").insertBefore(panel, $("#panels").firstChild);
    S.overviewEl = { panel: panel, bands: bands, longest: longest, online: onlineBox, live: liveBox, convChart: convChart, waitChart: waitChart, convTable: convTable, waitTable: waitTable, reviews: reviewBox };
    loadReviewCounts();
    renderEmptyStates();
    var wanted = S.tabsState.active;
    if (!S.active || wanted === OVERVIEW) activate(OVERVIEW);
    else activate(S.active);
  }

  function renderOverview(o) {
    S.overview = o;
    var el = S.overviewEl;
    if (!el) return;
    var now = Date.now();
    var per = o.queue_by_band || {};
    el.bands.replaceChildren(h("ul", { class: "band-counts" }, BANDS.map(function (b) {
      return h("li", { "data-band": b }, bandBadge(b), h("span", { class: "big", text: String(per[b] || 0) }));
    })));
    el.longest.replaceChildren(h("p", { class: "big" },
      h("span", { "data-wait-base": o.longest_wait_seconds || 0, "data-wait-at": now, text: fmtDur(o.longest_wait_seconds) })));
    var people = Array.isArray(o.counsellors_online) ? o.counsellors_online : [];
    var editing = el.online.contains(document.activeElement) && document.activeElement.tagName === "INPUT";
    if (editing) { /* keep the capacity form the supervisor is typing in; the next push redraws */ }
    else if (!people.length) el.online.replaceChildren(h("p", { class: "muted", text: t("sup_none_online") }));
    else {
      el.online.replaceChildren(h("p", { class: "big", text: String(people.length) }),
        h("table", { class: "load" },
          h("thead", null, h("tr", null,
            h("th", { scope: "col", text: t("sup_name") }), h("th", { scope: "col", text: t("sup_held") }), h("th", { scope: "col", text: t("sup_urgent") }),
            h("th", { scope: "col", text: capacityHeading(S.lang) }))),
          h("tbody", null, people.map(function (c) {
            var cap = Number(c.capacity) || 0, held = Number(c.held) || 0;
            var pct = cap ? Math.min(100, Math.round(held / cap * 100)) : 0;
            return h("tr", null,
              h("th", { scope: "row" }, String(c.name || "?"), S.me && c.name === S.me.name ? " " + t("sup_you") : ""),
              h("td", null, h("span", { class: "loadbar", "aria-hidden": "true" }, widthOf(h("span", { class: "loadfill" + (pct >= 100 ? " full" : "") }), pct)),
                " " + held + (cap ? " / " + cap : "")),
              h("td", { text: String(Number(c.urgent) || 0) }),
              capacityCell(c, S.lang, saveCapacity));
          }))));
    }
    var today = o.today || {};
    renderConvChart(el, Array.isArray(today.conversations_per_hour) ? today.conversations_per_hour : []);
    renderWaitChart(el, today.mean_wait_seconds_per_hour || {});
    renderLiveChats(el.live, Array.isArray(o.live_chats) ? o.live_chats : [], S.lang);
    updateAlerts(Array.isArray(o.urgent_alerts) ? o.urgent_alerts : []);
    prefillPlan(today);
    S.chats.forEach(renderColleagues);
    if (Date.now() - (S.reviewCountsAt || 0) > 60000) loadReviewCounts();
  }

  // Corrections of triage per ISO week (review_counts.js); refreshed at most once a minute with the overview.
  function loadReviewCounts() {
    S.reviewCountsAt = Date.now();
    api("/supervisor/corrections").then(function (data) {
      if (S.overviewEl && data) renderReviewCounts(S.overviewEl.reviews, data.weeks, S.lang);
    }, function () { /* not a supervisor */ });
  }

  // A youth message marked "risk missed" / "false alarm" (review_mark.js): a review item for curators.
  function postReviewMark(cid, body) {
    return api("/counsellor/conversations/" + encodeURIComponent(cid) + "/review", { json: body });
  }

  function saveCapacity(name, limits) {
    return api("/counsellors/" + encodeURIComponent(name), { method: "PATCH", json: limits });
  }

  function widthOf(el, pct) { el.style.width = pct + "%"; return el; }

  function hours24(values) {
    var out = [];
    for (var i = 0; i < 24; i++) out.push(Math.max(0, Number(values[i]) || 0));
    return out;
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function niceMax(v) {
    if (v <= 0) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * p >= v) return steps[i] * p;
    return 10 * p;
  }

  function svgChart(opts) {
    // opts: {id, title, desc, series: [{name, cls, values[24], label(i, v)}], max, fmtAxis}
    var W = 560, H = 190, L = 44, R = 8, T = 12, B = 28;
    var pw = W - L - R, ph = H - T - B, slot = pw / 24;
    var nser = opts.series.length;
    var bw = Math.max(2, (slot - 4) / nser);
    var svg = h("svg:svg", {
      viewBox: "0 0 " + W + " " + H, class: "bars", role: "img", "aria-labelledby": opts.id + "-t " + opts.id + "-d", preserveAspectRatio: "xMidYMid meet"
    });
    svg.appendChild(h("svg:title", { id: opts.id + "-t", text: opts.title }));
    svg.appendChild(h("svg:desc", { id: opts.id + "-d", text: opts.desc }));
    var max = opts.max;
    [0, 0.5, 1].forEach(function (f) {
      var y = T + ph - f * ph;
      svg.appendChild(h("svg:line", { x1: L, x2: W - R, y1: y, y2: y, class: f === 0 ? "axis" : "grid" }));
      var label = opts.fmtAxis(max * f);
      if (label) svg.appendChild(h("svg:text", { x: L - 6, y: y + 4, class: "ylabel", "text-anchor": "end", text: label }));
    });
    for (var hr = 0; hr < 24; hr++) {
      if (hr % 3 === 0) svg.appendChild(h("svg:text", { x: L + hr * slot + slot / 2, y: H - 8, class: "xlabel", "text-anchor": "middle", text: two(hr) }));
      opts.series.forEach(function (s, si) {
        var v = s.values[hr];
        if (!v) return;
        var bh = Math.max(1.5, v / max * ph);
        var x = L + hr * slot + 2 + si * bw;
        var rect = h("svg:rect", { x: x.toFixed(1), y: (T + ph - bh).toFixed(1), width: Math.max(1, bw - 1).toFixed(1), height: bh.toFixed(1), class: "bar " + s.cls });
        rect.appendChild(h("svg:title", { text: s.label(hr, v) }));
        svg.appendChild(rect);
      });
    }
    return svg;
  }

  function renderConvChart(el, raw) {
    var values = hours24(raw);
    var total = values.reduce(function (a, b) { return a + b; }, 0);
    var max = Math.max.apply(null, values);
    var peak = values.indexOf(max);
    var title = t("chart_conv");
    var desc = total ? t("chart_conv_desc", { total: total, hour: two(peak), max: max }) : t("chart_empty");
    var svg = svgChart({
      id: "chart-conv", title: title, desc: desc, max: niceMax(max),
      fmtAxis: function (v) { return Math.abs(v - Math.round(v)) < 1e-9 ? String(Math.round(v)) : ""; },
      series: [{ cls: "bar-conv", values: values, label: function (hr, v) { return t("chart_bar_conv", { hour: two(hr), n: v }); } }]
    });
    el.convChart.replaceChildren(h("figcaption", null, h("strong", { text: title })), svg,
      h("p", { class: "muted small chart-desc", "aria-hidden": "true", text: desc }));
    var rows = [];
    values.forEach(function (v, hr) { if (v) rows.push(h("tr", null, h("th", { scope: "row", text: two(hr) + ":00" }), h("td", { text: String(v) }))); });
    el.convTable.replaceChildren(rows.length
      ? h("table", { class: "numbers" }, h("thead", null, h("tr", null, h("th", { scope: "col", text: t("hour") }), h("th", { scope: "col", text: t("conversations") }))), h("tbody", null, rows))
      : h("p", { class: "muted", text: t("chart_empty") }));
  }

  function renderWaitChart(el, raw) {
    var series = BANDS.map(function (b) {
      return {
        cls: "bar-" + b, band: b, values: hours24(Array.isArray(raw[b]) ? raw[b] : []),
        label: function (hr, v) { return t("chart_bar_wait", { hour: two(hr), band: t("band_" + b), t: fmtDur(v) }); }
      };
    });
    var max = 0;
    /** @type {{band: string, hour: number} | null} */
    var at = null;
    series.forEach(function (s) { s.values.forEach(function (v, hr) { if (v > max) { max = v; at = { band: s.band, hour: hr }; } }); });
    var title = t("chart_wait");
    var desc = at ? t("chart_wait_desc", { t: fmtDur(max), band: t("band_" + at.band), hour: two(at.hour) }) : t("chart_empty");
    var svg = svgChart({
      id: "chart-wait", title: title, desc: desc, max: max > 60 ? niceMax(max / 60) * 60 : niceMax(max), series: series,
      fmtAxis: function (v) { return v >= 60 ? fmtDur(v) : (Math.abs(v - Math.round(v)) < 1e-9 ? Math.round(v) + " s" : ""); }
    });
    var legend = h("ul", { class: "legend" }, BANDS.map(function (b) {
      return h("li", null, h("span", { class: "swatch bar-" + b, "aria-hidden": "true" }), t("band_" + b));
    }));
    el.waitChart.replaceChildren(h("figcaption", null, h("strong", { text: title })), svg, legend,
      h("p", { class: "muted small chart-desc", "aria-hidden": "true", text: desc }));
    var rows = [];
    for (var hr = 0; hr < 24; hr++) {
      if (!series.some(function (s) { return s.values[hr]; })) continue;
      rows.push(h("tr", null, h("th", { scope: "row", text: two(hr) + ":00" }),
        series.map(function (s) { return h("td", { text: s.values[hr] ? fmtDur(s.values[hr]) : "–" }); })));
    }
    el.waitTable.replaceChildren(rows.length
      ? h("table", { class: "numbers" }, h("thead", null, h("tr", null, h("th", { scope: "col", text: t("hour") }),
        BANDS.map(function (b) { return h("th", { scope: "col", text: t("band_" + b) }); }))), h("tbody", null, rows))
      : h("p", { class: "muted", text: t("chart_empty") }));
  }

  // ---------------------------------------------------------------- staffing plan (POST /supervisor/plan)

  var PLAN_PER_HOUR = { min: 0.5, max: 30 };

  function planInput(id, attrs) {
    return h("input", Object.assign({ id: id, name: id, type: "number", inputmode: "decimal", required: true }, attrs));
  }
  function planField(id, key, attrs) {
    var input = planInput(id, attrs);
    return { input: input, el: h("div", { class: "field" }, h("label", { for: id, "data-i18n": key, text: t(key) }), input) };
  }

  function buildPlan() {
    var now = new Date();
    var startHour = now.getHours() >= 18 ? now.getHours() : 18;
    var demand = { input: planInput("plan-demand", { min: 0.5, max: 360, step: "any", value: 6, "data-lyt-plan-demand": "" }) };
    var unit = h("select", { id: "plan-unit", name: "plan-unit", "data-lyt-plan-unit": "" },
      h("option", { value: "hour", "data-i18n": "plan_unit_hour", text: t("plan_unit_hour") }),
      h("option", { value: "shift", "data-i18n": "plan_unit_shift", text: t("plan_unit_shift") }));
    var start = planField("plan-start", "plan_start", { min: 0, max: 23, step: 1, value: startHour });
    var hours = planField("plan-hours", "plan_hours", { min: 1, max: 12, step: 1, value: 6 });
    var urgent = planField("plan-urgent", "plan_urgent", { min: 1, max: 50, step: "any", value: 6 });
    var concern = planField("plan-concern", "plan_concern", { min: 0, max: 90, step: "any", value: 19 });
    var minutes = planField("plan-minutes", "plan_minutes", { min: 10, max: 90, step: "any", value: 42 });
    var target = planField("plan-target", "plan_target", { min: 50, max: 99, step: "any", value: 94 });
    var prefill = h("p", { class: "muted small plan-prefill", id: "plan-prefill", hidden: true });
    demand.input.setAttribute("aria-describedby", "plan-prefill");
    var submit = h("button", { type: "submit", class: "btn-primary", "data-lyt-plan-submit": "", "data-i18n": "plan_btn", text: t("plan_btn") });
    var msg = h("p", { class: "tool-msg plan-msg", role: "status", "data-lyt-plan-msg": "" });
    var answer = h("div", { class: "plan-answer", "data-lyt-plan-answer": "", "aria-live": "polite" });
    var out = h("div", { class: "plan-out", "data-lyt-plan-table": "" });
    var form = h("form", { class: "plan-form", novalidate: true, "data-lyt-plan": "", "aria-labelledby": "plan-h" },
      h("div", { class: "plan-fields" },
        h("div", { class: "field plan-demand" }, h("label", { for: "plan-demand", "data-i18n": "plan_demand", text: t("plan_demand") }),
          h("div", { class: "plan-inline" }, demand.input,
            h("label", { for: "plan-unit", class: "sr-only", "data-i18n": "plan_unit", text: t("plan_unit") }), unit)),
        start.el, hours.el),
      prefill,
      h("details", { class: "plan-assumptions" },
        h("summary", { "data-i18n": "plan_assumptions", text: t("plan_assumptions") }),
        h("div", { class: "plan-fields" }, urgent.el, concern.el, minutes.el, target.el)),
      h("div", { class: "plan-actions" }, submit),
      msg);
    form.addEventListener("submit", onPlanSubmit);
    form.addEventListener("input", function (ev) {
      if (!S.plan) return;
      S.plan.touched = true;
      if (ev.target === demand.input || ev.target === unit) S.plan.prefill.hidden = true;  // no longer today's figure
    });
    S.plan = {
      form: form, submit: submit, msg: msg, answer: answer, out: out, prefill: prefill, unit: unit,
      fields: {
        demand: demand.input, start: start.input, hours: hours.input, urgent: urgent.input,
        concern: concern.input, minutes: minutes.input, target: target.input
      },
      touched: false, busy: false, result: null
    };
    return h("section", { class: "card plan", "aria-labelledby": "plan-h", "data-lyt-plan-box": "" },
      h("h4", { id: "plan-h", "data-i18n": "plan_title", text: t("plan_title") }),
      h("p", { class: "muted small plan-intro", "data-i18n": "plan_intro", text: t("plan_intro") }),
      form, answer, out);
  }

  function prefillPlan(today) {
    var p = S.plan;
    if (!p || p.touched || p.busy) return;
    var values = hours24(Array.isArray(today.conversations_per_hour) ? today.conversations_per_hour : []);
    var max = Math.max.apply(null, values);
    if (!(max > 0)) return;
    var hour = values.indexOf(max);
    p.fields.demand.value = String(Math.min(PLAN_PER_HOUR.max, Math.max(PLAN_PER_HOUR.min, max)));
    p.unit.value = "hour";
    p.prefill.replaceChildren(tr("plan_prefill", { hour: two(hour), n: max }));
    p.prefill.hidden = false;
  }

  function planNumber(el) {
    if (el.value === "" || (el.validity && el.validity.badInput)) return NaN;
    return Number(String(el.value).replace(",", "."));
  }

  function planLabel(el) {
    var label = $("label[for='" + el.id + "']");
    return label ? label.textContent : el.id;
  }

  function planInvalid(el, message) {
    el.setAttribute("aria-invalid", "true");
    if (el.closest("details")) el.closest("details").open = true;
    showPlanMsg(message, "error");
    el.focus();
    return null;
  }

  function readPlan() {
    var p = S.plan, f = p.fields;
    Object.keys(f).forEach(function (k) { f[k].removeAttribute("aria-invalid"); });
    var checks = [f.demand, f.start, f.hours, f.urgent, f.concern, f.minutes, f.target];
    var values = {};
    for (var i = 0; i < checks.length; i++) {
      var el = checks[i], v = planNumber(el);
      var min = Number(el.getAttribute("min")), max = Number(el.getAttribute("max"));
      if (!isFinite(v) || v < min || v > max || (el.getAttribute("step") === "1" && v !== Math.floor(v))) {
        return planInvalid(el, t("plan_invalid", { field: planLabel(el), min: fmtNum(min), max: fmtNum(max) }));
      }
      values[el.id] = v;
    }
    if (values["plan-urgent"] + values["plan-concern"] > 100) return planInvalid(f.concern, t("plan_shares_invalid"));
    var body = {
      start_hour: values["plan-start"],
      shift_hours: values["plan-hours"],
      urgent_share: values["plan-urgent"] / 100,
      concern_share: values["plan-concern"] / 100,
      mean_chat_minutes: values["plan-minutes"],
      target_share: values["plan-target"] / 100
    };
    var perHour = p.unit.value === "shift" ? values["plan-demand"] / values["plan-hours"] : values["plan-demand"];
    if (perHour < PLAN_PER_HOUR.min || perHour > PLAN_PER_HOUR.max) {
      return planInvalid(f.demand, t("plan_per_hour_invalid", { n: fmtNum(perHour), min: fmtNum(PLAN_PER_HOUR.min), max: fmtNum(PLAN_PER_HOUR.max) }));
    }
    if (p.unit.value === "shift") body.conversations_in_shift = values["plan-demand"];
    else body.conversations_per_hour = values["plan-demand"];
    return body;
  }

  var PLAN_FIELD_OF = {
    conversations_per_hour: "demand", conversations_in_shift: "demand", start_hour: "start", shift_hours: "hours",
    urgent_share: "urgent", concern_share: "concern", mean_chat_minutes: "minutes", target_share: "target"
  };

  function onPlanSubmit(ev) {
    ev.preventDefault();
    var p = S.plan;
    if (!p || p.busy) return;
    var body = readPlan();
    if (!body) return;
    p.busy = true;
    p.submit.disabled = true;
    p.submit.textContent = t("plan_busy");
    p.form.setAttribute("aria-busy", "true");
    showPlanMsg(t("plan_busy"), "");
    api("/supervisor/plan", { json: body }).then(function (data) {
      if (S.plan !== p) return;
      p.result = data;
      showPlanMsg("", "");
      renderPlanResult();
    }, function (err) {
      if (S.plan !== p) return;
      if (err.status === 403) { showPlanMsg(t("plan_forbidden"), "error"); return; }
      var why = err.message;
      var first = err.data && Array.isArray(err.data.detail) ? err.data.detail[0] : null;
      if (first) {
        why = String(first.msg || why);
        var key = PLAN_FIELD_OF[(first.loc || [])[1]];
        if (key) p.fields[key].setAttribute("aria-invalid", "true");
      }
      showPlanMsg(t("plan_failed", { why: why }), "error");
    }).then(function () {
      if (S.plan !== p) return;
      p.busy = false;
      p.submit.disabled = false;
      p.submit.textContent = t("plan_btn");
      p.form.removeAttribute("aria-busy");
    });
  }

  function showPlanMsg(text, kind) {
    var p = S.plan;
    if (!p) return;
    p.msg.className = "tool-msg plan-msg" + (kind ? " " + kind : "");
    p.msg.textContent = text;
  }

  function fmtNum(v, digits) {
    return Number(v).toLocaleString(S.lang === "en" ? "en-GB" : "da-DK", { maximumFractionDigits: digits === undefined ? 1 : digits });
  }
  function fmtPct(share) { return fmtNum(share * 100, 1) + " %"; }

  function renderPlanResult() {
    var p = S.plan;
    if (!p || !p.result) return;
    var r = p.result;
    var rows = Array.isArray(r.rows) ? r.rows : [];
    var best = rows.filter(function (row) { return row.counsellors === r.recommended; })[0] || null;
    var from = two(Number(r.start_hour) || 0) + ":00", to = two(Number(r.end_hour) || 0) + ":00";
    var parts = [];
    if (r.reachable) {
      parts.push(h("p", { class: "plan-headline", "data-lyt-plan-recommended": String(r.recommended) },
        h("strong", { text: t("plan_answer", { n: r.recommended, from: from, to: to }) })));
      if (best) {
        parts.push(h("p", { text: t("plan_detail", {
          share: fmtPct(best.urgent_within_5_min), target: fmtPct(r.target_share), per_hour: fmtNum(r.conversations_per_hour),
          abandoned: fmtPct(best.abandoned), max_abandoned: fmtPct(r.max_abandoned)
        }) }));
        if (best.abandoned >= 0.1) {
          parts.push(h("p", { class: "tool-msg warn", "data-lyt-plan-warning": "",
            text: t("plan_warn_abandon", { n: r.recommended, share: fmtPct(best.abandoned) }) }));
        }
      }
    } else {
      parts.push(h("p", { class: "tool-msg error plan-headline", "data-lyt-plan-recommended": "",
        text: t("plan_unreachable", { n: r.recommended }) }));
    }
    parts.push(h("p", { class: "muted small", text: t("plan_basis", {
      hours: fmtNum(r.simulated_hours, 0), urgent: fmtNum(r.urgent_contacts_simulated, 0), cap: r.capacity
    }) }));
    p.answer.replaceChildren.apply(p.answer, parts);
    p.out.replaceChildren(h("table", { class: "numbers plan-table" },
      h("caption", { class: "small muted", text: t("plan_caption", { per_hour: fmtNum(r.conversations_per_hour) }) }),
      h("thead", null, h("tr", null, ["plan_col_n", "plan_col_share", "plan_col_p95", "plan_col_abandon", "plan_col_util"].map(function (k) {
        return h("th", { scope: "col", text: t(k) });
      }))),
      h("tbody", null, rows.map(function (row) {
        var rec = r.reachable && row.counsellors === r.recommended;
        return h("tr", { class: rec ? "recommended" : null, "data-counsellors": row.counsellors, "data-recommended": rec ? "true" : null },
          h("th", { scope: "row" }, String(row.counsellors), rec ? h("span", { class: "rec-tag", text: " (" + t("plan_recommended") + ")" }) : null),
          h("td", { class: row.urgent_within_5_min >= r.target_share ? "meets" : "misses", text: fmtPct(row.urgent_within_5_min) }),
          h("td", { text: t("plan_minutes_short", { m: fmtNum(row.urgent_p95_wait_minutes) }) }),
          h("td", { class: row.abandoned <= r.max_abandoned ? "meets" : "misses", text: fmtPct(row.urgent_abandoned) + " / " + fmtPct(row.abandoned) }),
          h("td", { text: fmtPct(row.utilisation) }));
      }))));
  }

  // ---------------------------------------------------------------- alerts and sound

  function updateAlerts(alerts) {
    var cids = new Set(alerts.map(function (a) { return a.conversation_id; }));
    var fresh = false;
    cids.forEach(function (c) { if (!S.alertCids.has(c)) fresh = true; });
    var changed = fresh || cids.size !== S.alertCids.size;
    S.alertCids = cids;
    S.alerts = alerts;
    renderAlert(changed);
    if (alerts.length && (fresh || Date.now() - S.lastBeep > BEEP_REPEAT_MS)) beep();
  }

  function renderAlert(changed) {
    var box = $("#alert"), text = $("#alert-text"), extra = $("#alert-extra");
    var alerts = S.alerts || [];
    if (!alerts.length || !S.supervisor) {
      box.classList.remove("on");
      text.textContent = "";
      extra.replaceChildren();
      return;
    }
    box.classList.add("on");
    if (changed) text.textContent = "⚠ " + t("alert_text", { n: alerts.length });
    var longest = Math.max.apply(null, alerts.map(function (a) { return Number(a.waiting_seconds) || 0; }));
    var now = Date.now();
    extra.replaceChildren(
      h("span", null, t("alert_longest") + " ",
        h("span", { "data-wait-base": longest, "data-wait-at": now, text: fmtDur(longest) })),
      " ",
      h("button", { type: "button", class: "btn-small", onclick: goToQueue }, t("alert_go")));
  }

  function goToQueue() {
    var first = $("#queue li[data-band=urgent] button.claim") || $("#queue button.claim");
    (first || $("#queue-h")).focus();
  }

  function unlockAudio() {
    try {
      if (!S.audio) {
        var Ctx = window.AudioContext || window.webkitAudioContext;
        if (!Ctx) return;
        S.audio = new Ctx();
      }
      if (S.audio.state === "suspended") S.audio.resume();
    } catch { /* no audio */ }
  }

  function beep() {
    S.lastBeep = Date.now();
    if (S.muted) return;
    try {
      unlockAudio();
      var ctx = S.audio;
      if (!ctx) return;
      var t0 = ctx.currentTime;
      [0, 0.22].forEach(function (offset, i) {
        var osc = ctx.createOscillator(), gain = ctx.createGain();
        osc.type = "sine";
        osc.frequency.value = i ? 660 : 880;
        gain.gain.setValueAtTime(0.0001, t0 + offset);
        gain.gain.exponentialRampToValueAtTime(0.2, t0 + offset + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t0 + offset + 0.18);
        osc.connect(gain);
        gain.connect(ctx.destination);
        osc.start(t0 + offset);
        osc.stop(t0 + offset + 0.2);
      });
      S.beeps += 1;
      document.body.setAttribute("data-lyt-beeps", String(S.beeps));
    } catch { /* no audio */ }
  }

  function renderMute() {
    var b = $("#mute");
    b.setAttribute("aria-pressed", String(S.muted));
    b.textContent = S.muted ? t("unmute") : t("mute");
    b.removeAttribute("data-i18n");
  }

  // ---------------------------------------------------------------- clock

  function tick() {
    var now = Date.now();
    $$("[data-wait-base]").forEach(function (el) {
      var base = Number(el.getAttribute("data-wait-base")) || 0;
      var at = Number(el.getAttribute("data-wait-at")) || now;
      el.textContent = fmtDur(base + (now - at) / 1000);
    });
    watchDash();
  }

  // ---------------------------------------------------------------- start

  function init() {
    S.lang = load(KEY.lang) === "en" ? "en" : "da";
    S.muted = load(KEY.mute) === "1";
    S.tabsState = load(KEY.tabs, true) || newTabsState();
    if (!S.tabsState.numbers) S.tabsState.numbers = {};
    $("#login-form").addEventListener("submit", onLogin);
    $("#logout").addEventListener("click", function () { logout(); });
    $("#mute").addEventListener("click", function () {
      S.muted = !S.muted;
      store(KEY.mute, S.muted ? "1" : null);
      renderMute();
      if (!S.muted) unlockAudio();
    });
    $$("[data-set-lang]").forEach(function (b) {
      b.addEventListener("click", function () { setLang(b.getAttribute("data-set-lang")); });
    });
    $("#tabs").addEventListener("keydown", onTabKey);
    document.addEventListener("pointerdown", unlockAudio, { passive: true });
    document.addEventListener("keydown", unlockAudio, { passive: true });
    document.addEventListener("pointerdown", noteActivity, { passive: true });
    document.addEventListener("keydown", noteActivity, { passive: true });
    window.setInterval(refreshIfActive, 60000);
    document.addEventListener("visibilitychange", function () {
      var chat = S.chats.get(S.active);
      if (chat && document.visibilityState === "visible") markSeen(chat);
    });
    window.setInterval(tick, 1000);
    setLang(S.lang);
    var token = load(KEY.token);
    if (token) startSession(token, false);
    else showLogin("");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
