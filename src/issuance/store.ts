/**
 * What the issuing service keeps, behind one interface so that a PostgreSQL store can
 * follow the SQLite one (src/issuance/sqlite-store.ts) for a national issuer. Every method
 * is one transaction: a redemption, an issuance or a status change either happens whole
 * or not at all, and two of them at the same moment are taken one after the other.
 *
 * Codes and tokens reach the store only as hashes (src/issuance/offers.ts): the
 * pre-authorized code, the access token and used nonces as SHA-256, the activation code
 * as an HMAC under the service's secret. Times are milliseconds since the epoch.
 */

export const STUDENT_STATES = ['registered', 'offered', 'active', 'suspended', 'revoked'] as const;
export type StudentState = (typeof STUDENT_STATES)[number];

export type CredentialStatus = 'valid' | 'suspended' | 'revoked';

/** Why a school revokes (SPEC 10). */
export const REVOKE_REASONS = ['transferred', 'paper_id_lost', 'paper_id_invalid', 'device_lost', 'device_damaged', 'other'] as const;
export type RevokeReason = (typeof REVOKE_REASONS)[number];
/** A credential's reason also tells the service's own revocations: a newer device, or the student's record erased. */
export type CredentialReason = RevokeReason | 'device_replaced' | 'erased';

export type StatusChange = { change: 'suspend' } | { change: 'reinstate' } | { change: 'revoke'; reason: RevokeReason };

export interface StudentData {
  given_name: string;
  family_name: string;
  birthdate: string;
  doc: 'school' | 'student';
  doc_no: string;
  /** YYYY-MM-DD: valid to the end of that day in Poland. */
  valid_until: string;
  /** Absent: the issuer's own (config `issuer.org`, else the issuer key's name). */
  org: { name: string; id: string } | null;
}

export interface Student extends StudentData {
  id: string;
  state: StudentState;
  created_at: number;
}

export interface CredentialEntry {
  jti: string;
  configuration_id: string;
  status: CredentialStatus;
  reason: CredentialReason | null;
  issued_at: number;
  status_list: string;
  status_idx: number;
}

export interface OpenOffer {
  id: string;
  created_at: number;
  expires_at: number;
  attempts: number;
  locked: boolean;
}

export interface StudentRecord extends Student {
  credentials: CredentialEntry[];
  /** The offer that can still be redeemed (not expired, cancelled, locked or used), if any. */
  offer: OpenOffer | null;
}

/** Who did it, for the audit table: `admin` (the bearer token), `wallet` (a redemption), later an operator's name. */
export type Actor = string;

export interface StudentQuery {
  state?: StudentState;
  /** Part of a name or document number; case and Polish diacritics ignored. */
  q?: string;
  limit: number;
  /** Continue after this cursor (the `next` of the previous page). */
  after?: string;
}

export interface NewOffer {
  id: string;
  studentId: string;
  configurationId: string;
  codeHash: Buffer;
  txCodeMac: Buffer;
  createdAt: number;
  expiresAt: number;
}

export type Refusal = { ok: false; reason: 'not_found' } | { ok: false; reason: 'conflict'; message: string };

export interface Redemption {
  codeHash: Buffer;
  /** HMAC of the activation code given (offers.ts), compared in constant time with the stored one. */
  txCodeMac: Buffer;
  now: number;
  maxAttempts: number;
  token: { hash: Buffer; expiresAt: number };
}

export type RedeemOutcome =
  | { ok: true; offerId: string; studentId: string; configurationId: string }
  | { ok: false; reason: 'unknown' }
  | { ok: false; reason: 'expired' | 'used' | 'cancelled' | 'locked'; offerId: string }
  /** `locked` when this wrong code was the last one allowed. */
  | { ok: false; reason: 'wrong_tx_code'; offerId: string; attemptsLeft: number; locked: boolean };

export interface AccessTokenInfo {
  state: 'usable' | 'expired' | 'used' | 'cancelled';
  studentId: string;
  configurationId: string;
}

export interface Issuance {
  tokenHash: Buffer;
  /** SHA-256 of the key proof's nonce: recorded as used, refused when it was already. */
  nonceHash: Buffer;
  now: number;
  jti: string;
  deviceThumbprint: string;
}

export type IssueOutcome =
  | { ok: true; student: Student; statusList: string; idx: number; replaced: string[] }
  | { ok: false; reason: 'token' | 'nonce_used' };

export interface StatusListEntries {
  name: string;
  bits: 2;
  size: number;
  /** Bumped by every change to the list's entries. */
  version: number;
  /** The `iat` of the last token signed for this list (seconds), never to go back. */
  lastIat: number | null;
  /** Index → status value (1 revoked, 2 suspended); the others are 0. */
  entries: Map<number, number>;
}

export interface AuditEntry {
  at: number;
  actor: Actor;
  action: string;
  student_id: string | null;
  detail: Record<string, unknown> | null;
}

export interface StoreCounts {
  students: Record<StudentState, number>;
  credentials: Record<CredentialStatus, number>;
  lists: { name: string; size: number; used: number }[];
}

export interface IssuanceStore {
  /** Refuses (conflict) a `doc_no` already registered. */
  createStudent(data: StudentData, at: number, actor: Actor): Promise<{ ok: true; student: Student } | Refusal>;
  getStudent(id: string, now: number): Promise<StudentRecord | undefined>;
  listStudents(query: StudentQuery): Promise<{ students: Student[]; next: string | null }>;
  /** Replaces the student's earlier offers that have not given a credential; refused for a suspended student. */
  createOffer(offer: NewOffer, actor: Actor): Promise<{ ok: true } | Refusal>;
  redeemOffer(redemption: Redemption): Promise<RedeemOutcome>;
  accessToken(hash: Buffer, now: number): Promise<AccessTokenInfo | undefined>;
  /** Uses the token and the nonce, allocates a status index, records the credential and revokes the student's earlier ones. */
  issueCredential(issuance: Issuance): Promise<IssueOutcome>;
  changeStatus(studentId: string, change: StatusChange, at: number, actor: Actor): Promise<{ ok: true } | Refusal>;
  /** Deletes a student's personal data; their credentials stay in the status lists, revoked. */
  eraseStudent(studentId: string, at: number, actor: Actor): Promise<{ ok: true } | Refusal>;
  statusList(name: string): Promise<StatusListEntries | undefined>;
  /** The list's version alone (cheap: asked on every fetch of the list). */
  statusListVersion(name: string): Promise<number | undefined>;
  statusListNames(): Promise<string[]>;
  recordSignedIat(name: string, iat: number): Promise<void>;
  audit(studentId: string): Promise<AuditEntry[]>;
  counts(): Promise<StoreCounts>;
  /** Forgets what can no longer matter: used nonces and access tokens past their lifetime. */
  prune(before: number): Promise<void>;
  close(): void;
}
