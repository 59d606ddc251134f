// Triage board enhancements. Progressive only: the board works without this file (the
// countdown text is rendered by the server, every action is a real form).
//  - live countdowns: every <time class="due"> is re-counted every 30 s, green/amber/red;
//  - the board's auto-refresh waits while a card form has an unsaved choice, so a refresh
//    never resets a select the user is about to submit; open "Change" panels stay open;
//  - selections for bulk changes are cleared after a bulk change was applied (not after a
//    refusal, which keeps them to correct);
//  - j / k move focus to the next / previous card;
//  - focus survives a swap: when a card action or the auto-refresh replaces the card (or the
//    board) that held the focus, it goes back to the same control, or to that card's link;
//  - filter URLs leave out empty fields, so the address bar shows only the filters in use.
(function () {
  "use strict";

  var SEVERITY = { ok: 0, at_risk: 1, breached: 2 };
  var openPanels = [];
  var focusBefore = null; // {card, control}: where the focus was when a swap removed it

  // The same words as triage.targets.format_duration(days=True): "2d 4h 05m", "45m".
  function duration(ms) {
    var total = Math.floor(Math.abs(ms) / 60000);
    var minutes = total % 60;
    var hours = Math.floor(total / 60) % 24;
    var days = Math.floor(total / 1440);
    var parts = [];
    if (days) parts.push(days + "d");
    if (hours) parts.push(hours + "h");
    if (minutes || !parts.length) {
      parts.push(parts.length && minutes < 10 ? "0" + minutes + "m" : minutes + "m");
    }
    return parts.join(" ");
  }

  function tick() {
    var now = Date.now();
    var pills = document.querySelectorAll("time.due[datetime]");
    for (var i = 0; i < pills.length; i++) {
      var el = pills[i];
      var state = el.getAttribute("data-state") || "ok";
      if (state === "paused" || !(state in SEVERITY)) continue;
      var due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) continue;
      var warn = Date.parse(el.getAttribute("data-warn") || "");
      var byClock = due <= now ? "breached" : !isNaN(warn) && warn <= now ? "at_risk" : "ok";
      // The clock only makes things worse: never show green for what the server called amber.
      if (SEVERITY[byClock] > SEVERITY[state]) state = byClock;
      el.textContent = due > now ? "in " + duration(due - now) : "breached " + duration(now - due) + " ago";
      el.className = "due due-" + state;
    }
  }

  function isDirty(board) {
    var selects = board.querySelectorAll(".card-form select");
    for (var i = 0; i < selects.length; i++) {
      var option = selects[i].options[selects[i].selectedIndex];
      if (option && !option.defaultSelected) return true;
    }
    return false;
  }

  document.addEventListener("htmx:beforeRequest", function (evt) {
    var elt = evt.detail.elt;
    if (elt && elt.id === "board" && evt.detail.requestConfig.verb === "get" && isDirty(elt)) {
      evt.preventDefault(); // try again on the next poll
    }
  });

  document.addEventListener("htmx:configRequest", function (evt) {
    if (!evt.detail.elt || evt.detail.elt.id !== "board-filters") return;
    var params = evt.detail.parameters; // htmx 2 wraps a FormData
    var unused = [];
    params.forEach(function (value, key) {
      if (value === "" || (key === "sort" && value === "due")) unused.push(key);
    });
    for (var i = 0; i < unused.length; i++) params.delete(unused[i]);
  });

  document.addEventListener("htmx:beforeSwap", function (evt) {
    var active = document.activeElement;
    var card = active && active.closest ? active.closest(".board-card") : null;
    var target = evt.detail.target;
    if (evt.detail.shouldSwap && card && target && (target === card || target.contains(card))) {
      focusBefore = { card: card.id, control: active.id };
    }
    openPanels = [];
    var open = document.querySelectorAll("#board details[open]");
    for (var i = 0; i < open.length; i++) openPanels.push(open[i].id);
  });

  document.addEventListener("htmx:afterSettle", function () {
    for (var i = 0; i < openPanels.length; i++) {
      var panel = document.getElementById(openPanels[i]);
      if (panel) panel.open = true;
    }
    openPanels = [];
    restoreFocus();
    tick();
  });

  function restoreFocus() {
    var before = focusBefore;
    focusBefore = null;
    if (!before) return;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return; // moved on
    var control = before.control && document.getElementById(before.control);
    if (control) control.focus();
    if (!control || document.activeElement !== control) {
      var link = document.getElementById(before.card + "-ref");
      if (link) link.focus();
    }
  }

  document.addEventListener("htmx:afterRequest", function (evt) {
    var elt = evt.detail.elt;
    // Only after a change was applied: a 422 ("select at least one card") counts as
    // successful for htmx (it is swapped), and must keep what the user chose.
    var xhr = evt.detail.xhr;
    var applied = evt.detail.successful && xhr && xhr.status >= 200 && xhr.status < 300;
    if (elt && elt.id === "bulk-form" && applied) {
      var boxes = document.querySelectorAll('input[name="item_ids"]:checked');
      for (var i = 0; i < boxes.length; i++) boxes[i].checked = false;
      elt.reset();
    }
  });

  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "j" && evt.key !== "k") return;
    if (evt.altKey || evt.ctrlKey || evt.metaKey) return;
    var target = evt.target;
    if (target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) {
      return;
    }
    var links = Array.prototype.slice.call(document.querySelectorAll("#board .board-card a.ref"));
    if (!links.length) return;
    var current = -1;
    for (var i = 0; i < links.length; i++) {
      var card = links[i].closest(".board-card");
      if (card && card.contains(document.activeElement)) current = i;
    }
    var next = evt.key === "j" ? current + 1 : current - 1;
    if (current === -1) next = evt.key === "j" ? 0 : links.length - 1;
    next = Math.max(0, Math.min(links.length - 1, next));
    links[next].focus();
    if (links[next].scrollIntoView) links[next].scrollIntoView({ block: "nearest" });
    evt.preventDefault();
  });

  tick();
  window.setInterval(tick, 30000);
})();
