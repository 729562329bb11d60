import { describe, expect, it } from 'vitest';
import { CommandError, HaError, UnsafeArgumentError, type CommandResult, type Runner, type RunOptions } from '@ha/core';
import { recordedResult } from '@ha/core/testing';
import { crmResourceAnswers } from '../../test/fixtures/crm_resource/answers.js';
import { AgentNotFoundError, AgentParameterError } from '../agents/errors.js';
import { PcsClient } from './pcs-client.js';

// A runner that answers `pcs --version` with `version` and records every other command line.
function recording(version: string): { client: PcsClient; lines: string[][] } {
  const lines: string[][] = [];
  const run = (file: string, args: readonly string[]): Promise<CommandResult> => {
    const stdout = args[0] === '--version' ? `${version}\n` : '';
    if (args[0] !== '--version') lines.push([file, ...args]);
    return Promise.resolve({
      file,
      args,
      command: [file, ...args].join(' '),
      exitCode: 0,
      signal: undefined,
      stdout,
      stderr: '',
      timedOut: false,
      durationMs: 1,
    });
  };
  return { client: new PcsClient({ runner: { run } as unknown as Runner }), lines };
}

describe('PcsClient command lines', () => {
  it('moves a resource the same way on every pcs', async () => {
    const expected: [string, string[][]][] = [
      ['0.11.5', [['pcs', 'resource', 'move', 'web', 'node2', '--promoted', '--wait=30']]],
      ['0.10.9', [['pcs', 'resource', 'move', 'web', 'node2', '--master', '--autodelete', '--wait=30']]],
      [
        '0.10.8',
        [
          ['pcs', 'resource', 'move', 'web', 'node2', '--master', '--wait=30'],
          ['pcs', 'resource', 'clear', 'web', 'node2'],
        ],
      ],
    ];
    for (const [version, commands] of expected) {
      const { client, lines } = recording(version);
      await client.moveResource('web', 'node2', { promoted: true, waitSeconds: 30 });
      expect(lines, version).toEqual(commands);
    }
    const { client, lines } = recording('0.11.5');
    await client.moveResource('web', undefined, { keepConstraint: true });
    await client.moveResource('web');
    expect(lines).toEqual([
      ['pcs', 'resource', 'move-with-constraint', 'web'],
      ['pcs', 'resource', 'move', 'web'],
    ]);
  });

  it('leaves out every option not given, and writes those given', async () => {
    const { client, lines } = recording('0.11.5');
    await client.banResource('web');
    await client.banResource('web', 'node1', { promoted: true, lifetime: 'PT1H' });
    await client.clearResource('web');
    await client.cleanupResource();
    await client.cleanupResource('web', { node: 'node1' });
    await client.restartResource('web', { node: 'node2', waitSeconds: 5 });
    await client.addOrder({ first: 'ip', then: 'web' });
    await client.addOrder({
      first: 'ip',
      then: 'web',
      firstAction: 'promote',
      thenAction: 'start',
      kind: 'Optional',
      symmetrical: false,
    });
    await client.addLocation({ resource: 'web', node: 'node1', relation: 'prefers' });
    await client.addLocation({ resource: 'web', node: 'node1', relation: 'avoids', score: 50 });
    await client.createAlert({ id: 'ha', path: '/usr/bin/alert' });
    await client.createAlert({
      id: 'ha',
      path: '/usr/bin/alert',
      description: 'the monitor',
      options: { socket: '/run/ha.sock' },
      meta: {},
    });
    await client.addAlertRecipient({ alert: 'ha', value: '/run/ha.sock' });
    await client.addAlertRecipient({ alert: 'ha', value: '/run/ha.sock', id: 'ha-r', meta: { timeout: '5s' } });
    await client.authHosts([{ name: 'node1', address: '10.0.0.1' }, { name: 'node2' }], {
      username: 'hacluster',
      password: 'pw',
    });
    await client.startCluster({ all: true }, { waitSeconds: 60 });
    await client.startCluster();
    expect(lines.map((line) => line.slice(1).join(' '))).toEqual([
      'resource ban web',
      'resource ban web node1 --promoted lifetime=PT1H',
      'resource clear web',
      'resource cleanup',
      'resource cleanup web node=node1',
      'resource restart web node2 --wait=5',
      'constraint order ip then web',
      'constraint order promote ip then start web kind=Optional symmetrical=false',
      'constraint location web prefers node1',
      'constraint location web avoids node1=50',
      'alert create path=/usr/bin/alert id=ha',
      'alert create path=/usr/bin/alert id=ha description=the monitor options socket=/run/ha.sock',
      'alert recipient add ha value=/run/ha.sock',
      'alert recipient add ha value=/run/ha.sock id=ha-r meta timeout=5s',
      'host auth node1 addr=10.0.0.1 node2 -u hacluster -p pw',
      'cluster start --all --wait=60',
      'cluster start',
    ]);
  });

  it('names roles the way each pcs does in a colocation', async () => {
    for (const [version, words] of [
      ['0.11.5', 'constraint colocation add Promoted db with Started web'],
      ['0.10.8', 'constraint colocation add master db with started web INFINITY'],
    ] as const) {
      const { client, lines } = recording(version);
      await client.addColocation({
        resource: 'db',
        with: 'web',
        role: 'Promoted',
        withRole: 'Started',
        score: version === '0.10.8' ? 'INFINITY' : undefined,
      });
      expect(lines.map((line) => line.slice(1).join(' '))).toEqual([words]);
    }
  });

  it('refuses an unsafe value before anything runs', async () => {
    const { client, lines } = recording('0.11.5');
    await expect(client.banResource('web', undefined, { lifetime: '1 hour' })).rejects.toBeInstanceOf(
      UnsafeArgumentError,
    );
    await expect(client.addAlertRecipient({ alert: 'ha', value: 'a\0b' })).rejects.toBeInstanceOf(UnsafeArgumentError);
    await expect(client.cleanupResource('web', { node: '--all' })).rejects.toBeInstanceOf(UnsafeArgumentError);
    expect(lines).toEqual([]);
  });
});

