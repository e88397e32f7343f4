/* twitchcheck diary: small conveniences. Every form works without this file. */
(function () {
  "use strict";
  // Send the browser's time zone with forms, so a typed time is read where the person is.
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  document.querySelectorAll("input.js-timezone").forEach(function (input) { if (zone) { input.value = zone; } });
  // Typing an exact time chooses "At a time I choose".
  var exact = document.getElementById("when-exact");
  var typedTime = document.querySelector(".quick-add input[name='occurred_at']");
  if (exact && typedTime) { typedTime.addEventListener("input", function () { exact.checked = true; }); }
  // A slider that is moved is recorded: untick its "not recorded" box, and show its value.
  document.querySelectorAll(".slider input[type='range']").forEach(function (range) {
    var box = document.getElementById(range.id + "-unset");
    var out = document.getElementById(range.id + "-value");
    var show = function () { if (out) { out.textContent = box && box.checked ? "not recorded" : range.value; } };
    range.addEventListener("input", function () { if (box) { box.checked = false; } show(); });
    if (box) { box.addEventListener("change", show); }
    show();
  });
  // The quick form's time is "now" when the page was rendered; refresh it if the page sat open.
  var when = document.querySelector(".quick-add input[name='occurred_at']");
  if (when) {
    var rendered = Date.now();
    when.addEventListener("input", function () { when.dataset.touched = "1"; });
    document.querySelector(".quick-add").addEventListener("submit", function () {
      if (when.dataset.touched || Date.now() - rendered < 120000) { return; }
      var now = new Date();
      var pad = function (n) { return String(n).padStart(2, "0"); };
      when.value = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) + "T" + pad(now.getHours()) + ":" + pad(now.getMinutes());
    });
  }
})();
