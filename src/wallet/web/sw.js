/*
 * The web wallet's service worker: after the first visit the wallet opens and shows the ID
 * with no network. Its own files (everything under /wallet/) come from a cache made at
 * install, named after this build (the issuing service writes the build's hash in place of
 * the mark below), so a new build brings a new cache and drops the old one. Every other
 * request (the OpenID4VCI endpoints, status lists, metadata) goes to the network untouched:
 * nothing the service answers is ever kept here.
 */
const VERSION = '__WALLET_VERSION__';
const CACHE = `mleg-wallet-${VERSION}`;
const SHELL = ['./', 'wallet.js', 'wallet.css', 'manifest.webmanifest', 'icon.svg', 'icon-192.png', 'icon-512.png', 'icon-180.png', 'pattern.svg'];
const SCOPE = new URL('./', self.location.href);

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((path) => new Request(new URL(path, SCOPE), { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith('mleg-wallet-') && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return;
  event.respondWith(fromShell(request, url));
});

async function fromShell(request, url) {
  const cache = await caches.open(CACHE);
  // Every page of the wallet is its one page (the offer rides in the fragment, which is never requested).
  const key = request.mode === 'navigate' ? new URL('./', SCOPE).href : url.origin + url.pathname;
  const cached = await cache.match(key);
  if (cached !== undefined) return cached;
  const response = await fetch(request);
  // The camera's decoder is kept once fetched (activation needs the network anyway).
  if (response.ok && url.pathname.endsWith('.wasm')) await cache.put(key, response.clone());
  return response;
}
