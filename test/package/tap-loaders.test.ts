/**
 * Each test process runs the TypeScript through tsx alone: not also through
 * @tapjs/typescript's loader (ts-node), which package.json's `tap.plugin` leaves out.
 * tap rebuilt itself for that list only after its runner had started, so on the first
 * `npm test` after `npm ci` — every CI run — each process loaded both (~100 s more);
 * test/tap-plugins.mjs rebuilds tap before the runner starts. This fails if it stops doing so.
 */
import t from 'tap';

const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''];

t.notOk(flags.some((f) => f.includes('@tapjs/typescript')), `no @tapjs/typescript loader among ${flags.filter((f) => f !== '').join(' ')}`);
t.ok(flags.some((f) => /^--import[= ]tsx$/.test(f)), 'tsx runs the TypeScript');
