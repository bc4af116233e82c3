/**
 * The one place where the configuration's `scanners`, `outputs` and `lanes` meet the
 * device profiles in devices/: config over profile over defaults, resolved once into a
 * terminal plan — each scanner's and relay's final serial settings, framing, feedback and
 * relay bytes, keyboard layout, and the lanes that tie them. The service, `mleg scan` and
 * `mleg devices` all use it; a configuration the profiles cannot satisfy is a ConfigError
 * naming the key.
 */
import { ConfigError } from '../config/schema.js';
import type { LaneConfig, OutputConfig, ScannerConfig, SerialFields, TerminalConfig } from '../config/terminal.js';
import { DEFAULT_SERIAL, DEVICES_DIR, findProfile, profileFor, type InterfaceKind, type ProfileInterface, type SerialSettings } from './device-profiles.js';
import type { DeviceTarget } from './device-target.js';
import { layoutNames, LAYOUTS_DIR, loadLayout, type KeyboardLayout } from './keyboard-layout.js';

export type { DeviceTarget } from './device-target.js';


export interface ScannerPlan {
  id: string;
  type: ScannerConfig['type'];
  target: DeviceTarget;
  /** The profile that supplied defaults, for logs and `mleg devices`. */
  profile: string | null;
  /** Serial scanners: the port settings. */
  serial: SerialSettings;
  /** End a scan after this much silence (0: only at a terminator). */
  idleMs: number;
  debounceMs: number;
  /** hid-keyboard scanners: how key codes become characters. */
  layout: KeyboardLayout | undefined;
  /** The good-read and bad-read commands, when the profile has them and feedback is on. */
  feedback: { good?: Buffer; bad?: Buffer };
}

export interface RelayPlan {
  id: string;
  type: OutputConfig['type'];
  target: DeviceTarget;
  profile: string;
  serial: SerialSettings;
  /** The channel on the board, from 1. */
  channel: number;
  /** HID boards: whether commands go as output or feature reports. */
  report: 'output' | 'feature';
  on: Buffer;
  off: Buffer;
}

export interface LanePlan {
  /** null for the implicit lane of a scanner that no lane names. */
  id: string | null;
  scanners: string[];
  relays: string[];
  openMs: number;
  /** The longest of its scanners' debounce windows. */
  debounceMs: number;
}

export interface TerminalPlan {
  scanners: ScannerPlan[];
  relays: RelayPlan[];
  lanes: LanePlan[];
}

/** The silence that ends a scan for a profile that sends no suffix and a config that sets no idleMs. */
export const DEFAULT_IDLE_MS = 50;

/** The relay board profile an output uses when it names none and its USB IDs match none. */
export const DEFAULT_RELAY_PROFILE = { 'serial-relay': 'lctech-ch340-relay', 'hid-relay': 'dcttech-usb-relay' } as const;

export interface PlanOptions {
  /** Where the profiles are (tests point elsewhere). */
  devicesDir?: string;
  layoutsDir?: string;
}

