/**
 * Making activation letters: a new offer for each student (src/issuance/student-operations.ts,
 * as the API makes it), the offer's https:// link drawn as a QR code (an inline SVG from the
 * qrcode package: no image to fetch), and who may get one in a class's batch.
 */
import type { FastifyBaseLogger } from 'fastify';
import QRCode from 'qrcode';
import type { IssuanceContext } from '../context.js';
import type { Actor, Refusal, Student, StudentState } from '../store.js';
import { defaultOrg, makeOffer } from '../student-operations.js';
import type { Letter } from './pages/letters.js';

/** Error correction M, as the wallet's codes; a 4-module quiet zone. */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}

export async function makeLetter(ctx: IssuanceContext, studentId: string, actor: Actor, log: FastifyBaseLogger): Promise<({ ok: true } & Letter) | Refusal> {
  const made = await makeOffer(ctx, studentId, actor, log);
  if (!made.ok) return made;
  const student = await ctx.store.getStudent(studentId, ctx.clock());
  if (student === undefined) return { ok: false, reason: 'not_found' };
  return { ok: true, student, school: (student.org ?? defaultOrg(ctx)).name, txCode: made.tx_code, expiresAt: made.expiresAt, qrSvg: await qrSvg(made.offer_url) };
}

/**
 * Whether a class's batch makes this student a letter: those who have none yet or whose
 * letter has not been used. An active ID (a new phone), a revoked one (a new start) or a
 * suspended one is the student's own page's business, one at a time.
 */
export function batchSkip(student: Student): StudentState | undefined {
  return student.state === 'registered' || student.state === 'offered' ? undefined : student.state;
}
