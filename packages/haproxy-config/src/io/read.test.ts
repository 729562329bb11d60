import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ParseError, sha256 } from '@ha/core';
import { readConfig } from './read.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-haproxy-read-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('readConfig', () => {
  it('reads a file: its text, document and the sha256 a change passes back as expectedSha256', async () => {
    const path = join(scratch, 'one.cfg');
    const text = 'global\n    maxconn 10\n';
    await writeFile(path, text);
    const read = await readConfig(path);
    expect(read).toMatchObject({ path, text, sha256: sha256(text) });
    expect(read.document.file).toBe(path);
    expect(read.files).toEqual([{ path, text, sha256: sha256(text), document: read.document }]);
  });

  it('reads a directory the way haproxy -f does: *.cfg in byte order, nothing else, no subdirectory', async () => {
    const directory = join(scratch, 'split');
    await mkdir(directory);
    await mkdir(join(directory, 'sub.cfg'));
    await writeFile(join(directory, '20-backends.cfg'), 'backend be\n    server s 10.0.0.1:80\n');
    await writeFile(join(directory, '10-front.cfg'), 'frontend fe\n    bind :80\n    default_backend be\n');
    await writeFile(join(directory, 'README'), 'not a config\n');
    await writeFile(join(directory, 'B-upper.cfg'), 'userlist u\n');
    const read = await readConfig(directory);
    expect(read.files.map((file) => file.path.slice(directory.length + 1))).toEqual([
      '10-front.cfg',
      '20-backends.cfg',
      'B-upper.cfg',
    ]);
    expect(read.path).toBe(join(directory, '10-front.cfg'));
    const both = await readConfig([join(directory, 'B-upper.cfg'), directory]);
    expect(both.files.map((file) => file.path.slice(directory.length + 1))).toEqual([
      'B-upper.cfg',
      '10-front.cfg',
      '20-backends.cfg',
      'B-upper.cfg',
    ]);
  });

  it('throws a ParseError for a syntax error in any file, NOT_FOUND for a missing path or an empty directory, and refuses too much', async () => {
    const broken = join(scratch, 'broken.cfg');
    await writeFile(broken, 'global\n    log "127.0.0.1 local0\n');
    const error = await readConfig(broken).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ reason: 'UNTERMINATED_QUOTE', file: broken, line: 2, column: 9 });
    await expect(readConfig(join(scratch, 'missing.cfg'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await mkdir(join(scratch, 'empty'));
    await expect(readConfig(join(scratch, 'empty'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/no \*\.cfg file/),
    });
    await expect(readConfig(broken, { maxBytes: 10 })).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE' });
    const many = join(scratch, 'many');
    await mkdir(many);
    for (const name of ['a.cfg', 'b.cfg', 'c.cfg'])
      await writeFile(join(many, name), `${'# filler\n'.repeat(10)}global\n`);
    await expect(readConfig(many, { maxBytes: 200 })).rejects.toMatchObject({
      code: 'INPUT_TOO_LARGE',
      message: expect.stringMatching(/3 files together/),
    });
  });
});