describe('createResource: the options checked against the agent before pcs runs', () => {
  // crm_resource answered from its recordings (this generation's), pcs recorded and answered with nothing.
  function node(generation: '2.1.5' | '3.0.0') {
    const { answer } = crmResourceAnswers(generation);
    const lines: string[][] = [];
    const run = (file: string, args: readonly string[], options?: RunOptions): Promise<CommandResult> => {
      lines.push([file, ...args]);
      return answer(file, args, options) ?? Promise.resolve(recordedResult(file, args));
    };
    const client = new PcsClient({ runner: { run } as unknown as Runner, pcsVersion: '0.11.5' });
    return { client, lines, pcsRan: () => lines.filter((line) => line[0] === 'pcs').map((line) => line.join(' ')) };
  }

  it.each(['2.1.5', '3.0.0'] as const)('%s: the seed VirtualIP passes, then pcs creates it', async (generation) => {
    const { client, lines } = node(generation);
    await client.createResource({
      id: 'VirtualIP',
      agent: 'ocf:heartbeat:IPaddr2',
      options: { ip: '10.213.0.100', cidr_netmask: 24 },
      operations: [{ action: 'monitor', interval: '10s' }],
    });
    expect(lines.map((line) => line.join(' '))).toEqual([
      'crm_resource --show-metadata ocf:heartbeat:IPaddr2 --output-as=xml',
      'pcs resource create VirtualIP ocf:heartbeat:IPaddr2 ip=10.213.0.100 cidr_netmask=24 op monitor interval=10s',
    ]);
  });

  it.each(['2.1.5', '3.0.0'] as const)(
    '%s: a mistyped option is refused with every finding; pcs never ran',
    async (generation) => {
      const { client, pcsRan } = node(generation);
      const error = await client
        .createResource({
          id: 'VirtualIP',
          agent: 'ocf:heartbeat:IPaddr2',
          options: { ipp: '10.213.0.100', arp_count: 'many' },
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AgentParameterError);
      expect((error as AgentParameterError).findings.map((finding) => `${finding.code} ${finding.path}`)).toEqual([
        'UNKNOWN_PARAMETER options.ipp',
        'WRONG_TYPE options.arp_count',
        'MISSING_PARAMETER options.ip',
      ]);
      expect((error as AgentParameterError).message).toMatch(/^options\.ipp: .*did you mean 'ip'\?.* \(and 2 more\)$/);
      const unknown = await client
        .createResource({ id: 'x', agent: 'ocf:heartbeat:IPadr2' })
        .catch((caught: unknown) => caught);
      expect(unknown).toBeInstanceOf(AgentNotFoundError);
      expect(pcsRan()).toEqual([]);
    },
  );

  it('a deprecated option alone is no refusal; skipAgentCheck reads no metadata at all', async () => {
    const { client, lines, pcsRan } = node('3.0.0');
    await client.createResource({
      id: 'ip',
      agent: 'ocf:heartbeat:IPaddr2',
      options: { ip: '10.0.0.1', arp_interval: 200 },
    });
    expect(pcsRan()).toHaveLength(1);
    lines.length = 0;
    await client.createResource(
      { id: 'odd', agent: 'ocf:heartbeat:IPaddr2', options: { ipp: '1' } },
      { skipAgentCheck: true },
    );
    expect(lines.map((line) => line.join(' '))).toEqual(['pcs resource create odd ocf:heartbeat:IPaddr2 ipp=1']);
  });
});

describe('waitUntilIdle: until the scheduler plans nothing more', () => {
  it("asks crm_resource --wait, and says what was still to do when crm_resource's own timeout ends it", async () => {
    const calls: string[][] = [];
    const runner = {
      run: (file: string, args: readonly string[]): Promise<CommandResult> => {
        calls.push([file, ...args]);
        const stderr = 'Pending actions:\n\tAction 14: WebServer_start_0\ton node2\n';
        return Promise.reject(new CommandError(recordedResult(file, args, { exitCode: 124, stderr })));
      },
    } as unknown as Runner;
    const error = await new PcsClient({ runner })
      .waitUntilIdle({ timeoutMs: 1_500 })
      .catch((caught: unknown) => caught);
    expect(calls).toEqual([['crm_resource', '--wait', '--timeout', '2s']]);
    expect(error).toBeInstanceOf(HaError);
    expect((error as HaError).code).toBe('TIMEOUT');
    expect((error as HaError).message).toMatch(/after 2 s: Pending actions:; .*WebServer_start_0/);
  });

  it('passes any other failure of crm_resource on as it is', async () => {
    const runner = {
      run: (file: string, args: readonly string[]): Promise<CommandResult> =>
        Promise.reject(new CommandError(recordedResult(file, args, { exitCode: 102, stderr: 'no cluster' }))),
    } as unknown as Runner;
    const error = await new PcsClient({ runner }).waitUntilIdle().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).exitCode).toBe(102);
  });
});
