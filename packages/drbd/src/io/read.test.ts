import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic, InputTooLargeError, ParseError, runCliCaptured, sha256 } from '@ha/core';
import { command } from '../cli.js';
import { toConfig } from '../model/config.js';
import { parse } from '../parse/cst.js';
import { checkFileWithDrbdadm, checkWithDrbdadm } from '../validate/drbdadm-check.js';
import { validate } from '../validate/rules.js';
import { expandGlob } from './glob.js';
import { readConfig } from './read.js';

const documentsOf = (result: Awaited<ReturnType<typeof readConfig>>) => result.files.map((file) => file.document);

// A drbd.conf laid out as Debian's: `include "drbd.d/*.res";`, relative to the file, and one level deeper.
let root = '';
let conf = '';
const resource = (name: string, minor: number, port: number) =>
  `resource ${name} {\n  device /dev/drbd${minor}; disk /dev/vg/${name}; meta-disk internal;\n` +
  `  on a { node-id 0; address 10.0.0.1:${port}; }\n  on b { node-id 1; address 10.0.0.2:${port}; }\n}\n`;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ha-drbd-include-'));
  await mkdir(join(root, 'etc', 'drbd.d', 'deeper'), { recursive: true });
  conf = join(root, 'etc', 'drbd.conf');
  await writeFile(
    conf,
    'global { usage-count no; disable-ip-verification; }\ninclude "drbd.d/global_common.conf";\n' +
      'include "drbd.d/*.res";\ninclude "drbd.d/none-yet-*.res";\n',
  );
  await writeFile(join(root, 'etc', 'drbd.d', 'global_common.conf'), 'common { net { protocol C; } }\n');
  // Nested: relative to the including file's own directory, as drbdadm reads it.
  await writeFile(join(root, 'etc', 'drbd.d', 'r0.res'), `include "deeper/r1.inc";\n${resource('r0', 0, 7789)}`);
  await writeFile(join(root, 'etc', 'drbd.d', 'deeper', 'r1.inc'), resource('r1', 1, 7790));
  await writeFile(join(root, 'etc', 'drbd.d', '.hidden.res'), 'this is not read\n');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('readConfig: includes as drbdadm reads them', () => {
  it("reads what a relative include names from the including file's directory, not the current one", async () => {
    expect(process.cwd()).not.toBe(join(root, 'etc'));
    const result = await readConfig(conf);
    expect(result.files.map((file) => relative(root, file.path))).toEqual([
      'etc/drbd.conf',
      'etc/drbd.d/global_common.conf',
      'etc/drbd.d/r0.res',
      'etc/drbd.d/deeper/r1.inc',
    ]);
    expect(result.findings).toEqual([]);
    // The named file first, as core's ReadConfigResult: its path, text, hash and document.
    expect(result).toMatchObject({
      path: conf,
      text: await readFile(conf, 'utf8'),
      sha256: sha256(await readFile(conf, 'utf8')),
      document: result.files[0]?.document,
    });
    expect(result.files.every((file) => file.document.file === file.path && file.sha256 === sha256(file.text))).toBe(
      true,
    );
    expect(
      toConfig(documentsOf(result)).resources.map((entry) => [entry.name, relative(root, entry.file ?? '')]),
    ).toEqual([
      ['r0', 'etc/drbd.d/r0.res'],
      ['r1', 'etc/drbd.d/deeper/r1.inc'],
    ]);
    // The real drbdadm reads the same tree from the same file (run from another directory).
    const real = await checkFileWithDrbdadm(conf, { env: { __DRBD_NODE__: 'a' } });
    expect(real).toMatchObject({ valid: true, findings: [] });
    expect(real.output).toMatch(/^resource r0 \{/m);
    expect(real.output).toMatch(/^resource r1 \{/m);
  });

  it('a plain name that does not exist is a finding at the include (drbdadm: "Failed to open include file"); an empty wildcard is fine', async () => {
    const file = join(root, 'etc', 'missing.conf');
    await writeFile(file, 'include "drbd.d/none-*.res";\ninclude "drbd.d/gone.res";\n');
    const { files, findings } = await readConfig(file);
    expect(files).toHaveLength(1);
    const goneFile = join(root, 'etc', 'drbd.d', 'gone.res');
    expect(findings.map(formatDiagnostic)).toEqual([
      `${file}:2:9: error INCLUDE_NOT_FOUND: include 'drbd.d/gone.res': ` +
        `${goneFile} is not a file (drbdadm: "Failed to open include file")`,
    ]);
    const real = await checkFileWithDrbdadm(file);
    expect(real.findings.map(formatDiagnostic)).toEqual([
      `${file}:2:1: error DRBDADM_ERROR: drbdadm: Failed to open include file 'drbd.d/gone.res'.`,
    ]);
  });

  it('a file included twice, or in a loop, is read once (as drbdadm does)', async () => {
    const file = join(root, 'etc', 'loop.conf');
    await writeFile(file, 'include "loop.conf";\ninclude "drbd.d/r0.res";\ninclude "./drbd.d/r0.res";\n');
    await symlink(join(root, 'etc', 'drbd.d', 'r0.res'), join(root, 'etc', 'r0-link.res'));
    await writeFile(join(root, 'etc', 'twice.conf'), 'include "drbd.d/r0.res";\ninclude "r0-link.res";\n');
    expect((await readConfig(file)).files.map((entry) => relative(root, entry.path))).toEqual([
      'etc/loop.conf',
      'etc/drbd.d/r0.res',
      'etc/drbd.d/deeper/r1.inc',
    ]);
    expect((await readConfig(join(root, 'etc', 'twice.conf'))).files).toHaveLength(3);
  });

  it('checks span the files: a minor used in two of them is found', async () => {
    const dir = join(root, 'dup');
    await mkdir(join(dir, 'd'), { recursive: true });
    await writeFile(join(dir, 'drbd.conf'), 'include "d/*.res";\n');
    await writeFile(join(dir, 'd', 'a.res'), resource('ra', 5, 7801));
    await writeFile(join(dir, 'd', 'b.res'), resource('rb', 5, 7802));
    const result = await readConfig(join(dir, 'drbd.conf'));
    expect(
      validate(documentsOf(result), { host: 'a' }).map(
        (finding) => `${relative(dir, finding.file ?? '')}:${finding.line} ${finding.code}`,
      ),
    ).toEqual([
      'd/b.res:2 DUPLICATE_MINOR',
      'd/b.res:2 DUPLICATE_DEVICE',
      'd/b.res:2 DUPLICATE_MINOR',
      'd/b.res:2 DUPLICATE_DEVICE',
    ]);
  });

  it('every file read has the size limit', async () => {
    await expect(readConfig(conf, { maxBytes: 64 })).rejects.toBeInstanceOf(InputTooLargeError);
    // The main file is small; an included one is not.
    const tiny = join(root, 'etc', 'tiny.conf');
    await writeFile(tiny, 'include "drbd.d/r0.res";\n');
    await expect(readConfig(tiny, { maxBytes: 100 })).rejects.toMatchObject({
      code: 'INPUT_TOO_LARGE',
      source: join(root, 'etc', 'drbd.d', 'r0.res'),
      limit: 100,
    });
  });

  it('a syntax error in the named file or in one it includes is a ParseError naming that file', async () => {
    const dir = join(root, 'broken');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'drbd.conf'), 'include "bad.res";\n');
    await writeFile(join(dir, 'bad.res'), 'resource r0 {\n  on a { address 10.0.0.1:7789; }\n');
    const error = await readConfig(join(dir, 'drbd.conf')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ reason: 'MISSING_CLOSE_BRACE', file: join(dir, 'bad.res'), line: 1, column: 1 });
  });

  it("checkWithDrbdadm on a document in memory reads its includes from its own file's directory", async () => {
    const document = parse('global { disable-ip-verification; }\ninclude "drbd.d/*.res";\n', {
      file: join(root, 'etc', 'in-memory.conf'),
    });
    const result = await checkWithDrbdadm(document, { env: { __DRBD_NODE__: 'a' } });
    expect(result).toMatchObject({ valid: true, findings: [] });
    expect(result.output).toMatch(/^resource r0 \{/m);
  });
});

