/**
 * The service's own pages (the result display at `/`, the fleet at `/fleet`): hand-written
 * files in ./display/, read once at start, served with a Content-Security-Policy that
 * allows their script, style and API calls from the service itself and nothing else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import { MlegError } from '../errors.js';

/** The pages' own policy: scripts, styles and API calls from this service only; nothing inline. */
export const DISPLAY_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const ASSET_DIR = new URL('./display/', import.meta.url);
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface Asset {
  body: Buffer;
  type: string;
}

/** The page files by name; throws naming the folder when they (or index.html) are missing. */
export function loadPageAssets(): Map<string, Asset> {
  let names: string[];
  try {
    names = readdirSync(ASSET_DIR);
  } catch {
    throw new MlegError('INSTALL_BROKEN', `the display page's files are missing from ${fileURLToPath(ASSET_DIR)} (npm run build copies them)`);
  }
  const assets = new Map<string, Asset>();
  for (const name of names) {
    const type = CONTENT_TYPES[extname(name)];
    if (type !== undefined) assets.set(name, { body: readFileSync(new URL(name, ASSET_DIR)), type });
  }
  if (!assets.has('index.html')) throw new MlegError('INSTALL_BROKEN', `the display page is missing: no index.html in ${fileURLToPath(ASSET_DIR)}`);
  return assets;
}

/** Sends one of `assets` (a page with its policy), or the 404 answer. */
export function sendAsset(assets: Map<string, Asset>, name: string, reply: FastifyReply): FastifyReply {
  const asset = assets.get(name);
  if (asset === undefined) return reply.callNotFound() as unknown as FastifyReply;
  if (asset.type.startsWith('text/html')) reply.header('content-security-policy', DISPLAY_CSP);
  return reply.type(asset.type).send(asset.body);
}
