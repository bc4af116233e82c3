/**
 * `npm test`'s run of the suite: the tests and the sources compiled to JavaScript once, then
 * tap on the compiled files.
 *
 * tap alone runs each test file through tsx, as `npx tap test/x.test.ts` still does. That
 * costs every test process ~0.5 s of CPU: on Node 20 a module loader's hooks run on a
 * thread of their own, and each of the ~300 modules a test loads is a round trip to it. Compiled once here, with the transform tsx
 * uses (esbuild's) and the one `npm run build` uses for dist/, the files load as plain
 * JavaScript.
 *
 * The compiled tree, COMPILED, is the repository as the tests see it: test/ and src/ with
 * each `.ts` beside its `.js` (tests that read the sources find them), every other file
 * and the top-level entries linked (tests reach docs/, dist/, fixtures and package.json by
 * relative paths), and the web wallet's built files (dist/wallet/web) in src/wallet/web,
 * where the compiled service looks for them. Source maps point stack traces at the `.ts`.
 *
 * Arguments go to tap; test files or folders named as `test/…` run compiled, and with none
 * named the whole suite runs.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COMPILED = join(ROOT, '.tap', 'js');
/** Compiled; everything else at the top is linked. */
const TREES = ['src', 'test'];
/** Not linked: git's, and tap's own folder, which holds COMPILED. */
const UNLINKED = new Set([...TREES, '.git', '.tap']);

const isModule = (name) => name.endsWith('.ts') && !name.endsWith('.d.ts');
const link = (from, to) => symlinkSync(relative(dirname(to), from), to);

/** Mirrors `dir` of the repository into COMPILED: folders made, files linked; returns the modules to compile. */
function mirror(dir) {
  const modules = [];
  mkdirSync(join(COMPILED, dir), { recursive: true });
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && hasModules(join(ROOT, path))) modules.push(...mirror(path));
    else link(join(ROOT, path), join(COMPILED, path));
    if (entry.isFile() && isModule(entry.name)) modules.push(join(ROOT, path));
  }
  return modules;
}

/** The compiled test files under `dir`, in order (what package.json's include finds there, compiled). */
function testFiles(dir) {
  return readdirSync(join(COMPILED, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .map((file) => relative(ROOT, join(COMPILED, dir, file)))
    .sort();
}

function hasModules(dir) {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).some(isModule);
}

if (!existsSync(join(ROOT, 'dist', 'wallet', 'web', 'wallet.js'))) {
  process.stderr.write('dist/ is not built: run `npm run build` first (npm test does)\n');
  process.exit(1);
}
rmSync(COMPILED, { recursive: true, force: true });
mkdirSync(COMPILED, { recursive: true });
for (const entry of readdirSync(ROOT)) if (!UNLINKED.has(entry)) link(join(ROOT, entry), join(COMPILED, entry));
const modules = TREES.flatMap(mirror);
await build({ entryPoints: modules, outdir: COMPILED, outbase: ROOT, format: 'esm', platform: 'node', target: 'node20', sourcemap: true, sourcesContent: false, logLevel: 'warning' });
const builtWallet = join(ROOT, 'dist', 'wallet', 'web');
for (const name of readdirSync(builtWallet)) {
  const to = join(COMPILED, 'src', 'wallet', 'web', name);
  rmSync(to, { force: true });
  link(join(builtWallet, name), to);
}

/** package.json's tap settings, for the compiled files. */
const settings = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).tap;
const compiled = (file) => relative(ROOT, join(COMPILED, file.replace(/\.ts$/, '.js')));
const rc = {
  ...settings,
  // No tsx (tap gives every test process --enable-source-maps itself); the processes the
  // tests start go untracked, as no coverage is collected (test/helpers/untracked-children.ts).
  'node-arg': [`--import=${pathToFileURL(join(ROOT, compiled('test/helpers/untracked-children.ts')))}`],
  include: settings.include.map(compiled),
  before: join(ROOT, compiled(settings.before)),
  after: join(ROOT, compiled(settings.after)),
};
const rcFile = join(COMPILED, 'taprc.json');
writeFileSync(rcFile, JSON.stringify(rc, null, 2));

// tap's globs leave out dot folders such as .tap/: test files are named to it one by one.
const args = [];
const files = [];
for (const arg of process.argv.slice(2)) {
  if (arg.startsWith('test/') && isModule(arg)) files.push(compiled(arg));
  else if (arg.startsWith('test/') && statSync(join(ROOT, arg), { throwIfNoEntry: false })?.isDirectory()) files.push(...testFiles(arg));
  else args.push(arg);
}
const env = { ...process.env, TAP_RCFILE: rcFile };
if (files.length === 0 && !args.some((arg) => arg.endsWith('.test.js'))) {
  files.push(...testFiles('test'));
  // The whole suite: the log audit (test/privacy/log-audit-after.ts) also checks that it saw the whole run's logs.
  env.MLEG_FULL_RUN = '1';
}
const tap = spawnSync('npx', ['tap', '--disable-coverage', ...args, ...files], { stdio: 'inherit', env });
process.exit(tap.status ?? 1);
