import { performance } from 'node:perf_hooks';
import { World, NOW } from './test/helpers/world.js';
import { verify } from './src/verify/verify.js';
import { readPresentation, checkPresentedProof } from './src/verify/presentation.js';
const w1 = new World({ format: 'MLEG1' }), w2 = new World({ format: 'MLEG2' });
const c1 = w1.credential(), c2 = w2.credential();
const CH = 400, CHUNKS = 10;
let k = 0;
const mk = (w: World, c: string) => Array.from({ length: CH }, () => Buffer.from(w.present(c, { jti: `p-${String(k++).padStart(22, '0')}` }), 'latin1').toString('latin1'));
const tot: Record<string, number> = {};
const add = (n: string, ms: number) => (tot[n] = (tot[n] ?? 0) + ms);
for (let r = 0; r < CHUNKS; r++) {
  for (const [name, w, c] of [['MLEG1', w1, c1], ['MLEG2', w2, c2]] as const) {
    const ps = mk(w, c);
    let s = performance.now();
    const reads = ps.map((p) => readPresentation(p, w.deps.credentials, w.deps.trust));
    add(`${name} read`, performance.now() - s);
    s = performance.now();
    for (const r of reads) if (r.ok && r.credential.ok) checkPresentedProof(r.proof!, r.credential.credential);
    add(`${name} proof check`, performance.now() - s);
    s = performance.now();
    for (const p of ps) verify(p, NOW, w.deps);
    add(`${name} verify`, performance.now() - s);
  }
}
for (const [n, ms] of Object.entries(tot)) console.log(n.padEnd(20), (ms / (CH * CHUNKS) * 1000).toFixed(2), 'µs');
