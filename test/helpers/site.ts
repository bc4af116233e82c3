/**
 * A deployment in a temp folder: an issuer's trust list, its status list file and a
 * config file with relative paths, plus the means to make presentations for it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCompactCredential } from '../../src/issuer/compact-credential.js';
import { makeCompactPresentation } from '../../src/issuer/compact-presentation.js';
import { issueCredential, type CredentialOptions } from '../../src/issuer/credential.js';
import { trustListEntry, type IssuerKey, type SigningKey } from '../../src/issuer/keys.js';
import { makePresentation, type ProofOptions } from '../../src/issuer/presentation.js';
import { signStatusList } from '../../src/issuer/status-list.js';
import { DAY, IDX, STATUS_URI, STUDENT, makeDevice, makeIssuer } from './world.js';

export interface Site {
  dir: string;
  configFile: string;
  issuer: IssuerKey;
  device: SigningKey;
  credential(o?: Partial<CredentialOptions>): string;
  /** A fresh presentation (now) of `credential` (default: a VALID one). */
  present(credential?: string, o?: ProofOptions): string;
  /** The same in the compact format (MLEG2): a fresh presentation of a credential issued as COSE (default: a VALID one). */
  presentCompact(o?: Partial<Omit<CredentialOptions, 'header' | 'claims'>>): string;
  /** Rewrites the config file with `config` merged over the defaults. */
  configure(config: Record<string, unknown>): void;
  remove(): void;
}

/** Statuses of the site's list: index 1 revoked, 2 suspended. */
export function siteStatusList(issuer: IssuerKey, uri = STATUS_URI, iat = Math.floor(Date.now() / 1000) - 60): string {
  const statuses = new Uint8Array(64);
  statuses[IDX.revoked] = 1;
  statuses[IDX.suspended] = 2;
  return signStatusList(issuer, { uri, bits: 2, statuses, iat });
}

/** `statusIat`: when the site's status list was issued (seconds; default a minute ago). */
export function createSite(config: Record<string, unknown> = {}, o: { statusIat?: number } = {}): Site {
  const dir = mkdtempSync(join(tmpdir(), 'mleg-site-'));
  const issuer = makeIssuer();
  const device = makeDevice();
  const now = Math.floor(Date.now() / 1000);
  writeFileSync(join(dir, 'trust.json'), JSON.stringify({ keys: [trustListEntry(issuer)] }));
  writeFileSync(join(dir, 'status.jwt'), siteStatusList(issuer, STATUS_URI, o.statusIat));
  const configFile = join(dir, 'config.json');
  const configure = (extra: Record<string, unknown>) =>
    writeFileSync(
      configFile,
      JSON.stringify({
        http: { host: '127.0.0.1', port: 0 },
        trust: { file: 'trust.json' },
        status: { files: { [STATUS_URI]: 'status.jwt' } },
        ...extra,
      }),
    );
  configure(config);
  const credential = (c: Partial<CredentialOptions> = {}) =>
    issueCredential({ issuer, student: STUDENT, device: device.publicJwk, status: { uri: STATUS_URI, idx: IDX.valid }, iat: now - 30 * DAY, exp: now + 300 * DAY, ...c });
  return {
    dir,
    configFile,
    issuer,
    device,
    credential,
    present: (cred = credential(), p: ProofOptions = {}) => makePresentation(cred, device, p),
    presentCompact: (c = {}) =>
      makeCompactPresentation(issueCompactCredential({ issuer, student: STUDENT, device: device.publicJwk, status: { uri: STATUS_URI, idx: IDX.valid }, iat: now - 30 * DAY, exp: now + 300 * DAY, ...c }), device),
    configure,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
