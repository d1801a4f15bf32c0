// After a failed submit: focus the error summary (autofocus already does so where supported),
// and let each of its links move the focus to its field, not only scroll to it.
(function () {
  "use strict";
  var summary = document.getElementById("ringkasan-galat");
  if (!summary) return;
  if (document.activeElement !== summary) summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.focus();
    field.scrollIntoView({ block: "center" });
  });
})();
