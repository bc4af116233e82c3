/**
 * One family of coded errors (as fastify's lib/errors.js and jose's util/errors.ts):
 * every failure a user can meet has a stable `code`, a short message for people, and
 * where it applies the HTTP status it is answered with and the exit code a command ends
 * with. The catalogue below is the one place codes are declared; the README's error
 * table is written from it (test/errors/catalogue.test.ts keeps them in step).
 *
 * Verdicts (SPEC 6) are not errors: a presentation that fails a check is an answer.
 */

interface Kind {
  /** What it means, for the README's table. */
  readonly summary: string;
  /** The HTTP status an API answers with. */
  readonly status?: number;
  /** The exit code of a command that ends on it (default 1). */
  readonly exit?: number;
}

export const ERRORS = {
  // The command line and its configuration (exit 2).
  USAGE: { summary: 'the command was used wrongly (an unknown option, a missing argument)', exit: 2 },
  CONFIG_UNREADABLE: { summary: 'the configuration file cannot be read or is not JSON', exit: 2 },
  CONFIG_INVALID: { summary: 'a configuration key is unknown, of the wrong type or out of range (the message names it)', exit: 2 },
  TRUST_LIST_INVALID: { summary: 'the trust list cannot be read or breaks SPEC 4 (the message names the key)', exit: 2 },
  DEVICE_PROFILE_INVALID: { summary: 'a file in devices/ (a device profile or keyboard layout) is not valid (the message names the file and key)', exit: 2 },
  FILE_EXISTS: { summary: 'a command would overwrite a key or file; give --force where overwriting is meant', exit: 2 },

  // Requests to the HTTP API (the body is {"error": code, "message": reason}).
  BODY_MISSING: { summary: 'the request has no body, or no payload in it', status: 400 },
  BODY_INVALID: { summary: 'the body is not what the route takes (the message says what is wrong)', status: 400 },
  BODY_TIMEOUT: { summary: 'the body did not arrive whole within 10 s', status: 408 },
  BODY_TOO_LARGE: { summary: 'the body is over the route\'s size limit', status: 413 },
  UNSUPPORTED_MEDIA_TYPE: { summary: 'a content type the route does not take', status: 415 },
  NOT_FOUND: { summary: 'no such route, or no such record', status: 404 },
  METHOD_NOT_ALLOWED: { summary: 'the route does not take this method', status: 405 },
  UNAUTHORIZED: { summary: 'an administration route without a bearer token', status: 401 },
  FORBIDDEN: { summary: 'a wrong bearer token, or a form without its CSRF token', status: 403 },
  CONFLICT: { summary: 'the record exists already, or is not in a state that allows this', status: 409 },
  RATE_LIMITED: { summary: 'too many requests from this client; the message says when to try again', status: 429 },
  STOPPING: { summary: 'the service is stopping', status: 503 },
  INTERNAL: { summary: 'a fault of the service; the operator\'s log has the details', status: 500 },
  FLEET_UNAVAILABLE: { summary: 'the fleet\'s Redis did not answer in time: the other verifiers cannot be listed or followed now (verification goes on, replay decided by this node)', status: 503 },

  // Camera images (POST /v1/verify/image, /v1/decode, mleg scan-image).
  NOT_AN_IMAGE: { summary: 'the body is not a PNG, JPEG or WebP image that can be decoded', status: 400 },
  TOO_MANY_PIXELS: { summary: 'the image has more pixels than image.maxPixels', status: 413 },
  DECODE_TIMEOUT: { summary: 'decoding the image took longer than image.timeoutMs', status: 503 },

  // Devices (logged, shown in /v1/state and mleg devices; never stop the service).
  HID_UNAVAILABLE: { summary: 'node-hid cannot load (libusb-1.0 missing); HID scanners and relays are off' },
  DEVICE_NOT_FOUND: { summary: 'no attached device matches the configured path or USB IDs' },
  DEVICE_FAILED: { summary: 'a device could not be opened, or failed while in use' },
  WORKER_LOST: { summary: 'a worker thread stopped; its work is redone elsewhere' },
  DEADLINE_PASSED: { summary: 'a job on a worker thread took longer than its deadline' },
  CLOSED: { summary: 'the part asked is closed (the service is stopping)' },
  INSTALL_BROKEN: { summary: 'a file the installed package needs is missing or not its own (reinstall mleg: npm ci, or the package)' },

  // Status lists (answered as STATUS_UNAVAILABLE with this reason; the operator's log has the details).
  STATUS_FETCH_FAILED: { summary: 'a status list could not be fetched: an HTTP status, a timeout, a limit, or the host unreachable' },

  // Issuing (mleg issuer …).
  ISSUER_DIR_INVALID: { summary: 'an issuer folder is missing a file or holds one that is not valid', exit: 2 },
  RECORDS_INVALID: { summary: 'a student record (CSV or JSON) is missing a field or has a wrong one (the message names the row and field)', exit: 2 },
  STATUS_INDEX_INVALID: { summary: 'a status index outside the issuer\'s status list, or not yet issued', exit: 2 },
  STATUS_VALUE_UNFIT: { summary: 'a status the list cannot hold (suspension on a 1-bit list)', exit: 2 },
  KEY_INVALID: { summary: 'a key file that is not a usable private or public JWK', exit: 2 },
  CREDENTIAL_FILE_INVALID: { summary: 'a credential file (mleg wallet present) that holds neither a compact JWS (MLEG1) nor the base64url of a COSE_Sign1 (MLEG2)', exit: 2 },

  // The issuing service (mleg issuer serve; OAuth routes answer OpenID4VCI's own error codes).
  DATABASE_INVALID: { summary: 'the issuing database cannot be opened or migrated, or was written by a newer mleg (the message says which)' },

  // Activating a credential (mleg wallet activate).
  OFFER_INVALID: { summary: 'not a credential offer this wallet can take (an openid-credential-offer:// or https:// link with a pre-authorized code and an activation code)', exit: 2 },
  ACTIVATION_CODE_WRONG: { summary: 'the activation code is wrong; the message says how many tries are left', exit: 3 },
  OFFER_LOCKED: { summary: 'too many wrong activation codes: the offer is locked; the school makes a new one', exit: 4 },
  OFFER_EXPIRED: { summary: 'the offer has expired, was used already or was replaced; the school makes a new one', exit: 5 },
  ISSUER_UNREACHABLE: { summary: 'the issuing service cannot be reached (network, DNS, TLS or timeout)', exit: 6 },
  ISSUER_REFUSED: { summary: 'the issuing service refused a step or answered something unusable (the message gives its error)' },
} as const satisfies Record<string, Kind>;

export type ErrorCode = keyof typeof ERRORS;

export class MlegError extends Error {
  override name = 'MlegError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** The HTTP status this error is answered with (500 when it is not a request's fault). */
  get status(): number {
    return (ERRORS[this.code] as Kind).status ?? 500;
  }

  /** The exit code of a command that ends on this error. */
  get exit(): number {
    return (ERRORS[this.code] as Kind).exit ?? 1;
  }
}

export function isMlegError(err: unknown, code?: ErrorCode): err is MlegError {
  return err instanceof MlegError && (code === undefined || err.code === code);
}

/** The body of an HTTP error answer: `{"error": code, "message": reason}`. */
export function errorBody(code: ErrorCode, message: string): { error: ErrorCode; message: string } {
  return { error: code, message };
}
