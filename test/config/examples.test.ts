/**
 * The README's recipes name configuration files in config/examples/: each one must be a
 * configuration `mleg serve` accepts, and set what its recipe says it sets.
 */
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { parseConfig } from '../../src/config/config.js';
import { resolveTerminalPlan } from '../../src/devices/terminal-plan.js';

const DIR = new URL('../../config/examples/', import.meta.url);
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const load = (name: string) => parseConfig(JSON.parse(readFileSync(new URL(name, DIR), 'utf8')), name, '/etc/mleg');

t.test('every example is a valid configuration, and the README names it', async (t) => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
  t.ok(files.length >= 3);
  for (const f of files) {
    t.doesNotThrow(() => load(f), f);
    t.ok(README.includes(`config/examples/${f}`), `README names config/examples/${f}`);
  }
});

t.test('cinema till: CORS for the till software, the cashier sees the holder, manual entry', async (t) => {
  const c = load('cinema-till.json');
  t.same(c.http.cors.origins, ['https://kasa.kino.example']);
  t.same(c.display.show.lanes.till, ['given_name', 'family_name', 'birthdate']);
  t.equal(c.display.layout.default, 'desk');
  t.same(c.scanners, [], 'the wedge scanner types into the page: nothing to configure');
});

t.test('station gate: a scanner and a relay in one lane, the gate layout, nothing personal on screen', async (t) => {
  const c = load('station-gate.json');
  const plan = resolveTerminalPlan(c, 'station-gate.json');
  t.same(plan.lanes.map((l) => [l.id, l.scanners, l.relays]), [['entry', ['gate-1'], ['turnstile']]]);
  t.equal(plan.scanners[0]!.profile, 'honeywell');
  t.equal(plan.scanners[0]!.serial.baudRate, 115200, 'the profile sets the port');
  t.equal(plan.relays[0]!.profile, 'lctech-ch340-relay');
  t.equal(c.display.layout.default, 'gate');
  t.same(c.display.show.default, []);
  t.equal(c.status.dataDir, '/var/lib/mleg');
});

t.test('inspector: lists kept on disk, refused when older than two days, warned after one', async (t) => {
  const c = load('inspector.json');
  t.equal(c.status.dataDir, '/var/lib/mleg');
  t.equal(c.status.maxAgeSeconds, 172800);
  t.equal(c.status.onUnavailable, 'reject');
  t.equal(c.display.statusWarnAgeSeconds, 86400);
});
