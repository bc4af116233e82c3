/**
 * Each test process runs its TypeScript one way: compiled beforehand (`npm test`,
 * test/run.ts), or through tsx (`npx tap test/x.test.ts`) — never also through
 * @tapjs/typescript's loader (ts-node), which package.json's `tap.plugin` leaves out, nor
 * with @tapjs/mock's (its hooks see every import; no test mocks a module), left out too.
 * tap rebuilt itself for that list only after its runner had started, so on the first
 * run of tap's runner after `npm ci` each process loaded both (~100 s more);
 * test/tap-plugins.mjs (npm test's pretest) rebuilds tap first. Run by tap's runner
 * (`npx tap`), this fails if that stops; run by `npm test`'s (test/run.ts), if the compiled
 * run loads tsx after all, or tap's process tracking (@tapjs/processinfo), which that
 * runner leaves out.
 */
import t from 'tap';

const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''];
const listed = flags.filter((f) => f !== '').join(' ');
const tsx = flags.some((f) => /^--import[= ]tsx$/.test(f));

for (const plugin of ['@tapjs/typescript', '@tapjs/mock']) t.notOk(flags.some((f) => f.includes(plugin)), `no ${plugin} loader among ${listed}`);
if (import.meta.url.endsWith('.js')) {
  t.notOk(tsx, `compiled: no tsx among ${listed}`);
  t.notOk(flags.some((f) => f.includes('@tapjs/processinfo')), `compiled: no @tapjs/processinfo among ${listed}`);
} else {
  t.ok(tsx, 'tsx runs the TypeScript');
}
