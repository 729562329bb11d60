import { readFile } from 'node:fs/promises';
import { HaError } from '../errors/ha-error.js';

/**
 * Reads a text file (UTF-8). A failure is one `NOT_FOUND` error naming the
 * file and why (`it is a directory`, or the system's words).
 */
export async function readTextFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HaError('NOT_FOUND', `${path}: cannot read${code === 'EISDIR' ? ': it is a directory' : `: ${(error as Error).message}`}`, { cause: error });
  }
}
