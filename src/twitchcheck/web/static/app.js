/* twitchcheck: a little progressive enhancement. Every page works without this file. */
(function () {
  "use strict";
  // Print: open every collapsed section first, so the printout is complete.
  document.querySelectorAll(".js-print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      document.querySelectorAll("details").forEach(function (d) { d.open = true; });
      window.print();
    });
  });
  // Avoid double submissions when a slow phone is tapped twice; the clicked button's value still goes.
  document.querySelectorAll("form[method='post']").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
    });
  });
  // Keyboard: on a question page, focus the question for screen readers after each answer.
  var question = document.querySelector(".question-text");
  if (question && !document.querySelector(".notice, .understood")) {
    question.setAttribute("tabindex", "-1");
    question.focus({ preventScroll: true });
  }
})();
