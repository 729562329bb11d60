import { readTextFileWithHash, type ReadConfigResult } from '@ha/core';
import { parse, type CorosyncDocument } from '../parse/cst.js';

/** Options of `readConfig`. */
export interface ReadConfigOptions {
  /** Refuse a file larger than this many bytes (`InputTooLargeError`). Default 16 MiB. */
  maxBytes?: number | undefined;
}

/**
 * Reads and parses a corosync.conf: its text, the SHA-256 to pass as
 * `expectedSha256` when writing a change back, and the document. corosync.conf
 * includes no other file, so `files` holds just this one. Throws a
 * `ParseError` on a syntax error, core's `NOT_FOUND` error when the file
 * cannot be read.
 *
 * @example
 * const read = await readConfig('/etc/corosync/corosync.conf');
 * setOption(read.document, 'totem.token', 5000);
 * await writeConfig(read.path, read.document, { expectedSha256: read.sha256 });
 */
export async function readConfig(
  path: string,
  options: ReadConfigOptions = {},
): Promise<ReadConfigResult<CorosyncDocument>> {
  // The hash of the bytes, as `writeConfig` compares them: a file that is not valid UTF-8 is not taken for a changed one.
  const { text, sha256 } = await readTextFileWithHash(path, { maxBytes: options.maxBytes });
  const file = { path, text, sha256, document: parse(text, { file: path }) };
  return { ...file, files: [file] };
}
