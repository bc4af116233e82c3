import t from 'tap';
import { MAX_COMPACT_LENGTH, MAX_LENGTH, splitPayload } from '../../src/verify/payload.js';
import { World } from '../helpers/world.js';

t.test('splitPayload: prefix, terminators, AIM prefix, limits', async (t) => {
  t.same(splitPayload('MLEG1:a.b.c~d.e.f'), { ok: true, format: 'MLEG1', credential: 'a.b.c', proof: 'd.e.f' });
  t.same(splitPayload('MLEG1:a.b.c'), { ok: true, format: 'MLEG1', credential: 'a.b.c', proof: undefined });
  for (const end of ['\r', '\n', '\r\n']) t.equal(splitPayload(`MLEG1:a.b.c~d.e.f${end}`).ok, true, `terminator ${JSON.stringify(end)}`);
  for (const aim of [']Q1', ']Q2', ']Q3', ']Q4', ']Q5', ']Q6']) t.equal(splitPayload(`${aim}MLEG1:a.b.c\r\n`).ok, true, aim);
  t.equal(splitPayload(']Q7MLEG1:a.b.c').ok, false, ']Q7 is not an AIM QR identifier');
  t.equal(splitPayload(']E0MLEG1:a.b.c').ok, false, 'an EAN identifier is not stripped');
  t.equal(splitPayload('MLEG1:a.b.c\n\n').ok, false, 'only one terminator is stripped');
  t.equal(splitPayload(' MLEG1:a.b.c').ok, false, 'leading space');
  t.equal(splitPayload('MLEG1:a.b.c ').ok, false, 'trailing space');
  t.equal(splitPayload('mleg1:a.b.c').ok, false, 'prefix is case-sensitive');
  t.equal(splitPayload('MLEG2:a.b.c').ok, false, 'lower case is outside base45');
  t.equal(splitPayload('MLEG3:ABC').ok, false);
  t.equal(splitPayload('').ok, false);
  for (const bad of ['+', '/', '=', ' ', '\t', 'ą', '\u0000', '"']) t.equal(splitPayload(`MLEG1:a.b${bad}c`).ok, false, `character ${JSON.stringify(bad)}`);
  t.equal(splitPayload('MLEG1:a.b.c~d.e.f~g.h.i').ok, false, 'two proofs');
  t.equal(splitPayload(`MLEG1:${'a'.repeat(MAX_LENGTH)}`).ok, true, 'exactly 4096 characters');
  const long = splitPayload(`MLEG1:${'a'.repeat(MAX_LENGTH + 1)}`);
  t.equal(long.ok, false);
  t.match(!long.ok && long.reason, /longer than 4096/);
});

t.test('splitPayload: MLEG2 keeps every base45 character, a space at either end included', async (t) => {
  const all = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
  t.same(splitPayload(`MLEG2:${all}`), { ok: true, format: 'MLEG2', text: all });
  t.same(splitPayload('MLEG2: AB '), { ok: true, format: 'MLEG2', text: ' AB ' }, 'a leading and a trailing space are data');
  for (const end of ['\r', '\n', '\r\n']) t.same(splitPayload(`]Q1MLEG2:AB ${end}`), { ok: true, format: 'MLEG2', text: 'AB ' }, `AIM prefix and ${JSON.stringify(end)} stripped, the space kept`);
  for (const bad of ['a', '~', '_', '=', '\t', '#', 'ą', '\u00a0']) t.equal(splitPayload(`MLEG2:AB${bad}C`).ok, false, `character ${JSON.stringify(bad)}`);
  t.equal(splitPayload(`MLEG2:${'A'.repeat(MAX_COMPACT_LENGTH)}`).ok, true, 'exactly 3000 characters');
  const long = splitPayload(`MLEG2:${'A'.repeat(MAX_COMPACT_LENGTH + 1)}`);
  t.match(!long.ok && long.reason, /longer than 3000/);
  t.equal(splitPayload('MLEG2:AB\n\n').ok, false, 'only one terminator is stripped');
});

t.test('splitPayload agrees with the plain regex reading on thousands of odd inputs', async (t) => {
  // The reference: SPEC 1 as first written, whole-string regex replaces.
  const reference = (raw: string) => {
    let text = raw.replace(/(?:\r\n|\r|\n)$/, '').replace(/^\]Q[1-6]/, '');
    if (text.startsWith('MLEG2:')) {
      text = text.slice(6);
      if (text.length > MAX_COMPACT_LENGTH || !/^[0-9A-Z $%*+\-./:]*$/.test(text)) return { ok: false };
      return { ok: true, format: 'MLEG2', text };
    }
    if (!text.startsWith('MLEG1:')) return { ok: false };
    text = text.slice(6);
    if (text.length > MAX_LENGTH || !/^[A-Za-z0-9_.~-]*$/.test(text)) return { ok: false };
    const parts = text.split('~');
    if (parts.length > 2) return { ok: false };
    return { ok: true, format: 'MLEG1', credential: parts[0], proof: parts[1] };
  };
  const pieces = [']Q1', ']Q7', 'MLEG1:', 'MLEG1', 'MLEG2:', 'a', 'A', '9', '.', '~', '\r', '\n', '\r\n', ' ', '+', '$', ':'];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let mismatches = 0;
  let accepted = 0;
  let compact = 0;
  for (let i = 0; i < 20_000; i++) {
    const length = Math.floor(random() * 8);
    const raw = Array.from({ length }, () => pieces[Math.floor(random() * pieces.length)]).join('');
    const r = random();
    const input = r < 0.35 ? `MLEG1:${raw}` : r < 0.7 ? `MLEG2:${raw}` : raw;
    const ours = splitPayload(input);
    const theirs = reference(input);
    if (ours.ok) accepted++;
    if (ours.ok && ours.format === 'MLEG2') compact++;
    if (JSON.stringify(ours.ok ? ours : { ok: false }) !== JSON.stringify(theirs)) mismatches++;
  }
  t.equal(mismatches, 0);
  t.ok(accepted > 1000, `both sides exercised (${accepted} accepted)`);
  t.ok(compact > 500, `MLEG2 exercised (${compact} accepted)`);
});

t.test('verdict MALFORMED for payload-level faults, with nothing shown', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const good = w.present();
  t.equal(w.verify(good).verdict, 'VALID');
  const cases: Record<string, string> = {
    'no prefix': good.slice('MLEG1:'.length),
    'over 4096 characters': `MLEG1:${'A'.repeat(4097)}`,
    'a character outside the alphabet': good.replace('.', '+'),
    'two tildes': `${good}~${good.split('~')[1]}`,
    'empty proof after ~': `${good.split('~')[0]}~`,
    'proof is not a JWS': `${good.split('~')[0]}~abc`,
    'proof payload is not JSON': `${good.split('~')[0]}~eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.AAAA`,
    'proof header is a JSON array': `${good.split('~')[0]}~WzFd.e30.AAAA`,
    'credential is not a JWS': `MLEG1:abc~${good.split('~')[1]}`,
    'credential segment of impossible length': `MLEG1:a.b.c~${good.split('~')[1]}`,
  };
  for (const [name, payload] of Object.entries(cases)) {
    const r = w.verify(payload);
    t.equal(r.verdict, 'MALFORMED', name);
    t.equal(r.credential, null, `${name}: no credential shown`);
    t.equal(r.holder, null);
    t.equal(r.presented_at, null);
  }
  t.equal(w.verify(`]Q1${w.present(undefined, { jti: 'aim-prefixed-presentation' })}\r\n`).verdict, 'VALID', 'AIM prefix and CRLF are stripped');
});
