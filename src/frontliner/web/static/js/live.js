// Live updates on the agent pages, over /ws/agent (see web/live/agent_socket.py).
// - On the case page, a new message on this case is added to the conversation (once:
//   a message already shown, e.g. the agent's own reply, is not added again).
// - Changes that concern this agent (a new chat or case for them, a hand-back, a
//   handover offered, an approval answered...) show as quiet notices with a link.
// - The queue counts in the side navigation are asked for again when a change may have
//   moved a case into or out of one of this agent's queues.
// After a drop the socket reconnects with growing pauses and resumes from the last
// cursor, so what happened meanwhile arrives then, each change once.
"use strict";
(function () {
  var root = document.getElementById("live");
  if (!root || !window.WebSocket) { return; }
  var me = Number(root.getAttribute("data-user-id"));
  var myRole = root.getAttribute("data-user-role") || "";
  var caseId = root.hasAttribute("data-case-id") ? Number(root.getAttribute("data-case-id")) : null;
  var cursor = root.getAttribute("data-live-since") || "";
  var seen = { event: new Set(), message: new Set() };
  var FIRST_DELAY = 1000, MAX_DELAY = 30000, MAX_NOTICES = 5;
  var delay = FIRST_DELAY, countsTimer = null, stopped = false;

  function state(value) { root.setAttribute("data-live-state", value); }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + window.location.host + "/ws/agent" +
      (cursor !== "" ? "?since=" + encodeURIComponent(cursor) : "");
    var socket = new WebSocket(url);
    state("connecting");
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (ignored) { return; }
      handle(frame);
    });
    socket.addEventListener("close", function (event) {
      if (stopped) { return; }
      if (event.code === 1008) {  // the login ended: reconnecting cannot help
        state("stopped");
        notice("Live updates stopped: your login has ended. Log in again to resume.", null);
        return;
      }
      state("reconnecting");
      var wait = delay + Math.floor(Math.random() * 500);
      delay = Math.min(delay * 2, MAX_DELAY);
      window.setTimeout(connect, wait);
    });
  }

  function handle(frame) {
    if (typeof frame.cursor === "number" && (cursor === "" || frame.cursor > Number(cursor))) {
      cursor = String(frame.cursor);
    }
    if (frame.type === "ready") { delay = FIRST_DELAY; state("connected"); return; }
    if (frame.type === "resync") {
      notice("Some updates could not be replayed.", window.location.pathname + window.location.search, "Reload");
      return;
    }
    if (["message", "case", "notice"].indexOf(frame.type) < 0) { return; }
    if (!firstTime("event", frame.event_id)) { return; }
    if (frame.type === "message") { onMessage(frame); }
    else if (frame.type === "case") { onCase(frame); }
    else if (forMe(frame) && frame.case_id !== caseId) {
      notice(frame.notice.text, frame.notice.href, "Open case " + frame.case_ref);
    }
  }

  function firstTime(kind, id) {
    if (typeof id !== "number") { return true; }
    if (seen[kind].has(id)) { return false; }
    seen[kind].add(id);
    return true;
  }

  function forMe(frame) {
    var n = frame.notice;
    return n && frame.actor_id !== me && (n.to === null || n.to.indexOf(me) >= 0) &&
      (!n.roles || n.roles.indexOf(myRole) >= 0);  // e.g. abuse reports: leads only
  }

  function onMessage(frame) {
    if (!firstTime("message", frame.id)) { return; }
    if (caseId !== null && frame.case_id === caseId) {
      if (appendMessage(frame) && frame.direction === "inbound") {
        notice("New message from the customer on this case.", "#message-" + frame.id, "Show");
      }
      return;
    }
    if (forMe(frame)) { notice(frame.notice.text, frame.notice.href, "Open case " + frame.case_ref); }
  }

  function onCase(frame) {
    if (forMe(frame)) {
      notice(frame.notice.text, frame.notice.href, "Open case " + frame.case_ref);
    } else if (caseId !== null && frame.case_id === caseId && frame.actor_id !== null &&
               frame.actor_id !== me) {
      notice((frame.actor_name || "Someone") + " changed this case (" +
             frame.action.replace(/_/g, " ") + ").", window.location.pathname, "Reload");
    }
    if (frame.unowned || (frame.people || []).indexOf(me) >= 0) { refreshCounts(); }
  }

  // --- the conversation ----------------------------------------------------------------

  function appendMessage(frame) {
    if (document.getElementById("message-" + frame.id)) { return false; }  // shown already
    var section = document.querySelector(".conversation");
    if (!section) { return false; }
    var list = section.querySelector("ol.messages");
    if (!list) {
      var empty = section.querySelector("p.muted");
      if (empty) { empty.remove(); }
      list = element("ol", "messages");
      section.appendChild(list);
    }
    var item = document.createElement("li");
    item.appendChild(messageArticle(frame));
    list.appendChild(item);
    return true;
  }

  function messageArticle(frame) {
    var who = { inbound: "Customer", note: "Internal note" }[frame.direction] || "Reply";
    var article = element("article", "message is-new dir-" + frame.direction);
    article.id = "message-" + frame.id;
    article.setAttribute("aria-labelledby", article.id + "-who");
    var meta = element("p", "meta");
    var strong = element("strong", null, who);
    strong.id = article.id + "-who";
    var time = element("time", null, formatTime(frame.at));
    time.setAttribute("datetime", frame.at);
    meta.appendChild(strong);
    meta.appendChild(document.createTextNode(" · " + frame.channel + " · "));
    meta.appendChild(time);
    article.appendChild(meta);
    article.appendChild(element("div", "badges"));
    article.appendChild(element("p", "body", frame.body));  // text, never HTML
    article.appendChild(element("div", "message-actions"));
    return article;
  }

  function formatTime(iso) {
    var at = new Date(iso);
    if (isNaN(at.getTime())) { return iso; }
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return at.getUTCFullYear() + "-" + two(at.getUTCMonth() + 1) + "-" + two(at.getUTCDate()) +
      " " + two(at.getUTCHours()) + ":" + two(at.getUTCMinutes()) + " UTC";
  }

  // --- notices and counts --------------------------------------------------------------

  function notice(text, href, linkText) {
    var area = document.getElementById("notices");
    if (!area) { return; }
    var box = element("p", "live-notice");
    box.appendChild(element("span", "live-notice-text", text));
    if (href) {
      var link = element("a", null, linkText || "Open");
      link.href = href;
      box.appendChild(document.createTextNode(" "));
      box.appendChild(link);
    }
    var dismiss = element("button", "link-button live-notice-dismiss", "Dismiss");
    dismiss.type = "button";
    dismiss.addEventListener("click", function () { box.remove(); });
    box.appendChild(document.createTextNode(" "));
    box.appendChild(dismiss);
    area.appendChild(box);
    var all = area.querySelectorAll(".live-notice");
    if (all.length > MAX_NOTICES) { all[0].remove(); }
  }

  function refreshCounts() {
    if (countsTimer !== null) { return; }
    countsTimer = window.setTimeout(function () {
      countsTimer = null;
      window.fetch("/work/queue-counts", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { showCounts(data.counts, data.cap); } })
        .catch(function () { /* the next change asks again */ });
    }, 300);
  }

  function showCounts(counts, cap) {
    Object.keys(counts).forEach(function (key) {
      var badge = document.getElementById("count-" + key);
      if (!badge) { return; }
      var n = counts[key], capped = n >= cap;
      var text = String(n) + (capped ? "+" : "");
      if (badge.textContent !== text) {
        badge.textContent = text;
        badge.setAttribute("aria-label", n + (capped ? " or more" : "") + " cases");
        badge.classList.add("changed");
      }
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  window.addEventListener("pagehide", function () { stopped = true; });
  connect();
})();
