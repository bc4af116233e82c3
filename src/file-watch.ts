/**
 * Watching a file for edits, injected where files are watched (the trust list, local
 * status lists), so that tests announce a change instead of waiting for a poll. The real
 * one polls (it works across editors' rename-on-save and on network mounts) once a second
 * and never keeps the process alive.
 */
import { unwatchFile, watchFile, type Stats } from 'node:fs';

/** Calls `onChange` after `file` changes (its time or size); returns how to stop. */
export type WatchFile = (file: string, onChange: () => void) => () => void;

export const pollFile: WatchFile = (file, onChange) => {
  const listener = (curr: Stats, prev: Stats): void => {
    if (curr.mtimeMs !== prev.mtimeMs || curr.size !== prev.size) onChange();
  };
  watchFile(file, { interval: 1000, persistent: false }, listener);
  return () => unwatchFile(file, listener);
};
