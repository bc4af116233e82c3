/**
 * The README and docs/ link to each other's sections: every relative link names a file
 * that exists and, with a #fragment, a heading that file has (GitHub's anchor rule).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1]!)));
}

t.test('GitHub anchors', async (t) => {
  t.equal(anchorOf('5. Where trust lists and status lists come from'), '5-where-trust-lists-and-status-lists-come-from');
  t.equal(anchorOf('Who may see the holder: `display.show`'), 'who-may-see-the-holder-displayshow');
  t.equal(anchorOf('Privacy (RODO/GDPR)'), 'privacy-rodogdpr');
});

for (const file of files) {
  t.test(file, async (t) => {
    const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
    const links = [...text.matchAll(/\]\(([^)\s]+)\)|src="([^"]+)"/g)].map((m) => m[1] ?? m[2]!);
    for (const link of links) {
      if (/^[a-z]+:/.test(link)) continue; // https:, mailto:
      const [path, fragment] = link.split('#') as [string, string | undefined];
      const target = path === '' ? file : relative(ROOT, join(ROOT, dirname(file), path));
      t.ok(existsSync(join(ROOT, target)), `${link}: ${target} exists`);
      if (fragment !== undefined && target.endsWith('.md') && existsSync(join(ROOT, target))) {
        t.ok(anchors(target).has(fragment), `${link}: ${target} has a heading #${fragment}`);
      }
    }
  });
}
