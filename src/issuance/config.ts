/**
 * The issuing service's configuration file (SPEC 10): one JSON object, every key declared
 * with its type and default (src/config/schema.ts), relative paths resolved against the
 * file's folder. An unknown key or a wrong value stops `mleg issuer serve` with exit 2
 * naming the key.
 */
import { dirname, join, resolve } from 'node:path';
import { ADMIN_SCHEMA, checkAdminConfig, httpFields, LOG_SCHEMA, RATE_LIMIT_FIELDS, readAdminToken, readConfigDocument } from '../config/config.js';
import { applySchema, ConfigError, type Field, type ValueOf } from '../config/schema.js';
import { isLoopbackHost } from '../http/security-headers.js';

const text = (max: number) => ({ kind: 'string', nonEmpty: true, pattern: { re: new RegExp(`^[^\\u0000-\\u001f]{1,${max}}$`), want: `a string of 1 to ${max} characters` } }) as const;

export const ISSUANCE_SCHEMA = {
  kind: 'object',
  fields: {
    http: {
      kind: 'object',
      fields: {
        ...httpFields(8090),
        /** Take the client's address from X-Forwarded-For (behind a reverse proxy), for the rate limits. */
        trustProxy: { kind: 'boolean', default: false },
        rateLimit: { kind: 'object', fields: { ...RATE_LIMIT_FIELDS, tokenPerMinute: { kind: 'integer', default: 30, min: 1 } } },
      },
    },
    issuer: {
      kind: 'object',
      required: true,
      fields: {
        /** The Credential Issuer Identifier: an origin, no trailing slash. */
        url: { kind: 'string', required: true, nonEmpty: true },
        dir: { kind: 'string', path: true, required: true, nonEmpty: true },
        /** The school a credential names when a student record has no `org` (default: the issuer key's name and iss). */
        org: { kind: 'object', optional: true, fields: { name: { ...text(200), required: true }, id: { ...text(64), required: true } } },
      },
    },
    database: { kind: 'object', fields: { file: { kind: 'string', path: true, nullable: true, nonEmpty: true, default: null } } },
    admin: ADMIN_SCHEMA,
    activation: {
      kind: 'object',
      fields: {
        offerTtlSeconds: { kind: 'integer', default: 14 * 24 * 3600, min: 1, max: 365 * 24 * 3600 },
        maxAttempts: { kind: 'integer', default: 5, min: 1, max: 100 },
        accessTokenTtlSeconds: { kind: 'integer', default: 300, min: 1, max: 3600 },
        txCodeDescription: { ...text(300), default: 'Kod aktywacyjny z sekretariatu szkoły' },
      },
    },
    status: {
      kind: 'object',
      fields: {
        ttlSeconds: { kind: 'integer', default: 3600, min: 1, max: 7 * 24 * 3600 },
        listSize: { kind: 'integer', default: 100_000, min: 4, max: 10_000_000 },
        cacheSeconds: { kind: 'integer', default: 60, min: 0 },
      },
    },
    log: LOG_SCHEMA,
  },
} as const satisfies Field;

/** The configuration as loaded: its type derived from the schema; `database.file` defaults to issuer.db in `issuer.dir`. */
export type IssuanceConfig = Omit<ValueOf<typeof ISSUANCE_SCHEMA>, 'database'> & { database: { file: string } };

export const DATABASE_FILE = 'issuer.db';

export function parseIssuanceConfig(doc: unknown, source: string, baseDir: string): IssuanceConfig {
  const config = applySchema(ISSUANCE_SCHEMA, doc, '', { source, resolvePath: (p) => resolve(baseDir, p) }) as ValueOf<typeof ISSUANCE_SCHEMA>;
  config.issuer.url = checkIssuerUrl(config.issuer.url, source);
  config.database.file ??= join(config.issuer.dir, DATABASE_FILE);
  checkAdminConfig(config.admin, source);
  if (config.status.cacheSeconds > config.status.ttlSeconds) {
    throw new ConfigError(`${source}: "status.cacheSeconds" must not be longer than "status.ttlSeconds" (${config.status.ttlSeconds})`);
  }
  return config as IssuanceConfig;
}

export function loadIssuanceConfig(file: string): IssuanceConfig {
  const { doc, path } = readConfigDocument(file);
  const config = parseIssuanceConfig(doc, path, dirname(path));
  if (config.admin.tokenFile !== null) config.admin.token = readAdminToken(config.admin.tokenFile, path);
  return config;
}

/**
 * The Credential Issuer Identifier (OpenID4VCI 1.0 §12.2.1): https, or http for a host only
 * this machine reaches; an origin (no path, query or fragment), written as its origin.
 */
function checkIssuerUrl(value: string, source: string): string {
  const fail = (why: string): never => {
    throw new ConfigError(`${source}: "issuer.url" ${why}`);
  };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail('must be a URL like "https://legitymacje.szkola.example.pl"');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    fail('must be an https URL (http only for a loopback host such as 127.0.0.1)');
  }
  if (url.username !== '' || url.password !== '') fail('must not hold a user name or password');
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) fail('must not have a query or fragment');
  if (url.pathname !== '/' || value.endsWith('/')) fail('must be an origin, without a path or a trailing "/" (e.g. "https://legitymacje.szkola.example.pl")');
  return url.origin;
}
