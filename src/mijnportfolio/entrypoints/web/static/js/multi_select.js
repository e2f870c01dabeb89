/* Lists where several choices can be made (<select multiple data-multi-filter>): a labelled
   filter box before the list narrows it as you type, a click chooses or removes a name without
   holding Ctrl, and a live count says how many are chosen. The native <select> stays (with its
   own <label>), so keyboard, screen readers, tests and a browser without JavaScript keep working.
   app.js leaves multiple selects alone; this file is their counterpart. No inline scripts (CSP). */
(function () {
  "use strict";

  var count = 0;

  function enhance(select) {
    if (select.dataset.multiReady) return;
    select.dataset.multiReady = "1";
    count += 1;
    var id = "meerkeuzefilter-" + count;
    var wrapper = document.createElement("div");
    wrapper.className = "select-filter";
    var label = document.createElement("label");
    label.className = "visually-hidden";
    label.htmlFor = id;
    label.textContent = select.dataset.multiFilter || "Lijst filteren";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.className = "form-control form-control-sm";
    input.placeholder = "Typ om te filteren…";
    input.autocomplete = "off";
    if (select.id) input.setAttribute("aria-controls", select.id);
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    select.parentNode.insertBefore(wrapper, select);

    var status = document.createElement("div");
    status.className = "form-text multi-select-count";
    status.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(status, select.nextSibling);

    function update() {
      var chosen = Array.prototype.filter.call(select.options, function (o) { return o.selected; });
      status.textContent = chosen.length === 1 ? "1 gekozen" : chosen.length + " gekozen";
    }

    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = !!needle && option.text.toLowerCase().indexOf(needle) === -1;
      });
      // A heading (<optgroup>) without a visible name under it goes too.
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); select.focus(); }
    });
    select.addEventListener("mousedown", function (event) {
      var option = event.target;
      if (!option || option.tagName !== "OPTION" || event.shiftKey) return;
      event.preventDefault();
      var top = select.scrollTop;
      option.selected = !option.selected;
      select.focus();
      select.scrollTop = top;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    select.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[multiple][data-multi-filter]").forEach(enhance);
  });
})();
