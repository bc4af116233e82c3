import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import t from 'tap';
import { encodeStatusList } from '../../src/issuer/status-list.js';
import { entryCount, inflateStatusList, packStatuses, statusAt, type StatusBits } from '../../src/status/status-bits.js';
import { verifyStatusListToken } from '../../src/status/status-list-token.js';
import { parseTrustList } from '../../src/trust/trust-list.js';

interface Vectors {
  status_list_jwt: { jwt: string; jwk: Record<string, unknown>; expect: { typ: string; sub: string; iat: number; exp: number; ttl: number; statuses: number[] } };
  lists: { bits: StatusBits; lst: string; statuses?: number[]; size?: number; set?: Record<string, number> }[];
}
const vectors = JSON.parse(readFileSync(new URL('../fixtures/status-list-vectors.json', import.meta.url), 'utf8')) as Vectors;

t.test('every list vector of the draft decodes to its statuses', async (t) => {
  t.same(vectors.lists.map((v) => v.bits), [1, 2, 1, 2, 4, 8], 'the two small examples and the 2^20-entry ones of 1, 2, 4 and 8 bits');
  for (const [n, v] of vectors.lists.entries()) {
    const bytes = inflateStatusList(v.lst);
    t.ok(bytes.ok, `vector ${n} inflates`);
    if (!bytes.ok) continue;
    if (v.statuses !== undefined) {
      t.same(v.statuses.map((_, i) => statusAt(bytes.value, v.bits, i)), v.statuses, `vector ${n} (${v.bits} bits): all entries`);
      continue;
    }
    t.equal(entryCount(bytes.value, v.bits), v.size, `vector ${n}: ${v.size} entries`);
    let nonZero = 0;
    for (let i = 0; i < v.size!; i++) {
      const value = statusAt(bytes.value, v.bits, i)!;
      if (value !== 0) nonZero += 1;
      if (value !== (v.set![String(i)] ?? 0)) t.fail(`vector ${n}: entry ${i} is ${value}`);
    }
    for (const [idx, value] of Object.entries(v.set!)) t.equal(statusAt(bytes.value, v.bits, Number(idx)), value, `vector ${n}: status[${idx}] = ${value}`);
    t.equal(nonZero, Object.values(v.set!).filter((x) => x !== 0).length, `vector ${n} (${v.bits} bits): exactly the set entries are non-zero`);
    t.equal(statusAt(bytes.value, v.bits, v.size!), undefined, `vector ${n}: past the end`);
  }
});

t.test("the draft's 8-bit example: 2^20 entries, 256 set, every value 0-255 once", async (t) => {
  const v = vectors.lists.find((l) => l.bits === 8)!;
  t.equal(v.size, 2 ** 20);
  t.equal(Object.keys(v.set!).length, 256);
  t.same([...new Set(Object.values(v.set!))].sort((a, b) => a - b), Array.from({ length: 256 }, (_, i) => i), 'each of the 256 values once');
  const bytes = inflateStatusList(v.lst);
  if (!bytes.ok) return t.fail(bytes.reason);
  t.equal(bytes.value.length, 2 ** 20, 'one byte an entry');
  t.equal(statusAt(bytes.value, 8, 19535), 0b11111111, 'status[19535] = 0b11111111');
  t.equal(statusAt(bytes.value, 8, 52451), 0b00000001, 'status[52451] = 0b00000001');
  t.equal(statusAt(bytes.value, 8, 233478), 0, 'status[233478] = 0b00000000');
  const again = inflateStatusList(encodeStatusList(bytes.value, 8));
  t.ok(again.ok && Buffer.compare(again.value, bytes.value) === 0, 'our encoding of the same statuses decodes to the same bytes');
});

t.test('the draft status list token verifies with its key and decodes', async (t) => {
  const v = vectors.status_list_jwt;
  const trust = parseTrustList({ keys: [{ ...v.jwk, iss: 'https://example.com' }] }, 'vector trust list');
  const list = verifyStatusListToken(v.jwt, trust, v.expect.sub);
  t.ok(list.ok, list.ok ? 'verified' : list.reason);
  if (!list.ok) return;
  t.match(list.value, { uri: v.expect.sub, iss: 'https://example.com', kid: '12', iat: v.expect.iat, exp: v.expect.exp, ttl: v.expect.ttl, bits: 1 });
  t.same(v.expect.statuses.map((_, i) => statusAt(list.value.bytes, list.value.bits, i)), v.expect.statuses);
  t.match(verifyStatusListToken(v.jwt, trust, 'https://example.com/statuslists/2'), { ok: false, reason: /sub/ }, 'another URI');
  const otherKid = parseTrustList({ keys: [{ ...v.jwk, kid: '13', iss: 'https://example.com' }] }, 'x');
  t.match(verifyStatusListToken(v.jwt, otherKid, v.expect.sub), { ok: false, reason: /no trusted key/ }, 'kid not trusted');
});

t.test('encoding round trip for every width, LSB first', async (t) => {
  for (const bits of [1, 2, 4, 8] as const) {
    const values = Array.from({ length: 1000 }, (_, i) => (i * 7 + 3) % (1 << bits));
    const bytes = inflateStatusList(encodeStatusList(values, bits));
    t.ok(bytes.ok);
    if (bytes.ok) t.same(values.map((_, i) => statusAt(bytes.value, bits, i)), values, `${bits} bits`);
  }
  t.same([...packStatuses([1, 0, 0, 1, 1, 1, 0, 1], 1)], [0b10111001], 'entry 0 is the least significant bit');
  t.same([...packStatuses([1, 2, 0, 3], 2)], [0b11001001]);
  t.throws(() => packStatuses([4], 2), RangeError);
});

t.test('bad lst: not base64url, not zlib, truncated, over the cap', async (t) => {
  t.match(inflateStatusList('!!!'), { ok: false, reason: /base64url/ });
  t.match(inflateStatusList(''), { ok: false });
  t.match(inflateStatusList(Buffer.from('plain bytes').toString('base64url')), { ok: false, reason: /ZLIB/ });
  const whole = deflateSync(Buffer.alloc(4096, 0x55));
  t.match(inflateStatusList(whole.subarray(0, whole.length - 6).toString('base64url')), { ok: false, reason: /ZLIB/ }, 'truncated stream');
  t.match(inflateStatusList(deflateSync(Buffer.alloc(2048)).toString('base64url'), 1024), { ok: false, reason: /more than 1024 bytes/ });
  t.ok(inflateStatusList(deflateSync(Buffer.alloc(1024)).toString('base64url'), 1024).ok, 'exactly at the cap');
});

t.test('the inflated bytes hold an ArrayBuffer of their own, whatever their size', async (t) => {
  for (const size of [1, 64, 4095, 4096, 16 * 1024, 1_250_000]) {
    const bytes = inflateStatusList(deflateSync(Buffer.alloc(size, 0x01)).toString('base64url'));
    if (!bytes.ok) return t.fail(bytes.reason);
    t.equal(bytes.value.length, size);
    t.ok(bytes.value.buffer instanceof ArrayBuffer && bytes.value.byteOffset === 0 && bytes.value.buffer.byteLength === size, `${size} bytes`);
  }
});
