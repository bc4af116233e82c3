/** Runs the built `mleg` command (dist/cli.js, what `npx mleg` runs) as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { recordLogText } from './log-audit.js';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts `mleg` and returns at once. When it ends, its logs go to the run's log audit:
 * standard error always, standard output for `serve` (other commands print their answer there).
 */
export function runMleg(args: string[], o: { env?: NodeJS.ProcessEnv; input?: string } = {}): Running {
  const child = spawn(process.execPath, [CLI, ...args], { env: o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  child.stdin.end(o.input ?? '');
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      recordLogText(logLines(err));
      if (args[0] === 'serve') recordLogText(logLines(out));
      resolve(code);
    }),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `mleg` to its end. */
export async function mleg(args: string[], o: { input?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  const run = runMleg(args, o.input === undefined ? {} : { input: o.input });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(new Error(`mleg ${args.join(' ')} did not finish in time\n${run.stderr()}`));
    }, o.timeoutMs ?? 20000);
  });
  const code = await Promise.race([run.exited, timeout]).finally(() => clearTimeout(timer));
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** Starts `mleg serve`; resolves with the port once it logs that it is ready. */
export async function mlegServe(args: string[], o: { env?: NodeJS.ProcessEnv } = {}): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const run = runMleg(['serve', ...args], o);
  const output = () => run.stdout() + run.stderr();
  const deadline = Date.now() + 15000;
  let ended = false;
  void run.exited.then(() => (ended = true));
  for (;;) {
    const ready = run.stdout().split('\n').find((l) => l.includes('"mleg is ready"'));
    if (ready !== undefined) return { child: run.child, port: Number(/:(\d+)$/.exec(JSON.parse(ready).address)![1]), output };
    if (ended) throw new Error(`mleg serve exited with ${run.child.exitCode}:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`mleg serve did not get ready:\n${output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code))));
}

/** The JSON log lines of some output (other text, like usage messages, is not a log). */
function logLines(text: string): string {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{"level":'))
    .map((l) => `${l}\n`)
    .join('');
}
