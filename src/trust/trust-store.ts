/**
 * The trust list as the running service holds it: loaded from `trust.file`, reloaded
 * when the file changes, keeping the previous list when the new one is invalid.
 */
import { readFileSync, watchFile, unwatchFile, type Stats } from 'node:fs';
import { parseTrustList, TrustListError, type TrustList } from './trust-list.js';

export function loadTrustList(file: string): TrustList {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TrustListError(`${file}: cannot read the trust list (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new TrustListError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return parseTrustList(doc, file);
}

export interface TrustReload {
  ok: boolean;
  changed: boolean;
  error?: string;
  list: TrustList;
}

export class TrustStore {
  #current: TrustList;
  #watching = false;
  readonly file: string;

  /** Throws TrustListError when the file is missing or invalid: the service must not start. */
  constructor(file: string) {
    this.file = file;
    this.#current = loadTrustList(file);
  }

  get current(): TrustList {
    return this.#current;
  }

  /** Re-reads the file now. An invalid file leaves the current list in place. */
  reload(): TrustReload {
    try {
      const next = loadTrustList(this.file);
      const changed = describe(next) !== describe(this.#current);
      if (changed) this.#current = next;
      return { ok: true, changed, list: this.#current };
    } catch (err) {
      return { ok: false, changed: false, error: (err as Error).message, list: this.#current };
    }
  }

  /** Polls the file (works across editors' rename-on-save and on network mounts). */
  watch(onReload: (outcome: TrustReload) => void, intervalMs = 1000): void {
    if (this.#watching) return;
    this.#watching = true;
    watchFile(this.file, { interval: intervalMs, persistent: false }, (curr: Stats, prev: Stats) => {
      if (curr.mtimeMs === prev.mtimeMs && curr.size === prev.size) return;
      onReload(this.reload());
    });
  }

  close(): void {
    if (this.#watching) unwatchFile(this.file);
    this.#watching = false;
  }
}

/** A fingerprint of what a list trusts, to tell a real change from a touch. */
function describe(list: TrustList): string {
  return JSON.stringify(
    [...list.keys.values()].map((k) => [k.kid, k.alg, k.iss, k.name ?? null, k.key.export({ format: 'jwk' })]),
  );
}
