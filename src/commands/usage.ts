/** Command-line usage, and the error that means "exit 2: the command was used wrongly". */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MlegError } from '../errors.js';
import { isJwsAlg, type JwsAlg } from '../jws/signature.js';

export class UsageError extends MlegError {
  override name = 'UsageError';
  constructor(message: string) {
    super('USAGE', message);
  }
}

export const USAGE = `mleg — verifier for mLegitymacja (Polish mobile student IDs)

  mleg serve   [--config FILE] [--workers N] [--host HOST] [--port PORT]
                                          run the service (default: the embedded demo configuration;
                                          N verifier threads, default one per core; HOST and PORT
                                          override the config's http.host and http.port)
  mleg verify  [--config FILE] PAYLOAD|-  verify one payload; prints the result as JSON
                                          exit 0 VALID, 1 any other verdict, 2 usage or configuration error
  mleg scan-image [--config FILE] [--json] FILE...
                                          find the QR codes in camera pictures (PNG, JPEG, WebP); one line per code with its verdict
                                          exit 0 codes found and all VALID, 1 none found or another verdict, 2 usage or configuration error
  mleg demo    [--config FILE] [--json] [--qr FILE.png [--format mleg1|mleg2]]
                                          print fresh demo payloads (VALID, REVOKED, EXPIRED; VALID also as MLEG2)
                                          and curl commands; --qr also draws the VALID one (MLEG2 unless --format mleg1)
  mleg devices [--profiles]               list attached serial and USB HID devices, their profile and a config snippet
  mleg scan    [--config FILE] [--scanner ID]...
                                          open the configured scanners (no gate relays); print each read and its verdict

  mleg issuer serve  --config FILE        run the issuing service (OpenID4VCI, SQLite) for one issuer folder
  mleg issuer backup --config FILE --out FILE
                                          a consistent copy of its database, also while it runs (mode 0600)
  mleg issuer keygen --dir DIR --iss ISS --kid KID --status-uri URI
                     [--alg ES256|EdDSA] [--name NAME] [--status-bits 1|2|4|8] [--status-size N]
  mleg issuer issue  --dir DIR --records FILE.json|FILE.csv [--device PUBLIC.jwk.json] [--out DIR]
                     [--format mleg1|mleg2|both]    <jti>.jwt (MLEG1, default), <jti>.cose (MLEG2), or both
  mleg issuer revoke --dir DIR [--suspend | --reinstate] INDEX...
  mleg issuer status-list --dir DIR --out FILE [--ttl SECONDS] [--valid-for SECONDS]

  mleg wallet keygen  --out FILE [--alg ES256|EdDSA] [--force]
  mleg wallet present --credential FILE --key FILE [--format mleg1|mleg2] [--qr FILE.png | --qr -]
                                          the format is the credential file's (.jwt MLEG1, .cose MLEG2);
                                          --qr - draws it within 80 columns when it fits
  mleg wallet activate --offer URI --code CODE --key FILE --out FILE
                                          redeem a credential offer (openid-credential-offer:// or https://) with its
                                          activation code; the credential is bound to the device key FILE
                                          exit 3 wrong code, 4 offer locked, 5 offer expired or used, 6 no connection
`;

/** What follows a usage error: one line, so the error stays on a small screen (issue: the whole help pushed it off). */
export const USAGE_HINT = 'Run "mleg help" for the commands and their options.\n';

/** node:util parseArgs, strict, with its errors turned into usage errors. */
export function parseCommand<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

export function integerOption(value: string | undefined, flag: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number`);
  return Number(value);
}

export type FormatName = 'mleg1' | 'mleg2';

/** `--format mleg1|mleg2` (a presentation format, SPEC 1 / SPEC 11). */
export function formatOption(value: string | undefined, fallback: FormatName): FormatName {
  const format = value ?? fallback;
  if (format !== 'mleg1' && format !== 'mleg2') throw new UsageError(`--format must be mleg1 or mleg2, not ${JSON.stringify(format)}`);
  return format;
}

export function algOption(value: string | undefined): JwsAlg {
  const alg = value ?? 'ES256';
  if (!isJwsAlg(alg)) throw new UsageError(`--alg must be ES256 or EdDSA, not ${JSON.stringify(alg)}`);
  return alg;
}
