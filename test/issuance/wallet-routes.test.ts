/**
 * /wallet/ over HTTP from a running issuing service: each file with its type, the wallet's
 * Content-Security-Policy (its own origin only, WebAssembly for the camera's decoder,
 * nothing inline), a strong ETag and 304, `no-cache`; the service worker with its scope and
 * its build's cache name; the decoder's .wasm the installed package's own; /wallet
 * redirected, unknown names and a path out of the folder 404 in the shared error shape.
 */
import { createHash } from 'node:crypto';
import t from 'tap';
import { ZXING_WASM_SHA256 } from 'zxing-wasm/reader';
import { WALLET_CSP } from '../../src/issuance/wallet-routes.js';
import { startIssuer, type TestIssuer } from '../helpers/issuance.js';

let s: TestIssuer;
t.before(async () => {
  s = await startIssuer();
});
t.teardown(() => s.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${s.url}${path}`, { headers, redirect: 'manual' });

t.test('every file with its type, the wallet\'s CSP, an ETag and no-cache', async (t) => {
  const files: [string, string][] = [
    ['/wallet/', 'text/html; charset=utf-8'],
    ['/wallet/wallet.js', 'text/javascript; charset=utf-8'],
    ['/wallet/wallet.css', 'text/css; charset=utf-8'],
    ['/wallet/sw.js', 'text/javascript; charset=utf-8'],
    ['/wallet/manifest.webmanifest', 'application/manifest+json'],
    ['/wallet/icon.svg', 'image/svg+xml'],
    ['/wallet/icon-192.png', 'image/png'],
    ['/wallet/icon-512.png', 'image/png'],
    ['/wallet/icon-180.png', 'image/png'],
    ['/wallet/pattern.svg', 'image/svg+xml'],
    ['/wallet/zxing_reader.wasm', 'application/wasm'],
  ];
  for (const [path, type] of files) {
    const res = await get(path);
    t.equal(res.status, 200, path);
    t.equal(res.headers.get('content-type'), type, `${path}: ${type}`);
    t.equal(res.headers.get('content-security-policy'), WALLET_CSP, `${path}: the wallet's CSP`);
    t.equal(res.headers.get('cache-control'), 'no-cache', `${path}: revalidated`);
    t.equal(res.headers.get('x-frame-options'), 'DENY');
    t.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const etag = res.headers.get('etag')!;
    t.match(etag, /^"[A-Za-z0-9_-]{27}"$/, `${path}: a strong ETag`);
    const again = await get(path, { 'if-none-match': etag });
    t.equal(again.status, 304, `${path}: 304 for its ETag`);
  }
  t.match(WALLET_CSP, /^default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';/);
  t.notMatch(WALLET_CSP, /'unsafe-inline'|'unsafe-eval'|https?:/, 'nothing inline, no eval, no other host');
});

t.test('the page names only its own files', async (t) => {
  const html = await (await get('/wallet/')).text();
  const refs = [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);
  t.same(refs.sort(), ['icon-180.png', 'icon.svg', 'manifest.webmanifest', 'wallet.css', 'wallet.js'].sort());
  t.notMatch(html, /<script>|style="/, 'no inline script or style');
});

t.test('the service worker: its scope, and the build\'s cache name', async (t) => {
  const res = await get('/wallet/sw.js');
  t.equal(res.headers.get('service-worker-allowed'), '/wallet/');
  const text = await res.text();
  t.notMatch(text, /__WALLET_VERSION__/, 'the mark is replaced');
  t.match(text, /const VERSION = '[0-9a-f]{16}';/, 'by the hash of the other files');
});

t.test('the decoder\'s .wasm is the installed zxing-wasm\'s own', async (t) => {
  const body = Buffer.from(await (await get('/wallet/zxing_reader.wasm')).arrayBuffer());
  t.equal(createHash('sha256').update(body).digest('hex'), ZXING_WASM_SHA256);
});

t.test('/wallet redirects; unknown names and paths out of the folder are 404', async (t) => {
  const redirect = await get('/wallet');
  t.equal(redirect.status, 301);
  t.equal(redirect.headers.get('location'), '/wallet/');
  for (const path of ['/wallet/nothing.js', '/wallet/..%2Fissuer.db', '/wallet/%2E%2E%2Fschool%2Fissuer-key.json', '/wallet/web-bundle.ts', '/wallet/app.ts']) {
    const res = await get(path);
    t.equal(res.status, 404, path);
    t.same(await res.json(), { error: 'NOT_FOUND', message: 'no such file in the wallet' }, `${path}: the shared error shape`);
  }
});

t.test('the route template, not the file, in the log', async (t) => {
  await get('/wallet/wallet.css');
  const line = s.logs.findLast((l) => l.msg === 'request' && typeof l.route === 'string' && (l.route as string).startsWith('/wallet'));
  t.match(line, { route: '/wallet/:name', status: 200 });
});
