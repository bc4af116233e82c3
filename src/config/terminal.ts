/**
 * The terminal part of the configuration: `scanners`, `outputs` (gate relays) and `lanes`
 * (which scanners open which relays), their schema, and the checks that span entries
 * (unique ids, lanes naming known scanners and outputs, profiles and layouts that exist).
 *
 * A device is found by `path` (/dev/ttyACM0, /dev/hidraw2) or by its USB `vendorId`
 * (and optionally `productId`), four lower-case hex digits as lsusb prints them. Serial
 * settings left out come from the device's profile, else 9600 8N1.
 */
import { ConfigError, type Field } from './schema.js';
import { findProfile, profileFor, USB_ID, type InterfaceKind, type ProfileMatch } from '../scan/device-profiles.js';
import { layoutNames } from '../scan/keyboard-layout.js';

export const SCANNER_TYPES = ['serial', 'hid-pos', 'hid-keyboard'] as const;
export const OUTPUT_TYPES = ['serial-relay', 'hid-relay'] as const;

/** The relay board profile an output uses when it names none and its USB IDs match none. */
export const DEFAULT_RELAY_PROFILE = { 'serial-relay': 'lctech-ch340-relay', 'hid-relay': 'dcttech-usb-relay' } as const;

export interface SerialFields {
  baudRate?: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
}

interface DeviceFields {
  id: string;
  /** Device node: /dev/ttyACM0, /dev/hidraw2 (relative paths: against the config file). */
  path?: string;
  /** USB IDs, as lsusb prints them: "0c2e". */
  vendorId?: string;
  productId?: string;
  /** A profile in devices/ (file name without .json); default: matched by USB IDs. */
  profile?: string;
}

export interface ScannerConfig extends DeviceFields, SerialFields {
  type: (typeof SCANNER_TYPES)[number];
  /** End a scan after this much silence (0: only at a terminator); default from the profile. */
  idleMs?: number;
  /** The same text on the same lane within this window is a double read. */
  debounceMs: number;
  /** Keyboard layout for hid-keyboard scanners (devices/layouts). */
  layout: string;
  /** Send the profile's good-read / bad-read commands to the scanner. */
  feedback: boolean;
}

export interface OutputConfig extends DeviceFields, SerialFields {
  type: (typeof OUTPUT_TYPES)[number];
  /** Relay channel on the board, from 1. */
  relay: number;
}

export interface LaneConfig {
  id: string;
  scanners: string[];
  /** Relays pulsed on VALID. */
  outputs: string[];
  openMs: number;
}

const id: Field = { kind: 'string', nonEmpty: true, required: true };
const usbIdField: Field = { kind: 'string', pattern: USB_ID };
const deviceFields = {
  id,
  path: { kind: 'string', path: true, nonEmpty: true },
  vendorId: usbIdField,
  productId: usbIdField,
  profile: { kind: 'string', nonEmpty: true },
  baudRate: { kind: 'integer', min: 50, max: 4000000 },
  dataBits: { kind: 'integer', min: 5, max: 8 },
  parity: { kind: 'enum', values: ['none', 'even', 'odd'] },
  stopBits: { kind: 'integer', min: 1, max: 2 },
} satisfies Record<string, Field>;

export const TERMINAL_SCHEMA = {
  scanners: {
    kind: 'array',
    default: [],
    item: {
      kind: 'object',
      fields: {
        ...deviceFields,
        type: { kind: 'enum', values: SCANNER_TYPES, required: true },
        idleMs: { kind: 'integer', min: 0, max: 10000 },
        debounceMs: { kind: 'integer', default: 2000, min: 0, max: 60000 },
        layout: { kind: 'string', default: 'us', nonEmpty: true },
        feedback: { kind: 'boolean', default: true },
      },
    },
  },
  outputs: {
    kind: 'array',
    default: [],
    item: {
      kind: 'object',
      fields: {
        ...deviceFields,
        type: { kind: 'enum', values: OUTPUT_TYPES, required: true },
        relay: { kind: 'integer', default: 1, min: 1, max: 255 },
      },
    },
  },
  lanes: {
    kind: 'array',
    default: [],
    item: {
      kind: 'object',
      fields: {
        id,
        scanners: { kind: 'array', required: true, item: { kind: 'string', nonEmpty: true } },
        outputs: { kind: 'array', default: [], item: { kind: 'string', nonEmpty: true } },
        openMs: { kind: 'integer', default: 1500, min: 50, max: 60000 },
      },
    },
  },
} satisfies Record<string, Field>;

export interface TerminalConfig {
  scanners: ScannerConfig[];
  outputs: OutputConfig[];
  lanes: LaneConfig[];
}

