/**
 * Real serial lines for tests: a socat pty pair (`socat pty,raw,echo=0,link=A
 * pty,raw,echo=0,link=B`), the service opening one end by its link path with the real
 * serialport binding, the test playing the device on the other end (also through the
 * real binding). Killing socat makes the pty vanish (as an unplugged USB scanner does);
 * starting it again brings it back under the same link path.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import type { Test } from 'tap';
import type { NumberedEvent, ScanEvent, ScannerStateEvent } from '../../src/events/event-bus.js';
import { startService, type TestService } from './service.js';
import { until } from './until.js';

export class PtyPair {
  /** The end the service opens. */
  readonly path: string;
  /** The end the test plays the device on. */
  readonly devicePath: string;
  #socat: ChildProcess | undefined;

  private constructor(dir: string, name: string) {
    this.path = join(dir, `${name}-host`);
    this.devicePath = join(dir, `${name}-device`);
  }

  static async open(dir: string, name: string): Promise<PtyPair> {
    const pair = new PtyPair(dir, name);
    await pair.start();
    return pair;
  }

  async start(): Promise<void> {
    const socat = spawn('socat', [`pty,raw,echo=0,link=${this.path}`, `pty,raw,echo=0,link=${this.devicePath}`], { stdio: 'ignore' });
    this.#socat = socat;
    const failed = new Promise<never>((_, reject) => socat.once('error', (err) => reject(new Error(`socat: ${err.message} (is socat installed?)`))));
    await Promise.race([until(() => existsSync(this.path) && existsSync(this.devicePath), 5000, 'socat links'), failed]);
  }

  /** Kills socat: both ptys vanish, like an unplugged device. */
  async kill(): Promise<void> {
    const socat = this.#socat;
    this.#socat = undefined;
    if (socat === undefined || socat.exitCode !== null) return;
    const exited = new Promise((r) => socat.once('exit', r));
    socat.kill('SIGTERM');
    await exited;
    await until(() => !existsSync(this.path) && !existsSync(this.devicePath), 5000, 'socat links to go');
  }

  /** Opens the device end with the real serialport binding. */
  async device(): Promise<DeviceEnd> {
    const port = new SerialPort({ path: this.devicePath, baudRate: 9600, autoOpen: false, hupcl: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    return new DeviceEnd(port);
  }
}

/** The test's side of a serial line: write bytes as a scanner would, read what the service sends. */
export class DeviceEnd {
  received = Buffer.alloc(0);
  /** Every chunk as it arrived: [performance.now(), bytes]. */
  readonly chunks: [number, Buffer][] = [];

  constructor(readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.chunks.push([performance.now(), chunk]);
    });
    port.on('error', () => {});
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.port.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, (err) => (err ? reject(err) : this.port.drain(() => resolve())));
    });
  }

  /** The bytes received so far, as spaced hex ("A0 01 01 A2 ..."). */
  get hex(): string {
    return [...this.received].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.port.isOpen ? this.port.close(() => resolve()) : resolve()));
  }
}

/** A running service whose one serial scanner sits on a pty pair, the test playing the scanner. */
export interface ScannerRig {
  s: TestService;
  pty: PtyPair;
  device: DeviceEnd;
  /** What the service published, as it happened. */
  scans: ScanEvent[];
  states: ScannerStateEvent[];
}

/**
 * Starts a service with `config(ptyPath)` (a serial scanner on the pty's path), opens the
 * device end and waits for the scanner to connect; all of it is torn down with the test.
 */
export async function startScannerService(t: Test, config: (path: string) => Record<string, unknown>): Promise<ScannerRig> {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-pty-'));
  const pty = await PtyPair.open(dir, 'gate');
  const s = await startService({ config: config(pty.path) });
  const scans: ScanEvent[] = [];
  const states: ScannerStateEvent[] = [];
  s.bus.subscribe((e: NumberedEvent) => (e.type === 'scan' ? scans.push(e.data) : states.push(e.data)));
  const device = await pty.device();
  t.teardown(async () => {
    await device.close();
    await s.close();
    await pty.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  await until(() => s.service.scanners().every((x) => x.state === 'connected'), 5000, 'the scanner to connect');
  return { s, pty, device, scans, states };
}
