/** Runs the built `mleg` command (dist/cli.js, what `npx mleg` runs) as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { recordLogText } from './log-audit.js';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function mleg(args: string[], o: { input?: string; cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: o.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mleg ${args.join(' ')} did not finish in time\n${stderr}`));
    }, o.timeoutMs ?? 20000);
    child.on('close', (code) => {
      clearTimeout(timer);
      // Logs go to standard error, and to standard output for `serve`; other output is the command's answer.
      recordLogText(logLines(stderr));
      if (args[0] === 'serve') recordLogText(logLines(stdout));
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(o.input ?? '');
  });
}

/** Starts `mleg serve`; resolves with the port once it logs that it is ready. */
export function mlegServe(args: string[]): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`mleg serve did not get ready:\n${out}`)), 15000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const ready = out.split('\n').find((l) => l.includes('"mleg is ready"'));
      if (ready !== undefined) {
        clearTimeout(timer);
        resolve({ child, port: Number(/:(\d+)$/.exec(JSON.parse(ready).address)![1]), output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      recordLogText(logLines(out));
      reject(new Error(`mleg serve exited with ${code}:\n${out}`));
    });
  });
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

export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `mleg` and returns at once, for commands that keep running (`mleg scan`); its logs go to the audit. */
export function runMleg(args: string[], env: NodeJS.ProcessEnv = process.env): Running {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      recordLogText(logLines(err));
      resolve(code);
    }),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}
