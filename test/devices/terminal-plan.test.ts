/**
 * The one resolver of config + device profiles → terminal plan: final serial settings,
 * framing, feedback and relay bytes, layouts, lanes; errors naming the key; and one rule
 * for choosing a profile, shared with `mleg devices`.
 */
import t, { type Test } from 'tap';
import { parseConfig } from '../../src/config/config.js';
import { hex } from '../../src/devices/byte-sequence.js';
import { loadProfiles, matchProfiles } from '../../src/devices/device-profiles.js';
import { resolveTerminalPlan, type TerminalPlan } from '../../src/devices/terminal-plan.js';

const SOURCE = '/etc/mleg/config.json';
const plan = (doc: Record<string, unknown>): TerminalPlan => resolveTerminalPlan(parseConfig({ trust: { file: 'trust.json' }, ...doc }, SOURCE, '/etc/mleg'), SOURCE);
const refused = (t: Test, doc: Record<string, unknown>, message: RegExp) => t.throws(() => plan(doc), { name: 'ConfigError', code: 'CONFIG_INVALID', message }, String(message));

t.test('config over profile over defaults, resolved once', async (t) => {
  const p = plan({
    scanners: [
      { id: 'gate-1', type: 'serial', vendorId: '0c2e', productId: '0b61' },
      { id: 'gate-2', type: 'hid-pos', vendorId: '0c2e' },
      { id: 'kbd', type: 'hid-keyboard', path: '/dev/hidraw2', layout: 'pl', idleMs: 80 },
      { id: 'plain', type: 'serial', path: '/dev/ttyACM0' },
      { id: 'quiet', type: 'serial', path: '/dev/ttyACM1', profile: 'honeywell', baudRate: 9600, feedback: false },
    ],
    outputs: [
      { id: 'turnstile', type: 'serial-relay', vendorId: '1a86', productId: '7523', relay: 2 },
      { id: 'door', type: 'hid-relay', vendorId: '16c0' },
    ],
    lanes: [{ id: 'entry', scanners: ['gate-1', 'gate-2'], outputs: ['turnstile', 'door'] }],
  });
  const [gate, , kbd, plain, quiet] = p.scanners;
  t.same(gate!.serial, { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 }, 'serial settings from the matched Honeywell profile');
  t.equal(gate!.profile, 'honeywell');
  t.equal(hex(gate!.feedback.good!), '1B 37', 'with its feedback bytes');
  t.equal(kbd!.idleMs, 80);
  t.equal(kbd!.layout?.name, 'pl', 'the keyboard layout, loaded');
  t.same(plain!.serial, { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 }, 'no profile: 9600 8N1');
  t.equal(plain!.profile, null);
  t.equal(quiet!.serial.baudRate, 9600, 'the config wins over the profile');
  t.same(quiet!.feedback, {}, 'feedback: false sends none');
  const [turnstile, door] = p.relays;
  t.match(turnstile, { profile: 'lctech-ch340-relay', channel: 2, serial: { baudRate: 9600 } });
  t.equal(hex(turnstile!.on), 'A0 02 01 A3', 'the on command for channel 2, checksum included');
  t.equal(hex(turnstile!.off), 'A0 02 00 A2');
  t.match(door, { profile: 'dcttech-usb-relay', channel: 1, report: 'feature' });
  t.ok(door!.target.productName?.test('USBRelay2'), 'the board is told apart by its product name');
  t.same(
    p.lanes.map((l) => [l.id, l.scanners, l.relays, l.openMs, l.debounceMs]),
    [
      ['entry', ['gate-1', 'gate-2'], ['turnstile', 'door'], 1500, 2000],
      [null, ['kbd'], [], 0, 2000],
      [null, ['plain'], [], 0, 2000],
      [null, ['quiet'], [], 0, 2000],
    ],
    'the configured lane, and one of its own for each scanner in none',
  );
});

t.test('what the profiles cannot satisfy is a configuration error naming the key', async (t) => {
  refused(t, { scanners: [{ id: 'g', type: 'hid-keyboard', path: '/dev/x', layout: 'de' }] }, /"scanners\[0\]\.layout" names no keyboard layout \(known: pl, us\)/);
  refused(t, { scanners: [{ id: 'g', type: 'serial', path: '/dev/x', profile: 'acme' }] }, /"scanners\[0\]\.profile" names no profile in devices\/ \("acme"\)/);
  refused(t, { scanners: [{ id: 'g', type: 'hid-pos', path: '/dev/x', profile: 'cino-s680' }] }, /"scanners\[0\]\.profile" "cino-s680" has no hid-pos interface/);
  refused(t, { outputs: [{ id: 'r', type: 'serial-relay', path: '/dev/x', relay: 5 }] }, /"outputs\[0\]\.relay" is 5, but "lctech-ch340-relay" boards have 4 relays/);
  t.throws(() => plan({ outputs: [{ id: 'r', type: 'serial-relay', path: '/dev/x', relay: 5 }] }), { message: /^\/etc\/mleg\/config\.json: / }, 'the message starts with the config file');
});

t.test('one rule chooses a profile: mleg devices and the service agree for every interface of every profile', async (t) => {
  for (const profile of loadProfiles()) {
    for (const iface of profile.interfaces) {
      if (iface.interface === 'unsupported') continue;
      const productId = iface.productId === '*' ? '0001' : iface.productId.replace(/x/g, '0');
      const listed = matchProfiles({ vendorId: profile.vendorId, productId }, [iface.interface])[0];
      const config =
        iface.interface === 'serial-relay' || iface.interface === 'hid-relay'
          ? { outputs: [{ id: 'o', type: iface.interface, vendorId: profile.vendorId, productId }] }
          : { scanners: [{ id: 's', type: iface.interface, vendorId: profile.vendorId, productId }] };
      const resolved = plan(config);
      const chosen = resolved.scanners[0]?.profile ?? resolved.relays[0]?.profile;
      t.equal(chosen, listed?.profile.id, `${profile.vendorId}:${productId} as ${iface.interface}: the same profile`);
    }
  }
});
