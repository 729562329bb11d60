import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigRejectedError, sha256 } from '@ha/core';
import { errorShape, rejection as refusal } from '@ha/core/testing';
import { setResourceOption } from '../edit/edits.js';
import { parse } from '../parse/cst.js';
import { readConfig } from './read.js';
import { writeConfig } from './write.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-drbd-write-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

// The error as data, its scratch directory named the same on every run.
const shapeOf = (error: unknown) =>
  JSON.parse(JSON.stringify(errorShape(error)).split(scratch).join('<scratch>')) as unknown;

const seed =
  '# the seed\nglobal { disable-ip-verification; }\nresource drbd0 {\n' +
  '  device /dev/drbd0; disk /dev/sdb1; meta-disk internal;\n' +
  '  on node1 { node-id 0; address 10.213.0.1:7789; }  # first\n' +
  '  on node2 { node-id 1; address 10.213.0.2:7789; }\n}\n';

describe('writeConfig', () => {
  it('an edit checked by the real drbdadm lands atomically, with a backup, comments kept', async () => {
    const path = join(scratch, 'drbd0.res');
    await writeFile(path, seed);
    const { document, sha256: readHash } = await readConfig(path);
    setResourceOption(document, 'drbd0', 'net', 'protocol', ['C']);
    const result = await writeConfig(path, document, { expectedSha256: readHash });
    expect(result).toMatchObject({ changed: true, backupPath: `${path}.bak` });
    const written = await readFile(path, 'utf8');
    expect(written).toContain('# first');
    expect(written).toMatch(/net \{\s*protocol C;\s*\}/);
    expect(await readFile(`${path}.bak`, 'utf8')).toBe(seed);
    await result.rollback();
    expect(await readFile(path, 'utf8')).toBe(seed);
  });

  it('refuses what drbdadm refuses (stage check), what only our parser or rules see (stage validate), and a stale read; the file is untouched', async () => {
    const path = join(scratch, 'refused.res');
    await writeFile(path, seed);
    const byDrbdadm = await refusal(
      writeConfig(path, seed.replace('meta-disk internal;', 'meta-disk internal; bogus-keyword 1;')),
    );
    expect(byDrbdadm).toBeInstanceOf(ConfigRejectedError);
    expect(byDrbdadm).toMatchObject({
      code: 'CONFIG_REJECTED',
      stage: 'check',
      path,
      rolledBack: false,
      findings: [{ code: 'DRBDADM_ERROR', severity: 'error', file: path, line: 4 }],
    });
    const byParser = await refusal(writeConfig(path, seed.replace(/\}\n$/, '')));
    expect(shapeOf(byParser)).toMatchInlineSnapshot(`
      {
        "code": "CONFIG_REJECTED",
        "findings": [
          {
            "code": "MISSING_CLOSE_BRACE",
            "column": 1,
            "file": "<scratch>/refused.res",
            "line": 3,
            "message": "'resource drbd0' is never closed (missing '}'; drbdadm would not notice)",
            "range": {
              "end": 55,
              "start": 47,
            },
            "severity": "error",
          },
        ],
        "message": "<scratch>/refused.res:3:1: 'resource drbd0' is never closed (missing '}'; drbdadm would not notice) (not written)",
        "name": "ConfigRejectedError",
        "path": "<scratch>/refused.res",
        "rolledBack": false,
        "stage": "validate",
      }
    `);
    const byRules = await refusal(
      writeConfig(path, seed.replace('address 10.213.0.2:7789', 'address 10.213.0.2:99999'), { check: false }),
    );
    expect(byRules).toMatchObject({ stage: 'validate', findings: [{ code: 'BAD_PORT', line: 6, column: 3 }] });
    const stale = await refusal(
      writeConfig(path, seed.replace('node1', 'nodeA'), { expectedSha256: sha256('something else') }),
    );
    expect(stale).toMatchObject({ code: 'CONFIG_REJECTED', stage: 'stale', findings: [] });
    expect(await readFile(path, 'utf8')).toBe(seed);
    expect(
      (await readdir(scratch)).filter((name) => name.startsWith('refused.res.') || name.startsWith('.refused.res')),
    ).toEqual([]);
  });

  it("drbdadm's refusal keeps its words: the finding names the file, not the candidate beside it", async () => {
    const path = join(scratch, 'named.res');
    await writeFile(path, seed);
    const error = await refusal(
      writeConfig(
        path,
        parse(seed.replace('disk /dev/sdb1;', 'disk /dev/sdb1; net { no-such-option yes; }'), { file: path }),
      ),
    );
    expect(shapeOf(error)).toMatchInlineSnapshot(`
      {
        "code": "CONFIG_REJECTED",
        "findings": [
          {
            "code": "DRBDADM_ERROR",
            "column": 1,
            "file": "<scratch>/named.res",
            "line": 4,
            "message": "drbdadm: Parse error: 'an option keyword' expected, but got 'no-such-option'",
            "range": {
              "end": 64,
              "start": 64,
            },
            "severity": "error",
          },
        ],
        "message": "<scratch>/named.res:4:1: drbdadm: Parse error: 'an option keyword' expected, but got 'no-such-option' (not written)",
        "name": "ConfigRejectedError",
        "path": "<scratch>/named.res",
        "rolledBack": false,
        "stage": "check",
      }
    `);
  });
});
