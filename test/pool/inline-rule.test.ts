/**
 * One client at a time, the verifier threads idle: verified on the main thread (no hop for a
 * till). Another client asking just before, or a thread with work in hand: on the threads.
 * Replay stays exact between the two, and the answers are the same.
 */
import t, { type Test } from 'tap';
import { loadConfig } from '../../src/config/config.js';
import { InlineRule, WINDOW_MS } from '../../src/pool/inline-rule.js';
import { Verifier } from '../../src/verifier.js';
import type { VerifyResult } from '../../src/verify/result.js';
import { captureLog } from '../helpers/log.js';
import { createSite } from '../helpers/site.js';
import { issueCredential } from '../../src/issuer/credential.js';
import { DAY, IDX, STATUS_URI, STUDENT, makeIssuer } from '../helpers/world.js';

t.test('the rule: here unless a thread has work or another client asked just before', async (t) => {
  let now = 1000;
  const rule = new InlineRule(() => now);
  const till = { destroyed: false };
  const other = { destroyed: false };
  t.equal(rule.verifyHere(0, till), true, 'the first ask, the threads idle: here');
  now += 0.3;
  t.equal(rule.verifyHere(0, till), true, 'the same client again at once (its next request): here');
  t.equal(rule.verifyHere(1, till), false, 'a thread has work: a thread');
  now += 0.1;
  t.equal(rule.verifyHere(0, other), false, 'another client, just after: load, a thread');
  now += 0.1;
  t.equal(rule.verifyHere(0, till), false, 'and back: still load');
  now += WINDOW_MS;
  t.equal(rule.verifyHere(0, other), true, `another client, but ${WINDOW_MS} ms later: here`);
  other.destroyed = true;
  t.equal(rule.verifyHere(0, till), true, 'after a client that has gone (a closed connection): here');
  now += WINDOW_MS;
  t.equal(rule.verifyHere(0, 'gate-1'), true, 'a scanner, a while later: here');
  t.equal(rule.verifyHere(0, 'gate-2'), false, 'another scanner at once: a thread');
  now += WINDOW_MS;
  t.equal(rule.verifyHere(0, 'gate-1'), true, 'a scanner alone again: here…');
  now += 3 * WINDOW_MS;
  rule.doneHere();
  now += 0.1;
  t.equal(rule.verifyHere(0, 'gate-2'), false, '…a verification slower than the window, and another scanner asked meanwhile: a thread');
});

/** A Verifier with two threads on a site, as `mleg serve --workers 2` builds it. */
async function threaded(t: Test) {
  const site = createSite({ workers: 2 });
  const { log, lines } = captureLog('info');
  const verifier = new Verifier(loadConfig(site.configFile), log, { threads: true });
  verifier.start();
  t.teardown(() => {
    verifier.close();
    site.remove();
  });
  // The threads up and warm: a first burst from four clients (its first stays here).
  await Promise.all(clients(4).map((client) => verifier.verify(site.present(), 'http', Date.now(), client)));
  return { site, verifier, lines };
}

const pause = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));
/** Clients as the HTTP route names them (sockets); one test's calls from `till` are one connection's. */
const till = { destroyed: false };
const clients = (n: number) => Array.from({ length: n }, () => ({ destroyed: false }));
const onThreads = (v: Verifier) => v.pool!.threadStates().reduce((n, th) => n + th.verified, 0);

