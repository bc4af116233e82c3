/**
 * The tests and the sources compiled to JavaScript once, for `npm test`'s run.
 *
 * Through tsx each test process paid ~0.5 s of CPU more: on Node 20 a module loader's hooks
 * run on a thread of their own, and each of the ~300 modules a test loads is a round trip
 * to it. Compiled here with the transform tsx uses (esbuild's) and the one `npm run build`
 * uses for dist/, the files load as plain JavaScript.
 *
 * The compiled tree, COMPILED, is the repository as the tests see it: test/ and src/ with
 * each `.ts` beside its `.js` (tests that read the sources find them), every other file
 * and the top-level entries linked (tests reach docs/, dist/, fixtures and package.json by
 * relative paths), and the web wallet's built files (dist/wallet/web) in src/wallet/web,
 * where the compiled service looks for them. Source maps point stack traces at the `.ts`.
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ROOT } from '../helpers/repository.js';

export const COMPILED = join(ROOT, '.tap', 'js');
/** Compiled; everything else at the top is linked. */
const TREES = ['src', 'test'];
/** Not linked: git's, and tap's own folder, which holds COMPILED. */
const UNLINKED = new Set([...TREES, '.git', '.tap']);

const isModule = (name: string): boolean => name.endsWith('.ts') && !name.endsWith('.d.ts');
const link = (from: string, to: string): void => symlinkSync(relative(dirname(to), from), to);

/** The compiled file of a repository path (`test/x.test.ts` → absolute `.tap/js/test/x.test.js`). */
export const compiledPath = (file: string): string => join(COMPILED, file.replace(/\.ts$/, '.js'));

/** The repository path a compiled file was compiled from (absolute `.tap/js/test/x.test.js` → `test/x.test.ts`). */
export const sourcePath = (file: string): string => relative(COMPILED, file).replace(/\.js$/, '.ts');

/** The compiled test files under the repository folder `dir`, absolute, in order. */
export function compiledTests(dir: string): string[] {
  return readdirSync(join(COMPILED, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .map((file) => join(COMPILED, dir, file))
    .sort();
}

/** Mirrors `dir` of the repository into COMPILED: folders made, files linked; returns the modules to compile. */
function mirror(dir: string): string[] {
  const modules: string[] = [];
  mkdirSync(join(COMPILED, dir), { recursive: true });
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && hasModules(join(ROOT, path))) modules.push(...mirror(path));
    else link(join(ROOT, path), join(COMPILED, path));
    if (entry.isFile() && isModule(entry.name)) modules.push(join(ROOT, path));
  }
  return modules;
}

function hasModules(dir: string): boolean {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).some(isModule);
}

/** Builds COMPILED afresh; false (and a line on stderr) when dist/ is not built. */
export async function compile(): Promise<boolean> {
  const builtWallet = join(ROOT, 'dist', 'wallet', 'web');
  if (!existsSync(join(builtWallet, 'wallet.js'))) {
    process.stderr.write('dist/ is not built: run `npm run build` first (npm test does)\n');
    return false;
  }
  rmSync(COMPILED, { recursive: true, force: true });
  mkdirSync(COMPILED, { recursive: true });
  for (const entry of readdirSync(ROOT)) if (!UNLINKED.has(entry)) link(join(ROOT, entry), join(COMPILED, entry));
  const modules = TREES.flatMap(mirror);
  await build({ entryPoints: modules, outdir: COMPILED, outbase: ROOT, format: 'esm', platform: 'node', target: 'node20', sourcemap: true, sourcesContent: false, logLevel: 'warning' });
  for (const name of readdirSync(builtWallet)) {
    const to = join(COMPILED, 'src', 'wallet', 'web', name);
    rmSync(to, { force: true });
    link(join(builtWallet, name), to);
  }
  return true;
}
