/** `mleg devices`: useful on a bare machine, and its snippets are config the service accepts. */
import { dirname } from 'node:path';
import t from 'tap';
import { describeDevices } from '../../src/commands/devices.js';
import { parseConfig } from '../../src/config/config.js';
import { runMleg } from '../helpers/cli.js';
import { hidInfo } from '../helpers/hid.js';

t.test('on this machine with no udevadm on PATH (and maybe no libusb): exit 0 and says what it saw', async (t) => {
  const run = runMleg(['devices'], { env: { ...process.env, PATH: dirname(process.execPath) } });
  t.equal(await run.exited, 0, run.stderr());
  const out = run.stdout();
  t.match(out, /^Serial ports\n/);
  t.match(out, /\nUSB HID devices\n {2}(?:none found|not available: .*libusb|\/dev\/hidraw)/);
  t.match(out, /mleg scan --config FILE/);
});

t.test('mleg devices --profiles lists every shipped model', async (t) => {
  const run = runMleg(['devices', '--profiles']);
  t.equal(await run.exited, 0);
  for (const id of ['honeywell', 'zebra-symbol', 'datalogic-gryphon', 'newland', 'cino-s680', 'dcttech-usb-relay', 'lctech-ch340-relay']) t.match(run.stdout(), new RegExp(`\\n  ${id}: `));
  t.match(run.stdout(), /05e0:1900 {2}unsupported {2}SNAPI/);
});

t.test('a station with devices: profiles matched, snippets the config accepts', async (t) => {
  const text = describeDevices(
    {
      ports: [
        { path: '/dev/ttyACM0', vendorId: '0c2e', productId: '0b61', manufacturer: 'Honeywell', product: 'Xenon' },
        { path: '/dev/ttyUSB0', vendorId: '1a86', productId: '7523', product: 'USB Serial' },
        { path: '/dev/ttyACM1', vendorId: '05e0', productId: '1900' },
        { path: '/dev/ttyACM2', vendorId: 'abcd', productId: '0001' },
      ],
    },
    {
      devices: [
        hidInfo({ path: '/dev/hidraw0', vendorId: 0x1eab, productId: 0x8210, usagePage: 0x8c, usage: 2, product: 'Newland HR32' }),
        hidInfo({ path: '/dev/hidraw1', vendorId: 0x16c0, productId: 0x05df, usagePage: 0xff00, usage: 1, product: 'USBRelay2' }),
        hidInfo({ path: '/dev/hidraw2', vendorId: 0x046d, productId: 0xc31c, usagePage: 1, usage: 6, product: 'USB Keyboard' }),
      ],
    },
  );
  t.match(text, /\/dev\/ttyACM0 {2}0c2e:0b61 {2}Honeywell Xenon\n {4}profile honeywell: .*\(serial, 115200 8N1\)/);
  t.match(text, /\/dev\/ttyACM1 {2}05e0:1900\n {4}Zebra \(Symbol\) .*: not supported: SNAPI/);
  t.match(text, /\/dev\/ttyACM2 {2}abcd:0001\n {4}no known profile; usable as a generic serial scanner/);
  t.match(text, /\/dev\/hidraw2 {2}046d:c31c {2}USB Keyboard {2}usage page 0001 usage 6\n {4}no known profile\n/);
  // Each snippet is a pasteable `"scanners": [ … ]` (or "outputs") line.
  const snippets = [...text.matchAll(/^ {4}"(scanners|outputs)": (\[\{.*\}\])$/gm)].map((m) => [m[1]!, JSON.parse(m[2]!)[0]] as const);
  t.same(
    snippets.map(([list, s]) => `${list} ${s.type} ${s.profile ?? '-'}`),
    ['scanners serial honeywell', 'outputs serial-relay lctech-ch340-relay', 'scanners serial -', 'scanners hid-pos newland', 'outputs hid-relay dcttech-usb-relay'],
  );
  const config = parseConfig(
    {
      trust: { file: 'trust.json' },
      scanners: snippets.filter(([l]) => l === 'scanners').map(([, s]) => s),
      outputs: snippets.filter(([l]) => l === 'outputs').map(([, s]) => s),
    },
    'snippets',
    '/',
  );
  t.equal(config.scanners.length, 3, 'every scanner snippet is valid config');
  t.equal(config.outputs.length, 2, 'every relay snippet is valid config');
});