t.test('one client at a time is verified here, synchronously; many at once go to the threads', async (t) => {
  const { site, verifier } = await threaded(t);
  await pause(WINDOW_MS);
  const here = verifier.verifiedHere;
  const threads = onThreads(verifier);
  const lone = verifier.verify(site.present(), 'http', Date.now(), till);
  t.notOk(lone instanceof Promise, 'answered at once, without a thread');
  t.equal((lone as VerifyResult).verdict, 'VALID');
  for (let i = 0; i < 3; i++) t.equal((await verifier.verify(site.present(), 'http', Date.now(), till)).verdict, 'VALID');
  t.equal(verifier.verifiedHere, here + 4, 'one client, one request after another: every one here');
  t.equal(onThreads(verifier), threads, 'none on a thread');

  // Ten clients at once (ten requests read one after another): the first here, the other nine on the threads.
  const tenPayloads = Array.from({ length: 10 }, () => site.present());
  await pause(WINDOW_MS);
  const burst = clients(10).map((client, i) => verifier.verify(tenPayloads[i]!, 'http', Date.now(), client));
  t.notOk(burst[0] instanceof Promise, 'the first is verified here');
  t.ok(burst.slice(1).every((r) => r instanceof Promise), 'the rest are not');
  t.same((await Promise.all(burst)).map((r) => r.verdict), Array(10).fill('VALID'));
  t.equal(verifier.verifiedHere, here + 5);
  t.equal(onThreads(verifier), threads + 9, 'nine verified on the threads');
  const perThread = verifier.pool!.threadStates().map((th) => th.verified);
  t.ok(perThread.every((n) => n > 0), `both threads took part (${perThread.join(' + ')})`);

  // While a thread has work in hand, even the lone till's next request goes to a thread.
  const three = [site.present(), site.present(), site.present()];
  await pause(WINDOW_MS);
  const [a, b] = clients(2);
  const onThread = verifier.verify(three[0]!, 'http', Date.now(), a!);
  const behind = verifier.verify(three[1]!, 'http', Date.now(), b!);
  t.ok(behind instanceof Promise, 'the second client: a thread');
  const third = verifier.verify(three[2]!, 'http', Date.now(), b!);
  t.ok(third instanceof Promise, 'the same client again, a job in hand: a thread');
  await Promise.all([onThread, behind, third]);
  // Scanners: each its own client, named by its id.
  // (Both made first: signing a presentation on a loaded machine can take longer than the window.)
  const [scan1, scan2] = [site.present(), site.present()];
  await pause(WINDOW_MS);
  t.notOk(verifier.verify(scan1, 'gate-1') instanceof Promise, 'a scan alone: here');
  t.ok(verifier.verify(scan2, 'gate-2') instanceof Promise, "another lane's scan at once: a thread");
});

t.test('replay stays exact between the main thread and the threads', async (t) => {
  const { site, verifier } = await threaded(t);
  const credential = site.credential();
  // One payload from ten clients at once: the first copy here, nine on the threads, one VALID.
  await pause(WINDOW_MS);
  const payload = site.present(credential);
  const copies = await Promise.all(clients(10).map((client) => verifier.verify(payload, 'http', Date.now(), client)));
  t.same(
    copies.map((r) => r.verdict),
    ['VALID', ...Array(9).fill('REPLAYED')],
    'VALID once (here), REPLAYED on the threads',
  );
  // Accepted on a thread (the second of a burst), then shown alone: REPLAYED here.
  await pause(WINDOW_MS);
  const pair = [site.present(credential), site.present(credential)];
  const [a, b] = await Promise.all(pair.map((p, i) => verifier.verify(p, 'http', Date.now(), clients(2)[i]!)));
  t.same([a!.verdict, b!.verdict], ['VALID', 'VALID']);
  for (const p of pair) {
    await pause(WINDOW_MS);
    const again = verifier.verify(p, 'http', Date.now(), till);
    t.notOk(again instanceof Promise, 'verified here');
    t.equal((again as VerifyResult).verdict, 'REPLAYED', 'whichever thread accepted it');
  }
  // Accepted here, then among others' on the threads: REPLAYED there.
  await pause(WINDOW_MS);
  const lone = site.present(credential);
  t.equal((verifier.verify(lone, 'http', Date.now(), till) as VerifyResult).verdict, 'VALID');
  const later = await Promise.all([site.present(credential), lone, lone].map((p, i) => verifier.verify(p, 'http', Date.now(), clients(3)[i]!)));
  t.same(later.map((r) => r.verdict), ['VALID', 'REPLAYED', 'REPLAYED']);
  // Rounds of many clients at once, each round after a pause (its first here, the rest on the threads): one VALID per payload.
  const payloads = Array.from({ length: 20 }, () => site.present(credential));
  const answers: Promise<VerifyResult>[] = [];
  for (let round = 0; round < 4; round++) {
    await pause(round % 2 === 0 ? WINDOW_MS : 1);
    const many = clients(payloads.length);
    payloads.forEach((p, i) => answers.push(Promise.resolve(verifier.verify(p, 'http', Date.now(), many[i]!))));
  }
  const verdicts = (await Promise.all(answers)).map((r) => r.verdict);
  t.equal(verdicts.filter((v) => v === 'VALID').length, 20, 'each VALID once');
  t.equal(verdicts.filter((v) => v === 'REPLAYED').length, 60);
});

