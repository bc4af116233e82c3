/** Small helpers shared by the benchmarks: a table of ratios, percentiles, a forced GC. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Prints a table of rates as ratios to the first row (the baseline). */
export function printRatios(title: string, rows: [name: string, perSecond: number][]): void {
  const base = rows[0]![1];
  process.stdout.write(`${title}\n`);
  for (const [name, rate] of rows) {
    process.stdout.write(`  ${name.padEnd(58)} ${Math.round(rate).toString().padStart(9)}/s   ${(rate / base).toFixed(2)}x\n`);
  }
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * V8's `gc()`, for a benchmark that needs it: when the process was started without
 * `--expose-gc`, the benchmark (`moduleUrl`, its `import.meta.url`) is run again with it
 * and this process exits with its status.
 */
export function exposedGc(moduleUrl: string): (options?: { type: 'minor' | 'major' }) => void {
  const gc = (globalThis as { gc?: (options?: { type: 'minor' | 'major' }) => void }).gc;
  if (gc !== undefined) return gc;
  const run = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, fileURLToPath(moduleUrl), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

/**
 * CPU time (user + system, every thread) a process has used, in seconds, from
 * /proc/<pid>/stat (Linux; clock ticks of 10 ms). On a shared machine the CPU a piece of
 * work costs is steadier than the rate it runs at.
 */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Share of the machine's CPU time that was idle over `ms`, from /proc/stat (Linux; 1 elsewhere). */
async function idleShare(ms: number): Promise<number> {
  const read = (): [number, number] | undefined => {
    try {
      const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      const idle = fields[3]! + (fields[4] ?? 0); // idle + iowait
      return [idle, fields.reduce((a, b) => a + b, 0)];
    } catch {
      return undefined;
    }
  };
  const before = read();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = read();
  if (before === undefined || after === undefined || after[1] === before[1]) return 1;
  return (after[0] - before[0]) / (after[1] - before[1]);
}

/** How long benchmarks waited for a quiet machine, and how busy they found it: for the report's notes. */
export const quietness = { waitedMs: 0, runs: 0, busiest: 0, minIdle: 0.8, maxWaitMs: 10_000 };

/**
 * Waits (up to `maxWaitMs`, then runs anyway) until the machine is at least `minIdle` idle over half a second:
 * these 2 cores are shared with other work, which moved single runs by 2× here. Call it with
 * this benchmark's own processes idle; what it found goes into `quietness`.
 */
export async function quietMachine(minIdle = quietness.minIdle, maxWaitMs = quietness.maxWaitMs): Promise<void> {
  quietness.minIdle = minIdle;
  quietness.maxWaitMs = maxWaitMs;
  const start = Date.now();
  let idle = await idleShare(500);
  while (idle < minIdle && Date.now() - start < maxWaitMs) idle = await idleShare(500);
  quietness.waitedMs += Date.now() - start;
  quietness.runs += 1;
  quietness.busiest = Math.max(quietness.busiest, 1 - idle);
}

/** quietness, as a note. */
export function quietnessNote(): string {
  const { waitedMs, runs, busiest, minIdle, maxWaitMs } = quietness;
  return `before each of ${runs} runs the bench waited for the machine to be >= ${minIdle * 100} % idle over 0.5 s (at most ${maxWaitMs / 1000} s): ${(waitedMs / 1000).toFixed(0)} s waited in all; the busiest start had ${(busiest * 100).toFixed(0)} % of the CPU taken by other work`;
}
