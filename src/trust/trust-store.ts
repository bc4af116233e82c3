/**
 * The trust list as the running service holds it: loaded from `trust.file`, reloaded
 * when the file changes, keeping the previous list when the new one is invalid.
 */
import { readFileSync } from 'node:fs';
import { pollFile, type WatchFile } from '../file-watch.js';
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
  #unwatch: (() => void) | undefined;
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

  /** Reloads the file whenever it changes. */
  watch(onReload: (outcome: TrustReload) => void, watchFile: WatchFile = pollFile): void {
    this.#unwatch ??= watchFile(this.file, () => onReload(this.reload()));
  }

  close(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
  }
}

/** A fingerprint of what a list trusts, to tell a real change from a touch. */
function describe(list: TrustList): string {
  return JSON.stringify(
    [...list.keys.values()].map((k) => [k.kid, k.alg, k.iss, k.name ?? null, k.jwk]),
  );
}
