/* Posyandu ILP service worker (issue 12), served at /luring/sw.js with Service-Worker-Allowed: /.
 * Version {{ version }}: changes whenever a cached file changes.
 *
 * - The app shell, the offline page, the engine and its tables, htmx and CSS are cached on install.
 * - Pages: network first; offline, the app shell for /luring/app/, the honest offline page
 *   for every other page. Server pages with personal data are never stored in a cache.
 * - The API is never cached (the offline app keeps its data in IndexedDB).
 * - Background Sync "luring-outbox": the outbox is sent even when the app is closed.
 */
"use strict";
var VERSION = "{{ version }}";
var CACHE = "luring-shell-" + VERSION;
var PRECACHE = {{ precache|safe }};
var ENGINE_DATA = {{ engine_data|safe }};
var SHELL_URL = {{ shell_url|safe }};
var OFFLINE_URL = {{ offline_url|safe }};
importScripts.apply(self, {{ scripts|safe }});

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // the shell and the offline page must be there; the rest is fetched one by one and,
      // on a bad connection, filled in later by the fetch handler (install never stalls)
      return cache.addAll([SHELL_URL, OFFLINE_URL]).then(function () {
        return Promise.all(PRECACHE.concat(ENGINE_DATA).map(function (url) {
          return cache.match(url).then(function (hit) {
            return hit || cache.add(url).catch(function () { return null; });
          });
        }));
      });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) {
        return k.indexOf("luring-") === 0 && k !== CACHE;
      }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function isShell(url) {
  return url.pathname === SHELL_URL;
}

function fromCache(request, fallback) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreSearch: true }).then(function (hit) {
      return hit || (fallback ? cache.match(fallback) : undefined);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/api/") === 0) return;  // data: IndexedDB, never the cache

  if (request.mode === "navigate") {
    // a page, or a form sent without signal (POST): never the browser's error page
    event.respondWith(
      fetch(request).then(function (response) {
        if (request.method === "GET" && response.ok && isShell(url) && !response.redirected) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(SHELL_URL, copy); });
        }
        return response;
      }).catch(function () {
        return fromCache(isShell(url) ? SHELL_URL : OFFLINE_URL, OFFLINE_URL);
      })
    );
    return;
  }

  if (request.method !== "GET") return;
  var cached = PRECACHE.indexOf(url.pathname) >= 0 || ENGINE_DATA.indexOf(url.pathname) >= 0;
  if (cached) {
    // cache first, refreshed in the background (stale-while-revalidate)
    event.respondWith(
      caches.open(CACHE).then(function (cache) {
        return cache.match(request, { ignoreSearch: true }).then(function (hit) {
          var refresh = fetch(request).then(function (response) {
            if (response.ok) cache.put(url.pathname, response.clone());
            return response;
          });
          if (hit) {
            event.waitUntil(refresh.catch(function () { return null; }));
            return hit;
          }
          return refresh;
        });
      })
    );
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(fetch(request).catch(function () { return fromCache(request); }));
  }
});

function notify(message) {
  return self.clients.matchAll({ includeUncontrolled: true }).then(function (clients) {
    clients.forEach(function (c) { c.postMessage(message); });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag !== "luring-outbox") return;
  event.waitUntil(
    self.Luring.sync.upload().then(function (tally) {
      return notify({ type: "luring-synced", tally: tally });
    }, function (error) {
      return notify({ type: "luring-sync-failed", code: error.code || "" }).then(function () {
        if (error.code !== "auth") throw error;  // retried later by the browser
      });
    })
  );
});
