// Quick exit (GOV.UK "Exit this page" behaviour), focus after htmx swaps, and Listen.
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
    stopListening();  // silence first: the page must not go on speaking as it leaves
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

  window.addEventListener("pagehide", function () { stopListening(); });
  // Coming back with the Back button shows the page again, not the overlay.
  window.addEventListener("pageshow", function () {
    document.body.classList.remove("is-exiting");
    var overlay = document.querySelector(".exit-overlay");
    if (overlay) { overlay.hidden = true; }
    resetPresses();
  });

  // After htmx swaps in feedback or an error, move focus to it (WCAG 4.1.3).
  document.addEventListener("htmx:after:swap", function () {
    revealListen();
    if (reading && !reading.root.isConnected) { stopListening(); }
    var target = document.querySelector("[data-focus-after-swap]");
    if (target) {
      target.removeAttribute("data-focus-after-swap");
      target.focus();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    revealListen();
    // On a full page load the marks are not for focusing; drop them.
    Array.prototype.forEach.call(document.querySelectorAll("[data-focus-after-swap]"), function (el) {
      el.removeAttribute("data-focus-after-swap");
    });
  });

  // --- Listen: read a lesson or question aloud with the browser's own speech synthesis. ---
  // In pieces (a block, a few sentences): Chromium cuts a long utterance off after about 15 s.
  // Only with an English voice on this device: a browser's network voices (such as Chrome's
  // "Google" ones) would send the lesson to a third party, so without a local one Listen stays
  // hidden. Voices may arrive after the page loads ("voiceschanged").
  var synth = window.speechSynthesis;
  var canSpeak = !!synth && typeof window.SpeechSynthesisUtterance === "function";
  var MAX_CHARS = 180;
  var STOPPED = "Stopped reading aloud.";
  // Not read: controls (but a chat's choices), navigation, what is hidden or folded, the
  // content note's and the film's links, and Listen itself.
  var UNREAD = "button:not([name=choice]),select,textarea,script,style,svg,video,[hidden]," +
    "[aria-hidden=true],details:not([open]),nav,.listen,.content-note form,.film-note__actions,.film-end";
  var BLOCK = "p,li,h1,h2,h3,h4,h5,h6,legend,label,summary,dt,dd,th,td,figcaption,blockquote," +
    "button,div,section,article,aside,fieldset,form";
  var reading = null;  // {button, root, said} while speaking
  function localVoice() {
    var voices = synth.getVoices().filter(function (v) { return v.localService && /^en\b/i.test(v.lang); });
    return voices.filter(function (v) { return /GB/i.test(v.lang); })[0] || voices[0] || null;
  }

  function revealListen() {
    if (canSpeak && localVoice()) {
      document.querySelectorAll(".listen[hidden]").forEach(function (el) { el.hidden = false; });
    }
  }
  if (canSpeak) { synth.addEventListener("voiceschanged", revealListen); }

  // The text a reader sees, in order, in pieces of at most MAX_CHARS within one block, cut
  // after sentences (or commas in a long one).
  function piecesOf(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var blocks = [], block, pieces = [], node, parent;
    while ((node = walker.nextNode())) {
      parent = node.parentElement;
      if (parent.closest(UNREAD) || (parent.checkVisibility && !parent.checkVisibility())) { continue; }
      if (parent.closest(BLOCK) !== block) { blocks.push(""); block = parent.closest(BLOCK); }
      blocks[blocks.length - 1] += node.data;
    }
    blocks.forEach(function (text) {
      var piece = "";
      (text.replace(/\s+/g, " ").match(/[^.!?]+(?:[.!?]+["'’”)]*|$) ?/g) || []).forEach(function (sentence) {
        (sentence.length > MAX_CHARS ? sentence.match(/[^,;:]+(?:[,;:]+|$) ?/g) : [sentence]).forEach(function (part) {
          if (piece.trim() && (piece + part).length > MAX_CHARS) { pieces.push(piece); piece = ""; }
          piece += part;
        });
      });
      pieces.push(piece);
    });
    return pieces.map(function (piece) { return piece.trim(); }).filter(Boolean);
  }

  function showListening(button, on, message) {
    var what = button.getAttribute("data-listen");
    button.querySelector(".listen__label").textContent = on ? "Stop" : "Listen";
    button.querySelector(".listen__what").textContent = on ? " reading " + what + " aloud" : " to " + what;
    announce(message);
  }

  function stopListening(message) {
    var was = reading;
    reading = null;
    if (canSpeak) { synth.cancel(); }
    if (was) { showListening(was.button, false, message || ""); }
  }

  function listen(button) {
    if (reading || synth.speaking || synth.pending) { stopListening(); }
    var run = { button: button, root: button.closest(".quiz-item, article, main"), said: [] };
    var voice = localVoice();
    if (!voice) { return; }  // never a network voice (see above)
    reading = run;
    showListening(button, true, "Reading aloud.");
    piecesOf(run.root).forEach(function (text, index, texts) {
      var said = new window.SpeechSynthesisUtterance(text);
      said.lang = "en-GB";
      said.voice = voice;
      said.onerror = function (event) {
        if (reading === run && !/interrupted|canceled/.test(event.error)) {
          stopListening("Sorry, this device could not read it aloud.");
        }
      };
      if (index === texts.length - 1) {
        said.onend = function () { if (reading === run) { stopListening("Finished reading aloud."); } };
      }
      run.said.push(said);  // kept, or Chromium may drop their events
      synth.speak(said);
    });
  }

  // Delegated, so the Listen button of an item that htmx swapped in works too.
  document.addEventListener("click", function (event) {
    var button = canSpeak && event.target.closest && event.target.closest("button[data-listen]");
    if (button) { if (reading && reading.button === button) { stopListening(STOPPED); } else { listen(button); } }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && reading) { stopListening(STOPPED); }
  });
  // The item being read is about to be replaced (answered, or a step in a chat): stop.
  document.addEventListener("htmx:before:swap", function (event) {
    if (reading && reading.root.contains(event.target)) { stopListening(); }
  });
})();
