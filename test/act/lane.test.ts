/**
 * A lane acts on one scanner's reads in the order they were read, whatever order the
 * verifier (threads, a status fetch) finishes them in; a failed verification is logged and
 * does not hold up the reads after it; another scanner of the lane is never held up.
 */
import t from 'tap';
import { Lane } from '../../src/act/lane.js';
import { EventBus, type ScanEvent } from '../../src/events/event-bus.js';
import type { ScannerInput } from '../../src/scan/scanner.js';
import type { Verifier } from '../../src/verifier.js';
import type { VerifyResult } from '../../src/verify/result.js';
import { captureLog } from '../helpers/log.js';

/** A verifier whose answers the test hands out, in any order it likes. */
function heldVerifier() {
  const held = new Map<string, { resolve: (r: VerifyResult) => void; reject: (e: Error) => void }>();
  const verifier = {
    verify: (payload: string) => new Promise<VerifyResult>((resolve, reject) => held.set(payload, { resolve, reject })),
  } as unknown as Verifier;
  const answer = (payload: string, verdict: string) => held.get(payload)!.resolve({ verdict, valid: verdict === 'VALID' } as VerifyResult);
  const fail = (payload: string) => held.get(payload)!.reject(new Error('thread lost'));
  return { verifier, answer, fail };
}

function scanner(id: string, beeps: string[]): ScannerInput {
  return { id, type: 'serial', status: { state: 'connected' }, start() {}, stop: async () => {}, feedback: (kind: string) => beeps.push(`${id}:${kind}`) } as unknown as ScannerInput;
}

const settle = () => new Promise((r) => setImmediate(r));

t.test("one scanner's reads are acted on in read order; another scanner is not held up", async (t) => {
  const { verifier, answer, fail } = heldVerifier();
  const bus = new EventBus();
  const events: ScanEvent[] = [];
  bus.subscribe((e) => e.type === 'scan' && events.push(e.data));
  const { log, lines } = captureLog();
  const lane = new Lane({ id: 'entry', relays: [], openMs: 300, debounceMs: 0, verifier, bus, log });
  const beeps: string[] = [];
  const gate = scanner('gate-1', beeps);
  const other = scanner('gate-2', beeps);
  const read = (s: ScannerInput, text: string) => lane.read(s, { text, bytes: text.length, at: performance.now() });

  read(gate, 'first');
  read(gate, 'second');
  read(gate, 'third');
  read(other, 'elsewhere');
  answer('third', 'VALID');
  answer('second', 'REVOKED');
  answer('elsewhere', 'VALID');
  await settle();
  t.same(events.map((e) => e.scanner), ['gate-2'], 'the other scanner acts at once; gate-1 waits for its first read');
  t.same(beeps, ['gate-2:good']);

  fail('first');
  await settle();
  t.same(events.map((e) => [e.scanner, e.result.verdict]), [['gate-2', 'VALID'], ['gate-1', 'REVOKED'], ['gate-1', 'VALID']]);
  t.same(beeps, ['gate-2:good', 'gate-1:bad', 'gate-1:good'], 'feedback in read order too');
  t.ok(lines.some((l) => l.msg === 'verification failed' && l.scanner === 'gate-1' && l.err === 'thread lost'), 'the failed read is logged');
  t.equal(lane.scans('gate-1'), 2);

  read(gate, 'fourth');
  answer('fourth', 'VALID');
  await settle();
  t.equal(events.length, 4, 'nothing left waiting once the queue has drained');
});
