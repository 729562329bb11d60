import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CommandError,
  createRunner,
  defaultRunner,
  HaError,
  InputTooLargeError,
  ParseError,
  ServiceUnavailableError,
  ToolNotFoundError,
  type Runner,
  type RunOptions,
} from '@ha/core';
import { recordedResult, rejection, thrown } from '@ha/core/testing';
import { fixture, fixturesDirectory } from '../../test/fixtures.js';
import { PacemakerToolError } from '../errors.js';
import {
  parseVerifyOutput,
  runVerify,
  verifyArgs,
  verifyReportSchema,
  type VerifyFinding,
  type VerifyOutput,
  type VerifyReport,
} from './verify.js';

// What the real crm_verify of each generation printed (test/fixtures/crm_verify/INDEX.md says how each was made).
interface Recording extends VerifyOutput {
  case: string;
  mode: 'pipe' | 'file' | 'live';
  generation: '2.1.5' | '3.0.0';
  command: string[];
  stdin: string | null;
}
const generations = ['2.1.5', '3.0.0'] as const;
const recordings: Recording[] = generations.flatMap((generation) =>
  readdirSync(join(fixturesDirectory, 'crm_verify', generation))
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(fixture(`crm_verify/${generation}/${name}`)) as Recording),
);
function recording(generation: string, name: string, mode = 'pipe'): Recording {
  const found = recordings.find(
    (entry) => entry.generation === generation && entry.case === name && entry.mode === mode,
  );
  if (!found) throw new Error(`no recording ${generation}/${name}.${mode}.json`);
  return found;
}
const cib = (name: string) => fixture(`crm_verify/cib/${name}.xml`);
const parse = (generation: string, name: string, mode = 'pipe') =>
  parseVerifyOutput(recording(generation, name, mode), { file: `${name}.xml` });
// A finding without its ids, for comparisons where no CIB ids were given.
const brief = ({ severity, kind, message, count }: VerifyFinding) => ({ severity, kind, message, count });
const sorted = (report: VerifyReport) =>
  report.findings.map(brief).sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));

const blindFaith = {
  severity: 'warning',
  kind: 'configuration',
  message: 'Blind faith: not fencing unseen nodes',
  count: 1,
} as const;
const broken = ['not-xml', 'not-cib', 'empty', 'truncated'];
const cases = [...new Set(recordings.map((entry) => entry.case))].filter(
  (name) => !broken.includes(name) && name !== 'missing-file' && name !== 'live-no-cluster',
);

describe('verifyArgs', () => {
  it('is the command line every recording of a CIB on stdin, and of the live CIB, ran', () => {
    for (const entry of recordings.filter((item) => item.mode === 'pipe'))
      expect(entry.command).toEqual(['crm_verify', ...verifyArgs({ kind: 'xml', xml: '<cib/>' })]);
    for (const entry of recordings.filter((item) => item.mode === 'live'))
      expect(entry.command).toEqual(['crm_verify', ...verifyArgs({ kind: 'live' })]);
    expect(verifyArgs({ kind: 'cib-file', path: '/x.xml' })).toEqual(['--xml-pipe', '--output-as=xml', '-VV']);
  });
});

