/**
 * Starting a worker thread on a module of this project: the built `.js`; or, run from
 * source, the `.ts` with tsx registered first (Node 20 does not run `--import` preloads
 * such as tsx in worker threads).
 */
import { getPriority, setPriority } from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The module `name` next to `from` (an `import.meta.url`): `.ts` when run from source (tsx), `.js` when built. */
export function siblingModule(name: string, from: string): URL {
  return new URL(`./${name}${from.endsWith('.ts') ? '.ts' : '.js'}`, from);
}

export function startWorker(file: URL, options: WorkerOptions = {}): Worker {
  if (file.pathname.endsWith('.js')) return new Worker(file, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}); });`;
  return new Worker(code, { ...options, eval: true });
}

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
