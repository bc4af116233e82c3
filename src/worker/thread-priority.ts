/** A worker thread's own CPU priority (Linux). */
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers the calling thread's CPU priority (nice `niceness`), for a thread that works in
 * the background and must not delay the threads that answer scans. Linux only: there a
 * nice value belongs to one thread; elsewhere it would slow the whole process, so it is
 * left alone. Returns whether it was lowered.
 */
export function lowerThisThreadsPriority(niceness = 10): boolean {
  if (process.platform !== 'linux') return false;
  try {
    setPriority(Math.max(getPriority(), niceness));
    return true;
  } catch {
    return false; // a sandbox without setpriority: the thread runs at the normal priority
  }
}
