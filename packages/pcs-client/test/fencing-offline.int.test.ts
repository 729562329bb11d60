// The fencing API's command lines, run by the real pcs of this run's generation (0.11 on debian12, 0.12 on
// debian13) on a CIB file (`pcs -f`), with the real stonith_admin for agents' metadata, cibadmin and crm_mon
// reading the same file (CIB_file). No cluster and no lab: every tool runs offline.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runner } from '@ha/core';
import { labStack, labTools } from '@ha/lab/vitest';
import { FenceOptionError, FencingNotFoundError, PcsClient, PcsCommandError } from '../src/index.js';

let directory = '';
let cib = '';
let tools: Runner;
let client: PcsClient;
const pcsLines: string[][] = [];

beforeAll(async () => {
  tools = await labTools();
  directory = await mkdtemp(join(tmpdir(), 'ha-pcs-fencing-'));
  cib = join(directory, 'cib.xml');
  await writeFile(cib, (await tools.run('cibadmin', ['--empty'])).stdout);
  for (const id of [1, 2, 3])
    await tools.run('cibadmin', ['--create', '-o', 'nodes', '-X', `<node id="${id}" uname="node${id}"/>`], {
      env: { CIB_file: cib },
    });
  // pcs edits the file; every Pacemaker tool reads it.
  const onFile: Runner = {
    run: (file, args, options = {}) => {
      if (file === 'pcs' && args[0] !== '--version') {
        pcsLines.push([...args]);
        return tools.run('pcs', ['-f', cib, ...args], options);
      }
      return tools.run(file, args, { ...options, env: { ...options.env, CIB_file: cib } });
    },
    spawnDetached: (file, args, options) => tools.spawnDetached(file, args, options),
    stream: (file, args, options) => tools.stream(file, args, options),
  };
  client = new PcsClient({ runner: onFile });
}, 60_000);

afterAll(() => rm(directory, { recursive: true, force: true }));

describe(`fencing on a CIB file, pcs of ${labStack()}`, () => {
  it('creates devices with host map, host list, delays, levels and disabled, as pcs writes them', async () => {
    await client.createFenceDevice({
      id: 'lab-fence',
      agent: 'fence_dummy',
      hostMap: { node1: 'node1', node2: 'node2', node3: 'node3' },
      delay: { base: '1s', max: '5s' },
      levels: [{ level: 1, target: 'node1' }],
    });
    await client.createFenceDevice({ id: 'spare', agent: 'fence_dummy', hostList: ['node1', 'node2'], disabled: true });
    const devices = await client.fenceDevices();
    expect(
      devices.map(({ id, hostMap, hostList, delay, disabled }) => ({ id, hostMap, hostList, delay, disabled })),
    ).toEqual([
      {
        id: 'lab-fence',
        hostMap: { node1: 'node1', node2: 'node2', node3: 'node3' },
        hostList: undefined,
        delay: { base: '1s', max: '5s' },
        disabled: false,
      },
      { id: 'spare', hostMap: undefined, hostList: ['node1', 'node2'], delay: {}, disabled: true },
    ]);
    expect((await client.fenceLevels()).map(({ level, target, devices: ids }) => ({ level, target, ids }))).toEqual([
      { level: 1, target: { kind: 'node', node: 'node1' }, ids: ['lab-fence'] },
    ]);
  });

  it('update, disable, enable: what pcs wrote reads back', async () => {
    await client.updateFenceDevice('spare', { pcmk_delay_max: '3s' });
    await client.enableFenceDevice('spare');
    await client.disableFenceDevice('lab-fence');
    const devices = await client.fenceDevices();
    expect(devices.find((device) => device.id === 'spare')).toMatchObject({ disabled: false, delay: { max: '3s' } });
    expect(devices.find((device) => device.id === 'lab-fence')?.disabled).toBe(true);
    await client.enableFenceDevice('lab-fence');
  });

  it('levels: add for a node and a pattern, verify, remove', async () => {
    await client.addFenceLevel(2, 'node1', ['spare', 'lab-fence']);
    await client.addFenceLevel(1, { kind: 'pattern', pattern: 'node[23]' }, ['lab-fence']);
    await client.addFenceLevel(3, { kind: 'attribute', name: 'rack', value: 'r1' }, ['spare']);
    expect(
      (await client.fenceLevels()).map((level) => `${level.level} ${level.target.kind} ${level.devices.join(',')}`),
    ).toEqual(['1 node lab-fence', '2 node spare,lab-fence', '1 pattern lab-fence', '3 attribute spare']);
    expect(await client.verifyFenceLevels()).toEqual([]);
    await client.removeFenceLevel(2, 'node1');
    await client.removeFenceLevel(3);
    await client.removeFenceLevel(1, { kind: 'pattern', pattern: 'node[23]' }, ['lab-fence']);
    expect((await client.fenceLevels()).map((level) => level.id)).toHaveLength(1);
  });

  it("bad input is refused before pcs runs, and pcs itself refuses the same (the API's check agrees with it)", async () => {
    const before = await readFile(cib, 'utf8');
    const ran = pcsLines.length;
    await expect(
      client.createFenceDevice({ id: 'x', agent: 'fence_dummy', options: { nosuchopt: 1 } }),
    ).rejects.toBeInstanceOf(FenceOptionError);
    await expect(client.createFenceDevice({ id: 'x', agent: 'fence_nothing' })).rejects.toMatchObject({
      kind: 'agent',
    });
    await expect(client.addFenceLevel(4, 'node9', ['lab-fence'])).rejects.toBeInstanceOf(FencingNotFoundError);
    await expect(client.addFenceLevel(4, 'node1', ['ghost'])).rejects.toMatchObject({
      kind: 'device',
      subject: 'ghost',
    });
    await expect(client.updateFenceDevice('ghost', { pcmk_delay_max: '1s' })).rejects.toMatchObject({ kind: 'device' });
    await expect(client.deleteFenceDevice('ghost')).rejects.toMatchObject({ kind: 'device' });
    expect(pcsLines.length).toBe(ran);
    expect(await readFile(cib, 'utf8')).toBe(before);
    // What pcs says to the same option, given straight.
    await expect(client.pcs(['stonith', 'create', 'x', 'fence_dummy', 'nosuchopt=1'])).rejects.toSatisfy(
      (error: unknown) => error instanceof PcsCommandError && /nosuchopt/.test(error.message),
    );
  });

  it('deletes a device (and pcs takes its levels with it)', async () => {
    await client.deleteFenceDevice('spare');
    expect((await client.fenceDevices()).map((device) => device.id)).toEqual(['lab-fence']);
    await client.deleteFenceDevice('lab-fence');
    expect(await client.fenceDevices()).toEqual([]);
    expect(await client.fenceLevels()).toEqual([]);
  });
});
