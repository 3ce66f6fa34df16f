/* Posyandu ILP offline sync: download the package, send the outbox (docs/offline.md).
 * Classic script for a page and the service worker (Background Sync); defines self.Luring.sync.
 *
 * Sending: the outbox in seq order, in batches of at most 50; a change leaves the outbox only
 * when the server answered applied or duplicate (so an interrupted sync is simply resent and
 * the server answers duplicate); rejected and conflict answers move to `problems` with the
 * server's reason. One sync at a time per device (Web Locks across tabs and the worker).
 */
(function (root) {
  "use strict";
  var db = root.Luring.db;
  var request = db.request;
  var BATCH = 50;
  var URLS = { paket: "/api/v1/luring/paket", kirim: "/api/v1/luring/kirim" };

  /* Which local store holds the record a change creates or edits. */
  var STORE_OF_KIND = {
    "sesi.open": "sesi",
    "kunjungan.checkin": "checkins",
    "sasaran.create": "people",
    "sasaran.update": "people",
    "pengukuran.create": "measurements",
  };
  var STORE_OF_MODEL = { pengukuran: "measurements", kunjungan: "checkins" };
  function storeOf(change) {
    if (STORE_OF_KIND[change.kind]) return STORE_OF_KIND[change.kind];
    if (change.kind === "record.void" || change.kind === "record.correct") {
      return STORE_OF_MODEL[(change.data || {}).model] || "entries";
    }
    return "entries";
  }

  function SyncError(message, code, extra) {
    var e = new Error(message);
    e.code = code;
    e.extra = extra || {};
    return e;
  }

  function cookie(name) {
    if (typeof document === "undefined") return null;
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : null;
  }

  function csrf() {
    var fromCookie = cookie("csrftoken");
    if (fromCookie) {
      return db.setMeta("csrf", fromCookie).then(function () { return fromCookie; });
    }
    return db.meta("csrf");
  }

  function withLock(fn) {
    var locks = root.navigator && root.navigator.locks;
    if (locks && locks.request) return locks.request("posyandu-luring-sync", fn);
    return fn();
  }

  /* Replace every field equal to oldId by newId in the local data and the outbox (the
   * server answered with the id it already had: a session or check-in of that day). */
  function remapId(oldId, newId) {
    if (!oldId || !newId || oldId === newId) return Promise.resolve();
    var names = db.DATA_STORES.concat(["outbox"]);
    return db.tx(names, "readwrite", function (s) {
      return Promise.all(names.map(function (name) {
        return request(s[name].getAll()).then(function (rows) {
          return Promise.all(rows.map(function (row) {
            var changed = false;
            var swap = function (obj) {
              Object.keys(obj).forEach(function (k) {
                if (obj[k] === oldId) { obj[k] = newId; changed = true; }
              });
            };
            if (name === "outbox") {
              if (row.record === oldId) { row.record = newId; changed = true; }
              swap(row.data || {});
              return changed ? request(s.outbox.put(row)) : null;
            }
            if (row.id === oldId) {
              var moved = Object.assign({}, row, { id: newId });
              swap(moved);
              return request(s[name].delete(oldId)).then(function () {
                return request(s[name].put(moved));
              });
            }
            swap(row);
            return changed ? request(s[name].put(row)) : null;
          }));
        });
      }));
    });
  }

  /* An applied (or duplicate) answer: the change leaves the outbox; the local record takes
   * the server's version (and result), and is no longer pending. */
  function settle(change, result) {
    var store = storeOf(change);
    var id = result.record || change.record;
    return remapId(change.record, id).then(function () {
      return db.tx(["outbox", "meta", store], "readwrite", function (s) {
        return request(s.outbox.delete(change.id))
          .then(function () { return request(s[store].get(id)); })
          .then(function (row) {
            if (!row) return null;
            if (result.version !== null && result.version !== undefined) row.version = result.version;
            row._pending = false;
            if (change.kind === "record.void") row.voided = true;
            if (result.server_result) row.server_result = result.server_result;
            return request(s[store].put(row));
          });
      });
    });
  }

  /* Rejected or conflict: kept, with the server's words, for the kader (never dropped). */
  function park(change, result) {
    var problem = Object.assign({}, change, {
      status: result.status,
      reason: result.reason || "",
      errors: result.errors || null,
      duplicates: result.duplicates || null,
      conflict: result.conflict || null,
      answered_at: new Date().toISOString(),
    });
    return db.tx(["outbox", "problems", storeOf(change)], "readwrite", function (s) {
      return request(s.outbox.delete(change.id))
        .then(function () { return request(s.problems.put(problem)); })
        .then(function () { return request(s[storeOf(change)].get(change.record)); })
        .then(function (row) {
          if (!row) return null;
          row._problem = result.status;
          return request(s[storeOf(change)].put(row));
        });
    });
  }

  /* The next batch: seq order, at most 50, cut after a session opening (its id may be
   * mapped) and before a change whose base version comes from a create still waiting. */
  function nextBatch(pending) {
    var batch = [];
    var waitingIds = {};
    pending.forEach(function (c) { waitingIds[c.id] = true; });
    for (var i = 0; i < pending.length && batch.length < BATCH; i += 1) {
      var c = pending[i];
      if (c.base_from && waitingIds[c.base_from] && batch.length) break;
      batch.push(c);
      if (c.kind === "sesi.open" || c.kind === "kunjungan.checkin" || c.kind === "sasaran.create") {
        // ids of these may come back mapped: later changes naming them go in the next batch
        var later = pending.slice(i + 1, i + 1 + BATCH);
        var named = later.some(function (n) {
          return n.record === c.record || JSON.stringify(n.data || {}).indexOf(c.record) >= 0;
        });
        if (named && c.kind !== "sasaran.create") break;
      }
    }
    return batch;
  }

  /* Fill base_version of an edit made on a record created offline (known only now). */
  function resolveBase(batch) {
    return Promise.all(batch.map(function (c) {
      if (!c.base_from || c.base_version !== null) return c;
      return db.get(storeOf(c), c.record).then(function (row) {
        var out = Object.assign({}, c);
        out.base_version = row && row.version ? row.version : null;
        return out;
      });
    }));
  }

  function wire(c) {
    return { id: c.id, seq: c.seq, kind: c.kind, record: c.record, base_version: c.base_version,
      at: c.at, data: c.data };
  }

  function post(url, body, token) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token || "" },
      body: JSON.stringify(body),
    });
  }

  function failure(response) {
    return response.json().catch(function () { return {}; }).then(function (body) {
      var code = response.status === 401 ? "auth" : response.status === 429 ? "busy" :
        response.status === 403 && /csrf/i.test(body.detail || "") ? "auth" : "http";
      throw SyncError(body.detail || String(response.status), code, {
        status: response.status, retryAfter: response.headers.get("Retry-After"),
      });
    });
  }

  /* Send the whole outbox; resolves with {sent, applied, rejected, conflicts}. */
  function upload(options) {
    options = options || {};
    var urls = Object.assign({}, URLS, options.urls || {});
    var tally = { sent: 0, applied: 0, rejected: 0, conflicts: 0 };
    return withLock(function () {
      return Promise.all([db.deviceId(), csrf()]).then(function (v) {
        var device = v[0];
        var token = v[1];
        function round() {
          return db.outbox().then(function (pending) {
            if (!pending.length) return tally;
            return resolveBase(nextBatch(pending)).then(function (batch) {
              if (options.onBatch) options.onBatch(batch);
              return post(urls.kirim, { device_id: device, changes: batch.map(wire) }, token)
                .then(function (response) {
                  if (!response.ok) return failure(response);
                  return response.json();
                })
                .then(function (answer) {
                  var byId = {};
                  (answer.results || []).forEach(function (r) { byId[r.id] = r; });
                  var answered = 0;
                  return batch.reduce(function (chain, change) {
                    return chain.then(function () {
                      var r = byId[change.id];
                      if (!r) return null;
                      answered += 1;
                      tally.sent += 1;
                      if (r.status === "applied" || r.status === "duplicate") {
                        tally.applied += 1;
                        return settle(change, r);
                      }
                      if (r.status === "conflict") tally.conflicts += 1;
                      else tally.rejected += 1;
                      return park(change, r);
                    });
                  }, Promise.resolve()).then(function () {
                    return db.setMeta("last_sync_at", answer.server_time || new Date().toISOString());
                  }).then(function () {
                    if (!answered) throw SyncError("no answer for the batch", "http");
                    return round();
                  });
                });
            });
          });
        }
        return round();
      });
    });
  }

  var UPSERT = {
    people: "people", measurements: "measurements", sesi: "sesi", checkins: "checkins",
  };
  var ENTRY_TYPES = {
    doses: "imunisasi", services: "layanan", education: "penyuluhan", screenings: "skrining",
    referrals: "rujukan",
  };
  var KEEP_IN_META = [
    "posyandu", "user", "jadwal", "jadwal_aturan", "due", "tasks", "services_catalog",
    "education_catalog", "screenings_catalog", "vaccines_catalog", "danger_signs",
    "referral_reasons", "rules", "engine", "expires_at", "generated_at", "cursor",
    "offline_max_days",
  ];

  function normalise(store, row) {
    var r = Object.assign({}, row);
    if (store === "checkins" && r.sesi_id === undefined && r.sesi) r.sesi_id = r.sesi;
    if (store === "measurements" && r.sasaran_id === undefined && r.sasaran) r.sasaran_id = r.sasaran;
    return r;
  }

  /* Apply a package: a full one replaces the server's rows (local pending rows stay), a delta
   * upserts by id (higher version wins) and removes what was removed. */
  function applyPackage(pkg) {
    var names = db.DATA_STORES.concat(["meta"]);
    return db.tx(names, "readwrite", function (s) {
      var work = Promise.resolve();
      if (pkg.full) {
        db.DATA_STORES.forEach(function (store) {
          work = work.then(function () { return request(s[store].getAll()); }).then(function (rows) {
            return Promise.all(rows.filter(function (r) { return !r._pending; })
              .map(function (r) { return request(s[store].delete(r.id)); }));
          });
        });
      }
      function upsert(store, row) {
        return request(s[store].get(row.id)).then(function (old) {
          if (old && old._pending) return null;
          if (old && old.version && row.version && old.version > row.version) return null;
          return request(s[store].put(row));
        });
      }
      Object.keys(UPSERT).forEach(function (key) {
        (pkg[key] || []).forEach(function (row) {
          work = work.then(function () { return upsert(UPSERT[key], normalise(UPSERT[key], row)); });
        });
      });
      Object.keys(ENTRY_TYPES).forEach(function (key) {
        (pkg[key] || []).forEach(function (row) {
          work = work.then(function () {
            return upsert("entries", Object.assign({ type: ENTRY_TYPES[key] }, row));
          });
        });
      });
      var removed = pkg.removed || {};
      Object.keys(removed).forEach(function (key) {
        var store = UPSERT[key] || (ENTRY_TYPES[key] ? "entries" : null);
        if (!store) return;
        (removed[key] || []).forEach(function (id) {
          work = work.then(function () { return request(s[store].delete(id)); });
        });
      });
      KEEP_IN_META.forEach(function (key) {
        if (pkg[key] === undefined) return;
        work = work.then(function () { return request(s.meta.put({ k: key, v: pkg[key] })); });
      });
      if (pkg.generated_at) {
        // the phone's clock may be wrong: the day is the server's day (offset kept offline)
        work = work.then(function () {
          return request(s.meta.put({ k: "clock_offset", v: Date.parse(pkg.generated_at) - Date.now() }));
        });
      }
      return work.then(function () {
        var now = new Date().toISOString();
        return request(s.meta.put({ k: "downloaded_at", v: now })).then(function () {
          return request(s.meta.put({ k: "last_sync_at", v: pkg.generated_at || now }));
        });
      });
    });
  }

  /* Download the package of a Posyandu (a delta when a cursor of it is stored). */
  function download(posyanduId, options) {
    options = options || {};
    var urls = Object.assign({}, URLS, options.urls || {});
    return Promise.all([db.meta("cursor"), db.meta("posyandu"), db.deviceId(), db.meta("downloaded_at")]).then(function (v) {
      var cursor = v[1] && v[1].id === posyanduId && v[3] ? v[0] : null;
      var url = urls.paket + "?posyandu=" + encodeURIComponent(posyanduId) +
        "&perangkat=" + encodeURIComponent(v[2]) +
        (cursor ? "&sejak=" + encodeURIComponent(cursor) : "");
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) return failure(response);
          return response.json();
        })
        .then(function (pkg) { return applyPackage(pkg).then(function () { return pkg; }); });
    });
  }

  /* Send, then fetch what changed: the order keeps the device's own changes from being
   * overwritten by the package of before them. */
  function syncAll(posyanduId, options) {
    return upload(options).then(function (tally) {
      if (!posyanduId) return tally;
      return download(posyanduId, options).then(function () { return tally; });
    });
  }

  root.Luring.sync = {
    upload: upload, download: download, syncAll: syncAll, applyPackage: applyPackage,
    remapId: remapId, storeOf: storeOf, csrf: csrf, nextBatch: nextBatch,
  };
})(typeof self !== "undefined" ? self : this);
