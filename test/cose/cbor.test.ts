/** The strict CBOR reader and the deterministic writer (RFC 8949), against the RFC's Appendix A examples. */
import t from 'tap';
import { CborFloat, CborReader, CborTagged, decodeCbor, encodeCbor, type CborValue } from '../../src/cose/cbor.js';

const hex = (h: string) => Buffer.from(h.replace(/\s/g, ''), 'hex');
const decoded = (h: string) => {
  const r = decodeCbor(hex(h));
  return r.ok ? r.value : { refused: r.reason };
};

t.test('RFC 8949 Appendix A: decoding and encoding', async (t) => {
  const examples: [string, CborValue][] = [
    ['00', 0],
    ['17', 23],
    ['1818', 24],
    ['1903e8', 1000],
    ['1a000f4240', 1000000],
    ['1b000000e8d4a51000', 1000000000000],
    ['20', -1],
    ['3903e7', -1000],
    ['f4', false],
    ['f5', true],
    ['f6', null],
    ['40', Buffer.alloc(0)],
    ['4401020304', hex('01020304')],
    ['60', ''],
    ['6449455446', 'IETF'],
    ['62c3bc', 'ü'],
    ['63e6b0b4', '水'],
    ['80', []],
    ['83010203', [1, 2, 3]],
    ['8301820203820405', [1, [2, 3], [4, 5]]],
    ['a0', new Map()],
    ['a201020304', new Map([[1, 2], [3, 4]])],
    ['a26161016162820203', new Map<string, CborValue>([['a', 1], ['b', [2, 3]]])],
  ];
  for (const [h, value] of examples) {
    t.same(decoded(h), value, `decode ${h}`);
    t.equal(encodeCbor(value).toString('hex'), h, `encode ${h}`);
  }
  t.same(decoded('fb3ff199999999999a'), new CborFloat(1.1), 'a double is a CborFloat');
  t.same(decoded('f93c00'), new CborFloat(1), 'a half-precision 1.0 is a float, not the integer 1');
  t.same(decoded('fa47c35000'), new CborFloat(100000));
  t.same(decoded('f97c00'), new CborFloat(Infinity));
});

t.test('refused: what strict decoding rules out', async (t) => {
  const refused: Record<string, string> = {
    'indefinite array': '9f0102ff',
    'indefinite map': 'bf6161 01ff',
    'indefinite byte string': '5f42010243030405ff',
    'indefinite text string': '7f657374726561646d696e67ff',
    'a lone break': 'ff',
    'duplicate integer keys': 'a201020103',
    'duplicate text keys': 'a2616101616102',
    'a byte-string key': 'a1410001',
    'an array key': 'a1800001',
    'a tag (0, date-time)': 'c074323031332d30332d32315432303a30343a30305a',
    'tag 18': 'd28440a04040',
    'undefined': 'f7',
    'a simple value (16)': 'f0',
    'a simple value (255, two bytes)': 'f8ff',
    '24 as 1 + 1 byte with a small value (0x18 0x17)': '1817',
    '1000 as 4 bytes': '1a000003e8',
    'a length not in its shortest form': '5801ff',
    'an integer beyond 2^53': '1b0020000000000000',
    'a negative integer beyond -2^53': '3b001fffffffffffff',
    'text that is not UTF-8': '62c328',
    'a string longer than the input': '450102',
    'an array longer than the input': '9a00010000',
    'reserved additional information (28)': '1c',
    'nothing': '',
    'two items': '0000',
  };
  for (const [name, h] of Object.entries(refused)) t.ok('refused' in (decoded(h) as object), `${name} (${h})`);
  t.match(decoded('a201020103'), { refused: /map key 1 twice/ });
  t.match(decoded('0000'), { refused: /1 bytes after the item/ });
  t.same(decoded('3b001ffffffffffffe'), -Number.MAX_SAFE_INTEGER, 'control: -2^53 + 1 is read');
  t.same(decoded('1b001fffffffffffff'), Number.MAX_SAFE_INTEGER, 'control: 2^53 - 1 is read');
});

t.test('nesting is bounded, and a deep input cannot exhaust the stack', async (t) => {
  t.ok(Array.isArray(decoded(`${'81'.repeat(16)}00`)), '16 levels are read');
  t.match(decoded(`${'81'.repeat(17)}00`), { refused: /deeper than 16/ });
  t.match(decodeCbor(Buffer.alloc(100_000, 0x81)), { ok: false });
});

t.test('byte strings are views of the input; the reader knows where it is', async (t) => {
  const input = hex('824401020304 43050607');
  const reader = new CborReader(input);
  reader.head();
  t.same([reader.major, reader.argument], [4, 2]);
  const first = reader.byteString();
  t.equal(first.buffer, input.buffer, 'no copy');
  t.same([...first], [1, 2, 3, 4]);
  t.equal(reader.pos, 6);
  t.same([...reader.byteString()], [5, 6, 7]);
  t.ok(reader.atEnd);
});

t.test('the writer: deterministic map order, objects as text-keyed maps, tags, undefined left out', async (t) => {
  t.equal(encodeCbor(new Map<string | number, CborValue>([['b', 1], [10, 2], [-1, 3], ['a', 4], [1, 5]])).toString('hex'), 'a501050a022003616104616201', 'keys in the order of their encoded bytes');
  t.equal(encodeCbor({ b: 1, a: undefined, c: 'x' }).toString('hex'), 'a2616201616361' + '78');
  t.equal(encodeCbor(new CborTagged(18, [])).toString('hex'), 'd280');
  t.equal(encodeCbor(65535).toString('hex'), '19ffff');
  t.equal(encodeCbor(4294967296).toString('hex'), '1b0000000100000000');
  t.equal(encodeCbor(-65537).toString('hex'), '3a00010000');
});
