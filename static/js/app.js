// Small enhancements for the question page. Everything works without this file.
(function () {
  "use strict";

  // "None of these" excludes the best practices, and the reverse. Runs in the capture phase, before htmx
  // sees the change and sends the form.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("#answer-form input[name=selected]") || !box.checked) return;
    var boxes = box.form.querySelectorAll("input[name=selected]");
    boxes.forEach(function (other) {
      if (other === box) return;
      var clash = box.hasAttribute("data-none-choice") || other.hasAttribute("data-none-choice");
      if (clash) other.checked = false;
    });
  }, true);

  // The notes counter.
  document.addEventListener("input", function (event) {
    if (event.target.id !== "id_notes") return;
    var counter = document.getElementById("notes-counter");
    if (counter) counter.textContent = event.target.value.length + " of " + counter.dataset.limit + " characters";
  });

  // Notes save after a short pause; if the user leaves the page within that pause, send them on the way out.
  var notesPending = false;
  document.addEventListener("input", function (event) {
    if (event.target.id === "id_notes") notesPending = true;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "answer-form") notesPending = false;
  });
  window.addEventListener("pagehide", function () {
    var form = document.getElementById("answer-form");
    if (notesPending && form && navigator.sendBeacon) navigator.sendBeacon(form.action, new FormData(form));
  });

  // After an htmx navigation to another question, move focus to its heading so keyboard and screen-reader
  // users land where the new content starts.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "question-panel") {
      var heading = document.getElementById("question-title");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    }
  });
})();
