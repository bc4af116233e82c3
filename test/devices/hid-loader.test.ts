/**
 * node-hid is loaded lazily: on a machine without libusb-1.0 (CI's fresh Debian, and
 * this one unless someone installed it) the service runs, and a configured HID scanner
 * reports an error that says which package to install.
 */
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { hidUnavailable, HidUnavailableError, loadHid } from '../../src/devices/hid-loader.js';
import { until } from '../helpers/until.js';
import { readJson, startService } from '../helpers/service.js';

function hasLibusb(): boolean {
  try {
    return /libusb-1\.0\.so\.0/.test(execFileSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
}
const libusb = hasLibusb();

t.test('a load failure becomes a message naming what to install', async (t) => {
  const err = hidUnavailable(new Error('libusb-1.0.so.0: cannot open shared object file: No such file or directory'));
  t.type(err, HidUnavailableError);
  t.match(err.message, /libusb-1\.0-0/);
  t.match(err.message, /apt-get install libusb-1\.0-0/);
  t.match(hidUnavailable(new Error("Cannot find package 'node-hid' imported from x")).message, /npm package node-hid/);
  t.match(hidUnavailable(new Error('something else')).message, /could not be loaded: something else/);
});

t.test('loading node-hid on this machine', { skip: libusb && 'libusb-1.0 is installed here' }, async (t) => {
  await t.rejects(loadHid(), { name: 'HidUnavailableError', message: /apt-get install libusb-1\.0-0/ });
});

t.test('a configured HID scanner without libusb: the service runs and the scanner says why it is unavailable', async (t) => {
  const s = await startService({ config: { scanners: [{ id: 'till', type: 'hid-pos', vendorId: '0c2e' }] } });
  t.teardown(() => s.close());
  await until(() => s.service.scanners()[0]!.detail !== 'not opened yet', 5000, 'the first open attempt');
  const [till] = s.service.scanners();
  if (libusb) {
    t.match(till, { id: 'till', type: 'hid-pos', state: 'disconnected', detail: /no USB HID device 0c2e/ });
  } else {
    t.match(till, { id: 'till', type: 'hid-pos', lane: null, state: 'unavailable', detail: /libusb-1\.0-0/ });
    t.match(
      s.logs.find((l) => l.msg === 'scanner not connected'),
      { scanner: 'till', state: 'unavailable' },
    );
  }
  t.equal((await fetch(`${s.url}/healthz`)).status, 200);
  const res = await fetch(`${s.url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payload: s.present() }) });
  t.equal((await readJson(res)).verdict, 'VALID', 'verification goes on');
});
