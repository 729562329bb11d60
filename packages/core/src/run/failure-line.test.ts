import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandError } from './command-error.js';
import { escapeForMessage, pickFailureLine } from './failure-line.js';
import { createRunner } from './runner.js';

// The real tools' failure output: each message must name the cause, not the banner before it.
describe('the line a CommandError shows', () => {
  const runner = createRunner();
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ha-failure-line-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is haproxy -c's first [ALERT], not its [NOTICE] banner", async () => {
    const file = join(dir, 'bad.cfg');
    await writeFile(file, 'global\n  bogus-keyword 1\nfrontend f\n  bind 127.0.0.1:0\n');
    const error = await runner.run('haproxy', ['-c', '-f', file]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandError);
    const failure = error as CommandError;
    expect(failure.stderr).toContain('[NOTICE]');
    expect(failure.message).toMatch(/: \[ALERT\].*unknown keyword 'bogus-keyword' in 'global' section$/);
  });

  it("is drbdadm's own complaint, not modinfo's missing module", async () => {
    const file = join(dir, 'empty.res');
    await writeFile(file, '\n');
    const error = (await runner
      .run('drbdadm', ['-c', file, 'up', 'all'])
      .catch((caught: unknown) => caught)) as CommandError;
    expect(error).toBeInstanceOf(CommandError);
    expect(error.message).toMatch(/: no resources defined!$/);
    expect(error.stderr).toContain('modinfo');
  });

  it("is crm_mon's <error> text when it fails inside its XML", () => {
    const xml = [
      '<pacemaker-result api-version="2.25" request="crm_mon --one-shot --output-as=xml">',
      '  <status code="102" message="Not connected">',
      '    <errors>',
      '      <error>Could not connect to the CIB: No such device or address</error>',
      '    </errors>',
      '  </status>',
      '</pacemaker-result>',
    ].join('\n');
    expect(pickFailureLine('', xml)).toBe('Could not connect to the CIB: No such device or address');
    expect(
      pickFailureLine(
        '',
        '<pacemaker-result><status code="105" message="No such object &amp; more"/></pacemaker-result>',
      ),
    ).toBe('No such object & more');
  });

  it("skips pcs's closing line for the error before it", () => {
    expect(
      pickFailureLine(
        "Error: unable to find resource 'web'\nError: Errors have occurred, therefore pcs is unable to continue\n",
        '',
      ),
    ).toBe("Error: unable to find resource 'web'");
  });

  it("skips cibadmin's closing line for the cause before it", () => {
    expect(
      pickFailureLine(
        'Could not connect to the CIB: Transport endpoint is not connected\nInit failed, could not perform requested operations\n',
        '',
      ),
    ).toBe('Could not connect to the CIB: Transport endpoint is not connected');
  });

  it("skips drbdadm's closing line for the cause before it", () => {
    const stderr =
      "open(/dev/sdb1) failed: No such file or directory\nCommand 'drbdmeta 0 v09 /dev/sdb1 internal create-md 1 --force' terminated with exit code 20\n";
    expect(pickFailureLine(stderr, '')).toBe('open(/dev/sdb1) failed: No such file or directory');
  });

  it('falls back to the last line, and to stdout when stderr is empty', () => {
    expect(pickFailureLine('starting\nsomething went wrong\n', '')).toBe('something went wrong');
    expect(pickFailureLine('  \n', 'only on stdout\n')).toBe('only on stdout');
    expect(pickFailureLine('', '')).toBeUndefined();
  });

  it('never echoes raw control or binary bytes', () => {
    expect(escapeForMessage('a\u001b[31mred\u0000\ufffd')).toBe('a\\x1b[31mred\\x00\\ufffd');
    expect(pickFailureLine('bad byte \u0007 here', '')).toBe('bad byte \\x07 here');
    expect(escapeForMessage('x'.repeat(400))).toHaveLength(301);
  });
});
