/**
 * `npm run bench issuance`: what the issuing service costs, as ratios to baselines measured
 * in the same run on the same database file.
 *
 * - Commits: the baseline is one bare IMMEDIATE transaction inserting a row, with
 *   `synchronous=FULL` (every commit reaches the disk, as the store runs) and, for reference,
 *   `NORMAL`. A redemption (`redeemOffer`) and an issuance (`issueCredential`) are each one
 *   such transaction with a few statements more: their rates against the bare commit say
 *   what the store adds beyond the disk.
 * - Activations over HTTP: token + nonce + credential (with a key proof made by the wallet)
 *   through the running service, 10 at a time, against the same three steps in process
 *   (the store calls, the key proof check and the credential signature without HTTP).
 * - Status lists: signing a 100 000-entry list with 1 000 revoked; `GET /status/1` when
 *   cached, against `GET /healthz` of the same server (autocannon, 10 connections).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { calculateJwkThumbprint } from 'jose';
import { createLogger } from '../src/logger.js';
import { checkKeyProof } from '../src/issuance/key-proof.js';
import { newId, newSecretCode, sha256, txCodeMac } from '../src/issuance/offers.js';
import { openSqliteStore } from '../src/issuance/sqlite-store.js';
import { issueCredential } from '../src/issuer/credential.js';
import { signStatusList } from '../src/issuer/status-list.js';
import { activate } from '../src/wallet/oid4vci-client.js';
import { accessTokenFor, credentialRequest, keyProof, makeOffer, nonce, registerStudent, signerOf, startIssuer } from '../test/helpers/issuance.js';
import { makeDevice, makeIssuer, STUDENT } from '../test/helpers/world.js';
import { writeReport, type Figure } from './report.js';

const COMMITS = 400;
const ACTIVATIONS = 120;
const CONCURRENCY = 10;
const log = createLogger('silent');
const dir = mkdtempSync(join(tmpdir(), 'mleg-bench-issuance-'));
const key = Buffer.alloc(32, 9);

function rate(n: number, run: () => void): number {
  const start = performance.now();
  for (let i = 0; i < n; i++) run();
  return n / ((performance.now() - start) / 1000);
}

async function rateAsync(n: number, run: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await run(i);
  return n / ((performance.now() - start) / 1000);
}

function bareCommits(synchronous: 'FULL' | 'NORMAL'): number {
  const db = new Database(join(dir, `bare-${synchronous}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec('CREATE TABLE t (k BLOB PRIMARY KEY, v INTEGER)');
  const insert = db.prepare('INSERT INTO t VALUES (?, ?)');
  const tx = db.transaction((k: Buffer) => insert.run(k, Date.now()));
  const r = rate(COMMITS, () => tx.immediate(sha256(newId())));
  db.close();
  return r;
}

const figures: Figure[] = [];
const notes: string[] = [];
try {
  // --- the store's transactions against a bare commit ---
  const full = bareCommits('FULL');
  const normal = bareCommits('NORMAL');
  const store = openSqliteStore({ file: join(dir, 'store.db'), log, listSize: 100_000 });
  const students: string[] = [];
  for (let i = 0; i < COMMITS; i++) {
    const s = await store.createStudent({ ...STUDENT, valid_until: '2030-09-30', doc_no: `B/${i}`, org: null }, Date.now(), 'bench');
    if (s.ok) students.push(s.student.id);
  }
  const offers = await Promise.all(
    students.map(async (studentId) => {
      const code = newSecretCode();
      const codeHash = sha256(code);
      await store.createOffer({ id: newId(), studentId, configurationId: 'mlegitymacja_szkolna', codeHash, txCodeMac: txCodeMac(key, codeHash, '12345678'), createdAt: Date.now(), expiresAt: Date.now() + 3_600_000 }, 'bench');
      return { codeHash, token: sha256(newSecretCode()) };
    }),
  );
  const redeemRate = await rateAsync(offers.length, (i) =>
    store.redeemOffer({ codeHash: offers[i]!.codeHash, txCodeMac: txCodeMac(key, offers[i]!.codeHash, '12345678'), now: Date.now(), maxAttempts: 5, token: { hash: offers[i]!.token, expiresAt: Date.now() + 300_000 } }),
  );
  const issueRate = await rateAsync(offers.length, (i) => store.issueCredential({ tokenHash: offers[i]!.token, nonceHash: sha256(newId()), now: Date.now(), jti: newId(), deviceThumbprint: 'x' }));
  store.close();
  figures.push(
    { name: 'bare IMMEDIATE commit, synchronous=FULL (baseline)', value: Math.round(full), unit: '/s' },
    { name: 'bare IMMEDIATE commit, synchronous=NORMAL (for reference)', value: Math.round(normal), unit: '/s', ratio: normal / full, baseline: 'bare commit FULL' },
    { name: 'store.redeemOffer (one transaction)', value: Math.round(redeemRate), unit: '/s', ratio: redeemRate / full, baseline: 'bare commit FULL' },
    { name: 'store.issueCredential (one transaction)', value: Math.round(issueRate), unit: '/s', ratio: issueRate / full, baseline: 'bare commit FULL' },
  );

  // --- a whole activation over HTTP, against its steps in process ---
  const s = await startIssuer({ config: { log: { level: 'silent' } } });
  try {
    const device = makeDevice();
    const issuer = makeIssuer();
    const prepared = await Promise.all(Array.from({ length: ACTIVATIONS }, async () => makeOffer(s, await registerStudent(s))));
    // In process: the key proof check, the thumbprint and the credential signature of one activation.
    const proof = keyProof(device, s.url, 'n');
    const cryptoRate = await rateAsync(ACTIVATIONS, async () => {
      const checked = checkKeyProof(proof, s.url, Math.floor(Date.now() / 1000));
      if (!checked.ok) throw new Error(checked.reason);
      await calculateJwkThumbprint(checked.jwk);
      issueCredential({ issuer, student: STUDENT, device: checked.jwk, status: { uri: `${s.url}/status/1`, idx: 0 }, exp: 1_900_000_000, jti: newId() });
    });
    const inProcess = 1 / (1 / redeemRate + 1 / issueRate + 1 / cryptoRate);
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < prepared.length; i = next++) {
          const offer = prepared[i]!;
          const token = await accessTokenFor(s, offer);
          const res = await credentialRequest(s, token, { credential_configuration_id: offer.configuration_id, proofs: { jwt: [keyProof(device, s.url, await nonce(s))] } });
          if (res.status !== 200) throw new Error(`activation failed: ${res.status}`);
        }
      }),
    );
    const httpRate = prepared.length / ((performance.now() - start) / 1000);
    const client = await Promise.all(Array.from({ length: 20 }, async () => makeOffer(s, await registerStudent(s))));
    const clientStart = performance.now();
    for (const offer of client) await activate({ offer: offer.offer, txCode: offer.tx_code, signer: signerOf(device) });
    const walletRate = client.length / ((performance.now() - clientStart) / 1000);
    figures.push(
      { name: 'an activation in process: redeem + issue transactions, key proof, credential signature (baseline)', value: Math.round(inProcess), unit: '/s' },
      { name: `an activation over HTTP: token, nonce, credential, ${CONCURRENCY} at a time`, value: Math.round(httpRate), unit: '/s', ratio: httpRate / inProcess, baseline: 'activation in process' },
      { name: 'mleg wallet activate\'s client, one at a time (metadata, token, nonce, credential)', value: Math.round(walletRate * 10) / 10, unit: '/s', ratio: walletRate / inProcess, baseline: 'activation in process' },
    );

    // --- status lists ---
    const statuses = new Uint8Array(100_000);
    for (let i = 0; i < 1000; i++) statuses[(i * 7919) % statuses.length] = 1;
    const signMs: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      signStatusList(issuer, { uri: `${s.url}/status/1`, bits: 2, statuses, ttl: 3600 });
      signMs.push(performance.now() - t0);
    }
    signMs.sort((a, b) => a - b);
    const cannon = async (path: string) => (await autocannon({ url: `${s.url}${path}`, connections: 10, duration: 4 })).requests.average;
    await cannon('/status/1'); // warm: the first fetch signs
    const health = await cannon('/healthz');
    const status = await cannon('/status/1');
    figures.push(
      { name: 'signing a 100 000-entry 2-bit list, 1 000 revoked: median', value: Math.round(signMs[7]! * 100) / 100, unit: 'ms' },
      { name: 'GET /healthz, 10 connections (baseline)', value: Math.round(health), unit: '/s' },
      { name: 'GET /status/1 between changes (the cached token)', value: Math.round(status), unit: '/s', ratio: status / health, baseline: 'GET /healthz' },
    );
    notes.push('synchronous=FULL is kept: a revocation acknowledged to the school must survive a power cut; the rates above are what a school or a national issuer can expect per process on this disk.');
  } finally {
    await s.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
writeReport('issuance', 'Issuing service: transactions, activations, status lists', figures, notes);
