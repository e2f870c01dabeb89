/* MijnPortfolio page behaviour, served locally (no inline scripts: the CSP forbids them). */
(function () {
  "use strict";

  /* Type-to-filter for every dropdown. The native <select> stays in place (with its own
     <label>, so keyboard, screen readers and tests keep working); a small text field before it
     narrows the options as you type. */
  var filterCount = 0;
  function enhanceSelect(select) {
    if (select.multiple || select.dataset.noFilter !== undefined || select.dataset.filterReady) return;
    // In forms every choice list can be filtered (the manual's tip); in filter bars and the bulk
    // action row only long lists get the box, so that the bar stays compact.
    var compact = select.closest("form[role=search], .bulk-actions");
    var minimum = compact ? 6 : 3;
    if (select.options.length < minimum && select.dataset.filter === undefined) return;
    select.dataset.filterReady = "1";
    filterCount += 1;
    var id = "keuzefilter-" + filterCount;
    var wrapper = document.createElement("div");
    wrapper.className = "select-filter";
    var label = document.createElement("label");
    label.className = "visually-hidden";
    label.htmlFor = id;
    label.textContent = "Keuzelijst filteren";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.className = "form-control form-control-sm";
    input.placeholder = "Typ om te filteren…";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", select.id || "");
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    if (compact) {
      // Beside the select, not above it: the bar's columns keep one height and stay aligned.
      var group = document.createElement("div");
      group.className = "select-filter-group";
      select.parentNode.insertBefore(group, select);
      group.appendChild(wrapper);
      group.appendChild(select);
    } else {
      select.parentNode.insertBefore(wrapper, select);
    }
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      var firstVisible = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var match = !needle || option.value === "" || option.text.toLowerCase().indexOf(needle) !== -1;
        option.hidden = !match;
        if (match && option.value !== "" && firstVisible === null) firstVisible = option;
      });
      var current = select.options[select.selectedIndex];
      if (needle && firstVisible && (!current || current.hidden || current.value === "")) {
        select.value = firstVisible.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); select.focus(); }
    });
  }

  /* Forms with data-confirm ask before they submit. */
  function confirmForms(event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }

  /* A checkbox with data-select-all="name" ticks every checkbox of that name on the page. */
  function selectAll(event) {
    var box = event.target;
    if (!box.dataset || !box.dataset.selectAll) return;
    document.querySelectorAll('input[type=checkbox][name="' + box.dataset.selectAll + '"]').forEach(function (cb) {
      cb.checked = box.checked;
      cb.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  /* Filter forms with data-autosubmit submit when a select changes. */
  function autoSubmit(event) {
    var el = event.target;
    if (el.tagName === "SELECT" && el.form && el.form.dataset.autosubmit !== undefined) el.form.submit();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select").forEach(enhanceSelect);
  });
  document.addEventListener("submit", confirmForms, true);
  document.addEventListener("change", selectAll);
  document.addEventListener("change", autoSubmit);
  window.MijnPortfolio = { enhanceSelect: enhanceSelect };
})();