describe('parseVerifyOutput on the recordings of Pacemaker 2.1.5 and 3.0.0', () => {
  it.each(generations)('%s: a valid CIB (exit 0), with the warning -VV adds when fencing is off', (generation) => {
    expect(parse(generation, 'valid')).toEqual({
      valid: true,
      errors: 0,
      warnings: 1,
      findings: [{ ...blindFaith, ids: [] }],
    });
  });

  it.each(generations)('%s: schema errors, each message once with how often it was said', (generation) => {
    const report = parse(generation, 'unknown-idref');
    expect(report).toMatchObject({ valid: false, errors: 2, warnings: 0 });
    expect(sorted(report)).toEqual([
      {
        severity: 'error',
        kind: 'schema',
        message: 'IDREF attribute rsc references an unknown ID "Nope2"',
        count: 2,
      },
      { severity: 'error', kind: 'schema', message: 'IDREF attribute then references an unknown ID "Nope"', count: 1 },
    ]);
    expect(report.findings.map((finding) => finding.ids).sort()).toEqual([['Nope'], ['Nope2']]);
  });

  it.each(generations)('%s: scheduler errors (fencing on, no device), no summary line among them', (generation) => {
    const report = parse(generation, 'no-fence-device');
    expect(report).toMatchObject({ valid: false, errors: 3, warnings: 0 });
    expect(report.findings.map((finding) => finding.message).sort()).toEqual([
      'Either configure some or disable STONITH with the stonith-enabled option',
      'NOTE: Clusters with shared data need STONITH to ensure data integrity',
      'Resource start-up disabled since no STONITH resources have been defined',
    ]);
    expect(report.findings.every((finding) => finding.kind === 'configuration')).toBe(true);
  });

  it.each(generations)('%s: a config warning alone is valid, though crm_verify exits 78 for it', (generation) => {
    const entry = recording(generation, 'deprecated-score');
    expect(entry.exitCode).toBe(78);
    expect(sorted(parseVerifyOutput(entry))).toEqual([
      blindFaith,
      {
        severity: 'warning',
        kind: 'configuration',
        message:
          "Support for 'score' in rsc_order is deprecated and will be removed in a future release (use 'kind' instead)",
        count: 1,
      },
    ]);
    expect(parseVerifyOutput(entry)).toMatchObject({ valid: true, errors: 0, warnings: 2 });
  });

  it.each(generations)('%s: exit 0 with a warning: a failed operation in the status', (generation) => {
    const entry = recording(generation, 'failed-monitor');
    expect(entry.exitCode).toBe(0);
    const report = parseVerifyOutput(entry, { cibIds: idsOfCib('failed-monitor') });
    expect(report).toMatchObject({ valid: true, errors: 0, warnings: 2 });
    const failed = report.findings.find((finding) => finding.message.startsWith('Unexpected result'));
    // The resource, the node (by name: its id is a number, like rc=1) and the operation's history entry.
    expect(failed?.ids).toEqual(['WebServer', 'node1', 'WebServer_last_failure_0']);
  });

  it('the same CIB gives the same findings on both generations (2.1: stderr; 3.0: XML)', () => {
    const same = [
      'valid',
      'unknown-idref',
      'bad-attribute-value',
      'bad-cluster-option',
      'deprecated-score',
      'no-fence-device',
    ];
    for (const name of same) expect(sorted(parse('3.0.0', name)), name).toEqual(sorted(parse('2.1.5', name)));
  });

  it('where the generations differ, they differ in what Pacemaker says, recorded here', () => {
    // 2.1 also logs the failed role lookup behind each "Ignoring 'target-role'".
    const role = (generation: string) => sorted(parse(generation, 'bad-target-role'));
    expect(role('2.1.5')).toEqual([
      blindFaith,
      {
        severity: 'error',
        kind: 'configuration',
        message: "Ignoring 'target-role' for WebServer because 'Bogus' is not valid",
        count: 4,
      },
      { severity: 'error', kind: 'configuration', message: 'Unknown role: Bogus', count: 4 },
    ]);
    expect(role('3.0.0')).toEqual(role('2.1.5').filter((finding) => finding.message !== 'Unknown role: Bogus'));
    // Their result words: "(error: …) … rc=1" against "(Error occurred: …) … exit-status=1".
    const monitor = (generation: string) =>
      parse(generation, 'failed-monitor').findings.find((finding) => finding.message.startsWith('Unexpected'))?.message;
    expect(monitor('2.1.5')).toMatch(/^Unexpected result \(error: Simulated action result\) .* rc=1 /);
    expect(monitor('3.0.0')).toMatch(
      /^Unexpected result \(Error occurred: Simulated action result\) .* exit-status=1 /,
    );
    // validate-with="none": a warning on 2.1 (exit 0); 3.0 also warns it is deprecated (exit 78), twice.
    expect(parse('2.1.5', 'schema-none').findings.map(brief)).toEqual([
      {
        severity: 'warning',
        kind: 'schema',
        message:
          'Schema validation of configuration is disabled (enabling is encouraged and prevents common misconfigurations)',
        count: 1,
      },
      blindFaith,
    ]);
    expect(parse('3.0.0', 'schema-none')).toMatchObject({ valid: true, errors: 0, warnings: 3 });
    expect(parse('3.0.0', 'schema-none').findings.map((finding) => finding.count)).toEqual([1, 1, 2]);
  });

  it('"CIB did not pass schema validation" is a finding only when it is the only error', () => {
    // 2.1 does not know pacemaker-4.0 (3.0's schema) and says nothing else; 3.0 finds the CIB valid.
    expect(parse('2.1.5', 'newer-schema')).toEqual({
      valid: false,
      errors: 1,
      warnings: 0,
      findings: [
        { severity: 'error', kind: 'schema', message: 'CIB did not pass schema validation', ids: [], count: 1 },
      ],
    });
    expect(parse('3.0.0', 'newer-schema')).toMatchObject({ valid: true, errors: 0 });
    // 3.0 says it after scheduler errors too, where it would be wrong: dropped.
    for (const generation of generations)
      for (const name of cases.filter((item) => item !== 'newer-schema'))
        expect(parse(generation, name).findings.map((finding) => finding.message)).not.toContain(
          'CIB did not pass schema validation',
        );
  });

  it('a CIB on stdin and the same CIB as a file give the same findings (2.1 names the file in schema lines)', () => {
    for (const generation of generations)
      for (const name of cases)
        expect(sorted(parse(generation, name, 'file')), `${generation} ${name}`).toEqual(
          sorted(parse(generation, name, 'pipe')),
        );
  });

  it('every report matches verifyReportSchema, and its counts add up', () => {
    for (const generation of generations)
      for (const name of cases)
        for (const mode of ['pipe', 'file']) {
          const report = verifyReportSchema.parse(parse(generation, name, mode));
          expect(report.errors + report.warnings).toBe(report.findings.length);
          expect(report.valid).toBe(report.errors === 0);
        }
  });

  it('ids: the quoted words, and with the CIB at hand its ids and node names too', () => {
    const entry = recording('2.1.5', 'bad-target-role');
    const ignoring = (report: VerifyReport) =>
      report.findings.find((finding) => finding.message.startsWith('Ignoring'))?.ids;
    expect(ignoring(parseVerifyOutput(entry))).toEqual(['target-role', 'Bogus']);
    expect(ignoring(parseVerifyOutput(entry, { cibIds: idsOfCib('bad-target-role') }))).toEqual([
      'target-role',
      'WebServer',
      'Bogus',
    ]);
    // "Couldn't" opens no quote; a number that is a node id is no id.
    const said = parseVerifyOutput(
      {
        stdout: '<pacemaker-result><status code="0" message="OK"/></pacemaker-result>',
        stderr: "(f) \twarning: Couldn't run 'stop' of WebServer on node 1 (rc=1).\n",
        exitCode: 0,
      },
      { cibIds: ['1', 'WebServer'] },
    );
    expect(said.findings[0]?.ids).toEqual(['stop', 'WebServer']);
  });

  it('a run that exited 78 and named nothing (2.1 with one -V) keeps its verdict in its closing words', () => {
    const entry = recording('2.1.5', 'deprecated-score');
    const quiet = { ...entry, stderr: 'crm_verify: Warnings found during check: config may not be valid\n' };
    expect(parseVerifyOutput(quiet)).toEqual({
      valid: true,
      errors: 0,
      warnings: 1,
      findings: [
        {
          severity: 'warning',
          kind: 'configuration',
          message: 'Warnings found during check: config may not be valid',
          ids: [],
          count: 1,
        },
      ],
    });
    const invalid = { ...recording('2.1.5', 'no-fence-device'), stderr: '' };
    expect(parseVerifyOutput(invalid)).toMatchObject({
      valid: false,
      findings: [{ severity: 'error', message: 'Invalid configuration' }],
    });
  });
});

