/**
 * The wallet's look at its own credential in the published status list (SPEC 5), made
 * whenever it is online: fetch the list its credential names, read the entry at its index.
 * No Node API (fetch, DecompressionStream): the web wallet runs this in the browser.
 *
 * The list is not signature-checked here: it comes from the origin the wallet itself was
 * loaded from, over the same TLS, so a forged list is no more possible than a forged app.
 * Verifiers check the signature; this only decides what the holder's screen says.
 * Only as much of the list is inflated as holds the entry (`lst` is read no further).
 */
import { MlegError } from '../errors.js';
import { fromBase64url, jwsPayload } from '../jws/base64url.js';
import { isStatusBits, STATUS_LIST_MEDIA_TYPE, STATUS_LIST_TYP, statusAt, statusMeaning, type StatusBits } from '../status/token-status-list.js';

export interface StatusReference {
  uri: string;
  idx: number;
}

export interface StatusSeen {
  /** The entry's value: 0 valid, 1 revoked, 2 suspended (SPEC 5). */
  value: number;
  meaning: ReturnType<typeof statusMeaning>;
  /** The list's `iat`, seconds. */
  listIat: number;
}

const TIMEOUT_MS = 10_000;

const failed = (why: string, cause?: unknown) => new MlegError('STATUS_FETCH_FAILED', `the status list cannot be read: ${why}`, cause === undefined ? {} : { cause });

/** The status reference (`status.status_list`) of a credential JWT, unverified (the wallet's own credential). */
export function statusReference(credential: string): StatusReference | undefined {
  const sl = (jwsPayload(credential)?.status as { status_list?: { uri?: unknown; idx?: unknown } } | undefined)?.status_list;
  return typeof sl?.uri === 'string' && Number.isSafeInteger(sl.idx) && (sl.idx as number) >= 0 ? { uri: sl.uri, idx: sl.idx as number } : undefined;
}

/** Fetches `ref.uri` and reads entry `ref.idx`. Throws STATUS_FETCH_FAILED (no network, an HTTP error, not a status list for that URI, the index past its end). */
export async function checkStatus(ref: StatusReference, fetchFn: typeof fetch = fetch): Promise<StatusSeen> {
  let response: Response;
  try {
    // Revalidated every time (the list is served with max-age): a revocation shows at the next look.
    const init = { headers: { accept: STATUS_LIST_MEDIA_TYPE }, cache: 'no-cache', redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) } as const;
    response = await fetchFn(ref.uri, init as RequestInit);
  } catch (err) {
    throw failed('the issuing service cannot be reached', err);
  }
  if (response.status !== 200) throw failed(`HTTP ${response.status}`);
  return readStatus((await response.text()).trim(), ref);
}

/** Entry `ref.idx` of the status list token `token`, which must be the list of `ref.uri`. */
export async function readStatus(token: string, ref: StatusReference): Promise<StatusSeen> {
  const header = jwsHeader(token);
  const claims = jwsPayload(token);
  if (header?.typ !== STATUS_LIST_TYP || claims === undefined) throw failed('not a status list token');
  if (claims.sub !== ref.uri) throw failed('the list is not the one the credential names');
  const sl = claims.status_list as { bits?: unknown; lst?: unknown } | undefined;
  if (!Number.isSafeInteger(claims.iat) || !isStatusBits(sl?.bits) || typeof sl?.lst !== 'string') throw failed('the list has no iat, bits or lst');
  const bits: StatusBits = sl.bits;
  const needed = ((ref.idx * bits) >> 3) + 1;
  const bytes = await inflatePrefix(sl.lst, needed);
  const value = statusAt(bytes, bits, ref.idx);
  if (value === undefined) throw failed(`index ${ref.idx} is past the end of the list`);
  return { value, meaning: statusMeaning(value), listIat: claims.iat as number };
}

function jwsHeader(token: string): Record<string, unknown> | undefined {
  const dot = token.indexOf('.');
  return dot < 0 ? undefined : jwsPayload(`x.${token.slice(0, dot)}.x`);
}

/** The first `needed` bytes of ZLIB-compressed `lst` (fewer when it inflates to fewer). */
async function inflatePrefix(lst: string, needed: number): Promise<Uint8Array> {
  let compressed: Uint8Array<ArrayBuffer>;
  try {
    compressed = fromBase64url(lst);
  } catch (err) {
    throw failed('"lst" is not base64url', err);
  }
  const reader = new Blob([compressed]).stream().pipeThrough(new DecompressionStream('deflate')).getReader();
  const out = new Uint8Array(needed);
  let length = 0;
  try {
    while (length < needed) {
      const { done, value } = await reader.read();
      if (done) break;
      const take = Math.min(value.length, needed - length);
      out.set(value.subarray(0, take), length);
      length += take;
    }
  } catch (err) {
    throw failed('"lst" is not ZLIB data', err);
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return out.subarray(0, length);
}
