/* The planning screen (manual 2.2): 'Inplannen met informatie van hierboven' and 'Gebruik de
   locatiegegevens van het examen hierboven' copy the part above into this one (the server does
   the same on saving); typing in a part ticks its 'nu inplannen' box. */
(function () {
  "use strict";
  function parts() { return Array.prototype.slice.call(document.querySelectorAll("[data-planning-form] .planning-part")); }
  function field(part, name) { return part.querySelector('[data-copy="' + name + '"]'); }
  function copy(from, to, names) {
    names.forEach(function (name) {
      var a = field(from, name), b = field(to, name);
      if (!a || !b) return;
      if (a.type === "checkbox") { b.checked = a.checked; } else { b.value = a.value; }
      b.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }
  function plan(part) { var box = part.querySelector("[data-plan-toggle]"); if (box && !box.disabled) box.checked = true; }
  document.addEventListener("change", function (event) {
    var el = event.target;
    var part = el.closest ? el.closest(".planning-part") : null;
    if (!part) return;
    var list = parts(), index = list.indexOf(part);
    if (el.matches("[data-copy-previous]") && el.checked && index > 0) {
      copy(list[index - 1], part, ["start", "end", "location", "examiner1_id", "examiner2_id", "examiner2_may_submit"]);
      plan(part);
    } else if (el.matches("[data-copy-location]") && el.checked && index > 0) {
      copy(list[index - 1], part, ["location"]);
    } else if (el.matches("[data-copy]")) {
      plan(part);
    }
  });
  document.addEventListener("input", function (event) {
    var el = event.target;
    var part = el.closest ? el.closest(".planning-part") : null;
    if (part && el.matches("[data-copy]")) plan(part);
  });
})();
