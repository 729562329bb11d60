import { readTextFile } from '@ha/core';

/**
 * Reads a file the monitor itself keeps (alert state, a sink's queue), under
 * the same size limit as every reader (`maxBytes`, default 16 MiB).
 * `undefined` when there is none yet; a file that cannot be read or is too
 * large is reported through `warn` and also `undefined`: a damaged state file
 * must never keep the monitor from running.
 */
export async function readStateFile(
  path: string,
  maxBytes: number | undefined,
  warn: (message: string) => void,
): Promise<string | undefined> {
  try {
    return await readTextFile(path, { maxBytes });
  } catch (error) {
    if ((error as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') return undefined;
    warn(`${(error as Error).message}; starting without it`);
    return undefined;
  }
}
