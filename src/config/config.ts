/**
 * The configuration file (SPEC 8): one JSON object; defaults for everything but the
 * trust list; relative paths resolved against the file's folder.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDisplayConfig, DISPLAY_SCHEMA } from './display.js';
import { IMAGE_SCHEMA } from './image.js';
import { applySchema, ConfigError, type Field, type ValueOf } from './schema.js';
import { checkTerminalConfig, TERMINAL_SCHEMA } from './terminal.js';

export { ConfigError } from './schema.js';
export type { LaneConfig, OutputConfig, ScannerConfig } from './terminal.js';

/** The range of verifier threads, for the config key and `mleg serve --workers` alike. */
export const WORKERS = { kind: 'integer', min: 1, max: 256 } as const;

const seconds = (value: number, min = 0) => ({ kind: 'integer', default: value, min }) as const;

/** `admin.token` / `admin.tokenFile`, the same in the verifier's and the issuing service's files. */
export const ADMIN_SCHEMA = {
  kind: 'object',
  fields: {
    token: { kind: 'string', nullable: true, default: null },
    tokenFile: { kind: 'string', path: true, nullable: true, nonEmpty: true, default: null },
  },
} as const satisfies Field;

export const LOG_SCHEMA = {
  kind: 'object',
  fields: { level: { kind: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' } },
} as const satisfies Field;

/** `http.host` and `http.port` of either service. */
export function httpFields(port: number) {
  return { host: { kind: 'string', default: '127.0.0.1', nonEmpty: true }, port: { kind: 'integer', default: port, min: 0, max: 65535 } } as const satisfies Record<string, Field>;
}

/** `http.rateLimit.mode` and `.perMinute` of either service. */
export const RATE_LIMIT_FIELDS = {
  mode: { kind: 'enum', values: ['auto', 'on', 'off'], default: 'auto' },
  perMinute: { kind: 'integer', default: 600, min: 1 },
} as const satisfies Record<string, Field>;

/** A fleet node's name (`fleet.nodeId`): it becomes part of Redis keys and is shown on /fleet. */
const NODE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export const CONFIG_SCHEMA = {
  kind: 'object',
  fields: {
    http: {
      kind: 'object',
      fields: {
        ...httpFields(8080),
        bodyLimitBytes: { kind: 'integer', default: 16 * 1024, min: 1024, max: 1024 * 1024 },
        batchBodyLimitBytes: { kind: 'integer', default: 5 * 1024 * 1024, min: 1024, max: 64 * 1024 * 1024 },
        requestTimeoutMs: { kind: 'integer', default: 10_000, min: 500, max: 300_000 },
        rateLimit: { kind: 'object', fields: RATE_LIMIT_FIELDS },
        cors: { kind: 'object', fields: { origins: { kind: 'array', default: [], item: { kind: 'string', nonEmpty: true } } } },
      },
    },
    admin: ADMIN_SCHEMA,
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
    /** Verifier threads for `mleg serve` (src/pool/); absent: one per core; 1 verifies on the main thread. */
    workers: WORKERS,
    cache: { kind: 'object', fields: { credentials: { kind: 'integer', default: 10000, min: 1 } } },
    events: { kind: 'object', fields: { heartbeatSeconds: { kind: 'integer', default: 15, min: 1, max: 3600 } } },
    log: LOG_SCHEMA,
    image: IMAGE_SCHEMA,
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
} as const satisfies Field;

/** The configuration as `loadConfig` returns it: its type derived from the schema above. */
export type Config = ValueOf<typeof CONFIG_SCHEMA> & {
  /** The file it was read from (or what stood for it), for messages naming a key. */
  source: string;
};

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;
export const MIN_ADMIN_TOKEN = 16;

/** The embedded demo configuration, used when no --config is given. */
export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('../../config/default.json', import.meta.url));

export function parseConfig(doc: unknown, source: string, baseDir: string): Config {
  const config: Config = { ...(applySchema(CONFIG_SCHEMA, doc, '', { source, resolvePath: (p) => resolve(baseDir, p) }) as ValueOf<typeof CONFIG_SCHEMA>), source };
  config.http.cors.origins.forEach((origin, i) => {
    if (!ORIGIN.test(origin)) throw new ConfigError(`${source}: "http.cors.origins[${i}]" must be an origin like "https://till.example.pl" (no wildcards, no path)`);
  });
  checkAdminConfig(config.admin, source);
  checkTerminalConfig(config, source);
  checkDisplayConfig(config.display, source);
  checkRedisUrl(config.replay.redis.url, source);
  return config;
}

/** `admin.token` and `admin.tokenFile` (of either service): one of them at most, a token of at least 16 characters. */
export function checkAdminConfig(admin: { token: string | null; tokenFile: string | null }, source: string): void {
  if (admin.token !== null && admin.tokenFile !== null) {
    throw new ConfigError(`${source}: give "admin.token" or "admin.tokenFile", not both`);
  }
  if (admin.token !== null && admin.token.length < MIN_ADMIN_TOKEN) {
    throw new ConfigError(`${source}: "admin.token" must be at least ${MIN_ADMIN_TOKEN} characters`);
  }
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
  const { doc, path } = readConfigDocument(file);
  const config = parseConfig(doc, path, dirname(path));
  if (config.admin.tokenFile !== null) config.admin.token = readAdminToken(config.admin.tokenFile, path);
  return config;
}

/** A configuration file's JSON object (of `mleg serve` or `mleg issuer serve`) and its absolute path. */
export function readConfigDocument(file: string): { doc: Record<string, unknown>; path: string } {
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
  return { doc: doc as Record<string, unknown>, path };
}

export function readAdminToken(file: string, source: string): string {
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new ConfigError(`${source}: "admin.tokenFile": cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (token.length < MIN_ADMIN_TOKEN) throw new ConfigError(`${source}: "admin.tokenFile": the token must be at least ${MIN_ADMIN_TOKEN} characters`);
  return token;
}
