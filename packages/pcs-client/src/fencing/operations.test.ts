import { describe, expect, it } from 'vitest';
import { UnsafeArgumentError, UsageError, type Runner } from '@ha/core';
import { PcsClient } from '../client/pcs-client.js';
import { fixture } from '../../test/fixtures.js';
import { recordingCluster, type Answer } from '../../test/recording-cluster.js';
import { FenceOptionError, FencingFailedError, FencingNotFoundError } from './errors.js';
import { checkFenceDeviceOptions, closestName } from './validate.js';
import { parseFenceAgentMetadata } from './parse.js';

describe('fence devices: checked before pcs runs', () => {
  it('creates a device with its host map, delays and levels: pcs create, then one level add each', async () => {
    const { client, pcsRan } = recordingCluster();
    await client.createFenceDevice({
      id: 'lab-fence',
      agent: 'fence_dummy',
      options: { type: 'file' },
      hostMap: { node1: 'node1', node2: 'node2', node3: 'node3' },
      delay: { base: '1s', max: '5s' },
      levels: [{ level: 1, target: 'node1' }],
      disabled: true,
    });
    expect(pcsRan()).toEqual([
      [
        'pcs',
        'stonith',
        'create',
        'lab-fence',
        'fence_dummy',
        'type=file',
        'pcmk_host_map=node1:node1;node2:node2;node3:node3',
        'pcmk_delay_base=1s',
        'pcmk_delay_max=5s',
        '--disabled',
      ],
      ['pcs', 'stonith', 'level', 'add', '1', 'node1', 'lab-fence'],
    ]);
  });

  it('an option the metadata does not list: named, with the list and a close name; pcs never ran', async () => {
    const { client, pcsRan } = recordingCluster();
    const error = await client
      .createFenceDevice({ id: 'pdu', agent: 'fence_apc', options: { ip: '10.0.0.9', username: 'u', ipadr: 'x' } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FenceOptionError);
    expect(error).toMatchObject({ agent: 'fence_apc', options: ['ipadr'], problem: 'unknown', suggestion: 'ipaddr' });
    expect((error as FenceOptionError).allowed).toEqual(expect.arrayContaining(['ip', 'pcmk_host_map']));
    expect((error as Error).message).toMatch(
      /^fence agent fence_apc has no option 'ipadr' \(did you mean 'ipaddr'\?\); its options are: /,
    );
    expect(pcsRan()).toEqual([]);
  });

  it("a required option missing (its old or new name will do; the fencer's own port and action never are)", async () => {
    const { client, pcsRan } = recordingCluster();
    await expect(
      client.createFenceDevice({ id: 'pdu', agent: 'fence_apc', options: { ip: '10.0.0.9' } }),
    ).rejects.toMatchObject({
      problem: 'missing',
      options: ['username'],
    });
    await client.createFenceDevice({ id: 'pdu', agent: 'fence_apc', options: { ipaddr: '10.0.0.9', login: 'admin' } });
    expect(pcsRan()).toEqual([['pcs', 'stonith', 'create', 'pdu', 'fence_apc', 'ipaddr=10.0.0.9', 'login=admin']]);
  });

  it('an agent that is not installed, a host-map node that is not a cluster node, a bad id: refused first', async () => {
    const { client, pcsRan, lines } = recordingCluster();
    await expect(client.createFenceDevice({ id: 'x', agent: 'fence_nothing' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      kind: 'agent',
      subject: 'fence_nothing',
    });
    const stranger = await client
      .createFenceDevice({ id: 'x', agent: 'fence_dummy', hostMap: { node1: '1', node9: '9' } })
      .catch((caught: unknown) => caught);
    expect(stranger).toBeInstanceOf(FencingNotFoundError);
    expect((stranger as Error).message).toBe("no node 'node9' (there are node1, node2, node3)");
    await expect(client.createFenceDevice({ id: '9lives', agent: 'fence_dummy' })).rejects.toBeInstanceOf(
      UnsafeArgumentError,
    );
    await expect(
      client.createFenceDevice({ id: 'x', agent: 'fence_dummy', levels: [{ level: 1, target: 'node7' }] }),
    ).rejects.toMatchObject({ kind: 'node', subject: 'node7' });
    expect(pcsRan()).toEqual([]);
    // The bad id was refused before anything at all ran.
    expect(lines.filter((line) => line.includes('9lives'))).toEqual([]);
  });

  it('update, delete, enable, disable: an id that does not exist is named, and pcs does not run', async () => {
    const { client, pcsRan } = recordingCluster();
    for (const action of [
      () => client.updateFenceDevice('lab-fense', { pcmk_delay_max: '3s' }),
      () => client.deleteFenceDevice('lab-fense'),
      () => client.deleteStonith('lab-fense'),
      () => client.enableFenceDevice('lab-fense'),
      () => client.disableFenceDevice('lab-fense'),
    ])
      await expect(action()).rejects.toThrow("no fence device 'lab-fense' (there are lab-fence, spare)");
    await expect(client.updateFenceDevice('spare', { pcmk_dealy_max: '3s' })).rejects.toMatchObject({
      suggestion: 'pcmk_delay_max',
    });
    expect(pcsRan()).toEqual([]);
    await client.updateFenceDevice('spare', { pcmk_delay_max: '3s', pcmk_host_list: '' });
    await client.deleteFenceDevice('spare');
    await client.enableFenceDevice('lab-fence', { waitSeconds: 10 });
    await client.disableFenceDevice('lab-fence');
    expect(pcsRan()).toEqual([
      ['pcs', 'stonith', 'update', 'spare', 'pcmk_delay_max=3s', 'pcmk_host_list='],
      ['pcs', 'stonith', 'delete', 'spare'],
      ['pcs', 'stonith', 'enable', 'lab-fence', '--wait=10'],
      ['pcs', 'stonith', 'disable', 'lab-fence'],
    ]);
  });
});

describe('levels', () => {
  it('a level naming a missing device, or a node that is not a cluster node: refused before pcs', async () => {
    const { client, pcsRan } = recordingCluster();
    await expect(client.addFenceLevel(2, 'node2', ['lab-fence', 'ghost'])).rejects.toThrow(
      "no fence device 'ghost' (there are lab-fence, spare)",
    );
    await expect(client.addFenceLevel(2, 'node9', ['lab-fence'])).rejects.toMatchObject({ kind: 'node' });
    await expect(client.removeFenceLevel(4)).rejects.toMatchObject({ kind: 'level', code: 'NOT_FOUND' });
    await expect(client.removeFenceLevel(2, 'node3')).rejects.toThrow(
      /^no fencing level '2 for node3' \(there are 1 for node1 \(lab-fence\), /,
    );
    await expect(client.addFenceLevel(0, 'node1', ['lab-fence'])).rejects.toBeInstanceOf(UnsafeArgumentError);
    expect(pcsRan()).toEqual([]);
    await client.addFenceLevel(2, 'node2', ['spare', 'lab-fence']);
    await client.addFenceLevel(4, { kind: 'pattern', pattern: 'node[0-9]' }, ['spare']);
    await client.removeFenceLevel(2, 'node1', ['spare']);
    await client.removeFenceLevel(3);
    expect(pcsRan()).toEqual([
      ['pcs', 'stonith', 'level', 'add', '2', 'node2', 'spare', 'lab-fence'],
      ['pcs', 'stonith', 'level', 'add', '4', 'regexp%node[0-9]', 'spare'],
      ['pcs', 'stonith', 'level', 'remove', '2', 'target', 'node1', 'stonith', 'spare'],
      ['pcs', 'stonith', 'level', 'remove', '3'],
    ]);
  });

  it("verify: pcs's findings, or none", async () => {
    const said =
      "Error: Stonith resource(s) 'ghost' do not exist\nError: Errors have occurred, therefore pcs is unable to continue\n";
    const failing = recordingCluster(undefined, (file, args) =>
      file === 'pcs' && args[2] === 'verify' ? { stderr: said, exitCode: 1 } : undefined,
    );
    expect(await failing.client.verifyFenceLevels()).toEqual([
      { message: "Stonith resource(s) 'ghost' do not exist", subjects: ['ghost'] },
    ]);
    expect(await recordingCluster().client.verifyFenceLevels()).toEqual([]);
  });
});

describe('fencing a node', () => {
  // The history before the fencing, then after it: what the recorded fencer listed.
  function withHistory(after: string, fenceAnswer: Answer = {}) {
    let fenced = false;
    return recordingCluster(undefined, (file, args) => {
      if (file !== 'stonith_admin') return undefined;
      if (args[0] === '--history')
        return { stdout: fixture(`stonith_admin/2.1.5/${fenced ? after : 'history-empty.xml'}`) };
      if (['--reboot', '--fence', '--unfence'].includes(args[0] ?? '')) {
        fenced = true;
        return fenceAnswer;
      }
      return undefined;
    });
  }

  it('reboot by default: runs the fencer, returns the entry it recorded', async () => {
    const { client, lines } = withHistory('history-node2.xml');
    const event = await client.fence('node2');
    expect(event).toMatchObject({ target: 'node2', action: 'reboot', status: 'success', delegate: 'node1' });
    expect(lines.filter((line) => line[0] === 'stonith_admin')).toEqual([
      ['stonith_admin', '--history', 'node2', '--verbose', '--output-as=xml'],
      ['stonith_admin', '--reboot', 'node2', '--timeout', '120'],
      ['stonith_admin', '--history', 'node2', '--verbose', '--output-as=xml'],
    ]);
    const off = withHistory('history-node2.xml');
    expect(await off.client.fence('node2', { action: 'off', timeoutMs: 30_000 })).toMatchObject({ action: 'off' });
    expect(off.lines).toContainEqual(['stonith_admin', '--fence', 'node2', '--timeout', '30']);
    const on = withHistory('history-node2.xml');
    expect(await on.client.fence('node2', { action: 'on' })).toMatchObject({ action: 'on' });
    expect(on.lines).toContainEqual(['stonith_admin', '--unfence', 'node2', '--timeout', '120']);
  });

  it('a failed fencing: FencingFailedError with the entry and its reason', async () => {
    const stderr = fixture('stonith_admin/2.1.5/reboot-failed.stderr.txt').split('\n')[0];
    const { client } = withHistory('history-node3.xml', { stderr, exitCode: 124 });
    const error = await client.fence('node3').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FencingFailedError);
    expect(error).toMatchObject({
      target: 'node3',
      action: 'reboot',
      exitReason: 'Fence agent did not complete within 5s',
      event: { status: 'failed', target: 'node3' },
    });
    expect((error as Error).message).toBe('fencing (reboot) of node3 failed: Fence agent did not complete within 5s');
  });

  it('--no-wait: starts the fencer detached and returns the pending entry', async () => {
    // The history lists the pending reboot once the detached stonith_admin has started.
    const started = () => pending.lines.some((line) => line[0] === '(detached)');
    const pending = recordingCluster(undefined, (file, args) =>
      file === 'stonith_admin' && args[0] === '--history'
        ? { stdout: fixture(`stonith_admin/2.1.5/${started() ? 'history-pending.xml' : 'history-empty.xml'}`) }
        : undefined,
    );
    const event = await pending.client.fence('node3', { wait: false });
    expect(event).toMatchObject({ target: 'node3', action: 'reboot', status: 'pending' });
    expect(pending.lines).toContainEqual(['(detached)', 'stonith_admin', '--reboot', 'node3', '--timeout', '120']);
  });

  it('an unknown node is refused before the fencer runs', async () => {
    const { client, lines } = recordingCluster();
    await expect(client.fence('node9')).rejects.toThrow("no node 'node9' (there are node1, node2, node3)");
    await expect(client.fence('-rf')).rejects.toBeInstanceOf(UnsafeArgumentError);
    expect(lines.filter((line) => line[0] === 'stonith_admin')).toEqual([]);
  });
});

describe('confirming a node down', () => {
  it('refused without the deliberate option; the flag of each pcs with it', async () => {
    const old = recordingCluster();
    await expect(old.client.confirmNodeDown('node2')).rejects.toBeInstanceOf(UsageError);
    await expect(old.client.confirmNodeDown('node2', { nodeIsDown: false })).rejects.toThrow(/nodeIsDown: true/);
    await expect(old.client.confirmNodeDown('node9', { nodeIsDown: true })).rejects.toMatchObject({ kind: 'node' });
    expect(old.pcsRan()).toEqual([]);
    await old.client.confirmNodeDown('node2', { nodeIsDown: true });
    expect(old.pcsRan()).toEqual([['pcs', 'stonith', 'confirm', 'node2', '--force']]);
    const current = recordingCluster({ pacemaker: '3.0.0', pcs: '0.12.0.2' });
    await current.client.confirmNodeDown('node2', { nodeIsDown: true });
    expect(current.pcsRan()).toEqual([['pcs', 'stonith', 'confirm', 'node2', '--yes']]);
  });
});

describe('history, targets and agents through the runner', () => {
  it('with the devices given, asks once per device and maps each node to the devices that reach it', async () => {
    const calls: string[][] = [];
    const reach: Record<string, string[]> = { 'fence-a': ['node1', 'node1', 'node2', 'node2'], 'fence-b': ['node3'] };
    const runner = {
      run: async (file: string, args: readonly string[]) => {
        calls.push([file, ...args]);
        const items = (reach[args[1] as string] ?? []).map((node) => `<item>${node}</item>`).join('');
        const stdout =
          `<pacemaker-result api-version="2.25" request="stonith_admin">` +
          `<list name="fence targets">${items}</list><status code="0" message="OK"/></pacemaker-result>`;
        return { stdout, stderr: '', exitCode: 0 };
      },
    } as unknown as Runner;
    const targets = await new PcsClient({ runner }).fencingTargets(
      ['node1', 'node2', 'node3', 'node4'],
      ['fence-a', 'fence-b'],
    );
    expect(targets).toEqual({ node1: ['fence-a'], node2: ['fence-a'], node3: ['fence-b'], node4: [] });
    expect(calls).toEqual([
      ['stonith_admin', '--list-targets', 'fence-a', '--output-as=xml'],
      ['stonith_admin', '--list-targets', 'fence-b', '--output-as=xml'],
    ]);
  });

  it("asks the fencer's registered devices without a status, and fencingTargets then asks only the others", async () => {
    const calls: string[][] = [];
    const reach: Record<string, string[]> = { 'fence-a': ['node1', 'node2'], 'fence-b': ['node3'] };
    const list = (name: string, items: string[]) =>
      `<pacemaker-result api-version="2.25" request="stonith_admin"><list name="${name}">` +
      `${items.map((item) => `<item>${item}</item>`).join('')}</list><status code="0" message="OK"/></pacemaker-result>`;
    const runner = {
      run: async (file: string, args: readonly string[]) => {
        calls.push([file, ...args]);
        const stdout =
          args[0] === '--list-registered'
            ? list('fence devices', ['fence-a'])
            : list('fence targets', reach[args[1] as string] ?? []);
        return { stdout, stderr: '', exitCode: 0 };
      },
    } as unknown as Runner;
    const client = new PcsClient({ runner });
    const registered = await client.registeredFencingReach();
    expect([...registered]).toEqual([['fence-a', ['node1', 'node2']]]);
    // fence-b is active but not registered here: asked then; fence-a is not asked twice.
    const targets = await client.fencingTargets(['node1', 'node2', 'node3'], ['fence-a', 'fence-b'], registered);
    expect(targets).toEqual({ node1: ['fence-a'], node2: ['fence-a'], node3: ['fence-b'] });
    expect(calls).toEqual([
      ['stonith_admin', '--list-registered', '--output-as=xml'],
      ['stonith_admin', '--list-targets', 'fence-a', '--output-as=xml'],
      ['stonith_admin', '--list-targets', 'fence-b', '--output-as=xml'],
    ]);
  });

  it('reads history and targets; a fencer that is down is ServiceUnavailableError', async () => {
    const { client, lines } = recordingCluster();
    expect(await client.fenceHistory()).toEqual([]);
    expect(await client.fencingTargets()).toEqual({ node1: ['ok'], node2: ['ok'], node3: ['ok'] });
    await client.cleanupFenceHistory('node3');
    expect(lines).toContainEqual(['stonith_admin', '--history', '*', '--verbose', '--output-as=xml']);
    expect(lines).toContainEqual(['stonith_admin', '--list', 'node3', '--output-as=xml']);
    expect(lines).toContainEqual(['stonith_admin', '--history', 'node3', '--cleanup', '--output-as=xml']);
    const down = recordingCluster(undefined, (file) =>
      file === 'stonith_admin'
        ? { stdout: fixture('stonith_admin/2.1.5/not-connected.xml'), exitCode: 102 }
        : undefined,
    );
    await expect(down.client.fenceHistory()).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});

describe('failover refuses a node the cluster cannot fence', () => {
  it('fencing disabled, or no device able to fence it: PRECONDITION_FAILED saying how to go on; standby never ran', async () => {
    const disabled = recordingCluster(undefined, (file) =>
      file === 'crm_mon' ? { stdout: fixture('crm_mon/2.1.5/healthy.xml') } : undefined,
    );
    const error = await disabled.client.failover('node1').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect((error as Error).message).toMatch(
      /^will not fail over from node1: the cluster cannot fence it \(fencing is disabled \(stonith-enabled=false\)\)/,
    );
    expect((error as Error).message).toMatch(/allowUnfenceable/);
    const noDevice = recordingCluster(undefined, (file, args) =>
      file === 'stonith_admin' && args[0] === '--list'
        ? { stdout: fixture('stonith_admin/2.1.5/list-nobody.xml') }
        : undefined,
    );
    await expect(noDevice.client.failover('node2')).rejects.toThrow(/no fence device can fence node node2/);
    expect([...disabled.pcsRan(), ...noDevice.pcsRan()]).toEqual([]);
  });
});

describe('checking options against metadata', () => {
  const apc = parseFenceAgentMetadata(fixture('stonith_admin/3.0.0/metadata-fence_apc.xml'));

  it("accepts the agent's and the fencer's options; plug, port and action are never required", () => {
    expect(() =>
      checkFenceDeviceOptions(apc, { ip: 'a', username: 'u', pcmk_host_check: 'static-list' }),
    ).not.toThrow();
    expect(() => checkFenceDeviceOptions(apc, { ip: 'a', username: 'u', plug: '1', action: 'off' })).not.toThrow();
    expect(() => checkFenceDeviceOptions(apc, {})).toThrow("fence agent fence_apc needs options 'ip', 'username'");
  });

  it('suggests a close name only when one is close', () => {
    expect(closestName('pcmk_host_mpa', ['pcmk_host_map', 'pcmk_host_list'])).toBe('pcmk_host_map');
    expect(closestName('zzzzzz', ['ip', 'username'])).toBeUndefined();
  });
});
