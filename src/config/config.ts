/**
 * The configuration file (SPEC 8): one JSON object; defaults for everything but the
 * trust list; relative paths resolved against the file's folder.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImageOptions } from '../scan/image/decode-image.js';
import { QR_DECODERS } from '../scan/image/qr-decoder.js';
import { DISPLAY_SCHEMA, type DisplayConfig } from './display.js';
import { applySchema, ConfigError, type Field } from './schema.js';
import { checkTerminalConfig, TERMINAL_SCHEMA, type TerminalConfig } from './terminal.js';

export { ConfigError } from './schema.js';
export type { LaneConfig, OutputConfig, ScannerConfig } from './terminal.js';

export interface Config extends TerminalConfig {
  http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    batchBodyLimitBytes: number;
    rateLimit: { mode: 'auto' | 'on' | 'off'; perMinute: number };
    cors: { origins: string[] };
  };
  admin: { token: string | null; tokenFile: string | null };
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
  /** Verifier threads for `mleg serve` (absent: one per core); 1 verifies on the main thread. */
  workers?: number;
  cache: { credentials: number };
  events: { heartbeatSeconds: number };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  image: ImageOptions;
  display: DisplayConfig;
  replay: {
    store: 'memory' | 'redis';
    redis: { url: string; keyPrefix: string; timeoutMs: number };
  };
  fleet: { nodeId: string | null; heartbeatSeconds: number };
}

const seconds = (value: number, min = 0): Field => ({ kind: 'integer', default: value, min });

/** A fleet node's name (`fleet.nodeId`): it becomes part of Redis keys and is shown on /fleet. */
const NODE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export const CONFIG_SCHEMA: Field = {
  kind: 'object',
  fields: {
    http: {
      kind: 'object',
      fields: {
        host: { kind: 'string', default: '127.0.0.1', nonEmpty: true },
        port: { kind: 'integer', default: 8080, min: 0, max: 65535 },
        bodyLimitBytes: { kind: 'integer', default: 16 * 1024, min: 1024, max: 1024 * 1024 },
        batchBodyLimitBytes: { kind: 'integer', default: 5 * 1024 * 1024, min: 1024, max: 64 * 1024 * 1024 },
        rateLimit: {
          kind: 'object',
          fields: {
            mode: { kind: 'enum', values: ['auto', 'on', 'off'], default: 'auto' },
            perMinute: { kind: 'integer', default: 600, min: 1 },
          },
        },
        cors: { kind: 'object', fields: { origins: { kind: 'array', default: [], item: { kind: 'string', nonEmpty: true } } } },
      },
    },
    admin: {
      kind: 'object',
      fields: {
        token: { kind: 'string', nullable: true, default: null },
        tokenFile: { kind: 'string', path: true, nullable: true, nonEmpty: true, default: null },
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
    /** Verifier threads (src/pool/); absent: one per core. */
    workers: { kind: 'integer', min: 1, max: 256 },
    cache: { kind: 'object', fields: { credentials: { kind: 'integer', default: 10000, min: 1 } } },
    events: { kind: 'object', fields: { heartbeatSeconds: { kind: 'integer', default: 15, min: 1, max: 3600 } } },
    log: {
      kind: 'object',
      fields: { level: { kind: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' } },
    },
    image: {
      kind: 'object',
      fields: {
        decoder: { kind: 'enum', values: QR_DECODERS, default: 'zxing-wasm' },
        maxPixels: { kind: 'integer', default: 25_000_000, min: 1, max: 268_402_689 },
        timeoutMs: { kind: 'integer', default: 5000, min: 10, max: 120000 },
      },
    },
    display: DISPLAY_SCHEMA,
    replay: {
      kind: 'object',
      fields: {
        store: { kind: 'enum', values: ['memory', 'redis'], default: 'memory' },
        redis: {
          kind: 'object',
          fields: {
            url: { kind: 'string', default: 'redis://127.0.0.1:6379', nonEmpty: true },
            keyPrefix: { kind: 'string', default: 'mleg:', pattern: { re: /^[\x21-\x7e]{1,64}$/, want: '1 to 64 printable ASCII characters, no spaces' } },
            timeoutMs: { kind: 'integer', default: 50, min: 1, max: 10000 },
          },
        },
      },
    },
    fleet: {
      kind: 'object',
      fields: {
        nodeId: { kind: 'string', nullable: true, default: null, pattern: { re: NODE_ID, want: '1 to 64 characters of A-Z a-z 0-9 . _ : -' } },
        heartbeatSeconds: { kind: 'integer', default: 5, min: 1, max: 10 },
      },
    },
    ...TERMINAL_SCHEMA,
  },
};

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;
export const MIN_ADMIN_TOKEN = 16;

/** The embedded demo configuration, used when no --config is given. */
export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('../../config/default.json', import.meta.url));

export function parseConfig(doc: unknown, source: string, baseDir: string): Config {
  const config = applySchema(CONFIG_SCHEMA, doc, '', { source, resolvePath: (p) => resolve(baseDir, p) }) as Config;
  config.http.cors.origins.forEach((origin, i) => {
    if (!ORIGIN.test(origin)) throw new ConfigError(`${source}: "http.cors.origins[${i}]" must be an origin like "https://till.example.pl" (no wildcards, no path)`);
  });
  if (config.admin.token !== null && config.admin.tokenFile !== null) {
    throw new ConfigError(`${source}: give "admin.token" or "admin.tokenFile", not both`);
  }
  if (config.admin.token !== null && config.admin.token.length < MIN_ADMIN_TOKEN) {
    throw new ConfigError(`${source}: "admin.token" must be at least ${MIN_ADMIN_TOKEN} characters`);
  }
  checkTerminalConfig(config, source);
  checkRedisUrl(config.replay.redis.url, source);
  return config;
}

/**
 * `replay.redis.url`: redis:// or rediss://, a host, an optional user and password, port
 * and database number, nothing else. The message names the key and never repeats the URL
 * (it may hold a password).
 */
function checkRedisUrl(url: string, source: string): void {
  const fail = (why: string): never => {
    throw new ConfigError(`${source}: "replay.redis.url" ${why}`);
  };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return fail('must be a URL like "redis://127.0.0.1:6379" or "rediss://user:password@host:6380/2"');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') fail('must start with redis:// or rediss://');
  if (u.hostname === '') fail('must name a host');
  if (u.search !== '' || u.hash !== '') fail('must not have a query or fragment (give only user, password, host, port and database number)');
  if (u.pathname !== '' && u.pathname !== '/' && !/^\/\d{1,5}$/.test(u.pathname)) fail('may end only in a database number, as in "redis://host:6379/2"');
}

export function loadConfig(file: string = DEFAULT_CONFIG_FILE): Config {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'CONFIG_UNREADABLE');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON (${(err as Error).message})`, 'CONFIG_UNREADABLE');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ConfigError(`${path}: the configuration must be a JSON object`);
  const config = parseConfig(doc, path, dirname(path));
  if (config.admin.tokenFile !== null) config.admin.token = readAdminToken(config.admin.tokenFile, path);
  return config;
}

function readAdminToken(file: string, source: string): string {
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new ConfigError(`${source}: "admin.tokenFile": cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (token.length < MIN_ADMIN_TOKEN) throw new ConfigError(`${source}: "admin.tokenFile": the token must be at least ${MIN_ADMIN_TOKEN} characters`);
  return token;
}
