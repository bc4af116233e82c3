/**
 * Device profiles: one JSON file per model in devices/ (the file name is the profile id).
 * A profile names the vendor, the model, the USB vendor ID and, per interface the device
 * can be switched to, its product ID pattern, default serial settings and framing, the
 * feedback bytes it understands and, for relay boards, the on/off commands.
 *
 * Product ID patterns are four hex digits where `x` matches any digit ("xx03"), or "*".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applySchema, ConfigError, type Field } from '../config/schema.js';
import { USB_ID } from '../config/terminal.js';
import { MlegError } from '../errors.js';
import { parseByteSequence, type ByteSequence } from './byte-sequence.js';

export const DEVICES_DIR = fileURLToPath(new URL('../../devices/', import.meta.url));

export const INTERFACES = ['serial', 'hid-pos', 'hid-keyboard', 'hid-relay', 'serial-relay', 'unsupported'] as const;
export type InterfaceKind = (typeof INTERFACES)[number];

export interface SerialSettings {
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

/** A serial line's settings where neither the config nor the profile says: 9600 8N1. */
export const DEFAULT_SERIAL: SerialSettings = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };

/** A file in devices/ (a profile or a keyboard layout) that is not valid: exit 2, naming the file and key. */
export class DeviceProfileError extends MlegError {
  override name = 'DeviceProfileError';
  constructor(message: string) {
    super('DEVICE_PROFILE_INVALID', message);
  }
}

export type Suffix = 'CR' | 'LF' | 'CRLF' | 'TAB' | 'none';

export interface ProfileInterface {
  interface: InterfaceKind;
  productId: string;
  productName?: RegExp;
  serial?: SerialSettings;
  framing: { suffix: Suffix; idleMs: number };
  feedback: { good?: ByteSequence; bad?: ByteSequence };
  relay?: { channels: number; report: 'output' | 'feature'; on: ByteSequence; off: ByteSequence };
  note: string;
}

export interface DeviceProfile {
  id: string;
  vendor: string;
  model: string;
  vendorId: string;
  interfaces: ProfileInterface[];
}

const str = (required = false): Field => ({ kind: 'string', nonEmpty: true, required });
const SERIAL_FIELDS: Field = {
  kind: 'object',
  fields: {
    baudRate: { kind: 'integer', default: DEFAULT_SERIAL.baudRate, min: 50, max: 4000000 },
    dataBits: { kind: 'integer', default: DEFAULT_SERIAL.dataBits, min: 5, max: 8 },
    parity: { kind: 'enum', values: ['none', 'even', 'odd'], default: DEFAULT_SERIAL.parity },
    stopBits: { kind: 'integer', default: DEFAULT_SERIAL.stopBits, min: 1, max: 2 },
  },
};

const PROFILE_SCHEMA: Field = {
  kind: 'object',
  fields: {
    vendor: str(true),
    model: str(true),
    vendorId: { kind: 'string', required: true, pattern: USB_ID },
    interfaces: {
      kind: 'array',
      required: true,
      item: {
        kind: 'object',
        fields: {
          interface: { kind: 'enum', values: INTERFACES, required: true },
          productId: { kind: 'string', required: true, pattern: { re: /^(?:\*|[0-9a-fx]{4})$/, want: 'four hex digits with x for any digit, or "*"' } },
          productName: str(),
          serial: { ...SERIAL_FIELDS, optional: true },
          framing: {
            kind: 'object',
            fields: {
              suffix: { kind: 'enum', values: ['CR', 'LF', 'CRLF', 'TAB', 'none'], default: 'CR' },
              idleMs: { kind: 'integer', default: 0, min: 0, max: 10000 },
            },
          },
          feedback: { kind: 'object', fields: { good: str(), bad: str() } },
          relay: {
            kind: 'object',
            optional: true,
            fields: {
              channels: { kind: 'integer', default: 1, min: 1, max: 255 },
              report: { kind: 'enum', values: ['output', 'feature'], default: 'output' },
              on: str(true),
              off: str(true),
            },
          },
          note: { kind: 'string', default: '' },
        },
      },
    },
  },
};

/** A profile interface as written in the JSON file: byte sequences and the product name as text. */
type RawInterface = Omit<ProfileInterface, 'productName' | 'feedback' | 'relay'> & {
  productName?: string;
  feedback: { good?: string; bad?: string };
  relay?: Omit<NonNullable<ProfileInterface['relay']>, 'on' | 'off'> & { on: string; off: string };
};

