/** Small helpers shared by the benchmarks: a table of ratios, percentiles. */

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
