import t from 'tap';
import { DEFAULT_CONFIG_FILE, loadConfig, parseConfig } from '../../src/config/config.js';
import { forLane, shownFields } from '../../src/config/display.js';
import { mleg } from '../helpers/cli.js';
import { createSite } from '../helpers/site.js';

const parse = (display: unknown) => parseConfig({ trust: { file: 'trust.json' }, display }, 'cfg.json', '/etc/mleg');

t.test('defaults: the page on, results up for 5 s, no holder fields on any screen, the desk layout, Polish time, a warning after a day', async (t) => {
  const c = parse(undefined);
  t.same(c.display, {
    enabled: true,
    holdSeconds: 5,
    show: { default: [], lanes: {} },
    layout: { default: 'desk', lanes: {} },
    timeZone: 'Europe/Warsaw',
    statusWarnAgeSeconds: 86400,
  });
  t.same(shownFields(c.display, null), []);
});

t.test('display.layout: per lane, else the default', async (t) => {
  const c = parse({ layout: { lanes: { 'gate-1': 'gate', 'gate-2': 'gate' } } });
  t.equal(forLane(c.display.layout, 'gate-1'), 'gate');
  t.equal(forLane(c.display.layout, 'till'), 'desk');
  t.equal(forLane(c.display.layout, null), 'desk');
  t.equal(forLane(parse({ layout: { default: 'gate', lanes: { till: 'desk' } } }).display.layout, 'gate-9'), 'gate');
  t.equal(forLane(c.display.layout, 'constructor'), 'desk', 'not fooled by inherited names');
});

t.test('display.timeZone: any zone the runtime knows', async (t) => {
  t.equal(parse({ timeZone: 'UTC' }).display.timeZone, 'UTC');
  t.equal(parse({ timeZone: 'Europe/Vilnius' }).display.timeZone, 'Europe/Vilnius');
});

t.test('the embedded demo shows the holder, so a new user sees the whole result', async (t) => {
  t.same(loadConfig(DEFAULT_CONFIG_FILE).display.show.default, ['given_name', 'family_name', 'birthdate']);
});

t.test('display.show: per lane, else the default', async (t) => {
  const c = parse({ show: { default: ['given_name', 'family_name', 'birthdate'], lanes: { 'gate-2': [], till: ['family_name'] } } });
  t.same(shownFields(c.display, 'gate-2'), []);
  t.same(shownFields(c.display, 'till'), ['family_name']);
  t.same(shownFields(c.display, 'gate-1'), ['given_name', 'family_name', 'birthdate']);
  t.same(shownFields(c.display, null), ['given_name', 'family_name', 'birthdate'], 'the page without ?lane=');
  t.same(shownFields(c.display, 'toString'), ['given_name', 'family_name', 'birthdate'], 'not fooled by inherited names');
});

t.test('mistakes are named by their key', async (t) => {
  const cases: [unknown, RegExp][] = [
    [{ show: { default: ['given_name', 'doc_no'] } }, /"display\.show\.default\[1\]" must be one of "given_name", "family_name", "birthdate"/],
    [{ show: { lanes: { 'gate-2': ['name'] } } }, /"display\.show\.lanes\.gate-2\[0\]" must be one of/],
    [{ show: { lanes: { 'gate-2': 'none' } } }, /"display\.show\.lanes\.gate-2" must be an array/],
    [{ show: ['given_name'] }, /"display\.show" must be an object/],
    [{ show: { default: [], gate2: [] } }, /unknown key "display\.show\.gate2"/],
    [{ holdSeconds: 0 }, /"display\.holdSeconds" must be an integer from 1 to 3600/],
    [{ holdSeconds: 2.5 }, /"display\.holdSeconds" must be an integer/],
    [{ enabled: 'yes' }, /"display\.enabled" must be true or false/],
    [{ colour: 'green' }, /unknown key "display\.colour"/],
    [{ layout: 'gate' }, /"display\.layout" must be an object/],
    [{ layout: { default: 'kiosk' } }, /"display\.layout\.default" must be one of "desk", "gate"/],
    [{ layout: { lanes: { 'gate-1': 'wall' } } }, /"display\.layout\.lanes\.gate-1" must be one of "desk", "gate"/],
    [{ timeZone: 'Europe/Warszawa' }, /"display\.timeZone" must be an IANA time zone like "Europe\/Warsaw", not "Europe\/Warszawa"/],
    [{ timeZone: '' }, /"display\.timeZone" must be a non-empty string/],
    [{ statusWarnAgeSeconds: 30 }, /"display\.statusWarnAgeSeconds" must be an integer >= 60/],
  ];
  for (const [display, message] of cases) t.throws(() => parse(display), { name: 'ConfigError', message }, String(message));
});

t.test('mleg serve refuses a bad display key with exit 2, naming it', async (t) => {
  const site = createSite({ display: { show: { default: ['birthdate', 'photo'] } } });
  t.teardown(() => site.remove());
  const run = await mleg(['serve', '--config', site.configFile]);
  t.equal(run.code, 2);
  t.match(run.stderr, /"display\.show\.default\[1\]" must be one of/);
});
