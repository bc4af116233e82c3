/**
 * Keyboard layouts for keyboard-wedge scanners, kept as data in devices/layouts/NAME.json:
 * `keys` maps a HID usage ID (hex) to [unshifted, shifted] characters, `altgr` the same
 * with Right Alt held, and `extends` names a layout whose keys this one starts from.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/schema.js';
import { DeviceProfileError, DEVICES_DIR } from './device-profiles.js';

export const LAYOUTS_DIR = join(DEVICES_DIR, 'layouts');

export interface KeyboardLayout {
  name: string;
  keys: Map<number, readonly [string, string]>;
  altgr: Map<number, readonly [string, string]>;
}

interface LayoutFile {
  name: string;
  description?: string;
  extends?: string;
  keys?: Record<string, [string, string]>;
  altgr?: Record<string, [string, string]>;
}

export function layoutNames(dir = LAYOUTS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

const cache = new Map<string, KeyboardLayout>();

/** Loads a layout by name; throws with the file and the reason when it is missing or malformed. */
export function loadLayout(name: string, dir = LAYOUTS_DIR, seen: string[] = []): KeyboardLayout {
  const cached = cache.get(`${dir}\0${name}`);
  if (cached !== undefined) return cached;
  if (!/^[a-z0-9-]+$/.test(name) || !layoutNames(dir).includes(name)) {
    throw new ConfigError(`no keyboard layout "${name}" (known: ${layoutNames(dir).join(', ')})`);
  }
  if (seen.includes(name)) throw new DeviceProfileError(`keyboard layout "${name}" extends itself`);
  const file = join(dir, `${name}.json`);
  let doc: LayoutFile;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as LayoutFile;
  } catch (err) {
    throw new DeviceProfileError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const base = doc.extends === undefined ? undefined : loadLayout(doc.extends, dir, [...seen, name]);
  const layout: KeyboardLayout = {
    name,
    keys: new Map([...(base?.keys ?? []), ...keyMap(doc.keys, file, 'keys')]),
    altgr: new Map([...(base?.altgr ?? []), ...keyMap(doc.altgr, file, 'altgr')]),
  };
  cache.set(`${dir}\0${name}`, layout);
  return layout;
}

function keyMap(entries: Record<string, unknown> | undefined, file: string, key: string): Map<number, readonly [string, string]> {
  const map = new Map<number, readonly [string, string]>();
  for (const [usage, pair] of Object.entries(entries ?? {})) {
    if (!/^[0-9a-f]{2}$/.test(usage) || !Array.isArray(pair) || pair.length !== 2 || !pair.every((c) => typeof c === 'string' && [...c].length === 1)) {
      throw new DeviceProfileError(`${file}: "${key}.${usage}" must be a two-digit hex usage ID mapped to [unshifted, shifted] characters`);
    }
    map.set(parseInt(usage, 16), [pair[0], pair[1]] as const);
  }
  return map;
}
