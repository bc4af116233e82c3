/** What installed packages say about the Node versions they run on (package.json `engines.node`). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

export interface Manifest {
  name: string;
  version: string;
  engines?: { node?: string };
}

export const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** Every package folder under a node_modules folder, nested ones too. */
export function installed(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    if (name.startsWith('.')) return [];
    const path = join(dir, name);
    if (name.startsWith('@')) return installed(path);
    if (!existsSync(join(path, 'package.json'))) return [];
    return [path, ...installed(join(path, 'node_modules'))];
  });
}

/** The packages (folders) whose engines.node excludes `version`, as "name@version wants node RANGE". */
export function excluded(dirs: string[], version: string): string[] {
  return dirs
    .map(manifest)
    .filter((m) => typeof m.engines?.node === 'string' && !semver.satisfies(version, m.engines.node, { includePrerelease: true }))
    .map((m) => `${m.name}@${m.version} wants node ${m.engines!.node}`);
}
