/** `mleg wallet …`: what the phone does, for tests and demos: a device key, a fresh presentation. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { generateKeyPairJwk, signingKeyFromJwk, writePrivateKeyFile } from '../issuer/keys.js';
import { makePresentation } from '../issuer/presentation.js';
import { qrForTerminal, writeQrPng } from '../issuer/qr.js';
import { algOption, parseCommand, required, UsageError } from './usage.js';

export async function walletCommand([sub, ...args]: string[]): Promise<number> {
  if (sub === 'keygen') {
    const { values: v } = parseCommand(args, { out: { type: 'string' }, alg: { type: 'string' }, force: { type: 'boolean' } });
    const out = required(v.out, '--out');
    const { privateJwk, publicJwk } = generateKeyPairJwk(algOption(v.alg));
    const pub = publicKeyFile(out);
    writePrivateKeyFile(out, privateJwk, { what: 'a device key', force: v.force === true, alsoWrites: [pub], hint: 'give --force to replace it' });
    writeFileSync(pub, `${JSON.stringify(publicJwk, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(publicJwk)}\n`);
    process.stderr.write(`device key written to ${out}; its public part (for the issuer) to ${pub}\n`);
    return 0;
  }
  if (sub === 'present') {
    const { values: v } = parseCommand(args, { credential: { type: 'string' }, key: { type: 'string' }, qr: { type: 'string' } });
    const credential = readFileSync(required(v.credential, '--credential'), 'utf8').trim();
    const device = signingKeyFromJwk(JSON.parse(readFileSync(required(v.key, '--key'), 'utf8')) as JWK);
    const payload = makePresentation(credential, device);
    if (v.qr === '-') process.stdout.write(`${await qrForTerminal(payload)}\n`);
    else if (v.qr !== undefined) await writeQrPng(payload, v.qr);
    process.stdout.write(`${payload}\n`);
    return 0;
  }
  throw new UsageError(`unknown wallet command ${JSON.stringify(sub ?? '')}; use keygen or present`);
}

/** device.json → device.pub.json */
export function publicKeyFile(privateFile: string): string {
  return privateFile.endsWith('.json') ? `${privateFile.slice(0, -5)}.pub.json` : `${privateFile}.pub.json`;
}
