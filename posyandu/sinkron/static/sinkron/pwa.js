/* Posyandu ILP on every page (issue 12): registers the service worker, offers to install the
 * app, shows what waits in the offline outbox, and guards signing out: with unsent changes it
 * warns and offers to send them or save them to a file; otherwise it clears the device's
 * offline data (IndexedDB) before the session ends. Labels come from #luring-pwa data-*. */
(function () {
  "use strict";
  var root = document.getElementById("luring-pwa");
  if (!root || !window.Luring || !window.Luring.db) return;
  var db = window.Luring.db;
  var text = root.dataset;

  function fill(template, vars) {
    return Object.keys(vars).reduce(function (s, k) { return s.split("{" + k + "}").join(String(vars[k])); }, template || "");
  }

  /* Service worker (scope /: it answers every page with the network first). */
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(text.sw, { scope: "/" }).catch(function () { /* the site works without */ });
  }

  /* Install hint (Chromium's beforeinstallprompt), not again for a week after "later". */
  var deferred = null;
  var hint = document.getElementById("install-hint");
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    deferred = event;
    var later = Number(localStorage.getItem("luring-install-later") || 0);
    if (Date.now() - later < 7 * 864e5) return;
    root.hidden = false;
    hint.hidden = false;
  });
  hint.querySelector("[data-install]").addEventListener("click", function () {
    hint.hidden = true;
    if (deferred) { deferred.prompt(); deferred = null; }
  });
  hint.querySelector("[data-install-later]").addEventListener("click", function () {
    hint.hidden = true;
    localStorage.setItem("luring-install-later", String(Date.now()));
  });
  window.addEventListener("appinstalled", function () { hint.hidden = true; });

  /* Outbox indicator in the top bar of the online pages. */
  function indicator() {
    var slot = document.getElementById("luring-indicator");
    if (!slot) return Promise.resolve();
    return db.status().then(function (s) {
      var parts = [text.offlineApp];
      if (s.waiting) parts.push(fill(text.waiting, { n: s.waiting }));
      if (s.rejected + s.conflicts) parts.push(fill(text.problems, { n: s.rejected + s.conflicts }));
      var link = document.createElement("a");
      link.href = text.app + (s.waiting || s.rejected || s.conflicts ? "#/kirim" : "");
      link.textContent = parts.join(" · ");
      link.className = s.waiting || s.rejected ? "pending" : "";
      link.dataset.waiting = String(s.waiting);
      link.title = fill(text.lastSync, { time: s.last_sync_at ? new Date(s.last_sync_at).toLocaleString() : text.never });
      slot.replaceChildren(link);
      slot.hidden = false;
    }).catch(function () { /* no IndexedDB (private mode): nothing to show */ });
  }
  indicator();

  /* Sign-out guard. */
  var dialog = document.getElementById("logout-guard");
  var pendingForm = null;

  function wipe() {
    // personal data lives only in IndexedDB; the service worker's cache holds code and labels
    return db.destroy().catch(function () { return null; });
  }
  function submit(form) {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var cookie = document.cookie.match(/(?:^|; )csrftoken=([^;]*)/);
    if (token && cookie) token.value = decodeURIComponent(cookie[1]);
    form.dataset.guarded = "1";
    form.submit();
  }
  function report(kind) {
    var line = dialog.querySelector("[data-sending]");
    line.textContent = line.dataset[kind] || "";
  }
  function counts() {
    return db.status().then(function (s) { return s.waiting + s.rejected; });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-luring-logout], form[action$='/akun/keluar/']")) return;
    if (form.dataset.guarded) return;
    event.preventDefault();
    counts().then(function (n) {
      if (!n) return wipe().then(function () { submit(form); });
      pendingForm = form;
      dialog.querySelector("[data-text]").textContent = fill(dialog.querySelector("[data-text]").dataset.text, { n: n });
      report("none");
      dialog.querySelector("[data-guard-force]").hidden = true;
      root.hidden = false;
      if (dialog.showModal) dialog.showModal(); else dialog.setAttribute("open", "");
      return null;
    }, function () { submit(form); });
  }, true);

  dialog.querySelector("[data-guard-cancel]").addEventListener("click", function () { dialog.close(); });
  dialog.querySelector("[data-guard-sync]").addEventListener("click", function () {
    report("sending");
    var sync = window.Luring.sync;
    (sync ? sync.upload() : Promise.reject(new Error("no sync"))).then(counts).then(function (n) {
      indicator();
      if (n) { report("failed"); return null; }
      report("done");
      return wipe().then(function () { submit(pendingForm); });
    }, function () { report("failed"); });
  });
  dialog.querySelector("[data-guard-export]").addEventListener("click", function () {
    var exporter = window.Luring.exportOutbox || exportHere;
    exporter().then(function () { dialog.querySelector("[data-guard-force]").hidden = false; });
  });
  dialog.querySelector("[data-guard-force]").addEventListener("click", function () {
    wipe().then(function () { submit(pendingForm); });
  });

  function exportHere() {
    return Promise.all([db.outbox(), db.all("problems"), db.deviceId(), db.meta("user")]).then(function (v) {
      var blob = new Blob([JSON.stringify({ format: 1, device_id: v[2], user: v[3] || null,
        exported_at: new Date().toISOString(), changes: v[0], problems: v[1] }, null, 1)], { type: "application/json" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "posyandu-kiriman-" + new Date().toISOString().slice(0, 10) + ".json";
      document.body.appendChild(a);
      a.click();
      a.remove();
      return db.setMeta("exported_at", new Date().toISOString());
    });
  }
  window.Luring.refreshIndicator = indicator;
})();
