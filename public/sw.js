// Servscope service worker: keeps the shopper app's page and the bundle it loads, so a
// shopper can open the app and work with no network (design.md section 3).
//
// - The shopper page (/shopper, any query) is network-first with the cached copy as the
//   fallback (also after a few seconds on a network too weak to answer).
// - Bundle files live under content-hashed URLs (/pkg/<hash>/...) and never change: cache
//   first. A cached page therefore always loads the exact bundle it was rendered with, and
//   an older bundle is dropped only once a newer page and all of its files are cached.
// - Uploads, PUTs and the JSON API never go through here: drafts and the outbox live in
//   IndexedDB, not in this cache, so a new deployment cannot strand them.
const PAGES = 'servscope-pages';
const PKG = 'servscope-pkg';
const STATIC = 'servscope-static';
const SHELL = '/shopper';
const OFFLINE = '/offline';
const SHELL_MARK = 'data-shell="shopper"';
const NETWORK_WAIT_MS = 4000;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

function bundleUrls(html) {
  return [...new Set(html.match(/\/pkg\/[0-9a-f]{8,}\/[\w.-]+/g) || [])];
}

// Keep a freshly fetched shopper page, after every file it loads is cached; then drop
// bundle files no page needs any more.
async function keepShell(response) {
  const html = await response.clone().text();
  if (!response.ok || !html.includes(SHELL_MARK)) return;
  const assets = bundleUrls(html);
  const pkg = await caches.open(PKG);
  for (const url of assets) {
    if (!(await pkg.match(url))) {
      const r = await fetch(url);
      if (!r.ok) return; // keep the old shell and bundle rather than a half-cached new one
      await pkg.put(url, r);
    }
  }
  const pages = await caches.open(PAGES);
  await pages.put(SHELL, response);
  // The page shown for any other address while offline, in the user's language.
  try {
    const offline = await fetch(OFFLINE, { credentials: 'same-origin', cache: 'no-store' });
    if (offline.ok) await pages.put(OFFLINE, offline);
  } catch (e) {
    // Keep the one cached before.
  }
  for (const request of await pkg.keys()) {
    if (!assets.includes(new URL(request.url).pathname)) await pkg.delete(request);
  }
  const statics = await caches.open(STATIC);
  await statics.addAll(['/favicon.svg', '/manifest.webmanifest', '/icon-192.png']).catch(() => {});
}

async function refreshShell() {
  try {
    const response = await fetch(SHELL, { credentials: 'same-origin', cache: 'no-store' });
    await keepShell(response);
  } catch (e) {
    // Offline: the cached shell stays as it is.
  }
}

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'cache-shell') event.waitUntil(refreshShell());
});

async function shellNetworkFirst(event) {
  const cached = await caches.match(SHELL, { cacheName: PAGES });
  const network = fetch(event.request).then((response) => {
    event.waitUntil(keepShell(response.clone()).catch(() => {}));
    return response;
  });
  if (!cached) return network;
  const timeout = new Promise((resolve) => setTimeout(() => resolve(cached), NETWORK_WAIT_MS));
  return Promise.race([network.catch(() => cached), timeout]);
}

async function cacheFirst(request, cacheName) {
  const cached = await caches.match(request, { cacheName });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(cacheName)).put(request, response.clone());
  return response;
}

// A navigation that failed for want of a connection: the kept offline page (503, so nothing
// takes it for the real one), else a bare one.
async function offlinePage() {
  const kept = await caches.match(OFFLINE, { cacheName: PAGES });
  if (kept) return new Response(kept.body, { status: 503, headers: kept.headers });
  const html = '<!doctype html><html lang="en"><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Offline</title>' +
    '<body><h1>You are offline</h1>' +
    '<p>This page needs a connection. <a href="/shopper">Your visits</a> work offline.</p></body></html>';
  return new Response(html, { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/pkg/')) {
    event.respondWith(cacheFirst(request, PKG));
  } else if (request.mode === 'navigate' && url.pathname === SHELL) {
    event.respondWith(shellNetworkFirst(event));
  } else if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => offlinePage()));
  } else if (['/favicon.svg', '/manifest.webmanifest', '/icon-192.png', '/icon-512.png'].includes(url.pathname)) {
    event.respondWith(fetch(request).catch(() => caches.match(request, { cacheName: STATIC })));
  }
});