t.test('the same answers here as on a thread, verdict by verdict', async (t) => {
  const { site, verifier } = await threaded(t);
  const now = Math.floor(Date.now() / 1000);
  const at = now * 1000;
  const stranger = makeIssuer({ kid: 'stranger', iss: 'PL-OTHER' });
  const credential = (c: Parameters<typeof site.credential>[0] = {}) => site.credential({ jti: 'the-same-id', ...c });
  const present = (c = credential(), iat = now) => site.present(c, { iat });
  const atIdx = (idx: number) => credential({ status: { uri: STATUS_URI, idx } });
  const kinds: Record<string, () => string> = {
    VALID: () => present(),
    MALFORMED: () => 'MLEG1:not-a-jws',
    UNKNOWN_ISSUER: () =>
      present(issueCredential({ issuer: stranger, student: STUDENT, device: site.device.publicJwk, status: { uri: STATUS_URI, idx: 0 }, iat: now - DAY, exp: now + DAY })),
    BAD_SIGNATURE: () => {
      const c = credential();
      return present(`${c.slice(0, -4)}${c.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`);
    },
    PROOF_MISSING: () => `MLEG1:${credential()}`,
    PROOF_INVALID: () => site.present(credential(), { iat: now, claims: { cred: 'not-the-hash' } }),
    EXPIRED: () => present(credential({ exp: now - 10 * DAY, iat: now - 30 * DAY })),
    REVOKED: () => present(atIdx(IDX.revoked)),
    SUSPENDED: () => present(atIdx(IDX.suspended)),
    STATUS_UNAVAILABLE: () => present(atIdx(IDX.pastEnd)),
    PROOF_STALE: () => present(credential(), now - 600),
  };
  for (const [kind, make] of Object.entries(kinds)) {
    // Two of a kind, made alike (the same payload twice would be REPLAYED the second time).
    const [alone, inBurst] = [make(), make()];
    await pause(WINDOW_MS);
    const here = verifier.verify(alone, 'http', at, till);
    const onThread = verifier.verify(inBurst, 'http', at, clients(1)[0]!); // another client right behind: a thread
    t.notOk(here instanceof Promise, `${kind}: verified here`);
    t.ok(onThread instanceof Promise, `${kind}: verified on a thread`);
    t.equal((here as VerifyResult).verdict, kind);
    t.same(await onThread, here, `${kind}: the same answer`);
  }
});

t.test('threads started later: until then the main thread verifies everything, bursts included', async (t) => {
  const site = createSite({ workers: 2 });
  const verifier = new Verifier(loadConfig(site.configFile), captureLog('info').log, { threads: true });
  t.teardown(() => {
    verifier.close();
    site.remove();
  });
  verifier.start({ threads: 'later' });
  t.same(verifier.pool!.threadStates(), [], 'no thread yet');
  const burst = await Promise.all(clients(5).map((client) => verifier.verify(site.present(), 'http', Date.now(), client)));
  t.same(burst.map((r) => r.verdict), Array(5).fill('VALID'));
  t.same((await verifier.verifyAll([site.present(), site.present()], 'batch')).map((r) => r.verdict), ['VALID', 'VALID']);
  t.equal(verifier.verifiedHere, 7, 'all on the main thread');
  verifier.startThreads();
  t.equal(verifier.pool!.threadStates().length, 2, 'then both threads');
  await pause(WINDOW_MS);
  const later = await Promise.all(clients(5).map((client) => verifier.verify(site.present(), 'http', Date.now(), client)));
  t.same(later.map((r) => r.verdict), Array(5).fill('VALID'));
  t.equal(onThreads(verifier), 4, 'and a burst goes to them');
});
