/**
 * tap `after`: every log line the whole test run wrote (services at debug level, the
 * verification worlds at trace, every `mleg` process) is scanned for the test holders'
 * names, birthdates, document numbers and for payloads. Any hit fails the run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_DIR } from '../helpers/log-audit.js';
import { sensitiveStrings } from '../helpers/holders.js';

const forbidden = sensitiveStrings();
/** A payload (the prefix followed by a token, base45 for MLEG2) or a JWS header, not just the word MLEG1 or MLEG2 in a reason. */
const PAYLOAD = /MLEG1:[A-Za-z0-9_-]|eyJhbGciOi|MLEG2:[0-9A-Z $%*+\-./:]{8}/;
const files = readdirSync(LOG_DIR).filter((f) => f.endsWith('.jsonl'));
let lines = 0;
let debugLines = 0;
const hits: string[] = [];
for (const file of files) {
  for (const line of readFileSync(join(LOG_DIR, file), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    lines += 1;
    if (/"level":(10|20)\b/.test(line)) debugLines += 1;
    for (const s of forbidden) if (line.includes(s)) hits.push(`${file}: ${s} in ${line.slice(0, 300)}`);
    if (PAYLOAD.test(line)) hits.push(`${file}: a payload in ${line.slice(0, 300)}`);
  }
}
process.stdout.write(`# log audit: ${lines} log lines (${debugLines} at debug or trace) from ${files.length} files\n`);
// On a full run (npm test) the audit must have seen enough to mean something; a single file may log little.
if (process.env.MLEG_FULL_RUN === '1' && (lines < 100 || debugLines === 0)) {
  process.stderr.write(`log audit: only ${lines} log lines (${debugLines} at debug) were recorded; is the audit wired into the test helpers?\n`);
  process.exit(1);
}
if (hits.length > 0) {
  process.stderr.write(`log audit: personal data or payloads in the logs:\n${hits.slice(0, 20).join('\n')}\n`);
  process.exit(1);
}
