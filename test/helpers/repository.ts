/**
 * The repository's own folder. `npm test` runs the tests compiled in .tap/js (test/run.ts),
 * where the top-level entries are links: commands that work on the repository itself
 * (npm pack, npm ls) run here, at the real one, which package.json's link leads to.
 */
import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = `${dirname(realpathSync(fileURLToPath(new URL('../../package.json', import.meta.url))))}/`;
