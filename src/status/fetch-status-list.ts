/**
 * HTTP GET of a status list token (SPEC 5): https only unless allowed, redirects
 * followed a bounded number of times (each hop checked), one timeout for the whole
 * exchange, the body read up to a size bound.
 */
import { MlegError } from '../errors.js';
import { STATUS_LIST_MEDIA_TYPE } from './token-status-list.js';

export interface FetchLimits {
  allowHttp: boolean;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
}

/**
 * A failed fetch: its message is fit for an answer (an HTTP status, a limit, a timeout);
 * what the network or the OS said is kept as the cause, for the operator's log only.
 */
export class StatusFetchError extends MlegError {
  override name = 'StatusFetchError';
  constructor(message: string, detail?: string) {
    super('STATUS_FETCH_FAILED', message, detail === undefined ? undefined : { cause: detail });
  }
}

export { STATUS_LIST_MEDIA_TYPE };
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Why `uri` may not be fetched under `allowHttp`, or undefined when it may. */
export function refusedUri(uri: string, allowHttp: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `status list URI ${JSON.stringify(uri)} is not a URL`;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && allowHttp) return undefined;
  return `status list URI ${uri} is not https${url.protocol === 'http:' ? ' (set status.allowHttp to allow http)' : ''}`;
}

export async function fetchStatusListText(uri: string, limits: FetchLimits): Promise<string> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let url = uri;
  try {
    for (let hop = 0; ; hop++) {
      const refused = refusedUri(url, limits.allowHttp);
      if (refused !== undefined) throw new StatusFetchError(refused);
      const response = await fetch(url, {
        redirect: 'manual',
        signal,
        headers: { accept: STATUS_LIST_MEDIA_TYPE, 'user-agent': 'mleg' },
      });
      const location = response.headers.get('location');
      if (REDIRECTS.has(response.status) && location !== null) {
        await response.body?.cancel();
        if (hop >= limits.maxRedirects) throw new StatusFetchError(`more than ${limits.maxRedirects} redirects`);
        url = new URL(location, url).href;
        continue;
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new StatusFetchError(`HTTP ${response.status}`);
      }
      return await readBounded(response, limits.maxBytes);
    }
  } catch (err) {
    if (signal.aborted) throw new StatusFetchError(`no answer within ${limits.timeoutMs} ms`);
    if (err instanceof StatusFetchError) throw err;
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new StatusFetchError('the status host cannot be reached', cause !== undefined ? `${(err as Error).message} (${cause})` : (err as Error).message);
  }
}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new StatusFetchError(`response of ${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  if (response.body !== null) {
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > maxBytes) throw new StatusFetchError(`response is over the ${maxBytes}-byte limit`);
      chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
  }
  return Buffer.concat(chunks).toString('latin1').trim();
}
