/**
 * The student's web wallet at /wallet/ (src/wallet/web/, files from src/wallet/web-bundle.ts):
 * static files under one strict Content-Security-Policy — scripts, styles, images and calls
 * from this origin only, WebAssembly for the camera's QR decoder, nothing inline — each with
 * a strong ETag and `no-cache` (revalidated: the service worker keeps them for offline use).
 * The decoder's `.wasm` is the installed zxing-wasm's own, checked by its hash.
 */
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../http/http-errors.js';
import { readZxingWasm } from '../scan/image/zxing-wasm-decoder.js';
import { loadWalletFiles } from '../wallet/web-bundle.js';
import { matchesEtag } from './status-publisher.js';

export const WALLET_PATH = '/wallet/';

export const WALLET_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export const walletRoutes: FastifyPluginAsync = async (app) => {
  const files = await loadWalletFiles();
  files.set('zxing_reader.wasm', readZxingWasm());
  const assets = new Map<string, Asset>();
  for (const [name, body] of files) {
    const type = CONTENT_TYPES[extname(name)];
    if (type !== undefined) assets.set(name, { body: Buffer.from(body), type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
  }

  const serve = (name: string, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const asset = assets.get(name);
    if (asset === undefined) return sendError(reply, 'NOT_FOUND', 'no such file in the wallet');
    reply.headers({ 'content-security-policy': WALLET_CSP, 'cache-control': 'no-cache', etag: asset.etag });
    if (name === 'sw.js') reply.header('service-worker-allowed', WALLET_PATH);
    if (matchesEtag(request.headers['if-none-match'], asset.etag)) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  };

  const page = { schema: { summary: 'The student\'s web wallet (an installable web app; works offline once loaded)', tags: ['wallet'] } };
  // A fragment (#credential_offer=…) survives the redirect: browsers keep it.
  app.get('/wallet', page, async (_request, reply) => reply.redirect(WALLET_PATH, 301));
  app.get(WALLET_PATH, page, (request, reply) => serve('index.html', request, reply));
  app.get<{ Params: { name: string } }>('/wallet/:name', { schema: { hide: true } }, (request, reply) => serve(request.params.name, request, reply));
};
