import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_MAX_INPUT_BYTES,
  HaError,
  InputTooLargeError,
  readTextFileWithHash,
  throwOnErrors,
  type ConfigFile,
  type ReadConfigResult,
} from '@ha/core';
import { safeParse, type HaproxyDocument, type ParseOptions } from '../parse/cst.js';

/** Options of `readConfig`: `parse`'s (but the file, which is each file's own), and a size limit. */
export interface ReadConfigOptions extends Omit<ParseOptions, 'file'> {
  /** Refuse more than this many bytes, per file and for all files together (default 16 MiB): an `InputTooLargeError`. @example 64 * 1024 * 1024 */
  maxBytes?: number | undefined;
}

/**
 * Reads and parses a configuration as `haproxy -f PATH …` reads it: a file
 * as it is, a directory's `*.cfg` files in byte order (HAProxy's alphasort;
 * other files are skipped, subdirectories are not entered), several paths in
 * their order. The result is the first file (its text, document and the
 * `sha256` a change made from it passes to `writeConfig` as `expectedSha256`)
 * with `files`, every file in HAProxy's order. A syntax error in any of them
 * is a `ParseError`; other findings are in each document's `diagnostics`.
 *
 * @example const { document, sha256 } = await readConfig('/etc/haproxy/haproxy.cfg')
 * @example const { files } = await readConfig(['/etc/haproxy/haproxy.cfg', '/etc/haproxy/conf.d'])
 */
export async function readConfig(
  paths: string | readonly string[],
  options: ReadConfigOptions = {},
): Promise<ReadConfigResult<HaproxyDocument>> {
  const { maxBytes = DEFAULT_MAX_INPUT_BYTES, ...parseOptions } = options;
  const list = typeof paths === 'string' ? [paths] : paths;
  const names = await configFiles(list);
  const files: ConfigFile<HaproxyDocument>[] = [];
  let total = 0;
  // The hash of the bytes, as writeConfig's stale-read check compares them (a file that is not UTF-8 too).
  const reads = readAhead(names, (file) => readTextFileWithHash(file, { maxBytes }));
  for (const [index, file] of names.entries()) {
    const { text, sha256 } = await reads(index);
    total += Buffer.byteLength(text);
    // Many files under the limit each can still be too much together.
    if (total > maxBytes)
      throw new InputTooLargeError(`${list.join(', ')} (${names.length} files together)`, total, maxBytes);
    const { document, diagnostics } = safeParse(text, { ...parseOptions, file });
    throwOnErrors(diagnostics);
    files.push({ path: file, text, sha256, document });
  }
  const [first] = files;
  if (first === undefined) throw new HaError('NOT_FOUND', `${list.join(', ')}: no *.cfg file to read`);
  return { ...first, files };
}

// Each read waits on Node's thread pool several times (open, stat, read, close): one file after the other, 200
// files spent 100 ms waiting. A few reads run ahead of the parse, in order; at most `ahead` files' bytes are held.
function readAhead<T>(files: readonly string[], read: (file: string) => Promise<T>, ahead = 8) {
  const pending: Promise<T>[] = [];
  const start = (index: number) => {
    const file = files[index];
    if (file === undefined || pending[index] !== undefined) return;
    const promise = read(file);
    // Its failure is seen when its turn comes; one that never comes (an earlier file failed) is not unhandled.
    promise.catch(() => undefined);
    pending[index] = promise;
  };
  return (index: number): Promise<T> => {
    for (let next = index; next < index + ahead; next++) start(next);
    return pending[index] as Promise<T>;
  };
}

/** The files HAProxy reads for `-f PATH …`, in its order (internal: `readConfig` and `writeConfig` list them). */
export async function configFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw new HaError('NOT_FOUND', `${path}: cannot read: ${(error as Error).message}`, { cause: error });
    }
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    const names = (await readdir(path, { withFileTypes: true }))
      .filter((entry) => entry.isFile() && entry.name.endsWith('.cfg'))
      .map((entry) => entry.name);
    names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    files.push(...names.map((name) => join(path, name)));
  }
  return files;
}
