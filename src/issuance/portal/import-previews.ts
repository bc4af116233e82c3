/**
 * Import previews waiting for the operator's confirmation, kept in this process's memory
 * only (never written anywhere: they hold a class's records until they are confirmed),
 * keyed by a random one-time id and bound to the session that made them. Taking one
 * removes it, so a confirmation posted twice — or twice at the same moment — writes once;
 * a preview not confirmed within `ttlMs` is forgotten (as are all of them on a restart).
 */
import { randomBytes } from 'node:crypto';
import type { ImportRow } from './csv-import.js';

export interface ImportPreview {
  rows: ImportRow[];
  ignored: string[];
}

interface Held extends ImportPreview {
  session: string;
  at: number;
}

export class ImportPreviews {
  readonly #held = new Map<string, Held>();

  constructor(
    readonly ttlMs = 30 * 60_000,
    /** Previews held at once, across sessions: the oldest goes first. */
    readonly max = 50,
  ) {}

  /** Holds `preview` for `session` (its earlier one is dropped); returns its one-time id. */
  put(session: string, preview: ImportPreview, now: number): string {
    this.#forget(now);
    for (const [id, held] of this.#held) if (held.session === session) this.#held.delete(id);
    while (this.#held.size >= this.max) this.#held.delete(this.#held.keys().next().value!);
    const id = randomBytes(16).toString('base64url');
    this.#held.set(id, { ...preview, session, at: now });
    return id;
  }

  /** The preview, removed; undefined when it was taken, has expired or is another session's. */
  take(id: string, session: string, now: number): ImportPreview | undefined {
    this.#forget(now);
    const held = this.#held.get(id);
    if (held === undefined || held.session !== session) return undefined;
    this.#held.delete(id);
    return { rows: held.rows, ignored: held.ignored };
  }

  get size(): number {
    return this.#held.size;
  }

  #forget(now: number): void {
    for (const [id, held] of this.#held) if (now - held.at > this.ttlMs) this.#held.delete(id);
  }
}
