/** Issuing a credential (SPEC 2) for one student record and one device key. */
import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { CREDENTIAL_TYP } from '../verify/credential.js';
import type { IssuerKey } from './keys.js';
import { signJwt } from './jwt.js';

export interface StudentRecord {
  given_name: string;
  family_name: string;
  birthdate: string;
  doc: 'school' | 'student';
  doc_no: string;
  org: { name: string; id: string };
}

export interface CredentialOptions {
  issuer: IssuerKey;
  student: StudentRecord;
  device: JWK;
  status: { uri: string; idx: number };
  /** Seconds since the epoch. */
  exp: number;
  iat?: number;
  nbf?: number;
  jti?: string;
  /** Replace or (with undefined) remove header members: for tests of broken credentials. */
  header?: Record<string, unknown>;
  /** Replace or (with undefined) remove claims: for tests of broken credentials. */
  claims?: Record<string, unknown>;
}

export function issueCredential(o: CredentialOptions): string {
  const header = { alg: o.issuer.alg, typ: CREDENTIAL_TYP, kid: o.issuer.kid, ...o.header };
  const claims = {
    iss: o.issuer.iss,
    jti: o.jti ?? randomBytes(12).toString('base64url'),
    iat: o.iat ?? Math.floor(Date.now() / 1000),
    ...(o.nbf !== undefined ? { nbf: o.nbf } : {}),
    exp: o.exp,
    doc: o.student.doc,
    given_name: o.student.given_name,
    family_name: o.student.family_name,
    birthdate: o.student.birthdate,
    doc_no: o.student.doc_no,
    org: { name: o.student.org.name, id: o.student.org.id },
    cnf: { jwk: o.device },
    status: { status_list: { idx: o.status.idx, uri: o.status.uri } },
    ...o.claims,
  };
  return signJwt(header, claims, o.issuer.key);
}
