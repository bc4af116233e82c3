/**
 * A usage error prints the error and one line saying where help is — two lines on
 * standard error, nothing on standard output, exit 2 — so the error stays on a small
 * screen (issue 22: it was followed by the whole help). `mleg help` still prints it all.
 */
import t from 'tap';
import { USAGE, USAGE_HINT } from '../../src/commands/usage.js';
import { mleg } from '../helpers/cli.js';

const cases: [string[], RegExp][] = [
  [['frobnicate'], /^mleg: unknown command "frobnicate"$/],
  [['serve', '--bogus'], /^mleg: Unknown option '--bogus'/],
  [['serve', '--workers', 'two'], /^mleg: --workers must be a whole number$/],
  [['verify', '--config'], /^mleg: Option '-c, --config <value>' argument missing$/],
  [['issuer', 'keygen', '--dir', '/tmp/never-made'], /^mleg: --iss is required$/],
  [['wallet', 'sing'], /^mleg: unknown wallet command "sing"; use keygen, present or activate$/],
];

for (const [args, message] of cases) {
  t.test(`mleg ${args.join(' ')}`, async (t) => {
    const run = await mleg(args);
    t.equal(run.code, 2, 'exit 2');
    t.equal(run.stdout, '', 'nothing on standard output');
    const lines = run.stderr.split('\n');
    t.equal(lines.length, 3, 'two lines (and the final newline)');
    t.match(lines[0], message, 'the error');
    t.equal(`${lines[1]}\n`, USAGE_HINT, 'where help is');
    t.equal(lines[2], '');
  });
}

t.test('mleg help prints the whole usage and exits 0', async (t) => {
  const run = await mleg(['help']);
  t.equal(run.code, 0);
  t.equal(run.stdout, USAGE);
  t.match(USAGE_HINT, /mleg help/, 'the hint names it');
});
