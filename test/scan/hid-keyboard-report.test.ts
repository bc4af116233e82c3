import t from 'tap';
import { HidKeyboardDecoder } from '../../src/scan/hid-keyboard-report.js';
import { layoutNames, loadLayout } from '../../src/devices/keyboard-layout.js';
import { bytes, KEYBOARD_RIGHT_SHIFT, KEYBOARD_TYPED } from '../fixtures/hid-reports.js';

const typeOut = (d: HidKeyboardDecoder, reports: string[]) => reports.map((r) => d.push(bytes(r))).join('');

t.test('boot reports to characters, with Shift, ending in Enter', async (t) => {
  t.equal(typeOut(new HidKeyboardDecoder(loadLayout('us')), KEYBOARD_TYPED), 'MLEG1:aZ-_~.9\r');
});

t.test('right Shift counts as Shift; Tab is typed as Tab', async (t) => {
  t.equal(typeOut(new HidKeyboardDecoder(loadLayout('us')), KEYBOARD_RIGHT_SHIFT), 'AbC\t');
});

t.test('Polish programmer\'s layout equals US for the payload alphabet, and AltGr gives Polish letters', async (t) => {
  const us = loadLayout('us');
  const pl = loadLayout('pl');
  for (const [code, pair] of us.keys) t.same(pl.keys.get(code), pair, `usage ${code.toString(16)}`);
  t.equal(typeOut(new HidKeyboardDecoder(pl), KEYBOARD_TYPED), 'MLEG1:aZ-_~.9\r');
  const d = new HidKeyboardDecoder(pl);
  t.equal(d.push(bytes('40 00 04 00 00 00 00 00')) + d.push(bytes('00 00 00 00 00 00 00 00')) + d.push(bytes('42 00 1D 00 00 00 00 00')), 'ąŻ');
  t.same(layoutNames(), ['pl', 'us']);
});

t.test('a held key types once; a new key in the same report types; rollover and unknown keys type nothing', async (t) => {
  const d = new HidKeyboardDecoder(loadLayout('us'));
  t.equal(d.push(bytes('00 00 04 00 00 00 00 00')), 'a');
  t.equal(d.push(bytes('00 00 04 00 00 00 00 00')), '', 'still held');
  t.equal(d.push(bytes('00 00 04 05 00 00 00 00')), 'b', 'fast scanners press the next key before releasing');
  t.equal(d.push(bytes('00 00 01 01 01 01 01 01')), '', 'rollover error');
  t.equal(d.push(bytes('00 00 3A 00 00 00 00 00')), '', 'F1');
  t.equal(d.unknownKeys, 1);
});

t.test('a 9-byte report with a leading report ID', async (t) => {
  const d = new HidKeyboardDecoder(loadLayout('us'));
  t.equal(d.push(bytes('01 02 00 10 00 00 00 00 00')), 'M');
});

t.test('an unknown layout names the known ones', async (t) => {
  t.throws(() => loadLayout('de'), /no keyboard layout "de" \(known: pl, us\)/);
});
