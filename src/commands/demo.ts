/**
 * `mleg demo`: fresh payloads from the embedded DEMO issuer (config/demo), for trying the
 * service: one VALID, one REVOKED, one EXPIRED, each with a curl command.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JWK } from 'jose';
import { loadConfig } from '../config/config.js';
import { issueCredential, type StudentRecord } from '../issuer/credential.js';
import { loadIssuerKey, readRegistry } from '../issuer/issuer-dir.js';
import { publicPart, signingKeyFromJwk } from '../issuer/keys.js';
import { makePresentation } from '../issuer/presentation.js';
import { writeQrPng } from '../issuer/qr.js';
import { parseCommand } from './usage.js';

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
}

export function demoPayloads(now = Math.floor(Date.now() / 1000)): DemoPayloads {
  const issuer = loadIssuerKey(DEMO_ISSUER_DIR);
  const { uri } = readRegistry(DEMO_ISSUER_DIR);
  const device = signingKeyFromJwk(JSON.parse(readFileSync(`${DEMO_DIR}device.json`, 'utf8')) as JWK);
  const year = 365 * 24 * 3600;
  const present = (idx: number, iat: number, exp: number): string =>
    makePresentation(issueCredential({ issuer, student: DEMO_STUDENT, device: publicPart(device.publicJwk), status: { uri, idx }, iat, exp }), device, { iat: now });
  return {
    valid: present(DEMO_INDEX.valid, now, now + year),
    revoked: present(DEMO_INDEX.revoked, now, now + year),
    expired: present(DEMO_INDEX.valid, now - 2 * year, now - year),
  };
}

export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parseCommand(args, { config: { type: 'string', short: 'c' }, json: { type: 'boolean' }, qr: { type: 'string' } });
  const payloads = demoPayloads();
  if (values.qr !== undefined) await writeQrPng(payloads.valid, values.qr);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(payloads)}\n`);
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
  lines.push('A second curl of the VALID payload answers REPLAYED: each presentation is accepted once.');
  lines.push(`Or paste a payload into the result display: ${url.replace('/v1/verify', '/')}`);
  if (values.qr !== undefined) {
    lines.push(`The VALID payload is drawn in ${values.qr}: show it on a screen, photograph it, and post the photo within 90 s:`);
    lines.push(`  curl -s ${url.replace('/v1/verify', '/v1/verify/image')} -H 'content-type: image/jpeg' --data-binary @photo.jpg`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
