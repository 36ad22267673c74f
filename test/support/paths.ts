import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above with a package.json, wherever the tests were compiled to. */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const repoRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A copy of a Twitter or Slack reference, kept in the repository (test/fixtures/README.md says where each comes from). */
export function fixture(name: string): string {
  return path.join(repoRoot, 'test', 'fixtures', name);
}
