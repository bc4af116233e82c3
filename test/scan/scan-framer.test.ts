import t from 'tap';
import { MAX_SCAN_LENGTH, ScanFramer } from '../../src/scan/scan-framer.js';

function framer(o: { tab?: boolean } = {}) {
  const scans: string[] = [];
  const overflows: number[] = [];
  const f = new ScanFramer({ ...o, onScan: (s) => scans.push(s), onOverflow: (n) => overflows.push(n) });
  return { f, scans, overflows };
}

t.test('CR, LF and CRLF each end a scan; blank lines are no scans', async (t) => {
  const { f, scans } = framer();
  f.push('MLEG1:a\rMLEG1:b\nMLEG1:c\r\n\r\n\n');
  t.same(scans, ['MLEG1:a', 'MLEG1:b', 'MLEG1:c']);
});

t.test('CRLF split between two chunks is one terminator', async (t) => {
  const { f, scans } = framer();
  f.push('MLEG1:a\r');
  f.push('\nMLEG1:b\r');
  t.same(scans, ['MLEG1:a', 'MLEG1:b']);
});

t.test('one character at a time', async (t) => {
  const { f, scans } = framer();
  for (const c of ']Q1MLEG1:abc~def\r\n') f.push(c);
  t.same(scans, ['MLEG1:abc~def']);
});

t.test('AIM prefixes ]Q1…]Q6 are stripped, others are left for the verifier to refuse', async (t) => {
  const { f, scans } = framer();
  f.push(']Q1MLEG1:a\r]Q6MLEG1:b\r]C0MLEG1:c\r]Q1\r');
  t.same(scans, ['MLEG1:a', 'MLEG1:b', ']C0MLEG1:c'], 'an AIM prefix alone is no scan');
});

t.test('Tab ends a scan only for keyboard wedges', async (t) => {
  const kb = framer({ tab: true });
  kb.f.push('MLEG1:a\tMLEG1:b\r');
  t.same(kb.scans, ['MLEG1:a', 'MLEG1:b']);
  const serial = framer();
  serial.f.push('MLEG1:a\tMLEG1:b\r');
  t.same(serial.scans, ['MLEG1:a\tMLEG1:b']);
});

t.test('flush ends a scan without a suffix (idleMs), and does nothing when empty', async (t) => {
  const { f, scans } = framer();
  f.push('MLEG1:abc');
  t.equal(f.pending, 9);
  f.flush();
  f.flush();
  t.same(scans, ['MLEG1:abc']);
  t.equal(f.pending, 0);
});

t.test('a line over 8 KiB is dropped with its tail, once reported, and the next line is read', async (t) => {
  const { f, scans, overflows } = framer();
  f.push('A'.repeat(MAX_SCAN_LENGTH));
  t.same(overflows, [], 'exactly 8 KiB is still allowed');
  f.push('AAAA');
  t.same(overflows, [MAX_SCAN_LENGTH + 4]);
  f.push('B'.repeat(20000));
  t.equal(overflows.length, 1, 'reported once per line');
  t.equal(f.pending, 0, 'the buffer was reset');
  f.push('tail\rMLEG1:next\r');
  t.same(scans, ['MLEG1:next']);
});

t.test('binary garbage passes through as text (the verifier calls it MALFORMED)', async (t) => {
  const { f, scans } = framer();
  f.push(Buffer.from([0x00, 0xff, 0x80, 0x0d]).toString('latin1'));
  t.same(scans, ['\u0000\u00ff\u0080']);
});

t.test('reset forgets a partial scan', async (t) => {
  const { f, scans } = framer();
  f.push('MLEG1:half');
  f.reset();
  f.push('MLEG1:whole\r');
  t.same(scans, ['MLEG1:whole']);
});

t.test('base45 (MLEG2): spaces and $ % * + - . / : are data, a final space included', async (t) => {
  const { f, scans } = framer();
  f.push('MLEG2:AB $%*+-./: \r\nMLEG2: LEADING\r');
  t.same(scans, ['MLEG2:AB $%*+-./: ', 'MLEG2: LEADING'], 'nothing trimmed');
  const wedge = framer({ tab: true });
  for (const c of ']Q1MLEG2:X Y \t') wedge.f.push(c);
  t.same(wedge.scans, ['MLEG2:X Y '], 'a keyboard wedge ending at Tab keeps the space before it');
  wedge.f.push('MLEG2:Z ');
  wedge.f.flush();
  t.same(wedge.scans.at(-1), 'MLEG2:Z ', 'a scan ended by silence keeps its final space');
});
