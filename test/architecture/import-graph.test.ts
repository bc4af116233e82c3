/**
 * The layering of docs/architecture.md, checked on the code: no import cycle among src/
 * modules, and no arrow from a lower folder up into a higher one (config/ imports nothing
 * of the project outside itself; devices/ nothing of scan/, act/ or http/; the pure core
 * nothing of the shells).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? modules(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'|^\s*import\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/gm;

/** src-relative module → the src-relative modules it imports (type-only imports included). */
const graph = new Map<string, string[]>();
for (const file of modules(SRC)) {
  const text = readFileSync(file, 'utf8');
  const targets = [...text.matchAll(IMPORT)].map((m) => relative(SRC, resolve(dirname(file), (m[1] ?? m[2] ?? m[3])!.replace(/\.js$/, '.ts'))));
  graph.set(relative(SRC, file), targets);
}

t.test('the import graph has every module and no cycle', async (t) => {
  t.ok(graph.size > 80, `${graph.size} modules read`);
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (m: string, path: string[]): void => {
    if (state.get(m) === 'done') return;
    if (state.get(m) === 'open') {
      cycles.push([...path.slice(path.indexOf(m)), m].join(' → '));
      return;
    }
    state.set(m, 'open');
    for (const next of graph.get(m) ?? []) if (graph.has(next)) visit(next, [...path, m]);
    state.set(m, 'done');
  };
  for (const m of graph.keys()) visit(m, []);
  t.same(cycles, [], 'no module imports itself through others');
});

const folder = (m: string): string => (m.includes('/') ? m.slice(0, m.indexOf('/')) : m);

/** Folder → the project folders it must never import. */
const FORBIDDEN: Record<string, string[]> = {
  config: ['*'],
  devices: ['scan', 'act', 'http', 'commands', 'service.ts', 'verifier.ts', 'pool'],
  verify: ['http', 'scan', 'act', 'commands', 'pool', 'status', 'service.ts', 'verifier.ts'],
  jws: ['http', 'scan', 'act', 'commands', 'verify', 'status', 'pool'],
  scan: ['act', 'http', 'commands'],
  status: ['http', 'scan', 'act', 'commands', 'pool'],
  replay: ['http', 'scan', 'act', 'commands'],
};

t.test('no arrow from a lower folder up into a higher one', async (t) => {
  const wrong: string[] = [];
  for (const [m, targets] of graph) {
    const from = folder(m);
    const rule = FORBIDDEN[from];
    if (rule === undefined) continue;
    for (const target of targets) {
      const to = folder(target);
      if (to === from) continue;
      if (rule.includes('*') ? !['errors.ts'].includes(to) : rule.includes(to)) wrong.push(`${m} → ${target}`);
    }
  }
  t.same(wrong, [], 'every import points down the layers');
});
