import t from 'tap';
import { createLogger } from '../../src/logger.js';
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
