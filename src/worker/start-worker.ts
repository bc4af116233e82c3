/**
 * Starting a worker thread on a module of this project: the built `.js`; or, run from
 * source, the `.ts` with tsx registered first (Node 20 does not run `--import` preloads
 * such as tsx in worker threads started this way).
 *
 * Each thread starts from a line of code that imports its module, never from the file
 * itself: a worker started on a file runs the `--import` preloads of the process again, on
 * Node 20 — under tap, its mock and process-info hooks, ~350 ms of each thread's start
 * (measured) — and the threads need none of them.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The module `name` next to `from` (an `import.meta.url`): `.ts` when run from source (tsx), `.js` when built. */
export function siblingModule(name: string, from: string): URL {
  return new URL(`./${name}${from.endsWith('.ts') ? '.ts' : '.js'}`, from);
}

export function startWorker(file: URL, options: WorkerOptions = {}): Worker {
  const module = JSON.stringify(file.href);
  const code = file.pathname.endsWith('.ts')
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${module}); });`
    : `import(${module});`;
  return new Worker(code, { ...options, eval: true });
}
