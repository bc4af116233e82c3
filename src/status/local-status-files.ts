/**
 * `status.files`: URIs whose list is read from a local file instead of fetched (offline
 * sites, the demo), re-read when the file changes. Looked up by own keys only: a
 * credential's URI of `__proto__`, `toString` or `constructor` names no file.
 */
import { readFileSync } from 'node:fs';
import type { WatchFile } from '../file-watch.js';

export class LocalStatusFiles {
  readonly #files: ReadonlyMap<string, string>;
  readonly #unwatch: (() => void)[] = [];

  constructor(files: Readonly<Record<string, string>>) {
    this.#files = new Map(Object.entries(files));
  }

  fileFor(uri: string): string | undefined {
    return this.#files.get(uri);
  }

  uris(): string[] {
    return [...this.#files.keys()];
  }

  /** The token in the file of `uri`, read now. */
  read(uri: string): { ok: true; text: string } | { ok: false; reason: string; detail: string } {
    try {
      return { ok: true, text: readFileSync(this.#files.get(uri)!, 'latin1').trim() };
    } catch (err) {
      return { ok: false, reason: 'the local status list file cannot be read', detail: (err as Error).message };
    }
  }

  /** Calls `changed` with the URI whenever its file changes. */
  watch(watchFile: WatchFile, changed: (uri: string) => void): void {
    for (const [uri, file] of this.#files) this.#unwatch.push(watchFile(file, () => changed(uri)));
  }

  close(): void {
    for (const unwatch of this.#unwatch.splice(0)) unwatch();
  }
}
