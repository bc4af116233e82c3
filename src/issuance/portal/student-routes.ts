/**
 * The dashboard and the students' pages: the list, adding one, a student's page, their
 * activation letter, suspending / reinstating / revoking (confirmed first), and a class's
 * letters. Every change goes through the same operations as the administration API
 * (src/issuance/student-operations.ts), with the operator's name as the audit's actor.
 */
import type { FastifyInstance } from 'fastify';
import { REVOKE_REASONS, STUDENT_STATES, type RevokeReason, type Student, type StudentState } from '../store.js';
import { changeStudentStatus, defaultOrg, registerStudent } from '../student-operations.js';
import { FormBody } from './forms.js';
import { PORTAL_PATH } from './layout.js';
import { batchSkip, makeLetter } from './offer-letters.js';
import { confirmChangePage, confirmLettersPage, type Change } from './pages/confirm.js';
import { dashboardPage } from './pages/dashboard.js';
import { lettersPage, type Letter } from './pages/letters.js';
import { FORM_FIELDS, newStudentPage, type FormField } from './pages/student-form.js';
import { studentPage } from './pages/student.js';
import { studentsPage } from './pages/students.js';
import type { Portal } from './portal.js';
import { ruleText, texts, type Lang } from './texts.js';

const PAGE_SIZE = 25;
const EXPIRING_MS = 3 * 24 * 3600_000;
/** Students in one class's batch of letters. */
const MAX_BATCH = 200;
const ID = /^[A-Za-z0-9_-]{22}$/;
const NEW_PATH = `${PORTAL_PATH}/students/new`;

type IdParams = { Params: { id: string } };

const formOf = (body: unknown) => (body instanceof FormBody ? body : new FormBody([]));

