/**
 * The web wallet's files, as the issuing service serves them at /wallet/: the hand-written
 * page, style sheet, service worker and manifest of src/wallet/web/, the script bundled by
 * esbuild from src/wallet/web/app.ts (with the same TypeScript modules the Node side uses:
 * the OpenID4VCI client, presentations, the status check, the QR encoder), and the icons
 * drawn from icon.svg by sharp. Nothing is fetched: esbuild and sharp work offline.
 *
 * `npm run build` writes them to dist/wallet/web/ (writeWalletFiles), where the built
 * service reads them; run from the TypeScript sources (tests, tsx), the service bundles
 * them in memory at start instead — the same function, so what the tests load is what the
 * build ships. The service worker's cache is named after a hash of everything else, so a
 * new build replaces what phones keep.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlegError } from '../errors.js';

/** The sources: src/wallet/web/, from src/wallet/ or dist/wallet/ alike. */
const SOURCE_DIR = fileURLToPath(new URL('../../src/wallet/web/', import.meta.url));
/** Where the built files are: dist/wallet/web/ next to the built module. */
const BUILT_DIR = fileURLToPath(new URL('./web/', import.meta.url));

/** Copied as they are. */
const STATIC_FILES = ['index.html', 'wallet.css', 'sw.js', 'manifest.webmanifest', 'icon.svg', 'pattern.svg'];
/** Drawn from icon.svg: the manifest's install icons and the home-screen icon of iOS. */
const ICON_SIZES = [192, 512, 180];
/** In sw.js, replaced by the hash of the other files. */
const VERSION_MARK = '__WALLET_VERSION__';

export type WalletFiles = Map<string, Uint8Array>;

/** The files, bundled and drawn now from the sources. */
export async function buildWalletFiles(): Promise<WalletFiles> {
  const { build } = await import('esbuild');
  const bundle = await build({
    entryPoints: [join(SOURCE_DIR, 'app.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome111', 'safari16.4', 'firefox115'],
    minify: true,
    legalComments: 'eof',
    write: false,
    outfile: 'wallet.js',
    logLevel: 'silent',
  });
  const files: WalletFiles = new Map();
  files.set('wallet.js', bundle.outputFiles[0]!.contents);
  for (const name of STATIC_FILES) files.set(name, readFileSync(join(SOURCE_DIR, name)));
  const sharp = (await import('sharp')).default;
  for (const size of ICON_SIZES) files.set(`icon-${size}.png`, await sharp(files.get('icon.svg')!, { density: 300 }).resize(size, size).png().toBuffer());
  const hash = createHash('sha256');
  for (const [name, body] of [...files].sort(([a], [b]) => a.localeCompare(b))) if (name !== 'sw.js') hash.update(name).update(body);
  const version = hash.digest('hex').slice(0, 16);
  files.set('sw.js', Buffer.from(Buffer.from(files.get('sw.js')!).toString('utf8').replace(VERSION_MARK, version)));
  return files;
}

/** `npm run build`: the files into `dir`. */
export async function writeWalletFiles(dir: string): Promise<void> {
  const files = await buildWalletFiles();
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of files) writeFileSync(join(dir, name), body);
}

/** What the service serves: the built files, or (run from the sources) the files bundled now. */
export async function loadWalletFiles(): Promise<WalletFiles> {
  if (import.meta.url.endsWith('.ts')) return buildWalletFiles();
  let names: string[];
  try {
    names = readdirSync(BUILT_DIR);
  } catch {
    throw new MlegError('INSTALL_BROKEN', `the web wallet's files are missing from ${BUILT_DIR} (npm run build writes them)`);
  }
  const expected = ['wallet.js', ...STATIC_FILES, ...ICON_SIZES.map((s) => `icon-${s}.png`)];
  const missing = expected.filter((n) => !names.includes(n));
  if (missing.length > 0) throw new MlegError('INSTALL_BROKEN', `the web wallet is incomplete: ${missing.join(', ')} missing from ${BUILT_DIR} (npm run build writes them)`);
  return new Map(expected.map((n) => [n, readFileSync(join(BUILT_DIR, n))]));
}
