import t from 'tap';
import { censorPersonal, createLogger } from '../../src/logger.js';
import { auditedSink } from '../helpers/log-audit.js';
import { STUDENT, World } from '../helpers/world.js';

t.test('a whole result, a payload or a request body logged at trace level comes out redacted', async (t) => {
  const w = new World();
  t.teardown(() => w.close());
  const payload = w.present();
  const result = w.verify(payload);
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('trace', auditedSink((l) => lines.push(l)));
  log.trace({ result }, 'a careless whole result');
  log.debug({ payload, body: { payload } }, 'a careless payload');
  log.info({ scan: { scanner: 'gate-1', result } }, 'a careless event');
  log.info({ given_name: STUDENT.given_name, holder: result.holder }, 'careless fields');
  log.flush();
  t.equal(lines.length, 4);
  const text = JSON.stringify(lines);
  for (const secret of [STUDENT.given_name, STUDENT.family_name, STUDENT.birthdate, STUDENT.doc_no, payload.slice(0, 40), 'MLEG1:']) {
    t.notOk(text.includes(secret), `${secret.slice(0, 20)} is not in the log`);
  }
  t.match(lines[0], { result: { verdict: 'VALID', holder: '[redacted]', credential: { doc_no: '[redacted]', issuer: 'PL-TEST' } } }, 'what is not personal stays readable');
  t.match(lines[2], { scan: { scanner: 'gate-1', result: { holder: '[redacted]', verdict: 'VALID' } } });
});

t.test('personal fields are censored at any depth, in lines and in child loggers, and nothing else is touched', async (t) => {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('info', auditedSink((l) => lines.push(l)));
  const deep = { a: { b: { c: { d: { e: { birthdate: STUDENT.birthdate, kept: 1 } } } } } };
  const logged = { results: [{ verdict: 'VALID', holder: { given_name: STUDENT.given_name } }, 'text', 7], deep };
  log.info(logged, 'nested');
  log.child({ body: { payload: 'MLEG1:x' }, lane: 'gate-1' }).info({ ms: 1 }, 'from a child');
  log.child({ lane: 'gate-2' }, {}).child({ holder: { family_name: STUDENT.family_name } }).warn('from a grandchild');
  log.flush();
  t.match(lines[0], { results: [{ verdict: 'VALID', holder: '[redacted]' }, 'text', 7], deep: { a: { b: { c: { d: { e: { birthdate: '[redacted]', kept: 1 } } } } } } });
  t.match(lines[1], { body: '[redacted]', lane: 'gate-1', ms: 1 });
  t.match(lines[2], { lane: 'gate-2', holder: '[redacted]' });
  t.equal((logged.results[0] as { holder: { given_name: string } }).holder.given_name, STUDENT.given_name, 'what was logged is not changed');
  t.notOk(JSON.stringify(lines).includes('MLEG1:'));
});

t.test('censorPersonal: the same object back when nothing is personal; a copy otherwise; deeper than 8 levels dropped', async (t) => {
  const flat = { method: 'POST', route: '/v1/verify', status: 200, nested: { verdict: 'VALID' }, list: [1, { ok: true }] };
  t.equal(censorPersonal(flat), flat, 'no copy for a line with nothing to censor');
  const withError = { err: Object.assign(new Error('boom'), { code: 'E_BOOM' }) };
  t.equal(censorPersonal(withError), withError, 'an error with nothing personal is left as it is');
  let deep: Record<string, unknown> = { given_name: 'x' };
  for (let i = 0; i < 12; i++) deep = { next: deep };
  t.notOk(JSON.stringify(censorPersonal(deep)).includes('"x"'), 'too deep to walk is censored whole');
  t.ok(JSON.stringify(censorPersonal(deep)).includes('[redacted]'));
  // A field of no personal name, deeper than is walked: dropped whole, not trusted unread.
  let deepNote: Record<string, unknown> = { note: 'unread' };
  for (let i = 0; i < 12; i++) deepNote = { next: deepNote };
  t.notOk(JSON.stringify(censorPersonal(deepNote)).includes('unread'), 'below 8 levels nothing is written unread');
  let shallowNote: Record<string, unknown> = { note: 'read' };
  for (let i = 0; i < 5; i++) shallowNote = { next: shallowNote };
  t.equal(censorPersonal(shallowNote), shallowNote, 'within 8 levels what is not personal stays');
});

t.test('errors: their personal properties (and their causes\') are censored, message, stack and type kept', async (t) => {
  const cause = Object.assign(new Error('inner'), { holder: { given_name: STUDENT.given_name } });
  const err = Object.assign(new TypeError('outer', { cause }), { payload: 'MLEG1:secret', code: 'E_X' });
  const censored = censorPersonal({ err }).err;
  t.ok(censored instanceof TypeError, 'still a TypeError');
  t.equal(censored.message, 'outer');
  t.equal(censored.stack, err.stack);
  t.equal((censored as unknown as { payload: string }).payload, '[redacted]');
  t.equal((censored as unknown as { code: string }).code, 'E_X');
  t.equal(((censored as { cause: Error & { holder: unknown } }).cause).holder, '[redacted]');
  t.equal(err.payload, 'MLEG1:secret', 'the error itself is not changed');

  const lines: Record<string, unknown>[] = [];
  const log = createLogger('info', auditedSink((l) => lines.push(l)));
  log.error({ err }, 'a careless error');
  log.error(err, 'an error logged bare');
  log.flush();
  const text = JSON.stringify(lines);
  t.notOk(text.includes('MLEG1:'), 'no payload in the lines');
  t.notOk(text.includes(STUDENT.given_name), 'no name from the cause');
  t.match(lines[0], { err: { type: 'TypeError', message: 'outer', payload: '[redacted]', code: 'E_X' } });
  t.match(lines[1], { err: { message: 'outer', payload: '[redacted]' } });
});
