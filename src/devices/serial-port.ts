/**
 * Opening a serial port (scanner or relay) by path or by USB IDs, with serialport's real
 * binding. Modem lines (DTR/RTS) are left alone: USB-CDC scanners ignore them, and the
 * ioctls fail on pseudo-terminals.
 *
 * One fix on the binding's reads (Linux, macOS): a tty that hangs up (USB unplugged, pty
 * closed) answers read() with 0 bytes, and serialport 13 then reads again at once, for
 * ever — the unplug goes unnoticed and a thread spins — unless the hang-up happens to
 * arrive while it polls (seen here over socat ptys on a loaded machine: missed in about
 * one vanishing in ten). A nonblocking tty with no data answers EAGAIN, never 0, so 0
 * bytes means hung up: the read fails and the stream closes as disconnected, as for any
 * other read error.
 */
import { read } from 'node:fs';
import { promisify } from 'node:util';
import { autoDetect, type BindingInterface, type BindingPortInterface } from '@serialport/bindings-cpp';

export type { BindingInterface } from '@serialport/bindings-cpp';
import { SerialPortStream } from '@serialport/stream';
import { MlegError } from '../errors.js';
import type { SerialSettings } from './device-profiles.js';
import { findSerialPort } from './port-discovery.js';
import type { DeviceTarget } from './device-target.js';

export type SerialPort = SerialPortStream;

const readAsync = promisify(read);
const RETRY = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

/** What the unix bindings keep on each open port (bindings-cpp 13). */
interface UnixPort extends BindingPortInterface {
  fd: number | null;
  poller: { once(event: 'readable', cb: (err?: Error) => void): void };
}

function readUntilHangup(port: UnixPort): BindingPortInterface['read'] {
  return async (buffer, offset, length) => {
    for (;;) {
      if (port.fd === null) throw Object.assign(new Error('Port is not open'), { canceled: true });
      try {
        const { bytesRead } = await readAsync(port.fd, buffer, offset, length, null);
        if (bytesRead === 0) throw Object.assign(new Error('the device hung up'), { disconnect: true });
        return { bytesRead, buffer };
      } catch (err) {
        if (!RETRY.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
        await new Promise<void>((resolve, reject) => port.poller.once('readable', (e) => (e ? reject(e) : resolve())));
      }
    }
  };
}

const detected = autoDetect() as BindingInterface;

/** The platform's binding, with hang-ups noticed on unix. */
export const BINDING: BindingInterface = {
  list: () => detected.list(),
  async open(options) {
    const port = await detected.open(options);
    const unix = port as UnixPort;
    if (typeof unix.fd === 'number' && typeof unix.poller?.once === 'function') unix.read = readUntilHangup(unix);
    return port;
  },
};

/**
 * Resolves with the open port and its path, or rejects with a reason fit for a log line.
 * `binding` is how ports are reached: the platform's, or one a test injects
 * (@serialport/binding-mock), so lanes and relays are tested without ptys.
 */
export async function openSerialPort(target: DeviceTarget, serial: SerialSettings, binding: BindingInterface = BINDING): Promise<{ handle: SerialPort; where: string }> {
  let path = target.path;
  if (path === undefined) {
    const usb = `${target.vendorId}${target.productId === undefined ? '' : `:${target.productId}`}`;
    const found = await findSerialPort(target.vendorId!, target.productId);
    if (found === undefined) throw new MlegError('DEVICE_NOT_FOUND', `no serial port with USB id ${usb} is attached`);
    path = found.path;
  }
  const port = new SerialPortStream({ binding, path, ...serial, autoOpen: false, hupcl: false });
  await new Promise<void>((resolve, reject) =>
    port.open((err) => (err ? reject(new MlegError('DEVICE_FAILED', `cannot open ${path}: ${err.message}`)) : resolve())),
  );
  return { handle: port, where: path };
}

/** Calls `lost` with a reason when the port errors or closes (unplugged: 'close' with a disconnected error). */
export function watchSerialPort(port: SerialPort, lost: (reason: string) => void): void {
  port.on('error', (err: Error) => lost(err.message));
  port.on('close', (err: (Error & { disconnected?: boolean }) | null) =>
    lost(err?.disconnected ? `the port went away (${err.message})` : (err?.message ?? 'the port closed')),
  );
}

export function closeSerialPort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) return resolve();
    port.close(() => resolve());
  });
}

/** Writes and waits until the OS has the bytes; rejects on a write error. */
export function writeSerial(port: SerialPort, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    port.write(bytes, (err) => (err ? reject(err) : resolve()));
  });
}
