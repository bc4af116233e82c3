/**
 * Key generation: `mleg wallet`, issuer setup and every test world make key pairs as
 * JWKs. Exporting a freshly generated KeyObject deadlocks Node 20 within a few hundred
 * to a few thousand keys (a GC during the export finalizes the generation job, whose
 * destructor waits on the lock the export holds); generateKeyPairJwk must never do that.
 */
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { generateKeyPairJwk } from '../../src/issuer/keys.js';

t.test('thousands of key pairs in a row never hang the process', (t) => {
  const keys = fileURLToPath(new URL('../../src/issuer/keys.ts', import.meta.url));
  const code = `
    const { generateKeyPairJwk } = await import(${JSON.stringify(keys)});
    const kept = [];
    for (let i = 0; i < 10000; i++) {
      kept.push(generateKeyPairJwk(i % 2 ? 'ES256' : 'EdDSA'));
      if (kept.length > 2000) kept.length = 0;
    }
    process.stdout.write('made 10000');`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
  t.equal(run.signal, null, 'not killed by the time limit (a deadlocked process sits at 0 % CPU for ever)');
  t.equal(run.stdout, 'made 10000', run.stderr);
  t.end();
});

t.test('a generated pair is a working private and public JWK of the asked type', (t) => {
  for (const [alg, kty, crv] of [['ES256', 'EC', 'P-256'], ['EdDSA', 'OKP', 'Ed25519']] as const) {
    const { privateJwk, publicJwk } = generateKeyPairJwk(alg);
    t.match(publicJwk, { kty, crv, x: /^[A-Za-z0-9_-]{43}$/ }, alg);
    t.notOk('d' in publicJwk, `${alg}: the public part has no "d"`);
    t.match(privateJwk, { kty, crv, x: publicJwk.x, d: /^[A-Za-z0-9_-]{43}$/ });
    const data = Buffer.from('MLEG1');
    const digest = alg === 'ES256' ? 'sha256' : null;
    const signature = sign(digest, data, createPrivateKey({ key: privateJwk as Record<string, string>, format: 'jwk' }));
    t.ok(verify(digest, data, createPublicKey({ key: publicJwk as Record<string, string>, format: 'jwk' }), signature), `${alg}: signs and verifies`);
  }
  t.end();
});
