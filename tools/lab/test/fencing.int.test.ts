import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { CommandError } from '@ha/core';
import { DualActiveSampler, labFenceDevice, runPartitionCampaign, servicesHome, waitFor } from '../src/index.js';
import { useLabCluster } from '../src/vitest.js';

// One real 3-node cluster with fencing on (the lab's default): the lab's power switch is its fence device.
// corosync's token is 1 s here (its default, 3 s, is what the bench measures): a lost node is noticed in
// about 3.5 s instead of 8, so ten partitions take two minutes, not three.
const lab = useLabCluster({ nodes: 3, corosyncTokenMs: 1000 });

const agent = (node: string, args: string[], input?: string) =>
  lab()
    .exec(node, 'fence_ha_lab', args, { allowExitCodes: [1, 2, 3, 4, 5], ...(input === undefined ? {} : { input }) })
    .then((result) => ({ ...result, exitCode: result.exitCode ?? 0 }));

const since = (startedAt: number) => async (target: string, status: string) =>
  (await lab().fenceEvents(lab().nodeNames.find((name) => name !== target && lab().isPoweredOn(name)) as string)).find(
    (event) =>
      event.target === target &&
      event.status === status &&
      (event.completed ?? 0) >= Math.floor(startedAt / 1000) * 1000,
  );

