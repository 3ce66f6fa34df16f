/* Posyandu ILP offline app (issue 12): the Posyandu day from IndexedDB, every change through
 * the outbox. Rendered in the browser; labels come from the page (#luring-i18n, Django gettext).
 * Routes (hash): #/ · #/sesi/<id> · #/baru/<sesi> · #/kunjungan/<id> · #/ubah/<kunjungan>
 * · #/ringkasan/<sesi> · #/kirim
 */
(function () {
  "use strict";
  var L = window.Luring;
  var db = L.db;
  var sync = L.sync;
  var CFG = JSON.parse(document.getElementById("luring-config").textContent);
  var M = JSON.parse(document.getElementById("luring-i18n").textContent);
  var view = document.getElementById("view");
  var engine = null;
  var state = { posyandu: null, user: null, signedIn: null, syncing: false };

  function t(key, vars) {
    var s = M[key] || key;
    Object.keys(vars || {}).forEach(function (k) { s = s.split("{" + k + "}").join(String(vars[k])); });
    return s;
  }

  /* h("p", {class: "x", onclick: f}, "text", child, [children]) */
  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
      else if (k === "text") el.textContent = v;
      else if (v === true) el.setAttribute(k, "");
      else el.setAttribute(k, v);
    });
    for (var i = 2; i < arguments.length; i += 1) append(el, arguments[i]);
    return el;
  }
  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(el, c); }); return; }
    el.appendChild(typeof child === "string" || typeof child === "number" ?
      document.createTextNode(String(child)) : child);
  }
  function show() {
    view.replaceChildren.apply(view, Array.prototype.slice.call(arguments).filter(Boolean));
    var focus = view.querySelector("h1");
    if (focus) { focus.setAttribute("tabindex", "-1"); focus.focus({ preventScroll: true }); }
    window.scrollTo(0, 0);
  }
  function field(label, input, hint) {
    var id = "f-" + Math.random().toString(36).slice(2, 8);
    input.id = input.id || id;
    return h("div", { class: "field" }, h("label", { for: input.id }, label), input,
      hint ? h("small", { class: "muted" }, hint) : null);
  }
  function textInput(name, value, extra) {
    return h("input", Object.assign({ type: "text", name: name, value: value || "",
      autocomplete: "off" }, extra || {}));
  }
  function decimalInput(name, value) {
    return textInput(name, value, { inputmode: "decimal" });
  }
  function go(hash) { if (location.hash === hash) route(); else location.hash = hash; }
  function say(text, kind) {
    var box = document.getElementById("notice");
    box.textContent = text;
    box.className = "notice " + (kind || "ok");
    box.hidden = !text;
  }

  function today() {
    var d = new Date(Date.now() + (state.clockOffset || 0));
    var z = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + z(d.getMonth() + 1) + "-" + z(d.getDate());
  }
  function months(birth, on) {
    if (!birth) return null;
    return window.GrowthEngine ? window.GrowthEngine.completedMonths(birth, on) :
      Math.floor((new Date(on) - new Date(birth)) / (30.4375 * 864e5));
  }
  function ageText(birth, on) {
    var m = months(birth, on);
    if (m === null) return "";
    if (m < 24) return t("{n} months", { n: m });
    return t("{y} years {m} months", { y: Math.floor(m / 12), m: m % 12 });
  }
  function stageOf(person, on) {
    if (person.pregnant || person.life_stage === "ibu_hamil") return "maternal";
    if (person.postpartum || person.life_stage === "ibu_nifas") return "maternal";
    var m = months(person.tanggal_lahir, on);
    if (m !== null && m < 72) return "child";
    return "other";
  }
  function parse(v) {
    if (v === null || v === undefined || String(v).trim() === "") return null;
    var s = String(v).trim().replace(/\s/g, "").replace(",", ".");
    if (!/^-?\d+(\.\d+)?$/.test(s)) return NaN;
    return Number(s);
  }
  function fmt(n) {
    if (n === null || n === undefined || n === "") return "";
    return String(n).replace(".", CFG.lang === "id" ? "," : ".");
  }
  function timeText(iso) {
    if (!iso) return t("never");
    var d = new Date(iso);
    return d.toLocaleString(CFG.lang === "id" ? "id-ID" : "en-GB",
      { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }

  /* ---------- status bar, on every page of the app ---------- */
  function refreshStatus() {
    return db.status().then(function (s) {
      var bar = document.getElementById("luring-status");
      var online = navigator.onLine;
      bar.replaceChildren.apply(bar, [
        h("span", { class: "net " + (online ? "on" : "off"), "data-online": online ? "1" : "0" },
          online ? t("Online") : t("Offline")),
        h("a", { href: "#/kirim", "data-waiting": String(s.waiting) },
          t("Waiting to send: {n}", { n: s.waiting })),
        h("span", { "data-last-sync": s.last_sync_at || "" },
          t("Last sync: {time}", { time: timeText(s.last_sync_at) })),
        s.rejected ? h("a", { href: "#/kirim", class: "bad", "data-rejected": String(s.rejected) },
          t("To fix: {n}", { n: s.rejected })) : null,
        s.conflicts ? h("a", { href: "#/kirim", class: "warn", "data-conflicts": String(s.conflicts) },
          t("Waiting for the bidan: {n}", { n: s.conflicts })) : null,
        h("button", { type: "button", class: "link", id: "sync-now", disabled: !online || state.syncing,
          onclick: function () { syncNow(true); } }, state.syncing ? t("Sending…") : t("Sync now")),
      ].filter(Boolean));
      return s;
    });
  }

  /* The kader is typing: a redraw would wipe the search box or a half-filled form. */
  function busy() {
    var active = document.activeElement;
    if (active && view.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) return true;
    return !!document.querySelector("form[data-dirty]") ||
      Array.prototype.some.call(view.querySelectorAll("textarea, input[type=text], input[type=search]"),
        function (el) { return el.value !== el.defaultValue; });
  }

  var syncTimer = null;
  function soon() {
    clearTimeout(syncTimer);
    if (navigator.onLine) syncTimer = setTimeout(function () { syncNow(false); }, 300);
    else backgroundSync();
  }
  function backgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.sync) return reg.sync.register("luring-outbox");
      return null;
    }).catch(function () { /* Background Sync is optional: the app syncs on opening and reconnecting */ });
  }

  function syncNow(manual) {
    if (state.syncing || !navigator.onLine) return Promise.resolve();
    state.syncing = true;
    var changed = false;
    refreshStatus();
    var pid = state.posyandu && state.posyandu.id;
    var download = state.signedIn && pid;
    return sync.upload({ urls: CFG.urls })
      .then(function (tally) {
        changed = tally.sent > 0;
        if (download) {
          return sync.download(pid, { urls: CFG.urls }).then(function () { changed = true; return tally; });
        }
        return tally;
      })
      .then(function (tally) {
        if (tally.rejected || tally.conflicts) {
          say(t("Sent. Some changes need attention: see the list."), "warn");
        } else if (manual || tally.sent) {
          say(t("Everything is sent."), "ok");
        }
        return loadMeta();
      })
      .catch(function (error) {
        if (error.code === "auth") {
          state.signedIn = false;
          say(t("Your session has ended. Sign in again to send; the changes stay on this phone."), "bad");
        } else if (error.code === "busy") {
          say(t("The server is busy; trying again shortly."), "warn");
          setTimeout(function () { syncNow(false); }, 1000 * (Number(error.extra.retryAfter) || 30));
        } else {
          say(t("Not sent yet: no connection. The changes stay on this phone."), "warn");
        }
      })
      .then(function () {
        state.syncing = false;
        return refreshStatus();
      })
      .then(function () {
        // a page showing server data is redrawn with the new versions, unless the kader
        // is typing (a redraw would wipe the search box or a half-filled form)
        if (changed && !busy()) route();
      });
  }

  function loadMeta() {
    return Promise.all([db.meta("posyandu"), db.meta("user"), db.meta("clock_offset")]).then(function (v) {
      if (v[0]) state.posyandu = v[0];
      if (v[1]) state.user = v[1];
      // a few minutes of difference is a normal clock; more is a phone set to another day
      state.clockOffset = Math.abs(v[2] || 0) > 10 * 60 * 1000 ? v[2] : 0;
    });
  }

  /* ---------- data helpers ---------- */
  function sessions() {
    return db.all("sesi").then(function (rows) {
      return rows.sort(function (a, b) { return a.tanggal < b.tanggal ? 1 : -1; });
    });
  }
  function measurementsOf(personId) {
    return db.byIndex("measurements", "sasaran_id", personId).then(function (rows) {
      return rows.sort(function (a, b) {
        return a.tanggal === b.tanggal ? (a._seq || 0) - (b._seq || 0) : a.tanggal < b.tanggal ? -1 : 1;
      });
    });
  }
  function enqueue(change, apply) {
    return db.enqueue(change, apply).then(function (stored) {
      refreshStatus();
      soon();
      return stored;
    });
  }
  function baseOf(row) {
    // an edit of a record created offline takes its version once the create is answered
    return row._pending ? { base_version: null, base_from: row._change || null } :
      { base_version: row.version || null };
  }

  /* ---------- #/ : the Posyandu and its days ---------- */
  function homePage() {
    return Promise.all([sessions(), db.meta("downloaded_at"), db.meta("expires_at")]).then(function (v) {
      var list = v[0];
      if (!state.posyandu) {
        return show(h("h1", {}, t("Offline Posyandu day")),
          h("p", { class: "card" }, state.signedIn === false ?
            t("Sign in while online once: the data of your Posyandu is then downloaded to this phone.") :
            t("Downloading the data of your Posyandu…")),
          state.signedIn === false ? h("a", { class: "btn", href: CFG.urls.login + "?next=" + CFG.urls.app }, t("Sign in")) : null);
      }
      var dateInput = h("input", { type: "date", name: "tanggal", value: today(), required: true });
      var form = h("form", { class: "stack card", onsubmit: function (e) {
        e.preventDefault();
        openDay(dateInput.value);
      } }, h("h2", {}, t("Open a Posyandu day")), field(t("Date"), dateInput),
        h("button", { class: "btn", type: "submit" }, t("Open this day")));
      return show(
        h("h1", {}, state.posyandu.nama),
        h("p", { class: "muted" }, t("Data on this phone: downloaded {when}, valid until {until}.",
          { when: timeText(v[1]), until: timeText(v[2]) })),
        form,
        h("section", { class: "card" }, h("h2", {}, t("Days")),
          list.length ? h("ul", { class: "days" }, list.slice(0, 10).map(function (s) {
            return h("li", {}, h("a", { href: "#/sesi/" + s.id }, s.tanggal), " ",
              h("span", { class: "badge" }, s.status || ""), s._pending ? h("span", { class: "badge warn" }, t("not sent yet")) : null);
          })) : h("p", { class: "muted" }, t("No day opened yet.")))
      );
    });
  }

  function openDay(tanggal) {
    return sessions().then(function (list) {
      var found = list.filter(function (s) { return s.tanggal === tanggal; })[0];
      if (found) return go("#/sesi/" + found.id);
      var id = db.uuid();
      return enqueue({
        kind: "sesi.open", record: id, base_version: null,
        data: { posyandu: state.posyandu.id, tanggal: tanggal }, label: t("Open day {date}", { date: tanggal }),
      }, function (s, stored) {
        return db.request(s.sesi.put({ id: id, tanggal: tanggal, status: "buka", version: null,
          _pending: true, _change: stored.id }));
      }).then(function () {
        say(t("Saved on this phone."), "ok");
        go("#/sesi/" + id);
      });
    });
  }

  /* ---------- #/sesi/<id>: search, check in, the visits of the day ---------- */
  function dayPage(sesiId) {
    return Promise.all([db.get("sesi", sesiId), db.byIndex("checkins", "sesi_id", sesiId), db.all("people")])
      .then(function (v) {
        var sesi = v[0];
        if (!sesi) return notFound();
        var visits = v[1].filter(function (c) { return !c.voided; });
        var people = {};
        v[2].forEach(function (p) { people[p.id] = p; });
        var came = {};
        visits.forEach(function (c) { came[c.sasaran_id] = c; });
        var results = h("ul", { class: "people", id: "found" });
        var box = h("input", { type: "search", name: "q", autocomplete: "off" });
        function search() {
          var q = box.value.trim().toLowerCase();
          if (!q) { results.replaceChildren(); return; }
          var digits = q.replace(/\D/g, "");
          var found = v[2].filter(function (p) {
            if (p.status && p.status !== "aktif") return false;
            return (p.nama || "").toLowerCase().indexOf(q) >= 0 ||
              (p.nama_ibu || "").toLowerCase().indexOf(q) >= 0 ||
              (digits.length >= 4 && (p.nik_masked || "").replace(/\D/g, "").indexOf(digits) >= 0);
          }).slice(0, 15);
          results.replaceChildren.apply(results, found.length ? found.map(function (p) {
            var visit = came[p.id];
            return h("li", {}, h("span", {}, h("strong", {}, p.nama), " ",
              h("span", { class: "muted" }, ageText(p.tanggal_lahir, sesi.tanggal) +
                (p.nama_ibu ? " · " + t("mother: {name}", { name: p.nama_ibu }) : ""))),
              visit ? h("a", { class: "btn small", href: "#/kunjungan/" + visit.id }, t("Open the visit")) :
                h("button", { type: "button", class: "btn small", onclick: function () { checkIn(sesi, p); } }, t("Check in")));
          }) : [h("li", { class: "muted" }, t("Nobody found. Register someone new below."))]);
        }
        box.addEventListener("input", search);
        return show(
          h("p", { class: "breadcrumb" }, h("a", { href: "#/" }, state.posyandu ? state.posyandu.nama : t("Home"))),
          h("h1", {}, t("Posyandu day {date}", { date: sesi.tanggal })),
          h("section", { class: "card" }, h("h2", {}, t("Step 1: registration")),
            field(t("Search (name, NIK or mother's name)"), box), results,
            h("a", { class: "btn", href: "#/baru/" + sesi.id }, t("+ Register someone new"))),
          h("section", { class: "card" }, h("h2", {}, t("Came today ({n})", { n: visits.length })),
            h("ul", { class: "people", id: "visits" }, visits.map(function (c) {
              var p = people[c.sasaran_id] || { nama: "?" };
              return h("li", {}, h("a", { href: "#/kunjungan/" + c.id }, p.nama),
                c._pending ? h("span", { class: "badge warn" }, t("not sent yet")) : null);
            }))),
          h("a", { class: "btn", href: "#/ringkasan/" + sesi.id }, t("Summary of the day"))
        );
      });
  }

  function checkIn(sesi, person) {
    return db.byIndex("checkins", "sesi_id", sesi.id).then(function (rows) {
      var existing = rows.filter(function (c) { return c.sasaran_id === person.id && !c.voided; })[0];
      if (existing) return go("#/kunjungan/" + existing.id);
      var id = db.uuid();
      return enqueue({
        kind: "kunjungan.checkin", record: id, base_version: null,
        data: { sesi: sesi.id, sasaran: person.id }, label: t("Check in {name}", { name: person.nama }),
      }, function (s, stored) {
        return db.request(s.checkins.put({ id: id, sesi_id: sesi.id, sasaran_id: person.id,
          version: null, _pending: true, _change: stored.id }));
      }).then(function () {
        say(t("{name} checked in. Saved on this phone.", { name: person.nama }), "ok");
        go("#/kunjungan/" + id);
      });
    });
  }

  /* ---------- #/baru/<sesi>: register someone new (a baby without NIK too) ---------- */
  function newPersonPage(sesiId) {
    return db.get("sesi", sesiId).then(function (sesi) {
      if (!sesi) return notFound();
      var f = {
        nama: textInput("nama", "", { required: true }),
        tanggal_lahir: h("input", { type: "date", name: "tanggal_lahir", required: true, max: sesi.tanggal }),
        nik: textInput("nik", "", { inputmode: "numeric", maxlength: "16" }),
        nama_ibu: textInput("nama_ibu", ""),
        persetujuan_oleh: textInput("persetujuan_oleh", "", { required: true }),
      };
      var sexL = h("input", { type: "radio", name: "jenis_kelamin", value: "L", id: "jk-l", required: true });
      var sexP = h("input", { type: "radio", name: "jenis_kelamin", value: "P", id: "jk-p" });
      var errors = h("ul", { class: "errorlist" });
      var form = h("form", { class: "stack card", novalidate: true, onsubmit: function (e) {
        e.preventDefault();
        var sex = sexL.checked ? "L" : sexP.checked ? "P" : "";
        var problems = [];
        if (!f.nama.value.trim()) problems.push(t("Name is required."));
        if (!sex) problems.push(t("Choose the sex."));
        if (!f.tanggal_lahir.value) problems.push(t("Date of birth is required."));
        if (f.tanggal_lahir.value > sesi.tanggal) problems.push(t("The date of birth is after the day."));
        var nik = f.nik.value.replace(/\s/g, "");
        if (nik && !/^\d{16}$/.test(nik)) problems.push(t("A NIK has 16 digits (leave it empty for a baby without NIK)."));
        if (!f.persetujuan_oleh.value.trim()) problems.push(t("Consent given by is required."));
        errors.replaceChildren.apply(errors, problems.map(function (p) { return h("li", {}, p); }));
        if (problems.length) return;
        var id = db.uuid();
        var data = { posyandu: state.posyandu.id, nama: f.nama.value.trim(), jenis_kelamin: sex,
          tanggal_lahir: f.tanggal_lahir.value, nik: nik, nama_ibu: f.nama_ibu.value.trim(),
          persetujuan_oleh: f.persetujuan_oleh.value.trim() };
        enqueue({ kind: "sasaran.create", record: id, base_version: null, data: data,
          label: t("Register {name}", { name: data.nama }) }, function (s, stored) {
          return db.request(s.people.put({ id: id, version: null, nama: data.nama, jenis_kelamin: sex,
            tanggal_lahir: data.tanggal_lahir, nama_ibu: data.nama_ibu, has_nik: !!nik,
            nik_masked: nik ? nik.slice(0, 4) + "********" + nik.slice(12) : "", status: "aktif",
            _pending: true, _change: stored.id }));
        }).then(function () {
          return checkIn(sesi, { id: id, nama: data.nama });
        });
      } },
        errors,
        field(t("Name *"), f.nama),
        h("fieldset", { class: "inline" }, h("legend", {}, t("Sex *")),
          h("label", { class: "choice", for: "jk-l" }, sexL, " ", t("male")),
          h("label", { class: "choice", for: "jk-p" }, sexP, " ", t("female"))),
        field(t("Date of birth *"), f.tanggal_lahir),
        field(t("NIK"), f.nik, t("Leave empty for a baby without NIK yet.")),
        field(t("Mother's name"), f.nama_ibu),
        field(t("Consent given by *"), f.persetujuan_oleh),
        h("button", { class: "btn", type: "submit" }, t("Save and check in")));
      return show(h("p", { class: "breadcrumb" }, h("a", { href: "#/sesi/" + sesi.id }, t("Back to the day"))),
        h("h1", {}, t("Register someone new")), form);
    });
  }

  /* ---------- #/kunjungan/<id>: measure, instant result, services, doses, referral ---------- */
  var VALUE_FIELDS = {
    child: ["berat_kg", "tinggi_cm", "cara_ukur", "lingkar_kepala_cm", "lila_cm"],
    maternal: ["berat_kg", "lila_cm", "sistole", "diastole", "tinggi_cm"],
    other: ["berat_kg", "tinggi_cm", "lingkar_perut_cm", "sistole", "diastole"],
  };
  var LABELS = {
    berat_kg: "Weight (kg)", tinggi_cm: "Length/height (cm)", lingkar_kepala_cm: "Head circumference (cm)",
    lila_cm: "Upper arm circumference, LiLA (cm)", lingkar_perut_cm: "Waist (cm)",
    sistole: "Systolic (mmHg)", diastole: "Diastolic (mmHg)",
  };

  function evaluate(person, tanggal, values, history) {
    if (!engine || !person.tanggal_lahir) return null;
    try {
      var input = Object.assign({ person: { jenis_kelamin: person.jenis_kelamin, tanggal_lahir: person.tanggal_lahir },
        tanggal: tanggal, previous: history.filter(function (m) { return !m.voided; }).map(function (m, i) {
          return { tanggal: m.tanggal, berat_kg: m.berat_kg, tinggi_cm: m.tinggi_cm, cara_ukur: m.cara_ukur || "",
            status_bb: m.status_bb || "", voided: false, seq: i };
        }) }, values);
      return engine.evaluate(input);
    } catch (error) {
      return { error: String(error && error.message || error) };
    }
  }

  function resultBox(result) {
    if (!result) return h("p", { class: "muted" }, engine ? "" : t("The instant result is not available on this phone yet (open the app once online)."));
    if (result.error) return h("p", { class: "error" }, result.error);
    var v = engine.view(result, CFG.lang);
    var parts = [h("h3", {}, t("Result"))];
    if (result.status_bb) {
      parts.push(h("p", { class: "nt nt-" + result.status_bb, "data-nt": result.status_bb },
        t("Weight gain: {status}", { status: result.status_bb }) +
        (result.kbm_g ? " · " + t("KBM {g} g", { g: result.kbm_g }) : "") +
        (result.gain_g !== null && result.gain_g !== undefined ? " · " + t("gain {g} g", { g: result.gain_g }) : "")));
    }
    if (result.is_2t) parts.push(h("p", { class: "alert bad", "data-2t": "1" }, t("2T: weight did not rise twice in a row.")));
    if (v.rows && v.rows.length) {
      parts.push(h("ul", { class: "zlist" }, v.rows.map(function (r) {
        return h("li", { "data-index": r.code || r.index }, h("span", {}, r.index), " ",
          h("span", { class: r.flagged ? "z-bad" : "z-ok", "data-z": r.z === null ? "" : String(r.z) },
            r.z === null || r.z === undefined ? "–" : fmt(r.z)), " ", h("span", {}, r.label || ""));
      })));
    }
    if (v.cek_ulang && v.cek_ulang.length) {
      parts.push(h("ul", { class: "warning" }, [h("li", {}, t("Measure again:"))].concat(
        v.cek_ulang.map(function (c) { return h("li", {}, c); }))));
    }
    if (v.tanda_bahaya && v.tanda_bahaya.length) {
      parts.push(h("p", { class: "alert bad" }, t("Danger signs: {list}", { list: v.tanda_bahaya.join(", ") })));
    }
    if (v.referral && v.referral.length) {
      parts.push(h("p", { class: "alert bad", "data-referral": v.referral_codes || "" },
        t("Referral suggested: {list}", { list: v.referral.map(function (r) { return r[1]; }).join("; ") })));
    }
    return h("div", { class: "result", id: "result" }, parts);
  }

  function visitPage(visitId) {
    return db.get("checkins", visitId).then(function (visit) {
      if (!visit) return notFound();
      return Promise.all([db.get("sesi", visit.sesi_id), db.get("people", visit.sasaran_id),
        measurementsOf(visit.sasaran_id), db.byIndex("entries", "sasaran_id", visit.sasaran_id),
        db.meta("services_catalog"), db.meta("education_catalog"), db.meta("vaccines_catalog"),
        db.meta("due"), db.meta("referral_reasons"), db.meta("screenings_catalog")]).then(function (v) {
        var sesi = v[0] || { tanggal: today() };
        var person = v[1];
        if (!person) return notFound();
        var history = v[2];
        var entries = v[3];
        var group = stageOf(person, sesi.tanggal);
        var today_ = history.filter(function (m) { return m.kunjungan_id === visit.id || m.tanggal === sesi.tanggal; });
        var earlier = history.filter(function (m) { return today_.indexOf(m) < 0; });
        return show(
          h("p", { class: "breadcrumb" }, h("a", { href: "#/sesi/" + visit.sesi_id }, t("Back to the day"))),
          h("h1", {}, person.nama),
          h("p", { class: "muted" }, [person.jenis_kelamin === "P" ? t("female") : t("male"),
            ageText(person.tanggal_lahir, sesi.tanggal), person.nama_ibu ? t("mother: {name}", { name: person.nama_ibu }) : "",
            person.has_nik ? "" : t("no NIK yet")].filter(Boolean).join(" · "), " ",
            h("a", { href: "#/ubah/" + visit.id }, t("Edit person"))),
          measureCard(visit, sesi, person, group, earlier, today_),
          servicesCard(visit, sesi, person, entries, v[4], v[5]),
          doseCard(visit, sesi, person, entries, v[6], (v[7] || []).filter(function (d) { return d.sasaran_id === person.id; })),
          screeningCard(visit, sesi, person, entries, v[9]),
          referralCard(visit, sesi, person, entries, today_, earlier, v[8])
        );
      });
    });
  }

  function measureCard(visit, sesi, person, group, earlier, todays) {
    var inputs = {};
    var rows = [];
    var resultSlot = h("div", { id: "result-slot" });
    VALUE_FIELDS[group].forEach(function (name) {
      if (name === "cara_ukur") {
        var lying = (months(person.tanggal_lahir, sesi.tanggal) || 0) < 24;
        var a = h("input", { type: "radio", name: "cara_ukur", value: "terlentang", id: "cu-t", checked: lying });
        var b = h("input", { type: "radio", name: "cara_ukur", value: "berdiri", id: "cu-b", checked: !lying });
        inputs.cara_ukur = { get value() { return a.checked ? "terlentang" : b.checked ? "berdiri" : ""; } };
        rows.push(h("fieldset", { class: "inline" }, h("legend", {}, t("Measured")),
          h("label", { class: "choice", for: "cu-t" }, a, " ", t("lying (length)")),
          h("label", { class: "choice", for: "cu-b" }, b, " ", t("standing (height)"))));
        return;
      }
      inputs[name] = decimalInput(name, "");
      rows.push(field(t(LABELS[name]), inputs[name]));
    });
    var errors = h("ul", { class: "errorlist" });
    function values() {
      var out = {};
      Object.keys(inputs).forEach(function (k) { out[k] = inputs[k].value; });
      return out;
    }
    function numbers() {
      var out = {};
      var bad = [];
      Object.keys(inputs).forEach(function (k) {
        if (k === "cara_ukur") { out[k] = inputs[k].value; return; }
        var n = parse(inputs[k].value);
        if (Number.isNaN(n)) bad.push(t("{field}: not a number.", { field: t(LABELS[k]) }));
        out[k] = n;
      });
      return { values: out, bad: bad };
    }
    function preview() {
      form.setAttribute("data-dirty", "1");
      var n = numbers();
      var any = Object.keys(n.values).some(function (k) { return k !== "cara_ukur" && n.values[k] !== null; });
      resultSlot.replaceChildren(any && !n.bad.length ? resultBox(evaluate(person, sesi.tanggal, values(), earlier.concat(todays))) : h("span"));
    }
    var form = h("form", { class: "stack", novalidate: true, oninput: preview, onchange: preview, onsubmit: function (e) {
      e.preventDefault();
      var n = numbers();
      var problems = n.bad.slice();
      var any = Object.keys(n.values).some(function (k) { return k !== "cara_ukur" && n.values[k] !== null; });
      if (!any) problems.push(t("Enter at least one value."));
      if (engine && !problems.length && engine.hardLimitErrors) {
        var limits = engine.hardLimitErrors(values(), months(person.tanggal_lahir, sesi.tanggal), person.jenis_kelamin, CFG.lang) || {};
        Object.keys(limits).forEach(function (k) { problems.push(limits[k]); });
      }
      errors.replaceChildren.apply(errors, problems.map(function (p) { return h("li", {}, p); }));
      if (problems.length) return;
      var result = evaluate(person, sesi.tanggal, values(), earlier.concat(todays));
      var device = result && !result.error ? result : null;
      var id = db.uuid();
      var data = Object.assign({ kunjungan: visit.id, sesi: visit.sesi_id, sasaran: person.id, tanggal: sesi.tanggal },
        n.values, { device_result: device });
      if (todays.filter(function (m) { return !m.voided; }).length) data.same_day = "tambah";
      enqueue({ kind: "pengukuran.create", record: id, base_version: null, data: data,
        label: t("Measurement of {name}", { name: person.nama }) }, function (s, stored) {
        return db.request(s.measurements.put(Object.assign({ id: id, version: null, sasaran_id: person.id,
          kunjungan_id: visit.id, tanggal: sesi.tanggal, voided: false, _pending: true, _change: stored.id,
          _seq: stored.seq }, n.values, device || {})));
      }).then(function () {
        form.removeAttribute("data-dirty");
        route().then(function () { say(t("Measurement saved on this phone."), "ok"); });
      });
    } }, errors, rows, resultSlot, h("button", { class: "btn", type: "submit" }, t("Save measurement")));
    var list = todays.length ? h("ul", { class: "measurements" }, todays.map(function (m) {
      return measurementItem(m, person);
    })) : null;
    return h("section", { class: "card" }, h("h2", {}, t("Steps 2-3: weighing and measuring")), list, form);
  }

  function measurementItem(m, person) {
    var text = ["berat_kg", "tinggi_cm", "lingkar_kepala_cm", "lila_cm", "lingkar_perut_cm", "sistole", "diastole"]
      .filter(function (k) { return m[k] !== null && m[k] !== undefined && m[k] !== ""; })
      .map(function (k) { return t(LABELS[k]) + " " + fmt(m[k]); }).join(" · ");
    var li = h("li", { "data-measurement": m.id, class: m.voided ? "voided" : "" },
      h("span", {}, text, m.status_bb ? " · " + m.status_bb : "", m.zwei !== null && m.zwei !== undefined ? " · BB/U " + fmt(m.zwei) : ""),
      m.voided ? h("span", { class: "badge" }, t("voided")) : null,
      m._pending ? h("span", { class: "badge warn" }, t("not sent yet")) : null);
    if (!m.voided) {
      li.appendChild(h("button", { type: "button", class: "link", onclick: function () {
        var fields = {};
        var reason = textInput("reason", "", { required: true });
        var err = h("p", { class: "error" });
        var names = ["berat_kg", "tinggi_cm", "lingkar_kepala_cm", "lila_cm", "lingkar_perut_cm", "sistole", "diastole"]
          .filter(function (k) { return m[k] !== null && m[k] !== undefined && m[k] !== ""; });
        var f = h("form", { class: "stack", onsubmit: function (e) {
          e.preventDefault();
          var changed = {};
          var bad = false;
          names.forEach(function (k) {
            var n = parse(fields[k].value);
            if (Number.isNaN(n)) bad = true;
            else if (n !== Number(m[k])) changed[k] = n;
          });
          if (bad) { err.textContent = t("{field}: not a number.", { field: "" }); return; }
          if (!reason.value.trim()) { err.textContent = t("Give a reason."); return; }
          if (!Object.keys(changed).length) { err.textContent = t("Nothing changed."); return; }
          enqueue(Object.assign({ kind: "record.correct", record: m.id,
            data: { model: "pengukuran", fields: changed, reason: reason.value.trim() },
            label: t("Correct a measurement of {name}", { name: person.nama }) }, baseOf(m)), function (s) {
            return db.request(s.measurements.get(m.id)).then(function (row) {
              return db.request(s.measurements.put(Object.assign(row, changed)));
            });
          }).then(function () { route().then(function () { say(t("Corrected on this phone."), "ok"); }); });
        } }, err, names.map(function (k) {
          fields[k] = decimalInput(k, fmt(m[k]));
          return field(t(LABELS[k]), fields[k]);
        }), field(t("Reason for the correction"), reason), h("button", { class: "btn small", type: "submit" }, t("Correct it")));
        li.appendChild(f);
      } }, t("Correct it")));
      li.appendChild(h("button", { type: "button", class: "link", onclick: function () {
        var reason = textInput("reason", "", { required: true });
        var err = h("p", { class: "error" });
        var f = h("form", { class: "stack", onsubmit: function (e) {
          e.preventDefault();
          if (!reason.value.trim()) { err.textContent = t("Give a reason."); return; }
          enqueue(Object.assign({ kind: "record.void", record: m.id, data: { model: "pengukuran", reason: reason.value.trim() },
            label: t("Void a measurement of {name}", { name: person.nama }) }, baseOf(m)), function (s) {
            return db.request(s.measurements.get(m.id)).then(function (row) {
              row.voided = true;
              row.void_reason = reason.value.trim();
              return db.request(s.measurements.put(row));
            });
          }).then(function () { route().then(function () { say(t("Voided on this phone."), "ok"); }); });
        } }, err, field(t("Reason for voiding"), reason), h("button", { class: "btn small", type: "submit" }, t("Void")));
        li.appendChild(f);
        reason.focus();
      } }, t("Void")));
    }
    return li;
  }

  /* The package's catalog (what this Posyandu used) and the usual list, without repeats. */
  function catalogOf(rows, fallback) {
    var out = (rows || []).slice();
    (fallback || []).forEach(function (x) {
      if (!out.some(function (r) { return r.kode === x; })) out.push({ kode: x, label: x });
    });
    return out;
  }

  function servicesCard(visit, sesi, person, entries, services, topics) {
    var given = entries.filter(function (e) { return (e.type === "layanan" || e.type === "penyuluhan") && e.kunjungan_id === visit.id && !e.voided; });
    var svc = catalogOf(services, CFG.services);
    var tpc = catalogOf(topics, CFG.topics);
    var svcSelect = h("select", { name: "jenis" }, svc.map(function (s) { return h("option", { value: s.kode }, s.label); }));
    var tpcSelect = h("select", { name: "topik" }, tpc.map(function (s) { return h("option", { value: s.kode }, s.label); }));
    var note = textInput("keterangan", "");
    function add(kind, type, data, label) {
      var id = db.uuid();
      return enqueue({ kind: kind, record: id, base_version: null, data: data, label: label }, function (s, stored) {
        return db.request(s.entries.put(Object.assign({ id: id, type: type, sasaran_id: person.id, kunjungan_id: visit.id,
          tanggal: sesi.tanggal, version: null, _pending: true, _change: stored.id }, data)));
      }).then(function () { route().then(function () { say(t("Saved on this phone."), "ok"); }); });
    }
    return h("section", { class: "card" }, h("h2", {}, t("Steps 4-5: services and education")),
      given.length ? h("ul", {}, given.map(function (e) {
        return h("li", {}, e.type === "layanan" ? e.jenis + (e.keterangan ? " (" + e.keterangan + ")" : "") : t("Education: {topic}", { topic: e.topik }),
          e._pending ? h("span", { class: "badge warn" }, t("not sent yet")) : null);
      })) : null,
      h("form", { class: "stack", onsubmit: function (e) {
        e.preventDefault();
        add("layanan.create", "layanan", { kunjungan: visit.id, jenis: svcSelect.value, keterangan: note.value.trim() },
          t("Service for {name}", { name: person.nama }));
      } }, field(t("Service given"), svcSelect), field(t("Note"), note), h("button", { class: "btn small", type: "submit" }, t("Add service"))),
      h("form", { class: "stack", onsubmit: function (e) {
        e.preventDefault();
        add("penyuluhan.create", "penyuluhan", { kunjungan: visit.id, topik: tpcSelect.value },
          t("Education for {name}", { name: person.nama }));
      } }, field(t("Education topic"), tpcSelect), h("button", { class: "btn small", type: "submit" }, t("Add education"))));
  }

  function doseCard(visit, sesi, person, entries, vaccines, due) {
    var doses = entries.filter(function (e) { return e.type === "imunisasi" && !e.voided; });
    var options = due.map(function (d) { return { kode: d.vaksin, label: (d.label || d.vaksin) + " · " + t("due") }; })
      .concat(catalogOf(vaccines, []).filter(function (c) {
        return !due.some(function (d) { return d.vaksin === c.kode; });
      }));
    if (!options.length && !doses.length) return null;
    var select = h("select", { name: "vaksin" }, options.map(function (o) { return h("option", { value: o.kode }, o.label); }));
    return h("section", { class: "card" }, h("h2", {}, t("Immunization")),
      doses.length ? h("ul", {}, doses.map(function (d) {
        return h("li", {}, d.vaksin + " · " + d.tanggal, d._pending ? h("span", { class: "badge warn" }, t("not sent yet")) : null);
      })) : null,
      options.length ? h("form", { class: "stack", onsubmit: function (e) {
        e.preventDefault();
        var id = db.uuid();
        var data = { sasaran: person.id, vaksin: select.value, tanggal: sesi.tanggal, kunjungan: visit.id, diberikan_di_sini: true };
        enqueue({ kind: "imunisasi.create", record: id, base_version: null, data: data,
          label: t("Dose {dose} for {name}", { dose: select.value, name: person.nama }) }, function (s, stored) {
          return db.request(s.entries.put({ id: id, type: "imunisasi", sasaran_id: person.id, kunjungan_id: visit.id,
            vaksin: data.vaksin, tanggal: data.tanggal, version: null, _pending: true, _change: stored.id }));
        }).then(function () { route().then(function () { say(t("Dose saved on this phone."), "ok"); }); });
      } }, field(t("Dose given"), select), h("button", { class: "btn small", type: "submit" }, t("Save dose"))) : null);
  }

  function referralCard(visit, sesi, person, entries, todays, earlier, reasons) {
    var sent = entries.filter(function (e) { return e.type === "rujukan" && e.tanggal === sesi.tanggal && !e.voided; });
    var last = todays.filter(function (m) { return !m.voided; }).slice(-1)[0];
    var suggested = last && last.rujukan_disarankan ? last.rujukan_disarankan : [];
    var reason = h("textarea", { name: "alasan", rows: "2" });
    if (suggested.length && engine) {
      var vw = engine.view(last, CFG.lang);
      reason.value = (vw.referral || []).map(function (r) { return r[1]; }).join("; ");
    }
    return h("section", { class: "card" }, h("h2", {}, t("Referral")),
      sent.length ? h("ul", {}, sent.map(function (r) {
        return h("li", {}, t("Referral: {reason}", { reason: r.alasan }), r._pending ? h("span", { class: "badge warn" }, t("not sent yet")) : null);
      })) : null,
      suggested.length ? h("p", { class: "alert bad" }, t("Referral suggested by the result.")) : null,
      h("form", { class: "stack", onsubmit: function (e) {
        e.preventDefault();
        if (!reason.value.trim()) { say(t("Give a reason."), "bad"); return; }
        var id = db.uuid();
        var data = { sasaran: person.id, alasan: reason.value.trim(), tanggal: sesi.tanggal, aturan: suggested };
        enqueue({ kind: "rujukan.create", record: id, base_version: null, data: data,
          label: t("Referral of {name}", { name: person.nama }) }, function (s, stored) {
          return db.request(s.entries.put(Object.assign({ id: id, type: "rujukan", sasaran_id: person.id,
            kunjungan_id: visit.id, version: null, _pending: true, _change: stored.id }, data)));
        }).then(function () { route().then(function () { say(t("Referral saved on this phone."), "ok"); }); });
      } }, field(t("Reason for referral"), reason), h("button", { class: "btn small", type: "submit" }, t("Create referral"))));
  }

  /* Screenings are data (skrining/definitions): the form is drawn from the definition; the
   * server computes the category when the change arrives. */
  function label(x) {
    if (!x) return "";
    if (typeof x === "string") return x;
    return x[CFG.lang] || x.id || x.en || "";
  }
  function screeningsFor(catalog, person, tanggal, stage) {
    var age = months(person.tanggal_lahir, tanggal);
    var month = Number(tanggal.slice(5, 7));
    return (catalog || []).filter(function (d) {
      var pop = d.population || {};
      if (pop.min_age_months !== undefined && (age === null || age < pop.min_age_months)) return false;
      if (pop.max_age_months !== undefined && (age === null || age > pop.max_age_months)) return false;
      if (pop.sex && pop.sex !== person.jenis_kelamin) return false;
      if (pop.exclude_stages && pop.exclude_stages.indexOf(person.life_stage || stage) >= 0) return false;
      if (pop.months_of_year && pop.months_of_year.indexOf(month) < 0) return false;
      return (d.inputs || []).length > 0;
    });
  }

  function screeningCard(visit, sesi, person, entries, catalog) {
    var defs = screeningsFor(catalog, person, sesi.tanggal, stageOf(person, sesi.tanggal));
    var done = entries.filter(function (e) { return e.type === "skrining" && e.kunjungan_id === visit.id && !e.voided; });
    if (!defs.length && !done.length) return null;
    var slot = h("div");
    var select = h("select", { name: "definition" }, [h("option", { value: "" }, "—")].concat(defs.map(function (d) {
      return h("option", { value: d.id }, label(d.title));
    })));
    select.addEventListener("change", function () {
      var d = defs.filter(function (x) { return x.id === select.value; })[0];
      slot.replaceChildren(d ? screeningForm(visit, sesi, person, d) : h("span"));
    });
    return h("section", { class: "card" }, h("h2", {}, t("Screening")),
      done.length ? h("ul", {}, done.map(function (e) {
        var d = (catalog || []).filter(function (x) { return x.id === (e.definition || e.definisi); })[0];
        return h("li", {}, d ? label(d.title) : (e.definition || e.definisi), e.kategori ? " · " + e.kategori : "",
          e._pending ? h("span", { class: "badge warn" }, t("not sent yet")) : null);
      })) : null,
      defs.length ? field(t("Screening to record"), select) : null, slot);
  }

  function screeningForm(visit, sesi, person, d) {
    var inputs = {};
    var errors = h("ul", { class: "errorlist" });
    var rows = d.inputs.map(function (item) {
      var name = "s-" + item.key;
      var text = label(item.label) + (item.unit ? " (" + item.unit + ")" : "");
      if (item.type === "boolean") {
        inputs[item.key] = h("input", { type: "checkbox", name: name, id: name });
        return h("label", { class: "choice", for: name }, inputs[item.key], " ", text);
      }
      if (item.type === "choice") {
        inputs[item.key] = h("select", { name: name }, [h("option", { value: "" }, "—")].concat(
          item.options.map(function (o) { return h("option", { value: String(o.value) }, label(o.label)); })));
        return field(text, inputs[item.key]);
      }
      inputs[item.key] = decimalInput(name, "");
      return field(text, inputs[item.key]);
    });
    return h("form", { class: "stack", novalidate: true, onsubmit: function (e) {
      e.preventDefault();
      var answers = {};
      var problems = [];
      d.inputs.forEach(function (item) {
        var el = inputs[item.key];
        var value = item.type === "boolean" ? el.checked : el.value.trim();
        if (item.type === "number" || item.type === "integer") {
          var n = parse(value);
          if (Number.isNaN(n)) problems.push(t("{field}: not a number.", { field: label(item.label) }));
          value = value === "" ? null : n;
        }
        if (item.required && (value === null || value === "")) problems.push(t("{field}: required.", { field: label(item.label) }));
        answers[item.key] = value;
      });
      errors.replaceChildren.apply(errors, problems.map(function (p) { return h("li", {}, p); }));
      if (problems.length) return;
      var id = db.uuid();
      var data = { kunjungan: visit.id, sasaran: person.id, definition: d.id, version: d.version,
        answers: answers, tanggal: sesi.tanggal };
      enqueue({ kind: "skrining.create", record: id, base_version: null, data: data,
        label: t("Screening {title} for {name}", { title: label(d.title), name: person.nama }) }, function (s, stored) {
        return db.request(s.entries.put(Object.assign({ id: id, type: "skrining", sasaran_id: person.id,
          kunjungan_id: visit.id, version: null, _pending: true, _change: stored.id }, data)));
      }).then(function () { route().then(function () { say(t("Screening saved on this phone; the server gives the result when it is sent."), "ok"); }); });
    } }, errors, rows, h("button", { class: "btn small", type: "submit" }, t("Save screening")));
  }

  /* ---------- #/ubah/<kunjungan>: edit the person (an edit that may conflict) ---------- */
  function editPage(visitId) {
    return db.get("checkins", visitId).then(function (visit) {
      if (!visit) return notFound();
      return db.get("people", visit.sasaran_id).then(function (person) {
        if (!person) return notFound();
        var f = { nama: textInput("nama", person.nama), nama_ibu: textInput("nama_ibu", person.nama_ibu),
          tanggal_lahir: h("input", { type: "date", name: "tanggal_lahir", value: person.tanggal_lahir || "" }) };
        var form = h("form", { class: "stack card", onsubmit: function (e) {
          e.preventDefault();
          var changed = {};
          Object.keys(f).forEach(function (k) {
            var value = f[k].value.trim();
            if (value !== (person[k] || "")) changed[k] = value;
          });
          if (!Object.keys(changed).length) return go("#/kunjungan/" + visit.id);
          enqueue(Object.assign({ kind: "sasaran.update", record: person.id, data: changed,
            label: t("Edit {name}", { name: person.nama }) }, baseOf(person)), function (s) {
            return db.request(s.people.put(Object.assign({}, person, changed)));
          }).then(function () { say(t("Saved on this phone."), "ok"); go("#/kunjungan/" + visit.id); });
        } }, field(t("Name"), f.nama), field(t("Mother's name"), f.nama_ibu), field(t("Date of birth"), f.tanggal_lahir),
          h("button", { class: "btn", type: "submit" }, t("Save")));
        return show(h("p", { class: "breadcrumb" }, h("a", { href: "#/kunjungan/" + visit.id }, person.nama)),
          h("h1", {}, t("Edit person")), form);
      });
    });
  }

  /* ---------- #/ringkasan/<sesi>: S, K, D and the day in numbers ---------- */
  function summaryPage(sesiId) {
    return Promise.all([db.get("sesi", sesiId), db.all("people"), db.all("measurements"),
      db.byIndex("checkins", "sesi_id", sesiId), db.all("entries")]).then(function (v) {
      var sesi = v[0];
      if (!sesi) return notFound();
      var month = sesi.tanggal.slice(0, 7);
      var lastDay = new Date(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0);
      var endOfMonth = month + "-" + String(lastDay.getDate()).padStart(2, "0");
      var s = v[1].filter(function (p) {
        var m = months(p.tanggal_lahir, endOfMonth);
        return (!p.status || p.status === "aktif") && p.tanggal_lahir <= endOfMonth && m !== null && m < 60;
      });
      var inS = {};
      s.forEach(function (p) { inS[p.id] = true; });
      var k = s.filter(function (p) { return p.punya_buku_kia !== false; }).length;
      var weighed = {};
      var nt = { N: 0, T: 0, O: 0, B: 0 };
      v[2].forEach(function (m) {
        if (m.voided || m.berat_kg === null || m.berat_kg === undefined || (m.tanggal || "").slice(0, 7) !== month) return;
        if (inS[m.sasaran_id]) weighed[m.sasaran_id] = m;
      });
      Object.keys(weighed).forEach(function (id) { var st = weighed[id].status_bb; if (nt[st] !== undefined) nt[st] += 1; });
      var visits = v[3].filter(function (c) { return !c.voided; });
      var referrals = v[4].filter(function (e) { return e.type === "rujukan" && e.tanggal === sesi.tanggal; });
      var doses = v[4].filter(function (e) { return e.type === "imunisasi" && e.tanggal === sesi.tanggal; });
      function row(label, value, key) { return [h("dt", {}, label), h("dd", { "data-key": key }, String(value))]; }
      return show(h("p", { class: "breadcrumb" }, h("a", { href: "#/sesi/" + sesi.id }, t("Back to the day"))),
        h("h1", {}, t("Summary of {date}", { date: sesi.tanggal })),
        h("dl", { class: "facts card", id: "summary" },
          row(t("S: children under five"), s.length, "S"), row(t("K: with a KMS / KIA book"), k, "K"),
          row(t("D: weighed this month"), Object.keys(weighed).length, "D"),
          row(t("N / T / O / B"), nt.N + " / " + nt.T + " / " + nt.O + " / " + nt.B, "NTOB"),
          row(t("Came today"), visits.length, "came"), row(t("Doses given"), doses.length, "doses"),
          row(t("Referrals"), referrals.length, "referrals")),
        h("p", { class: "muted" }, t("Counted on this phone, including what is not sent yet.")));
    });
  }

  /* ---------- #/kirim: the outbox, the changes to fix, the conflicts ---------- */
  function outboxPage() {
    return Promise.all([db.outbox(), db.all("problems"), db.status()]).then(function (v) {
      var waiting = v[0];
      var problems = v[1];
      var rejected = problems.filter(function (p) { return p.status === "rejected"; });
      var conflicts = problems.filter(function (p) { return p.status === "conflict"; });
      return show(
        h("h1", {}, t("Sending")),
        h("p", {}, t("Waiting to send: {n}", { n: waiting.length }), " · ",
          t("Last sync: {time}", { time: timeText(v[2].last_sync_at) })),
        h("p", {}, h("button", { type: "button", class: "btn", disabled: !navigator.onLine, onclick: function () { syncNow(true); } }, t("Sync now")),
          " ", h("button", { type: "button", class: "btn", onclick: exportOutbox }, t("Save to a file"))),
        h("section", { class: "card" }, h("h2", {}, t("To fix ({n})", { n: rejected.length })),
          rejected.length ? h("ul", { class: "problems", id: "rejected" }, rejected.map(problemItem)) :
            h("p", { class: "muted" }, t("Nothing to fix."))),
        h("section", { class: "card" }, h("h2", {}, t("Waiting for the bidan ({n})", { n: conflicts.length })),
          conflicts.length ? h("ul", { class: "problems", id: "conflicts" }, conflicts.map(function (p) {
            return h("li", { "data-change": p.id }, h("strong", {}, p.label || p.kind), h("br"),
              t("Someone else changed this record first. Nothing is lost: the bidan sees both versions and decides."),
              p.reason ? h("p", { class: "muted" }, p.reason) : null,
              h("button", { type: "button", class: "link", onclick: function () {
                db.tx("problems", "readwrite", function (s) { return db.request(s.problems.delete(p.id)); }).then(route).then(refreshStatus);
              } }, t("Hide on this phone")));
          })) : h("p", { class: "muted" }, t("No conflict."))),
        h("section", { class: "card" }, h("h2", {}, t("Waiting to send")),
          h("ol", { id: "waiting" }, waiting.map(function (c) {
            return h("li", { "data-change": c.id }, (c.label || c.kind) + " · " + timeText(c.at));
          })))
      );
    });
  }

  function problemItem(p) {
    var li = h("li", { "data-change": p.id }, h("strong", {}, p.label || p.kind), h("br"),
      h("span", { class: "error" }, p.reason || t("Rejected by the server.")));
    if (p.errors) {
      li.appendChild(h("ul", { class: "errorlist" }, Object.keys(p.errors).map(function (k) {
        return h("li", {}, k + ": " + [].concat(p.errors[k]).join(" "));
      })));
    }
    if (p.duplicates && p.duplicates.length) {
      li.appendChild(h("p", {}, t("Maybe the same person as:"), " ",
        p.duplicates.map(function (d) { return d.nama + " (" + (d.tanggal_lahir || "") + ")"; }).join(", ")));
      li.appendChild(h("button", { type: "button", class: "btn small", onclick: function () {
        resend(p, Object.assign({}, p.data, { not_a_duplicate: true }));
      } }, t("Not the same person: send again")));
    }
    li.appendChild(h("button", { type: "button", class: "btn small", onclick: function () { fixForm(li, p); } }, t("Fix and send again")));
    li.appendChild(h("button", { type: "button", class: "link", onclick: function () {
      if (!window.confirm(t("Discard this change for good? It will not be sent."))) return;
      db.tx("problems", "readwrite", function (s) { return db.request(s.problems.delete(p.id)); }).then(function () {
        route().then(function () { say(t("Discarded."), "ok"); });
        refreshStatus();
      });
    } }, t("Discard")));
    return li;
  }

  function fixForm(li, p) {
    var inputs = {};
    var scalar = Object.keys(p.data || {}).filter(function (k) {
      var v = p.data[k];
      return k !== "device_result" && (v === null || typeof v !== "object");
    });
    var form = h("form", { class: "stack", onsubmit: function (e) {
      e.preventDefault();
      var data = Object.assign({}, p.data);
      scalar.forEach(function (k) {
        var value = inputs[k].value;
        data[k] = typeof p.data[k] === "number" ? (parse(value) === null ? null : parse(value)) : value;
      });
      resend(p, data);
    } }, scalar.map(function (k) {
      inputs[k] = textInput(k, p.data[k] === null || p.data[k] === undefined ? "" : String(p.data[k]));
      return field(k, inputs[k]);
    }), h("button", { class: "btn small", type: "submit" }, t("Send again")));
    li.appendChild(form);
  }

  /* A fix goes out as a NEW change (new id); the rejected one leaves the list. */
  function resend(p, data) {
    return db.tx(["problems"], "readwrite", function (s) { return db.request(s.problems.delete(p.id)); })
      .then(function () {
        return enqueue({ kind: p.kind, record: p.record, base_version: p.base_version, data: data, label: p.label });
      })
      .then(function () { route().then(function () { say(t("Saved on this phone; it will be sent again."), "ok"); }); });
  }

  function exportOutbox() {
    return Promise.all([db.outbox(), db.all("problems"), db.deviceId(), db.meta("user")]).then(function (v) {
      var blob = new Blob([JSON.stringify({ format: 1, device_id: v[2], user: v[3] || null,
        exported_at: new Date().toISOString(), changes: v[0], problems: v[1] }, null, 1)], { type: "application/json" });
      var a = h("a", { href: URL.createObjectURL(blob), download: "posyandu-kiriman-" + today() + ".json" });
      document.body.appendChild(a);
      a.click();
      a.remove();
      return db.setMeta("exported_at", new Date().toISOString());
    });
  }
  L.exportOutbox = exportOutbox;

  function notFound() {
    return show(h("h1", {}, t("Not on this phone")), h("p", {}, t("This page is not in the data on this phone.")),
      h("a", { href: "#/" }, t("Back")));
  }

  /* ---------- routing and start ---------- */
  var ROUTES = [
    [/^#\/sesi\/([\w-]+)$/, dayPage], [/^#\/baru\/([\w-]+)$/, newPersonPage],
    [/^#\/kunjungan\/([\w-]+)$/, visitPage], [/^#\/ubah\/([\w-]+)$/, editPage],
    [/^#\/ringkasan\/([\w-]+)$/, summaryPage], [/^#\/kirim$/, outboxPage],
  ];
  var routing = Promise.resolve();
  function route() {
    routing = routing.then(function () {
      var hash = location.hash || "#/";
      for (var i = 0; i < ROUTES.length; i += 1) {
        var m = hash.match(ROUTES[i][0]);
        if (m) return ROUTES[i][1](m[1]);
      }
      return homePage();
    }).catch(function (error) {
      say(String(error && error.message || error), "bad");
    }).then(function () {
      document.body.setAttribute("data-ready", "1");
    });
    return routing;
  }

  function whoIsSignedIn() {
    if (!navigator.onLine) return Promise.resolve(null);
    return fetch(CFG.urls.saya, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        var json = (r.headers.get("Content-Type") || "").indexOf("json") >= 0;
        if (!r.ok || r.redirected || !json) { state.signedIn = false; return null; }
        state.signedIn = true;
        return r.json();
      }, function () { return null; });
  }

  /* The device holds one user's data: another user's data is cleared (only when nothing of
   * theirs waits to be sent). */
  function adopt(me) {
    if (!me) return Promise.resolve(true);
    return Promise.all([db.meta("user"), db.status()]).then(function (v) {
      var before = v[0];
      if (before && before.username && before.username !== me.username) {
        if (v[1].waiting || v[1].rejected) {
          show(h("h1", {}, t("Changes of another user wait on this phone")),
            h("p", { class: "alert bad" }, t("{user} has changes not sent yet. Sign in as {user} to send them, or save them to a file.", { user: before.username })),
            h("button", { class: "btn", type: "button", onclick: exportOutbox }, t("Save to a file")));
          return false;
        }
        return db.clearData().then(function () { state.posyandu = null; return true; });
      }
      return true;
    }).then(function (ok) {
      if (!ok) return false;
      var places = me.posyandu || [];
      var current = state.posyandu && places.filter(function (p) { return p.id === state.posyandu.id; })[0];
      var chosen = current || places[0];
      return db.setMeta("user", { username: me.username, name: me.name }).then(function () {
        if (!chosen) return true;
        if (!current) state.posyandu = chosen;
        return db.setMeta("posyandu", Object.assign({}, state.posyandu || {}, chosen)).then(function () { return true; });
      });
    });
  }

  function expire() {
    return Promise.all([db.status(), db.meta("clock_offset")]).then(function (v) {
      var s = v[0];
      // the server's clock (as measured at the last download) decides, not the phone's
      if (!s.expires_at || Date.parse(s.expires_at) > Date.now() + (v[1] || 0)) return null;
      return db.clearData().then(function () {
        state.posyandu = null;
        say(t("The data on this phone has expired. Connect to download it again."), "warn");
      });
    });
  }

  function loadEngine() {
    if (!window.GrowthEngine) return Promise.resolve();
    return window.GrowthEngine.load().then(function (e) { engine = e; }, function () { engine = null; });
  }

  function start() {
    window.addEventListener("hashchange", route);
    window.addEventListener("online", function () { refreshStatus(); syncNow(false); });
    window.addEventListener("offline", function () { refreshStatus(); });
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.addEventListener("message", function (e) {
        if (!e.data || e.data.type !== "luring-synced") return;
        refreshStatus();
        if (e.data.tally && e.data.tally.sent && !busy()) route();
      });
    }
    return db.deviceId()
      .then(function () { return sync.csrf(); })
      .then(expire)
      .then(loadMeta)
      .then(function () { return Promise.all([whoIsSignedIn(), loadEngine()]); })
      .then(function (v) { return adopt(v[0]); })
      .then(function (ok) {
        if (ok === false) { document.body.setAttribute("data-ready", "1"); return refreshStatus(); }
        return refreshStatus().then(route).then(function () {
          if (navigator.onLine && state.posyandu) return syncNow(false);
          return null;
        });
      });
  }

  L.app = { syncNow: syncNow, refreshStatus: refreshStatus, route: route, state: state };
  start();
})();
