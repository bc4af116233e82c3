/**
 * A gate after a power cut: the time from starting `mleg serve` (built, its own process, its
 * default threads) to `/readyz` 200, with a trust list of 10 000 keys and, in its
 * `status.dataDir`, the archived status list of 10 million entries it fetched before the cut
 * (the status host unreachable now: the list must come from the archive). Once ready, a
 * VALID and a REVOKED presentation are answered from that list at once. For reference in
 * the same run: a bare Node HTTP server answering 200 (the floor of any Node service) and the
 * service with one key and no archive.
 *
 * Memory: the resident size of that service (every thread included: they share the process)
 * idle once ready, and its peak while loaded at 10 connections, and idle again after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { issueCredential } from '../src/issuer/credential.js';
import { trustListEntry } from '../src/issuer/keys.js';
import { seededRandom } from '../test/helpers/random.js';
import { makePresentation } from '../src/issuer/presentation.js';
import { signStatusList } from '../src/issuer/status-list.js';
import { StatusArchive } from '../src/status/status-archive.js';
import { CLIENTS, buildService, bodies, freePort, load, startMleg, stop, warmUp } from './http-load.js';
import { DAY, STUDENT, makeDevice } from '../test/helpers/world.js';
import { quietMachine, quietnessNote } from './measure.js';
import { POPULATION_STATUS_URI, Population } from './population.js';
import { writeReport, type Figure } from './report.js';

const KEYS = 10_000;
const ENTRIES = 10_000_000;
const BOOTS = 5;
const BOOT_TARGET_MS = 1000;
const LOAD_SECONDS = 4;

buildService();
const pop = new Population({ holders: 1000 });
const now = Math.floor(Date.now() / 1000);

// The gate's site: 10 000 trusted keys (the population's issuer among them), no status file, an archive.
const site = pop.writeSite({ log: { level: 'info' } });
const dir = site.dir;
const others = Array.from({ length: KEYS - 1 }, (_, i) => ({
  ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }),
  kid: `school-${i}`,
  alg: 'ES256',
  iss: `PL-SCHOOL-${i}`,
}));
writeFileSync(join(dir, 'trust-10k.json'), JSON.stringify({ keys: [...others.slice(0, KEYS / 2), trustListEntry(pop.issuer), ...others.slice(KEYS / 2)] }));
// 1 % revoked, none of the population's holders (indices 0-999), who present under load.
const statuses = new Uint8Array(ENTRIES);
const rand = seededRandom(17);
for (let set = 0; set < statuses.length / 100; set++) statuses[1000 + Math.floor(rand() * (statuses.length - 1000))] = 1;
statuses[1037] = 1;
const device = makeDevice();
const revokedCredential = issueCredential({ issuer: pop.issuer, student: STUDENT, device: device.publicJwk, status: { uri: POPULATION_STATUS_URI, idx: 1037 }, iat: now - DAY, exp: now + DAY });
const token = signStatusList(pop.issuer, { uri: POPULATION_STATUS_URI, bits: 1, statuses, iat: now - 600 });
const archiveDir = join(dir, 'archive');
mkdirSync(archiveDir);
await new StatusArchive(archiveDir).save({ uri: POPULATION_STATUS_URI, iss: pop.issuer.iss, jwt: token, fetchedAt: (now - 600) * 1000 });
const baseConfig = JSON.parse(readFileSync(site.configFile, 'utf8')) as Record<string, unknown>;

function configure(o: { trust: string; archive: boolean; port: number }): string {
  const file = join(dir, `boot-${o.trust}-${o.archive}.json`);
  const status = o.archive ? { dataDir: 'archive' } : { files: (baseConfig.status as { files: unknown }).files };
  writeFileSync(file, JSON.stringify({ ...baseConfig, http: { host: '127.0.0.1', port: o.port }, trust: { file: o.trust }, status }));
  return file;
}

/** Milliseconds from spawning `start` to the first 200 from /readyz, polled every millisecond or so. */
async function timeToReady(start: () => ChildProcess, url: string): Promise<{ ms: number; child: ChildProcess }> {
  const t0 = performance.now();
  const child = start();
  for (;;) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { ms: performance.now() - t0, child };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`the process exited (${child.exitCode}) before it was ready`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

const BARE = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.argv[1]), '127.0.0.1')`;

/** Resident set of a process (its threads share it) now, or its peak (VmHWM), MB, from /proc. */
function rssMb(pid: number, which: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${which}:\\s+(\\d+) kB`, 'm').exec(status)![1]) / 1024;
}

