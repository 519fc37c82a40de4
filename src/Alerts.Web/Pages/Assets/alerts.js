// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // A fresh subscribe form starts at UTC; the browser knows the reader's zone, so preselect it when listed.
  var zone = document.querySelector("select[data-detect-zone]");
  if (zone && window.Intl && Intl.DateTimeFormat) {
    var detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
    for (var i = 0; i < zone.options.length; i++) {
      if (zone.options[i].value === detected) {
        zone.value = detected;
        break;
      }
    }
  }

  // The hour matters for daily and weekly digests, the weekday for weekly ones: hide what does not apply.
  var form = document.querySelector("form[data-frequency-form]");
  if (form) {
    var hour = form.querySelector("[data-for-frequency~=hour]");
    var weekday = form.querySelector("[data-for-frequency~=weekday]");
    var update = function () {
      var checked = form.querySelector("input[name=frequency]:checked");
      var value = checked ? checked.value : "daily";
      if (hour) { hour.hidden = value !== "daily" && value !== "weekly"; }
      if (weekday) { weekday.hidden = value !== "weekly"; }
    };
    form.addEventListener("change", update);
    update();
  }
})();
