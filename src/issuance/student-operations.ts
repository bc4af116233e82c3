/**
 * What the school does to a student — register, make an offer, suspend, reinstate, revoke —
 * as the administration API and the portal both call it, each naming its actor for the
 * audit table (`admin`, or an operator's name). The rules live in the store; this adds what
 * goes around them: the day in Poland, the offer's codes and links, the metrics, a log line
 * with ids only.
 */
import type { FastifyBaseLogger } from 'fastify';
import { dayInPoland, endOfDayInPoland } from '../issuer/valid-until.js';
import type { IssuanceContext } from './context.js';
import { offerConfiguration } from './credential-formats.js';
import { credentialOffer, newId, newSecretCode, newTxCode, offerLinks, sha256, txCodeMac } from './offers.js';
import type { Actor, Refusal, StatusChange, Student } from './store.js';
import { parseStudentData, type StudentDataFailure } from './student-record.js';

export type OperationsContext = Pick<IssuanceContext, 'store' | 'config' | 'clock' | 'keys' | 'metrics'>;

/** The school a credential names when the student's record has none: `issuer.org`, else the issuer key's name and iss. */
export function defaultOrg(ctx: Pick<IssuanceContext, 'config' | 'issuer'>): { name: string; id: string } {
  return ctx.config.issuer.org ?? { name: ctx.issuer.name ?? ctx.issuer.iss, id: ctx.issuer.iss };
}

export interface MadeOffer {
  /** `openid-credential-offer://?credential_offer=…` */
  offer: string;
  /** The same offer as this service's https:// page. */
  offer_url: string;
  /** The activation code, in clear only here: shown once, stored as an HMAC. */
  tx_code: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  offerId: string;
  configurationId: string;
}

/** Checks a record as the API takes it (`body`, untrusted) and registers the student. */
export async function registerStudent(
  ctx: OperationsContext,
  body: unknown,
  actor: Actor,
  log: FastifyBaseLogger,
): Promise<{ ok: true; student: Student } | { ok: false; reason: 'invalid'; failure: StudentDataFailure } | Refusal> {
  const now = ctx.clock();
  const parsed = parseStudentData(body, dayInPoland(Math.floor(now / 1000)));
  if (!parsed.ok) return { ok: false, reason: 'invalid', failure: parsed };
  const created = await ctx.store.createStudent(parsed.value, now, actor);
  if (created.ok) log.info({ student: created.student.id, doc: created.student.doc, actor: actorKind(actor) }, 'student registered');
  return created;
}

/** A new offer for the student (replacing their unredeemed one), with its activation code. */
export async function makeOffer(ctx: OperationsContext, studentId: string, actor: Actor, log: FastifyBaseLogger): Promise<({ ok: true } & MadeOffer) | Refusal> {
  const { store, config, keys } = ctx;
  const now = ctx.clock();
  const student = await store.getStudent(studentId, now);
  if (student === undefined) return { ok: false, reason: 'not_found' };
  if (endOfDayInPoland(student.valid_until) * 1000 <= now) return { ok: false, reason: 'conflict', message: `the student's valid_until (${student.valid_until}) has passed` };
  const configurationId = offerConfiguration(student.doc);
  const code = newSecretCode();
  const txCode = newTxCode();
  const codeHash = sha256(code);
  const offerId = newId();
  const expiresAt = now + config.activation.offerTtlSeconds * 1000;
  const made = await store.createOffer({ id: offerId, studentId, configurationId, codeHash, txCodeMac: txCodeMac(keys.txCode, codeHash, txCode), createdAt: now, expiresAt }, actor);
  if (!made.ok) return made;
  log.info({ student: studentId, offer: offerId, actor: actorKind(actor) }, 'offer made');
  const links = offerLinks(credentialOffer(config.issuer.url, configurationId, code, config.activation.txCodeDescription));
  return { ok: true, ...links, tx_code: txCode, expiresAt, offerId, configurationId };
}

/** Suspends, reinstates or revokes; the published status list changes at once. */
export async function changeStudentStatus(ctx: OperationsContext, studentId: string, change: StatusChange, actor: Actor, log: FastifyBaseLogger): Promise<{ ok: true } | Refusal> {
  const done = await ctx.store.changeStatus(studentId, change, ctx.clock(), actor);
  if (!done.ok) return done;
  ctx.metrics.recordStatusChange(change.change);
  log.info({ student: studentId, change: change.change, reason: change.change === 'revoke' ? change.reason : undefined, actor: actorKind(actor) }, 'student status changed');
  return done;
}

/** For log lines: which door an action came through, not who (an operator's name stays in the audit table). */
function actorKind(actor: Actor): string {
  return actor === 'admin' ? 'admin' : 'portal';
}
