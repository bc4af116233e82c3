/**
 * The portal's store in the issuing service's SQLite database (opened and migrated by
 * src/issuance/sqlite-store.ts; tables from migrations/002-portal.sql). Each method is one
 * IMMEDIATE transaction, so two logins at the same moment are counted one after the other.
 */
import type { Database as Db } from 'better-sqlite3';
import { newId } from '../offers.js';
import type { Actor, Refusal } from '../store.js';
import { afterFailure, refusal, UNTOUCHED, type ThrottlePolicy, type ThrottleState } from './login-throttle.js';
import type { PasswordHash } from './passwords.js';
import type { ExpiringOffer, LoginStart, Operator, OperatorSummary, PortalSession, PortalStore, SessionLimits, StatusListSummary } from './portal-store.js';

interface OperatorRow {
  id: string;
  name: string;
  password_hash: Buffer;
  salt: Buffer;
  password_params: string;
  failed_attempts: number;
  login_not_before: number | null;
  locked_until: number | null;
}

/** Sessions are touched at most once a minute: a page view is not a disk write each time. */
const TOUCH_EVERY_MS = 60_000;
/** Address rows with no failure for a day and no lock are forgotten. */
const FORGET_ADDRESS_MS = 24 * 3600_000;

export class SqlitePortalStore implements PortalStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async addOperator(name: string, password: PasswordHash, at: number, actor: Actor): Promise<{ ok: true } | Refusal> {
    return this.#tx(() => {
      if (this.#operator(name) !== undefined) return { ok: false, reason: 'conflict', message: `an operator "${name}" exists already` } as const;
      this.#db
        .prepare('INSERT INTO operators (id, name, password_hash, salt, password_params, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(newId(), name, password.hash, password.salt, password.params, at);
      this.#audit(at, actor, 'operator.add', { operator: name });
      return { ok: true } as const;
    });
  }

  async setPassword(name: string, password: PasswordHash, at: number, actor: Actor): Promise<{ ok: true } | Refusal> {
    return this.#tx(() => {
      const op = this.#operator(name);
      if (op === undefined) return { ok: false, reason: 'not_found' } as const;
      this.#db
        .prepare('UPDATE operators SET password_hash = ?, salt = ?, password_params = ?, failed_attempts = 0, login_not_before = NULL, locked_until = NULL WHERE id = ?')
        .run(password.hash, password.salt, password.params, op.id);
      const ended = this.#db.prepare('DELETE FROM portal_sessions WHERE operator_id = ?').run(op.id).changes;
      this.#audit(at, actor, 'operator.password', { operator: name, sessions_ended: ended });
      return { ok: true } as const;
    });
  }

  async removeOperator(name: string, at: number, actor: Actor): Promise<{ ok: true } | Refusal> {
    return this.#tx(() => {
      const op = this.#operator(name);
      if (op === undefined) return { ok: false, reason: 'not_found' } as const;
      const ended = this.#db.prepare('DELETE FROM portal_sessions WHERE operator_id = ?').run(op.id).changes;
      this.#db.prepare('DELETE FROM operators WHERE id = ?').run(op.id);
      this.#audit(at, actor, 'operator.remove', { operator: name, sessions_ended: ended });
      return { ok: true } as const;
    });
  }

  async listOperators(now: number): Promise<OperatorSummary[]> {
    return this.#db
      .prepare(
        `SELECT name, created_at, last_login_at, CASE WHEN locked_until > @now THEN locked_until END AS locked_until, failed_attempts AS failed_logins,
                (SELECT count(*) FROM portal_sessions s WHERE s.operator_id = o.id) AS sessions
         FROM operators o ORDER BY name`,
      )
      .all({ now }) as OperatorSummary[];
  }

  async beginLogin(name: string, addressKey: Buffer, now: number, policies: { operator: ThrottlePolicy; address: ThrottlePolicy }): Promise<LoginStart> {
    return this.#tx((): LoginStart => {
      const row = this.#operator(name);
      const opState: ThrottleState | undefined = row === undefined ? undefined : { failures: row.failed_attempts, notBefore: row.login_not_before, lockedUntil: row.locked_until };
      const address = this.#db.prepare('SELECT failures, not_before AS notBefore, locked_until AS lockedUntil FROM login_throttle WHERE address_key = ?').get(addressKey) as ThrottleState | undefined;
      const byOperator = opState === undefined ? undefined : refusal(opState, now);
      if (byOperator !== undefined) return { ok: false, ...byOperator, scope: 'operator' };
      const byAddress = refusal(address ?? UNTOUCHED, now);
      if (byAddress !== undefined) return { ok: false, ...byAddress, scope: 'address' };
      let operatorLocked = false;
      if (row !== undefined && opState !== undefined) {
        const next = afterFailure(opState, now, policies.operator);
        this.#db.prepare('UPDATE operators SET failed_attempts = ?, login_not_before = ?, locked_until = ? WHERE id = ?').run(next.failures, next.notBefore, next.lockedUntil, row.id);
        operatorLocked = next.lockedNow;
      }
      const nextAddress = afterFailure(address ?? UNTOUCHED, now, policies.address);
      this.#db
        .prepare(
          `INSERT INTO login_throttle (address_key, failures, not_before, locked_until, updated_at) VALUES (@key, @failures, @notBefore, @lockedUntil, @now)
           ON CONFLICT (address_key) DO UPDATE SET failures = @failures, not_before = @notBefore, locked_until = @lockedUntil, updated_at = @now`,
        )
        .run({ key: addressKey, failures: nextAddress.failures, notBefore: nextAddress.notBefore, lockedUntil: nextAddress.lockedUntil, now });
      const operator = row === undefined ? undefined : { id: row.id, name: row.name, password: { hash: row.password_hash, salt: row.salt, params: row.password_params } };
      return { ok: true, operator, lockedNow: { operator: operatorLocked, address: nextAddress.lockedNow } };
    });
  }

  async loginSucceeded(o: { operatorId: string; addressKey: Buffer; sessionHash: Buffer; now: number; limits: SessionLimits; rehashed?: PasswordHash }): Promise<void> {
    this.#tx(() => {
      const { now } = o;
      // Sessions are ended when next used; those never used again go here.
      this.#db.prepare('DELETE FROM portal_sessions WHERE seen_at < ? OR created_at < ?').run(now - o.limits.idleMs, now - o.limits.maxMs);
      this.#db.prepare('UPDATE operators SET failed_attempts = 0, login_not_before = NULL, locked_until = NULL, last_login_at = ? WHERE id = ?').run(now, o.operatorId);
      if (o.rehashed !== undefined) this.#db.prepare('UPDATE operators SET password_hash = ?, salt = ?, password_params = ? WHERE id = ?').run(o.rehashed.hash, o.rehashed.salt, o.rehashed.params, o.operatorId);
      this.#db.prepare('DELETE FROM login_throttle WHERE address_key = ? OR (updated_at < ? AND coalesce(locked_until, 0) < ?)').run(o.addressKey, now - FORGET_ADDRESS_MS, now);
      this.#db.prepare('INSERT INTO portal_sessions (id_hash, operator_id, created_at, seen_at) VALUES (?, ?, ?, ?)').run(o.sessionHash, o.operatorId, now, now);
      const name = (this.#db.prepare('SELECT name FROM operators WHERE id = ?').get(o.operatorId) as { name: string }).name;
      this.#audit(now, name, 'operator.login', o.rehashed === undefined ? null : { password_rehashed: true });
    });
  }

  async loginFailed(o: { name: string; operator: Operator | undefined; lockedNow: { operator: boolean; address: boolean }; now: number }): Promise<void> {
    this.#tx(() => {
      // A name that is no operator is not written: it may be a mistyped password.
      const actor = o.operator?.name ?? 'portal';
      this.#audit(o.now, actor, 'operator.login_failed', o.operator === undefined ? { operator_known: false } : null);
      if (o.lockedNow.operator) this.#audit(o.now, actor, 'operator.locked', { scope: 'operator' });
      if (o.lockedNow.address) this.#audit(o.now, actor, 'operator.locked', { scope: 'address' });
    });
  }

  async session(hash: Buffer, now: number, limits: SessionLimits): Promise<PortalSession | undefined> {
    const row = this.#db
      .prepare('SELECT s.created_at, s.seen_at, o.id, o.name FROM portal_sessions s JOIN operators o ON o.id = s.operator_id WHERE s.id_hash = ?')
      .get(hash) as { created_at: number; seen_at: number; id: string; name: string } | undefined;
    if (row === undefined) return undefined;
    if (now - row.seen_at > limits.idleMs || now - row.created_at > limits.maxMs) {
      this.#db.prepare('DELETE FROM portal_sessions WHERE id_hash = ?').run(hash);
      return undefined;
    }
    if (now - row.seen_at > TOUCH_EVERY_MS) this.#db.prepare('UPDATE portal_sessions SET seen_at = ? WHERE id_hash = ?').run(now, hash);
    return { operator: { id: row.id, name: row.name }, created_at: row.created_at };
  }

  async endSession(hash: Buffer, now: number): Promise<void> {
    this.#tx(() => {
      const row = this.#db.prepare('DELETE FROM portal_sessions WHERE id_hash = ? RETURNING operator_id').get(hash) as { operator_id: string } | undefined;
      if (row === undefined) return;
      const op = this.#db.prepare('SELECT name FROM operators WHERE id = ?').get(row.operator_id) as { name: string } | undefined;
      if (op !== undefined) this.#audit(now, op.name, 'operator.logout', null);
    });
  }

  async registeredDocNos(docNos: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const get = this.#db.prepare('SELECT 1 FROM students WHERE doc_no = ?');
    for (const d of new Set(docNos)) if (get.get(d) !== undefined) found.add(d);
    return found;
  }

  async expiringOffers(now: number, until: number, limit: number): Promise<ExpiringOffer[]> {
    return this.#db
      .prepare(
        `SELECT o.student_id, s.given_name, s.family_name, o.expires_at FROM offers o JOIN students s ON s.id = o.student_id
         WHERE o.cancelled_at IS NULL AND o.redeemed_at IS NULL AND o.locked = 0 AND o.expires_at > ? AND o.expires_at <= ?
         ORDER BY o.expires_at LIMIT ?`,
      )
      .all(now, until, limit) as ExpiringOffer[];
  }

  async statusLists(): Promise<StatusListSummary[]> {
    return this.#db.prepare('SELECT name, size, next_idx AS used, last_iat FROM status_lists ORDER BY seq').all() as StatusListSummary[];
  }

  #tx<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }

  #operator(name: string): OperatorRow | undefined {
    return this.#db.prepare('SELECT id, name, password_hash, salt, password_params, failed_attempts, login_not_before, locked_until FROM operators WHERE name = ?').get(name) as OperatorRow | undefined;
  }

  #audit(at: number, actor: Actor, action: string, detail: Record<string, unknown> | null): void {
    this.#db.prepare('INSERT INTO audit (at, actor, action, student_id, detail) VALUES (?, ?, ?, NULL, ?)').run(at, actor, action, detail === null ? null : JSON.stringify(detail));
  }
}
