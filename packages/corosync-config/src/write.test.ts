import { chmod, chown, copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured, ValidationError } from '@ha/core';
import { command } from './cli.js';
import { addNode, setOption } from './edit/edits.js';
import { ConfigRejectedError } from './errors.js';
import { parse } from './parse/cst.js';
import { writeConfig } from './write.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-corosync-write-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));
const fixture = new URL('../test/fixtures/pcs-0.11.5/pcs-2nodes.conf', import.meta.url).pathname;
// A group other than root's, as `chgrp haclient corosync.conf` leaves it.
const group = 4242;
const isRoot = process.getuid?.() === 0;

async function restrictedCopy(name: string): Promise<string> {
  const file = join(scratch, name);
  await copyFile(fixture, file);
  await chmod(file, 0o640);
  if (isRoot) await chown(file, 0, group);
  return file;
}

async function attributes(file: string): Promise<{ mode: string; gid: number }> {
  const info = await stat(file);
  return { mode: (info.mode & 0o7777).toString(8), gid: info.gid };
}

describe('writeConfig keeps the file as it was set up', () => {
  it.runIf(isRoot)('keeps mode 0640 and the group of the file it replaces', async () => {
    const file = await restrictedCopy('write.conf');
    const document = parse(await readFile(file, 'utf8'), { file });
    setOption(document, 'totem.token', 5000);
    const result = await writeConfig(file, document, { realCheck: false });
    expect(result.changed).toBe(true);
    expect(await readFile(file, 'utf8')).toContain('    token: 5000\n');
    expect(await attributes(file)).toEqual({ mode: '640', gid: group });
  });

  it.runIf(isRoot)('keeps them through the CLI add-node and remove-node', async () => {
    const file = await restrictedCopy('cli.conf');
    expect((await runCliCaptured(command, ['add-node', file, 'node3=10.213.0.3'])).code).toBe(0);
    expect(await attributes(file)).toEqual({ mode: '640', gid: group });
    expect((await runCliCaptured(command, ['remove-node', file, 'node3'])).code).toBe(0);
    expect(await attributes(file)).toEqual({ mode: '640', gid: group });
    expect(await readFile(file, 'utf8')).toBe(await readFile(fixture, 'utf8'));
  });

  it('gives a new file 0644, as pcs does', async () => {
    const file = join(scratch, 'new.conf');
    await writeConfig(file, await readFile(fixture, 'utf8'), { realCheck: false });
    expect((await attributes(file)).mode).toBe('644');
  });
});

describe('a refused write', () => {
  it('is a ConfigRejectedError carrying every error finding, and leaves the file alone', async () => {
    const file = join(scratch, 'refused.conf');
    await copyFile(fixture, file);
    const before = await readFile(file, 'utf8');
    const document = parse(before, { file });
    setOption(document, 'totem.token', 5000);
    setOption(document, 'totem.consensus', 1000);
    addNode(document, { name: 'node3', addresses: ['10.213.0.1'] });
    const error = await writeConfig(file, document, { realCheck: false }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigRejectedError);
    expect(error).toBeInstanceOf(ValidationError);
    const rejected = error as ConfigRejectedError;
    expect(rejected).toMatchObject({ code: 'VALIDATION_ERROR', path: file });
    expect(rejected.findings.map((finding) => `${finding.line}:${finding.column} ${finding.code}`)).toEqual(['9:16 TIMING_CONFLICT', '26:21 DUPLICATE_ADDRESS']);
    expect(rejected.message).toBe(`${file}:9:16: consensus (1000 ms) must be at least 1.2 × token (6000 ms) (not written; 1 more finding)`);
    expect(await readFile(file, 'utf8')).toBe(before);
  });
});
