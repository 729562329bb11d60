import { describe, expect, it } from 'vitest';
import { UnsafeArgumentError, type CommandResult, type Runner } from '@ha/core';
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
