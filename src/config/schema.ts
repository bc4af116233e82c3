/**
 * A small schema language for the configuration file: every key is declared with its
 * type and default, so an unknown key or a wrong type is reported by its dotted name.
 */
import { MlegError } from '../errors.js';

export type Field =
  | { kind: 'string'; default?: string | null; nullable?: boolean; path?: boolean; nonEmpty?: boolean; required?: boolean; pattern?: { re: RegExp; want: string } }
  | { kind: 'integer'; default?: number; min?: number; max?: number; required?: boolean }
  | { kind: 'boolean'; default?: boolean; required?: boolean }
  | { kind: 'enum'; values: readonly string[]; default?: string; required?: boolean }
  /** An object; when absent, filled with its fields' defaults, or left out when `optional`. */
  | { kind: 'object'; fields: Record<string, Field>; required?: boolean; optional?: boolean }
  /** An object with free keys and values of one kind (e.g. URI → file). */
  | { kind: 'map'; value: Field; required?: boolean }
  | { kind: 'array'; item: Field; default?: unknown[]; maxItems?: number; required?: boolean }
  | { kind: 'bytes'; default?: number[]; required?: boolean };

export class ConfigError extends MlegError {
  override name = 'ConfigError';
  constructor(message: string, code: 'CONFIG_INVALID' | 'CONFIG_UNREADABLE' = 'CONFIG_INVALID') {
    super(code, message);
  }
}

export interface Context {
  source: string;
  /** Resolves a relative path against the config file's folder. */
  resolvePath: (path: string) => string;
}

/** Validates `value` against `field`, filling defaults; throws ConfigError naming the key. */
export function applySchema(field: Field, value: unknown, key: string, ctx: Context): unknown {
  const fail = (want: string): never => {
    throw new ConfigError(`${ctx.source}: "${key}" must be ${want}`);
  };
  if (value === undefined) {
    if ('default' in field && field.default !== undefined) return structuredClone(field.default);
    if (field.kind === 'object' && !field.optional) return applySchema(field, {}, key, ctx);
    if (field.kind === 'map') return {};
    if (field.required) throw new ConfigError(`${ctx.source}: "${key}" is required`);
    return undefined;
  }
  switch (field.kind) {
    case 'string':
      if (value === null && field.nullable) return null;
      if (typeof value !== 'string') return fail(field.nullable ? 'a string or null' : 'a string');
      if (field.nonEmpty && value.length === 0) return fail('a non-empty string');
      if (field.pattern !== undefined && !field.pattern.re.test(value)) return fail(field.pattern.want);
      return field.path ? ctx.resolvePath(value) : value;
    case 'integer': {
      const min = field.min ?? Number.MIN_SAFE_INTEGER;
      const max = field.max ?? Number.MAX_SAFE_INTEGER;
      if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
        return fail(field.max !== undefined ? `an integer from ${min} to ${max}` : field.min !== undefined ? `an integer >= ${min}` : 'an integer');
      }
      return value;
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : fail('true or false');
    case 'enum':
      return typeof value === 'string' && field.values.includes(value) ? value : fail(`one of ${field.values.map((v) => JSON.stringify(v)).join(', ')}`);
    case 'bytes':
      if (!Array.isArray(value) || !value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return fail('an array of byte values 0-255');
      return value;
    case 'array': {
      if (!Array.isArray(value)) return fail('an array');
      if (field.maxItems !== undefined && value.length > field.maxItems) return fail(`an array of at most ${field.maxItems} items`);
      return value.map((item, i) => applySchema(field.item, item, `${key}[${i}]`, ctx));
    }
    case 'map': {
      if (!isObject(value)) return fail('an object');
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, applySchema(field.value, v, `${key}.${k}`, ctx)]));
    }
    case 'object': {
      if (!isObject(value)) return fail('an object');
      for (const k of Object.keys(value)) {
        if (!Object.hasOwn(field.fields, k)) throw new ConfigError(`${ctx.source}: unknown key "${key === '' ? k : `${key}.${k}`}"`);
      }
      const out: Record<string, unknown> = {};
      for (const [k, f] of Object.entries(field.fields)) {
        const v = applySchema(f, value[k], key === '' ? k : `${key}.${k}`, ctx);
        if (v !== undefined) out[k] = v;
      }
      return out;
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
