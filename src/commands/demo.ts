/**
 * `mleg demo`: fresh payloads from the embedded DEMO issuer (config/demo), for trying the
 * service: one VALID, one REVOKED, one EXPIRED, each with a curl command, and the VALID
 * one again in the compact format (MLEG2), with each format's QR code size.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JWK } from 'jose';
import { loadConfig } from '../config/config.js';
import { issueCompactCredential } from '../issuer/compact-credential.js';
import { makeCompactPresentation } from '../issuer/compact-presentation.js';
import { issueCredential, type StudentRecord } from '../issuer/credential.js';
import { loadIssuerKey, readRegistry } from '../issuer/issuer-dir.js';
import { publicPart, signingKeyFromJwk } from '../issuer/keys.js';
import { makePresentation } from '../issuer/presentation.js';
import { qrSize, writeQrPng } from '../issuer/qr.js';
import { formatOption, parseCommand } from './usage.js';

export const DEMO_DIR = fileURLToPath(new URL('../../config/demo/', import.meta.url));
const DEMO_ISSUER_DIR = `${DEMO_DIR}issuer`;
/** Status indexes in the shipped demo status list. */
export const DEMO_INDEX = { valid: 0, revoked: 1, suspended: 2 } as const;

export const DEMO_STUDENT: StudentRecord = {
  given_name: 'Anna',
  family_name: 'Demo-Przykładowa',
  birthdate: '2008-05-14',
  doc: 'school',
  doc_no: 'DEMO/0001/2026',
  org: { name: 'Szkoła Demonstracyjna nr 1 (DEMO)', id: 'DEMO-RSPO-0001' },
};

export interface DemoPayloads {
  valid: string;
  revoked: string;
  expired: string;
  /** The VALID presentation in the compact format. */
  mleg2: { valid: string };
}

/**
 * The demo's MLEG2 credential id: 4 random bytes (a demo credential is made afresh on
 * every run and kept nowhere), against the 8 an issuer uses by default. With 8 the VALID
 * payload is just over QR version 17 (SPEC 11's limit for it); docs/formats.md has the
 * byte budget.
 */
const DEMO_CTI_BYTES = 4;

export function demoPayloads(now = Math.floor(Date.now() / 1000)): DemoPayloads {
  const issuer = loadIssuerKey(DEMO_ISSUER_DIR);
  const { uri } = readRegistry(DEMO_ISSUER_DIR);
  const device = signingKeyFromJwk(JSON.parse(readFileSync(`${DEMO_DIR}device.json`, 'utf8')) as JWK);
  const year = 365 * 24 * 3600;
  const credential = (idx: number, iat: number, exp: number) => ({ issuer, student: DEMO_STUDENT, device: publicPart(device.publicJwk), status: { uri, idx }, iat, exp });
  const present = (idx: number, iat: number, exp: number): string => makePresentation(issueCredential(credential(idx, iat, exp)), device, { iat: now });
  const jti = randomBytes(DEMO_CTI_BYTES).toString('base64url');
  return {
    valid: present(DEMO_INDEX.valid, now, now + year),
    revoked: present(DEMO_INDEX.revoked, now, now + year),
    expired: present(DEMO_INDEX.valid, now - 2 * year, now - year),
    mleg2: { valid: makeCompactPresentation(issueCompactCredential({ ...credential(DEMO_INDEX.valid, now, now + year), jti }), device, { iat: now }) },
  };
}

/** "1088 characters, QR version 27-M (125 modules a side)" */
export function describeQr(payload: string): string {
  const { version, modules } = qrSize(payload);
  return `${payload.length} characters, QR version ${version}-M (${modules} modules a side)`;
}

export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parseCommand(args, { config: { type: 'string', short: 'c' }, json: { type: 'boolean' }, qr: { type: 'string' }, format: { type: 'string' } });
  const format = formatOption(values.format, 'mleg2');
  const payloads = demoPayloads();
  const drawn = format === 'mleg2' ? payloads.mleg2.valid : payloads.valid;
  if (values.qr !== undefined) await writeQrPng(drawn, values.qr);
  if (values.json) {
    const size = (p: string) => ({ characters: p.length, ...qrSize(p) });
    process.stdout.write(`${JSON.stringify({ ...payloads, qr: { mleg1: size(payloads.valid), mleg2: size(payloads.mleg2.valid) } })}\n`);
    return 0;
  }
  const { host, port } = loadConfig(values.config).http;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1/verify`;
  const lines = ['DEMO presentations from the demo issuer (not real IDs). Each proof is fresh for 90 seconds.', ''];
  for (const [verdict, payload] of [
    ['VALID', payloads.valid],
    ['REVOKED', payloads.revoked],
    ['EXPIRED', payloads.expired],
  ] as const) {
    lines.push(`${verdict}:`, payload, `  curl -s ${url} -H 'content-type: text/plain' --data-binary '${payload}'`, '');
  }
  const compact = payloads.mleg2.valid;
  lines.push('VALID, compact format (MLEG2: CBOR/COSE in base45, the same check in a smaller QR code):', compact);
  lines.push(`  curl -s ${url} -H 'content-type: text/plain' --data-binary '${compact}'`, '');
  lines.push(`QR codes at error correction M: MLEG1 ${describeQr(payloads.valid)}; MLEG2 ${describeQr(compact)}.`);
  lines.push('A second curl of the VALID payload answers REPLAYED: each presentation is accepted once.');
  lines.push(`Or paste a payload into the result display: ${url.replace('/v1/verify', '/')}`);
  if (values.qr !== undefined) {
    lines.push(`The VALID ${format === 'mleg2' ? 'MLEG2' : 'MLEG1'} payload is drawn in ${values.qr}: show it on a screen, photograph it, and post the photo within 90 s:`);
    lines.push(`  curl -s ${url.replace('/v1/verify', '/v1/verify/image')} -H 'content-type: image/jpeg' --data-binary @photo.jpg`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
