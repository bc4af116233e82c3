/**
 * Opening a serial port (scanner or relay) by path or by USB IDs, with serialport's real
 * binding. Modem lines (DTR/RTS) are left alone: USB-CDC scanners ignore them, and the
 * ioctls fail on pseudo-terminals.
 */
import { SerialPort } from 'serialport';
import type { SerialFields } from '../config/terminal.js';
import type { SerialSettings } from './device-profiles.js';
import { findSerialPort } from './port-discovery.js';

const DEFAULT_SERIAL: SerialSettings = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };

/** Settings in the config over the profile's over 9600 8N1. */
export function serialSettings(profile: SerialSettings | undefined, config: SerialFields): SerialSettings {
  return {
    baudRate: config.baudRate ?? profile?.baudRate ?? DEFAULT_SERIAL.baudRate,
    dataBits: config.dataBits ?? profile?.dataBits ?? DEFAULT_SERIAL.dataBits,
    parity: config.parity ?? profile?.parity ?? DEFAULT_SERIAL.parity,
    stopBits: config.stopBits ?? profile?.stopBits ?? DEFAULT_SERIAL.stopBits,
  };
}

export interface SerialTarget extends SerialSettings {
  path?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
}

/** Resolves with the open port and its path, or rejects with a reason fit for a log line. */
export async function openSerialPort(target: SerialTarget): Promise<{ handle: SerialPort; where: string }> {
  let path = target.path;
  if (path === undefined) {
    const usb = `${target.vendorId}${target.productId === undefined ? '' : `:${target.productId}`}`;
    const found = await findSerialPort(target.vendorId!, target.productId);
    if (found === undefined) throw new Error(`no serial port with USB id ${usb} is attached`);
    path = found.path;
  }
  const port = new SerialPort({
    path,
    baudRate: target.baudRate,
    dataBits: target.dataBits,
    parity: target.parity,
    stopBits: target.stopBits,
    autoOpen: false,
    hupcl: false,
  });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(new Error(`cannot open ${path}: ${err.message}`)) : resolve())));
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
