// Autosave of quiz answers. The page works without this file: every question has its own
// "Simpan jawaban" button that posts the form. With JavaScript, a change saves that question.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form || !window.fetch) return;
  var url = form.getAttribute("data-save-url");
  var tokenField = form.querySelector("input[name=csrf_token]");
  var token = tokenField ? tokenField.value : null;  // none where CSRF is switched off (tests)
  var savedText = form.getAttribute("data-saved") || "\u2713";
  var failedText = form.getAttribute("data-failed") || "!";

  function save(fieldset) {
    var status = fieldset.querySelector(".save-status");
    var data = new FormData();
    if (token) data.append("csrf_token", token);
    data.append("only", fieldset.getAttribute("data-position"));
    fieldset.querySelectorAll("input, select").forEach(function (el) {
      if (!el.name || el.name === "only") return;  // "shown" goes along: a cleared answer saves
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      data.append(el.name, el.value);
    });
    if (status) status.textContent = "…";
    fetch(url, { method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (res) {
        if (status) status.textContent = res.ok ? savedText : (res.body.message || failedText);
      })
      .catch(function () { if (status) status.textContent = failedText; });
  }

  form.querySelectorAll("fieldset.question").forEach(function (fs) {
    fs.addEventListener("change", function () { save(fs); });
  });

  // Enter in an answer saves that question and leaves the focus where it is; without this the
  // browser would submit the whole form (the page without JavaScript does that, on purpose).
  form.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key !== "Enter" || event.isComposing || el.tagName !== "INPUT") return;
    if (el.type === "submit" || el.type === "button" || el.type === "hidden") return;
    var fs = el.closest("fieldset.question");
    if (!fs) return;
    event.preventDefault();
    save(fs);
  });

  var timer = document.getElementById("timer");
  if (timer) {
    var left = parseInt(timer.getAttribute("data-remaining"), 10);
    var handle = null;
    var tick = function () {
      if (left <= 0) {
        // Time is up: hand in what is there, without asking about unanswered questions.
        if (handle !== null) clearInterval(handle);
        var confirmed = document.createElement("input");
        confirmed.type = "hidden"; confirmed.name = "confirm"; confirmed.value = "1";
        form.appendChild(confirmed);
        form.submit();
        return false;
      }
      var m = Math.floor(left / 60), s = left % 60;
      timer.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      left -= 1;
      return true;
    };
    if (tick()) handle = setInterval(tick, 1000);
  }
})();
