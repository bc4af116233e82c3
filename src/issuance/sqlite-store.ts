/**
 * The issuing service's store in one SQLite file (better-sqlite3): created mode 0600 (its
 * -wal and -shm files too), WAL, foreign keys on, migrations applied at open. better-sqlite3
 * is synchronous and every method runs as one IMMEDIATE transaction, so concurrent
 * requests are taken one after the other and none sees another's half-done work; the
 * conditional UPDATEs (`… WHERE redeemed_at IS NULL`) keep that true should a second process
 * ever open the same file.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import Database, { type Database as Db } from 'better-sqlite3';
import { MlegError } from '../errors.js';
import type { Logger } from '../logger.js';
import { migrate, readMigrations } from './migrations.js';
import type {
  AccessTokenInfo,
  Actor,
  AuditEntry,
  CredentialEntry,
  CredentialStatus,
  IssuanceStore,
  Issuance,
  IssueOutcome,
  NewOffer,
  OpenOffer,
  RedeemOutcome,
  Redemption,
  Refusal,
  StatusChange,
  StatusListEntries,
  StoreCounts,
  Student,
  StudentData,
  StudentQuery,
  StudentRecord,
  StudentState,
} from './store.js';
import { STUDENT_STATES } from './store.js';
import { newId } from './offers.js';

export interface SqliteStoreOptions {
  file: string;
  log: Logger;
  /** Entries of each status list this store starts (the first at open, another when one is full). */
  listSize: number;
}

/** A row of `students`: the Student with its org in two columns. */
type StudentRow = Omit<Student, 'org'> & { seq: number; org_name: string | null; org_id: string | null };

interface OfferRow {
  id: string;
  student_id: string;
  configuration_id: string;
  tx_code_mac: Buffer;
  attempts: number;
  locked: number;
  expires_at: number;
  redeemed_at: number | null;
  cancelled_at: number | null;
}

interface TokenRow {
  offer_id: string;
  expires_at: number;
  used_at: number | null;
  cancelled_at: number | null;
  student_id: string;
  configuration_id: string;
}

const STATUS_VALUE: Record<CredentialStatus, number> = { valid: 0, revoked: 1, suspended: 2 };

/** Opens (creating it when missing) and migrates the database. */
export function openSqliteStore(o: SqliteStoreOptions): SqliteStore {
  privateFile(o.file, o.log);
  let db: Db;
  try {
    db = new Database(o.file, { fileMustExist: true, timeout: 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // A revocation the school was told about must survive a power cut: every commit reaches the disk.
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    // Deleted rows are overwritten with zeros, so an erased student's data leaves the file.
    db.pragma('secure_delete = ON');
  } catch (err) {
    throw new MlegError('DATABASE_INVALID', `cannot open the database ${o.file} (${(err as Error).message})`, { cause: err });
  }
  if (db.pragma('journal_mode', { simple: true }) !== 'wal') {
    db.close();
    throw new MlegError('DATABASE_INVALID', `the database ${o.file} cannot use WAL (is it on a network file system?)`);
  }
  try {
    const applied = migrate(db, readMigrations());
    if (applied.length > 0) o.log.info({ database: o.file, migrations: applied }, 'database migrated');
  } catch (err) {
    db.close();
    throw err;
  }
  // SQLite gives its -wal and -shm files the database's own mode; checked all the same.
  for (const suffix of ['-wal', '-shm']) if (existsSync(o.file + suffix)) tighten(o.file + suffix, o.log);
  return new SqliteStore(db, o.listSize);
}

/** Creates `file` empty with mode 0600 when it is missing, or takes group and other access away from it. */
function privateFile(file: string, log: Logger): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(file, 'wx', 0o600));
    log.info({ database: file }, 'database created');
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new MlegError('DATABASE_INVALID', `cannot create the database ${file} (${(err as NodeJS.ErrnoException).code})`, { cause: err });
    }
  }
  tighten(file, log);
}

