/**
 * Loaded into every test process of `npm test`'s compiled run (test/run.mjs): the processes
 * a test starts are not followed by tap when it collects no coverage.
 *
 * tap's @tapjs/processinfo puts its module loader into each process a test starts (it adds
 * it to NODE_OPTIONS on every spawn, through process-on-spawn), to record the coverage and
 * the files of each. On Node 20 that loader runs on a thread of its own, and it cost each
 * `mleg` the tests run ~0.4 s of CPU (`mleg issuer operator list`: 0.18 s alone, 0.58 s
 * with it); the suite runs ~230 of them. The compiled run collects no coverage, and nothing
 * reads those records: this listener, added after processinfo's, takes the loader and
 * processinfo's variables out of each child's environment again (any other NODE_OPTIONS
 * stay). With coverage on (`npm run coverage`, `npx tap`) it does nothing.
 */
import processOnSpawn from 'process-on-spawn';

const TRACKING_VARIABLE = /^_TAPJS_PROCESSINFO_/;

/** NODE_OPTIONS without processinfo's loader (options split as Node does: on spaces outside double quotes). */
function withoutProcessInfo(nodeOptions: string): string {
  return (nodeOptions.match(/(?:[^\s"]+|"[^"]*")+/g) ?? []).filter((option) => !option.includes('@tapjs/processinfo')).join(' ');
}

if (process.env._TAPJS_PROCESSINFO_COVERAGE_ === '0') {
  processOnSpawn.addListener((child) => {
    const env = Object.fromEntries(Object.entries(child.env).filter(([name]) => !TRACKING_VARIABLE.test(name)));
    const nodeOptions = withoutProcessInfo(env.NODE_OPTIONS ?? '');
    if (nodeOptions === '') delete env.NODE_OPTIONS;
    else env.NODE_OPTIONS = nodeOptions;
    child.env = env;
  });
}
