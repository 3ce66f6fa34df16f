/* Posyandu ILP offline store: a tiny IndexedDB wrapper and the outbox (issue 12).
 * Classic script: works in a page and in the service worker (importScripts); defines
 * self.Luring.db. No dependency. Licence: the project's.
 *
 * Stores: meta {k, v} (device id, seq, cursor, user, posyandu, last sync, expiry, csrf),
 * people, measurements, sesi, checkins, entries (doses, services, education, screenings,
 * referrals: field `type`), outbox (the changes not yet answered applied/duplicate, by seq),
 * problems (changes the server rejected or answered with a conflict: never dropped silently).
 */
(function (root) {
  "use strict";
  var DB_NAME = "posyandu-luring";
  var DB_VERSION = 1;
  var STORES = {
    meta: { keyPath: "k" },
    people: { keyPath: "id" },
    measurements: { keyPath: "id", indexes: { sasaran_id: "sasaran_id" } },
    sesi: { keyPath: "id" },
    checkins: { keyPath: "id", indexes: { sesi_id: "sesi_id" } },
    entries: { keyPath: "id", indexes: { sasaran_id: "sasaran_id" } },
    outbox: { keyPath: "id", indexes: { seq: "seq" } },
    problems: { keyPath: "id" },
  };
  var DATA_STORES = ["people", "measurements", "sesi", "checkins", "entries"];

  function request(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  var opening = null;
  function open() {
    if (opening) return opening;
    opening = new Promise(function (resolve, reject) {
      var r = indexedDB.open(DB_NAME, DB_VERSION);
      r.onupgradeneeded = function () {
        var db = r.result;
        Object.keys(STORES).forEach(function (name) {
          if (db.objectStoreNames.contains(name)) return;
          var spec = STORES[name];
          var store = db.createObjectStore(name, { keyPath: spec.keyPath });
          Object.keys(spec.indexes || {}).forEach(function (index) {
            store.createIndex(index, spec.indexes[index], { unique: false });
          });
        });
      };
      r.onsuccess = function () {
        var db = r.result;
        db.onversionchange = function () { db.close(); opening = null; };
        resolve(db);
      };
      r.onerror = function () { opening = null; reject(r.error); };
    });
    return opening;
  }

  /* Run fn(stores) in one transaction; resolves with fn's value once the transaction has
   * COMMITTED (so "tersimpan" is only said of data on disk). fn may await IDB requests only. */
  function tx(names, mode, fn) {
    names = [].concat(names);
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(names, mode, { durability: "strict" });
        var stores = {};
        names.forEach(function (n) { stores[n] = t.objectStore(n); });
        var value;
        t.oncomplete = function () { resolve(value); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error || new Error("transaction aborted")); };
        Promise.resolve()
          .then(function () { return fn(stores, t); })
          .then(function (v) { value = v; }, function (e) {
            try { t.abort(); } catch (ignored) { /* already finished */ }
            reject(e);
          });
      });
    });
  }

  function get(store, key) {
    return tx(store, "readonly", function (s) { return request(s[store].get(key)); });
  }
  function all(store) {
    return tx(store, "readonly", function (s) { return request(s[store].getAll()); });
  }
  function byIndex(store, index, value) {
    return tx(store, "readonly", function (s) {
      return request(s[store].index(index).getAll(value));
    });
  }
  function count(store) {
    return tx(store, "readonly", function (s) { return request(s[store].count()); });
  }
  function put(store, value) {
    return tx(store, "readwrite", function (s) { return request(s[store].put(value)); });
  }
  function meta(key) {
    return get("meta", key).then(function (row) { return row ? row.v : undefined; });
  }
  function setMeta(key, value) {
    return put("meta", { k: key, v: value });
  }

  function uuid() {
    if (root.crypto && root.crypto.randomUUID) return root.crypto.randomUUID();
    var b = new Uint8Array(16);
    root.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  function deviceId() {
    return tx("meta", "readwrite", function (s) {
      return request(s.meta.get("device_id")).then(function (row) {
        if (row) return row.v;
        var id = uuid();
        return request(s.meta.put({ k: "device_id", v: id })).then(function () { return id; });
      });
    });
  }

  /* Store one change in the outbox AND its effect on the local data, in one transaction.
   * change: {kind, record, base_version, data, base_from?}; apply(stores, stored) writes the local
   * copy (it may be omitted). Resolves with the stored change once it is on disk. */
  function enqueue(change, apply, extraStores) {
    var names = ["meta", "outbox"].concat(extraStores || DATA_STORES);
    return tx(names, "readwrite", function (s) {
      return request(s.meta.get("seq")).then(function (row) {
        var seq = (row ? row.v : 0) + 1;
        var stored = {
          id: uuid(),
          seq: seq,
          kind: change.kind,
          record: change.record,
          base_version: change.base_version === undefined ? null : change.base_version,
          base_from: change.base_from || null,
          at: new Date().toISOString(),
          data: change.data || {},
          label: change.label || "",
        };
        return request(s.meta.put({ k: "seq", v: seq }))
          .then(function () { return request(s.outbox.put(stored)); })
          .then(function () { return apply ? apply(s, stored) : null; })
          .then(function () { return stored; });
      });
    });
  }

  function outbox() {
    return tx("outbox", "readonly", function (s) {
      return request(s.outbox.index("seq").getAll());
    });
  }

  function status() {
    return tx(["meta", "outbox", "problems"], "readonly", function (s) {
      return Promise.all([
        request(s.outbox.count()),
        request(s.problems.getAll()),
        request(s.meta.get("last_sync_at")),
        request(s.meta.get("expires_at")),
        request(s.meta.get("user")),
        request(s.meta.get("posyandu")),
      ]).then(function (v) {
        var problems = v[1];
        return {
          waiting: v[0],
          rejected: problems.filter(function (p) { return p.status === "rejected"; }).length,
          conflicts: problems.filter(function (p) { return p.status === "conflict"; }).length,
          last_sync_at: v[2] ? v[2].v : null,
          expires_at: v[3] ? v[3].v : null,
          user: v[4] ? v[4].v : null,
          posyandu: v[5] ? v[5].v : null,
        };
      });
    });
  }

  /* The personal data of the device (not the outbox, not the problems, not the device id). */
  function clearData() {
    return tx(DATA_STORES.concat(["meta"]), "readwrite", function (s) {
      var keep = ["device_id", "seq"];
      return Promise.all(DATA_STORES.map(function (n) { return request(s[n].clear()); }))
        .then(function () { return request(s.meta.getAll()); })
        .then(function (rows) {
          return Promise.all(rows.filter(function (r) { return keep.indexOf(r.k) < 0; })
            .map(function (r) { return request(s.meta.delete(r.k)); }));
        });
    });
  }

  /* Everything, on sign-out with an empty outbox (or after an explicit export). */
  function destroy() {
    var wait = opening ? opening.then(function (db) { db.close(); }, function () {}) : Promise.resolve();
    opening = null;
    return wait.then(function () {
      return new Promise(function (resolve, reject) {
        var r = indexedDB.deleteDatabase(DB_NAME);
        r.onsuccess = function () { resolve(); };
        r.onerror = function () { reject(r.error); };
        r.onblocked = function () { resolve(); };
      });
    });
  }

  root.Luring = root.Luring || {};
  root.Luring.db = {
    DATA_STORES: DATA_STORES,
    open: open, tx: tx, request: request, get: get, all: all, byIndex: byIndex, count: count,
    put: put, meta: meta, setMeta: setMeta, uuid: uuid, deviceId: deviceId, enqueue: enqueue,
    outbox: outbox, status: status, clearData: clearData, destroy: destroy,
  };
})(typeof self !== "undefined" ? self : this);
