/** Operators' password hashes: scrypt with a salt each, the parameters kept beside the hash, weaker ones remade, new passwords checked. */
import t from 'tap';
import { CURRENT_PARAMS, formatParams, hashPassword, needsRehash, newPasswordProblem, parseParams, verifyNothing, verifyPassword } from '../../../src/issuance/portal/passwords.js';

t.test('hash and verify: N = 2^15, r = 8, p = 1, 32 bytes, a 16-byte salt of its own each time', async (t) => {
  const a = await hashPassword('Zielona-Łąka-2026!');
  const b = await hashPassword('Zielona-Łąka-2026!');
  t.equal(a.params, 'scrypt:N=32768,r=8,p=1,len=32');
  t.equal(a.hash.length, 32);
  t.equal(a.salt.length, 16);
  t.notSame(a.salt, b.salt, 'a salt per hash');
  t.notSame(a.hash, b.hash, 'so the same password hashes differently');
  t.ok(await verifyPassword('Zielona-Łąka-2026!', a));
  t.notOk(await verifyPassword('Zielona-Łąka-2026', a));
  t.notOk(await verifyPassword('zielona-łąka-2026!', a));
  const decomposed = 'Zielona-Łąka-2026!'.normalize('NFD');
  t.not(decomposed, 'Zielona-Łąka-2026!');
  t.ok(await verifyPassword(decomposed, a), 'ą typed decomposed is the same password (NFC)');
  t.equal(await verifyNothing('anything at all'), false);
});

t.test('the parameters: read back, refused when not ours, weaker ones remade', async (t) => {
  t.same(parseParams(formatParams(CURRENT_PARAMS)), CURRENT_PARAMS);
  for (const bad of ['', 'bcrypt:12', 'scrypt:N=1000,r=8,p=1,len=32', 'scrypt:N=512,r=8,p=1,len=32', 'scrypt:N=32768,r=8,p=1,len=8', 'scrypt:N=32768,r=8,p=1']) t.equal(parseParams(bad), undefined, bad);
  const weak = await hashPassword('Zielona-Łąka-2026!', { ...CURRENT_PARAMS, N: 2 ** 12 });
  t.ok(await verifyPassword('Zielona-Łąka-2026!', weak), 'a weaker hash still verifies');
  t.ok(needsRehash(weak), 'and is remade');
  t.notOk(needsRehash(await hashPassword('x'.repeat(12))));
  t.ok(needsRehash({ ...weak, params: 'bcrypt:12' }));
  await t.rejects(verifyPassword('x', { ...weak, params: 'bcrypt:12' }), { code: 'DATABASE_INVALID' });
});

t.test('new passwords: 12 to 256 characters (counted as people count them), no control characters', async (t) => {
  t.match(newPasswordProblem('short'), /at least 12 characters \(it has 5\)/);
  t.match(newPasswordProblem('ąęółżźćńśąęó'.slice(0, 11)), /at least 12/, 'Polish letters count once each');
  t.equal(newPasswordProblem('ąęółżźćńśąęó'), undefined);
  t.match(newPasswordProblem('x'.repeat(257)), /at most 256/);
  t.match(newPasswordProblem('twelve chars\t!'), /control characters/);
  t.equal(newPasswordProblem('correct horse battery staple'), undefined);
});
