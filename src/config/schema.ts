/**
 * A small schema language for the configuration file: every key is declared with its
 * type and default, so an unknown key or a wrong type is reported by its dotted name.
 */
import { MlegError } from '../errors.js';

export type Field =
  | { kind: 'string'; default?: string | null; nullable?: boolean; path?: boolean; nonEmpty?: boolean; required?: boolean; pattern?: { re: RegExp; want: string } }
  /** An integer in a range, or (`values`) one of a few. */
  | { kind: 'integer'; default?: number; min?: number; max?: number; values?: readonly number[]; required?: boolean }
  | { kind: 'boolean'; default?: boolean; required?: boolean }
  | { kind: 'enum'; values: readonly string[]; default?: string; required?: boolean }
  /** An object; when absent, filled with its fields' defaults, or left out when `optional`. */
  | { kind: 'object'; fields: Readonly<Record<string, Field>>; required?: boolean; optional?: boolean }
  /** An object with free keys and values of one kind (e.g. URI → file). */
  | { kind: 'map'; value: Field; required?: boolean }
  | { kind: 'array'; item: Field; default?: readonly unknown[]; maxItems?: number; required?: boolean }
  | { kind: 'bytes'; default?: readonly number[]; required?: boolean };

/**
 * The TypeScript type of what `applySchema` returns for a field declared `as const`: the
 * configuration's type is derived from its schema, written once.
 */
export type ValueOf<F> = F extends { kind: 'string' }
  ? F extends { nullable: true } ? string | null : string
  : F extends { kind: 'integer'; values: readonly (infer V)[] }
    ? V
    : F extends { kind: 'integer' }
      ? number
      : F extends { kind: 'boolean' }
        ? boolean
        : F extends { kind: 'enum'; values: readonly (infer V)[] }
          ? V
          : F extends { kind: 'object'; fields: infer Fs }
            ? ObjectOf<Fs>
            : F extends { kind: 'map'; value: infer V }
              ? Record<string, ValueOf<V>>
              : F extends { kind: 'array'; item: infer I }
                ? ValueOf<I>[]
                : F extends { kind: 'bytes' }
                  ? number[]
                  : never;

/** Whether a field always has a value after `applySchema`: a default, `required`, or an object or map (filled in). */
type Always<F> = F extends { kind: 'object' }
  ? F extends { optional: true } ? false : true
  : F extends { kind: 'map' }
    ? true
    : F extends { required: true }
      ? true
      : F extends { default: infer D }
        ? undefined extends D ? false : true
        : false;

type ObjectOf<Fs> = Flatten<
  { -readonly [K in keyof Fs as Always<Fs[K]> extends true ? K : never]: ValueOf<Fs[K]> } & {
    -readonly [K in keyof Fs as Always<Fs[K]> extends true ? never : K]?: ValueOf<Fs[K]>;
  }
>;

type Flatten<T> = { [K in keyof T]: T[K] };

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
      if (field.values !== undefined) return field.values.includes(value as number) ? value : fail(`one of ${field.values.join(', ')}`);
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
