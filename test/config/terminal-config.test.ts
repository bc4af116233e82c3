/**
 * The scanners / outputs / lanes part of the configuration: shapes, defaults, cross-references.
 * What needs the device profiles is resolved, and tested, in test/devices/terminal-plan.test.ts.
 */
import { dirname } from 'node:path';
import t, { type Test } from 'tap';
import { parseConfig, type Config } from '../../src/config/config.js';

const base = { trust: { file: 'trust.json' } };
const parse = (doc: Record<string, unknown>): Config => parseConfig({ ...base, ...doc }, '/etc/mleg/config.json', '/etc/mleg');
const refused = (t: Test, doc: Record<string, unknown>, message: RegExp) => t.throws(() => parse(doc), { name: 'ConfigError', message }, String(message));

t.test('the SPEC 8 form, with defaults', async (t) => {
  const c = parse({ scanners: [{ id: 'gate-1', type: 'serial', path: '/dev/ttyACM0', baudRate: 9600 }] });
  t.same(c.scanners, [{ id: 'gate-1', type: 'serial', path: '/dev/ttyACM0', baudRate: 9600, debounceMs: 2000, layout: 'us', feedback: true }]);
  t.same(c.outputs, []);
  t.same(c.lanes, []);
  t.same(parse({}).scanners, []);
});

t.test('relative paths are resolved against the config file', async (t) => {
  const c = parse({ scanners: [{ id: 'gate-1', type: 'serial', path: 'dev/gate' }], outputs: [{ id: 'r', type: 'serial-relay', path: '../relay' }] });
  t.equal(c.scanners[0]!.path, '/etc/mleg/dev/gate');
  t.equal(c.outputs[0]!.path, `${dirname('/etc/mleg')}/relay`);
});

t.test('a full station: USB IDs, profile, outputs and a lane', async (t) => {
  const c = parse({
    scanners: [
      { id: 'gate-1', type: 'serial', vendorId: '0c2e', productId: '0b61' },
      { id: 'gate-2', type: 'hid-pos', vendorId: '0c2e' },
      { id: 'kbd', type: 'hid-keyboard', path: '/dev/hidraw2', layout: 'pl', idleMs: 80 },
    ],
    outputs: [
      { id: 'turnstile', type: 'serial-relay', vendorId: '1a86', productId: '7523', relay: 2 },
      { id: 'door', type: 'hid-relay', vendorId: '16c0' },
    ],
    lanes: [{ id: 'entry', scanners: ['gate-1', 'gate-2'], outputs: ['turnstile', 'door'] }],
  });
  t.same(c.lanes, [{ id: 'entry', scanners: ['gate-1', 'gate-2'], outputs: ['turnstile', 'door'], openMs: 1500 }]);
  t.equal(c.outputs[1]!.relay, 1);
});

t.test('wrong shapes are named by key', async (t) => {
  refused(t, { scanners: [{ id: 'g', type: 'usb', path: '/dev/x' }] }, /"scanners\[0\]\.type" must be one of "serial", "hid-pos", "hid-keyboard"/);
  refused(t, { scanners: [{ id: 'g', type: 'serial', path: '/dev/x', speed: 9600 }] }, /unknown key "scanners\[0\]\.speed"/);
  refused(t, { scanners: [{ id: 'g', type: 'serial', vendorId: '0C2E' }] }, /"scanners\[0\]\.vendorId" must be four lower-case hex digits/);
  refused(t, { scanners: [{ id: 'g', type: 'serial', vendorId: 3118 }] }, /"scanners\[0\]\.vendorId" must be a string/);
  refused(t, { scanners: [{ id: 'g', type: 'serial', path: '/dev/x', parity: 'mark' }] }, /"scanners\[0\]\.parity" must be one of/);
  refused(t, { scanners: [{ id: 'g', type: 'serial', path: '/dev/x', stopBits: 3 }] }, /"scanners\[0\]\.stopBits" must be one of 1, 2/);
  refused(t, { scanners: [{ id: 'g', type: 'serial', path: '/dev/x', debounceMs: -1 }] }, /"scanners\[0\]\.debounceMs"/);
  refused(t, { outputs: [{ id: 'r', type: 'gpio', path: '/dev/x' }] }, /"outputs\[0\]\.type" must be one of "serial-relay", "hid-relay"/);
  refused(t, { lanes: [{ id: 'l' }] }, /"lanes\[0\]\.scanners" is required/);
});

t.test('how a device is found: path or vendorId, not both, not neither', async (t) => {
  refused(t, { scanners: [{ id: 'g', type: 'serial' }] }, /"scanners\[0\]" needs "path" or "vendorId"/);
  refused(t, { scanners: [{ id: 'g', type: 'serial', path: '/dev/x', vendorId: '0c2e' }] }, /"scanners\[0\]\.path" and "vendorId"\/"productId" are two ways/);
  refused(t, { scanners: [{ id: 'g', type: 'hid-pos', productId: '0b87', path: '/dev/hidraw0' }] }, /"scanners\[0\]\.path" and/);
  refused(t, { scanners: [{ id: 'g', type: 'hid-pos', productId: '0b87' }] }, /"scanners\[0\]" needs "path" or "vendorId"/);
  refused(t, { outputs: [{ id: 'r', type: 'hid-relay' }] }, /"outputs\[0\]" needs "path" or "vendorId"/);
});

t.test('type-specific fields', async (t) => {
  refused(t, { scanners: [{ id: 'g', type: 'hid-pos', path: '/dev/hidraw0', baudRate: 9600 }] }, /"scanners\[0\]\.baudRate" applies to serial devices only/);
  refused(t, { scanners: [{ id: 'g', type: 'serial', path: '/dev/x', layout: 'pl' }] }, /"scanners\[0\]\.layout" applies to hid-keyboard scanners only/);
});

t.test('ids and cross-references', async (t) => {
  const g = { id: 'g', type: 'serial', path: '/dev/x' };
  refused(t, { scanners: [g, g] }, /"scanners\[1\]\.id" repeats the id "g"/);
  refused(t, { scanners: [g], lanes: [{ id: 'l', scanners: ['h'] }] }, /"lanes\[0\]\.scanners\[0\]" names no scanner in "scanners" \("h"\)/);
  refused(t, { scanners: [g], lanes: [{ id: 'l', scanners: ['g'], outputs: ['turnstile'] }] }, /"lanes\[0\]\.outputs\[0\]" names no output in "outputs" \("turnstile"\)/);
  refused(t, { scanners: [g], lanes: [{ id: 'l', scanners: ['g'] }, { id: 'm', scanners: ['g'] }] }, /"lanes\[1\]\.scanners\[0\]" puts scanner "g" in a second lane \(it is in "l"\)/);
  refused(t, { scanners: [g], lanes: [{ id: 'l', scanners: [] }] }, /"lanes\[0\]\.scanners" must name at least one scanner/);
  refused(t, { scanners: [g], lanes: [{ id: 'l', scanners: ['g'] }, { id: 'l', scanners: [] }] }, /"lanes\[1\]\.id" repeats the id "l"/);
});
