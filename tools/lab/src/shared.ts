import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HaError } from '@ha/core';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * A path inside the project's `shared/` folder (fixtures, corpus, schemas),
 * which lives beside the repository; `HA_SHARED_DIR` points elsewhere.
 */
export function sharedPath(...segments: string[]): string {
  const root = process.env.HA_SHARED_DIR ?? resolve(repositoryRoot, '..', 'shared');
  if (!existsSync(root)) {
    throw new HaError('NOT_FOUND', `shared folder not found at ${root} (clone beside shared/, or set HA_SHARED_DIR)`);
  }
  return join(root, ...segments);
}