export function resolveTerminalPlan(config: TerminalConfig, source: string, o: PlanOptions = {}): TerminalPlan {
  const dir = o.devicesDir ?? DEVICES_DIR;
  const fail = (key: string, message: string): never => {
    throw new ConfigError(`${source}: "${key}" ${message}`);
  };
  /** The named profile's interface of `kind`, checked; else the best match of the USB IDs. */
  const profileOf = (d: ScannerConfig | OutputConfig, key: string, kind: InterfaceKind) => {
    if (d.profile !== undefined) {
      const named = findProfile(d.profile, dir);
      if (named === undefined) fail(`${key}.profile`, `names no profile in devices/ ("${d.profile}")`);
      if (!named!.interfaces.some((i) => i.interface === kind)) fail(`${key}.profile`, `"${d.profile}" has no ${kind} interface`);
    }
    return profileFor(d, kind, dir);
  };

  const scanners = config.scanners.map((s, i): ScannerPlan => {
    const key = `scanners[${i}]`;
    const match = profileOf(s, key, s.type);
    const iface = match?.iface;
    let layout: KeyboardLayout | undefined;
    if (s.type === 'hid-keyboard') {
      const known = layoutNames(o.layoutsDir ?? LAYOUTS_DIR);
      if (!known.includes(s.layout)) fail(`${key}.layout`, `names no keyboard layout (known: ${known.join(', ')})`);
      layout = loadLayout(s.layout, o.layoutsDir ?? LAYOUTS_DIR);
    }
    const profileIdle = iface?.framing.suffix === 'none' && iface.framing.idleMs === 0 ? DEFAULT_IDLE_MS : (iface?.framing.idleMs ?? 0);
    return {
      id: s.id,
      type: s.type,
      target: { path: s.path, vendorId: s.vendorId, productId: s.productId },
      profile: match?.profile.id ?? null,
      serial: serialSettings(iface?.serial, s),
      idleMs: s.idleMs ?? profileIdle,
      debounceMs: s.debounceMs,
      layout,
      feedback: s.feedback ? feedbackBytes(iface) : {},
    };
  });

  const relays = config.outputs.map((output, i): RelayPlan => {
    const key = `outputs[${i}]`;
    const match = profileOf(output, key, output.type) ?? profileFor({ profile: DEFAULT_RELAY_PROFILE[output.type] }, output.type, dir);
    if (match === undefined || match.iface.relay === undefined) return fail(key, `has no relay profile for ${output.type} in devices/`);
    const commands = match.iface.relay;
    if (output.relay > commands.channels) fail(`${key}.relay`, `is ${output.relay}, but "${match.profile.id}" boards have ${commands.channels} relays`);
    return {
      id: output.id,
      type: output.type,
      target: { path: output.path, vendorId: output.vendorId, productId: output.productId, productName: match.iface.productName },
      profile: match.profile.id,
      serial: serialSettings(match.iface.serial, output),
      channel: output.relay,
      report: commands.report,
      on: commands.on({ relay: output.relay }),
      off: commands.off({ relay: output.relay }),
    };
  });

  return { scanners, relays, lanes: lanesOf(config, scanners) };
}

/** Settings in the config over the profile's over 9600 8N1. */
function serialSettings(profile: SerialSettings | undefined, config: SerialFields): SerialSettings {
  return {
    baudRate: config.baudRate ?? profile?.baudRate ?? DEFAULT_SERIAL.baudRate,
    dataBits: config.dataBits ?? profile?.dataBits ?? DEFAULT_SERIAL.dataBits,
    parity: config.parity ?? profile?.parity ?? DEFAULT_SERIAL.parity,
    stopBits: config.stopBits ?? profile?.stopBits ?? DEFAULT_SERIAL.stopBits,
  };
}

function feedbackBytes(iface: ProfileInterface | undefined): { good?: Buffer; bad?: Buffer } {
  const good = iface?.feedback.good?.();
  const bad = iface?.feedback.bad?.();
  return { ...(good === undefined ? {} : { good }), ...(bad === undefined ? {} : { bad }) };
}

/** The configured lanes, then one lane of its own (no relays) for each scanner that no lane names. */
function lanesOf(config: TerminalConfig, scanners: ScannerPlan[]): LanePlan[] {
  const debounce = (ids: string[]) => Math.max(0, ...scanners.filter((s) => ids.includes(s.id)).map((s) => s.debounceMs));
  const named = config.lanes.map((l: LaneConfig): LanePlan => ({ id: l.id, scanners: l.scanners, relays: l.outputs, openMs: l.openMs, debounceMs: debounce(l.scanners) }));
  const inLanes = new Set(config.lanes.flatMap((l) => l.scanners));
  const own = scanners.filter((s) => !inLanes.has(s.id)).map((s): LanePlan => ({ id: null, scanners: [s.id], relays: [], openMs: 0, debounceMs: s.debounceMs }));
  return [...named, ...own];
}