describe('the lab power switch and fence_ha_lab', () => {
  it('is configured as the cluster fence device with stonith-enabled=true', async () => {
    const { stdout } = await lab().exec('node1', 'crm_attribute', [
      '--type',
      'crm_config',
      '--name',
      'stonith-enabled',
      '--query',
    ]);
    expect(stdout).toMatch(/value=true/);
    await lab().waitForView('the fence device started', (view) =>
      view.resources.some((resource) => resource.id === labFenceDevice && resource.active),
    );
    const listed = await lab().exec('node2', 'stonith_admin', ['--list', 'node3']);
    expect(listed.stdout).toContain(labFenceDevice);
  });

  it('speaks the fence-agents protocol: metadata, list, status, monitor, options on stdin', async () => {
    const metadata = (await lab().exec('node1', 'stonith_admin', ['--metadata', '--agent', 'fence_ha_lab'])).stdout;
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(metadata) as {
      'resource-agent': {
        name: string;
        parameters: { parameter: { name: string }[] };
        actions: { action: { name: string }[] };
      };
    };
    expect(parsed['resource-agent'].name).toBe('fence_ha_lab');
    expect(parsed['resource-agent'].parameters.parameter.map((p) => p.name)).toEqual(
      expect.arrayContaining(['action', 'plug', 'port', 'socket', 'power_timeout']),
    );
    expect(parsed['resource-agent'].actions.action.map((a) => a.name)).toEqual(
      expect.arrayContaining(['on', 'off', 'reboot', 'status', 'list', 'monitor', 'metadata', 'validate-all']),
    );
    expect((await agent('node1', ['-o', 'list'])).stdout.trim().split('\n')).toEqual([
      'node1,node1',
      'node2,node2',
      'node3,node3',
    ]);
    expect(await agent('node2', ['-o', 'status', '-n', 'node3'])).toMatchObject({
      exitCode: 0,
      stdout: 'Status: ON\n',
    });
    expect(await agent('node2', ['--action=monitor'])).toMatchObject({ exitCode: 0 });
    // As Pacemaker's fencer calls it: no arguments, name=value lines on stdin.
    expect(await agent('node2', [], 'action=status\nport=node1\nnodename=node1\n')).toMatchObject({
      exitCode: 0,
      stdout: 'Status: ON\n',
    });
  });

  it('answers garbage and bad options with the fence-agents error codes and one line', async () => {
    const garbage = await agent('node1', [], 'this is not an option\n\u0000\u0001');
    expect(garbage.exitCode).toBe(2);
    expect(garbage.stderr.trim().split('\n')).toHaveLength(1);
    expect(await agent('node1', ['-o', 'explode', '-n', 'node2'])).toMatchObject({ exitCode: 2 });
    expect(await agent('node1', ['-o', 'off'])).toMatchObject({
      exitCode: 2,
      stderr: expect.stringMatching(/no plug/),
    });
    expect(await agent('node1', ['-o', 'status', '-n', 'node1;reboot'])).toMatchObject({ exitCode: 1 });
    expect(await agent('node1', ['-o', 'status', '-n', 'node9'])).toMatchObject({
      exitCode: 1,
      stderr: expect.stringMatching(/no outlet node9/),
    });
    // A switch off the network: the agent's "connection lost".
    expect(await agent('node1', ['-o', 'status', '-n', 'node2', '--socket', '/run/ha-lab/none.sock'])).toMatchObject({
      exitCode: 4,
    });
  });

  it('is driven by hand: status, list, off and on', async () => {
    expect(await lab().powerStatus()).toEqual([
      { node: 'node1', state: 'on' },
      { node: 'node2', state: 'on' },
      { node: 'node3', state: 'on' },
    ]);
    await expect(lab().power('status', 'node9')).rejects.toThrow(/no node 'node9'/);
    const log = await lab().powerLog();
    expect(log.some((entry) => entry.via === 'node' && entry.request.startsWith('status node3'))).toBe(true);
  });

  it('fences a hard-killed node with reboot: it boots, rejoins and is clean', async () => {
    await lab().createSeedResources();
    const victim = servicesHome(await lab().view()) as string;
    const started = Date.now();
    await lab().kill(victim);
    const fenced = await waitFor('the reboot fence of the killed node', 60_000, () =>
      since(started)(victim, 'success'),
    );
    expect(fenced).toMatchObject({ target: victim, action: 'reboot' });
    expect(fenced.delegate).toMatch(/^node[123]$/);
    const view = await lab().waitForView(
      'the fenced node back online and the services on one node',
      (v) =>
        v.nodes.every((node) => node.online && !node.unclean) &&
        servicesHome(v) !== undefined &&
        v.resources.every((resource) => !resource.failed),
      { timeoutMs: 90_000 },
    );
    expect(view.nodes.map((node) => node.name)).toEqual(['node1', 'node2', 'node3']);
  });

  it('with stonith-action=off a killed node stays off until powered on', async () => {
    await lab().exec('node1', 'pcs', ['property', 'set', 'stonith-action=off']);
    try {
      const victim = 'node3';
      const started = Date.now();
      await lab().kill(victim);
      const fenced = await waitFor('the off fence', 60_000, () => since(started)(victim, 'success'));
      expect(fenced.action).toBe('off');
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(await lab().power('status', victim)).toBe('off');
      expect(lab().isPoweredOn(victim)).toBe(false);
      await lab().start(victim);
      expect(await lab().power('status', victim)).toBe('on');
    } finally {
      await lab().exec('node1', 'pcs', ['property', 'set', 'stonith-action=reboot']);
    }
  });

  it('keeps the services of a node it cannot fence stopped until a manual confirm', async () => {
    const victim = servicesHome(
      await lab().waitForView(
        'services placed',
        (v) => servicesHome(v) !== undefined && v.nodes.every((n) => n.online),
      ),
    ) as string;
    const survivor = lab().nodeNames.find((name) => name !== victim) as string;
    const sampler = new DualActiveSampler(() => lab().nodeInits(), {
      vip: '10.213.0.100',
      serviceCommand: lab().webServerPath,
    });
    await lab().setPowerFault('refuse');
    try {
      const started = Date.now();
      await lab().kill(victim);
      const failed = await waitFor('a failed fence', 90_000, () => since(started)(victim, 'failed'));
      expect(failed.target).toBe(victim);
      // Unconfirmed: nothing of the lost node may start elsewhere.
      sampler.start();
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      const unconfirmed = sampler.stop();
      expect(unconfirmed.vipSamples).toEqual({});
      const view = await lab().view(survivor);
      expect(view.nodes.find((node) => node.name === victim)?.unclean).toBe(true);
      // crm_mon still places them on the lost node (their state there is unknown), on no survivor.
      expect([undefined, victim]).toContain(servicesHome(view));
      // pcs's manual confirm: the operator vouches the node is down.
      await lab().exec(survivor, 'pcs', ['stonith', 'confirm', victim, '--force'], { timeoutMs: 60_000 });
      const recovered = await lab().waitForView(
        'the services started after the confirm',
        (v) => servicesHome(v) !== undefined && servicesHome(v) !== victim,
        { from: survivor, timeoutMs: 60_000 },
      );
      expect(servicesHome(recovered)).not.toBe(victim);
    } finally {
      await lab().setPowerFault('none');
    }
    await lab().start(victim);
    await lab()
      .exec(survivor, 'pcs', ['stonith', 'history', 'cleanup'], { timeoutMs: 60_000 })
      .catch((error: unknown) => {
        if (!(error instanceof CommandError)) throw error;
      });
  });

  it('never lets two nodes hold the VIP or run WebServer over 10 partitions', async () => {
    const campaign = await runPartitionCampaign(lab(), { cycles: 10 });
    expect(campaign.runs).toHaveLength(10);
    for (const run of campaign.runs) {
      expect(run.survivor).not.toBe(run.node);
      expect(run.fenced).toEqual([run.node]);
      expect(run.totalMs).toBeGreaterThan(run.detectMs);
    }
    expect(campaign.dualActive.breaches).toEqual([]);
    // Sampling kept its pace, and saw the VIP move.
    expect(campaign.dualActive.longestGapMs).toBeLessThan(1_000);
    expect(campaign.dualActive.samples).toBeGreaterThan(campaign.runs.reduce((sum, run) => sum + run.totalMs, 0) / 200);
    expect(Object.keys(campaign.dualActive.vipSamples).length).toBeGreaterThan(1);
  }, 600_000);
});
