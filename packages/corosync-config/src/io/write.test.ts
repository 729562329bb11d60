import { chmod, chown, copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordedResult } from '@ha/core/testing';
import { CommandError, ConfigRejectedError, runCliCaptured, sha256, type CommandResult, type Runner } from '@ha/core';
import { errorShape } from '@ha/core/testing';
import { command } from '../cli.js';
import { generate } from '../build/generate.js';
import { addNode, setOption } from '../edit/edits.js';
import { parse } from '../parse/cst.js';
import { readConfig } from './read.js';
import { writeConfig } from './write.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-corosync-write-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));
const fixture = new URL('../../test/fixtures/pcs-0.11.5/pcs-2nodes.conf', import.meta.url).pathname;
// A group other than root's, as `chgrp haclient corosync.conf` leaves it.
const group = 4242;
const isRoot = process.getuid?.() === 0;
// A valid two-node cluster on TEST-NET-2 addresses, of hosts named `a` and `b`.
const twoNodes = generate({
  clusterName: 'x',
  nodes: [
    { name: 'a', addresses: ['198.51.100.1'] },
    { name: 'b', addresses: ['198.51.100.2'] },
  ],
  clusterUuid: false,
});
// An error's shape, with the scratch folder (a new name each run) written as <scratch>.
const shapeOf = (error: unknown): unknown => {
  const scrub = (value: unknown): unknown =>
    typeof value === 'string'
      ? value.replaceAll(scratch, '<scratch>')
      : Array.isArray(value)
        ? value.map(scrub)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, scrub(entry)]))
          : value;
  return scrub(errorShape(error));
};

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
    const result = await writeConfig(file, document, { check: false });
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
    await writeConfig(file, await readFile(fixture, 'utf8'), { check: false });
    expect((await attributes(file)).mode).toBe('644');
  });
});

