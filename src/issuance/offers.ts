/**
 * Credential offers (OpenID4VCI 1.0 §4.1) and their codes. The pre-authorized code and the
 * access token are 256-bit random values kept as SHA-256; the 8-digit activation code
 * (`tx_code`) is kept as an HMAC-SHA-256 under a key only the service holds
 * (src/issuance/secret.ts), bound to its pre-authorized code: an unkeyed hash of 8 digits
 * would be reversed in a second, and two offers with the same code never store the same value.
 */
import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import { OFFER_SCHEME, PRE_AUTHORIZED_GRANT } from '../oid4vci/protocol.js';

export const TX_CODE_LENGTH = 8;

/** A record id (student, offer, credential `jti`): 128 random bits, base64url. */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}

/** A pre-authorized code or an access token: 256 random bits, base64url (43 characters). */
export function newSecretCode(): string {
  return randomBytes(32).toString('base64url');
}

/** The activation code: 8 uniformly random digits. */
export function newTxCode(): string {
  return String(randomInt(0, 10 ** TX_CODE_LENGTH)).padStart(TX_CODE_LENGTH, '0');
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** HMAC-SHA-256(key, SHA-256(pre-authorized code) ‖ tx_code). */
export function txCodeMac(key: Buffer, codeHash: Buffer, txCode: string): Buffer {
  return createHmac('sha256', key).update(codeHash).update(txCode, 'utf8').digest();
}

export interface CredentialOffer {
  credential_issuer: string;
  credential_configuration_ids: [string];
  grants: {
    [PRE_AUTHORIZED_GRANT]: {
      'pre-authorized_code': string;
      tx_code: { length: number; input_mode: 'numeric'; description: string };
    };
  };
}

export function credentialOffer(issuerUrl: string, configurationId: string, preAuthorizedCode: string, description: string): CredentialOffer {
  return {
    credential_issuer: issuerUrl,
    credential_configuration_ids: [configurationId],
    grants: {
      [PRE_AUTHORIZED_GRANT]: {
        'pre-authorized_code': preAuthorizedCode,
        tx_code: { length: TX_CODE_LENGTH, input_mode: 'numeric', description },
      },
    },
  };
}

/**
 * The offer by value, as a wallet link (`openid-credential-offer://?credential_offer=…`) and
 * as the same offer on this service's `/offer` page, for a phone with no wallet registered
 * for that scheme.
 */
export function offerLinks(offer: CredentialOffer): { offer: string; offer_url: string } {
  const query = `credential_offer=${encodeQueryValue(JSON.stringify(offer))}`;
  return { offer: `${OFFER_SCHEME}?${query}`, offer_url: `${offer.credential_issuer}/offer?${query}` };
}

/**
 * A query value percent-encoded, but for `:`, `/` and `,`, which RFC 3986 allows in a query
 * as they are: the offer's URLs and JSON are full of them, and a shorter link is a smaller
 * QR code (the default offer: version 19 → 17 at error correction M).
 */
export function encodeQueryValue(text: string): string {
  return encodeURIComponent(text).replace(/%3A|%2F|%2C/g, (c) => ({ '%3A': ':', '%2F': '/', '%2C': ',' })[c]!);
}
