/**
 * Starting a worker thread on a module of this project: the built `.js`; or, run from
 * source, the `.ts` with tsx registered first (Node 20 does not run `--import` preloads
 * such as tsx in worker threads).
 */
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
