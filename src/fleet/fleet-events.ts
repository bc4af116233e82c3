/**
 * Fleet events: every node appends each scan from its scanners — node, scanner, lane,
 * verdict, time, nothing personal — to one capped Redis stream (`XADD … MAXLEN ~`), and
 * `GET /v1/events?scope=fleet` on any node follows that stream: one reader per process
 * (its own connection, waiting in XREAD BLOCK while anyone listens) fans every entry out
 * to the listeners, however many streams are open.
 *
 * Appending never holds up a scan: it is not awaited, and while Redis is away the fleet
 * view misses those scans (the node's own /v1/events still has them).
 */
import type { Redis } from 'ioredis';
import { displayLane, type ScanEvent } from '../events/event-bus.js';
import type { Logger } from '../logger.js';
import { VERDICTS, type Verdict } from '../verify/verdicts.js';
import { withDeadline } from './deadline.js';

/** Entries the stream keeps (about: MAXLEN ~ trims whole macro-nodes). */
export const STREAM_LENGTH = 10_000;
/** How long one XREAD waits for entries before it is sent again. */
const BLOCK_MS = 2000;
const RETRY_MS = 500;

/** One scan as the fleet sees it. `id` is the stream entry's id (also the SSE event id). */
export interface FleetScan {
  id: string;
  node: string;
  scanner: string;
  /** The scan's lane; for a scanner in no lane, the scanner's id (as screens show it). */
  lane: string;
  verdict: Verdict;
  at: string;
}

export type FleetScanListener = (scan: FleetScan) => void;

export interface FleetEventsOptions {
  client: Redis;
  /** Makes the reader's own connection (it waits in XREAD BLOCK), when first needed. */
  reader: () => Redis;
  keyPrefix: string;
  nodeId: string;
  log: Logger;
}

export class FleetEvents {
  readonly #o: FleetEventsOptions;
  readonly #key: string;
  readonly #listeners = new Set<FleetScanListener>();
  #reader: Redis | undefined;
  #reading = false;
  #closed = false;
  #appendFailures = 0;

  constructor(o: FleetEventsOptions) {
    this.#o = o;
    this.#key = `${o.keyPrefix}fleet:events`;
  }

  /** Appends one scan of this node (not awaited; a failure is counted). */
  publish(scan: ScanEvent): void {
    if (this.#closed || this.#o.client.status !== 'ready') {
      this.#appendFailures++;
      return;
    }
    const { result } = scan;
    this.#o.client
      .xadd(this.#key, 'MAXLEN', '~', STREAM_LENGTH, '*', 'node', this.#o.nodeId, 'scanner', scan.scanner, 'lane', displayLane(scan), 'verdict', result.verdict, 'at', result.checked_at)
      .catch(() => this.#appendFailures++);
  }

  /** Scans that could not be appended (Redis away) since start. */
  get appendFailures(): number {
    return this.#appendFailures;
  }

  /** Every scan of every node from now on; the stream is read while anyone listens. */
  subscribe(listener: FleetScanListener): () => void {
    this.#listeners.add(listener);
    if (!this.#reading) void this.#read();
    return () => this.#listeners.delete(listener);
  }

  /** The scans after stream id `id` (at most `limit`, oldest first): the catch-up of a client that reconnects. */
  async since(id: string, timeoutMs: number, limit = 1000): Promise<FleetScan[]> {
    const entries = await withDeadline(this.#o.client.xrange(this.#key, `(${id}`, '+', 'COUNT', limit), timeoutMs, 'the fleet events missed');
    return entries.map(([entryId, fields]) => fleetScan(entryId, fields)).filter((s): s is FleetScan => s !== undefined);
  }

  async #read(): Promise<void> {
    this.#reading = true;
    const reader = (this.#reader ??= this.#o.reader());
    reader.on('error', () => {}); // the connection's own errors: its commands fail, and are retried below
    if (reader.status === 'wait') reader.connect().catch(() => {});
    // From the last entry now; '$' on each XREAD would miss what arrives between two of them.
    let last: string | undefined;
    try {
      while (!this.#closed && this.#listeners.size > 0) {
        try {
          last ??= await this.#lastId();
          const reply = (await reader.xread('COUNT', 100, 'BLOCK', BLOCK_MS, 'STREAMS', this.#key, last)) as [string, [string, string[]][]][] | null;
          for (const [, entries] of reply ?? []) {
            for (const [id, fields] of entries) {
              last = id;
              const scan = fleetScan(id, fields);
              if (scan !== undefined) for (const listener of this.#listeners) listener(scan);
            }
          }
        } catch {
          if (!this.#closed) await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
        }
      }
    } finally {
      this.#reading = false;
    }
    // Someone subscribed as the loop was ending.
    if (!this.#closed && this.#listeners.size > 0) void this.#read();
  }

  async #lastId(): Promise<string> {
    const newest = await withDeadline(this.#o.client.xrevrange(this.#key, '+', '-', 'COUNT', 1), 1000, 'the newest fleet event');
    return newest[0]?.[0] ?? '0-0';
  }

  close(): void {
    this.#closed = true;
    this.#listeners.clear();
    this.#reader?.disconnect();
  }
}

/** A stream entry as a FleetScan; undefined when it is not one (an entry of another kind under the same key). */
function fleetScan(id: string, fields: string[]): FleetScan | undefined {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  const { node, scanner, lane, verdict, at } = f;
  if (node === undefined || scanner === undefined || lane === undefined || at === undefined || !VERDICTS.includes(verdict as Verdict)) return undefined;
  return { id, node, scanner, lane, verdict: verdict as Verdict, at };
}

/** Orders two stream ids ("<ms>-<seq>"): negative, zero or positive. */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am !== bm ? am - bm : as - bs;
}
