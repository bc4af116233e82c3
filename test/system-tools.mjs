#!/usr/bin/env node
/**
 * `npm test`'s pretest step: the system tools the suite runs for real, installed when
 * missing. The serial tests need socat (pty pairs under the real serialport binding), the
 * page tests Debian's headless Chromium (chromium-headless-shell, driven by playwright-core,
 * which never downloads a browser; test/helpers/browser.ts says why not the full browser)
 * and a font with Polish letters for their screenshots, the fleet tests a real
 * redis-server. No test is skipped because a tool is missing: this step installs it (as
 * root, with apt-get) or stops at once with the one command that would.
 *
 * Plain JavaScript with no dependencies: it runs before the build.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What the tests use, how to tell it is there, and the Debian package that brings it. */
export const TOOLS = [
  { what: 'socat (serial tests over pty pairs)', package: 'socat', present: () => onPath('socat') },
  { what: 'headless Chromium (page tests)', package: 'chromium-headless-shell', present: () => executable('/usr/lib/chromium/chromium-headless-shell') },
  { what: 'a font with Polish letters (page screenshots)', package: 'fonts-dejavu-core', present: () => readable('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf') },
  { what: 'redis-server (fleet tests)', package: 'redis-server', present: () => onPath('redis-server') },
  { what: 'systemd-analyze (the shipped unit file, checked)', package: 'systemd', present: () => onPath('systemd-analyze') },
];

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function readable(file) {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name) {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin']);
  return dirs.some((dir) => dir !== '' && executable(join(dir, name)));
}

/** How to run apt-get here: as root directly, through a sudo that asks no password, or not at all. */
function aptRunner() {
  if (!onPath('apt-get')) return { ok: false, why: 'there is no apt-get on this machine' };
  if (process.getuid?.() === 0) return { ok: true, prefix: [] };
  if (onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) return { ok: true, prefix: ['sudo', '-n'] };
  return { ok: false, why: 'installing needs root (or sudo without a password)' };
}

function run(prefix, args) {
  const [command, ...rest] = [...prefix, ...args];
  execFileSync(command, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function main() {
  const missing = TOOLS.filter((tool) => !tool.present());
  if (missing.length === 0) return 0;
  const packages = missing.map((tool) => tool.package);
  const command = `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  process.stdout.write(`The tests need ${missing.map((tool) => tool.what).join(', ')}.\n`);
  const apt = aptRunner();
  if (!apt.ok) {
    process.stderr.write(`Cannot install them here: ${apt.why}. Run this once, then npm test again:\n\n    ${command}\n\n`);
    return 1;
  }
  process.stdout.write(`Installing with apt-get: ${packages.join(' ')}\n`);
  try {
    run(apt.prefix, ['apt-get', 'update', '-qq']);
    run(apt.prefix, ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages]);
  } catch (err) {
    process.stderr.write(`apt-get failed (${err.message}). Install them by hand, then npm test again:\n\n    ${command}\n\n`);
    return 1;
  }
  const still = TOOLS.filter((tool) => !tool.present());
  if (still.length > 0) {
    process.stderr.write(`Still missing after apt-get: ${still.map((tool) => tool.package).join(', ')}\n`);
    return 1;
  }
  process.stdout.write(`Installed: ${packages.join(' ')}\n`);
  return 0;
}

process.exitCode = main();