describe('expandGlob: as glob(3) with no flags', () => {
  it('matches within one segment, sorted, no leading dot, files only', async () => {
    const dir = join(root, 'glob');
    await mkdir(join(dir, 'sub.d'), { recursive: true });
    for (const name of ['b.res', 'a.res', 'c.conf', '.x.res', 'a1.res']) await writeFile(join(dir, name), '');
    await mkdir(join(dir, 'dir.res'));
    await writeFile(join(dir, 'sub.d', 'z.res'), '');
    expect(await expandGlob('*.res', dir)).toEqual(['a.res', 'a1.res', 'b.res'].map((name) => join(dir, name)));
    expect(await expandGlob('?.res', dir)).toEqual(['a.res', 'b.res'].map((name) => join(dir, name)));
    expect(await expandGlob('[ab].res', dir)).toEqual(['a.res', 'b.res'].map((name) => join(dir, name)));
    expect(await expandGlob('[!a]*.res', dir)).toEqual([join(dir, 'b.res')]);
    expect(await expandGlob('.*.res', dir)).toEqual([join(dir, '.x.res')]);
    expect(await expandGlob('*/z.res', dir)).toEqual([join(dir, 'sub.d', 'z.res')]);
    expect(await expandGlob(`${dir}/*.conf`, '/nowhere')).toEqual([join(dir, 'c.conf')]);
    expect(await expandGlob('nothing-*', dir)).toEqual([]);
  });
});

describe('ha-drbd validate and show with includes', () => {
  it('validate DIR/drbd.conf: relative includes read from DIR, our checks and the real drbdadm on the whole tree', async () => {
    const result = await runCliCaptured(command, ['validate', conf, '--host', 'a']);
    expect(result).toMatchObject({ code: 0, out: '', err: '' });
    expect((await runCliCaptured(command, ['show', conf])).out).toMatch(/^resource r0\n[\s\S]*^resource r1\n/m);
    const missing = join(root, 'etc', 'missing-cli.conf');
    await writeFile(missing, 'include "drbd.d/gone.res";\n');
    const bad = await runCliCaptured(command, ['validate', missing, '--host', 'a']);
    // One finding: ours, not drbdadm's second word on the same include.
    const goneFile = join(root, 'etc', 'drbd.d', 'gone.res');
    expect(bad).toMatchObject({
      code: 1,
      out:
        `${missing}:1:9: error INCLUDE_NOT_FOUND: include 'drbd.d/gone.res': ` +
        `${goneFile} is not a file (drbdadm: "Failed to open include file")\n`,
    });
  });

  it.runIf(existsSync('/etc/drbd.conf'))(
    'this machine\'s own /etc/drbd.conf (include "drbd.d/*.res") is read without an include error',
    async () => {
      const result = await runCliCaptured(command, ['validate', '/etc/drbd.conf', '--json']);
      expect(result.code).not.toBe(2);
      const { findings } = JSON.parse(result.out) as { findings: { code: string }[] };
      expect(
        findings.filter((finding) => finding.code === 'INCLUDE_NOT_FOUND' || finding.code === 'DRBDADM_ERROR'),
      ).toEqual([]);
    },
  );
});
