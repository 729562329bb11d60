import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { readTextFile } from '@ha/core';
import type { DrbdDiagnostic } from '../codes.js';
import { safeParse, type DrbdDocument, type Statement } from '../parse/cst.js';
import { expandGlob, hasWildcard } from './glob.js';

/** Options of `loadDrbdConfig`. */
export interface LoadDrbdConfigOptions {
  /** Refuse a file (the main one or an included one) larger than this many bytes (default 16 MiB; `InputTooLargeError`). */
  maxBytes?: number | undefined;
}

/** A drbd.conf and every file it includes, parsed. */
export interface LoadedDrbdConfig {
  /** The main file first, then each included file where its `include` is (depth first), each once. */
  documents: DrbdDocument[];
  /** Problems with the includes themselves (`INCLUDE_NOT_FOUND`); syntax findings stay on each document. */
  findings: DrbdDiagnostic[];
}

/**
 * Reads a drbd.conf (or a resource file) and every file its top-level
 * `include "…";` statements name, as drbdadm does: a relative pattern is
 * taken from the directory of the file that includes it (not the current
 * directory), a wildcard pattern (`drbd.d/*.res`) that matches nothing is
 * fine, a plain name that does not exist is an `INCLUDE_NOT_FOUND` finding,
 * and a file included twice (or in a loop) is read once. Pass `documents`
 * to `validateDrbd` or `toDrbdConfig`.
 *
 * ```ts
 * const { documents, findings } = await loadDrbdConfig('/etc/drbd.conf');
 * console.log(toDrbdConfig(documents).resources.map((resource) => resource.name), findings);
 * ```
 */
export async function loadDrbdConfig(path: string, options: LoadDrbdConfigOptions = {}): Promise<LoadedDrbdConfig> {
  const documents: DrbdDocument[] = [];
  const findings: DrbdDiagnostic[] = [];
  const seen = new Set<string>();

  const load = async (file: string): Promise<void> => {
    // drbdadm reads a file once, however it is named; a loop ends there too.
    const identity = await realpath(file).catch(() => file);
    if (seen.has(identity)) return;
    seen.add(identity);
    const document = safeParse(await readTextFile(file, { maxBytes: options.maxBytes }), { file });
    documents.push(document);
    for (const node of document.children) {
      if (node.type !== 'statement' || node.words[0]?.value !== 'include' || node.words[1] === undefined) continue;
      for (const included of await resolveInclude(node, file, findings)) await load(included);
    }
  };
  await load(path);
  return { documents, findings };
}

async function resolveInclude(statement: Statement, file: string, findings: DrbdDiagnostic[]): Promise<string[]> {
  const word = statement.words[1] as Statement['words'][number];
  const pattern = word.value;
  const directory = dirname(file);
  if (hasWildcard(pattern)) return expandGlob(pattern, directory);
  const target = isAbsolute(pattern) ? pattern : join(directory, pattern);
  const found = await expandGlob(pattern, directory);
  if (found.length > 0) return found;
  findings.push({
    code: 'INCLUDE_NOT_FOUND',
    severity: 'error',
    message: `include '${pattern}': ${target} is not a file (drbdadm: "Failed to open include file")`,
    file,
    line: word.line,
    column: word.column,
    range: { start: word.offset, end: word.offset + word.text.length },
  });
  return [];
}