function tighten(file: string, log: Logger): void {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  chmodSync(file, mode & 0o700);
  log.warn({ file, was: mode.toString(8) }, 'database file was readable by others: now mode 0600');
}

/** Lower case without Polish diacritics, for search ("Wisniewska" finds "Wiśniewska"). */
export function foldForSearch(text: string): string {
  return text.toLowerCase().replaceAll('ł', 'l').normalize('NFD').replace(/\p{M}/gu, '');
}

export class SqliteStore implements IssuanceStore {
  readonly #db: Db;
  readonly #listSize: number;

  constructor(db: Db, listSize: number) {
    this.#db = db;
    this.#listSize = listSize;
    db.function('mleg_fold', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? foldForSearch(text) : text));
    this.#tx(() => {
      if (this.#db.prepare('SELECT 1 FROM status_lists LIMIT 1').get() === undefined) this.#newList(Date.now());
    });
  }

  /** The underlying database, for tests and backups (`.backup()`). */
  get database(): Db {
    return this.#db;
  }

  async createStudent(data: StudentData, at: number, actor: Actor): Promise<{ ok: true; student: Student } | Refusal> {
    return this.#tx(() => {
      if (this.#db.prepare('SELECT 1 FROM students WHERE doc_no = ?').get(data.doc_no) !== undefined) {
        return { ok: false, reason: 'conflict', message: 'a student with this doc_no is already registered' } as const;
      }
      const id = newId();
      this.#db
        .prepare(
          `INSERT INTO students (id, given_name, family_name, birthdate, doc, doc_no, valid_until, org_name, org_id, state, created_at)
           VALUES (@id, @given_name, @family_name, @birthdate, @doc, @doc_no, @valid_until, @org_name, @org_id, 'registered', @at)`,
        )
        .run({
          id,
          given_name: data.given_name,
          family_name: data.family_name,
          birthdate: data.birthdate,
          doc: data.doc,
          doc_no: data.doc_no,
          valid_until: data.valid_until,
          org_name: data.org?.name ?? null,
          org_id: data.org?.id ?? null,
          at,
        });
      this.#audit(at, actor, 'student.register', id, { doc: data.doc });
      return { ok: true, student: this.#student(id)! } as const;
    });
  }

  async getStudent(id: string, now: number): Promise<StudentRecord | undefined> {
    const student = this.#student(id);
    if (student === undefined) return undefined;
    const credentials = this.#db
      .prepare('SELECT jti, configuration_id, status, reason, issued_at, status_list, status_idx FROM credentials WHERE student_id = ? ORDER BY issued_at, rowid')
      .all(id) as CredentialEntry[];
    const offer = this.#db
      .prepare(
        `SELECT id, created_at, expires_at, attempts, locked FROM offers
         WHERE student_id = ? AND cancelled_at IS NULL AND redeemed_at IS NULL AND locked = 0 AND expires_at > ?
         ORDER BY created_at DESC LIMIT 1`,
      )
      .get(id, now) as (Omit<OpenOffer, 'locked'> & { locked: number }) | undefined;
    return { ...student, credentials, offer: offer === undefined ? null : { ...offer, locked: offer.locked === 1 } };
  }

  async listStudents(query: StudentQuery): Promise<{ students: Student[]; next: string | null }> {
    const rows = this.#db
      .prepare(
        `SELECT * FROM students
         WHERE seq > @after AND (@state IS NULL OR state = @state)
           AND (@q IS NULL OR instr(mleg_fold(given_name || ' ' || family_name || ' ' || doc_no), @q) > 0)
         ORDER BY seq LIMIT @limit`,
      )
      .all({ after: query.after === undefined ? 0 : Number(query.after), state: query.state ?? null, q: query.q === undefined ? null : foldForSearch(query.q), limit: query.limit + 1 }) as StudentRow[];
    const page = rows.slice(0, query.limit);
    return { students: page.map(toStudent), next: rows.length > query.limit ? String(page.at(-1)!.seq) : null };
  }

  async createOffer(offer: NewOffer, actor: Actor): Promise<{ ok: true } | Refusal> {
    return this.#tx(() => {
      const student = this.#student(offer.studentId);
      if (student === undefined) return { ok: false, reason: 'not_found' } as const;
      if (student.state === 'suspended') return { ok: false, reason: 'conflict', message: 'the student is suspended; reinstate them before making an offer' } as const;
      const replaced = this.#cancelOffers(offer.studentId, offer.createdAt, 'replaced');
      this.#db
        .prepare(
          `INSERT INTO offers (id, student_id, configuration_id, code_hash, tx_code_mac, created_at, expires_at)
           VALUES (@id, @studentId, @configurationId, @codeHash, @txCodeMac, @createdAt, @expiresAt)`,
        )
        .run(offer);
      if (student.state === 'registered' || student.state === 'revoked') this.#setState(offer.studentId, 'offered');
      this.#audit(offer.createdAt, actor, 'offer.create', offer.studentId, { offer: offer.id, expires_at: offer.expiresAt, replaced });
      return { ok: true } as const;
    });
  }

  async redeemOffer(r: Redemption): Promise<RedeemOutcome> {
    return this.#tx((): RedeemOutcome => {
      const offer = this.#db
        .prepare('SELECT id, student_id, configuration_id, tx_code_mac, attempts, locked, expires_at, redeemed_at, cancelled_at FROM offers WHERE code_hash = ?')
        .get(r.codeHash) as OfferRow | undefined;
      if (offer === undefined) return { ok: false, reason: 'unknown' };
      const refused = offer.redeemed_at !== null ? 'used' : offer.cancelled_at !== null ? 'cancelled' : offer.locked === 1 ? 'locked' : offer.expires_at <= r.now ? 'expired' : undefined;
      if (refused !== undefined) return { ok: false, reason: refused, offerId: offer.id };
      if (offer.tx_code_mac.length !== r.txCodeMac.length || !timingSafeEqual(offer.tx_code_mac, r.txCodeMac)) {
        const counted = this.#db
          .prepare('UPDATE offers SET attempts = attempts + 1, locked = (attempts + 1 >= ?) WHERE id = ? AND locked = 0 RETURNING attempts, locked')
          .get(r.maxAttempts, offer.id) as { attempts: number; locked: number };
        const locked = counted.locked === 1;
        this.#audit(r.now, 'wallet', locked ? 'offer.locked' : 'offer.wrong_code', offer.student_id, { offer: offer.id, attempts: counted.attempts });
        return { ok: false, reason: 'wrong_tx_code', offerId: offer.id, attemptsLeft: Math.max(0, r.maxAttempts - counted.attempts), locked };
      }
      const taken = this.#db
        .prepare('UPDATE offers SET redeemed_at = ? WHERE id = ? AND redeemed_at IS NULL AND locked = 0 AND cancelled_at IS NULL')
        .run(r.now, offer.id);
      if (taken.changes !== 1) return { ok: false, reason: 'used', offerId: offer.id };
      this.#db.prepare('INSERT INTO access_tokens (token_hash, offer_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(r.token.hash, offer.id, r.now, r.token.expiresAt);
      this.#audit(r.now, 'wallet', 'offer.redeem', offer.student_id, { offer: offer.id });
      return { ok: true, offerId: offer.id, studentId: offer.student_id, configurationId: offer.configuration_id };
    });
  }

  async accessToken(hash: Buffer, now: number): Promise<AccessTokenInfo | undefined> {
    const row = this.#token(hash);
    if (row === undefined) return undefined;
    return { state: tokenState(row, now), studentId: row.student_id, configurationId: row.configuration_id };
  }

  async issueCredential(i: Issuance): Promise<IssueOutcome> {
    return this.#tx((): IssueOutcome => {
      const token = this.#token(i.tokenHash);
      if (token === undefined || tokenState(token, i.now) !== 'usable') return { ok: false, reason: 'token' };
      if (this.#db.prepare('INSERT OR IGNORE INTO used_nonces (nonce_hash, used_at) VALUES (?, ?)').run(i.nonceHash, i.now).changes !== 1) {
        return { ok: false, reason: 'nonce_used' };
      }
      if (this.#db.prepare('UPDATE access_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL').run(i.now, i.tokenHash).changes !== 1) {
        throw new MlegError('INTERNAL', 'access token taken twice in one transaction');
      }
      this.#db.prepare('UPDATE offers SET issued_at = ? WHERE id = ?').run(i.now, token.offer_id);
      const studentId = token.student_id;
      const replaced = this.#db
        .prepare("UPDATE credentials SET status = 'revoked', reason = 'device_replaced', changed_at = ? WHERE student_id = ? AND status != 'revoked' RETURNING jti, status_list")
        .all(i.now, studentId) as { jti: string; status_list: string }[];
      this.#bump(replaced.map((c) => c.status_list));
      const { name, idx } = this.#allocate(i.now);
      this.#db
        .prepare(
          `INSERT INTO credentials (jti, student_id, offer_id, configuration_id, status_list, status_idx, status, issued_at, changed_at, device_thumbprint)
           VALUES (?, ?, ?, ?, ?, ?, 'valid', ?, ?, ?)`,
        )
        .run(i.jti, studentId, token.offer_id, token.configuration_id, name, idx, i.now, i.now, i.deviceThumbprint);
      this.#setState(studentId, 'active');
      this.#audit(i.now, 'wallet', 'credential.issue', studentId, { jti: i.jti, offer: token.offer_id, status_list: name, idx });
      for (const c of replaced) this.#audit(i.now, 'wallet', 'credential.revoke', studentId, { jti: c.jti, reason: 'device_replaced' });
      return { ok: true, student: this.#student(studentId)!, statusList: name, idx, replaced: replaced.map((c) => c.jti) };
    });
  }

  async changeStatus(studentId: string, change: StatusChange, at: number, actor: Actor): Promise<{ ok: true } | Refusal> {
    return this.#tx((): { ok: true } | Refusal => {
      const student = this.#student(studentId);
      if (student === undefined) return { ok: false, reason: 'not_found' };
      const conflict = (message: string): Refusal => ({ ok: false, reason: 'conflict', message });
      let touched: { status_list: string }[];
      let detail: Record<string, unknown>;
      switch (change.change) {
        case 'suspend':
          if (student.state !== 'active') return conflict(`the student is ${student.state}; only an active student can be suspended`);
          touched = this.#db.prepare("UPDATE credentials SET status = 'suspended', reason = NULL, changed_at = ? WHERE student_id = ? AND status = 'valid' RETURNING status_list").all(at, studentId) as typeof touched;
          detail = { offers_cancelled: this.#cancelOffers(studentId, at, 'suspended') };
          this.#setState(studentId, 'suspended');
          break;
        case 'reinstate':
          if (student.state !== 'suspended') return conflict(`the student is ${student.state}; only a suspended student can be reinstated`);
          touched = this.#db.prepare("UPDATE credentials SET status = 'valid', reason = NULL, changed_at = ? WHERE student_id = ? AND status = 'suspended' RETURNING status_list").all(at, studentId) as typeof touched;
          detail = {};
          this.#setState(studentId, 'active');
          break;
        case 'revoke':
          if (student.state === 'revoked') return conflict('the student is revoked already');
          touched = this.#db.prepare("UPDATE credentials SET status = 'revoked', reason = ?, changed_at = ? WHERE student_id = ? AND status != 'revoked' RETURNING status_list").all(change.reason, at, studentId) as typeof touched;
          detail = { reason: change.reason, offers_cancelled: this.#cancelOffers(studentId, at, 'revoked') };
          this.#setState(studentId, 'revoked');
          break;
      }
      this.#bump(touched.map((c) => c.status_list));
      this.#audit(at, actor, `student.${change.change}`, studentId, { ...detail, credentials: touched.length });
      return { ok: true };
    });
  }

  async eraseStudent(studentId: string, at: number, actor: Actor): Promise<{ ok: true } | Refusal> {
    const erased = this.#tx((): { ok: true } | Refusal => {
      if (this.#student(studentId) === undefined) return { ok: false, reason: 'not_found' };
      const revoked = this.#db
        .prepare("UPDATE credentials SET status = 'revoked', reason = 'erased', changed_at = ? WHERE student_id = ? AND status != 'revoked' RETURNING status_list")
        .all(at, studentId) as { status_list: string }[];
      this.#bump(revoked.map((c) => c.status_list));
      const kept = this.#db.prepare('UPDATE credentials SET student_id = NULL, offer_id = NULL, device_thumbprint = NULL WHERE student_id = ?').run(studentId).changes;
      this.#db.prepare('DELETE FROM students WHERE id = ?').run(studentId);
      this.#audit(at, actor, 'student.erase', studentId, { credentials_revoked: revoked.length, credentials_kept: kept });
      return { ok: true };
    });
    // The pages as they were before the erasure may still be in the write-ahead log: copied over and the log emptied.
    if (erased.ok) this.#db.pragma('wal_checkpoint(TRUNCATE)');
    return erased;
  }

  async statusList(name: string): Promise<StatusListEntries | undefined> {
    const list = this.#db.prepare('SELECT name, size, version, last_iat FROM status_lists WHERE name = ?').get(name) as
      | { name: string; size: number; version: number; last_iat: number | null }
      | undefined;
    if (list === undefined) return undefined;
    const rows = this.#db.prepare("SELECT status_idx, status FROM credentials WHERE status_list = ? AND status != 'valid'").all(name) as { status_idx: number; status: CredentialStatus }[];
    return { name: list.name, bits: 2, size: list.size, version: list.version, lastIat: list.last_iat, entries: new Map(rows.map((r) => [r.status_idx, STATUS_VALUE[r.status]])) };
  }

  async statusListVersion(name: string): Promise<number | undefined> {
    return (this.#db.prepare('SELECT version FROM status_lists WHERE name = ?').get(name) as { version: number } | undefined)?.version;
  }

  async statusListNames(): Promise<string[]> {
    return (this.#db.prepare('SELECT name FROM status_lists ORDER BY seq').all() as { name: string }[]).map((r) => r.name);
  }

  async recordSignedIat(name: string, iat: number): Promise<void> {
    this.#db.prepare('UPDATE status_lists SET last_iat = max(coalesce(last_iat, 0), ?) WHERE name = ?').run(iat, name);
  }

  async audit(studentId: string): Promise<AuditEntry[]> {
    const rows = this.#db.prepare('SELECT at, actor, action, student_id, detail FROM audit WHERE student_id = ? ORDER BY seq').all(studentId) as (Omit<AuditEntry, 'detail'> & { detail: string | null })[];
    return rows.map((r) => ({ ...r, detail: r.detail === null ? null : (JSON.parse(r.detail) as Record<string, unknown>) }));
  }

  async counts(): Promise<StoreCounts> {
    const students = Object.fromEntries(STUDENT_STATES.map((s) => [s, 0])) as Record<StudentState, number>;
    for (const r of this.#db.prepare('SELECT state, count(*) AS n FROM students GROUP BY state').all() as { state: StudentState; n: number }[]) students[r.state] = r.n;
    const credentials: Record<CredentialStatus, number> = { valid: 0, suspended: 0, revoked: 0 };
    for (const r of this.#db.prepare('SELECT status, count(*) AS n FROM credentials GROUP BY status').all() as { status: CredentialStatus; n: number }[]) credentials[r.status] = r.n;
    const lists = (this.#db.prepare('SELECT name, size, next_idx AS used FROM status_lists ORDER BY seq').all() as StoreCounts['lists']);
    return { students, credentials, lists };
  }

  async prune(before: number): Promise<void> {
    this.#tx(() => {
      this.#db.prepare('DELETE FROM used_nonces WHERE used_at < ?').run(before);
      this.#db.prepare('DELETE FROM access_tokens WHERE expires_at < ?').run(before);
    });
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #tx<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }

  #student(id: string): Student | undefined {
    const row = this.#db.prepare('SELECT * FROM students WHERE id = ?').get(id) as StudentRow | undefined;
    return row === undefined ? undefined : toStudent(row);
  }

  #token(hash: Buffer): TokenRow | undefined {
    return this.#db
      .prepare(
        `SELECT t.offer_id, t.expires_at, t.used_at, o.cancelled_at, o.student_id, o.configuration_id
         FROM access_tokens t JOIN offers o ON o.id = t.offer_id WHERE t.token_hash = ?`,
      )
      .get(hash) as TokenRow | undefined;
  }

  #setState(studentId: string, state: StudentState): void {
    this.#db.prepare('UPDATE students SET state = ? WHERE id = ?').run(state, studentId);
  }

  /** Cancels the student's offers that have not given a credential (their access tokens die with them). */
  #cancelOffers(studentId: string, at: number, reason: string): number {
    return this.#db.prepare('UPDATE offers SET cancelled_at = ?, cancel_reason = ? WHERE student_id = ? AND cancelled_at IS NULL AND issued_at IS NULL').run(at, reason, studentId).changes;
  }

  /** The next free index of the newest status list, or of a new list when it is full. */
  #allocate(now: number): { name: string; idx: number } {
    let list = this.#db.prepare('SELECT name, size, next_idx FROM status_lists ORDER BY seq DESC LIMIT 1').get() as { name: string; size: number; next_idx: number };
    if (list.next_idx >= list.size) list = { name: this.#newList(now), size: this.#listSize, next_idx: 0 };
    const { idx } = this.#db.prepare('UPDATE status_lists SET next_idx = next_idx + 1 WHERE name = ? RETURNING next_idx - 1 AS idx').get(list.name) as { idx: number };
    return { name: list.name, idx };
  }

  /** Lists are named "1", "2", … in the order they are started. */
  #newList(now: number): string {
    const { n } = this.#db.prepare('SELECT count(*) AS n FROM status_lists').get() as { n: number };
    const name = String(n + 1);
    this.#db.prepare('INSERT INTO status_lists (name, bits, size, created_at) VALUES (?, 2, ?, ?)').run(name, this.#listSize, now);
    return name;
  }

  #bump(lists: string[]): void {
    const bump = this.#db.prepare('UPDATE status_lists SET version = version + 1 WHERE name = ?');
    for (const name of new Set(lists)) bump.run(name);
  }

  #audit(at: number, actor: Actor, action: string, studentId: string | null, detail: Record<string, unknown> | null): void {
    this.#db.prepare('INSERT INTO audit (at, actor, action, student_id, detail) VALUES (?, ?, ?, ?, ?)').run(at, actor, action, studentId, detail === null ? null : JSON.stringify(detail));
  }
}

function toStudent(r: StudentRow): Student {
  return {
    id: r.id,
    given_name: r.given_name,
    family_name: r.family_name,
    birthdate: r.birthdate,
    doc: r.doc,
    doc_no: r.doc_no,
    valid_until: r.valid_until,
    org: r.org_name === null || r.org_id === null ? null : { name: r.org_name, id: r.org_id },
    state: r.state,
    created_at: r.created_at,
  };
}

function tokenState(t: TokenRow, now: number): AccessTokenInfo['state'] {
  return t.used_at !== null ? 'used' : t.cancelled_at !== null ? 'cancelled' : t.expires_at <= now ? 'expired' : 'usable';
}
