import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandError, ServiceUnavailableError, UnsafeArgumentError } from '@ha/core';
import { buildResource } from '../build/builder.js';
import { Drbdadm, parsePlannedCommands } from './drbdadm.js';

// Real resource files run through the real `drbdadm -d`: it prints the drbdsetup/drbdmeta commands it would run.
let scratch = '';
let seedFile = '';
let meshFile = '';
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ha-drbd-commands-'));
  seedFile = join(scratch, 'seed.conf');
  meshFile = join(scratch, 'mesh.conf');
  const global = 'global { disable-ip-verification; usage-count no; }\n';
  await writeFile(
    seedFile,
    global +
      buildResource({
        name: 'drbd0',
        device: '/dev/drbd0',
        disk: '/dev/sdb1',
        metaDisk: 'internal',
        nodes: [
          { name: 'node1', address: '10.213.0.1:7789' },
          { name: 'node2', address: '10.213.0.2:7789' },
        ],
      }),
  );
  await writeFile(
    meshFile,
    global +
      buildResource({
        name: 'data',
        volumes: [
          { number: 0, device: '/dev/drbd10', disk: '/dev/vg/data0', metaDisk: 'internal' },
          { number: 1, device: '/dev/drbd11', disk: '/dev/vg/data1', metaDisk: 'internal' },
        ],
        nodes: [
          { name: 'node1', address: '10.213.0.1:7790' },
          { name: 'node2', address: '10.213.0.2:7790' },
          { name: 'node3', address: '10.213.0.3:7790' },
        ],
        protocol: 'C',
      }),
  );
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const lines = (result: { commands: { program: string; args: string[] }[] }) =>
  result.commands.map((command) => [command.program, ...command.args].join(' '));

