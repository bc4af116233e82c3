/**
 * The configuration file (SPEC 8): one JSON object; defaults for everything but the
 * trust list; relative paths resolved against the file's folder.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applySchema, ConfigError, type Field } from './schema.js';
import { checkTerminalConfig, TERMINAL_SCHEMA, type TerminalConfig } from './terminal.js';

export { ConfigError } from './schema.js';
export type { LaneConfig, OutputConfig, ScannerConfig } from './terminal.js';

export interface Config extends TerminalConfig {
  http: { host: string; port: number; bodyLimitBytes: number };
  trust: { file: string; watch: boolean };
  status: {
    allowHttp: boolean;
    maxAgeSeconds: number;
    refreshSeconds: number;
    onUnavailable: 'reject' | 'accept';
    dataDir: string | null;
    files: Record<string, string>;
    fetchTimeoutMs: number;
    maxResponseBytes: number;
    maxRedirects: number;
  };
  presentation: { requireProof: boolean; maxAgeSeconds: number; futureSkewSeconds: number };
  clockSkewSeconds: number;
  cache: { credentials: number };
  events: { heartbeatSeconds: number };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
}

const seconds = (value: number, min = 0): Field => ({ kind: 'integer', default: value, min });

export const CONFIG_SCHEMA: Field = {
  kind: 'object',
  fields: {
    http: {
      kind: 'object',
      fields: {
        host: { kind: 'string', default: '127.0.0.1', nonEmpty: true },
        port: { kind: 'integer', default: 8080, min: 0, max: 65535 },
        bodyLimitBytes: { kind: 'integer', default: 16 * 1024, min: 1024, max: 1024 * 1024 },
      },
    },
    trust: {
      kind: 'object',
      fields: {
        file: { kind: 'string', path: true, nonEmpty: true, required: true },
        watch: { kind: 'boolean', default: true },
      },
    },
    status: {
      kind: 'object',
      fields: {
        allowHttp: { kind: 'boolean', default: false },
        maxAgeSeconds: seconds(172800),
        refreshSeconds: seconds(3600, 1),
        onUnavailable: { kind: 'enum', values: ['reject', 'accept'], default: 'reject' },
        dataDir: { kind: 'string', path: true, nullable: true, nonEmpty: true, default: null },
        files: { kind: 'map', value: { kind: 'string', path: true, nonEmpty: true } },
        fetchTimeoutMs: { kind: 'integer', default: 5000, min: 100, max: 120000 },
        maxResponseBytes: { kind: 'integer', default: 10 * 1024 * 1024, min: 1024 },
        maxRedirects: { kind: 'integer', default: 3, min: 0, max: 10 },
      },
    },
    presentation: {
      kind: 'object',
      fields: {
        requireProof: { kind: 'boolean', default: true },
        maxAgeSeconds: seconds(90),
        futureSkewSeconds: seconds(30),
      },
    },
    clockSkewSeconds: seconds(30),
    cache: { kind: 'object', fields: { credentials: { kind: 'integer', default: 10000, min: 1 } } },
    events: { kind: 'object', fields: { heartbeatSeconds: { kind: 'integer', default: 15, min: 1, max: 3600 } } },
    log: {
      kind: 'object',
      fields: { level: { kind: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' } },
    },
    ...TERMINAL_SCHEMA,
  },
};

/** The embedded demo configuration, used when no --config is given. */
export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('../../config/default.json', import.meta.url));

export function parseConfig(doc: unknown, source: string, baseDir: string): Config {
  const config = applySchema(CONFIG_SCHEMA, doc, '', { source, resolvePath: (p) => resolve(baseDir, p) }) as Config;
  checkTerminalConfig(config, source);
  return config;
}

export function loadConfig(file: string = DEFAULT_CONFIG_FILE): Config {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ConfigError(`${path}: the configuration must be a JSON object`);
  return parseConfig(doc, path, dirname(path));
}
