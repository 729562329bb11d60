import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HaError, InputTooLargeError } from '../errors/ha-error.js';
import { assertInputSize, DEFAULT_MAX_INPUT_BYTES, readTextFile } from './read.js';

describe('readTextFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ha-read-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file whole', async () => {
    const file = join(dir, 'a.txt');
    await writeFile(file, 'héllo\n'.repeat(300_000));
    expect(await readTextFile(file)).toBe('héllo\n'.repeat(300_000));
  });

  it('refuses a file over the limit before reading it, naming the limit', async () => {
    const file = join(dir, 'big.txt');
    await writeFile(file, 'x'.repeat(2048));
    const error = await readTextFile(file, { maxBytes: 1024 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputTooLargeError);
    expect(error).toMatchObject({ code: 'INPUT_TOO_LARGE', source: file, size: 2048, limit: 1024 });
    expect((error as Error).message).toBe(
      `${file}: 2,048 bytes is more than the limit of 1,024 bytes (raise it with the maxBytes option (--max-bytes in the CLIs))`,
    );
    expect(await readTextFile(file, { maxBytes: 2048 })).toHaveLength(2048);
  });

  it('applies the limit to what it can read when the size is not known beforehand', async () => {
    // /proc files report size 0 and have more.
    const error = await readTextFile('/proc/self/maps', { maxBytes: 10 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputTooLargeError);
  });

  it('says a directory is a directory, and a missing file is NOT_FOUND', async () => {
    await mkdir(join(dir, 'sub'));
    await expect(readTextFile(join(dir, 'sub'))).rejects.toThrow(/it is a directory/);
    const missing = await readTextFile(join(dir, 'missing')).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(HaError);
    expect(missing).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('has one default limit, also for texts given directly', () => {
    expect(DEFAULT_MAX_INPUT_BYTES).toBe(16 * 1024 * 1024);
    expect(() => assertInputSize('x'.repeat(11), 'standard input', 10)).toThrow(InputTooLargeError);
    expect(() => assertInputSize('€'.repeat(4), 'standard input', 10)).toThrow(/12 bytes/);
    expect(() => assertInputSize(new Uint8Array(10), 'standard input', 10)).not.toThrow();
    expect(() => assertInputSize('', 'x', -1)).toThrow(TypeError);
  });
});
