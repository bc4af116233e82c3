/** Small timing helpers shared by the benchmarks: operations per second, and ratios. */
import { performance } from 'node:perf_hooks';

/** Runs `fn` repeatedly for about `ms` milliseconds (after a warm-up) and returns operations per second. */
export function opsPerSecond(fn: () => unknown, ms = 1000): number {
  const warmUntil = performance.now() + ms / 4;
  while (performance.now() < warmUntil) fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

export async function opsPerSecondAsync(fn: () => Promise<unknown>, ms = 1000): Promise<number> {
  const warmUntil = performance.now() + ms / 4;
  while (performance.now() < warmUntil) await fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 20; i++) await fn();
    n += 20;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

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
