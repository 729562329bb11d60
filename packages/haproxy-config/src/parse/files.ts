import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MAX_INPUT_BYTES, HaError, InputTooLargeError, readTextFile } from '@ha/core';
import { safeParse, type HaproxyDocument, type ParseOptions } from './cst.js';

/**
 * The files HAProxy reads for `-f PATH …`: a file as it is; a directory's
 * `*.cfg` files in byte order (HAProxy's alphasort; other files are skipped,
 * subdirectories are not entered).
 */
export async function configFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw new HaError('NOT_FOUND', `${path}: cannot read: ${(error as Error).message}`, { cause: error });
    }
    if (info.isDirectory()) {
      const names = (await readdir(path, { withFileTypes: true })).filter((entry) => entry.isFile() && entry.name.endsWith('.cfg')).map((entry) => entry.name);
      names.sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
      files.push(...names.map((name) => join(path, name)));
    } else files.push(path);
  }
  return files;
}

/** Options of `loadConfig`: `parse`'s, and a size limit. */
export interface LoadConfigOptions extends Omit<ParseOptions, 'file'> {
  /** Refuse more than this many bytes, per file and for all files together (default 16 MiB): an `InputTooLargeError`. @example 64 * 1024 * 1024 */
  maxBytes?: number | undefined;
}

/**
 * Reads and parses a configuration given as HAProxy's `-f` paths (files and
 * directories): one document per file, in the order HAProxy reads them.
 * Problems are in each document's diagnostics.
 *
 * @example const documents = await loadConfig(['/etc/haproxy/conf.d'])
 */
export async function loadConfig(paths: readonly string[], options: LoadConfigOptions = {}): Promise<HaproxyDocument[]> {
  const { maxBytes, ...parseOptions } = options;
  const limit = maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const files = await configFiles(paths);
  const documents: HaproxyDocument[] = [];
  let total = 0;
  for (const file of files) {
    const text = await readTextFile(file, { maxBytes: limit });
    total += Buffer.byteLength(text);
    // Many files under the limit each can still be too much together.
    if (total > limit) throw new InputTooLargeError(`${paths.join(', ')} (${files.length} files together)`, total, limit);
    documents.push(safeParse(text, { ...parseOptions, file }));
  }
  return documents;
}
