/**
 * Each test process runs its TypeScript one way: compiled beforehand (`npm test`,
 * test/run.mjs), or through tsx (`npx tap test/x.test.ts`) — never also through
 * @tapjs/typescript's loader (ts-node), which package.json's `tap.plugin` leaves out, nor
 * with @tapjs/mock's (its hooks see every import; no test mocks a module), left out too.
 * tap rebuilt itself for that list only after its runner had started, so on the first
 * `npm test` after `npm ci` — every CI run — each process loaded both (~100 s more);
 * test/tap-plugins.mjs rebuilds tap before the runner starts. This fails if it stops doing
 * so, or if the compiled run loads tsx after all.
 */
import t from 'tap';

const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''];
const listed = flags.filter((f) => f !== '').join(' ');
const tsx = flags.some((f) => /^--import[= ]tsx$/.test(f));

for (const plugin of ['@tapjs/typescript', '@tapjs/mock']) t.notOk(flags.some((f) => f.includes(plugin)), `no ${plugin} loader among ${listed}`);
if (import.meta.url.endsWith('.js')) t.notOk(tsx, `compiled: no tsx among ${listed}`);
else t.ok(tsx, 'tsx runs the TypeScript');
