/**
 * The processes a test starts: in `npm test`'s compiled run, which collects no coverage,
 * without tap's process tracking (its runner puts @tapjs/processinfo's loader into every
 * test process, which passes it on to each process started: ~0.4 s of CPU each; test/run.ts
 * runs the files without it) and with every other NODE_OPTIONS they were given; run through
 * tsx (`npx tap`), tracked as tap does.
 */
import { execFileSync, spawn } from 'node:child_process';
import t from 'tap';

const compiled = import.meta.url.endsWith('.js');
const REPORT = `process.stdout.write(JSON.stringify({
  options: process.env.NODE_OPTIONS ?? '',
  variables: Object.keys(process.env).filter((name) => name.startsWith('_TAPJS_PROCESSINFO_')),
  title: process.title,
}))`;
const GIVEN = '--max-http-header-size=20000 --title="mleg child"';
const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${GIVEN}` };

interface Report {
  options: string;
  variables: string[];
  title: string;
}

async function started(): Promise<Report> {
  const child = spawn(process.execPath, ['-e', REPORT], { env });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  await new Promise((resolve) => child.on('close', resolve));
  return JSON.parse(out) as Report;
}

for (const [how, run] of [
  ['spawn', started],
  ['execFileSync', async () => JSON.parse(execFileSync(process.execPath, ['-e', REPORT], { env, encoding: 'utf8' })) as Report],
] as const) {
  t.test(`a child started with ${how}`, async (t) => {
    const child = await run();
    t.match(child.options, '--max-http-header-size=20000', 'the options it was given');
    t.equal(child.title, 'mleg child', 'a quoted one too');
    if (compiled) {
      t.notMatch(child.options, '@tapjs/processinfo', 'no processinfo loader');
      t.same(child.variables, [], 'no processinfo variables');
    } else {
      t.match(child.options, '@tapjs/processinfo', 'tracked by tap');
    }
  });
}
