import t from 'tap';
import { HidPosAssembler, parseHidPosReport, type HidPosScan } from '../../src/scan/hid-pos-report.js';
import { bytes, HID_POS_LONG, HID_POS_LONG_TEXT, HID_POS_SHORT } from '../fixtures/hid-reports.js';
import { hidPosReports } from '../helpers/hid.js';

function assembler() {
  const scans: HidPosScan[] = [];
  const invalid: string[] = [];
  const overflows: number[] = [];
  const a = new HidPosAssembler({ onScan: (s) => scans.push(s), onInvalid: (r) => invalid.push(r), onOverflow: (n) => overflows.push(n) });
  return { a, scans, invalid, overflows };
}

t.test('one report: length, AIM identifier, data', async (t) => {
  const parsed = parseHidPosReport(bytes(HID_POS_SHORT));
  t.match(parsed, { kind: 'data', aim: ']Q1', more: false });
  t.equal(parsed.kind === 'data' && parsed.data.toString('latin1'), 'MLEG1:short~p');
  const { a, scans } = assembler();
  a.push(bytes(HID_POS_SHORT));
  t.same(scans, [{ text: 'MLEG1:short~p', aim: ']Q1', reports: 1 }]);
});

t.test('a long code over three reports is joined at the report without the continuation bit', async (t) => {
  const { a, scans } = assembler();
  a.push(bytes(HID_POS_LONG[0]!));
  a.push(bytes(HID_POS_LONG[1]!));
  t.same(scans, [], 'nothing before the last report');
  a.push(bytes(HID_POS_LONG[2]!));
  t.same(scans, [{ text: HID_POS_LONG_TEXT, aim: ']Q1', reports: 3 }]);
  a.push(bytes(HID_POS_SHORT));
  t.equal(scans[1]!.text, 'MLEG1:short~p', 'the next code starts afresh');
});

t.test('other report IDs are ignored; malformed reports are reported', async (t) => {
  const { a, scans, invalid } = assembler();
  a.push(bytes('04 40 00 00'));
  a.push(bytes('02 3F 5D 51 31 41 41 41'));
  a.push(bytes('02 01'));
  a.push(new Uint8Array(0));
  t.same(scans, []);
  t.equal(invalid.length, 3);
  t.match(invalid[0], /data length 63 exceeds/);
  t.match(invalid[1], /too short/);
});

t.test('a code that never ends stops at 8 KiB and is dropped; the next one is read', async (t) => {
  const { a, scans, overflows } = assembler();
  const cont = bytes(HID_POS_LONG[0]!);
  for (let i = 0; i < 200; i++) a.push(cont); // 200 × 56 bytes, continuation bit always set
  t.equal(overflows.length, 1);
  a.push(bytes(HID_POS_LONG[2]!));
  t.same(scans, [], 'the over-long code is not delivered');
  a.push(bytes(HID_POS_SHORT));
  t.equal(scans[0]!.text, 'MLEG1:short~p');
});

t.test('a report without an AIM identifier', async (t) => {
  const report = bytes(HID_POS_SHORT);
  report.fill(0, 2, 5);
  t.match(parseHidPosReport(report), { kind: 'data', aim: '' });
});

t.test('base45 (MLEG2) over several reports: every character kept, a space at a report boundary and at the end included', async (t) => {
  const { a, scans } = assembler();
  const text = `MLEG2:${'A'.repeat(49)} 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./: `;
  t.equal(text[55], ' ', 'the 56th character, the last of the first report, is a space');
  for (const r of hidPosReports(text)) a.push(r);
  t.same(scans, [{ text, aim: ']Q1', reports: 2 }]);
});
