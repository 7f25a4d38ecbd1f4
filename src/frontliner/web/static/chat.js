/*
 * Frontliner chat widget. Plain JavaScript, no build step, no inline script.
 *
 * Embed on any page whose origin is listed in FRONTLINER_CHAT_ORIGINS:
 *
 *   <script src="https://desk.example.com/static/chat.js"
 *           data-frontliner-url="https://desk.example.com" defer></script>
 *
 * Everything the visitor or an agent wrote is put on the page with textContent, never
 * as HTML. Styles are set through the DOM (no style attributes in markup), so a strict
 * Content-Security-Policy on the host page keeps working.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) { return; }
  var base = (script.getAttribute("data-frontliner-url") || new URL(script.src).origin)
    .replace(/\/+$/, "");
  var STORE = "frontliner-chat:" + base;
  var MAX_MESSAGE = 4000;

  function el(tag, props, styles) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) { node[k] = props[k]; });
    Object.keys(styles || {}).forEach(function (k) { node.style[k] = styles[k]; });
    return node;
  }

  var launcher = el("button", { type: "button", textContent: "Chat with us" }, {
    position: "fixed", right: "1rem", bottom: "1rem", zIndex: "2147483000",
    padding: ".7rem 1.1rem", border: "0", borderRadius: "2rem", background: "#2a5bd7",
    color: "#fff", font: "600 15px system-ui, sans-serif", cursor: "pointer"
  });
  launcher.setAttribute("aria-expanded", "false");

  var panel = el("section", {}, {
    position: "fixed", right: "1rem", bottom: "4.5rem", width: "20rem", maxWidth: "90vw",
    maxHeight: "70vh", display: "none", flexDirection: "column", background: "#fff",
    color: "#1d2430", border: "1px solid #99a", borderRadius: "8px",
    boxShadow: "0 6px 24px rgba(0,0,0,.2)", font: "14px system-ui, sans-serif",
    zIndex: "2147483000", overflow: "hidden"
  });
  panel.setAttribute("aria-label", "Chat with our team");
  var status = el("p", { textContent: "" }, { margin: ".5rem .8rem", color: "#445" });
  status.setAttribute("role", "status");
  var log = el("ol", {}, { listStyle: "none", margin: "0", padding: ".5rem .8rem",
    overflowY: "auto", flex: "1" });
  log.setAttribute("aria-live", "polite");

  // --- the start form --------------------------------------------------------------
  var startForm = el("form", {}, { padding: ".8rem", display: "grid", gap: ".4rem" });
  function labelled(id, text, input) {
    input.id = id;
    var label = el("label", { textContent: text, htmlFor: id }, { fontWeight: "600" });
    startForm.appendChild(label);
    startForm.appendChild(input);
    return input;
  }
  var nameInput = labelled("fl-chat-name", "Your name",
    el("input", { type: "text", required: true, maxLength: 200, autocomplete: "name" }));
  var emailInput = labelled("fl-chat-email", "Your e-mail",
    el("input", { type: "email", required: true, maxLength: 254, autocomplete: "email" }));
  var firstInput = labelled("fl-chat-first", "How can we help?",
    el("textarea", { required: true, rows: 3, maxLength: MAX_MESSAGE }));
  startForm.appendChild(el("button", { type: "submit", textContent: "Start chat" }));

  // --- the conversation ------------------------------------------------------------
  var sendForm = el("form", {}, { display: "none", padding: ".5rem", gap: ".4rem",
    borderTop: "1px solid #dde" });
  var sendInput = el("input", { type: "text", maxLength: MAX_MESSAGE, id: "fl-chat-input" },
    { flex: "1" });
  var sendLabel = el("label", { textContent: "Message", htmlFor: "fl-chat-input" },
    { position: "absolute", left: "-10000px" });
  sendForm.appendChild(sendLabel);
  sendForm.appendChild(sendInput);
  sendForm.appendChild(el("button", { type: "submit", textContent: "Send" }));

  // --- "is it solved?": the answer buttons, then the rating -------------------------
  // Shown when the server says the case waits for the visitor's word (`confirmation`
  // frames); the answer goes back over the socket (`confirm` / `rate` frames).
  var confirmBox = el("div", {}, { display: "none", padding: ".5rem .8rem",
    borderTop: "1px solid #dde", background: "#f8f9fb" });
  confirmBox.setAttribute("role", "group");
  confirmBox.setAttribute("aria-label", "Is your problem solved?");
  var thanks = "";
  var SCORES = [[5, "5 - excellent"], [4, "4 - good"], [3, "3 - fair"], [2, "2 - poor"],
    [1, "1 - very poor"]];

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(frame)); }
  }

  function button(text, onClick, primary) {
    var b = el("button", { type: "button", textContent: text }, {
      marginRight: ".4rem", padding: ".4rem .8rem", borderRadius: "4px", cursor: "pointer",
      border: "1px solid #2a5bd7", background: primary ? "#2a5bd7" : "#fff",
      color: primary ? "#fff" : "#2a5bd7", font: "600 14px system-ui, sans-serif"
    });
    b.addEventListener("click", onClick);
    return b;
  }

  function boxText(text, bold) {
    return el("p", { textContent: text }, { margin: "0 0 .4rem", fontWeight: bold ? "600" : "400" });
  }

  function askQuestion() {
    confirmBox.appendChild(boxText("Is your problem solved?", true));
    confirmBox.appendChild(button("Yes, it's solved", function () {
      send({ type: "confirm", answer: "yes" });
    }, true));
    confirmBox.appendChild(button("Not yet", askWhatIsWrong, false));
  }

  function askWhatIsWrong() {
    confirmBox.textContent = "";
    var form = el("form", {}, { display: "grid", gap: ".4rem" });
    var box = el("textarea", { id: "fl-chat-still-wrong", rows: 3, maxLength: MAX_MESSAGE }, {});
    form.appendChild(el("label", { textContent: "What is still wrong?", htmlFor: box.id },
      { fontWeight: "600" }));
    form.appendChild(box);
    var row = el("div", {}, {});
    row.appendChild(el("button", { type: "submit", textContent: "Send" }));
    form.appendChild(row);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send({ type: "confirm", answer: "not_yet", body: box.value.trim() });
    });
    confirmBox.appendChild(form);
    box.focus();
  }

  function askRating() {
    if (thanks) { confirmBox.appendChild(boxText(thanks, false)); }
    var form = el("form", {}, { display: "grid", gap: ".3rem" });
    var set = el("fieldset", {}, { border: "0", padding: "0", margin: "0" });
    set.appendChild(el("legend", { textContent: "How did we do?" }, { fontWeight: "600" }));
    SCORES.forEach(function (score) {
      var label = el("label", {}, { display: "block" });
      var radio = el("input", { type: "radio", name: "fl-chat-score", value: String(score[0]) });
      label.appendChild(radio);
      label.appendChild(document.createTextNode(" " + score[1]));
      set.appendChild(label);
    });
    form.appendChild(set);
    var note = el("textarea", { id: "fl-chat-rating-comment", rows: 2, maxLength: 5000 }, {});
    form.appendChild(el("label", { textContent: "Anything to tell us? (optional)",
      htmlFor: note.id }, { fontWeight: "600" }));
    form.appendChild(note);
    form.appendChild(el("button", { type: "submit", textContent: "Send rating" }));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = form.querySelector("input[name=fl-chat-score]:checked");
      if (!chosen) { status.textContent = "Please choose a rating from 1 to 5."; return; }
      send({ type: "rate", score: parseInt(chosen.value, 10), comment: note.value.trim() });
    });
    confirmBox.appendChild(form);
  }

  function showConfirmation(state) {
    confirmBox.textContent = "";
    if (ended) { confirmBox.style.display = "none"; return; }
    if (state === "asked") { askQuestion(); }
    else if (state === "rate") { askRating(); }
    else if (thanks) { confirmBox.appendChild(boxText(thanks, false)); }
    confirmBox.style.display = confirmBox.childNodes.length ? "block" : "none";
  }

  function answered(answer) {
    thanks = {
      yes: "Thank you for telling us it is solved.",
      not_yet: "Thank you for telling us. Your case is open again and its owner keeps working on it.",
      rating: "Thank you for your rating."
    }[answer] || "";
  }

  panel.appendChild(status);
  panel.appendChild(startForm);
  panel.appendChild(log);
  panel.appendChild(confirmBox);
  panel.appendChild(sendForm);

  var socket = null;
  var shown = {};
  var retry = 1000;
  var ended = false;

  // Staff ended this chat over abuse: say so (the case stays open and is answered by
  // e-mail), take nothing more in, and start afresh next time the page loads.
  function end(message) {
    ended = true;
    status.textContent = message;
    sendForm.style.display = "none";
    confirmBox.style.display = "none";
    sessionStorage.removeItem(STORE);
    if (socket && socket.readyState === WebSocket.OPEN) { socket.close(1000); }
  }

  function show(message) {
    if (message.id != null && shown[message.id]) { return; }
    if (message.id != null) { shown[message.id] = true; }
    var mine = message.from === "visitor";
    var item = el("li", {}, { margin: ".3rem 0", textAlign: mine ? "right" : "left" });
    var bubble = el("span", { textContent: message.body }, {
      display: "inline-block", padding: ".4rem .6rem", borderRadius: "8px",
      background: mine ? "#e7f0fd" : "#f1f2f4", whiteSpace: "pre-wrap", maxWidth: "85%"
    });
    item.appendChild(bubble);
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function saved() {
    try { return JSON.parse(sessionStorage.getItem(STORE) || "null"); } catch (e) { return null; }
  }

  function connect(chat) {
    var url = base.replace(/^http/, "ws") + "/ws/chat/" + encodeURIComponent(chat.token);
    socket = new WebSocket(url);
    socket.onopen = function () {
      retry = 1000;
      status.textContent = "Connected. Case " + chat.ref + ".";
    };
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type === "history") { data.messages.forEach(show); }
      else if (data.type === "message" || data.type === "sent") { show(data); }
      else if (data.type === "ended") { end(data.message); }
      else if (data.type === "confirmation") { showConfirmation(data.state); }
      else if (data.type === "answered") { answered(data.answer); }
      else if (data.type === "error") { status.textContent = data.message; }
    };
    socket.onclose = function (event) {
      if (ended) { return; }
      if (event.code === 1008) {  // the chat is unknown or expired: start afresh
        sessionStorage.removeItem(STORE);
        status.textContent = "This chat has ended. Start a new one any time.";
        sendForm.style.display = "none";
        confirmBox.style.display = "none";
        startForm.style.display = "grid";
        return;
      }
      status.textContent = "Reconnecting...";
      setTimeout(function () { connect(chat); }, retry);
      retry = Math.min(retry * 2, 30000);
    };
    startForm.style.display = "none";
    sendForm.style.display = "flex";
  }

  startForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = new URLSearchParams();
    body.set("name", nameInput.value);
    body.set("email", emailInput.value);
    body.set("message", firstInput.value);
    status.textContent = "Starting...";
    fetch(base + "/chat/start", { method: "POST", body: body, credentials: "omit" })
      .then(function (response) {
        return response.json().then(function (data) { return [response.ok, data]; });
      })
      .then(function (result) {
        if (!result[0]) {
          status.textContent = (result[1].error && result[1].error.message) ||
            "The chat could not start; please try again.";
          return;
        }
        var chat = { token: result[1].token, ref: result[1].ref };
        sessionStorage.setItem(STORE, JSON.stringify(chat));
        connect(chat);
      })
      .catch(function () { status.textContent = "No connection; please try again."; });
  });

  sendForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = sendInput.value.trim();
    if (!text || !socket || socket.readyState !== WebSocket.OPEN) { return; }
    socket.send(JSON.stringify({ type: "message", body: text }));
    sendInput.value = "";
  });

  launcher.addEventListener("click", function () {
    var open = panel.style.display === "none";
    panel.style.display = open ? "flex" : "none";
    launcher.setAttribute("aria-expanded", open ? "true" : "false");
  });

  function mount() {
    document.body.appendChild(panel);
    document.body.appendChild(launcher);
    var chat = saved();
    if (chat && chat.token) { connect(chat); }
  }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
}());
