/** What the ID screen shows, read from the wallet's own credential (a JWT it received from its issuer; not re-verified here). */
import { jwsPayload } from '../../jws/base64url.js';
import { statusReference, type StatusReference } from '../status-check.js';
import type { Seen } from './wallet-db.js';

export interface IdDocument {
  givenName: string;
  familyName: string;
  /** YYYY-MM-DD */
  birthdate: string;
  doc: 'school' | 'student';
  docNo: string;
  orgName: string;
  /** Seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
  status: StatusReference | undefined;
}

export function readIdDocument(credential: string): IdDocument | undefined {
  const c = jwsPayload(credential);
  if (c === undefined) return undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const org = c.org as { name?: unknown } | undefined;
  const fields = {
    givenName: text(c.given_name),
    familyName: text(c.family_name),
    birthdate: text(c.birthdate),
    docNo: text(c.doc_no),
    orgName: text(org?.name),
  };
  if (Object.values(fields).some((v) => v === undefined) || (c.doc !== 'school' && c.doc !== 'student') || typeof c.iat !== 'number' || typeof c.exp !== 'number') return undefined;
  return { ...(fields as Record<keyof typeof fields, string>), doc: c.doc, issuedAt: c.iat, expiresAt: c.exp, status: statusReference(credential) };
}

/** How the ID stands: expired by its date, else revoked or suspended by the last status seen, else valid. */
export type Standing = 'valid' | 'expired' | 'revoked' | 'suspended';

export function standing(doc: IdDocument, seen: Seen | undefined, nowMs: number): Standing {
  if (doc.expiresAt * 1000 < nowMs) return 'expired';
  if (seen?.meaning === 'revoked') return 'revoked';
  if (seen?.meaning === 'suspended') return 'suspended';
  return 'valid';
}
