/**
 * Done when (issue 16): `mleg demo` prints an MLEG2 payload of at most QR version 17-M
 * that a running `mleg serve` (the built command, the demo's trust and status lists)
 * reports VALID from every input path: an HTTP text/plain body, a serial scanner on a pty
 * (the real serialport binding, an SSE client listening), and a picture of its QR code.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { qrSize } from '../../src/issuer/qr.js';
import { mleg, mlegServe } from '../helpers/cli.js';
import { photograph, placed } from '../helpers/phone-screen.js';
import { PtyPair } from '../helpers/pty.js';
import { SseClient } from '../helpers/sse.js';

const CONFIG_DIR = fileURLToPath(new URL('../../config/', import.meta.url));
const demoConfig = JSON.parse(readFileSync(join(CONFIG_DIR, 'default.json'), 'utf8')) as { trust: { file: string }; status: { files: Record<string, string>; maxAgeSeconds: number } };

interface Demo {
  valid: string;
  mleg2: { valid: string };
  qr: { mleg1: { version: number; modules: number; characters: number }; mleg2: { version: number; modules: number; characters: number } };
}

async function demo(): Promise<Demo> {
  const run = await mleg(['demo', '--json']);
  if (run.code !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as Demo;
}

t.test('the demo MLEG2 payload: at most version 17-M, VALID over HTTP, a pty serial scanner and an image', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-demo-e2e-'));
  const gate = await PtyPair.open(dir, 'gate');
  // The embedded demo configuration, with absolute paths, an ephemeral port and a serial scanner.
  const config = {
    http: { host: '127.0.0.1', port: 0 },
    trust: { file: join(CONFIG_DIR, demoConfig.trust.file) },
    status: { files: Object.fromEntries(Object.entries(demoConfig.status.files).map(([uri, f]) => [uri, join(CONFIG_DIR, f)])), maxAgeSeconds: demoConfig.status.maxAgeSeconds },
    scanners: [{ id: 'gate-1', type: 'serial', path: gate.path, baudRate: 9600 }],
  };
  writeFileSync(join(dir, 'mleg.json'), JSON.stringify(config));
  const server = await mlegServe(['--config', join(dir, 'mleg.json')]);
  const url = `http://127.0.0.1:${server.port}`;
  const events = await SseClient.open(`${url}/v1/events`);
  const scanner = await gate.device();
  t.teardown(async () => {
    events.close();
    await scanner.close();
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    await gate.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const first = await demo();
  const payload = first.mleg2.valid;
  t.match(payload, /^MLEG2:[0-9A-Z $%*+\-./:]+$/);
  t.same(first.qr.mleg2, { characters: payload.length, ...qrSize(payload) }, 'the sizes it reports are the payload\'s');
  t.ok(first.qr.mleg2.version <= 17, `MLEG2: version ${first.qr.mleg2.version}-M, ${first.qr.mleg2.characters} characters`);
  t.ok(first.qr.mleg1.version > first.qr.mleg2.version, `MLEG1: version ${first.qr.mleg1.version}-M, ${first.qr.mleg1.characters} characters`);
  t.comment(`demo payloads: MLEG1 ${first.qr.mleg1.characters} characters, version ${first.qr.mleg1.version}; MLEG2 ${first.qr.mleg2.characters}, version ${first.qr.mleg2.version}`);

  // HTTP, text/plain: the body exactly as printed.
  const res = await fetch(`${url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: payload });
  const result = (await res.json()) as { verdict: string; holder: { given_name: string } | null };
  t.equal(result.verdict, 'VALID', 'HTTP');
  t.equal(result.holder?.given_name, 'Anna');
  const again = (await (await fetch(`${url}/v1/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payload }) })).json()) as { verdict: string };
  t.equal(again.verdict, 'REPLAYED', 'the same payload again, as JSON');

  // A serial scanner: the bytes and a CR LF, as a gate's imager sends them.
  for (const deadline = Date.now() + 10_000; ; await new Promise((r) => setTimeout(r, 50))) {
    const state = (await (await fetch(`${url}/v1/state`)).json()) as { scanners: { state: string }[] };
    if (state.scanners.every((x) => x.state === 'connected')) break;
    if (Date.now() > deadline) throw new Error('the scanner did not connect');
  }
  const second = (await demo()).mleg2.valid;
  await scanner.write(`${second}\r\n`);
  await events.until(() => events.data('scan').length === 1, 10_000, 'the scan event');
  t.match(events.data('scan')[0], { scanner: 'gate-1', result: { verdict: 'VALID', valid: true } }, 'serial scanner');

  // An image: the code `mleg demo --qr` draws, and a camera picture of it on a phone.
  const png = join(dir, 'code.png');
  const drawn = await mleg(['demo', '--qr', png]);
  t.equal(drawn.code, 0, drawn.stderr);
  t.match(drawn.stdout, /The VALID MLEG2 payload is drawn in/);
  const image = await fetch(`${url}/v1/verify/image`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: readFileSync(png) });
  t.match(await image.json(), { results: [{ verdict: 'VALID' }] }, 'the PNG of mleg demo --qr');
  const photo = await photograph([(await demo()).mleg2.valid], { name: 'far', phones: [placed(640, 480, 0.5)], jpeg: 80 });
  const shot = await fetch(`${url}/v1/verify/image`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: photo });
  t.match(await shot.json(), { results: [{ verdict: 'VALID' }] }, 'a camera picture of a phone showing it, from afar');
});
