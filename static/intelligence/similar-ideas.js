// Similar ideas while typing a title (progressive enhancement; the submit view
// shows the same warning on the first POST without JavaScript). The fragment
// comes from our own server, rendered with Django's autoescaping.
(function () {
  "use strict";
  var DEBOUNCE_MS = 400; // one request per pause in typing, not per key
  var MIN_CHARS = 5; // duplicates.QUERY_MIN_CHARS

  document.querySelectorAll("[data-similar-url]").forEach(function (box) {
    var form = box.closest("form");
    var title = form && form.querySelector("input[name=title]");
    if (!title) return;
    var timer = null;
    var inFlight = null;

    function refresh() {
      var query = title.value.trim();
      if (inFlight) inFlight.abort();
      if (query.length < MIN_CHARS) {
        box.innerHTML = "";
        return;
      }
      inFlight = new AbortController();
      var url = box.dataset.similarUrl + "?q=" + encodeURIComponent(query);
      fetch(url, { credentials: "same-origin", signal: inFlight.signal })
        .then(function (response) {
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          if (html !== null) box.innerHTML = html;
        })
        .catch(function () {
          // Offline or aborted: keep what is shown; the server checks on submit.
        });
    }

    title.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, DEBOUNCE_MS);
    });
  });
})();
