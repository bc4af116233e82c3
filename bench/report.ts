/**
 * What every benchmark hands in: its figures, each with the baseline it is a ratio to
 * (measured in the same run) and the target it is held to, written to
 * bench/results/<bench>.json and printed as a table. `npm run bench` prints every
 * written report again at the end as one table.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

export interface Figure {
  /** What was measured, e.g. "verify(): warm issuer cache". */
  name: string;
  value: number;
  /** e.g. "/s", "ms", "MB", "×". */
  unit: string;
  /** value ÷ the same-run baseline's value, when there is one. */
  ratio?: number;
  /** Which figure of this report the ratio is against. */
  baseline?: string;
  /** The target as people read it, e.g. "≥ 0.90×", "< 300 ms". */
  target?: string;
  /** Whether the target was met (absent when the figure has no target). */
  met?: boolean;
}

export interface Report {
  bench: string;
  title: string;
  at: string;
  machine: { cpus: number; model: string; node: string };
  figures: Figure[];
  notes: string[];
}

/** A figure held to "ratio at least `min`". */
export function atLeastRatio(name: string, value: number, unit: string, baselineName: string, baselineValue: number, min: number): Figure {
  const ratio = value / baselineValue;
  return { name, value, unit, ratio, baseline: baselineName, target: `≥ ${min.toFixed(2)}×`, met: ratio >= min };
}

export function writeReport(bench: string, title: string, figures: Figure[], notes: string[] = []): Report {
  const report: Report = {
    bench,
    title,
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
    figures,
    notes,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}${bench}.json`, `${JSON.stringify(report, null, 2)}\n`);
  printReport(report);
  return report;
}

export function readReports(): Report[] {
  let files: string[];
  try {
    files = readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return files.map((f) => JSON.parse(readFileSync(`${RESULTS_DIR}${f}`, 'utf8')) as Report);
}

export function formatValue(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const number = Math.abs(value) >= 10_000 ? `${(value / 1000).toFixed(1)}k` : value.toFixed(digits);
  return unit === '/s' ? `${number}/s` : `${number} ${unit}`;
}

export function printReport(report: Report, out: NodeJS.WritableStream = process.stdout): void {
  out.write(`\n${report.title}  [${report.bench}, ${report.at.slice(0, 16).replace('T', ' ')}, ${report.machine.cpus} cores]\n`);
  const width = Math.max(...report.figures.map((f) => f.name.length), 20);
  for (const f of report.figures) {
    const ratio = f.ratio === undefined ? ''.padStart(8) : `${f.ratio.toFixed(2)}×`.padStart(8);
    const target = f.target === undefined ? '' : `  target ${f.target} ${f.met ? 'MET' : 'NOT MET'}`;
    out.write(`  ${f.name.padEnd(width)}  ${formatValue(f.value, f.unit).padStart(12)} ${ratio}${target}\n`);
  }
  for (const note of report.notes) out.write(`  · ${note}\n`);
}
