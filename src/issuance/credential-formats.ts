/**
 * What the credential endpoint can issue, by credential configuration id: its format, the
 * document it is, its metadata entry, and how it is made. A second format of the same
 * document (the compact MLEG2 form, `<id>_compact`, SPEC 11) is one more row here whose
 * `grantedBy` names the configuration its access token was given for.
 */
import type { JWK } from 'jose';
import { issueCredential } from '../issuer/credential.js';
import type { IssuerKey } from '../issuer/keys.js';
import { CREDENTIAL_TYP } from '../verify/credential.js';
import { PROOF_ALGS } from './key-proof.js';

export interface IssueInput {
  issuer: IssuerKey;
  student: { given_name: string; family_name: string; birthdate: string; doc: 'school' | 'student'; doc_no: string; org: { name: string; id: string } };
  device: JWK;
  status: { uri: string; idx: number };
  /** Seconds since the epoch. */
  iat: number;
  exp: number;
  jti: string;
}

export interface CredentialFormat {
  format: string;
  doc: 'school' | 'student';
  /** The configuration an access token must have been given for to get this one. */
  grantedBy: string;
  display: { pl: string; en: string };
  issue(input: IssueInput): string;
}

const mlegJwt = (input: IssueInput): string =>
  issueCredential({ issuer: input.issuer, student: input.student, device: input.device, status: input.status, exp: input.exp, iat: input.iat, jti: input.jti });

export const CREDENTIAL_FORMATS: Readonly<Record<string, CredentialFormat>> = {
  mlegitymacja_szkolna: {
    format: CREDENTIAL_TYP,
    doc: 'school',
    grantedBy: 'mlegitymacja_szkolna',
    display: { pl: 'mLegitymacja szkolna', en: 'School ID (mLegitymacja szkolna)' },
    issue: mlegJwt,
  },
  mlegitymacja_studencka: {
    format: CREDENTIAL_TYP,
    doc: 'student',
    grantedBy: 'mlegitymacja_studencka',
    display: { pl: 'mLegitymacja studencka', en: 'Student ID (mLegitymacja studencka)' },
    issue: mlegJwt,
  },
};

/** The configuration an offer is made for: the one issuing the student's document in its first format. */
export function offerConfiguration(doc: 'school' | 'student'): string {
  return Object.entries(CREDENTIAL_FORMATS).find(([id, f]) => f.doc === doc && f.grantedBy === id)![0];
}

const CLAIMS: [string[], string, string][] = [
  [['given_name'], 'Imię', 'Given name'],
  [['family_name'], 'Nazwisko', 'Family name'],
  [['birthdate'], 'Data urodzenia', 'Date of birth'],
  [['doc_no'], 'Numer legitymacji', 'ID number'],
  [['org', 'name'], 'Szkoła', 'School'],
];

/** `credential_configurations_supported` of the issuer metadata (OpenID4VCI 1.0 §12.2.4). */
export function configurationsMetadata(issuer: IssuerKey): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(CREDENTIAL_FORMATS).map(([id, f]) => [
      id,
      {
        format: f.format,
        cryptographic_binding_methods_supported: ['jwk'],
        credential_signing_alg_values_supported: [issuer.alg],
        proof_types_supported: { jwt: { proof_signing_alg_values_supported: [...PROOF_ALGS] } },
        credential_metadata: {
          display: [
            { name: f.display.pl, locale: 'pl', background_color: '#0b3d91', text_color: '#ffffff' },
            { name: f.display.en, locale: 'en', background_color: '#0b3d91', text_color: '#ffffff' },
          ],
          claims: CLAIMS.map(([path, pl, en]) => ({ path, display: [{ name: pl, locale: 'pl' }, { name: en, locale: 'en' }] })),
        },
      },
    ]),
  );
}
