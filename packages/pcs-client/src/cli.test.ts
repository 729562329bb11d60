import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '@ha/core';
import { fixture, fixturesDirectory } from '../test/fixtures.js';
import { command } from './cli.js';

const lab = (state: string, kind: 'xml' | 'cib.xml' = 'xml') =>
  join(fixturesDirectory, 'crm_mon/2.1.5', `${state}.${kind}`);

const run = (argv: string[]) => runCliCaptured(command, argv);

const scratch = await mkdtemp(join(tmpdir(), 'ha-pcs-cli-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('ha-pcs offline, on saved status and CIB files', () => {
  it('status: a readable summary, exit 0 when healthy', async () => {
    const result = await run(['status', '--xml-file', lab('healthy-fenced')]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^cluster: DC node\d \(2\.1\.5-\w+\), quorate, 3 nodes, 3 resource instances$/m);
    expect(result.out).toMatch(/^ {2}node1 +online +member/m);
    expect(result.out).toMatch(/^ {2}WebServer \(ocf:heartbeat:anything\): Started on node\d$/m);
    expect(result.out).toMatch(/^ {2}lab-fence \(stonith:fence_dummy\): Started on node1$/m);
    expect(result.out.trimEnd().endsWith('healthy')).toBe(true);
  });

  it('status: a cluster with fencing disabled is degraded, and says so', async () => {
    const result = await run(['status', '--xml-file', lab('healthy')]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/, stonith disabled$/m);
    expect(result.out).toMatch(/^DEGRADED:\n {2}- fencing is disabled \(stonith-enabled=false\)$/m);
  });

  it('status: exit 1 and the reasons when degraded; --json is the model with the verdict', async () => {
    const killed = await run(['status', '--xml-file', lab('node-killed')]);
    expect(killed.code).toBe(1);
    expect(killed.out).toMatch(
      /^DEGRADED:\n {2}- node node2 is offline\n {2}- fencing is disabled \(stonith-enabled=false\)$/m,
    );
    const json = await run(['status', '--json', '--xml-file', lab('failed-monitor')]);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.out) as { failures: unknown[]; health: unknown };
    expect(parsed.failures).toHaveLength(1);
    expect(parsed.health).toEqual({
      healthy: false,
      state: 'degraded',
      reasons: [
        { code: 'FAILED_ACTION', message: 'failed action monitor of WebServer on node2: error', subject: 'WebServer' },
        { code: 'FENCING_DISABLED', message: 'fencing is disabled (stonith-enabled=false)' },
      ],
    });
    // The heading names the worst state.
    const minority = await run(['status', '--xml-file', lab('partitioned-minority')]);
    expect(minority.code).toBe(1);
    expect(minority.out).toMatch(/^NO-QUORUM:\n {2}- quorum is lost\n {2}- node node1 is offline\n/m);
  });

  it('status of a saved CIB, rendered by the real crm_mon', async () => {
    const result = await run(['status', '--cib-file', lab('standby', 'cib.xml')]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^ {2}node1 +standby/m);
  });

  it('failures: exit 1 with failed actions and fail counts, 0 without', async () => {
    const failed = await run(['failures', '--xml-file', lab('failed-monitor')]);
    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(/^WebServer monitor on node2: error \(rc 1\)/m);
    expect(failed.out).toMatch(/^fail-count WebServer on node2: 1/m);
    expect(await run(['failures', '--xml-file', lab('healthy')])).toMatchObject({ code: 0, out: 'no failures\n' });
  });

  it('resources: every instance with its role and node', async () => {
    const result = await run(['resources', '--json', '--xml-file', lab('healthy')]);
    expect(JSON.parse(result.out)).toEqual([
      expect.objectContaining({ id: 'VirtualIP', role: 'Started', parents: [] }),
      expect.objectContaining({ id: 'WebServer', role: 'Started' }),
    ]);
  });

  it('bad input: one line on stderr, exit 2', async () => {
    const missing = await run(['status', '--xml-file', '/nonexistent/status.xml']);
    expect(missing).toMatchObject({ code: 2, out: '' });
    expect(missing.err).toMatch(/^ha-pcs: \/nonexistent\/status\.xml: cannot read: .*\n$/);
    const cib = await run(['status', '--xml-file', lab('healthy', 'cib.xml')]);
    expect(cib.err).toMatch(
      /^ha-pcs: .*not Pacemaker status XML \(root element <cib>, expected <pacemaker-result> or <crm_mon>\)\n$/,
    );
    const notXml = await run(['status', '--xml-file', join(fixturesDirectory, 'README.md')]);
    expect(notXml.err).toMatch(/^ha-pcs: \/.*README\.md:\d+:\d+: [a-z]/);
    expect(notXml.err.split('\n')).toHaveLength(2);
    const both = await run(['status', '--xml-file', 'a', '--cib-file', 'b']);
    expect(both).toMatchObject({ code: 2, err: 'ha-pcs: --xml-file, --cib-file and --pcs exclude each other\n' });
    const huge = await run(['status', '--xml-file', lab('healthy'), '--max-bytes', '100']);
    expect(huge).toMatchObject({ code: 2, out: '' });
    expect(huge.err).toMatch(/^ha-pcs: .*healthy\.xml: [\d,]+ bytes is more than the limit of 100 bytes .*\n$/);
    expect((await run(['status', '--xml-file', lab('healthy'), '--max-bytes', 'lots'])).err).toBe(
      "ha-pcs: --max-bytes: 'lots' is not a number of bytes (e.g. 16777216, 64MiB)\n",
    );
    const nothing = await run(['wait']);
    expect(nothing.code).toBe(2);
    expect(nothing.err.split('\n')).toHaveLength(2);
  });

  it('a CIB file crm_mon cannot read is an error with its words (exit 2, one line), never a verdict on the cluster', async () => {
    const missing = await run(['status', '--cib-file', '/nonexistent.xml']);
    expect(missing).toEqual({
      code: 2,
      out: '',
      err: 'ha-pcs: crm_mon (CIB_file=/nonexistent.xml): Could not connect to the CIB: No such device or address\n',
    });
    const garbage = join(scratch, 'garbage.xml');
    await writeFile(garbage, '\u0000\u0001 not xml\n');
    expect(await run(['failures', '--cib-file', garbage])).toEqual({
      code: 2,
      out: '',
      err: `ha-pcs: crm_mon (CIB_file=${garbage}): Could not connect to the CIB: Update does not conform to the configured schema\n`,
    });
    const notCib = join(scratch, 'not-cib.xml');
    await writeFile(notCib, '<foo/>\n');
    const empty = await run(['resources', '--cib-file', notCib]);
    expect(empty).toMatchObject({ code: 2, out: '' });
    expect(empty.err).toMatch(
      /^ha-pcs: crm_mon \(CIB_file=.*not-cib\.xml\):1:\d+: <pacemaker-result> has no <summary>: not a cluster status \(/,
    );
    expect(empty.err).toMatch(/ \(crm_mon said: .*Expecting element cib, got foo\)\n$/);
  });

  it("a saved failure, another tool's XML, an empty or truncated file: exit 2, one line, for every reading command", async () => {
    const empty = join(scratch, 'empty.xml');
    await writeFile(empty, '');
    const truncated = join(scratch, 'truncated.xml');
    await writeFile(truncated, fixture('crm_mon/2.1.5/healthy.xml').slice(0, 900));
    const inputs: [string, RegExp][] = [
      [
        join(fixturesDirectory, 'crm_mon/2.1.5/failures/missing-cib-file.xml'),
        /: Could not connect to the CIB: No such device or address$/,
      ],
      [
        join(fixturesDirectory, 'crm_resource/2.1.5/list.xml'),
        /has no <summary>: not a cluster status \(it is the output of crm_resource, not of crm_mon\)$/,
      ],
      [
        join(fixturesDirectory, 'crm_resource/2.1.5/no-such-resource.xml'),
        /: crm_resource: Resource 'nope' not found$/,
      ],
      [
        join(fixturesDirectory, 'stonith_admin/2.1.5/not-connected.xml'),
        /^the cluster is not available: Not connected \(Could not connect to fencer/,
      ],
      [empty, /empty\.xml: empty input: no XML at all$/],
      [truncated, /truncated\.xml:\d+:\d+: /],
    ];
    for (const subcommand of ['status', 'resources', 'failures']) {
      for (const [path, message] of inputs) {
        const result = await run([subcommand, '--xml-file', path]);
        expect(result, `${subcommand} ${path}`).toMatchObject({ code: 2, out: '' });
        expect(result.err.split('\n'), `${subcommand} ${path}`).toHaveLength(2);
        expect(result.err.replace(/^ha-pcs: /, '').trimEnd()).toMatch(message);
      }
    }
  });
});
