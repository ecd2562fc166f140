/* Live sessions: a pupil's device follows the teacher's step; the projector keeps its counts
   up to date and takes keys. Only an enhancement: every page works as plain forms and links.

   A pupil's device: one tab per browser holds the stream (a Web Lock decides which), and hands
   each step to the browser's other tabs over a BroadcastChannel, so seven tabs use one of the
   six connections a browser allows a site, not seven. Every step carries "<session>.<version>";
   a tab shown again, or a stream that cannot connect, asks /live/step for anything newer (every
   10 s while streaming fails). */
(function () {
  "use strict";

  var POLL_MS = 10000;
  var ERRORS_BEFORE_POLLING = 3;
  var SILENT_MS = 40000;

  function csrfToken() {
    // A step sent to every pupil carries no token: take the one this page was drawn with.
    var fields = document.querySelectorAll('input[name="csrf_token"]');
    for (var i = 0; i < fields.length; i += 1) {
      if (fields[i].value) return fields[i].value;
    }
    return "";
  }

  function parse(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  function eventOf(root) {
    var step = root.querySelector("[data-live-event]");
    return step ? step.getAttribute("data-live-event") : "";
  }

  function newer(current, offered) {
    if (!offered || offered === current) return false;
    var a = current.split("."), b = offered.split(".");
    // Another session (a new one after an ended one) always wins; within one, the later version.
    return a[0] !== b[0] || Number(b[1]) > Number(a[1]);
  }

  function follow(region) {
    var announcer = document.querySelector("[data-live-announcer]");
    var catchUpUrl = region.getAttribute("data-live-catch-up");
    var channel = "BroadcastChannel" in window ? new BroadcastChannel("course-live") : null;
    var source = null, errors = 0, polling = null, heard = Date.now();

    function fillTokens() {
      var token = csrfToken();
      region.querySelectorAll('input[name="csrf_token"]').forEach(function (field) {
        if (!field.value) field.value = token;
      });
    }

    function apply(html, id, personal) {
      var current = eventOf(region);
      if (!personal && !newer(current, id)) return;
      var fresh = parse(html);
      var freshStep = fresh.querySelector(".live-step");
      var step = region.querySelector(".live-step");
      if (!freshStep) return;
      // The same question, already answered here, still open: keep this device's answer and
      // only say what changed (the teacher is now waiting for more answers).
      if (!personal && step && step.hasAttribute("data-answered") &&
          step.getAttribute("data-step") === freshStep.getAttribute("data-step") &&
          freshStep.getAttribute("data-phase") !== "shown") {
        step.setAttribute("data-live-event", id);
        step.setAttribute("data-phase", freshStep.getAttribute("data-phase"));
        var status = step.querySelector("[data-live-status]");
        var freshStatus = freshStep.querySelector("[data-live-status]");
        if (status && freshStatus && freshStatus.textContent.trim()) {
          status.textContent = freshStatus.textContent;
        }
        return;
      }
      var hadFocus = region.contains(document.activeElement);
      var moved = !step || step.getAttribute("data-step") !== freshStep.getAttribute("data-step");
      // Still the same question: what this pupil has ticked but not yet sent stays ticked.
      var ticked = moved ? [] : Array.prototype.map.call(
        region.querySelectorAll("[data-live-form] input:checked"), function (box) { return box.id; });
      region.replaceChildren(fresh);
      ticked.forEach(function (id) {
        var box = document.getElementById(id);
        if (box && box.closest("[data-live-form]")) box.checked = true;
      });
      fillTokens();
      var heading = region.querySelector("#live-heading");
      if (announcer && heading && !personal) {
        announcer.textContent = (moved ? "Your teacher moved on: " : "Updated: ") + heading.textContent;
      }
      if (hadFocus && heading) heading.focus();
    }

    function share(html, id) {
      apply(html, id, false);
      if (channel) channel.postMessage({ html: html, id: id });
    }

    function catchUp() {
      var url = catchUpUrl + "?seen=" + encodeURIComponent(eventOf(region));
      return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
        if (response.status !== 200) return;
        var id = response.headers.get("x-live-event") || "";
        return response.text().then(function (html) { share(html, id); });
      }).catch(function () { /* offline for now: the next try will tell */ });
    }

    function startPolling() {
      if (polling) return;
      polling = window.setInterval(catchUp, POLL_MS);
    }

    function stream() {
      var own = new EventSource(region.getAttribute("data-live-follow"));
      source = own;
      heard = Date.now();
      function hear() { heard = Date.now(); }
      own.addEventListener("open", function () {
        hear();
        errors = 0;
        if (polling) { window.clearInterval(polling); polling = null; }
      });
      own.addEventListener("step", function (event) {
        hear();
        share(event.data, event.lastEventId);
      });
      own.addEventListener("ping", hear);
      own.addEventListener("closed", function () { own.close(); });
      own.addEventListener("error", function () {
        errors += 1;
        if (own.readyState === EventSource.CLOSED || errors >= ERRORS_BEFORE_POLLING) {
          startPolling();
        }
        if (own.readyState === EventSource.CLOSED && source === own) {
          window.setTimeout(stream, POLL_MS);  // and try streaming again now and then
        }
      });
    }

    // The server pings every 15 s: a stream silent for longer than SILENT_MS has died without
    // saying so (a sleeping laptop, a proxy that dropped it), so open a new one and catch up.
    window.setInterval(function () {
      if (source && source.readyState !== EventSource.CLOSED && Date.now() - heard > SILENT_MS) {
        source.close();
        stream();
        catchUp();
      }
    }, POLL_MS);

    if (channel) {
      channel.addEventListener("message", function (event) {
        if (event.data && typeof event.data.html === "string") {
          apply(event.data.html, event.data.id, false);
        }
      });
    }
    if (navigator.locks && navigator.locks.request) {
      // Held until the tab closes; the next tab waiting for it then takes the stream over.
      navigator.locks.request("course-live-stream", function () {
        stream();
        catchUp();
        return new Promise(function () {});
      });
    } else {
      stream();
    }
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") catchUp();
    });
    region.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches || !form.matches("[data-live-form]")) return;
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      fetch(form.action, {
        method: "POST",
        // A urlencoded form, as the browser posts it: the app takes no multipart bodies (415).
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
        headers: { "X-Live-Fragment": "1", "X-CSRF-Token": csrfToken() },
      }).then(function (response) {
        if (response.status !== 200) { form.submit(); return; }  // the page says what is wrong
        var id = response.headers.get("x-live-event") || "";
        return response.text().then(function (html) {
          apply(html, id, true);
          var status = region.querySelector("[data-live-status]");
          if (announcer && status) announcer.textContent = status.textContent;
          var again = region.querySelector("[data-live-form] button[type=submit]");
          if (again) again.focus();
        });
      }).catch(function () { form.submit(); });
    });
    fillTokens();
  }

  function project(panel) {
    var shown = panel.getAttribute("data-live-event");
    var source = new EventSource(panel.getAttribute("data-live-follow"));
    source.addEventListener("counts", function (event) {
      if (newer(shown, event.lastEventId)) {
        window.location.reload();  // moved elsewhere (another window, or the k-th answer)
        return;
      }
      var counts = document.getElementById("live-counts");
      var fresh = parse(event.data).querySelector("#live-counts");
      if (counts && fresh) counts.replaceWith(fresh);
    });

    var toggle = panel.querySelector("[data-live-keys-toggle]");
    var lettersOff = panel.querySelector("#live-letters-off");
    if (toggle && lettersOff) {
      toggle.hidden = false;
      lettersOff.checked = window.localStorage.getItem("course-live-letters-off") === "1";
      lettersOff.addEventListener("change", function () {
        window.localStorage.setItem("course-live-letters-off", lettersOff.checked ? "1" : "0");
      });
    }
    var keys = {
      ArrowRight: "next", PageDown: "next", ArrowLeft: "previous", PageUp: "previous",
      s: "reveal", S: "reveal", e: "end", E: "end",
    };
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.target.closest && event.target.closest("input, select, textarea, [contenteditable]")) return;
      var name = keys[event.key];
      if (!name) return;
      if (event.key.length === 1 && lettersOff && lettersOff.checked) return;
      var control = panel.querySelector('[data-live-key="' + name + '"]');
      if (!control) return;
      event.preventDefault();
      if (control.tagName === "A") { control.click(); return; }
      var button = control.querySelector("button");
      if (button && !button.disabled) control.requestSubmit(button);
    });
  }

  function ready() {
    var region = document.querySelector("#live-step[data-live-follow]");
    if (region) follow(region);
    var panel = document.querySelector("[data-live-projector]");
    if (panel) project(panel);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
