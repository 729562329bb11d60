import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandError, createRunner, defaultRunner, ParseError, ServiceUnavailableError, type Runner } from '@ha/core';
import { fixturesDirectory } from '../../test/fixtures.js';
import { PacemakerToolError } from '../errors.js';
import { crmMonArgs, readClusterStatus, readClusterStatusXml } from './read.js';

// These run the real crm_mon (Pacemaker 2.1.5 here) offline: on saved or broken CIB files, and live on this
// host, where no cluster runs (the lab's clusters live in their own namespaces).
const scratch = await mkdtemp(join(tmpdir(), 'ha-pcs-read-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

describe('readClusterStatus with the real crm_mon', () => {
  it('a missing CIB file: crm_mon exits 0 with an <error> in its XML, and that is a PacemakerToolError, not a status', async () => {
    const error = await failure(readClusterStatus({ source: { kind: 'cib-file', path: '/nonexistent.xml' } }));
    expect(error).toBeInstanceOf(PacemakerToolError);
    expect(error).toMatchObject({
      source: 'crm_mon (CIB_file=/nonexistent.xml)',
      tool: 'crm_mon',
      statusCode: 0,
      errors: ['Could not connect to the CIB: No such device or address'],
      message: 'crm_mon (CIB_file=/nonexistent.xml): Could not connect to the CIB: No such device or address',
    });
  });

  it("a CIB file of garbage, and one that is XML but not a CIB: typed errors with crm_mon's words", async () => {
    const garbage = join(scratch, 'garbage.xml');
    await writeFile(garbage, 'garbage <<<\n');
    const error = await failure(readClusterStatus({ source: { kind: 'cib-file', path: garbage } }));
    expect(error).toBeInstanceOf(PacemakerToolError);
    expect((error as Error).message).toBe(
      `crm_mon (CIB_file=${garbage}): Could not connect to the CIB: Update does not conform to the configured schema`,
    );
    // Here crm_mon prints an OK result with nothing in it and says why on stderr only.
    const notCib = join(scratch, 'not-cib.xml');
    await writeFile(notCib, '<foo/>\n');
    const empty = await failure(readClusterStatus({ source: { kind: 'cib-file', path: notCib } }));
    expect(empty).toBeInstanceOf(ParseError);
    expect(empty).toMatchObject({ reason: 'NO_SUMMARY', file: `crm_mon (CIB_file=${notCib})`, line: 1 });
    expect((empty as Error).message).toMatch(
      /has no <summary>: not a cluster status \(crm_mon said: .*Expecting element cib, got foo\)$/,
    );
  });

  it("live, without a cluster on this host: ServiceUnavailableError (pacemaker), caused by the CommandError whose message is crm_mon's <error>", async () => {
    // The runner's own error first: its message picks crm_mon's <error> out of the XML, not the XML's first line.
    const run = (await failure(defaultRunner.run('crm_mon', [...crmMonArgs]))) as CommandError;
    expect(run).toBeInstanceOf(CommandError);
    expect(run.exitCode).toBe(102);
    expect(run.message).toBe(
      'crm_mon --one-shot --inactive --fence-history=3 --output-as=xml exited with code 102: error: Could not connect to launcher: Connection refused',
    );
    expect(run.stdout).toContain('<pacemaker-result');
    const error = (await failure(readClusterStatus())) as ServiceUnavailableError;
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({
      service: 'pacemaker',
      exitCode: 102,
      message: 'the cluster is not available: Not connected (error: Could not connect to launcher: Connection refused)',
    });
    expect(error.cause).toBeInstanceOf(CommandError);
    expect((error.cause as CommandError).stdout).toBe(run.stdout);
  });

  it('live, a CIB that does not answer (crm_mon: status 0 and "Could not connect to the CIB") is the cluster being unavailable', async () => {
    // A remote CIB on a port where nothing listens: the same words crm_mon prints while the CIB manager is down.
    const runner = createRunner({
      env: { CIB_server: '127.0.0.1', CIB_port: '1', CIB_user: 'nobody', CIB_passwd: 'x' },
    });
    const error = (await failure(readClusterStatus({ runner }))) as ServiceUnavailableError;
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ service: 'pacemaker', exitCode: 0 });
    expect(error.message).toBe(
      'the cluster is not available: crm_mon could not connect to the CIB (Could not connect to the CIB: Transport endpoint is not connected)',
    );
    expect(error.cause).toBeInstanceOf(PacemakerToolError);
  });

  it('through pcs, without a cluster: the same ServiceUnavailableError, from the crm_mon XML pcs passes on', async () => {
    const error = (await failure(readClusterStatus({ source: { kind: 'pcs' } }))) as ServiceUnavailableError;
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({
      service: 'pacemaker',
      exitCode: 102,
      message: 'the cluster is not available: Not connected (error: Could not connect to launcher: Connection refused)',
    });
    expect(error.cause).toBeInstanceOf(CommandError);
    // An older pcs says so in words only.
    const outcome = {
      file: 'pcs',
      args: ['status', 'xml'],
      command: 'pcs status xml',
      exitCode: 1,
      signal: undefined,
      stdout: '',
      timedOut: false,
      durationMs: 5,
    };
    const said = (stderr: string): Runner =>
      ({ run: () => Promise.reject(new CommandError({ ...outcome, stderr })) }) as unknown as Runner;
    const words = (await failure(
      readClusterStatus({
        source: { kind: 'pcs' },
        runner: said('Error: error running crm_mon, is pacemaker running?\n'),
      }),
    )) as ServiceUnavailableError;
    expect(words).toMatchObject({
      service: 'pacemaker',
      exitCode: 1,
      message:
        'the cluster is not available: pcs status xml failed (Error: error running crm_mon, is pacemaker running?)',
    });
    // Any other pcs failure stays the runner's CommandError.
    await expect(
      readClusterStatus({ source: { kind: 'pcs' }, runner: said('Error: unknown command\n') }),
    ).rejects.toSatisfy((thrown) => thrown instanceof CommandError);
  });

  it('readClusterStatusXml returns the text only when it is a status, with its model', async () => {
    const path = join(fixturesDirectory, 'crm_mon/2.1.5/healthy.cib.xml');
    const { xml, origin, status } = await readClusterStatusXml({ source: { kind: 'cib-file', path } });
    expect(origin).toBe(`crm_mon (CIB_file=${path})`);
    expect(xml).toMatch(/^<pacemaker-result /);
    expect(status.nodes).toHaveLength(3);
    await expect(
      readClusterStatusXml({
        source: { kind: 'xml-file', path: join(fixturesDirectory, 'crm_mon/2.1.5/failures/missing-cib-file.xml') },
      }),
    ).rejects.toBeInstanceOf(PacemakerToolError);
    await expect(
      readClusterStatusXml({
        source: { kind: 'xml-file', path: join(fixturesDirectory, 'crm_mon/2.1.5/healthy.xml') },
        maxBytes: 1000,
      }),
    ).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE', limit: 1000 });
  });
});
