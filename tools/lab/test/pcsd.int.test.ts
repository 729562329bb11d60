import { readdirSync, lstatSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labDefaults } from '../src/index.js';
import { useLabCluster } from '../src/vitest.js';

const unitLinks = '/etc/systemd/system/multi-user.target.wants';
const snapshot = () => {
  try {
    return readdirSync(unitLinks).map((name) => `${name}@${lstatSync(`${unitLinks}/${name}`).mtimeMs}`);
  } catch {
    return [];
  }
};
const before = snapshot();

// Bare namespaces with pcsd: the seed's own flow sets the cluster up.
const lab = useLabCluster({ nodes: 2, bare: true, pcsd: true });

describe("the seed's pcs flow in the lab", () => {
  it('authenticates, sets up, starts and enables a cluster through pcsd, without touching the host', async () => {
    const auth = await lab().exec('node1', 'pcs', [
      'host',
      'auth',
      'node1',
      'node2',
      '-u',
      'hacluster',
      '-p',
      labDefaults.hostPassword,
    ]);
    // pcs reports on stderr.
    expect(auth.stderr).toMatch(/node1: Authorized/);
    await lab().exec('node1', 'pcs', [
      'cluster',
      'setup',
      'seed',
      'node1',
      'addr=10.213.0.1',
      'node2',
      'addr=10.213.0.2',
    ]);
    await lab().exec('node1', 'pcs', ['cluster', 'start', '--all', '--wait=90'], { timeoutMs: 120_000 });
    await lab().exec('node1', 'pcs', ['cluster', 'enable', '--all']);
    const view = await lab().waitForView(
      'both nodes online',
      (v) => v.dc !== undefined && v.nodes.length === 2 && v.nodes.every((n) => n.online),
      { timeoutMs: 90_000 },
    );
    expect(view.quorate).toBe(true);
    const conf = await lab().exec('node2', 'cat', ['/etc/corosync/corosync.conf']);
    expect(conf.stdout).toContain('cluster_name: seed');
    // pcs "enabled" the services through the stub only.
    expect((await lab().exec('node2', 'systemctl', ['is-enabled', 'corosync'])).stdout.trim()).toBe('enabled');
    expect(snapshot()).toEqual(before);
  });
});
