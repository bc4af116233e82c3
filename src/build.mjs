/**
 * `npm run build`: dist/ from src/, as `mleg` runs it and as the package ships it.
 *
 * - Each TypeScript module of src/ (but the browser's, src/wallet/web/) becomes one ES
 *   module of dist/ at the same place, with its source map: esbuild's transform, the same
 *   the tests run the sources through (tsx). It checks no types: `npm run typecheck`
 *   does, and `npm test` runs it (tsc, building and checking at once, took 9–14 s).
 * - The display page's files and the issuing database's migrations are copied beside
 *   the modules that read them; the web wallet is bundled (src/wallet/web-bundle.ts).
 */
import { build } from 'esbuild';
import { chmodSync, cpSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
/** Bundled for the browser by writeWalletFiles, not compiled module by module. */
const BROWSER_DIR = join(src, 'wallet', 'web') + sep;

const modules = readdirSync(src, { recursive: true, encoding: 'utf8' })
  .map((file) => join(src, file))
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.startsWith(BROWSER_DIR));

rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: modules,
  outdir: dist,
  outbase: src,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
chmodSync(join(dist, 'cli.js'), 0o755);
for (const dir of [['http', 'display'], ['issuance', 'migrations']]) cpSync(join(src, ...dir), join(dist, ...dir), { recursive: true });
const { writeWalletFiles } = await import(new URL('../dist/wallet/web-bundle.js', import.meta.url).href);
await writeWalletFiles(join(dist, 'wallet', 'web'));
process.stdout.write(`built ${modules.length} modules into ${relative(process.cwd(), dist) || '.'}/\n`);
