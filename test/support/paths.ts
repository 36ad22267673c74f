import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Tests run from dist/test/…; the repository root is found from there. */
export const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** The shared Twitter and Slack references, checked out beside the repository. */
export function reference(name: string): string {
  return path.resolve(repoRoot, '..', 'shared', 'reference', name);
}
