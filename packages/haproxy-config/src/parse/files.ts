import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HaError, readTextFile } from '@ha/core';
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

/**
 * Reads and parses a configuration given as HAProxy's `-f` paths (files and
 * directories): one document per file, in the order HAProxy reads them.
 * Problems are in each document's diagnostics.
 */
export async function loadConfig(paths: readonly string[], options: Omit<ParseOptions, 'file'> = {}): Promise<HaproxyDocument[]> {
  const documents: HaproxyDocument[] = [];
  for (const file of await configFiles(paths)) {
    documents.push(safeParse(await readTextFile(file), { ...options, file }));
  }
  return documents;
}
