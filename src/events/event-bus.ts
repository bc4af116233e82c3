/**
 * The internal event bus: scanner lanes publish every scan and every scanner state
 * change; /v1/events, the metrics and the display read them. Delivery is synchronous and
 * a failing listener never blocks the others or the publisher. The last events are kept,
 * numbered, so a reconnecting display can catch up (SSE Last-Event-ID).
 */
import type { VerifyResult } from '../verify/result.js';

export interface ScanEvent {
  scanner: string;
  lane?: string;
  result: VerifyResult;
}

/** The lane a scan belongs to on screens and in the fleet: its lane, or for a scanner in no lane, the scanner. */
export function displayLane(scan: ScanEvent): string {
  return scan.lane ?? scan.scanner;
}

export interface ScannerStateEvent {
  scanner: string;
  state: 'connected' | 'disconnected';
  reason?: string;
  at: string;
}

/** What /v1/state shows of each attached scanner. */
export interface ScannerStatus {
  id: string;
  type: string;
  lane: string | null;
  state: 'connected' | 'disconnected' | 'unavailable';
  detail: string | null;
  /** ISO time of the last state change. */
  since: string;
  scans: number;
}

export type BusEvent = { type: 'scan'; data: ScanEvent } | { type: 'scanner'; data: ScannerStateEvent };

export type NumberedEvent = BusEvent & { id: number };

export type Listener = (event: NumberedEvent) => void;

export class EventBus {
  readonly #listeners = new Set<Listener>();
  readonly #recent: NumberedEvent[] = [];
  readonly #keep: number;
  #lastId = 0;
  onListenerError: (err: unknown) => void = () => {};

  constructor(keep = 100) {
    this.#keep = keep;
  }

  publish(event: BusEvent): NumberedEvent {
    const numbered = { ...event, id: ++this.#lastId } as NumberedEvent;
    this.#recent.push(numbered);
    if (this.#recent.length > this.#keep) this.#recent.shift();
    for (const listener of this.#listeners) {
      try {
        listener(numbered);
      } catch (err) {
        this.onListenerError(err);
      }
    }
    return numbered;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Kept events numbered after `id` (oldest first). */
  since(id: number): NumberedEvent[] {
    return this.#recent.filter((e) => e.id > id);
  }

  get subscribers(): number {
    return this.#listeners.size;
  }
}
