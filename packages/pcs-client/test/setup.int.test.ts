import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '@ha/core';
import { labDefaults } from '@ha/lab';
import { useLabCluster } from '@ha/lab/vitest';
import { PcsClient, readClusterStatus } from '../src/index.js';

// Bare node namespaces with pcsd running: the client sets the cluster up the way pcs does it, through pcsd.
const lab = useLabCluster({ nodes: 2, bare: true, pcsd: true });

describe('cluster setup through pcsd', () => {
  it('authenticates the hosts, sets up, starts and enables a cluster, then stops and starts it again', async () => {
    const pcs = new PcsClient({ runner: lab().runner('node1') });
    await pcs.authHosts([{ name: 'node1' }, { name: 'node2' }], {
      username: 'hacluster',
      password: labDefaults.hostPassword,
    });
    await pcs.setupCluster({
      name: 'seed',
      nodes: [
        { name: 'node1', addresses: ['10.213.0.1'] },
        { name: 'node2', addresses: ['10.213.0.2'] },
      ],
      start: true,
      enable: true,
    });
    const up = await pcs.waitFor(
      (status) => status.nodes.length === 2 && status.nodes.every((node) => node.online) && status.summary.dc.present,
      { timeoutMs: 120_000, description: 'both nodes online' },
    );
    expect(up.summary.quorate).toBe(true);
    expect((await lab().exec('node2', 'cat', ['/etc/corosync/corosync.conf'])).stdout).toContain('cluster_name: seed');
    expect((await lab().exec('node2', 'systemctl', ['is-enabled', 'pacemaker'])).stdout.trim()).toBe('enabled');

    await pcs.stopCluster({ all: true });
    await expect(readClusterStatus({ runner: lab().runner('node2') })).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(readClusterStatus({ runner: lab().runner('node2') })).rejects.toMatchObject({ service: 'pacemaker' });
    await pcs.startCluster({ all: true }, { waitSeconds: 90 });
    await pcs.waitFor((status) => status.nodes.every((node) => node.online) && status.summary.quorate, {
      timeoutMs: 120_000,
    });
    await pcs.disableCluster({ nodes: ['node2'] });
    expect(
      (await lab().exec('node2', 'systemctl', ['is-enabled', 'pacemaker'], { allowExitCodes: [1] })).stdout.trim(),
    ).toBe('disabled');
  });
});
