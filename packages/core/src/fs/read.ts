import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { HaError, InputTooLargeError } from '../errors/ha-error.js';

/**
 * The size limit of every reader unless told otherwise: 16 MiB. The largest real
 * configuration in the corpus is far below it; a file above it is almost always
 * the wrong file. Raise it with `maxBytes` (`--max-bytes` in the CLIs).
 */
export const DEFAULT_MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** Options of `readTextFile`. */
export interface ReadTextFileOptions {
  /** Refuse a file larger than this many bytes with `InputTooLargeError`. Default `DEFAULT_MAX_INPUT_BYTES`. */
  maxBytes?: number | undefined;
}

/**
 * Reads a text file (UTF-8). A failure is one `NOT_FOUND` error naming the
 * file and why (`it is a directory`, or the system's words); a file larger
 * than `maxBytes` is an `InputTooLargeError`, found before it is read.
 */
export async function readTextFile(path: string, options: ReadTextFileOptions = {}): Promise<string> {
  return (await readFileBytes(path, options)).text;
}

/**
 * `readTextFile`, with the SHA-256 of the file's bytes: what a change made from
 * this read passes as `expectedSha256`. It is the bytes' hash, not the decoded
 * text's, so a file that is not valid UTF-8 is not taken for a changed one.
 */
export async function readTextFileWithHash(
  path: string,
  options: ReadTextFileOptions = {},
): Promise<{ text: string; sha256: string }> {
  const { text, bytes } = await readFileBytes(path, options);
  return { text, sha256: createHash('sha256').update(bytes).digest('hex') };
}

async function readFileBytes(path: string, options: ReadTextFileOptions): Promise<{ text: string; bytes: Buffer }> {
  const limit = checkLimit(options.maxBytes);
  let handle;
  try {
    handle = await open(path, 'r');
    const info = await handle.stat();
    if (info.isDirectory()) throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' });
    if (info.size > limit) throw new InputTooLargeError(path, info.size, limit);
    const regular = info.isFile();
    // One buffer of the size stat gave (plus a byte, to see a file that grew), doubled only when
    // the file is larger than it said (/proc, a pipe): never more than limit + 1 bytes, never
    // the chunks-then-concat copy that doubles the memory of a large file.
    let buffer = Buffer.allocUnsafe(Math.min(limit + 1, info.size > 0 ? info.size + 1 : 64 * 1024));
    let total = 0;
    for (;;) {
      if (total === buffer.length) {
        if (total > limit) throw new InputTooLargeError(path, total, limit);
        const grown = Buffer.allocUnsafe(Math.min(limit + 1, buffer.length * 2));
        buffer.copy(grown, 0, 0, total);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, total, buffer.length - total, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      // A regular file reads short only at its end: no further read (one wait on the thread pool less per file).
      if (regular && total < buffer.length) break;
    }
    if (total > limit) throw new InputTooLargeError(path, total, limit);
    return { text: buffer.toString('utf8', 0, total), bytes: buffer.subarray(0, total) };
  } catch (error) {
    if (error instanceof InputTooLargeError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new HaError(
      'NOT_FOUND',
      `${path}: cannot read${code === 'EISDIR' ? ': it is a directory' : `: ${(error as Error).message}`}`,
      { cause: error },
    );
  } finally {
    await handle?.close();
  }
}

/**
 * Refuses a text (or bytes) given directly rather than read from a file when it is
 * larger than `maxBytes`: the same limit and error as `readTextFile`.
 */
export function assertInputSize(input: string | Uint8Array, source: string, maxBytes?: number | undefined): void {
  const limit = checkLimit(maxBytes);
  // A string's UTF-8 size is at most 3 bytes per UTF-16 unit; count exactly only near the limit.
  const size =
    typeof input === 'string'
      ? input.length * 3 <= limit
        ? input.length
        : Buffer.byteLength(input)
      : input.byteLength;
  if (size > limit) throw new InputTooLargeError(source, size, limit);
}

function checkLimit(maxBytes: number | undefined): number {
  const limit = maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new TypeError(`maxBytes must be a whole number of bytes ≥ 0, not ${String(maxBytes)}`);
  return limit;
}