describe('a refused write', () => {
  it('is a ConfigRejectedError of stage validate carrying every error finding, and leaves the file alone', async () => {
    const file = join(scratch, 'refused.conf');
    await copyFile(fixture, file);
    const before = await readFile(file, 'utf8');
    const document = parse(before, { file });
    setOption(document, 'totem.token', 5000);
    setOption(document, 'totem.consensus', 1000);
    addNode(document, { name: 'node3', addresses: ['10.213.0.1'] });
    const error = await writeConfig(file, document).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigRejectedError);
    const rejected = error as ConfigRejectedError;
    expect(rejected).toMatchObject({ code: 'CONFIG_REJECTED', stage: 'validate', path: file, rolledBack: false });
    const placed = rejected.findings.map((finding) => `${finding.line}:${finding.column} ${finding.code}`);
    expect(placed).toEqual(['9:16 TIMING_CONFLICT', '26:21 DUPLICATE_ADDRESS']);
    expect(rejected.message).toBe(
      `${file}:9:16: consensus (1000 ms) must be at least 1.2 × token (6000 ms) (not written; 1 more finding)`,
    );
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('refuses a change made on a stale read with stage stale', async () => {
    const file = join(scratch, 'stale.conf');
    await copyFile(fixture, file);
    const read = await readConfig(file);
    expect(read).toMatchObject({ path: file, sha256: sha256(read.text), files: [{ path: file, text: read.text }] });
    setOption(read.document, 'totem.token', 4000);
    // Someone else changes the file in between.
    const theirs = `${read.text}# changed by someone else\n`;
    await writeFile(file, theirs);
    const error = await writeConfig(file, read.document, { check: false, expectedSha256: read.sha256 }).catch(
      (caught: unknown) => caught,
    );
    expect(errorShape(error)).toMatchObject({
      name: 'ConfigRejectedError',
      code: 'CONFIG_REJECTED',
      stage: 'stale',
      findings: [],
      rolledBack: false,
    });
    expect(await readFile(file, 'utf8')).toBe(theirs);
  });

  it('takes a file that is not UTF-8 (a Latin-1 no-break space) for the file it read, not for a changed one', async () => {
    const file = join(scratch, 'latin1.conf');
    await writeFile(file, Buffer.concat([Buffer.from(await readFile(fixture)), Buffer.from([0x23, 0x20, 0xa0, 0x0a])]));
    const read = await readConfig(file);
    setOption(read.document, 'totem.token', 4000);
    expect((await writeConfig(file, read.document, { check: false, expectedSha256: read.sha256 })).changed).toBe(true);
  });

  it('waits for the lock by default, and refuses with stage lock past its timeout', async () => {
    const file = join(scratch, 'locked.conf');
    await copyFile(fixture, file);
    const text = `${await readFile(file, 'utf8')}# ours\n`;
    // A lock held by a live process (this one).
    await writeFile(`${file}.lock`, `${process.pid}\n`);
    const error = await writeConfig(file, text, { check: false, lock: { timeoutMs: 100 } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'CONFIG_REJECTED', stage: 'lock', findings: [] });
    const waiting = writeConfig(file, text, { check: false });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await readFile(file, 'utf8')).not.toBe(text);
    await rm(`${file}.lock`);
    expect((await waiting).changed).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('pins the shape of a refusal by our rules', async () => {
    const file = join(scratch, 'shape.conf');
    const error = await writeConfig(file, twoNodes.replace('nodeid: 2', 'nodeid: 1')).catch(
      (caught: unknown) => caught,
    );
    expect(shapeOf(error)).toMatchInlineSnapshot(`
      {
        "code": "CONFIG_REJECTED",
        "detail": undefined,
        "findings": [
          {
            "code": "DUPLICATE_NODEID",
            "column": 17,
            "file": "<scratch>/shape.conf",
            "line": 19,
            "message": "nodeid 1 is used twice",
            "range": {
              "end": 289,
              "start": 288,
            },
            "severity": "error",
          },
        ],
        "message": "<scratch>/shape.conf:19:17: nodeid 1 is used twice (not written)",
        "name": "ConfigRejectedError",
        "path": "<scratch>/shape.conf",
        "rolledBack": false,
        "stage": "validate",
      }
    `);
  });
});

describe('the real check', () => {
  const result = (file: string, args: readonly string[], stdout: string, exitCode = 0): CommandResult =>
    recordedResult(file, args, { stdout, exitCode });
  /** A host named `name` whose `corosync -t` prints `output` and exits with `exitCode`. */
  const host = (name: string, output: string, exitCode: number, calls: string[]): Runner => ({
    run: async (file, args) => {
      calls.push(`${file} ${args.join(' ')}`);
      if (file === 'hostname') return result(file, args, `${name}\n`);
      if (file === 'ip') return result(file, args, '1: lo    inet 127.0.0.1/8 scope host lo\n');
      if (exitCode !== 0) throw new CommandError(result(file, args, output, exitCode));
      return result(file, args, output);
    },
    spawnDetached: () => Promise.reject(new Error('not used')),
    stream: () => {
      throw new Error('not used');
    },
  });

  it("runs corosync -t on the candidate beside the file when the file is this host's, and refuses with stage check", async () => {
    const file = join(scratch, 'checked.conf');
    const calls: string[] = [];
    const refusal =
      'Dec 01 12:15:18.898 error   [MAIN  ] Could not open /etc/corosync/authkey: No such file or directory\n';
    const error = await writeConfig(file, twoNodes, { runner: host('a', refusal, 8, calls), backupPath: false }).catch(
      (caught: unknown) => caught,
    );
    expect(calls.at(-1)).toMatch(new RegExp(`^corosync -t -c ${scratch}/\\.checked\\.conf\\.tmp-`));
    expect(shapeOf(error)).toMatchInlineSnapshot(`
      {
        "code": "CONFIG_REJECTED",
        "detail": "corosync -t refused the file",
        "findings": [
          {
            "code": "CONFIG_CHECK_FAILED",
            "column": 1,
            "file": "<scratch>/checked.conf",
            "line": 1,
            "message": "corosync: Could not open /etc/corosync/authkey: No such file or directory",
            "range": {
              "end": 1,
              "start": 0,
            },
            "severity": "error",
          },
        ],
        "message": "<scratch>/checked.conf:1:1: corosync: Could not open /etc/corosync/authkey: No such file or directory (not written)",
        "name": "ConfigRejectedError",
        "path": "<scratch>/checked.conf",
        "rolledBack": false,
        "stage": "check",
      }
    `);
    await expect(stat(file)).rejects.toThrow();
  });

  it('skips it for a file of another host, and when told to', async () => {
    const file = join(scratch, 'unchecked.conf');
    const calls: string[] = [];
    expect((await writeConfig(file, twoNodes, { runner: host('elsewhere', '', 8, calls) })).changed).toBe(true);
    expect(calls.some((call) => call.startsWith('corosync'))).toBe(false);
    const told: string[] = [];
    expect(
      (await writeConfig(file, `${twoNodes}# again\n`, { runner: host('a', '', 8, told), check: false })).changed,
    ).toBe(true);
    expect(told).toEqual([]);
  });
});
