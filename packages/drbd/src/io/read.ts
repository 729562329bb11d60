import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { readTextFileWithHash, type ConfigFile, type ReadConfigResult } from '@ha/core';
import type { DrbdDiagnostic } from '../codes.js';
import { parse, positionIn, type CstStatement, type DrbdDocument } from '../parse/cst.js';
import { expandGlob, hasWildcard } from './glob.js';

/** Options of `readConfig`. */
export interface ReadConfigOptions {
  /** Refuse a file (the named one or an included one) larger than this many bytes (default 16 MiB; `InputTooLargeError`). */
  maxBytes?: number | undefined;
}

/** A drbd.conf and every file it includes, read and parsed: core's `ReadConfigResult`, and what was wrong with the includes. */
export interface DrbdReadResult extends ReadConfigResult<DrbdDocument> {
  /** Problems with the `include` statements themselves (`INCLUDE_NOT_FOUND`, at the include), in the order found. */
  findings: DrbdDiagnostic[];
}

/**
 * Reads a drbd.conf (or a resource file) and every file its top-level
 * `include "…";` statements name, in drbdadm's order: the named file first,
 * then each included file where its `include` is (depth first), each once
 * (a file included twice, or in a loop, is read once). A relative pattern is
 * taken from the directory of the file that includes it (not the current
 * directory); a wildcard pattern (`drbd.d/*.res`) expands sorted, as glob(3),
 * and may match nothing; a plain name that does not exist is an
 * `INCLUDE_NOT_FOUND` finding. A syntax error in any file is its `ParseError`;
 * a file larger than `maxBytes` an `InputTooLargeError`. Pass the documents
 * to `validate` or `toConfig`; each file's `sha256` to `writeConfig`'s `expectedSha256`.
 *
 * ```ts
 * const { files, findings } = await readConfig('/etc/drbd.conf');
 * const documents = files.map((file) => file.document);
 * console.log(toConfig(documents).resources.map((resource) => resource.name), [...findings, ...validate(documents)]);
 * ```
 */
export async function readConfig(path: string, options: ReadConfigOptions = {}): Promise<DrbdReadResult> {
  const { maxBytes } = options;
  const files: ConfigFile<DrbdDocument>[] = [];
  const findings: DrbdDiagnostic[] = [];
  const seen = new Set<string>();

  const read = async (file: string): Promise<void> => {
    // drbdadm reads a file once, however it is named; a loop ends there too.
    const identity = await realpath(file).catch(() => file);
    if (seen.has(identity)) return;
    seen.add(identity);
    const { text, sha256 } = await readTextFileWithHash(file, { maxBytes });
    const document = parse(text, { file });
    files.push({ path: file, text, sha256, document });
    for (const node of document.children) {
      if (node.type !== 'statement' || node.words[0]?.value !== 'include' || node.words[1] === undefined) continue;
      for (const included of await resolveInclude(document, node, findings)) await read(included);
    }
  };
  await read(path);
  return { ...(files[0] as ConfigFile<DrbdDocument>), files, findings };
}

async function resolveInclude(
  document: DrbdDocument,
  statement: CstStatement,
  findings: DrbdDiagnostic[],
): Promise<string[]> {
  const word = statement.words[1] as CstStatement['words'][number];
  const pattern = word.value;
  const file = document.file as string;
  const directory = dirname(file);
  const found = await expandGlob(pattern, directory);
  if (found.length > 0 || hasWildcard(pattern)) return found;
  const target = isAbsolute(pattern) ? pattern : join(directory, pattern);
  findings.push({
    code: 'INCLUDE_NOT_FOUND',
    severity: 'error',
    message: `include '${pattern}': ${target} is not a file (drbdadm: "Failed to open include file")`,
    file,
    ...positionIn(document, word.offset),
    range: { start: word.offset, end: word.offset + word.text.length },
  });
  return [];
}
