// Quick exit (GOV.UK "Exit this page" behaviour) and focus after htmx swaps.
// Everything here enhances plain links and forms that work without JavaScript.
(function () {
  "use strict";

  var SHIFT_PRESSES = 3;
  var SHIFT_WINDOW_MS = 5000;
  var presses = 0;
  var timer = null;

  function exitUrl() {
    var link = document.querySelector("a[data-quick-exit]");
    return link ? link.href : "/exit";
  }

  function quickExit(event) {
    if (event) { event.preventDefault(); }
    document.body.classList.add("is-exiting");
    var overlay = document.querySelector(".exit-overlay");
    if (overlay) { overlay.hidden = false; }
    // replace(): the course page does not stay in this tab's history.
    window.location.replace(exitUrl());
  }

  function announce(text) {
    var status = document.querySelector(".exit-status");
    if (status) { status.textContent = text; }
  }

  function resetPresses() {
    presses = 0;
    if (timer) { window.clearTimeout(timer); timer = null; }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-quick-exit]");
    if (link) { quickExit(event); }
  });

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { resetPresses(); return; }
    presses += 1;
    if (timer) { window.clearTimeout(timer); }
    if (presses >= SHIFT_PRESSES) { resetPresses(); quickExit(); return; }
    announce("Shift, press " + (SHIFT_PRESSES - presses) + " more time" +
      (SHIFT_PRESSES - presses === 1 ? "" : "s") + " to exit.");
    timer = window.setTimeout(function () { resetPresses(); announce(""); }, SHIFT_WINDOW_MS);
  });

  // Coming back with the Back button shows the page again, not the overlay.
  window.addEventListener("pageshow", function () {
    document.body.classList.remove("is-exiting");
    var overlay = document.querySelector(".exit-overlay");
    if (overlay) { overlay.hidden = true; }
    resetPresses();
  });

  // After htmx swaps in feedback or an error, move focus to it (WCAG 4.1.3).
  document.addEventListener("htmx:after:swap", function () {
    var target = document.querySelector("[data-focus-after-swap]");
    if (target) {
      target.removeAttribute("data-focus-after-swap");
      target.focus();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    // On a full page load the marks are not for focusing; drop them.
    Array.prototype.forEach.call(document.querySelectorAll("[data-focus-after-swap]"), function (el) {
      el.removeAttribute("data-focus-after-swap");
    });
  });
})();
