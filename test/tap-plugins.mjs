/**
 * `npm test`, before the tests: builds tap's Test class with the plugins package.json asks for
 * (`tap.plugin`: the defaults the tests use — not @tapjs/typescript, as the TypeScript is
 * compiled beforehand by test/run.ts or run through tsx, nor mock, snapshot, fixture,
 * intercept, spawn, stdin, worker or chdir, which each test process would load for
 * nothing: ~0.25 s of CPU a process under tap's runner, @tapjs/mock's module hooks the
 * most of it) when the one installed was built with others. `npm test`'s runner
 * (test/run.ts) adds no plugin's loader, but every test file imports the Test class built
 * here.
 *
 * tap's runner checks this itself, but only after it has loaded the old build: on the
 * first `npx tap` after `npm ci` every test process would still import
 * @tapjs/typescript's loader (ts-node) on top of tsx — seen as ~120 s more of a fresh
 * clone's suite than of a checkout that had run it once. `tap build` now makes the first
 * run the same as every other.
 */
import { spawnSync } from 'node:child_process';
// In this order: @tapjs/test imported first, alone, trips over a circular import of @tapjs/core.
import { TapConfig } from '@tapjs/config';
import { signature } from '@tapjs/test';

const config = await TapConfig.load();
if (config.pluginSignature !== signature) {
  process.stdout.write(`tap's plugins differ from package.json's (tap.plugin): tap build\n`);
  const built = spawnSync('npx', ['tap', 'build'], { stdio: 'inherit' });
  if (built.status !== 0) {
    process.stderr.write('tap build failed: run `npx tap build` and look at its output\n');
    process.exit(1);
  }
}
