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
import { applySchema, type Field } from '../config/schema.js';
import { parseByteSequence, type ByteSequence } from './byte-sequence.js';

export const DEVICES_DIR = fileURLToPath(new URL('../../devices/', import.meta.url));

export const INTERFACES = ['serial', 'hid-pos', 'hid-keyboard', 'hid-relay', 'serial-relay', 'unsupported'] as const;
export type InterfaceKind = (typeof INTERFACES)[number];

export const USB_ID = { re: /^[0-9a-f]{4}$/, want: 'four lower-case hex digits, as lsusb shows them (e.g. "0c2e")' };

export interface SerialSettings {
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
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
    baudRate: { kind: 'integer', default: 9600, min: 50, max: 4000000 },
    dataBits: { kind: 'integer', default: 8, min: 5, max: 8 },
    parity: { kind: 'enum', values: ['none', 'even', 'odd'], default: 'none' },
    stopBits: { kind: 'integer', default: 1, min: 1, max: 2 },
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

/** Validates one profile document; throws an Error naming the file and the key. */
export function parseProfile(doc: unknown, id: string, source: string): DeviceProfile {
  const raw = applySchema(PROFILE_SCHEMA, doc, '', { source, resolvePath: (p) => p }) as Omit<DeviceProfile, 'id' | 'interfaces'> & { interfaces: RawInterface[] };
  const interfaces = raw.interfaces.map((r, i): ProfileInterface => {
    const key = `interfaces[${i}]`;
    const seq = (text: string | undefined, name: string) => {
      if (text === undefined) return undefined;
      try {
        return parseByteSequence(text);
      } catch (err) {
        throw new Error(`${source}: "${key}.${name}": ${(err as Error).message}`);
      }
    };
    if ((r.interface === 'hid-relay' || r.interface === 'serial-relay') !== (r.relay !== undefined)) {
      throw new Error(`${source}: "${key}.relay" is required for relay interfaces and only for them`);
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
          throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
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

export function productIdMatches(pattern: string, productId: string): boolean {
  if (pattern === '*') return true;
  const id = productId.toLowerCase();
  return id.length === 4 && [...pattern].every((c, i) => c === 'x' || c === id[i]);
}

/** What a USB device tells about itself: enough to pick a profile. */
export interface UsbIdentity {
  vendorId: string;
  productId: string;
  product?: string | undefined;
}

export interface ProfileMatch {
  profile: DeviceProfile;
  iface: ProfileInterface;
}

/** The profile interfaces of the given kinds that match a device, most specific product ID first. */
export function matchProfiles(device: UsbIdentity, kinds: readonly InterfaceKind[], dir = DEVICES_DIR): ProfileMatch[] {
  const matches: ProfileMatch[] = [];
  for (const profile of loadProfiles(dir)) {
    if (profile.vendorId !== device.vendorId.toLowerCase()) continue;
    for (const iface of profile.interfaces) {
      if (!kinds.includes(iface.interface) || !productIdMatches(iface.productId, device.productId)) continue;
      if (iface.productName !== undefined && !iface.productName.test(device.product ?? '')) continue;
      matches.push({ profile, iface });
    }
  }
  const specificity = (p: string) => (p === '*' ? 0 : [...p].filter((c) => c !== 'x').length);
  return matches.sort((a, b) => specificity(b.iface.productId) - specificity(a.iface.productId));
}

/**
 * The profile a configured device uses: the one its `profile` names, else the first whose
 * vendor (and product, when configured) matches its USB IDs, else none.
 */
export function profileFor(
  device: { profile?: string | undefined; vendorId?: string | undefined; productId?: string | undefined },
  kind: InterfaceKind,
  dir = DEVICES_DIR,
): ProfileMatch | undefined {
  const candidates = device.profile !== undefined ? [findProfile(device.profile, dir)] : loadProfiles(dir).filter((p) => p.vendorId === device.vendorId);
  for (const profile of candidates) {
    const iface = profile?.interfaces.find(
      (i) => i.interface === kind && (device.profile !== undefined || device.productId === undefined || productIdMatches(i.productId, device.productId)),
    );
    if (profile !== undefined && iface !== undefined) return { profile, iface };
  }
  return undefined;
}
