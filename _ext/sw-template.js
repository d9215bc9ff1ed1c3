// The course's service worker. scripts/service-worker.mjs (run by the build, _ext/offline.py)
// gives this file to workbox-build's injectManifest, which replaces the manifest marker with
// the site's own file list, each file with a hash of its content: there is no hand-written
// list. Written to <site>/sw.js.
//
// - Each page a reader opens, with the files it loads, is kept (cache first, then network).
// - "Save the whole course" (_ext/static/offline-save.js) sends "save-all": every file of the
//   list is fetched into the cache, with progress messages.
// - A new build gives a new list, so a new worker: it installs a new cache holding the files
//   the reader had, unchanged ones copied and changed ones fetched anew, and only then replaces
//   the old cache, so old and new files are never mixed. Pages then say an update was installed.
const MANIFEST = self.__WB_MANIFEST;
const SCOPE = new URL(self.registration.scope);
const FILES = new Map(MANIFEST.map(({ url, revision }) => [new URL(url, SCOPE).href, revision]));
const VERSION = hash(MANIFEST.map(({ url, revision }) => `${url} ${revision}`).join("\n"));
const PREFIX = "calcinosis-course-";
const CACHE = `${PREFIX}${VERSION}`;
const INDEX = "__files__"; // the list the cache was made from: {url: revision}

function hash(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}

// A request as the list names it: no query (?v=..., ?digest=...), a folder as its index.html.
function key(url) {
  const u = new URL(url);
  u.search = "";
  u.hash = "";
  if (u.pathname.endsWith("/")) u.pathname += "index.html";
  return u.href;
}

async function carryOver(cache) {
  // the files a reader already had, from the newest older cache: unchanged ones copied,
  // changed ones fetched anew, so the new cache is complete before it is used
  const older = (await caches.keys()).filter((name) => name.startsWith(PREFIX) && name !== CACHE);
  for (const name of older) {
    const old = await caches.open(name);
    const indexResponse = await old.match(INDEX);
    const revisions = indexResponse ? await indexResponse.json() : {};
    for (const request of await old.keys()) {
      const url = request.url;
      if (!FILES.has(url)) continue;
      if (revisions[url] === FILES.get(url)) await cache.put(url, await old.match(request));
      else await cache.add(url).catch(() => {});
    }
  }
  return older.length > 0;
}

async function writeIndex(cache) {
  await cache.put(INDEX, new Response(JSON.stringify(Object.fromEntries(FILES))));
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const updated = await carryOver(cache);
      await writeIndex(cache);
      if (updated) await cache.put("__updated__", new Response(String(Date.now())));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function respond(request) {
  const url = key(request.url);
  const cache = await caches.open(CACHE);
  const cached = await cache.match(url);
  if (cached) return cached;
  try {
    const response = await fetch(request);
    if (response.ok && FILES.has(url)) await cache.put(url, response.clone());
    return response;
  } catch (error) {
    if (request.mode !== "navigate") throw error;
    return new Response(
      "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
        "<title>Offline</title><p>You are offline and this page of the course was not saved. " +
        "Pages you opened before, or all of them after “Save the whole course for offline”, " +
        "open without a connection.</p>",
      { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } },
    );
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || !request.url.startsWith(SCOPE.href)) return;
  if (!FILES.has(key(request.url)) && request.mode !== "navigate") return;
  event.respondWith(respond(request));
});

async function saveAll(client) {
  const cache = await caches.open(CACHE);
  const urls = [...FILES.keys()];
  let done = 0;
  let failed = 0;
  const queue = [...urls];
  const worker = async () => {
    while (queue.length) {
      const url = queue.shift();
      if (!(await cache.match(url))) {
        try {
          const response = await fetch(url, { cache: "no-cache" });
          if (!response.ok) throw new Error(String(response.status));
          await cache.put(url, response);
        } catch {
          failed += 1;
        }
      }
      done += 1;
      client.postMessage({ type: "progress", done, total: urls.length });
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  let bytes = 0;
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    bytes += (await response.clone().arrayBuffer()).byteLength;
  }
  client.postMessage({ type: "saved", total: urls.length, failed, bytes });
}

async function status(client) {
  const cache = await caches.open(CACHE);
  const cached = new Set((await cache.keys()).map((r) => r.url));
  const saved = [...FILES.keys()].filter((url) => cached.has(url)).length;
  const updated = await cache.match("__updated__");
  if (updated) await cache.delete("__updated__");
  client.postMessage({ type: "status", saved, total: FILES.size, updated: Boolean(updated), version: VERSION });
}

self.addEventListener("message", (event) => {
  const client = event.source;
  if (event.data === "save-all") event.waitUntil(saveAll(client));
  if (event.data === "status") event.waitUntil(status(client));
});
