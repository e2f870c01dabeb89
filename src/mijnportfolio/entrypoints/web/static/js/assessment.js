/* The assessment form (manual 2.4): drafts save as the examiner goes, on every change and when
   leaving the page, so that a closed browser loses nothing. The version the page last saw goes
   along; a save from an older tab is refused by the server with a clear message. One save is on
   its way at a time: changes made meanwhile go in the next one, with the version the server just
   returned, so fast clicks never look like another tab. */
(function () {
  "use strict";
  var form = document.querySelector("[data-assessment-form]");
  if (!form || form.hasAttribute("data-readonly")) return;
  var url = form.getAttribute("data-save-url");
  var status = form.querySelector("[data-autosave-status]");
  var versionField = form.querySelector("[data-version]");
  var token = form.querySelector("input[name=csrf_token]").value;
  var required = (form.getAttribute("data-required-scores") || "").split(",").filter(Boolean);
  var pending = {};
  var timer = null;
  var blocked = false;
  var inFlight = null;

  function criterionOf(el) { var box = el.closest("[data-criterion]"); return box ? box.getAttribute("data-criterion") : null; }
  function entry(id) {
    var box = form.querySelector('[data-criterion="' + id + '"]');
    var chosen = box.querySelector("input[data-score]:checked");
    var text = box.querySelector("textarea[data-justification]");
    return { score: chosen ? chosen.value : "", justification: text ? text.value : "" };
  }
  function say(text, kind) {
    status.textContent = text;
    status.className = "autosave-status small mb-2" + (kind === "error" ? " text-danger fw-semibold" : " text-muted");
  }
  function markRequired(id) {
    var box = form.querySelector('[data-criterion="' + id + '"]');
    var marker = box.querySelector("[data-required-marker]");
    var chosen = box.querySelector("input[data-score]:checked");
    if (marker) marker.hidden = !(chosen && required.indexOf(chosen.value) !== -1);
  }
  function body() {
    return JSON.stringify({ version: parseInt(versionField.value || "0", 10), entries: pending });
  }
  function save(keepalive) {
    if (inFlight) return inFlight.then(function () { return save(keepalive); });
    if (blocked || Object.keys(pending).length === 0) return Promise.resolve();
    var sent = body();
    var sending = pending;
    pending = {};
    say("Bezig met opslaan…");
    var request = fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: sent
    }).then(function (response) {
      return response.json().catch(function () { return { ok: false, message: "Opslaan lukte niet." }; }).then(function (data) {
        if (response.ok && data.ok) {
          versionField.value = data.version;
          say("Opgeslagen om " + data.saved_at + " (nog niet definitief).");
          return;
        }
        if (data.conflict) { blocked = true; }
        else { Object.keys(sending).forEach(function (k) { if (!(k in pending)) pending[k] = sending[k]; }); }
        say(data.message || "Opslaan lukte niet; je invoer staat nog op het scherm.", "error");
      });
    }).catch(function () {
      Object.keys(sending).forEach(function (k) { if (!(k in pending)) pending[k] = sending[k]; });
      say("Geen verbinding: je invoer is nog niet opgeslagen. Het wordt opnieuw geprobeerd.", "error");
      schedule(5000);
    });
    var tracked = request.then(function () { if (inFlight === tracked) inFlight = null; });
    inFlight = tracked;
    return tracked;
  }
  function schedule(delay) {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(function () { timer = null; save(false); }, delay);
  }
  form.addEventListener("change", function (event) {
    var id = criterionOf(event.target);
    if (!id) return;
    pending[id] = entry(id);
    markRequired(id);
    schedule(event.target.matches("input[data-score]") ? 0 : 400);
  });
  form.addEventListener("input", function (event) {
    if (!event.target.matches("textarea[data-justification]")) return;
    var id = criterionOf(event.target);
    pending[id] = entry(id);
    schedule(1500);
  });
  form.addEventListener("submit", function () { pending = {}; if (timer) window.clearTimeout(timer); });
  window.addEventListener("pagehide", function () { save(true); });
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") save(true); });
  window.MijnPortfolioAssessment = { flush: function () { return save(false); } };
})();
