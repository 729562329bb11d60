import { describe, expect, it } from 'vitest';
import { CommandError, defaultRunner, HaError } from '@ha/core';
import { findLabLeftovers, teardownLab, waitFor } from '../src/index.js';
import { useLabCluster } from '../src/vitest.js';

// One real 3-node Corosync + Pacemaker cluster for the whole file; tests run in order on it.
const lab = useLabCluster({ nodes: 3 });

const where = async (resource: string, from?: string) =>
  (await lab().view(from)).resources.find((entry) => entry.id === resource)?.nodes ?? [];

describe('the lab cluster', () => {
  it('boots 3 nodes with a DC, all online, in under 20 s', async () => {
    expect(lab().bootMs).toBeLessThan(20_000);
    const view = await lab().view();
    expect(view.dc).toMatch(/^node[123]$/);
    expect(view.quorate).toBe(true);
    expect(view.nodes.map((node) => [node.name, node.online])).toEqual([
      ['node1', true],
      ['node2', true],
      ['node3', true],
    ]);
  });

  it('gives every node its own hostname, address and private directories', async () => {
    for (const [index, name] of lab().nodeNames.entries()) {
      expect((await lab().exec(name, 'hostname')).stdout.trim()).toBe(name);
      expect((await lab().exec(name, 'ip', ['-o', '-4', 'address', 'show', 'eth0'])).stdout).toContain(
        `10.213.0.${index + 1}/24`,
      );
      expect((await lab().exec(name, 'stat', ['-c', '%U:%G', '/var/lib/pacemaker/cib'])).stdout.trim()).toBe(
        'hacluster:haclient',
      );
      // The stub, not the host's systemctl, answers inside a node.
      expect((await lab().exec(name, 'systemctl', ['is-active', 'pacemaker'])).stdout.trim()).toBe('active');
    }
    // The host sees no lab address and no node.
    const host = await defaultRunner.run('ip', ['-o', 'address']);
    expect(host.stdout).not.toContain('10.213.0.');
  });

  it('passes exit codes through and refuses an unknown node', async () => {
    await expect(lab().exec('node1', 'sh', ['-c', 'exit 7'])).rejects.toMatchObject({ exitCode: 7 });
    expect(() => lab().runner('node9')).toThrow(/no node 'node9'/);
  });

  it('moves a resource off a node put in standby', async () => {
    await lab().exec('node1', 'pcs', [
      'resource',
      'create',
      'dummy',
      'ocf:heartbeat:Dummy',
      'op',
      'monitor',
      'interval=5s',
    ]);
    await lab().waitForView('dummy started', (view) =>
      view.resources.some((r) => r.id === 'dummy' && r.role === 'Started'),
    );
    const [first] = await where('dummy');
    expect(first).toBeDefined();
    await lab().exec('node1', 'pcs', ['node', 'standby', first as string]);
    const moved = await lab().waitForView('dummy moved', (view) => {
      const dummy = view.resources.find((r) => r.id === 'dummy');
      return dummy?.role === 'Started' && dummy.nodes.length === 1 && dummy.nodes[0] !== first;
    });
    expect(moved.nodes.find((node) => node.name === first)?.standby).toBe(true);
    await lab().exec('node1', 'pcs', ['node', 'unstandby', first as string]);
  });

  it('sees a hard-killed node offline and recovers its resource on a survivor', async () => {
    const [victim] = await where('dummy');
    const survivor = lab().nodeNames.find((name) => name !== victim) as string;
    const killedAt = Date.now();
    await lab().kill(victim as string);
    expect(() => lab().runner(victim as string)).toThrow(HaError);
    const view = await lab().waitForView(
      'failover after a crash',
      (v) =>
        v.nodes.some((n) => n.name === victim && !n.online) &&
        v.resources.some(
          (r) => r.id === 'dummy' && r.role === 'Started' && r.nodes.length === 1 && r.nodes[0] !== victim,
        ),
      { from: survivor, timeoutMs: 60_000 },
    );
    expect(view.quorate).toBe(true);
    // With fencing (the lab's default) the survivors fenced the crashed node before recovering: it reboots.
    expect(
      (await lab().fenceEvents(survivor)).some(
        (event) => event.target === victim && event.status === 'success' && (event.completed ?? 0) >= killedAt - 1_000,
      ),
    ).toBe(true);
    await lab().start(victim as string);
    await lab().waitForView('all three online again', (v) => v.nodes.every((n) => n.online), {
      from: victim as string,
    });
  });

  it('partitions a node away, the majority fences it, and it heals', async () => {
    const cutAt = Date.now();
    await lab().partition('node3');
    await lab().waitForView('node3 cut off', (v) => v.nodes.some((n) => n.name === 'node3' && !n.online), {
      from: 'node1',
      timeoutMs: 60_000,
    });
    // Fenced (rebooted) by the majority; it boots still cut off, alone and without quorum.
    const fence = await waitFor('the fence of node3', 60_000, async () =>
      (await lab().fenceEvents('node1')).find(
        (event) => event.target === 'node3' && event.status === 'success' && (event.completed ?? 0) >= cutAt - 1_000,
      ),
    );
    expect(fence.action).toBe('reboot');
    const alone = await waitFor('node3 up again, alone', 60_000, async () => {
      const result = await lab()
        .exec('node3', 'corosync-quorumtool', ['-s'], { allowExitCodes: [1, 2] })
        .catch(() => undefined);
      return result && /Quorate:/.test(result.stdout) ? result : undefined;
    });
    expect(alone.stdout).toMatch(/Quorate:\s+No/);
    expect((await lab().status()).nodes.find((n) => n.name === 'node3')?.link).toBe('down');
    await lab().heal('node3');
    await lab().waitForView('node3 back', (v) => v.nodes.every((n) => n.online), { from: 'node1', timeoutMs: 60_000 });
  });

  it('stops a node cleanly and starts it again', async () => {
    await lab().stop('node2');
    const status = await lab().status();
    expect(status.nodes.find((n) => n.name === 'node2')).toMatchObject({
      running: false,
      corosync: false,
      pacemaker: false,
    });
    await lab().waitForView('node2 left', (v) => v.nodes.some((n) => n.name === 'node2' && !n.online), {
      from: 'node1',
    });
    await lab().start('node2');
    await lab().waitForView('node2 back', (v) => v.nodes.every((n) => n.online), { from: 'node1' });
  });

  it('tears down and leaves nothing behind', async () => {
    expect(await teardownLab()).toEqual([]);
    expect(await findLabLeftovers(defaultRunner)).toEqual([]);
    expect((await defaultRunner.run('ip', ['netns', 'list'])).stdout.trim()).toBe('');
    const daemons = await defaultRunner.run('pgrep', ['-x', 'corosync|pacemakerd|unshare'], { allowExitCodes: [1] });
    expect(daemons.stdout).toBe('');
    await expect(lab().exec('node1', 'true')).rejects.toThrow(/not running/);
    await expect(defaultRunner.run('false', [])).rejects.toBeInstanceOf(CommandError);
  });
});
