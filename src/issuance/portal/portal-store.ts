/**
 * What the school portal keeps beside the issuing store (src/issuance/store.ts), in the
 * same database: operators and their password hashes, their sessions (ids as SHA-256),
 * failed logins per operator and per client address (src/issuance/portal/login-throttle.ts),
 * and the few reads its pages need that the API does not. Every method is one transaction;
 * operator events go to the same audit table as the students'. An interface, as the
 * issuing store is, so that another database can follow.
 */
import type { Actor, Refusal } from '../store.js';
import type { ThrottlePolicy } from './login-throttle.js';
import type { PasswordHash } from './passwords.js';

export interface Operator {
  id: string;
  name: string;
  password: PasswordHash;
}

export interface OperatorSummary {
  name: string;
  created_at: number;
  last_login_at: number | null;
  /** Set while the operator is locked after failed logins. */
  locked_until: number | null;
  failed_logins: number;
  sessions: number;
}

/** How long a session lasts idle, and at most. */
export interface SessionLimits {
  idleMs: number;
  maxMs: number;
}

export interface PortalSession {
  operator: { id: string; name: string };
  created_at: number;
}

export type LoginStart =
  /** `operator` undefined: no such name (the password is checked against nothing, at the same cost). */
  | { ok: true; operator: Operator | undefined; lockedNow: { operator: boolean; address: boolean } }
  | { ok: false; refused: 'locked' | 'delayed'; until: number; scope: 'operator' | 'address' };

export interface ExpiringOffer {
  student_id: string;
  given_name: string;
  family_name: string;
  expires_at: number;
}

export interface StatusListSummary {
  name: string;
  size: number;
  used: number;
  /** When its last token was signed (seconds), or null before the first fetch. */
  last_iat: number | null;
}

export interface PortalStore {
  /** Refuses (conflict) a name that exists. */
  addOperator(name: string, password: PasswordHash, at: number, actor: Actor): Promise<{ ok: true } | Refusal>;
  /** A new password; the operator's lock and sessions end. */
  setPassword(name: string, password: PasswordHash, at: number, actor: Actor): Promise<{ ok: true } | Refusal>;
  /** The operator and their sessions go; their name stays in the audit table. */
  removeOperator(name: string, at: number, actor: Actor): Promise<{ ok: true } | Refusal>;
  listOperators(now: number): Promise<OperatorSummary[]>;
  /** Refuses an attempt while a delay or lock holds; otherwise counts it as failed (forgiven by loginSucceeded). */
  beginLogin(name: string, addressKey: Buffer, now: number, policies: { operator: ThrottlePolicy; address: ThrottlePolicy }): Promise<LoginStart>;
  /** Forgives the attempt, records the session (and a hash remade with today's parameters); sessions past `limits` are deleted. */
  loginSucceeded(o: { operatorId: string; addressKey: Buffer; sessionHash: Buffer; now: number; limits: SessionLimits; rehashed?: PasswordHash }): Promise<void>;
  /** Writes the failure (and a lock it began) to the audit table. */
  loginFailed(o: { name: string; operator: Operator | undefined; lockedNow: { operator: boolean; address: boolean }; now: number }): Promise<void>;
  /** The session's operator while it is neither idle longer than `idleMs` nor older than `maxMs` (an ended one is deleted). */
  session(hash: Buffer, now: number, limits: SessionLimits): Promise<PortalSession | undefined>;
  endSession(hash: Buffer, now: number): Promise<void>;
  /** Which of these document numbers are registered already. */
  registeredDocNos(docNos: readonly string[]): Promise<Set<string>>;
  /** Open offers that expire between `now` and `until`, soonest first. */
  expiringOffers(now: number, until: number, limit: number): Promise<ExpiringOffer[]>;
  statusLists(): Promise<StatusListSummary[]>;
}
