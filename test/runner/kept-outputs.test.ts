/**
 * What a run keeps for afterwards — the pages' screenshots, the log audit's files — is in
 * the repository's .tap/, whether the tests run compiled (npm test) or through tsx: never
 * in the compiled tree, which the next run deletes. (Paths resolved from the helper's own
 * place had put them in .tap/js/.tap/ under npm test, not where the docs say.)
 */
import { join, sep } from 'node:path';
import t from 'tap';
import { SCREENSHOT_DIR } from '../helpers/browser.js';
import { LOG_DIR } from '../helpers/log-audit.js';
import { ROOT } from '../helpers/repository.js';
import { COMPILED } from './compile.js';

for (const [what, dir] of [['screenshots', SCREENSHOT_DIR], ['the log audit', LOG_DIR]] as const) {
  t.ok(dir.startsWith(join(ROOT, '.tap') + sep), `${what}: in the repository's .tap/ (${dir})`);
  t.notOk(dir.startsWith(COMPILED + sep), `${what}: not in the compiled tree`);
}
