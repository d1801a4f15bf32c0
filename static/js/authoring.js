// Live preview of a lesson while it is written: the page works without this ("Pratinjau" is a
// submit button); with it, the preview follows the text a moment after typing stops. The server
// renders it with the same renderer and sanitiser as published lessons.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview]");
  var target = document.getElementById("pratinjau");
  if (!form || !target || !window.fetch) return;
  var timer = null;
  var sent = 0;
  function refresh() {
    var number = ++sent;
    var data = new FormData(form);
    data.delete("save");
    fetch(form.getAttribute("data-preview"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null || number !== sent) return;
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.firstElementChild;
        if (!fresh) return;
        target.replaceWith(fresh);
        target = fresh;
      })
      .catch(function () {});
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  });
})();
