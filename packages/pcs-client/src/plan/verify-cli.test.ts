import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineCliCommand, ParseError, runCliCaptured, ServiceUnavailableError } from '@ha/core';
import { fixturesDirectory } from '../../test/fixtures.js';
import { PacemakerToolError } from '../errors.js';
import { createVerifyCommand, type VerifyFunction } from './verify-cli.js';
import type { RunVerifyOptions, VerifyReport, VerifySource } from './verify.js';

const invalid: VerifyReport = {
  valid: false,
  errors: 2,
  warnings: 1,
  findings: [
    {
      severity: 'error',
      kind: 'configuration',
      message: "Ignoring 'target-role' for WebServer because 'Bogus' is not valid",
      ids: ['target-role', 'WebServer', 'Bogus'],
      count: 4,
    },
    {
      severity: 'error',
      kind: 'schema',
      message: 'IDREF attribute then references an unknown ID "Nope"',
      ids: ['Nope'],
      count: 1,
    },
    { severity: 'warning', kind: 'configuration', message: 'Blind faith: not fencing unseen nodes', ids: [], count: 1 },
  ],
};
const valid: VerifyReport = {
  valid: true,
  errors: 0,
  warnings: 1,
  findings: [
    { severity: 'warning', kind: 'configuration', message: 'Blind faith: not fencing unseen nodes', ids: [], count: 1 },
  ],
};

// `ha-pcs verify` over a stand-in verify function that records what it was asked.
function haPcs(answer: VerifyReport | Error) {
  const asked: { source: VerifySource; options: RunVerifyOptions }[] = [];
  const verify: VerifyFunction = (source, options) => {
    asked.push({ source, options });
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  const root = defineCliCommand({
    meta: { name: 'ha-pcs', description: 'test root' },
    subCommands: { verify: createVerifyCommand(verify) },
  });
  return { run: (argv: string[]) => runCliCaptured(root, argv), asked };
}

describe('ha-pcs verify', () => {
  it('an invalid CIB: a line a finding (ids, how often), the verdict, exit 1', async () => {
    const { run, asked } = haPcs(invalid);
    expect(await run(['verify'])).toEqual({
      code: 1,
      err: '',
      out:
        "error: Ignoring 'target-role' for WebServer because 'Bogus' is not valid [target-role, WebServer, Bogus] ×4\n" +
        'error: IDREF attribute then references an unknown ID "Nope" [Nope]\n' +
        'warning: Blind faith: not fencing unseen nodes\n' +
        'the live CIB: invalid (2 errors, 1 warning)\n',
    });
    expect(asked).toEqual([{ source: { kind: 'live' }, options: { maxBytes: undefined } }]);
  });

  it('a valid CIB file (warnings allowed): exit 0; --max-bytes goes through', async () => {
    const { run, asked } = haPcs(valid);
    expect(await run(['verify', '--cib-file', 'cib.xml', '--max-bytes', '1MiB'])).toEqual({
      code: 0,
      err: '',
      out: 'warning: Blind faith: not fencing unseen nodes\ncib.xml: valid (1 warning)\n',
    });
    expect(asked).toEqual([{ source: { kind: 'cib-file', path: 'cib.xml' }, options: { maxBytes: 1024 * 1024 } }]);
    expect((await haPcs({ valid: true, errors: 0, warnings: 0, findings: [] }).run(['verify'])).out).toBe(
      'the live CIB: valid\n',
    );
  });

  it('--json: the report itself, and the same exit codes', async () => {
    const json = await haPcs(invalid).run(['verify', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toEqual(invalid);
    expect((await haPcs(valid).run(['verify', '--json'])).code).toBe(0);
  });

  it('a control byte a CIB put in a message is escaped, never printed raw', async () => {
    const report: VerifyReport = {
      ...valid,
      findings: [
        { severity: 'warning', kind: 'configuration', message: 'bad \u001b[31mid', ids: ['x\u0007'], count: 1 },
      ],
    };
    const { out } = await haPcs(report).run(['verify']);
    expect(out).toContain('warning: bad \\x1b[31mid [x\\x07]\n');
  });

  it('could not verify: one line on stderr, exit 2, no stack', async () => {
    const errors = [
      new ParseError('NOT_CIB', 'not a CIB: the document is <foo>, a CIB is <cib>', {
        file: 'x.xml',
        line: 1,
        column: 6,
      }),
      new ServiceUnavailableError('pacemaker', 'the cluster is not available: crm_verify could not read the live CIB'),
      new PacemakerToolError('crm_verify (CIB XML)', {
        tool: 'crm_verify',
        request: undefined,
        statusCode: 76,
        statusMessage: 'Protocol violated',
        errors: ['This tool can only check complete configurations'],
      }),
    ];
    for (const error of errors) {
      const result = await haPcs(error).run(['verify']);
      expect(result.code).toBe(2);
      expect(result.out).toBe('');
      expect(result.err.trimEnd().split('\n')).toHaveLength(1);
      expect(result.err).toContain(error.message);
      expect(result.err).not.toMatch(/\n\s+at /);
    }
    const usage = await haPcs(valid).run(['verify', '--max-bytes', 'lots']);
    expect(usage).toMatchObject({ code: 2, out: '' });
    expect(usage.err).toMatch(/--max-bytes: 'lots' is not a number of bytes/);
  });

  it('with the real crm_verify of this machine: an invalid CIB file exits 1, a file that is not a CIB 2', async () => {
    const root = defineCliCommand({
      meta: { name: 'ha-pcs', description: 'test root' },
      subCommands: { verify: createVerifyCommand() },
    });
    const path = (name: string) => join(fixturesDirectory, 'crm_verify', 'cib', `${name}.xml`);
    const bad = await runCliCaptured(root, ['verify', '--cib-file', path('unknown-idref')]);
    expect(bad).toMatchObject({ code: 1, err: '' });
    expect(bad.out).toContain('error: IDREF attribute rsc references an unknown ID "Nope2" [Nope2] ×2\n');
    expect(bad.out).toContain(`${path('unknown-idref')}: invalid (2 errors)\n`);
    const notCib = await runCliCaptured(root, ['verify', '--cib-file', path('not-cib')]);
    expect(notCib).toMatchObject({ code: 2, out: '' });
    expect(notCib.err).toMatch(/not a CIB: the document is <foo>, a CIB is <cib>/);
  });
});
