import { isAbsolute, join } from 'node:path';
import { HaError, writeFileAtomic } from '@ha/core';
import type { HaproxyRuntime } from '@ha/haproxy-runtime';
import { requireSection, setDirective, setDirectiveIn } from '../edit/edits.js';
import type { HaproxyDocument } from '../parse/cst.js';

/**
 * The server-state file HAProxy loads at start (global `server-state-file`,
 * under `server-state-base` when relative), when some proxy loads it
 * (`load-server-state-from-file global`); else undefined: a reload then
 * forgets every runtime state and weight.
 *
 * @example serverStateFileOf([document]) // '/var/lib/haproxy/server-state'
 */
export function serverStateFileOf(documents: readonly HaproxyDocument[]): string | undefined {
  let file: string | undefined;
  let base: string | undefined;
  let loaded = false;
  for (const document of documents)
    for (const section of document.sections)
      for (const line of section.lines) {
        if (line.kind !== 'directive') continue;
        const [keyword, value] = line.values;
        if (section.kind === 'global' && keyword === 'server-state-file') file = value;
        else if (section.kind === 'global' && keyword === 'server-state-base') base = value;
        else if (keyword === 'load-server-state-from-file' && value === 'global') loaded = true;
      }
  if (file === undefined || !loaded) return undefined;
  return isAbsolute(file) || base === undefined ? file : join(base, file);
}

/**
 * Sets the configuration up to keep servers' runtime states and weights
 * across reloads: global `server-state-file PATH`, and
 * `load-server-state-from-file global` in every `defaults` section (an
 * `HaError` `NOT_FOUND` when the file has no `global` or no `defaults`).
 * `applyChange` then writes the file after each live change, and `install`
 * with `serverState` before each reload.
 *
 * @example useServerStateFile(document, '/var/lib/haproxy/server-state')
 */
export function useServerStateFile(document: HaproxyDocument, path: string): void {
  if (!isAbsolute(path)) throw new TypeError(`the server-state file must be an absolute path: ${path}`);
  requireSection(document, 'global');
  const defaults = document.sections.filter((section) => section.kind === 'defaults');
  if (defaults.length === 0) throw new HaError('NOT_FOUND', 'no defaults section to load the server-state file in');
  setDirective(document, { kind: 'global' }, ['server-state-file', path]);
  for (const section of defaults) setDirectiveIn(document, section, ['load-server-state-from-file', 'global']);
}

/**
 * Writes what the running process holds (`show servers state`) to the
 * server-state file, atomically: what the next process starts from.
 */
export async function saveServerState(runtime: HaproxyRuntime, path: string): Promise<void> {
  const state = await runtime.execute(['show', 'servers', 'state']);
  await writeFileAtomic(path, state.endsWith('\n') ? state : `${state}\n`);
}
