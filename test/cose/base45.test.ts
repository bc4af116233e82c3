/** RFC 9285's examples, both ways, and the inputs it says a decoder must refuse. */
import t from 'tap';
import { BASE45_ALPHABET, decodeBase45, encodeBase45 } from '../../src/cose/base45.js';

t.test('RFC 9285 section 4.3: encoding examples', async (t) => {
  const vectors: [string, string][] = [
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
  ];
  for (const [text, encoded] of vectors) {
    t.equal(encodeBase45(Buffer.from(text, 'ascii')), encoded, `encode ${JSON.stringify(text)}`);
    t.equal(decodeBase45(encoded)?.toString('ascii'), text, `decode ${JSON.stringify(encoded)}`);
  }
  t.same(decodeBase45('QED8WEX0'), Buffer.from([105, 101, 116, 102, 33]), 'section 4.4: "QED8WEX0" is [105 101 116 102 33]');
});

t.test('the alphabet is Table 1, and every value round-trips', async (t) => {
  t.equal(BASE45_ALPHABET, '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:');
  t.equal(encodeBase45(Buffer.alloc(0)), '');
  t.same(decodeBase45(''), Buffer.alloc(0));
  for (let n = 0; n <= 0xffff; n++) {
    const bytes = Buffer.from([n >> 8, n & 0xff]);
    const text = encodeBase45(bytes);
    if (text.length !== 3 || !decodeBase45(text)?.equals(bytes)) {
      t.fail(`two bytes ${n} do not round-trip (${JSON.stringify(text)})`);
      return;
    }
  }
  for (let n = 0; n <= 0xff; n++) {
    const text = encodeBase45(Buffer.from([n]));
    if (text.length !== 2 || decodeBase45(text)?.[0] !== n) t.fail(`one byte ${n}`);
  }
  t.equal(encodeBase45(Buffer.from([0xff, 0xff])), 'FGW', 'the largest group');
  t.pass('all 65 536 two-byte and 256 one-byte groups round-trip');
});

t.test('refused: what RFC 9285 section 6 and 4.4 rule out', async (t) => {
  const invalid: Record<string, string> = {
    'a group worth 65536 ("GGW", the RFC\'s example)': 'GGW',
    'a group worth more (":::")': ':::',
    'a last pair worth 256 ("V5")': 'V5',
    'a length of 3k + 1': 'ABCD',
    'one character': 'A',
    'lower case': 'bb8',
    'a character outside the alphabet': 'BB=',
    'a non-ASCII character': 'BBą',
    'a tab': 'B\t8',
  };
  for (const [name, text] of Object.entries(invalid)) t.equal(decodeBase45(text), undefined, name);
  t.same(decodeBase45('FGW'), Buffer.from([0xff, 0xff]), 'control: 65535 is the largest group');
  t.same(decodeBase45('U5'), Buffer.from([0xff]), 'control: 255 ("U5") is the largest last pair');
});
