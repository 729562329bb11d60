import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256 } from '@ha/core';
import { setResourceOption } from './edit/edits.js';
import { parse } from './parse/cst.js';
import { writeDrbdConfig } from './write.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-drbd-write-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const seed = '# the seed\nglobal { disable-ip-verification; }\nresource drbd0 {\n  device /dev/drbd0; disk /dev/sdb1; meta-disk internal;\n  on node1 { node-id 0; address 10.213.0.1:7789; }  # first\n  on node2 { node-id 1; address 10.213.0.2:7789; }\n}\n';

describe('writeDrbdConfig', () => {
  it('an edit checked by the real drbdadm lands atomically, with a backup, comments kept', async () => {
    const path = join(scratch, 'drbd0.res');
    await writeFile(path, seed);
    const document = parse(seed, { file: path });
    setResourceOption(document, 'drbd0', 'net', 'protocol', ['C']);
    const result = await writeDrbdConfig(path, document, { expectedSha256: sha256(seed) });
    expect(result).toMatchObject({ changed: true, backupPath: `${path}.bak` });
    const written = await readFile(path, 'utf8');
    expect(written).toContain('# first');
    expect(written).toMatch(/net \{\s*protocol C;\s*\}/);
    expect(await readFile(`${path}.bak`, 'utf8')).toBe(seed);
    await result.rollback();
    expect(await readFile(path, 'utf8')).toBe(seed);
  });

  it('refuses what drbdadm refuses, what only our parser sees, and a stale read; the file is untouched', async () => {
    const path = join(scratch, 'refused.res');
    await writeFile(path, seed);
    await expect(writeDrbdConfig(path, seed.replace('meta-disk internal;', 'meta-disk internal; bogus-keyword 1;'))).rejects.toThrow(/drbdadm refused the new file/);
    await expect(writeDrbdConfig(path, seed.replace(/\}\n$/, ''))).rejects.toThrow(/MISSING_CLOSE_BRACE/);
    await expect(writeDrbdConfig(path, seed.replace('node1', 'nodeA'), { expectedSha256: sha256('something else') })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect(await readFile(path, 'utf8')).toBe(seed);
    expect((await readdir(scratch)).filter((name) => name.startsWith('refused.res.'))).toEqual([]);
  });
});
