/** `mleg wallet …`: what the phone does, for tests and demos: a device key, a fresh presentation. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { IMAGE_SCHEMA, type ImageOptions } from '../config/image.js';
import { applySchema } from '../config/schema.js';
import { MlegError } from '../errors.js';
import { readCompactCredential } from '../issuer/compact-credential.js';
import { makeCompactPresentation } from '../issuer/compact-presentation.js';
import { generateKeyPairJwk, signingKeyFromJwk, writePrivateKeyFile, type SigningKey } from '../issuer/keys.js';
import { createSignature } from '../jws/signature.js';
import { activate } from '../wallet/oid4vci-client.js';
import { makePresentation } from '../issuer/presentation.js';
import { algOption, formatOption, parseCommand, required, UsageError } from './usage.js';

/** The terminal width `--qr -` draws within. */
const TERMINAL_COLUMNS = 80;

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
    const { values: v } = parseCommand(args, { credential: { type: 'string' }, key: { type: 'string' }, qr: { type: 'string' }, format: { type: 'string' } });
    const file = required(v.credential, '--credential');
    const credential = readCredentialFile(file);
    const format = formatOption(v.format, credential.format);
    if (format !== credential.format) {
      throw new UsageError(`${file} holds an ${credential.format.toUpperCase()} credential, which presents as ${credential.format.toUpperCase()} only (the issuer signed that form); issue it with "mleg issuer issue --format ${format}" (or both)`);
    }
    const device = readDeviceKey(required(v.key, '--key'));
    const payload = credential.format === 'mleg1' ? makePresentation(credential.text, device) : makeCompactPresentation(credential.bytes, device);
    // QR drawing (qrcode, PNG) is imported only when a code is to be drawn.
    if (v.qr !== undefined) {
      const qr = await import('../issuer/qr.js');
      if (v.qr === '-') {
        const drawn = qr.qrForTerminal(payload, TERMINAL_COLUMNS);
        process.stdout.write(`${drawn.text}\n`);
        if (drawn.columns > TERMINAL_COLUMNS) {
          const hint = format === 'mleg1' ? '; present with --format mleg2 for a code that fits' : '';
          process.stderr.write(`the QR code (version ${drawn.version}) is ${drawn.columns} columns wide and does not fit a terminal of ${TERMINAL_COLUMNS}${hint}, or draw it with --qr FILE.png\n`);
        }
      } else await qr.writeQrPng(payload, v.qr);
    }
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
  const { ImageDecoder } = await import('../scan/image/decode-image.js');
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

type CredentialFile = { format: 'mleg1'; text: string } | { format: 'mleg2'; bytes: Buffer };

/** A credential file as `mleg issuer issue` writes it: `<jti>.jwt` (a compact JWS) or `<jti>.cose` (base64url of COSE_Sign1 bytes). */
function readCredentialFile(file: string): CredentialFile {
  const text = readFileSync(file, 'utf8').trim();
  if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(text)) return { format: 'mleg1', text };
  if (/^[A-Za-z0-9_-]+$/.test(text)) {
    const bytes = Buffer.from(text, 'base64url');
    try {
      readCompactCredential(bytes);
      return { format: 'mleg2', bytes };
    } catch {
      // Said below.
    }
  }
  throw new MlegError('CREDENTIAL_FILE_INVALID', `${file} holds neither an MLEG1 credential (a compact JWS) nor an MLEG2 one (base64url of a COSE_Sign1)`);
}

/** device.json → device.pub.json */
export function publicKeyFile(privateFile: string): string {
  return privateFile.endsWith('.json') ? `${privateFile.slice(0, -5)}.pub.json` : `${privateFile}.pub.json`;
}
