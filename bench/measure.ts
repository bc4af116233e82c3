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