/** Validates one profile document; throws DeviceProfileError naming the file and the key. */
export function parseProfile(doc: unknown, id: string, source: string): DeviceProfile {
  let raw: Omit<DeviceProfile, 'id' | 'interfaces'> & { interfaces: RawInterface[] };
  try {
    raw = applySchema(PROFILE_SCHEMA, doc, '', { source, resolvePath: (p) => p }) as typeof raw;
  } catch (err) {
    throw err instanceof ConfigError ? new DeviceProfileError(err.message) : err;
  }
  const interfaces = raw.interfaces.map((r, i): ProfileInterface => {
    const key = `interfaces[${i}]`;
    const seq = (text: string | undefined, name: string) => {
      if (text === undefined) return undefined;
      try {
        return parseByteSequence(text);
      } catch (err) {
        throw new DeviceProfileError(`${source}: "${key}.${name}": ${(err as Error).message}`);
      }
    };
    if ((r.interface === 'hid-relay' || r.interface === 'serial-relay') !== (r.relay !== undefined)) {
      throw new DeviceProfileError(`${source}: "${key}.relay" is required for relay interfaces and only for them`);
    }
    const out: ProfileInterface = {
      interface: r.interface,
      productId: r.productId,
      framing: r.framing,
      feedback: { good: seq(r.feedback.good, 'feedback.good'), bad: seq(r.feedback.bad, 'feedback.bad') },
      note: r.note,
    };
    if (r.productName !== undefined) out.productName = new RegExp(r.productName);
    if (r.serial !== undefined) out.serial = r.serial;
    if (r.relay !== undefined) out.relay = { ...r.relay, on: seq(r.relay.on, 'relay.on')!, off: seq(r.relay.off, 'relay.off')! };
    return out;
  });
  return { id, vendor: raw.vendor, model: raw.model, vendorId: raw.vendorId, interfaces };
}

const loaded = new Map<string, DeviceProfile[]>();

/** Every profile in `dir`, sorted by id; cached. Throws on the first malformed file. */
export function loadProfiles(dir = DEVICES_DIR): DeviceProfile[] {
  let profiles = loaded.get(dir);
  if (profiles === undefined) {
    profiles = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => {
        const file = join(dir, f);
        let doc: unknown;
        try {
          doc = JSON.parse(readFileSync(file, 'utf8'));
        } catch (err) {
          throw new DeviceProfileError(`${file}: not valid JSON (${(err as Error).message})`);
        }
        return parseProfile(doc, f.slice(0, -'.json'.length), file);
      });
    loaded.set(dir, profiles);
  }
  return profiles;
}

export function findProfile(id: string, dir = DEVICES_DIR): DeviceProfile | undefined {
  return loadProfiles(dir).find((p) => p.id === id);
}

/** Whether a product ID pattern ("0b61", "xx03", "*") matches; an unknown product ID (a config giving the vendor only) matches any. */
export function productIdMatches(pattern: string, productId: string | undefined): boolean {
  if (pattern === '*' || productId === undefined) return true;
  const id = productId.toLowerCase();
  return id.length === 4 && [...pattern].every((c, i) => c === 'x' || c === id[i]);
}

/** What is known of a USB device: its vendor, maybe its product ID and name. */
export interface UsbIdentity {
  vendorId: string;
  productId?: string | undefined;
  product?: string | undefined;
}

export interface ProfileMatch {
  profile: DeviceProfile;
  iface: ProfileInterface;
}

/**
 * The one rule that picks a profile for a device: the interfaces of the given kinds whose
 * vendor, product ID pattern and (when the device's product name is known) product name
 * match, the most specific product ID first, then by profile id. `mleg devices` and the
 * running service both choose by it, so they cannot disagree about the same scanner.
 */
export function matchProfiles(device: UsbIdentity, kinds: readonly InterfaceKind[], dir = DEVICES_DIR): ProfileMatch[] {
  const matches: ProfileMatch[] = [];
  for (const profile of loadProfiles(dir)) {
    if (profile.vendorId !== device.vendorId.toLowerCase()) continue;
    for (const iface of profile.interfaces) {
      if (!kinds.includes(iface.interface) || !productIdMatches(iface.productId, device.productId)) continue;
      if (iface.productName !== undefined && device.product !== undefined && !iface.productName.test(device.product)) continue;
      matches.push({ profile, iface });
    }
  }
  const specificity = (p: string) => (p === '*' ? 0 : [...p].filter((c) => c !== 'x').length);
  // Array.prototype.sort is stable: profiles (sorted by id) keep their order among equals.
  return matches.sort((a, b) => specificity(b.iface.productId) - specificity(a.iface.productId));
}

/**
 * The profile a configured device uses: the interface of `kind` of the profile it names;
 * else the best match of its USB IDs (matchProfiles); else none (a device found by path
 * with no profile named uses the defaults).
 */
export function profileFor(
  device: { profile?: string | undefined; vendorId?: string | undefined; productId?: string | undefined },
  kind: InterfaceKind,
  dir = DEVICES_DIR,
): ProfileMatch | undefined {
  if (device.profile !== undefined) {
    const profile = findProfile(device.profile, dir);
    const iface = profile?.interfaces.find((i) => i.interface === kind);
    return profile !== undefined && iface !== undefined ? { profile, iface } : undefined;
  }
  if (device.vendorId === undefined) return undefined;
  return matchProfiles({ vendorId: device.vendorId, productId: device.productId }, [kind], dir)[0];
}
