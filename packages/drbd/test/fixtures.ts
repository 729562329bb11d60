import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedPath } from '@ha/lab';

export const fixturesDirectory = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A status fixture of this package, as text. */
export function fixture(path: string): string {
  return readFileSync(join(fixturesDirectory, path), 'utf8');
}

/** The DRBD files of shared/corpus/drbd (drbd-utils' examples, tests and recorded `drbdsetup show` outputs). */
export const corpusFiles = readdirSync(sharedPath('corpus', 'drbd'))
  .sort()
  .map((name) => ({
    name,
    path: sharedPath('corpus', 'drbd', name),
    text: readFileSync(sharedPath('corpus', 'drbd', name), 'utf8'),
  }));
