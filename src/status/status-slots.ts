/**
 * The lists held, kept apart by URI and signing issuer (SPEC 5): a list signed by one
 * issuer never displaces, blocks or outlives another issuer's list for the same URI. A
 * credential is answered only from the slot of its own issuer. Bounded in count and bytes
 * (least recently used lists go first).
 */
import { LRUCache } from 'lru-cache';
import type { TrustList } from '../trust/trust-list.js';
import type { StatusList } from './status-list-token.js';

export interface HeldList {
  list: StatusList;
  /** The trust list it was last checked against. */
  verifiedWith: TrustList;
  /** When it was fetched (or read), milliseconds since the epoch. */
  fetchedAt: number;
}

export interface Slot {
  uri: string;
  iss: string;
}

const MAX_LISTS = 1000;
const MAX_TOTAL_BYTES = 256 * 1024 * 1024;

/** Unambiguous whatever the strings hold. */
function slotKey(uri: string, iss: string): string {
  return `${iss.length}:${iss}${uri}`;
}

export class StatusSlots {
  readonly #lru: LRUCache<string, HeldList>;
  /** URI → the issuers with a list held for it. */
  readonly #issuers = new Map<string, Set<string>>();

  /** @param dropped told of a list evicted to stay within bounds */
  constructor(dropped: (slot: Slot) => void) {
    this.#lru = new LRUCache<string, HeldList>({
      max: MAX_LISTS,
      maxSize: MAX_TOTAL_BYTES,
      sizeCalculation: (held) => 1 + held.list.bytes.length,
      dispose: (held, _key, reason) => {
        if (reason === 'set') return;
        const slot = { uri: held.list.uri, iss: held.list.iss };
        this.#forget(slot);
        if (reason !== 'delete') dropped(slot);
      },
    });
  }

  get(uri: string, iss: string): HeldList | undefined {
    return this.#lru.get(slotKey(uri, iss));
  }

  set(held: HeldList): void {
    const { uri, iss } = held.list;
    this.#lru.set(slotKey(uri, iss), held);
    let issuers = this.#issuers.get(uri);
    if (issuers === undefined) this.#issuers.set(uri, (issuers = new Set()));
    issuers.add(iss);
  }

  delete(uri: string, iss: string): void {
    this.#lru.delete(slotKey(uri, iss));
  }

  /** The lists held for `uri`, of every issuer. */
  at(uri: string): HeldList[] {
    return [...(this.#issuers.get(uri) ?? [])].flatMap((iss) => this.#lru.peek(slotKey(uri, iss)) ?? []);
  }

  uris(): string[] {
    return [...this.#issuers.keys()];
  }

  slots(): Slot[] {
    return [...this.#issuers].flatMap(([uri, issuers]) => [...issuers].map((iss) => ({ uri, iss })));
  }

  #forget({ uri, iss }: Slot): void {
    const issuers = this.#issuers.get(uri);
    issuers?.delete(iss);
    if (issuers?.size === 0) this.#issuers.delete(uri);
  }
}
