/**
 * The school's administration API (SPEC 10) under /admin/v1, behind the bearer token of
 * `admin.token` (401 without it, 403 with a wrong one): students, offers with their
 * activation code, suspension, reinstatement, revocation, erasure, and each student's audit
 * trail. Answers carry the school's own records; log lines carry only ids.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { requireAdminToken } from '../http/bearer-auth.js';
import { errorReplies } from '../http/schemas.js';
import { dayInPoland, endOfDayInPoland } from '../issuer/valid-until.js';
import { isPlainObject } from '../jws/compact.js';
import type { IssuanceContext } from './context.js';
import { sendError } from '../http/http-errors.js';
import { offerConfiguration } from './credential-formats.js';
import { credentialOffer, newId, newSecretCode, newTxCode, offerLinks, sha256, txCodeMac } from './offers.js';
import { REVOKE_REASONS, STUDENT_STATES, type Refusal, type RevokeReason, type StatusChange, type StudentState } from './store.js';
import { parseStudentData } from './student-record.js';
import { studentSchema, studentSummary, studentSummarySchema, studentView } from './student-view.js';

export interface AdminRoutesOptions extends IssuanceContext {
  token: string;
}

const ACTOR = 'admin';
const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
const tags = ['administration'];
const security = [{ adminToken: [] }];

export const adminRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (app, o) => {
  const { store, config, clock, keys, metrics } = o;
  requireAdminToken(app, o.token, 'mleg issuer admin');
  // JSON only; a POST without a body (…/suspend) is fine, with or without a JSON content type.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => (body === '' ? done(null, undefined) : json(request, body as string, done)));
  app.addSchema(studentSummarySchema);
  app.addSchema(studentSchema);

  const refused = (reply: FastifyReply, r: Refusal, id: string) =>
    r.reason === 'not_found' ? sendError(reply, 'NOT_FOUND', `no student ${id}`) : sendError(reply, 'CONFLICT', r.message);
  const invalid = (reply: FastifyReply, field: string, message: string) => reply.code(400).send({ error: 'BODY_INVALID', message, ...(field === '' ? {} : { field }) });
  const view = async (reply: FastifyReply, id: string) => {
    const record = await store.getStudent(id, clock());
    return record === undefined ? sendError(reply, 'NOT_FOUND', `no student ${id}`) : studentView(record, config.issuer.url);
  };

  app.post(
    '/students',
    { schema: { summary: 'Register a student', tags, security, response: { 201: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }, ...errorReplies(400, 401, 403, 409) } } },
    async (request, reply) => {
      const now = clock();
      const parsed = parseStudentData(request.body, dayInPoland(Math.floor(now / 1000)));
      if (!parsed.ok) return invalid(reply, parsed.field, parsed.reason);
      const created = await store.createStudent(parsed.value, now, ACTOR);
      if (!created.ok) return refused(reply, created, '');
      request.log.info({ student: created.student.id, doc: created.student.doc }, 'student registered');
      return reply.code(201).send({ id: created.student.id });
    },
  );

  app.get<{ Querystring: Record<string, string> }>(
    '/students',
    {
      schema: {
        summary: 'Students, a page at a time: ?state=…&q=…&limit=…&cursor=…',
        tags,
        security,
        querystring: { type: 'object', properties: { state: { type: 'string' }, q: { type: 'string' }, limit: { type: 'string' }, cursor: { type: 'string' } } },
        response: {
          200: { type: 'object', additionalProperties: false, required: ['students', 'next'], properties: { students: { type: 'array', items: { $ref: 'studentSummary#' } }, next: { type: ['string', 'null'] } } },
          ...errorReplies(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const { state, q, limit = '50', cursor } = request.query;
      if (state !== undefined && !(STUDENT_STATES as readonly string[]).includes(state)) return invalid(reply, 'state', `"state" must be one of ${STUDENT_STATES.join(', ')}`);
      if (q !== undefined && (q.length === 0 || q.length > 100)) return invalid(reply, 'q', '"q" must be 1 to 100 characters');
      if (!/^\d{1,3}$/.test(limit) || Number(limit) < 1 || Number(limit) > 200) return invalid(reply, 'limit', '"limit" must be a whole number from 1 to 200');
      if (cursor !== undefined && !/^\d{1,15}$/.test(cursor)) return invalid(reply, 'cursor', '"cursor" must be the "next" of an earlier page');
      const page = await store.listStudents({ ...(state !== undefined ? { state: state as StudentState } : {}), ...(q !== undefined ? { q } : {}), limit: Number(limit), ...(cursor !== undefined ? { after: cursor } : {}) });
      return { students: page.students.map(studentSummary), next: page.next };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/students/:id',
    { schema: { summary: 'A student, their credentials and open offer', tags, security, params: idParams, response: { 200: { $ref: 'student#' }, ...errorReplies(401, 403, 404) } } },
    async (request, reply) => view(reply, request.params.id),
  );

  app.post<{ Params: { id: string } }>(
    '/students/:id/offer',
    {
      schema: {
        summary: 'Make a credential offer and its activation code (shown here once); replaces the student\'s unredeemed offer',
        tags,
        security,
        params: idParams,
        response: {
          201: {
            type: 'object',
            required: ['offer', 'offer_url', 'tx_code', 'expires_at'],
            properties: { offer: { type: 'string' }, offer_url: { type: 'string' }, tx_code: { type: 'string' }, expires_at: { type: 'string', format: 'date-time' }, offer_id: { type: 'string' }, configuration_id: { type: 'string' } },
          },
          ...errorReplies(401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const now = clock();
      const student = await store.getStudent(id, now);
      if (student === undefined) return sendError(reply, 'NOT_FOUND', `no student ${id}`);
      if (endOfDayInPoland(student.valid_until) * 1000 <= now) return sendError(reply, 'CONFLICT', `the student's valid_until (${student.valid_until}) has passed`);
      const configurationId = offerConfiguration(student.doc);
      const code = newSecretCode();
      const txCode = newTxCode();
      const codeHash = sha256(code);
      const offerId = newId();
      const expiresAt = now + config.activation.offerTtlSeconds * 1000;
      const made = await store.createOffer({ id: offerId, studentId: id, configurationId, codeHash, txCodeMac: txCodeMac(keys.txCode, codeHash, txCode), createdAt: now, expiresAt }, ACTOR);
      if (!made.ok) return refused(reply, made, id);
      request.log.info({ student: id, offer: offerId }, 'offer made');
      const links = offerLinks(credentialOffer(config.issuer.url, configurationId, code, config.activation.txCodeDescription));
      return reply.code(201).send({ ...links, tx_code: txCode, expires_at: new Date(expiresAt).toISOString(), offer_id: offerId, configuration_id: configurationId });
    },
  );

  const change = (path: string, summary: string, parse: (body: unknown) => StatusChange | { field: string; message: string }) =>
    app.post<{ Params: { id: string } }>(
      `/students/:id/${path}`,
      { schema: { summary, tags, security, params: idParams, response: { 200: { $ref: 'student#' }, ...errorReplies(400, 401, 403, 404, 409) } } },
      async (request, reply) => {
        const parsed = parse(request.body);
        if (!('change' in parsed)) return invalid(reply, parsed.field, parsed.message);
        const id = request.params.id;
        const done = await store.changeStatus(id, parsed, clock(), ACTOR);
        if (!done.ok) return refused(reply, done, id);
        metrics.recordStatusChange(parsed.change);
        request.log.info({ student: id, change: parsed.change, reason: parsed.change === 'revoke' ? parsed.reason : undefined }, 'student status changed');
        return view(reply, id);
      },
    );
  change('revoke', 'Revoke the student\'s credentials (and withdraw an open offer); the status list changes at once', (body) => {
    const reason = isPlainObject(body) ? body.reason : undefined;
    if (typeof reason !== 'string' || !(REVOKE_REASONS as readonly string[]).includes(reason)) return { field: 'reason', message: `"reason" must be one of ${REVOKE_REASONS.join(', ')}` };
    return { change: 'revoke', reason: reason as RevokeReason };
  });
  change('suspend', 'Suspend an active student\'s credentials (and withdraw an open offer)', () => ({ change: 'suspend' }));
  change('reinstate', 'Reinstate a suspended student\'s credentials', () => ({ change: 'reinstate' }));

  app.delete<{ Params: { id: string } }>(
    '/students/:id',
    {
      schema: {
        summary: 'Erase a student\'s record (RODO art. 17): their credentials stay revoked in the status lists, nothing personal is kept',
        tags,
        security,
        params: idParams,
        response: { 200: { type: 'object', properties: { id: { type: 'string' }, erased: { type: 'boolean' } } }, ...errorReplies(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const done = await store.eraseStudent(id, clock(), ACTOR);
      if (!done.ok) return refused(reply, done, id);
      request.log.info({ student: id }, 'student erased');
      return { id, erased: true };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/students/:id/audit',
    {
      schema: {
        summary: 'Who did what to this student, when (kept after an erasure, without personal data)',
        tags,
        security,
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: {
              entries: {
                type: 'array',
                items: { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, actor: { type: 'string' }, action: { type: 'string' }, detail: { type: ['object', 'null'], additionalProperties: true } } },
              },
            },
          },
          ...errorReplies(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const entries = await store.audit(request.params.id);
      if (entries.length === 0) return sendError(reply, 'NOT_FOUND', `no student ${request.params.id}`);
      return { entries: entries.map((e) => ({ at: new Date(e.at).toISOString(), actor: e.actor, action: e.action, detail: e.detail })) };
    },
  );
};
