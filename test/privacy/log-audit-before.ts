/** tap `before`: starts the run's log audit with an empty folder. */
import { mkdirSync, rmSync } from 'node:fs';
import { LOG_DIR } from '../helpers/log-audit.js';

rmSync(LOG_DIR, { recursive: true, force: true });
mkdirSync(LOG_DIR, { recursive: true });