describe('parseVerifyOutput on bad input: typed errors naming what was verified', () => {
  const failure = (generation: string, name: string, mode: string) =>
    thrown(() => parse(generation, name, mode)) as PacemakerToolError;

  it('not XML, empty, cut off: a PacemakerToolError with libxml2 words, on both generations', () => {
    const expected: Record<string, Record<string, string>> = {
      '2.1.5': {
        'not-xml.pipe':
          "crm_verify (not-xml.xml): Couldn't parse input from STDIN. (Start tag expected, '<' not found)",
        'not-xml.file':
          "crm_verify (not-xml.xml): Couldn't parse input file: /tmp/crm_verify-fixtures/not-xml.xml (Start tag expected, '<' not found)",
        'empty.pipe': "crm_verify (empty.xml): Couldn't parse input from STDIN. (No XML supplied on stdin)",
        'empty.file':
          "crm_verify (empty.xml): Couldn't parse input file: /tmp/crm_verify-fixtures/empty.xml (Document is empty)",
        // 2.1 verified what it could read of it, and exited 78: still not a verdict on the CIB.
        'truncated.pipe': "crm_verify (truncated.xml): the input is not well-formed XML (AttValue: ' expected)",
        'truncated.file': "crm_verify (truncated.xml): the input is not well-formed XML (AttValue: ' expected)",
      },
      '3.0.0': {
        'not-xml.pipe':
          "crm_verify (not-xml.xml): Verification failed: Unable to parse CIB XML (Start tag expected, '<' not found)",
        'not-xml.file':
          "crm_verify (not-xml.xml): Verification failed: Unable to parse CIB XML (Start tag expected, '<' not found)",
        'empty.pipe': 'crm_verify (empty.xml): Verification failed: Unable to parse CIB XML (Document is empty)',
        'empty.file': 'crm_verify (empty.xml): Verification failed: Unable to parse CIB XML (Document is empty)',
        'truncated.pipe':
          "crm_verify (truncated.xml): Verification failed: Unable to parse CIB XML (AttValue: ' expected)",
        'truncated.file':
          "crm_verify (truncated.xml): Verification failed: Unable to parse CIB XML (AttValue: ' expected)",
      },
    };
    for (const generation of generations)
      for (const [key, message] of Object.entries(expected[generation] ?? {})) {
        const [name, mode] = key.split('.') as [string, string];
        const error = failure(generation, name, mode);
        expect(error, `${generation} ${key}`).toBeInstanceOf(PacemakerToolError);
        expect(error.message, `${generation} ${key}`).toBe(message);
        expect(error.tool).toBe('crm_verify');
      }
  });

  it('XML that is not a CIB: 2.1 exits 76, 3.0 exits 78 saying so; both a PacemakerToolError', () => {
    expect(failure('2.1.5', 'not-cib', 'pipe')).toMatchObject({
      statusCode: 76,
      message:
        'crm_verify (not-cib.xml): This tool can only check complete configurations (i.e. those starting with <cib>).',
    });
    expect(failure('3.0.0', 'not-cib', 'pipe')).toMatchObject({
      statusCode: 78,
      message: 'crm_verify (not-cib.xml): Input is not a CIB (outermost element is foo not cib)',
    });
  });

  it('a file that does not exist: 2.1 exits 1, 3.0 exits 78; both a PacemakerToolError naming it', () => {
    const missing = (generation: string) =>
      thrown(() =>
        parseVerifyOutput(recording(generation, 'missing-file', 'file'), {
          file: '/tmp/crm_verify-fixtures/no-such-file.xml',
        }),
      );
    expect(missing('2.1.5')).toBeInstanceOf(PacemakerToolError);
    expect((missing('2.1.5') as Error).message).toBe(
      "crm_verify (/tmp/crm_verify-fixtures/no-such-file.xml): Couldn't parse input file: " +
        '/tmp/crm_verify-fixtures/no-such-file.xml (failed to load external entity "/tmp/crm_verify-fixtures/no-such-file.xml")',
    );
    expect((missing('3.0.0') as Error).message).toBe(
      'crm_verify (/tmp/crm_verify-fixtures/no-such-file.xml): Verification failed: Unable to parse CIB XML ' +
        '(failed to load external entity "/tmp/crm_verify-fixtures/no-such-file.xml")',
    );
  });

  it('the live CIB of no cluster: 2.1 exits 66, 3.0 102; both "the cluster is not available"', () => {
    const live = (generation: string) =>
      thrown(() =>
        parseVerifyOutput(recording(generation, 'live-no-cluster', 'live'), { file: 'live CIB', live: true }),
      ) as ServiceUnavailableError;
    expect(live('2.1.5')).toBeInstanceOf(ServiceUnavailableError);
    expect(live('2.1.5')).toMatchObject({
      service: 'pacemaker',
      exitCode: 66,
      message:
        'the cluster is not available: crm_verify could not read the live CIB (CIB query failed: Input file not available)',
    });
    expect(live('3.0.0')).toMatchObject({
      service: 'pacemaker',
      exitCode: 102,
      message:
        'the cluster is not available: crm_verify could not read the live CIB (Could not connect to the CIB: Transport endpoint is not connected)',
    });
    // 66 for a file is no cluster's absence.
    const file = thrown(() => parseVerifyOutput(recording('2.1.5', 'live-no-cluster', 'live'), { file: 'cib.xml' }));
    expect(file).toBeInstanceOf(PacemakerToolError);
  });

  it('stdout that is not crm_verify XML is a ParseError', () => {
    expect(thrown(() => parseVerifyOutput({ stdout: '', stderr: '', exitCode: 0 }))).toMatchObject({
      reason: 'EMPTY_INPUT',
    });
    expect(thrown(() => parseVerifyOutput({ stdout: 'OK\n', stderr: '', exitCode: 0 }))).toBeInstanceOf(ParseError);
    expect(
      thrown(() => parseVerifyOutput({ stdout: '<cib/>', stderr: '', exitCode: 0 }, { file: 'c.xml' })),
    ).toMatchObject({
      reason: 'NOT_VERIFY_OUTPUT',
      message: "crm_verify (c.xml) output:1:6: <cib> is not crm_verify's output (<pacemaker-result>)",
    });
  });

  it('arbitrary output: a report whose counts add up, or a typed error, never anything else', () => {
    const lines = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        '(f) \terror: ',
        '(f) \twarning: ',
        '(f) \tconstructor: x',
        'crm_verify: ',
        'x.xml:3: element y: validity error : ',
        'error: CIB did not pass schema validation',
        'XML Error: a:1: parser error : ',
        'Configuration invalid (with warnings)',
      ),
    );
    const text = fc
      .array(fc.tuple(lines, fc.string({ maxLength: 20 })), { maxLength: 8 })
      .map((parts) => parts.map(([head, tail]) => head + tail).join('\n'));
    const escape = (value: string) =>
      value
        .replace(/[<&]/g, (char) => (char === '<' ? '&lt;' : '&amp;'))
        .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD]/g, '');
    const stdout = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc
        .tuple(fc.constantFrom(0, 1, 78, 102, -1), fc.array(text, { maxLength: 4 }))
        .map(
          ([code, errors]) =>
            `<pacemaker-result><status code="${code}" message="m"><errors>` +
            `${errors.map((error) => `<error>${escape(error)}</error>`).join('')}</errors></status></pacemaker-result>`,
        ),
    );
    fc.assert(
      fc.property(stdout, text, fc.constantFrom(0, 1, 66, 76, 78, 102), fc.boolean(), (out, err, exitCode, live) => {
        try {
          const report = verifyReportSchema.parse(parseVerifyOutput({ stdout: out, stderr: err, exitCode }, { live }));
          expect(report.errors + report.warnings).toBe(report.findings.length);
          expect(report.errors).toBe(report.findings.filter((finding) => finding.severity === 'error').length);
          expect(report.valid).toBe(report.errors === 0);
          if (exitCode === 78) expect(report.findings.length).toBeGreaterThan(0);
        } catch (error) {
          const typed =
            error instanceof ParseError ||
            error instanceof PacemakerToolError ||
            error instanceof ServiceUnavailableError;
          expect(typed, String(error)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

// --- runVerify -------------------------------------------------------------------------------------------------

/** The ids of a fixture CIB, as runVerify collects them (it is given the CIB as text). */
function idsOfCib(name: string): string[] {
  const ids: string[] = [];
  for (const match of cib(name).matchAll(/\b(?:id|uname)="([^"]+)"/g)) ids.push(match[1] as string);
  return ids;
}

/** A runner that answers crm_verify with a recording (or an error), and keeps what it was asked. */
function replaying(answer: Recording | Error) {
  const calls: { file: string; args: readonly string[]; options: RunOptions | undefined }[] = [];
  const runner = {
    run(file: string, args: readonly string[], options?: RunOptions) {
      // A CIB file is read where the runner runs: here, with the real cat.
      if (file === 'cat') return defaultRunner.run(file, args, options);
      calls.push({ file, args, options });
      if (answer instanceof Error) return Promise.reject(answer);
      const result = recordedResult(file, args, answer);
      const allowed = answer.exitCode === 0 || (options?.allowExitCodes ?? []).includes(answer.exitCode);
      return allowed ? Promise.resolve(result) : Promise.reject(new CommandError(result));
    },
  } as unknown as Runner;
  return { runner, calls };
}

describe('runVerify', () => {
  it('sends a CIB text on stdin with --xml-pipe, allows exit 78, and names the CIB ids it finds', async () => {
    const { runner, calls } = replaying(recording('3.0.0', 'bad-target-role'));
    const report = await runVerify(runner, { kind: 'xml', xml: cib('bad-target-role') }, { timeoutMs: 5_000 });
    expect(calls).toEqual([
      {
        file: 'crm_verify',
        args: ['--xml-pipe', '--output-as=xml', '-VV'],
        options: { timeoutMs: 5_000, allowExitCodes: [78], input: cib('bad-target-role') },
      },
    ]);
    expect(report).toMatchObject({ valid: false, errors: 1, warnings: 1 });
    expect(report.findings.find((finding) => finding.severity === 'error')).toEqual({
      severity: 'error',
      kind: 'configuration',
      message: "Ignoring 'target-role' for WebServer because 'Bogus' is not valid",
      ids: ['target-role', 'WebServer', 'Bogus'],
      count: 4,
    });
  });

  it('reads a CIB file where the runner runs and sends it the same way; the live CIB is --live-check with no input', async () => {
    const file = replaying(recording('2.1.5', 'valid'));
    const path = join(fixturesDirectory, 'crm_verify', 'cib', 'valid.xml');
    expect(await runVerify(file.runner, { kind: 'cib-file', path })).toMatchObject({ valid: true });
    expect(file.calls[0]?.options?.input).toBe(cib('valid'));
    const live = replaying(recording('2.1.5', 'valid'));
    await runVerify(live.runner, { kind: 'live' });
    expect(live.calls).toEqual([
      {
        file: 'crm_verify',
        args: ['--live-check', '--output-as=xml', '-VV'],
        options: { timeoutMs: 60_000, allowExitCodes: [78] },
      },
    ]);
  });

  it('bad input is refused before crm_verify runs: not XML, empty, cut off, not a CIB, no file, too large', async () => {
    const { runner, calls } = replaying(recording('2.1.5', 'valid'));
    const verifyText = (name: string) => rejection(runVerify(runner, { kind: 'xml', xml: cib(name) }));
    expect(await verifyText('not-xml')).toMatchObject({
      reason: 'MALFORMED_XML',
      file: 'CIB XML',
      message: expect.stringMatching(/^CIB XML:\d+:\d+: text data outside of root node/),
    });
    expect(await verifyText('empty')).toMatchObject({
      reason: 'EMPTY_INPUT',
      message: 'CIB XML: empty input: no XML at all',
    });
    expect(await verifyText('truncated')).toBeInstanceOf(ParseError);
    const path = join(fixturesDirectory, 'crm_verify', 'cib', 'not-cib.xml');
    const notCib = await rejection(runVerify(runner, { kind: 'cib-file', path }));
    expect(notCib).toBeInstanceOf(ParseError);
    expect(notCib).toMatchObject({
      reason: 'NOT_CIB',
      message: `${path}:1:6: not a CIB: the document is <foo>, a CIB is <cib> (save one with cibadmin --query)`,
    });
    const missing = await rejection(runVerify(runner, { kind: 'cib-file', path: '/nonexistent/cib.xml' }));
    expect(missing).toBeInstanceOf(HaError);
    expect(missing).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/^\/nonexistent\/cib\.xml: cannot read/),
    });
    const tooLarge = await rejection(runVerify(runner, { kind: 'xml', xml: cib('valid') }, { maxBytes: 100 }));
    expect(tooLarge).toBeInstanceOf(InputTooLargeError);
    expect(calls).toEqual([]);
  });

  it("crm_verify's failures: its XML says what (the CommandError is the cause); other failures stay the runner's", async () => {
    const notCib = replaying(recording('2.1.5', 'not-cib'));
    const error = await rejection(runVerify(notCib.runner, { kind: 'xml', xml: cib('valid') }));
    expect(error).toBeInstanceOf(PacemakerToolError);
    expect((error as Error).message).toMatch(/^crm_verify \(CIB XML\): This tool can only check complete/);
    expect((error as Error).cause).toBeInstanceOf(CommandError);
    const offline = replaying(recording('3.0.0', 'live-no-cluster', 'live'));
    expect(await rejection(runVerify(offline.runner, { kind: 'live' }))).toBeInstanceOf(ServiceUnavailableError);
    // Killed, or no XML at all (a crash): the runner's CommandError as it was.
    const crash = new CommandError(recordedResult('crm_verify', [], { exitCode: 134, stderr: 'Aborted' }));
    expect(await rejection(runVerify(replaying(crash).runner, { kind: 'live' }))).toBe(crash);
    const missing = new ToolNotFoundError('crm_verify', [], 'crm_verify');
    expect(await rejection(runVerify(replaying(missing).runner, { kind: 'live' }))).toBe(missing);
  });

  it('no crm_verify on PATH: the real runner says ToolNotFoundError, naming it', async () => {
    const error = await rejection(
      runVerify(createRunner({ env: { PATH: '/nonexistent' } }), { kind: 'xml', xml: cib('valid') }),
    );
    expect(error).toBeInstanceOf(ToolNotFoundError);
    expect(error).toMatchObject({ file: 'crm_verify' });
  });

  it("this machine's real crm_verify (2.1.5) on a CIB file gives what was recorded", async () => {
    const path = join(fixturesDirectory, 'crm_verify', 'cib', 'unknown-idref.xml');
    const report = await runVerify(defaultRunner, { kind: 'cib-file', path });
    expect(sorted(report)).toEqual(sorted(parse('2.1.5', 'unknown-idref')));
    expect(report.findings.map((finding) => finding.ids).sort()).toEqual([['Nope'], ['Nope2']]);
  });
});
