/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process, one after another
 * (the machines here are shared and noisy: each benchmark prints ratios against a
 * baseline measured in the same run, never absolute pass/fail thresholds), then prints
 * every report in bench/results/ as one table.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printReport, readReports } from './report.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n=== ${file} ===\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${file}`], { stdio: 'inherit' });
  if (run.status !== 0) failed += 1;
}

// Every report in bench/results (this run's, and earlier ones of benchmarks not run now), as one table.
process.stdout.write('\n=== all figures (bench/results/*.json) ===\n');
for (const report of readReports()) printReport(report);
process.exitCode = failed === 0 ? 0 : 1;
