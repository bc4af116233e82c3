import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { hex, parseByteSequence } from '../../src/devices/byte-sequence.js';
import { loadProfiles, matchProfiles, productIdMatches, profileFor } from '../../src/devices/device-profiles.js';
import { isMlegError, type MlegError } from '../../src/errors.js';

t.test('every shipped profile loads and validates', async (t) => {
  const ids = loadProfiles().map((p) => p.id);
  t.same(ids, ['cino-s680', 'datalogic-gryphon', 'dcttech-usb-relay', 'honeywell', 'lctech-ch340-relay', 'newland', 'zebra-symbol']);
});

t.test('the profiles the issue asks for, with their IDs and settings', async (t) => {
  const iface = (vendorId: string, productId: string, kinds: Parameters<typeof matchProfiles>[1], product?: string) =>
    matchProfiles({ vendorId, productId, product }, kinds)[0];
  t.match(iface('0c2e', '0b87', ['hid-pos']), { profile: { id: 'honeywell' } });
  t.match(iface('0c2e', '0b61', ['serial'])?.iface, { serial: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 }, framing: { suffix: 'CRLF' } });
  t.match(iface('05e0', '1701', ['serial'])?.iface, { serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } });
  t.match(iface('05e0', '1900', ['unsupported'])?.iface, { note: /SNAPI/ });
  t.equal(iface('05e0', '1900', ['serial', 'hid-pos', 'hid-keyboard']), undefined, 'SNAPI is not offered as a scanner');
  t.match(iface('05f9', '2206', ['hid-keyboard']), { profile: { id: 'datalogic-gryphon' } });
  t.match(iface('05f9', '4204', ['serial']), { profile: { id: 'datalogic-gryphon' } });
  t.match(iface('1eab', '8203', ['hid-keyboard']), { profile: { id: 'newland' } });
  t.match(iface('1eab', '1d06', ['serial']), { profile: { id: 'newland' } });
  t.match(iface('1eab', '0c10', ['hid-pos']), { profile: { id: 'newland' } });
  t.equal(iface('1eab', '0c10', ['serial']), undefined);
  t.match(iface('1fbb', '3850', ['serial'])?.iface, { serial: { baudRate: 115200 }, framing: { suffix: 'CR' } });
  t.match(iface('16c0', '05df', ['hid-relay'], 'USBRelay2'), { profile: { id: 'dcttech-usb-relay' } });
  t.equal(iface('16c0', '05df', ['hid-relay'], 'some other V-USB gadget'), undefined, 'the shared V-USB id alone is not a relay');
  t.match(iface('1a86', '7523', ['serial-relay'])?.iface, { serial: { baudRate: 9600 } });
});

t.test('relay commands of each relay profile', async (t) => {
  const relay = (id: string) => loadProfiles().find((p) => p.id === id)!.interfaces[0]!.relay!;
  const lc = relay('lctech-ch340-relay');
  t.equal(hex(lc.on({ relay: 1 })), 'A0 01 01 A2');
  t.equal(hex(lc.off({ relay: 1 })), 'A0 01 00 A1');
  t.equal(hex(lc.on({ relay: 2 })), 'A0 02 01 A3');
  t.equal(hex(lc.off({ relay: 4 })), 'A0 04 00 A4');
  const dct = relay('dcttech-usb-relay');
  t.equal(dct.report, 'feature');
  t.equal(hex(dct.on({ relay: 1 })), '00 FF 01 00 00 00 00 00 00');
  t.equal(hex(dct.off({ relay: 1 })), '00 FD 01 00 00 00 00 00 00');
  t.equal(hex(dct.on({ relay: 3 })), '00 FF 03 00 00 00 00 00 00');
});

t.test('scanner feedback commands', async (t) => {
  const honeywell = profileFor({ profile: 'honeywell' }, 'serial')!.iface;
  t.equal(hex(honeywell.feedback.good!()), '1B 37');
  t.equal(hex(honeywell.feedback.bad!()), '1B 38');
});

t.test('byte sequences: hex, {relay}, {sum}; bad tokens are named', async (t) => {
  t.equal(hex(parseByteSequence(' 1b  37 ')()), '1B 37');
  t.equal(hex(parseByteSequence('FF FF {sum}')()), 'FF FF FE');
  t.throws(() => parseByteSequence('A0 0x01'), /"0x01" is not a hex byte/);
  t.throws(() => parseByteSequence(''), /empty/);
  t.throws(() => parseByteSequence('A0 {relay}')(), /needs a relay number/);
});

t.test('product ID patterns', async (t) => {
  t.ok(productIdMatches('xx03', '8203'));
  t.ok(productIdMatches('xx03', '1D03'));
  t.notOk(productIdMatches('xx03', '8206'));
  t.ok(productIdMatches('*', 'abcd'));
  t.notOk(productIdMatches('0b87', '0b8'));
});

t.test('a malformed profile is refused with the file and the key', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-profiles-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ vendor: 'X', model: 'Y', vendorId: '0C2E', interfaces: [] }));
  t.throws(() => loadProfiles(dir), /bad\.json: "vendorId" must be four lower-case hex digits/);
  const dir2 = mkdtempSync(join(tmpdir(), 'mleg-profiles-'));
  t.teardown(() => rmSync(dir2, { recursive: true, force: true }));
  writeFileSync(join(dir2, 'r.json'), JSON.stringify({ vendor: 'X', model: 'Y', vendorId: '0c2e', interfaces: [{ interface: 'serial-relay', productId: '0001', relay: { on: 'A0 zz', off: '00' } }] }));
  t.throws(() => loadProfiles(dir2), /r\.json: "interfaces\[0\]\.relay\.on": "zz" is not a hex byte/);
});

t.test('whatever is wrong with a file in devices/, it is one error: DEVICE_PROFILE_INVALID, exit 2', async (t) => {
  const broken: Record<string, string> = {
    'not JSON': '{ "vendor": ',
    'a wrong type': JSON.stringify({ vendor: 'X', model: 'Y', vendorId: 3118, interfaces: [] }),
    'an unknown key': JSON.stringify({ vendor: 'X', model: 'Y', vendorId: '0c2e', interfaces: [], colour: 'red' }),
    'a bad byte sequence': JSON.stringify({ vendor: 'X', model: 'Y', vendorId: '0c2e', interfaces: [{ interface: 'serial', productId: '0001', feedback: { good: 'GG' } }] }),
    'a relay interface without commands': JSON.stringify({ vendor: 'X', model: 'Y', vendorId: '0c2e', interfaces: [{ interface: 'hid-relay', productId: '0001' }] }),
  };
  for (const [what, text] of Object.entries(broken)) {
    const dir = mkdtempSync(join(tmpdir(), 'mleg-profiles-'));
    writeFileSync(join(dir, 'broken.json'), text);
    try {
      loadProfiles(dir);
      t.fail(`${what}: refused`);
    } catch (err) {
      t.ok(isMlegError(err, 'DEVICE_PROFILE_INVALID'), `${what}: DEVICE_PROFILE_INVALID`);
      t.equal((err as MlegError).exit, 2, `${what}: exit 2`);
      t.match((err as Error).message, /broken\.json/, `${what}: the message names the file`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
