/* SafetyNet: the service worker of the public report form (scope /report/).
 *
 * Served by safetynet/tips/pwa.py at /report/sw.js, which puts one line in front of this
 * file: self.SAFETYNET_PWA = {version, page, offline, assets}.
 *
 * - The form page (/report/): network first, so it is always fresh when online; the last
 *   copy is kept and shown when the network is gone or too slow.
 * - Other pages in the scope (checking a report, the vigilance form): network only; when
 *   offline, the kept "you are offline" page says that they need the network.
 * - The static files the form uses: kept at install, served from the cache.
 * - Reports themselves are never seen here: report.js keeps them, encrypted, in
 *   IndexedDB and sends them. When the browser's background sync says the network is
 *   back, this worker asks the open form pages to send what they hold.
 * - A page shown to a signed-in user is never kept (the server marks it no-store).
 */
"use strict";

const CONFIG = self.SAFETYNET_PWA || { version: "unconfigured", page: "/report/", offline: "/report/offline/", assets: [] };
const CACHE_PREFIX = "safetynet-report-";
const CACHE = CACHE_PREFIX + CONFIG.version;
const SYNC_TAG = "safetynet-report-flush";
const NETWORK_TIMEOUT_MS = 7000;
const ASSETS = new Set(CONFIG.assets.map((url) => new URL(url, self.location.href).href));

function keepable(response) {
  return Boolean(response) && response.ok && response.type === "basic" && !response.redirected &&
    !/no-store/i.test(response.headers.get("Cache-Control") || "");
}

/* A page as an anonymous visitor sees it: if this browser is signed in, the server marks
   its copy no-store, so ask again without cookies. */
async function fetchKeepablePage(url) {
  let response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
  if (!keepable(response)) {
    response = await fetch(url, { credentials: "omit", cache: "no-store" });
  }
  if (!keepable(response)) {
    throw new Error("cannot keep " + url + " (" + response.status + ")");
  }
  return response;
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(CONFIG.assets.map((url) => new Request(url, { cache: "no-cache" })));
    for (const url of [CONFIG.page, CONFIG.offline]) {
      await cache.put(url, await fetchKeepablePage(url));
    }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(CACHE_PREFIX) && name !== CACHE) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

async function fromCache(url) {
  const cache = await caches.open(CACHE);
  return cache.match(url, { ignoreVary: true, ignoreSearch: true });
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); });
  });
}

/* Keep the offline page in the language of the form page the visitor last saw. */
async function refreshOfflinePage(pageLanguage) {
  const kept = await fromCache(CONFIG.offline);
  if (kept && kept.headers.get("Content-Language") === pageLanguage) {
    return;
  }
  const cache = await caches.open(CACHE);
  await cache.put(CONFIG.offline, await fetchKeepablePage(CONFIG.offline));
}

/* The kept copy of a page, marked so that its script knows it was not fresh from the
   network (navigator.onLine cannot be trusted to say so). */
async function keptCopy(url) {
  const kept = await fromCache(url);
  if (!kept) {
    return undefined;
  }
  const headers = new Headers(kept.headers);
  headers.delete("Content-Length");
  const html = (await kept.text()).replace("<html", '<html data-offline-copy=""');
  return new Response(html, { status: kept.status, statusText: kept.statusText, headers: headers });
}

function formPage(event) {
  let stored = Promise.resolve();
  const network = fetch(event.request).then((response) => {
    if (keepable(response)) {
      const copy = response.clone();
      const language = response.headers.get("Content-Language");
      stored = caches.open(CACHE)
        .then((cache) => cache.put(CONFIG.page, copy))
        .then(() => refreshOfflinePage(language));
    }
    return response;
  });
  event.waitUntil(network.then(() => stored, () => undefined).catch(() => undefined));
  // A server or gateway error is no better than no network: show the kept copy instead.
  const usable = network.then((response) => (response.status >= 500 ? Promise.reject(new Error("5xx")) : response));
  return withTimeout(usable, NETWORK_TIMEOUT_MS).catch(async () => {
    return (await keptCopy(CONFIG.page)) || (await keptCopy(CONFIG.offline)) || network;
  });
}

async function onlineOnlyPage(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const offline = await keptCopy(CONFIG.offline);
    if (offline) {
      return offline;
    }
    throw error;
  }
}

async function keptAsset(request) {
  return (await fromCache(request.url)) || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return; // reports are POSTed by the page, straight to the network
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(url.pathname === CONFIG.page ? formPage(event) : onlineOnlyPage(request));
  } else if (ASSETS.has(url.origin + url.pathname)) {
    event.respondWith(keptAsset(request));
  }
});

/* The browser says the network is back: the open form pages send what they hold (only a
   page can show the reporter the receipt codes). */
self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) {
    event.waitUntil((async () => {
      const pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      for (const page of pages) {
        page.postMessage({ type: "safetynet-report:flush" });
      }
    })());
  }
});