describe('drbdadm dry runs (the real drbdadm -d, acting as node1)', () => {
  const client = () => new Drbdadm({ configFile: seedFile, node: 'node1', driverVersion: '9.2.0' });

  it("the seed's create-md, up and primary --force", async () => {
    expect(lines(await client().createMd('drbd0', { force: true, dryRun: true }))).toEqual([
      'drbdmeta 0 v09 /dev/sdb1 internal create-md 1 --force',
    ]);
    expect(lines(await client().up('drbd0', { dryRun: true }))).toEqual([
      'drbdsetup new-resource drbd0 0',
      'drbdsetup new-minor drbd0 0 0',
      'drbdsetup new-peer drbd0 1 --_name=node2',
      'drbdsetup new-path drbd0 1 ipv4:10.213.0.1:7789 ipv4:10.213.0.2:7789',
      'drbdmeta 0 v09 /dev/sdb1 internal apply-al',
      'drbdsetup attach 0 /dev/sdb1 /dev/sdb1 internal',
      'drbdsetup connect drbd0 1',
    ]);
    expect(lines(await client().primary('drbd0', { force: true, dryRun: true }))).toEqual([
      'drbdsetup primary drbd0 --force',
    ]);
  });

  it('the other verbs', async () => {
    const c = client();
    expect(lines(await c.secondary('drbd0', { dryRun: true }))).toEqual(['drbdsetup secondary drbd0']);
    expect(lines(await c.down('drbd0', { dryRun: true }))).toEqual(['drbdsetup down drbd0']);
    expect(lines(await c.verify('drbd0', { dryRun: true }))).toEqual(['drbdsetup verify drbd0 1 0']);
    expect(lines(await c.invalidate('drbd0', { dryRun: true }))).toEqual([
      'drbdsetup invalidate 0',
      'drbdmeta 0 v09 /dev/sdb1 internal invalidate',
    ]);
    expect(lines(await c.resize('drbd0', { dryRun: true }))).toEqual([
      'drbdsetup resize 0',
      'drbdsetup check-resize 0',
    ]);
    expect(lines(await c.pauseSync('drbd0', { dryRun: true }))).toEqual(['drbdsetup pause-sync drbd0 1 0']);
    expect(lines(await c.resumeSync('drbd0', { dryRun: true }))).toEqual(['drbdsetup resume-sync drbd0 1 0']);
    expect(lines(await c.disconnect('drbd0', { dryRun: true }))).toEqual(['drbdsetup disconnect drbd0 1']);
    expect(lines(await c.connect('drbd0', { discardMyData: true, dryRun: true }))).toEqual([
      'drbdsetup connect drbd0 1 --discard-my-data',
    ]);
  });

  it('a three-node, two-volume mesh: a peer per other node, a minor per volume', async () => {
    const up = lines(
      await new Drbdadm({ configFile: meshFile, node: 'node2', driverVersion: '9.2.0' }).up('data', { dryRun: true }),
    );
    expect(up).toContain('drbdsetup new-resource data 1');
    expect(up).toContain('drbdsetup new-minor data 10 0');
    expect(up).toContain('drbdsetup new-minor data 11 1');
    expect(up).toContain('drbdsetup new-peer data 0 --_name=node1 --protocol=C');
    expect(up).toContain('drbdsetup new-peer data 2 --_name=node3 --protocol=C');
    expect(up).toContain('drbdsetup new-path data 2 ipv4:10.213.0.2:7790 ipv4:10.213.0.3:7790');
    expect(up.filter((line) => line.startsWith('drbdsetup attach'))).toHaveLength(2);
  });

  it('DRBD 8.4 commands when the driver version says so', async () => {
    // DRBD 8.4 has no node-id: a file of its own.
    const file = join(scratch, 'drbd84.conf');
    await writeFile(
      file,
      'global { disable-ip-verification; }\nresource r0 {\n' +
        '  device /dev/drbd0; disk /dev/sdb1; meta-disk internal;\n  on node1 { address 10.213.0.1:7789; }\n' +
        '  on node2 { address 10.213.0.2:7789; }\n}\n',
    );
    const client = new Drbdadm({ configFile: file, node: 'node1', driverVersion: '8.4.11' });
    expect(lines(await client.createMd('r0', { force: true, dryRun: true }))).toEqual([
      'drbdmeta 0 v08 /dev/sdb1 internal create-md --force',
    ]);
    expect(lines(await client.up('r0', { dryRun: true }))).toEqual([
      'drbdsetup-84 new-resource r0',
      'drbdsetup-84 new-minor r0 0 0',
      'drbdmeta 0 v08 /dev/sdb1 internal apply-al',
      'drbdsetup-84 attach 0 /dev/sdb1 /dev/sdb1 internal',
      'drbdsetup-84 connect r0 ipv4:10.213.0.1:7789 ipv4:10.213.0.2:7789',
    ]);
  });

  it('a host the resource does not name: drbdadm refuses, and the failure is a typed CommandError', async () => {
    const error = await new Drbdadm({ configFile: seedFile, node: 'elsewhere', driverVersion: '9.2.0' })
      .up('drbd0', { dryRun: true })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ exitCode: expect.any(Number) });
    expect((error as CommandError).exitCode).not.toBe(0);
    expect((error as CommandError).stderr).toMatch(/elsewhere|not defined|No host/i);
  });

  it('an unknown resource is a typed CommandError with drbdadm’s stderr', async () => {
    const error = await client()
      .up('nope', { dryRun: true })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).stderr).toMatch(/nope/);
  });

  it("a file without resources: the CommandError says drbdadm's cause, not its module noise, and keeps the whole output", async () => {
    const empty = join(scratch, 'no-resources.conf');
    await writeFile(empty, 'global { usage-count no; }\n');
    const error = await new Drbdadm({ configFile: empty })
      .up('r0', { dryRun: true })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandError);
    const failure = error as CommandError;
    // The real drbdadm here: two `modinfo: ERROR: Module drbd not found.` lines, then the cause.
    expect(failure.stderr).toMatch(/^modinfo: ERROR: Module drbd not found\.$/m);
    expect(failure.stderr).toMatch(/^no resources defined!$/m);
    expect(failure.message).toBe(`drbdadm -c ${empty} -d up r0 exited with code 1: no resources defined!`);
    // Not mistaken for a missing kernel module: drbdadm never got to drbdsetup.
    expect(error).not.toBeInstanceOf(ServiceUnavailableError);
  });

  it('rejects what could be read as an option or a second argument', async () => {
    await expect(client().up('--all')).rejects.toThrow(UnsafeArgumentError);
    await expect(client().up('r0 r1')).rejects.toThrow(UnsafeArgumentError);
    await expect(client().connect('drbd0', { peer: 'a;b' })).rejects.toThrow(UnsafeArgumentError);
    await expect(client().resize('drbd0', { size: '1G; reboot' })).rejects.toThrow(UnsafeArgumentError);
    await expect(client().createMd('drbd0', { maxPeers: 0 })).rejects.toThrow(UnsafeArgumentError);
  });

  it('a missing drbdadm is a typed error naming the command', async () => {
    const error = await new Drbdadm({
      configFile: seedFile,
      runner: (await import('@ha/core')).createRunner({ env: { PATH: '/nonexistent' } }),
    })
      .up('drbd0', { dryRun: true })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'TOOL_NOT_FOUND' });
    expect((error as Error).message).toMatch(/drbdadm/);
  });

  it('live (not a dry run) on this machine: the missing kernel module is a typed ServiceUnavailableError', async () => {
    const error = await new Drbdadm({ configFile: seedFile, node: 'node1' })
      .up('drbd0')
      .catch((caught: unknown) => caught);
    // drbdadm up runs drbdsetup, which cannot reach the (absent) module.
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'drbd', exitCode: 1 });
    expect((error as Error).cause).toBeInstanceOf(CommandError);
  });
});

describe('parsePlannedCommands', () => {
  it('reads quoted words and skips the chatter', () => {
    expect(
      parsePlannedCommands(
        '\n   found __DRBD_NODE__ in environment\n' +
          'drbdsetup new-peer r0 1 --_name=\'node two\' --shared-secret="a b"\n' +
          '/usr/sbin/drbdmeta 0 v09 /dev/sdb1 internal apply-al\n',
      ),
    ).toEqual([
      { program: 'drbdsetup', args: ['new-peer', 'r0', '1', '--_name=node two', '--shared-secret=a b'] },
      { program: 'drbdmeta', args: ['0', 'v09', '/dev/sdb1', 'internal', 'apply-al'] },
    ]);
  });
});
