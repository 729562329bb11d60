import { describe, expect, it } from 'vitest';
import { CommandError, type CommandResult, type Runner } from '@ha/core';
import { checkWithCorosync, mapCorosyncOutput } from './corosync-check.js';

// What `corosync -t -c FILE` printed, recorded with corosync 3.1.7 (Debian 12), both with exit code 8.
const missingBrace = 'parser error: /tmp/check.conf:2: Missing closing brace\n';
const duplicateNodeid =
  'Dec 01 12:15:18.898 error   [MAIN  ] Nodeid 1 appears twice in corosync.conf\n' +
  'Dec 01 12:15:18.898 error   [MAIN  ] Corosync Cluster Engine exiting with status 8 at main.c:1445.\n';

/** A runner whose `corosync -t` exits with `exitCode` and prints `stdout`. */
function corosyncAnswering(stdout: string, exitCode: number): Runner & { checked: string[] } {
  const checked: string[] = [];
  return {
    checked,
    run: async (file, args) => {
      checked.push(`${file} ${args.join(' ')}`);
      const result: CommandResult = {
        file,
        args,
        command: file,
        exitCode,
        signal: undefined,
        stdout,
        stderr: '',
        timedOut: false,
        durationMs: 1,
      };
      if (exitCode !== 0) throw new CommandError(result);
      return result;
    },
    spawnDetached: () => Promise.reject(new Error('not used')),
    stream: () => {
      throw new Error('not used');
    },
  };
}

describe('mapCorosyncOutput', () => {
  it("places a parser error on corosync's line, and a semantic one at 1:1", () => {
    const text = 'totem {\n version: 2\n';
    expect(mapCorosyncOutput(missingBrace, text, '/tmp/check.conf', 'corosync.conf')).toEqual([
      {
        code: 'CONFIG_CHECK_FAILED',
        severity: 'error',
        message: 'corosync: Missing closing brace',
        file: 'corosync.conf',
        range: { start: 8, end: 9 },
        line: 2,
        column: 1,
      },
    ]);
    expect(mapCorosyncOutput(duplicateNodeid, text, '/tmp/check.conf', undefined, 8)).toEqual([
      expect.objectContaining({
        message: 'corosync: Nodeid 1 appears twice in corosync.conf',
        file: '/tmp/check.conf',
        line: 1,
        column: 1,
      }),
    ]);
  });

  it('makes a refusal it cannot read an error of its own, in the words corosync used', () => {
    expect(
      mapCorosyncOutput('Could not open /etc/corosync/authkey\n', 'x', '/tmp/check.conf', 'corosync.conf', 8),
    ).toEqual([
      expect.objectContaining({
        code: 'CONFIG_CHECK_FAILED',
        message: 'corosync: Could not open /etc/corosync/authkey',
        line: 1,
        column: 1,
      }),
    ]);
    expect(mapCorosyncOutput('', 'x', '/tmp/check.conf', 'corosync.conf', 0)).toEqual([]);
  });
});

describe('checkWithCorosync', () => {
  it('returns the one CheckResult shape: valid, findings and the output', async () => {
    const refused = await checkWithCorosync('totem {\n version: 2\n', {
      runner: corosyncAnswering(duplicateNodeid, 8),
      file: 'corosync.conf',
    });
    expect(refused).toEqual({
      valid: false,
      findings: [expect.objectContaining({ code: 'CONFIG_CHECK_FAILED', line: 1 })],
      output: duplicateNodeid,
    });
    const runner = corosyncAnswering('', 0);
    expect(await checkWithCorosync('totem {\n}\n', { runner })).toEqual({ valid: true, findings: [], output: '' });
    expect(runner.checked).toEqual([
      expect.stringMatching(/^corosync -t -c \/.+\/\.corosync-check-\d+-[0-9a-f]{8}\.conf$/),
    ]);
  });
});
