/**
 * A running service for tests: a temp folder with a trust list, a status list file and a
 * config file (loaded by the real config loader), the real Verifier, and the Fastify app
 * listening on 127.0.0.1 with an ephemeral port.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config/config.js';
import { buildApp } from '../../src/http/app.js';
import { issueCredential, type CredentialOptions } from '../../src/issuer/credential.js';
import { trustListEntry, type IssuerKey, type SigningKey } from '../../src/issuer/keys.js';
import { makePresentation, type ProofOptions } from '../../src/issuer/presentation.js';
import { signStatusList } from '../../src/issuer/status-list.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { Verifier } from '../../src/verifier.js';
import { DAY, IDX, STATUS_URI, STUDENT, makeDevice, makeIssuer } from './world.js';

export interface TestService {
  url: string;
  app: FastifyInstance;
  verifier: Verifier;
  config: Config;
  issuer: IssuerKey;
  device: SigningKey;
  dir: string;
  /** Every log line the service wrote, parsed. */
  logs: Record<string, unknown>[];
  log: Logger;
  credential(o?: Partial<CredentialOptions>): string;
  /** A fresh presentation (now) of `credential` (default: a VALID one). */
  present(credential?: string, o?: ProofOptions): string;
  close(): Promise<void>;
}

export interface TestServiceOptions {
  /** Merged over the generated config (top-level keys replaced). */
  config?: Record<string, unknown>;
  /** What /readyz reports (default: ready). */
  ready?: () => boolean;
}

export async function startService(o: TestServiceOptions = {}): Promise<TestService> {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-service-'));
  const issuer = makeIssuer();
  const device = makeDevice();
  const now = Math.floor(Date.now() / 1000);
  const statuses = new Uint8Array(64);
  statuses[IDX.revoked] = 1;
  statuses[IDX.suspended] = 2;
  writeFileSync(join(dir, 'trust.json'), JSON.stringify({ keys: [trustListEntry(issuer)] }));
  writeFileSync(join(dir, 'status.jwt'), signStatusList(issuer, { uri: STATUS_URI, bits: 2, statuses, iat: now - 60 }));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      http: { host: '127.0.0.1', port: 0 },
      trust: { file: 'trust.json' },
      status: { files: { [STATUS_URI]: 'status.jwt' } },
      log: { level: 'debug' },
      ...o.config,
    }),
  );
  const config = loadConfig(join(dir, 'config.json'));
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const log = createLogger(config.log.level, sink);
  const verifier = new Verifier(config, log);
  verifier.start();
  const app = await buildApp({ verifier, log, bodyLimit: config.http.bodyLimitBytes, ready: o.ready ?? (() => true), image: config.image });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as import('node:net').AddressInfo;
  const credential = (c: Partial<CredentialOptions> = {}) =>
    issueCredential({ issuer, student: STUDENT, device: device.publicJwk, status: { uri: STATUS_URI, idx: IDX.valid }, iat: now - 30 * DAY, exp: now + 300 * DAY, ...c });
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    verifier,
    config,
    issuer,
    device,
    dir,
    logs,
    log,
    credential,
    present: (cred = credential(), p: ProofOptions = {}) => makePresentation(cred, device, p),
    close: async () => {
      await app.close();
      verifier.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
