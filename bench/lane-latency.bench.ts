/**
 * Lane latency (the budget: under 20 ms at p99 from the last byte of a scan to the
 * relay command and the SSE event, status list cached).
 *
 * Real pieces: socat pty pairs with the real serialport binding, the service as `mleg
 * serve` builds it (test/helpers/service.ts), a serial relay lane, an SSE client over
 * HTTP. Each scan is written up to its last byte; the clock starts when the terminator
 * (CR) is written, and stops when the relay's "on" bytes arrive on the relay pty's far
 * end and when the `event: scan` arrives on the SSE stream.
 *
 * Baseline in the same run: a bare pty round trip through the same binding (a byte
 * written to one pty, answered with four bytes by an in-process serialport listener,
 * read back), i.e. the serial I/O floor under the lane's two pty hops. Everything runs in
 * one process on a shared machine: read the ratios, not the milliseconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SerialPort } from 'serialport';
import { PtyPair, type DeviceEnd } from '../test/helpers/pty.js';
import { until } from '../test/helpers/until.js';
import { startService } from '../test/helpers/service.js';
import { percentile } from './measure.js';
import { writeReport, type Figure } from './report.js';

const SCANS = 300;
const WARMUP = 20;
const BUDGET_MS = 20;
const ON = Buffer.from([0xa0, 0x01, 0x01, 0xa2]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function count(haystack: Buffer, needle: Buffer): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** Arrival times of `event: scan` blocks on GET /v1/events. */
async function sseTimes(url: string): Promise<{ times: number[]; close: () => void }> {
  const times: number[] = [];
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/events`, { headers: { accept: 'text/event-stream' } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const now = performance.now();
        for (let i = chunk.indexOf('event: scan'); i >= 0; i = chunk.indexOf('event: scan', i + 1)) times.push(now);
      });
      resolve({ times, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

async function baseline(dir: string, n: number): Promise<number[]> {
  const pty = await PtyPair.open(dir, 'echo');
  const host = new SerialPort({ path: pty.path, baudRate: 9600, autoOpen: false, hupcl: false });
  await new Promise<void>((res, rej) => host.open((e) => (e ? rej(e) : res())));
  host.on('data', () => host.write(ON));
  const device = await pty.device();
  const out: number[] = [];
  for (let i = 0; i < n + WARMUP; i++) {
    const before = device.received.length;
    const t0 = performance.now();
    await device.write('\r');
    await until(() => device.received.length >= before + ON.length, 5000, 'the echo');
    if (i >= WARMUP) out.push(device.chunks.at(-1)![0] - t0);
    await sleep(2);
  }
  await device.close();
  await new Promise<void>((r) => host.close(() => r()));
  await pty.kill();
  return out;
}

async function lane(dir: string, n: number): Promise<{ relay: number[]; sse: number[]; verdicts: Set<string> }> {
  const [gate, relayPty] = await Promise.all([PtyPair.open(dir, 'gate'), PtyPair.open(dir, 'relay')]);
  const s = await startService({
    config: {
      log: { level: 'info' },
      scanners: [{ id: 'gate-1', type: 'serial', path: gate.path }],
      outputs: [{ id: 'turnstile', type: 'serial-relay', path: relayPty.path, relay: 1 }],
      lanes: [{ id: 'entry', scanners: ['gate-1'], outputs: ['turnstile'] }],
    },
  });
  const [scanner, relay]: DeviceEnd[] = await Promise.all([gate.device(), relayPty.device()]);
  const sse = await sseTimes(s.url);
  await until(() => s.service.scanners()[0]!.state === 'connected', 5000, 'the scanner');
  await until(() => relay.received.length >= 4, 5000, 'the relay');
  const verdicts = new Set<string>();
  s.bus.subscribe((e) => e.type === 'scan' && verdicts.add(e.data.result.verdict));
  const payloads = Array.from({ length: n + WARMUP }, () => s.present());
  const toRelay: number[] = [];
  const toSse: number[] = [];
  for (let i = 0; i < payloads.length; i++) {
    await scanner.write(payloads[i]!);
    await sleep(2); // the payload is in; now the last byte
    const ons = count(relay.received, ON);
    const events = sse.times.length;
    const chunks = relay.chunks.length;
    const t0 = performance.now();
    await scanner.write('\r');
    await until(() => count(relay.received, ON) > ons && sse.times.length > events, 5000, 'relay and event');
    if (i >= WARMUP) {
      toRelay.push(relay.chunks.slice(chunks).find(([, c]) => c.length > 0)![0] - t0);
      toSse.push(sse.times[events]! - t0);
    }
  }
  sse.close();
  await Promise.all([scanner.close(), relay.close()]);
  await s.close();
  await Promise.all([gate.kill(), relayPty.kill()]);
  return { relay: toRelay, sse: toSse, verdicts };
}

const dir = mkdtempSync(join(tmpdir(), 'mleg-bench-'));
try {
  const base = (await baseline(dir, SCANS)).sort((a, b) => a - b);
  const { relay, sse, verdicts } = await lane(dir, SCANS);
  relay.sort((a, b) => a - b);
  sse.sort((a, b) => a - b);
  const b50 = percentile(base, 50);
  const b99 = percentile(base, 99);
  const row = (name: string, v: number[]) => {
    const p50 = percentile(v, 50);
    const p99 = percentile(v, 99);
    process.stdout.write(
      `  ${name.padEnd(46)} p50 ${p50.toFixed(2).padStart(6)} ms (${(p50 / b50).toFixed(1).padStart(5)}x)   p99 ${p99.toFixed(2).padStart(6)} ms (${(p99 / b99).toFixed(1).padStart(5)}x)\n`,
    );
  };
  process.stdout.write(`lane latency, ${SCANS} scans after ${WARMUP} warm-up, status list cached; ratios to the baseline\n`);
  row('baseline: bare pty round trip (serialport)', base);
  row('last scan byte -> relay "on" bytes on its pty', relay);
  row('last scan byte -> SSE event: scan', sse);
  process.stdout.write(`  verdicts: ${[...verdicts].join(', ')}\n`);
  const worst = Math.max(percentile(relay, 99), percentile(sse, 99));
  process.stdout.write(`  p99 under the ${BUDGET_MS} ms budget: ${worst < BUDGET_MS ? 'yes' : 'NO'} (${worst.toFixed(2)} ms)\n`);
  const figures: Figure[] = [
    { name: 'baseline: bare pty round trip, p50', value: b50, unit: 'ms' },
    { name: 'baseline: bare pty round trip, p99', value: b99, unit: 'ms' },
  ];
  for (const [to, v] of [['relay "on" bytes', relay], ['SSE event: scan', sse]] as const) {
    const p50 = percentile(v, 50);
    const p99 = percentile(v, 99);
    figures.push(
      { name: `last scan byte -> ${to}, p50`, value: p50, unit: 'ms', ratio: p50 / b50, baseline: 'baseline: bare pty round trip, p50' },
      { name: `last scan byte -> ${to}, p99`, value: p99, unit: 'ms', ratio: p99 / b99, baseline: 'baseline: bare pty round trip, p99', target: `< ${BUDGET_MS} ms`, met: p99 < BUDGET_MS },
    );
  }
  writeReport('lane', 'Scanner path: a scan on a serial pty to the relay bytes and the SSE event', figures, [
    `${SCANS} scans after ${WARMUP} warm-up, status list cached, one process (service, ptys via socat, SSE client); verdicts: ${[...verdicts].join(', ')}`,
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
