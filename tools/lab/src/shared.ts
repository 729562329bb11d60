import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HaError } from '@ha/core';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * A path inside the shared test inputs (the real-world corpus, Pacemaker's
 * test outputs): the repository's copy in `test/shared`, so that a clone
 * alone runs every test; `HA_SHARED_DIR` points elsewhere.
 */
export function sharedPath(...segments: string[]): string {
  const root = process.env.HA_SHARED_DIR ?? resolve(repositoryRoot, 'test', 'shared');
  if (!existsSync(root)) {
    throw new HaError(
      'NOT_FOUND',
      `shared test inputs not found at ${root} (set HA_SHARED_DIR, or restore test/shared)`,
    );
  }
  return join(root, ...segments);
}
