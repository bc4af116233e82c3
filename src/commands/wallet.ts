/** `mleg wallet …`: what the phone does, for tests and demos: a device key, a fresh presentation. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { IMAGE_SCHEMA, type ImageOptions } from '../config/image.js';
import { applySchema } from '../config/schema.js';
import { MlegError } from '../errors.js';
import { ImageDecoder } from '../scan/image/decode-image.js';
import { generateKeyPairJwk, signingKeyFromJwk, writePrivateKeyFile, type SigningKey } from '../issuer/keys.js';
import { createSignature } from '../jws/signature.js';
import { activate } from '../wallet/oid4vci-client.js';
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
    const device = readDeviceKey(required(v.key, '--key'));
    const payload = makePresentation(credential, device);
    if (v.qr === '-') process.stdout.write(`${await qrForTerminal(payload)}\n`);
    else if (v.qr !== undefined) await writeQrPng(payload, v.qr);
    process.stdout.write(`${payload}\n`);
    return 0;
  }
  if (sub === 'activate') {
    const { values: v } = parseCommand(args, { offer: { type: 'string' }, qr: { type: 'string' }, code: { type: 'string' }, key: { type: 'string' }, out: { type: 'string' } });
    if ((v.offer === undefined) === (v.qr === undefined)) throw new UsageError('give --offer URI, or --qr FILE (a picture of the activation letter), not both');
    const offer = v.qr === undefined ? required(v.offer, '--offer') : await offerInPicture(v.qr);
    const code = required(v.code, '--code');
    const out = required(v.out, '--out');
    const device = readDeviceKey(required(v.key, '--key'));
    const got = await activate({
      offer,
      txCode: code === '-' ? readFileSync(0, 'utf8').trim() : code,
      signer: { alg: device.alg, publicJwk: device.publicJwk, sign: (input) => createSignature(device.alg, device.key, input) },
    });
    // The credential carries the holder's data: readable by its owner only.
    writeFileSync(out, `${got.credential}\n`, { mode: 0o600 });
    const jti = (JSON.parse(Buffer.from(got.credential.split('.')[1]!, 'base64url').toString('utf8')) as { jti?: unknown }).jti;
    process.stdout.write(`${JSON.stringify({ jti, configuration_id: got.configurationId, format: got.format, issuer: got.issuer, file: out })}\n`);
    process.stderr.write(`credential from ${got.issuer} written to ${out}; show it with "mleg wallet present --credential ${out} --key ${v.key}"\n`);
    return 0;
  }
  throw new UsageError(`unknown wallet command ${JSON.stringify(sub ?? '')}; use keygen, present or activate`);
}

/** What a phone's camera does with the activation letter: the QR code in a picture of it (PNG, JPEG, WebP), read by the service's own decoder. */
async function offerInPicture(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new UsageError(`--qr ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const images = new ImageDecoder(applySchema(IMAGE_SCHEMA, {}, 'image', { source: 'defaults', resolvePath: (p) => p }) as ImageOptions);
  try {
    const codes = (await images.decode(bytes)).codes;
    if (codes.length === 0) throw new MlegError('OFFER_INVALID', `${file}: no QR code found in the picture`);
    return codes[0]!.text;
  } finally {
    await images.close();
  }
}

function readDeviceKey(file: string): SigningKey {
  try {
    return signingKeyFromJwk(JSON.parse(readFileSync(file, 'utf8')) as JWK);
  } catch (err) {
    throw new MlegError('KEY_INVALID', `${file}: not a device key made by "mleg wallet keygen" (${(err as Error).message})`, { cause: err });
  }
}

/** device.json → device.pub.json */
export function publicKeyFile(privateFile: string): string {
  return privateFile.endsWith('.json') ? `${privateFile.slice(0, -5)}.pub.json` : `${privateFile}.pub.json`;
}
