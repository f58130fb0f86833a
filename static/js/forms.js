// Disable a POST form's buttons once it is submitted, so a double click sends one request (the server's
// one-time form token refuses the second anyway). Served by the app; no CDN.
(function () {
  "use strict";
  var RELEASE_MS = 10000; // a form that downloads a file leaves the page in place: give the buttons back

  function buttons(form) {
    return form.querySelectorAll("button, input[type=submit]");
  }

  function setDisabled(form, disabled) {
    Array.prototype.forEach.call(buttons(form), function (b) { b.disabled = disabled; });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.method || "").toLowerCase() !== "post") {
      return;
    }
    if (form.dataset.submitting === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    // after this tick, so the clicked button's name and value are still sent
    window.setTimeout(function () { setDisabled(form, true); }, 0);
    window.setTimeout(function () {
      form.dataset.submitting = "";
      setDisabled(form, false);
    }, RELEASE_MS);
  });

  // coming back with the browser's back button shows the page as it was left: enable the buttons again
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-submitting='1']"), function (form) {
      form.dataset.submitting = "";
      setDisabled(form, false);
    });
  });
})();

// A checkbox suggested by a number (群体性事件 by the workers involved): ticked while the number reaches
// data-suggest-at, until the user ticks or unticks it himself; the server stores only what is submitted.
(function () {
  "use strict";
  function wire(box) {
    var source = document.getElementById(box.dataset.suggestFrom);
    var at = parseInt(box.dataset.suggestAt, 10);
    if (!source || isNaN(at)) {
      return;
    }
    box.addEventListener("change", function () { box.dataset.touched = "1"; });
    source.addEventListener("input", function () {
      if (box.dataset.touched !== "1") {
        box.checked = parseInt(source.value, 10) >= at;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest-from]"), wire);
  });
})();