/** Where scans come from: the configured lanes, and each scanner in no lane (on screens, its scans' lane is its id). */
export function laneIds({ lanes, scanners }: Pick<TerminalConfig, 'lanes' | 'scanners'>): string[] {
  const inLane = new Set(lanes.flatMap((l) => l.scanners));
  return [...lanes.map((l) => l.id), ...scanners.filter((s) => !inLane.has(s.id)).map((s) => s.id)];
}

/** The relay board profile of an output: named, matched by USB IDs, or the type's default. */
export function relayProfile(o: OutputConfig): ProfileMatch {
  const match = profileFor(o, o.type) ?? profileFor({ profile: DEFAULT_RELAY_PROFILE[o.type] }, o.type);
  if (match === undefined) throw new Error(`no relay profile for ${o.type}`);
  return match;
}

/** Checks what the schema cannot: references between entries. Throws ConfigError naming the key. */
export function checkTerminalConfig(config: TerminalConfig, source: string): void {
  const fail = (key: string, message: string): never => {
    throw new ConfigError(`${source}: "${key}" ${message}`);
  };
  const checkDevice = (d: DeviceFields & SerialFields & { type: string }, key: string, kind: InterfaceKind, serial: boolean) => {
    if (d.path === undefined && d.vendorId === undefined) fail(key, 'needs "path" or "vendorId" to find the device');
    if (d.path !== undefined && (d.vendorId !== undefined || d.productId !== undefined)) fail(`${key}.path`, 'and "vendorId"/"productId" are two ways to find the device: give one');
    if (d.productId !== undefined && d.vendorId === undefined) fail(`${key}.productId`, 'needs "vendorId" too');
    if (!serial) {
      for (const k of ['baudRate', 'dataBits', 'parity', 'stopBits'] as const) if (d[k] !== undefined) fail(`${key}.${k}`, `applies to serial devices only, not to "${d.type}"`);
    }
    if (d.profile !== undefined) {
      const profile = findProfile(d.profile);
      if (profile === undefined) fail(`${key}.profile`, `names no profile in devices/ ("${d.profile}")`);
      if (!profile!.interfaces.some((i) => i.interface === kind)) fail(`${key}.profile`, `"${d.profile}" has no ${kind} interface`);
    }
  };

  const unique = (ids: string[], list: string) => {
    const seen = new Set<string>();
    ids.forEach((x, i) => {
      if (seen.has(x)) fail(`${list}[${i}].id`, `repeats the id "${x}"`);
      seen.add(x);
    });
  };
  unique(config.scanners.map((s) => s.id), 'scanners');
  unique(config.outputs.map((o) => o.id), 'outputs');
  unique(config.lanes.map((l) => l.id), 'lanes');

  config.scanners.forEach((s, i) => {
    const key = `scanners[${i}]`;
    checkDevice(s, key, s.type, s.type === 'serial');
    if (s.type !== 'hid-keyboard' && s.layout !== 'us') fail(`${key}.layout`, 'applies to hid-keyboard scanners only');
    if (s.type === 'hid-keyboard' && !layoutNames().includes(s.layout)) fail(`${key}.layout`, `names no keyboard layout (known: ${layoutNames().join(', ')})`);
  });
  config.outputs.forEach((o, i) => {
    checkDevice(o, `outputs[${i}]`, o.type, o.type === 'serial-relay');
    const { profile, iface } = relayProfile(o);
    const channels = iface.relay?.channels ?? 1;
    if (o.relay > channels) fail(`outputs[${i}].relay`, `is ${o.relay}, but "${profile.id}" boards have ${channels} relays`);
  });

  const scannerIds = new Set(config.scanners.map((s) => s.id));
  const outputIds = new Set(config.outputs.map((o) => o.id));
  const laneOf = new Map<string, string>();
  config.lanes.forEach((lane, i) => {
    if (lane.scanners.length === 0) fail(`lanes[${i}].scanners`, 'must name at least one scanner');
    lane.scanners.forEach((s, j) => {
      const key = `lanes[${i}].scanners[${j}]`;
      if (!scannerIds.has(s)) fail(key, `names no scanner in "scanners" ("${s}")`);
      if (laneOf.has(s)) fail(key, `puts scanner "${s}" in a second lane (it is in "${laneOf.get(s)}")`);
      laneOf.set(s, lane.id);
    });
    lane.outputs.forEach((o, j) => {
      if (!outputIds.has(o)) fail(`lanes[${i}].outputs[${j}]`, `names no output in "outputs" ("${o}")`);
    });
  });
}
