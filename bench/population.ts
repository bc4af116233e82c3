/**
 * A population of holders for the benchmarks: one issuer, N holders each with their own
 * credential and device key, one status list covering them all (every one valid), and
 * fresh presentations drawn Zipf-like (a few holders present very often, most rarely),
 * as at a station where commuters pass every day and visitors once.
 *
 * Presentations are made ahead of a measurement (signing costs about as much as
 * verifying) with the presentation time set to when they are made, and handed over as
 * a scanner or an HTTP body hands them to the service: text decoded from bytes. (Made by
 * concatenation, each would be a rope that `verify` first copies into one string.)
 * Every holder's credential exists in both formats (the same claims), so a benchmark can
 * present the same people as MLEG1 or as MLEG2.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCompactCredential } from '../src/issuer/compact-credential.js';
import { makeCompactPresentation } from '../src/issuer/compact-presentation.js';
import { issueCredential } from '../src/issuer/credential.js';
import { trustListEntry, type IssuerKey, type SigningKey } from '../src/issuer/keys.js';
import { makePresentation } from '../src/issuer/presentation.js';
import { signStatusList } from '../src/issuer/status-list.js';
import type { JwsAlg } from '../src/jws/signature.js';
import type { PresentationFormat } from '../src/verify/payload.js';
import { seededRandom } from '../test/helpers/random.js';
import { DAY, STUDENT, makeDevice, makeIssuer } from '../test/helpers/world.js';

/** The payload as text decoded from its bytes, as it arrives from a scanner or a request body. */
function received(payload: string): string {
  return Buffer.from(payload, 'latin1').toString('latin1');
}

export const POPULATION_STATUS_URI = 'https://status.bench/lists/1';

export interface Holder {
  credential: string;
  /** The same credential as MLEG2 (COSE_Sign1 bytes). */
  compact: Buffer;
  device: SigningKey;
}

/** A credential id both formats carry alike: the base64url of 6 bytes (an MLEG2 cti is bytes). */
function credentialId(n: number): string {
  return `b${n.toString(36).padStart(7, '0')}`;
}

/** Draws 0..n-1 with P(k) ∝ 1/(k+1)^s (Zipf), by binary search over the cumulative weights. */
export function zipfSampler(n: number, s: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) cumulative[k] = sum += 1 / (k + 1) ** s;
  return () => {
    const x = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export class Population {
  readonly issuer: IssuerKey;
  readonly holders: Holder[];
  readonly statusList: string;
  readonly #draw: () => number;
  #made = 0;

  constructor(o: { holders?: number; alg?: JwsAlg; zipf?: number; seed?: number } = {}) {
    const n = o.holders ?? 10_000;
    const alg = o.alg ?? 'ES256';
    const now = Math.floor(Date.now() / 1000);
    this.issuer = makeIssuer({ alg, iss: 'PL-BENCH', kid: 'bench-1' });
    this.holders = Array.from({ length: n }, (_, i) => this.#issue(i, credentialId(i), now));
    this.statusList = signStatusList(this.issuer, { uri: POPULATION_STATUS_URI, bits: 1, statuses: new Uint8Array(n), iat: now - 60 });
    this.#draw = zipfSampler(n, o.zipf ?? 1, seededRandom(o.seed ?? 2026));
  }

  #issue(idx: number, jti: string, now: number): Holder {
    const device = makeDevice(this.issuer.alg);
    const options = { issuer: this.issuer, student: STUDENT, device: device.publicJwk, status: { uri: POPULATION_STATUS_URI, idx }, iat: now - 30 * DAY, exp: now + 300 * DAY, jti };
    return { credential: issueCredential(options), compact: issueCompactCredential(options), device };
  }

  /** A fresh presentation of `holder` in `format`, with a proof id never used before. */
  #present(holder: Holder, iat: number, format: PresentationFormat): string {
    const jti = `bench-${(this.#made++).toString(36).padStart(18, '0')}`; // 24 characters: 18 bytes as an MLEG2 cti
    return received(format === 'MLEG1' ? makePresentation(holder.credential, holder.device, { iat, jti }) : makeCompactPresentation(holder.compact, holder.device, { iat, jti }));
  }

  /** One presentation each of `count` holders never seen before (as after a restart): two signature checks each. */
  newcomers(count: number, iat = Math.floor(Date.now() / 1000), format: PresentationFormat = 'MLEG1'): string[] {
    return Array.from({ length: count }, (_, i) => this.#present(this.#issue(i % this.holders.length, credentialId(this.#made++), iat), iat, format));
  }

  /** `count` fresh presentations (distinct proofs), holders drawn Zipf-like, presented at `iat` (default now). */
  presentations(count: number, iat = Math.floor(Date.now() / 1000), format: PresentationFormat = 'MLEG1'): string[] {
    return Array.from({ length: count }, () => this.#present(this.holders[this.#draw()]!, iat, format));
  }

  /** One fresh presentation of every holder, in holder order: warms a cache with every credential. */
  everyone(iat = Math.floor(Date.now() / 1000), format: PresentationFormat = 'MLEG1'): string[] {
    return this.holders.map((holder) => this.#present(holder, iat, format));
  }

  /** How many distinct holders appear in `payloads` (MLEG1). */
  static distinctCredentials(payloads: string[]): number {
    return new Set(payloads.map((p) => p.slice(0, p.indexOf('~')))).size;
  }

  /** A site folder: trust list, status list file and a config for `mleg serve` (`extra` merged over it). */
  writeSite(extra: Record<string, unknown> = {}): { dir: string; configFile: string; remove: () => void } {
    const dir = mkdtempSync(join(tmpdir(), 'mleg-bench-site-'));
    writeFileSync(join(dir, 'trust.json'), JSON.stringify({ keys: [trustListEntry(this.issuer)] }));
    writeFileSync(join(dir, 'status.jwt'), this.statusList);
    const configFile = join(dir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        http: { host: '127.0.0.1', port: 0 },
        trust: { file: 'trust.json' },
        status: { files: { [POPULATION_STATUS_URI]: 'status.jwt' } },
        log: { level: 'warn' },
        cache: { credentials: this.holders.length * 2 },
        ...extra,
      }),
    );
    return { dir, configFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
  }
}
