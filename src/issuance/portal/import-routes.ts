/**
 * Importing a class from CSV: upload → a preview with each row's check, held server-side
 * under a one-time id (nothing written) → the operator confirms → each good row registered
 * through the same operation as the API's POST /students. A row whose document number
 * appears earlier in the file or in the database is reported, not written; a confirmation
 * posted twice finds its preview gone and writes nothing.
 */
import type { FastifyInstance } from 'fastify';
import { dayInPoland } from '../../issuer/valid-until.js';
import type { Student } from '../store.js';
import { registerStudent } from '../student-operations.js';
import { decodeCsv, MAX_ROWS, planImport, type ImportRow } from './csv-import.js';
import { FormBody } from './forms.js';
import { importDonePage, importFormPage, importPreviewPage } from './pages/import.js';
import type { Portal } from './portal.js';
import { texts } from './texts.js';

/** A class's export is a few kilobytes; 2 000 rows of long names fit in 2 MiB. */
const UPLOAD_LIMIT = 2 * 1024 * 1024;

export function importRoutes(app: FastifyInstance, portal: Portal): void {
  const { ctx } = portal;
  const sessionKey = (request: Parameters<Portal['view']>[0]) => request.portal!.session!.hash.toString('hex');

  app.get('/import', { schema: { hide: true } }, async (request, reply) => portal.sendPage(reply, 200, importFormPage(portal.view(request), {})));

  app.post('/import', { bodyLimit: UPLOAD_LIMIT, schema: { hide: true } }, async (request, reply) => {
    const t = texts(request.portal!.lang).import;
    const form = request.body instanceof FormBody ? request.body : new FormBody([]);
    const file = form.file('csv');
    const pasted = form.get('text') ?? '';
    const problem = (text: string) => portal.sendPage(reply, 400, importFormPage(portal.view(request, { switchHref: null }), { problem: text }));
    if (file === undefined && pasted.trim() === '') return problem(t.noFile);
    const text = file === undefined ? pasted : decodeCsv(file.bytes);
    const plan = await planImport(text, dayInPoland(Math.floor(ctx.clock() / 1000)), (docNos) => portal.store.registeredDocNos(docNos));
    if (!plan.ok) {
      request.log.info({ problem: plan.problem }, 'portal import refused');
      return problem(plan.problem === 'missing_columns' ? t.missingColumns(plan.columns.join(', ')) : plan.problem === 'empty' ? t.empty : t.tooMany(MAX_ROWS));
    }
    const previewId = portal.previews.put(sessionKey(request), { rows: plan.rows, ignored: plan.ignored }, ctx.clock());
    request.log.info({ rows: plan.rows.length, good: plan.rows.filter((r) => r.outcome.ok).length, ignoredColumns: plan.ignored.length }, 'portal import previewed');
    return portal.sendPage(reply, 200, importPreviewPage(portal.view(request), { rows: plan.rows, ignored: plan.ignored, previewId }));
  });

  app.post<{ Params: { id: string } }>('/import/:id', { schema: { hide: true } }, async (request, reply) => {
    const preview = portal.previews.take(request.params.id, sessionKey(request), ctx.clock());
    if (preview === undefined) return portal.refuse(request, reply, 'CONFLICT', texts(request.portal!.lang).import.gone);
    const registered: Student[] = [];
    const skipped: ImportRow[] = [];
    for (const row of preview.rows) {
      if (!row.outcome.ok) continue;
      const created = await registerStudent(ctx, row.record, portal.operator(request), request.log);
      if (created.ok) registered.push(created.student);
      else skipped.push(row);
    }
    request.log.info({ registered: registered.length, skipped: skipped.length }, 'portal import confirmed');
    return portal.sendPage(reply, 200, importDonePage(portal.view(request, { switchHref: null }), { registered, skipped }));
  });
}
