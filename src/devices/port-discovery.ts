/**
 * Which serial ports are attached, with their USB vendor and product IDs.
 *
 * serialport's `SerialPort.list()` runs `udevadm` on Linux, and where udevadm is missing
 * (containers, minimal images) that call has crashed the process. So on Linux we read
 * sysfs directly (/sys/class/tty/NAME → the USB device above it: idVendor, idProduct,
 * manufacturer, product, serial), which needs nothing installed; elsewhere we call
 * `SerialPort.list()`, guarded. Discovery never throws: a failure is an empty list and a
 * note saying why. A configured `path` never depends on discovery.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export interface SerialPortInfo {
  path: string;
  vendorId?: string | undefined;
  productId?: string | undefined;
  manufacturer?: string | undefined;
  product?: string | undefined;
  serialNumber?: string | undefined;
}

export interface Discovery {
  ports: SerialPortInfo[];
  /** Why the list may be incomplete (e.g. no sysfs and no udevadm). */
  note?: string;
}

/** Kernel tty names that are serial ports (as serialport's own Linux lister filters them). */
const SERIAL_TTY = /^(?:ttyS|ttyWCH|ttyACM|ttyUSB|ttyAMA|ttyMFD|ttyO|ttyXRUSB|rfcomm)\d/;

export interface DiscoveryOptions {
  /** Where sysfs is mounted (tests point this at a recorded tree). */
  sysfs?: string;
  /** Where device nodes are (default /dev). */
  dev?: string;
  platform?: NodeJS.Platform;
}

export async function listSerialPorts(o: DiscoveryOptions = {}): Promise<Discovery> {
  const platform = o.platform ?? process.platform;
  const sysfs = o.sysfs ?? '/sys';
  if (platform === 'linux') {
    if (existsSync(join(sysfs, 'class', 'tty'))) {
      try {
        return { ports: listFromSysfs(sysfs, o.dev ?? '/dev') };
      } catch (err) {
        return { ports: [], note: `could not read ${join(sysfs, 'class', 'tty')} (${(err as Error).message})` };
      }
    }
    if (!onPath('udevadm')) return { ports: [], note: `neither ${join(sysfs, 'class', 'tty')} nor udevadm is available; give the scanner's path in the config` };
  }
  try {
    const { SerialPort } = await import('serialport');
    const ports = await SerialPort.list();
    return {
      ports: ports.map((p) => ({
        path: p.path,
        vendorId: p.vendorId?.toLowerCase(),
        productId: p.productId?.toLowerCase(),
        manufacturer: p.manufacturer,
        serialNumber: p.serialNumber,
      })),
    };
  } catch (err) {
    return { ports: [], note: `listing serial ports failed (${(err as Error).message})` };
  }
}

function listFromSysfs(sysfs: string, dev: string): SerialPortInfo[] {
  const ttyDir = join(sysfs, 'class', 'tty');
  const ports: SerialPortInfo[] = [];
  for (const name of readdirSync(ttyDir).sort()) {
    if (!SERIAL_TTY.test(name)) continue;
    const deviceLink = join(ttyDir, name, 'device');
    if (!existsSync(deviceLink)) continue; // a virtual tty
    const device = realpathSync(deviceLink);
    const usb = usbDeviceAbove(device, sysfs);
    // Legacy 8250 ports are registered whether or not a UART is there: keep only real ones.
    if (usb === undefined && name.startsWith('ttyS') && !hasRealUart(join(ttyDir, name))) continue;
    const info: SerialPortInfo = { path: join(dev, name) };
    if (usb !== undefined) {
      info.vendorId = read(usb, 'idVendor')?.toLowerCase();
      info.productId = read(usb, 'idProduct')?.toLowerCase();
      info.manufacturer = read(usb, 'manufacturer');
      info.product = read(usb, 'product');
      info.serialNumber = read(usb, 'serial');
    }
    ports.push(info);
  }
  return ports;
}

/** The nearest folder above `path` (within sysfs) with an idVendor file: the USB device. */
export function usbDeviceAbove(path: string, sysfs: string): string | undefined {
  const root = realpathSync(sysfs);
  for (let dir = path; dir.startsWith(root) && dir !== root; dir = dirname(dir)) {
    if (existsSync(join(dir, 'idVendor')) && existsSync(join(dir, 'idProduct'))) return dir;
  }
  return undefined;
}

function hasRealUart(ttyPath: string): boolean {
  const type = read(ttyPath, 'type');
  return type !== undefined && type !== '0';
}

function read(dir: string, file: string): string | undefined {
  try {
    const text = readFileSync(join(dir, file), 'utf8').trim();
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

export function onPath(command: string, path = process.env.PATH ?? ''): boolean {
  return path.split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

/** The first attached port with this USB vendor ID (and product ID, when given). */
export async function findSerialPort(vendorId: string, productId?: string, o: DiscoveryOptions = {}): Promise<SerialPortInfo | undefined> {
  const { ports } = await listSerialPorts(o);
  return ports.find((p) => p.vendorId === vendorId && (productId === undefined || p.productId === productId));
}
