// Small enhancements for the question page. Everything works without this file.
(function () {
  "use strict";

  // "None of these" excludes the best practices, and the reverse. Runs in the capture phase, before htmx
  // sees the change and sends the form.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("#answer-form input[name=selected]") || !box.checked) return;
    var boxes = box.form.querySelectorAll("input[name=selected]");
    var unticked = false;
    boxes.forEach(function (other) {
      if (other === box) return;
      var clash = box.hasAttribute("data-none-choice") || other.hasAttribute("data-none-choice");
      if (clash && other.checked) { other.checked = false; unticked = true; }
    });
    // Said in words, in the live region beside the practices, rather than unticked silently.
    var said = document.getElementById("practices-clash");
    if (said) said.textContent = !unticked ? "" : box.hasAttribute("data-none-choice")
      ? "“None of these” is ticked, so the practices ticked before it were unticked."
      : "A practice is ticked, so “None of these” was unticked.";
  }, true);

  // A best practice is either followed or marked "does not apply", never both (the server refuses both).
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.checked) return;
    var other = null;
    if (box.matches("#answer-form input[name=selected]")) {
      other = document.getElementById("practice-na-" + box.value);
    } else if (box.matches("#answer-form input[name=practice_not_applicable]")) {
      other = document.getElementById("choice-" + box.value);
    }
    if (other) other.checked = false;
  }, true);

  // The notes counter.
  document.addEventListener("input", function (event) {
    if (event.target.id !== "id_notes") return;
    var counter = document.getElementById("notes-counter");
    if (counter) counter.textContent = event.target.value.length + " of " + counter.dataset.limit + " characters";
  });

  // Saving answers. htmx sends the answer form on every change and on "saveNow" (hx-trigger), one save at a time
  // (hx-sync). Notes are sent after a pause in typing. Nothing else loads into the page (another question, the
  // history, a back-button restore) until the question's changes are sent and answered: no answer is left behind
  // and no late answer lands on another question. A save that is refused keeps the user on the question, with
  // the reason in its status.
  var NOTES_PAUSE_MS = 800;
  var unsent = false; // changes made since the last save was sent
  var inFlight = 0; // saves sent and not answered yet
  var notesTimer = null;
  var held = null; // what to do once the saves are done: {go: function, evenIfRefused: boolean}

  function answerForm() {
    var form = document.getElementById("answer-form");
    return form && form.hasAttribute("hx-post") ? form : null;
  }

  function isSave(elt) {
    return Boolean(elt && elt.closest && elt.closest("#answer-form, [data-answer-save]"));
  }

  function saveNow() {
    clearTimeout(notesTimer);
    notesTimer = null;
    var form = answerForm();
    if (form && unsent) htmx.trigger(form, "saveNow");
  }

  function settled() {
    return !answerForm() || (!unsent && inFlight === 0);
  }

  function hold(go, evenIfRefused) {
    held = { go: go, evenIfRefused: evenIfRefused };
    var status = statusOf(answerForm());
    if (status) status.textContent = "Saving your changes before moving on…";
    saveNow();
  }

  function statusOf(form) {
    return form && document.getElementById("save-status-" + form.dataset.question);
  }

  function release(refused) {
    if (!held) return;
    if (refused && !held.evenIfRefused) {
      held = null;
      return;
    }
    if (refused || settled()) {
      var go = held.go;
      held = null;
      go();
    } else if (inFlight === 0) {
      saveNow(); // changed again while the last save was on its way
    }
  }

  document.addEventListener("input", function (event) {
    var form = answerForm();
    if (!form || event.target.form !== form) return;
    unsent = true;
    if (event.target.id === "id_notes") {
      clearTimeout(notesTimer);
      notesTimer = setTimeout(saveNow, NOTES_PAUSE_MS);
    }
  });
  document.addEventListener("change", function (event) {
    var form = answerForm();
    if (form && event.target.form === form) unsent = true;
  }, true);

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!isSave(event.detail.elt)) return;
    unsent = false; // the request carries every value the form has now
    inFlight += 1;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!isSave(event.detail.elt)) return;
    inFlight = Math.max(0, inFlight - 1);
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var refused = !(status >= 200 && status < 300);
    if (refused) unsent = true; // still to be saved: the status says why it was not
    release(refused);
  });
  document.addEventListener("htmx:sendError", function (event) {
    if (!isSave(event.detail.elt)) return;
    var status = statusOf(answerForm());
    if (status) status.textContent = "Not saved: the server could not be reached. Your change is kept on this page; it is sent again with your next change.";
  });

  // Another question, the history, any other content: wait for the saves. "Take theirs" drops my changes.
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    if (isSave(elt) || !answerForm()) return;
    if (elt.hasAttribute("data-discard-unsaved")) {
      unsent = false;
      forget(answerForm());
      return;
    }
    if (settled()) return;
    event.preventDefault();
    hold(function () { event.detail.issueRequest(true); }, false);
  });

  // The back and forward buttons restore a page from the server: send the changes first, then restore.
  document.addEventListener("htmx:historyCacheMiss", function (event) {
    if (settled()) return;
    event.preventDefault();
    hold(function () { event.detail.xhr.send(); }, true);
  });

  // A new question has its own form: nothing of the previous one is pending (its saves were awaited).
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "question-panel") {
      clearTimeout(notesTimer);
      unsent = false;
    }
  });

  // A plain link out of the question (the overview, the breadcrumbs): the same wait, then follow it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || link.hasAttribute("hx-get") || link.target || event.defaultPrevented) return;
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (settled()) return;
    event.preventDefault();
    hold(function () { window.location.assign(link.href); }, false);
  });

  // Leaving the page any other way (closing the tab, typing an address) before the saves are answered: send the
  // form on the way out, since the browser may cancel a save still on its way. The server merges it with that
  // save if it arrived after all.
  window.addEventListener("pagehide", function () {
    var form = answerForm();
    if (form && !settled() && navigator.sendBeacon) navigator.sendBeacon(form.action, new FormData(form));
  });

  // While a change is not yet answered, the browser asks before the page is left by a reload, the address bar
  // or closing the tab (links and htmx navigation wait for the save instead, above).
  window.addEventListener("beforeunload", function (event) {
    if (settled()) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // Changes the server has not confirmed are also kept in the browser (localStorage), with the version they were
  // made from, until a save is answered. So a reload, a closed tab or a crashed browser loses none of them: the
  // next time the question opens, the kept values are put back in its form and sent with that version, and the
  // server merges them as it merges any late save (a save it already has changes nothing; a clash with someone
  // else's change shows the usual conflict). Nothing is kept where storage is off or full: the warning above and
  // the send on the way out remain.
  var KEPT_PREFIX = "wareview:unsaved:";

  function keptKey(form) {
    return KEPT_PREFIX + form.getAttribute("action");
  }

  function keep() {
    var form = answerForm();
    if (!form) return;
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") fields.push([name, value]);
    });
    try {
      localStorage.setItem(keptKey(form), JSON.stringify({ fields: fields, at: Date.now() }));
    } catch (error) { /* storage off or full */ }
  }

  function forget(form) {
    try { localStorage.removeItem(keptKey(form)); } catch (error) { /* storage off */ }
  }

  function kept(form) {
    try { return JSON.parse(localStorage.getItem(keptKey(form)) || "null"); } catch (error) { return null; }
  }

  function putBack(form, fields) {
    form.querySelectorAll("input[name], textarea[name], select[name]").forEach(function (field) {
      if (field.name === "csrfmiddlewaretoken") return;
      var values = fields.filter(function (pair) { return pair[0] === field.name; }).map(function (pair) { return pair[1]; });
      if (field.type === "checkbox" || field.type === "radio") field.checked = values.indexOf(field.value) !== -1;
      else if (values.length) field.value = values[0];
    });
  }

  // Send again what was kept for the question now on the page.
  function resend() {
    var form = answerForm();
    var changes = form && kept(form);
    if (!changes) return;
    putBack(form, changes.fields);
    var status = statusOf(form);
    if (status) status.textContent = "Saving the changes you made before the page was left…";
    unsent = true;
    saveNow();
  }

  document.addEventListener("input", keep);
  document.addEventListener("change", function (event) {
    var form = answerForm();
    if (form && event.target.form === form) keep();
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!isSave(event.detail.elt)) return;
    // Saved (or merged), and not changed since: nothing left to send again. A refused save is still unsent, and
    // kept: it is sent again, and refused or merged again with words, the next time the question opens.
    var form = answerForm();
    if (form && !unsent && inFlight === 0) forget(form);
  });
  document.addEventListener("DOMContentLoaded", resend);
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "question-panel") resend();
  });

  // After an htmx navigation to another question, move focus to its heading so keyboard and screen-reader
  // users land where the new content starts.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "question-panel") {
      var heading = document.getElementById("question-title");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    }
  });

  // "Copy" buttons (`data-copy` names the field whose value they copy): shown only where a script runs, since
  // without one the field itself is there to select and copy by hand.
  document.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("aria-describedby") || "");
    var done = function (words) { if (status) status.textContent = words; };
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () { done("Copied."); },
        function () { done("Could not copy: the token is selected, press Ctrl+C (⌘C on a Mac)."); }
      );
    } else {
      done(document.execCommand("copy") ? "Copied." : "Could not copy: the token is selected, press Ctrl+C (⌘C on a Mac).");
    }
  });
})();
