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

// The public form's site list (select[data-group-from]): only the sites (an <optgroup> per township) of the
// township chosen in the select it names; a site picked first chooses its township. Without this script
// every group is shown, and the server refuses a site of another township.
(function () {
  "use strict";
  function wire(select) {
    var source = document.getElementById(select.dataset.groupFrom);
    if (!source) {
      return;
    }
    var groups = Array.prototype.slice.call(select.querySelectorAll("optgroup"));
    function chosen() {
      return source.value ? source.options[source.selectedIndex].text : "";
    }
    function show() {
      var label = chosen();
      groups.forEach(function (group) {
        var keep = !label || group.label === label;
        if (keep && !group.parentNode) {
          select.appendChild(group);
        } else if (!keep && group.parentNode) {
          if (group.contains(select.options[select.selectedIndex])) {
            select.value = "";
          }
          select.removeChild(group);
        }
      });
    }
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var group = option && option.parentNode.tagName === "OPTGROUP" ? option.parentNode.label : "";
      if (group && !chosen()) {
        Array.prototype.forEach.call(source.options, function (o) {
          if (o.text === group) {
            source.value = o.value;
          }
        });
        show();
      }
    });
    source.addEventListener("change", show);
    show();
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-group-from]"), wire);
  });
})();
