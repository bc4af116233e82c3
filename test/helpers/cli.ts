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

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Another `mleg` to run, as it is (an installed bin); default: node dist/cli.js of this clone. */
  bin?: string;
  cwd?: string;
}

/**
 * Starts `mleg` and returns at once. When it ends, its logs go to the run's log audit:
 * standard error always, standard output for `serve` and `issuer serve` (other commands print
 * their answer there).
 */
export function runMleg(args: string[], o: RunOptions = {}): Running {
  const [command, argv] = o.bin === undefined ? [process.execPath, [CLI, ...args]] : [o.bin, args];
  const child = spawn(command, argv, { env: o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], ...(o.cwd === undefined ? {} : { cwd: o.cwd }) });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  child.stdin.end(o.input ?? '');
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      recordLogText(logLines(err));
      if (args[0] === 'serve' || (args[0] === 'issuer' && args[1] === 'serve')) recordLogText(logLines(out));
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
export async function mleg(args: string[], o: Omit<RunOptions, 'env'> & { timeoutMs?: number } = {}): Promise<CliRun> {
  const run = runMleg(args, o);
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

/** Starts `mleg serve`; resolves with the address and port once it logs that it is ready. */
export async function mlegServe(args: string[], o: Omit<RunOptions, 'input'> = {}): Promise<{ child: ChildProcess; port: number; address: string; output: () => string }> {
  const run = runMleg(['serve', ...args], o);
  const output = () => run.stdout() + run.stderr();
  const deadline = Date.now() + 15000;
  let ended = false;
  void run.exited.then(() => (ended = true));
  for (;;) {
    const ready = run.stdout().split('\n').find((l) => l.includes('"mleg is ready"'));
    if (ready !== undefined) {
      const address = (JSON.parse(ready) as { address: string }).address;
      return { child: run.child, port: Number(/:(\d+)$/.exec(address)![1]), address, output };
    }
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
