/**
 * The terminal part of the configuration: `scanners`, `outputs` (gate relays) and `lanes`
 * (which scanners open which relays), their schema, and the checks that span entries
 * (unique ids, lanes naming known scanners and outputs). What needs the device profiles —
 * profiles and layouts that exist, final settings — is resolved in src/devices/terminal-plan.ts.
 *
 * A device is found by `path` (/dev/ttyACM0, /dev/hidraw2) or by its USB `vendorId`
 * (and optionally `productId`), four lower-case hex digits as lsusb prints them. Serial
 * settings left out come from the device's profile, else 9600 8N1.
 */
import { ConfigError, type Field, type ValueOf } from './schema.js';

export const USB_ID = { re: /^[0-9a-f]{4}$/, want: 'four lower-case hex digits, as lsusb shows them (e.g. "0c2e")' };

export const SCANNER_TYPES = ['serial', 'hid-pos', 'hid-keyboard'] as const;
export const OUTPUT_TYPES = ['serial-relay', 'hid-relay'] as const;

const id = { kind: 'string', nonEmpty: true, required: true } as const;
const usbIdField = { kind: 'string', pattern: USB_ID } as const;
const deviceFields = {
  id,
  /** Device node: /dev/ttyACM0, /dev/hidraw2 (relative paths: against the config file). */
  path: { kind: 'string', path: true, nonEmpty: true },
  /** USB IDs, as lsusb prints them: "0c2e". */
  vendorId: usbIdField,
  productId: usbIdField,
  /** A profile in devices/ (file name without .json); default: matched by USB IDs. */
  profile: { kind: 'string', nonEmpty: true },
  /** Serial settings; left out, the profile's, else 9600 8N1. */
  baudRate: { kind: 'integer', min: 50, max: 4000000 },
  dataBits: { kind: 'integer', values: [5, 6, 7, 8] },
  parity: { kind: 'enum', values: ['none', 'even', 'odd'] },
  stopBits: { kind: 'integer', values: [1, 2] },
} as const satisfies Record<string, Field>;

export const TERMINAL_SCHEMA = {
  scanners: {
    kind: 'array',
    default: [],
    item: {
      kind: 'object',
      fields: {
        ...deviceFields,
        type: { kind: 'enum', values: SCANNER_TYPES, required: true },
        /** End a scan after this much silence (0: only at a terminator); default from the profile. */
        idleMs: { kind: 'integer', min: 0, max: 10000 },
        /** The same text on the same lane within this window is a double read. */
        debounceMs: { kind: 'integer', default: 2000, min: 0, max: 60000 },
        /** Keyboard layout for hid-keyboard scanners (devices/layouts). */
        layout: { kind: 'string', default: 'us', nonEmpty: true },
        /** Send the profile's good-read / bad-read commands to the scanner. */
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
        /** Relay channel on the board, from 1. */
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
        /** Relays pulsed on VALID. */
        outputs: { kind: 'array', default: [], item: { kind: 'string', nonEmpty: true } },
        openMs: { kind: 'integer', default: 1500, min: 50, max: 60000 },
      },
    },
  },
} as const satisfies Record<string, Field>;

export type ScannerConfig = ValueOf<typeof TERMINAL_SCHEMA.scanners.item>;
export type OutputConfig = ValueOf<typeof TERMINAL_SCHEMA.outputs.item>;
export type LaneConfig = ValueOf<typeof TERMINAL_SCHEMA.lanes.item>;
export type TerminalConfig = ValueOf<{ kind: 'object'; fields: typeof TERMINAL_SCHEMA }>;
export type SerialFields = Pick<ScannerConfig, 'baudRate' | 'dataBits' | 'parity' | 'stopBits'>;
type DeviceFields = ValueOf<{ kind: 'object'; fields: typeof deviceFields }>;

/** Where scans come from: the configured lanes, and each scanner in no lane (on screens, its scans' lane is its id). */
export function laneIds({ lanes, scanners }: Pick<TerminalConfig, 'lanes' | 'scanners'>): string[] {
  const inLane = new Set(lanes.flatMap((l) => l.scanners));
  return [...lanes.map((l) => l.id), ...scanners.filter((s) => !inLane.has(s.id)).map((s) => s.id)];
}

/** Checks what the schema cannot: references between entries. Throws ConfigError naming the key. */
export function checkTerminalConfig(config: TerminalConfig, source: string): void {
  const fail = (key: string, message: string): never => {
    throw new ConfigError(`${source}: "${key}" ${message}`);
  };
  const checkDevice = (d: DeviceFields & SerialFields & { type: string }, key: string, serial: boolean) => {
    if (d.path === undefined && d.vendorId === undefined) fail(key, 'needs "path" or "vendorId" to find the device');
    if (d.path !== undefined && (d.vendorId !== undefined || d.productId !== undefined)) fail(`${key}.path`, 'and "vendorId"/"productId" are two ways to find the device: give one');
    if (d.productId !== undefined && d.vendorId === undefined) fail(`${key}.productId`, 'needs "vendorId" too');
    if (!serial) {
      for (const k of ['baudRate', 'dataBits', 'parity', 'stopBits'] as const) if (d[k] !== undefined) fail(`${key}.${k}`, `applies to serial devices only, not to "${d.type}"`);
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
    checkDevice(s, key, s.type === 'serial');
    if (s.type !== 'hid-keyboard' && s.layout !== 'us') fail(`${key}.layout`, 'applies to hid-keyboard scanners only');
  });
  config.outputs.forEach((o, i) => checkDevice(o, `outputs[${i}]`, o.type === 'serial-relay'));

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
