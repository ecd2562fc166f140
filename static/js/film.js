// The film: counts "started" and "finished", and loads an external player only on a click.
// Without JavaScript the video still plays (native controls) and the facade is a plain link;
// nothing is counted then.
(function () {
  "use strict";
  if (window.courseFilm) { return; }  // a page may include the film's partial more than once
  window.courseFilm = true;

  function csrfToken() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers:inherited") || "{}");
      return headers["X-CSRF-Token"] || "";
    } catch (error) {
      return "";
    }
  }

  var sent = {};
  function count(video, event) {
    var url = video.getAttribute("data-film-" + event);  // the route's URL, drawn by the server
    if (sent[event] || !url || !window.fetch) { return; }
    sent[event] = true;
    window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: {"X-CSRF-Token": csrfToken()}
    }).catch(function () { sent[event] = false; });
  }

  function watch(video) {
    video.addEventListener("play", function () { count(video, "started"); });
    video.addEventListener("ended", function () { count(video, "finished"); });
  }

  function loadPlayer(event) {
    var facade = event.target.closest && event.target.closest("a[data-film-embed]");
    if (!facade) { return; }
    event.preventDefault();
    var frame = document.createElement("iframe");
    frame.className = "film-frame";
    frame.src = facade.getAttribute("data-film-embed");
    frame.title = facade.getAttribute("data-film-frame-title") || "Video player";
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.setAttribute("allow", "encrypted-media; picture-in-picture; fullscreen");
    frame.setAttribute("allowfullscreen", "");
    facade.replaceWith(frame);
    frame.focus();
    count("started");
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("video[data-film-video]"), watch);
    document.addEventListener("click", loadPlayer);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