const say = (what: string) => process.stdout.write(`  ${what}\n`);
say(`site written: ${KEYS} keys, a list of ${ENTRIES / 1e6} M entries archived (${Math.round(token.length / 1024)} KiB)`);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const boots = { bare: [] as number[], small: [] as number[], gate: [] as number[] };
let answers = 0;
let wrong = 0;
for (let i = 0; i < BOOTS; i++) {
  // In turns, so that a disturbance on this shared machine hits all three.
  await quietMachine();
  let port = await freePort();
  const bare = await timeToReady(() => spawn(process.execPath, ['-e', BARE, String(port)], { stdio: 'ignore' }), `http://127.0.0.1:${port}`);
  boots.bare.push(bare.ms);
  await stop(bare.child);

  await quietMachine();
  port = await freePort();
  const smallConfig = configure({ trust: 'trust.json', archive: false, port });
  const small = await timeToReady(() => startMleg(smallConfig), `http://127.0.0.1:${port}`);
  boots.small.push(small.ms);
  await stop(small.child);

  await quietMachine();
  port = await freePort();
  const gateConfig = configure({ trust: 'trust-10k.json', archive: true, port });
  const url = `http://127.0.0.1:${port}`;
  const gate = await timeToReady(() => startMleg(gateConfig), url);
  boots.gate.push(gate.ms);
  // Answered from the archived list at once (its host is unreachable: a fetch would fail).
  for (const [payload, verdict] of [
    [pop.presentations(1)[0]!, 'VALID'],
    [makePresentation(revokedCredential, device), 'REVOKED'],
  ] as const) {
    const result = (await (await fetch(`${url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: payload })).json()) as { verdict: string; status: { checked: boolean } };
    answers++;
    if (result.verdict !== verdict || !result.status.checked) wrong++;
  }
  await stop(gate.child);
  say(`boot ${i + 1} of ${BOOTS}: bare ${Math.round(bare.ms)} ms, 1 key ${Math.round(small.ms)} ms, gate ${Math.round(gate.ms)} ms`);
}

// Memory: the gate's service, idle once ready, then under load, then idle again.
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const gate = await timeToReady(() => startMleg(configure({ trust: 'trust-10k.json', archive: true, port })), url);
await new Promise((resolve) => setTimeout(resolve, 2000));
const idleMb = rssMb(gate.child.pid!);
await warmUp(url, 2, pop);
await quietMachine();
// The peak from here on: writing 5 to clear_refs resets the process's VmHWM to its present size (Linux).
writeFileSync(`/proc/${gate.child.pid}/clear_refs`, '5');
const loaded = await load(CLIENTS.includes('wrk') ? 'wrk' : 'autocannon', url, '/v1/verify', 10, bodies(pop, 14_000 * (LOAD_SECONDS + 1)), LOAD_SECONDS);
const peakMb = rssMb(gate.child.pid!, 'VmHWM');
await new Promise((resolve) => setTimeout(resolve, 2000));
const afterMb = rssMb(gate.child.pid!);
await stop(gate.child);
site.remove();

const figures: Figure[] = [
  { name: 'reference: a bare Node HTTP server, start to first 200 (median)', value: median(boots.bare), unit: 'ms' },
  { name: 'reference: mleg serve, 1 key, no archive, start to /readyz 200 (median)', value: median(boots.small), unit: 'ms' },
  { name: `mleg serve, ${KEYS} keys, a ${ENTRIES / 1e6} M-entry list archived: start to /readyz 200 (median)`, value: median(boots.gate), unit: 'ms', target: `< ${BOOT_TARGET_MS} ms`, met: median(boots.gate) < BOOT_TARGET_MS },
  { name: `  the same, slowest of ${BOOTS}`, value: Math.max(...boots.gate), unit: 'ms' },
  { name: 'resident size, idle once ready (10 000 keys, the 10 M-entry list, default threads)', value: idleMb, unit: 'MB' },
  { name: `resident size, peak under load (10 connections, ${Math.round(loaded.rate)} req/s)`, value: peakMb, unit: 'MB' },
  { name: 'resident size, idle again 2 s after the load', value: afterMb, unit: 'MB' },
];
writeReport('boot', 'A gate after a power cut: start to /readyz 200; memory', figures, [
  `start to ready per boot, ms: bare ${boots.bare.map(Math.round).join(', ')}; 1 key ${boots.small.map(Math.round).join(', ')}; ${KEYS} keys + archive ${boots.gate.map(Math.round).join(', ')}`,
  `after each boot of the gate, a VALID and a REVOKED presentation answered from the archived list (status checked): ${answers - wrong} of ${answers} right (must be all)`,
  `the load: ${loaded.notValid + loaded.errors} answers not VALID or not 200 (must be 0)`,
  quietnessNote(),
]);
if (wrong > 0 || loaded.notValid + loaded.errors > 0) process.exitCode = 1;
