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

/**
 * Every base45 character (MLEG2) as a keyboard-wedge scanner sends it: the HID usage ID of
 * its key (HID Usage Tables, Keyboard/Keypad page 0x07) and Shift where a US keyboard
 * needs it, written out here from the tables rather than from the layout files, with the
 * keypad keys scanners use for symbols too. Both layouts must type every one.
 */
const BASE45_KEYS: [char: string, shift: boolean, usage: number][] = [
  ...[...'123456789'].map((c, i): [string, boolean, number] => [c, false, 0x1e + i]),
  ['0', false, 0x27],
  ...[...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c, i): [string, boolean, number] => [c, true, 0x04 + i]),
  [' ', false, 0x2c],
  ['$', true, 0x21],
  ['%', true, 0x22],
  ['*', true, 0x25],
  ['+', true, 0x2e],
  ['-', false, 0x2d],
  ['.', false, 0x37],
  ['/', false, 0x38],
  [':', true, 0x33],
];
const KEYPAD: [char: string, usage: number][] = [
  ['/', 0x54],
  ['*', 0x55],
  ['-', 0x56],
  ['+', 0x57],
  ['.', 0x63],
  ...[...'1234567890'].map((c, i): [string, number] => [c, 0x59 + i]),
];

t.test('keyboard-wedge reports for every base45 character, in both layouts', async (t) => {
  const { BASE45_ALPHABET } = await import('../../src/cose/base45.js');
  t.same(BASE45_KEYS.map(([c]) => c).sort(), [...BASE45_ALPHABET].sort(), 'the table covers the 45 characters');
  const report = (modifiers: number, usage: number) => Buffer.from([modifiers, 0, usage, 0, 0, 0, 0, 0]);
  for (const name of layoutNames()) {
    const d = new HidKeyboardDecoder(loadLayout(name));
    for (const [c, shift, usage] of BASE45_KEYS) {
      for (const modifiers of shift ? [0x02, 0x20] : [0x00]) {
        const typed = d.push(report(modifiers, usage)) + d.push(Buffer.alloc(8));
        t.equal(typed, c, `${name}: ${JSON.stringify(c)} as usage ${usage.toString(16)}${shift ? ` with ${modifiers === 0x02 ? 'left' : 'right'} Shift` : ''}`);
      }
    }
    for (const [c, usage] of KEYPAD) t.equal(d.push(report(0, usage)) + d.push(Buffer.alloc(8)), c, `${name}: ${JSON.stringify(c)} from the keypad (usage ${usage.toString(16)})`);
    t.equal(d.unknownKeys, 0, `${name}: no key unknown`);
    // A whole base45 run typed as a scanner does, a repeated character and a final space included.
    const text = 'MLEG2:AA  $%*+-./: 09Z ';
    const keyOf = new Map(BASE45_KEYS.map(([c, shift, usage]) => [c, [shift ? 0x02 : 0, usage] as const]));
    const typed = [...text].map((c) => {
      const [m, u] = keyOf.get(c)!;
      return d.push(report(m, u)) + d.push(Buffer.alloc(8));
    });
    t.equal(typed.join(''), text, `${name}: ${JSON.stringify(text)} typed out whole`);
  }
});
