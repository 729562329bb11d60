import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedPath } from '@ha/lab';

/** This package's own fixtures folder. */
export const fixturesDirectory = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A fixture of this package, as text. */
export function fixture(path: string): string {
  return readFileSync(join(fixturesDirectory, path), 'utf8');
}

/** The crm_mon XML outputs of Pacemaker's own regression tests (shared/fixtures/pacemaker/crm_mon-3.x). */
export const pacemakerOutputs = readdirSync(sharedPath('fixtures', 'pacemaker', 'crm_mon-3.x'))
  .filter((name) => name.endsWith('.xml'))
  .map((name) => ({ name, path: sharedPath('fixtures', 'pacemaker', 'crm_mon-3.x', name) }));

/** The CIBs of Pacemaker's regression tests (shared/fixtures/pacemaker/cts-cib). */
export const pacemakerCibs = readdirSync(sharedPath('fixtures', 'pacemaker', 'cts-cib'))
  .filter((name) => name.endsWith('.xml'))
  .map((name) => ({ name, path: sharedPath('fixtures', 'pacemaker', 'cts-cib', name) }));

/** The states recorded from the lab cluster (crm_mon/2.1.5/STATE.{xml,txt,cib.xml}). */
export const labStates = [
  'healthy',
  'standby',
  'failed-monitor',
  'node-killed',
  'partitioned',
  'partitioned-minority',
] as const;

/** What `action` throws (it must throw), for assertions on the error itself. */
export function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