export function studentRoutes(app: FastifyInstance, portal: Portal): void {
  const { ctx } = portal;
  const { store, clock } = ctx;

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const now = clock();
    const [counts, expiring, lists] = await Promise.all([store.counts(), portal.store.expiringOffers(now, now + EXPIRING_MS, 50), portal.store.statusLists()]);
    return portal.sendPage(reply, 200, dashboardPage(portal.view(request), { counts, expiring, lists }));
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/students', { schema: { hide: true } }, async (request, reply) => {
    const s = texts(request.portal!.lang).students;
    const q = (request.query.q ?? '').trim();
    const state = (STUDENT_STATES as readonly string[]).includes(request.query.state ?? '') ? (request.query.state as StudentState) : undefined;
    const after = /^\d{1,15}$/.test(request.query.after ?? '') ? request.query.after : undefined;
    const problem = q.length > 100 ? s.qTooLong : request.query.after !== undefined && after === undefined ? s.badCursor : undefined;
    const page = await store.listStudents({ ...(state === undefined ? {} : { state }), ...(q === '' || q.length > 100 ? {} : { q }), limit: PAGE_SIZE, ...(after === undefined ? {} : { after }) });
    const body = studentsPage(portal.view(request), { students: page.students, q, state: state ?? '', next: page.next, paged: after !== undefined, ...(problem === undefined ? {} : { problem }) });
    return portal.sendPage(reply, problem === undefined ? 200 : 400, body);
  });

  app.get('/students/new', { schema: { hide: true } }, async (request, reply) => portal.sendPage(reply, 200, newStudentPage(portal.view(request), { values: {}, errors: {} })));

  app.post('/students', { schema: { hide: true } }, async (request, reply) => {
    const form = formOf(request.body);
    const lang = request.portal!.lang;
    const values = Object.fromEntries(FORM_FIELDS.map((f) => [f, form.get(f) ?? ''])) as Record<FormField, string>;
    const { 'org.name': orgName, 'org.id': orgId, ...fields } = values;
    // The record as the API takes it: the school only when the form names one.
    const record = { ...fields, ...(orgName.trim() === '' && orgId.trim() === '' ? {} : { org: { name: orgName, id: orgId } }) };
    const created = await registerStudent(ctx, record, portal.operator(request), request.log);
    if (created.ok) return reply.redirect(`${PORTAL_PATH}/students/${created.student.id}?done=registered`, 303);
    const t = texts(lang);
    if (created.reason === 'invalid') {
      const f = created.failure;
      const field = ((FORM_FIELDS as readonly string[]).includes(f.field) ? f.field : f.field === 'org' ? 'org.name' : 'given_name') as FormField;
      return portal.sendPage(reply, 400, newStudentPage(portal.view(request, { path: NEW_PATH }), { values, errors: { [field]: ruleText(lang, f.rule, f.limit) }, problem: t.add.errors }));
    }
    return portal.sendPage(reply, 409, newStudentPage(portal.view(request, { path: NEW_PATH }), { values, errors: { doc_no: t.add.exists }, problem: t.add.errors }));
  });

  const showStudent = async (request: Parameters<Portal['view']>[0], id: string, status: number, extra: { done?: string; reasonMissing?: boolean }) => {
    const student = ID.test(id) ? await store.getStudent(id, clock()) : undefined;
    if (student === undefined) return undefined;
    const audit = await store.audit(id);
    return { status, page: studentPage(portal.view(request, status === 200 ? {} : { switchHref: null }), { student, audit, school: defaultOrg(ctx), ...extra }) };
  };

  app.get<IdParams & { Querystring: { done?: string } }>('/students/:id', { schema: { hide: true } }, async (request, reply) => {
    const shown = await showStudent(request, request.params.id, 200, request.query.done === undefined ? {} : { done: request.query.done });
    if (shown === undefined) return portal.refuse(request, reply, 'NOT_FOUND', texts(request.portal!.lang).student.notFound);
    return portal.sendPage(reply, shown.status, shown.page);
  });

  // The letter is this answer: made now, shown once, never kept or served again.
  app.post<IdParams>('/students/:id/letter', { schema: { hide: true } }, async (request, reply) => {
    const id = request.params.id;
    const lang: Lang = formOf(request.body).get('letter_lang') === 'en' ? 'en' : 'pl';
    const made = ID.test(id) ? await makeLetter(ctx, id, portal.operator(request), request.log) : ({ ok: false, reason: 'not_found' } as const);
    if (!made.ok) return made.reason === 'not_found' ? portal.refuse(request, reply, 'NOT_FOUND', texts(request.portal!.lang).student.notFound) : portal.refuse(request, reply, 'CONFLICT', made.message);
    const back = { href: `${PORTAL_PATH}/students/${id}`, label: texts(request.portal!.lang).letter.back };
    return portal.sendPage(reply, 200, lettersPage(portal.view(request), { letters: [made], lang, back }));
  });

  app.post<IdParams>('/students/:id/status', { schema: { hide: true } }, async (request, reply) => {
    const id = request.params.id;
    const form = formOf(request.body);
    const action = form.get('action');
    const student = ID.test(id) ? await store.getStudent(id, clock()) : undefined;
    if (student === undefined) return portal.refuse(request, reply, 'NOT_FOUND', texts(request.portal!.lang).student.notFound);
    if (action !== 'suspend' && action !== 'reinstate' && action !== 'revoke') return portal.refuse(request, reply, 'BODY_INVALID', '"action" must be suspend, reinstate or revoke');
    const reason = form.get('reason');
    if (action === 'revoke' && !(REVOKE_REASONS as readonly string[]).includes(reason ?? '')) {
      const shown = (await showStudent(request, id, 400, { reasonMissing: true }))!;
      return portal.sendPage(reply, shown.status, shown.page);
    }
    const change = action as Change;
    const why = action === 'revoke' ? (reason as RevokeReason) : undefined;
    if (form.get('confirm') !== 'yes') return portal.sendPage(reply, 200, confirmChangePage(portal.view(request), { student, change, ...(why === undefined ? {} : { reason: why }) }));
    const done = await changeStudentStatus(ctx, id, why === undefined ? { change: change as 'suspend' | 'reinstate' } : { change: 'revoke', reason: why }, portal.operator(request), request.log);
    if (!done.ok) return done.reason === 'not_found' ? portal.refuse(request, reply, 'NOT_FOUND', texts(request.portal!.lang).student.notFound) : portal.refuse(request, reply, 'CONFLICT', done.message);
    return reply.redirect(`${PORTAL_PATH}/students/${id}?done=${action}`, 303);
  });

  // A class's letters: the students ticked on the list, or a confirmed import; confirmed first, then made and printed.
  app.post('/letters', { schema: { hide: true } }, async (request, reply) => {
    const form = formOf(request.body);
    const t = texts(request.portal!.lang);
    const ids = [...new Set(form.all('id'))].filter((id) => ID.test(id)).slice(0, MAX_BATCH);
    const give: Student[] = [];
    const skipped: { label: string; why: string }[] = [];
    for (const id of ids) {
      const student = await store.getStudent(id, clock());
      const skip = student === undefined ? 'missing' : batchSkip(student);
      if (student !== undefined && skip === undefined) give.push(student);
      else skipped.push({ label: student === undefined ? id : `${student.family_name} ${student.given_name}`, why: t.skipped[skip!]! });
    }
    if (ids.length === 0) return portal.refuse(request, reply, 'BODY_INVALID', t.confirm.noneSelected);
    if (form.get('confirm') !== 'yes' || give.length === 0) return portal.sendPage(reply, 200, confirmLettersPage(portal.view(request), { give, skipped }));
    const letters: Letter[] = [];
    for (const student of give) {
      const made = await makeLetter(ctx, student.id, portal.operator(request), request.log);
      if (made.ok) letters.push(made);
      else skipped.push({ label: `${student.family_name} ${student.given_name}`, why: made.reason === 'not_found' ? t.skipped.missing! : t.skipped.expired! });
    }
    request.log.info({ letters: letters.length, skipped: skipped.length }, 'portal class letters made');
    const lang: Lang = form.get('letter_lang') === 'en' ? 'en' : request.portal!.lang;
    return portal.sendPage(reply, 200, lettersPage(portal.view(request), { letters, lang, skipped, back: { href: `${PORTAL_PATH}/students`, label: t.letter.backList } }));
  });
}
