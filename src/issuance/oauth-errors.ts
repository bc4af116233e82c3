/**
 * Error answers of the OAuth routes (token, nonce, credential): `{"error", "error_description"}`
 * with OpenID4VCI 1.0's and RFC 6749/6750's codes. The description is for the developer of
 * a wallet, in the characters RFC 6749 §5.2 allows (printable ASCII without `"` and `\`);
 * it never holds a code, a token or personal data.
 */
import type { FastifyReply } from 'fastify';

export type OauthErrorCode =
  | 'invalid_request'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'invalid_token'
  | 'invalid_credential_request'
  | 'unknown_credential_configuration'
  | 'invalid_proof'
  | 'invalid_nonce'
  | 'invalid_encryption_parameters'
  | 'credential_request_denied';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks an OAuth route: its errors are OAuth error answers, with this code for a malformed request. */
    oauthError?: OauthErrorCode;
  }
}

/** Printable ASCII without `"` and `\` (RFC 6749 §5.2's error_description). */
export function oauthDescription(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replaceAll('"', "'")
    .replaceAll('\\', '/')
    .replace(/[^\x20-\x7e]/g, '?');
}

export function oauthBody(error: string, description: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { error, error_description: oauthDescription(description), ...extra };
}

export function sendOauthError(reply: FastifyReply, status: number, error: OauthErrorCode, description: string, extra?: Record<string, unknown>): FastifyReply {
  if (error === 'invalid_token') reply.header('www-authenticate', `Bearer error="invalid_token", error_description="${oauthDescription(description)}"`);
  return reply.code(status).send(oauthBody(error, description, extra));
}
